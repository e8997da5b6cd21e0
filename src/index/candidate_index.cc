#include "index/candidate_index.h"

#include <mutex>

#include "index/internal/index_state.h"

namespace cp::index {

CandidateIndex::CandidateIndex() : state_(std::make_unique<internal::IndexState>()) {}

CandidateIndex::~CandidateIndex() = default;

void CandidateIndex::Reserve(std::size_t children) {
  std::unique_lock lock(mu_);
  state_->Reserve(children);
}

core::Status CandidateIndex::Upsert(const domain::ContactPointId& child,
                                    const linkage::LinkageRecord& record) {
  std::unique_lock lock(mu_);
  return state_->Upsert(child, record);
}

core::Status CandidateIndex::UpsertBatch(std::span<const IndexEntry> entries) {
  std::unique_lock lock(mu_);
  return state_->UpsertBatch(entries);
}

bool CandidateIndex::Remove(const domain::ContactPointId& child) {
  std::unique_lock lock(mu_);
  return state_->Remove(child);
}

CandidateResult CandidateIndex::Candidates(const linkage::LinkageRecord& probe,
                                           const CandidateOptions& options) const {
  std::shared_lock lock(mu_);
  return state_->Candidates(probe, options);
}

std::optional<linkage::LinkageRecord> CandidateIndex::Lookup(
    const domain::ContactPointId& child) const {
  std::shared_lock lock(mu_);
  return state_->Lookup(child);
}

bool CandidateIndex::Contains(const domain::ContactPointId& child) const {
  std::shared_lock lock(mu_);
  return state_->Contains(child);
}

std::size_t CandidateIndex::size() const {
  std::shared_lock lock(mu_);
  return state_->size();
}

IndexStats CandidateIndex::Stats() const {
  std::shared_lock lock(mu_);
  return state_->Stats();
}

std::array<KeyKindStats, kKeyKindCount> CandidateIndex::KeyStats() const {
  std::shared_lock lock(mu_);
  return state_->KeyStats();
}

}  // namespace cp::index
