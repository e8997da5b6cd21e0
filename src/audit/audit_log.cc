#include "audit/audit_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace cp::audit {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;

constexpr int kPageSize = 10'000;

Status Tampered(std::string message) {
  return Status(ErrorCode::kAuditTampered, "the audit log has been tampered with: " + message);
}

std::string DescribeCheckpoint(const storage::AuditCheckpoint& cp) {
  return "the checkpoint at tree size " + std::to_string(cp.tree_size) + " (signed " +
         core::FormatRfc3339(cp.at) + ")";
}

// Calls `visit(index, leaf)` for entries [begin, end) in order, reading
// `page_size` at a time; kAuditTampered when an index is missing, and when
// the log ends before `end` (unless `end` is nullopt: read to the end).
template <typename Visit>
Status ForEachLeaf(storage::Store& store, std::int64_t begin, std::optional<std::int64_t> end,
                   int page_size, Visit&& visit) {
  std::int64_t next = begin;
  while (!end || next < *end) {
    const int want =
        end ? static_cast<int>(std::min<std::int64_t>(page_size, *end - next)) : page_size;
    ASSIGN_OR_RETURN(std::vector<storage::AuditLeaf> page, store.ReadAuditEntries(next, want));
    if (page.empty()) break;
    for (const storage::AuditLeaf& leaf : page) {
      if (leaf.index != next) {
        return Tampered("entry " + std::to_string(next) + " is missing (the next entry stored is " +
                        std::to_string(leaf.index) + ")");
      }
      RETURN_IF_ERROR(visit(leaf.index, leaf.leaf));
      ++next;
    }
  }
  if (end && next < *end) {
    return Tampered("the log ends at " + std::to_string(next) + " entries, before entry " +
                    std::to_string(*end - 1));
  }
  return Status::Ok();
}

// The Merkle tree hash of entries [begin, end).
StatusOr<Hash> SubtreeHash(storage::Store& store, std::int64_t begin, std::int64_t end) {
  RightEdge edge;
  RETURN_IF_ERROR(
      ForEachLeaf(store, begin, end, kPageSize, [&](std::int64_t, const std::string& leaf) {
        edge.Append(LeafHash(leaf));
        return Status::Ok();
      }));
  return edge.Root();
}

// Checks one stored checkpoint against the key and the recomputed root.
Status CheckCheckpoint(const storage::AuditCheckpoint& cp, const Hash& recomputed,
                       const PublicKey& key) {
  CheckpointStatement statement;
  statement.tree_size = cp.tree_size;
  statement.at = cp.at;
  if (!FromBytes(cp.root_hash, statement.root) ||
      !key.Verify(SignedBytes(statement), cp.signature)) {
    std::string why =
        DescribeCheckpoint(cp) + " has an invalid signature: it was forged or altered";
    if (cp.key_id != key.id()) {
      why += ", or signed by another key (it names key " + cp.key_id + "; verifying with key " +
             key.id() + ")";
    }
    return Tampered(why);
  }
  if (statement.root != recomputed) {
    return Tampered(DescribeCheckpoint(cp) + " does not match the log: an entry before index " +
                    std::to_string(cp.tree_size) + " was changed, removed, inserted or moved");
  }
  return Status::Ok();
}

}  // namespace

// ---- Verification -------------------------------------------------------------------

StatusOr<VerifyReport> VerifyLog(storage::Store& store, const PublicKey& key, int page_size) {
  if (page_size < 1) return core::InvalidArgument("the verification page size must be positive");
  VerifyReport report;
  RightEdge edge;
  // Checkpoints are read a page at a time too, in tree-size order.
  std::vector<storage::AuditCheckpoint> checkpoints;
  std::size_t next_cp = 0;
  bool more_checkpoints = true;
  auto current_checkpoint = [&]() -> StatusOr<const storage::AuditCheckpoint*> {
    if (next_cp == checkpoints.size() && more_checkpoints) {
      const std::int64_t after = checkpoints.empty() ? 0 : checkpoints.back().tree_size;
      ASSIGN_OR_RETURN(checkpoints, store.ReadAuditCheckpoints(after, 1000));
      next_cp = 0;
      more_checkpoints = !checkpoints.empty();
    }
    if (next_cp == checkpoints.size()) return static_cast<const storage::AuditCheckpoint*>(nullptr);
    return &checkpoints[next_cp];
  };
  auto check_due = [&]() -> Status {
    for (;;) {
      ASSIGN_OR_RETURN(const storage::AuditCheckpoint* cp, current_checkpoint());
      if (cp == nullptr || cp->tree_size != edge.size()) return Status::Ok();
      RETURN_IF_ERROR(CheckCheckpoint(*cp, edge.Root(), key));
      ++report.checkpoints;
      report.covered = cp->tree_size;
      report.newest_checkpoint_at = cp->at;
      ++next_cp;
    }
  };
  RETURN_IF_ERROR(ForEachLeaf(store, 0, std::nullopt, page_size,
                              [&](std::int64_t, const std::string& leaf) -> Status {
                                edge.Append(LeafHash(leaf));
                                return check_due();
                              }));
  ASSIGN_OR_RETURN(const storage::AuditCheckpoint* beyond, current_checkpoint());
  if (beyond != nullptr) {
    return Tampered(DescribeCheckpoint(*beyond) + " covers more entries than the log holds (" +
                    std::to_string(edge.size()) +
                    "): entries were removed from the end of the log");
  }
  report.entries = edge.size();
  report.root = edge.Root();
  return report;
}

// ---- AuditLog -------------------------------------------------------------------------

AuditLog::AuditLog(storage::Store& store, const core::Clock& clock, const SigningKey* signer,
                   CheckpointPolicy policy)
    : store_(store), clock_(clock), signer_(signer), policy_(policy) {}

Status AuditLog::AppendPrepared(storage::Transaction& tx, std::int64_t index, const Event& event) {
  storage::AuditEntry entry;
  entry.index = index;
  entry.at = clock_.Now();
  entry.actor = event.actor.id;
  entry.action = std::string(ActionName(event.action));
  entry.children = event.children;
  entry.leaf = EncodeLeaf(entry.at, event);
  return tx.AppendAuditEntry(entry);
}

StatusOr<std::int64_t> AuditLog::AppendIn(storage::Transaction& tx, const Event& event) {
  RETURN_IF_ERROR(Validate(event));
  ASSIGN_OR_RETURN(std::int64_t index, tx.NextAuditIndex());
  RETURN_IF_ERROR(AppendPrepared(tx, index, event));
  return index;
}

StatusOr<std::int64_t> AuditLog::AppendIn(storage::Transaction& tx, const Event& event,
                                          const storage::AuditCriteria& criteria) {
  ASSIGN_OR_RETURN(std::int64_t index, AppendIn(tx, event));
  RETURN_IF_ERROR(tx.PutAuditCriteria(index, criteria));
  return index;
}

StatusOr<std::int64_t> AuditLog::Append(const Event& event) {
  return AppendBatch(std::span<const Event>(&event, 1));
}

StatusOr<std::int64_t> AuditLog::AppendBatch(std::span<const Event> events) {
  for (const Event& event : events) RETURN_IF_ERROR(Validate(event));
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Transaction> tx,
                   store_.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(const std::int64_t first, tx->NextAuditIndex());
  if (events.empty()) return first;
  for (std::size_t i = 0; i < events.size(); ++i) {
    RETURN_IF_ERROR(AppendPrepared(*tx, first + static_cast<std::int64_t>(i), events[i]));
  }
  RETURN_IF_ERROR(tx->Commit());
  CheckpointAfterAppend(first + static_cast<std::int64_t>(events.size()));
  return first;
}

void AuditLog::CheckpointAfterAppend(std::int64_t size) {
  auto made = MaybeCheckpointAt(size);
  if (!made.ok()) {
    spdlog::warn("audit: could not write a checkpoint after an append: {}",
                 made.status().ToString());
  }
}

StatusOr<std::optional<storage::AuditCheckpoint>> AuditLog::Checkpoint() {
  if (signer_ == nullptr) {
    return core::FailedPrecondition(
        "no audit signing key was given, so no checkpoint can be signed");
  }
  std::lock_guard<std::mutex> lock(checkpoint_mu_);
  return CheckpointLocked();
}

StatusOr<std::optional<storage::AuditCheckpoint>> AuditLog::MaybeCheckpoint() {
  if (signer_ == nullptr) return std::optional<storage::AuditCheckpoint>();
  ASSIGN_OR_RETURN(std::int64_t size, store_.AuditLogSize());
  return MaybeCheckpointAt(size);
}

StatusOr<std::optional<storage::AuditCheckpoint>> AuditLog::MaybeCheckpointAfter(std::int64_t index) {
  return MaybeCheckpointAt(index + 1);
}

StatusOr<std::optional<storage::AuditCheckpoint>> AuditLog::MaybeCheckpointAt(std::int64_t size) {
  if (signer_ == nullptr) return std::optional<storage::AuditCheckpoint>();
  std::lock_guard<std::mutex> lock(checkpoint_mu_);
  if (!checkpoint_size_) {
    ASSIGN_OR_RETURN(std::optional<storage::AuditCheckpoint> latest,
                     store_.LatestAuditCheckpoint());
    checkpoint_size_ = latest ? latest->tree_size : 0;
    // With none yet, the log's first entry starts the clock.
    checkpoint_at_ = latest ? latest->at : clock_.Now();
  }
  const bool grown = size > *checkpoint_size_;
  const bool by_count = size - *checkpoint_size_ >= policy_.every_entries;
  const bool by_time = clock_.Now() - checkpoint_at_ >= policy_.every;
  if (!grown || !(by_count || by_time)) return std::optional<storage::AuditCheckpoint>();
  return CheckpointLocked();
}

StatusOr<std::optional<storage::AuditCheckpoint>> AuditLog::CheckpointLocked() {
  ASSIGN_OR_RETURN(std::optional<storage::AuditCheckpoint> latest, store_.LatestAuditCheckpoint());
  RightEdge edge;
  if (latest) {
    // The saved right edge is not signed: use it only if it folds to the
    // signed root (equal roots mean equal edges, short of a SHA-256 collision).
    auto restored = RightEdge::Restore(latest->tree_size, latest->right_edge);
    Hash signed_root;
    if (!restored.ok() || !FromBytes(latest->root_hash, signed_root) ||
        restored->Root() != signed_root) {
      return Tampered(DescribeCheckpoint(*latest) +
                      " holds resume state that does not match its root");
    }
    edge = std::move(*restored);
  }
  ASSIGN_OR_RETURN(const std::int64_t size, store_.AuditLogSize());
  if (size < edge.size()) {
    return Tampered(DescribeCheckpoint(*latest) + " covers more entries than the log holds (" +
                    std::to_string(size) + ")");
  }
  if (size == edge.size()) {
    checkpoint_size_ = edge.size();
    checkpoint_at_ = latest ? latest->at : clock_.Now();
    return std::optional<storage::AuditCheckpoint>();
  }
  RETURN_IF_ERROR(
      ForEachLeaf(store_, edge.size(), size, kPageSize, [&](std::int64_t, const std::string& leaf) {
        edge.Append(LeafHash(leaf));
        return Status::Ok();
      }));
  CheckpointStatement statement{size, edge.Root(), clock_.Now()};
  storage::AuditCheckpoint cp;
  cp.tree_size = size;
  cp.at = statement.at;
  cp.root_hash = std::string(AsBytes(statement.root));
  cp.key_id = signer_->public_key().id();
  cp.signature = signer_->Sign(SignedBytes(statement));
  cp.right_edge = edge.Serialize();
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Transaction> tx,
                   store_.Begin(storage::TxMode::kReadWrite));
  Status put = tx->PutAuditCheckpoint(cp);
  if (put.code() == ErrorCode::kAlreadyExists) {
    // Another process signed the same size meanwhile: that one stands.
    return std::optional<storage::AuditCheckpoint>();
  }
  RETURN_IF_ERROR(put);
  RETURN_IF_ERROR(tx->Commit());
  checkpoint_size_ = cp.tree_size;
  checkpoint_at_ = cp.at;
  return std::optional<storage::AuditCheckpoint>(std::move(cp));
}

// ---- Queries and proofs -----------------------------------------------------------------

StatusOr<std::vector<LoggedEvent>> AuditLog::Query(const AuditQuery& query) {
  storage::AuditFilter filter;
  filter.child = query.child;
  filter.actor = query.user;
  if (query.action) filter.action = std::string(ActionName(*query.action));
  filter.from = query.from;
  filter.to = query.to;
  filter.before = query.before;
  filter.limit = query.limit;
  ASSIGN_OR_RETURN(std::vector<storage::AuditLeaf> leaves, store_.QueryAudit(filter));
  std::vector<LoggedEvent> events;
  events.reserve(leaves.size());
  for (const storage::AuditLeaf& leaf : leaves) {
    ASSIGN_OR_RETURN(LoggedEvent logged, DecodeLeaf(leaf.index, leaf.leaf));
    // The leaf is the truth; the columns that selected it must agree.
    const Event& e = logged.event;
    const bool agrees =
        (!query.child ||
         std::find(e.children.begin(), e.children.end(), *query.child) != e.children.end()) &&
        (!query.user || e.actor.id == *query.user) &&
        (!query.action || e.action == *query.action) && (!query.from || logged.at >= *query.from) &&
        (!query.to || logged.at < *query.to);
    if (!agrees) {
      return Tampered("entry " + std::to_string(leaf.index) +
                      " does not say what the store's query columns say it does");
    }
    events.push_back(std::move(logged));
  }
  return events;
}

StatusOr<Hash> AuditLog::RootAt(std::int64_t tree_size) {
  if (tree_size < 0) return core::InvalidArgument("a tree size cannot be negative");
  return SubtreeHash(store_, 0, tree_size);
}

StatusOr<Hash> AuditLog::LeafHashAt(std::int64_t index) {
  ASSIGN_OR_RETURN(std::vector<storage::AuditLeaf> leaves, store_.ReadAuditEntries(index, 1));
  if (leaves.empty() || leaves[0].index != index) {
    return core::NotFound("the audit log has no entry " + std::to_string(index));
  }
  return LeafHash(leaves[0].leaf);
}

StatusOr<std::vector<Hash>> AuditLog::ProveInclusion(std::int64_t index, std::int64_t tree_size) {
  return InclusionProof(index, tree_size, [this](std::int64_t begin, std::int64_t end) {
    return SubtreeHash(store_, begin, end);
  });
}

StatusOr<std::vector<Hash>> AuditLog::ProveConsistency(std::int64_t old_size,
                                                       std::int64_t new_size) {
  return ConsistencyProof(old_size, new_size, [this](std::int64_t begin, std::int64_t end) {
    return SubtreeHash(store_, begin, end);
  });
}

}  // namespace cp::audit
