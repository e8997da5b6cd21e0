#include "ingest/linker.h"

#include <pthread.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "index/candidate_index.h"
#include "ingest/cluster.h"
#include "domain/validation.h"
#include "linkage/comparator.h"
#include "linkage/linkage_data.h"
#include "linkage/normalise.h"
#include "linkage/record.h"

namespace cp::ingest {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using domain::ContactPointId;

struct Linker::Parts {
  Parts(std::unique_ptr<linkage::NameNormaliser> n, linkage::LinkageData d,
        access::AuthorityMap a, const matching::MatchOptions& options)
      : normaliser(std::move(n)),
        data(std::move(d)),
        authorities(std::move(a)),
        builder(*normaliser, data.given_name_variants, data.family_name_variants,
                &data.given_name_frequencies, &data.family_name_frequencies,
                &data.known_given_names),
        matcher(index, comparator, data.model, options) {}

  std::unique_ptr<linkage::NameNormaliser> normaliser;
  linkage::LinkageData data;
  access::AuthorityMap authorities;
  linkage::RecordBuilder builder;
  linkage::Comparator comparator;
  index::CandidateIndex index;
  matching::Matcher matcher;
};

namespace {

std::string ModelTag(const linkage::Model& model) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a, 64 bits
  for (const unsigned char c : model.ToJson()) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char text[32];
  std::snprintf(text, sizeof text, "model-%016llx", static_cast<unsigned long long>(hash));
  return text;
}

bool Current(const storage::SourceRecord& record) {
  return record.state == storage::LinkState::kLinked ||
         record.state == storage::LinkState::kReview;
}

}  // namespace

Linker::Linker(std::unique_ptr<Parts> parts, const matching::MatchOptions& options)
    : parts_(std::move(parts)), options_(options), model_version_(ModelTag(parts_->data.model)) {}

Linker::~Linker() = default;

StatusOr<std::unique_ptr<Linker>> Linker::Load(const std::filesystem::path& data_dir,
                                               const matching::MatchOptions& options,
                                               const std::filesystem::path& geography_dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<linkage::NameNormaliser> normaliser,
                   linkage::NameNormaliser::Create());
  ASSIGN_OR_RETURN(linkage::LinkageData data, linkage::LoadLinkageData(data_dir));
  ASSIGN_OR_RETURN(access::AuthorityMap authorities, access::AuthorityMap::Load(geography_dir));
  return std::unique_ptr<Linker>(new Linker(
      std::make_unique<Parts>(std::move(normaliser), std::move(data), std::move(authorities),
                              options),
      options));
}

void Linker::AssignAuthority(domain::Child& best_view) const {
  std::optional<std::string> postcode;
  if (best_view.address && best_view.address->postcode) {
    auto normalised = domain::NormalisePostcode("postcode", best_view.address->postcode->Reveal());
    if (normalised.ok()) postcode = std::move(*normalised);
    else postcode = std::string("not a postcode");  // goes to the unknown-postcode queue
  }
  const access::AuthorityAssignment a = parts_->authorities.Assign(postcode);
  best_view.accountable =
      a.authority ? domain::Accountability{a.authority->value(), a.provisional}
                  : domain::Accountability{a.queue, false};
}

std::size_t Linker::indexed_children() const { return parts_->index.size(); }
const linkage::RecordBuilder& Linker::builder() const { return parts_->builder; }
const linkage::Comparator& Linker::comparator() const { return parts_->comparator; }
const index::CandidateIndex& Linker::candidate_index() const { return parts_->index; }
const linkage::Model& Linker::model() const { return parts_->data.model; }

Status Linker::Rebuild(storage::Store& store, storage::Transaction& tx) {
  // The writer lock is held (tx is a write transaction), so the change log
  // cannot move between reading its end and reading the children.
  ASSIGN_OR_RETURN(storage::StoreInfo info, store.Info());
  // A fresh index (the old one may hold a rolled-back batch).
  parts_ = std::make_unique<Parts>(std::move(parts_->normaliser), std::move(parts_->data),
                                   std::move(parts_->authorities), options_);
  parts_->index.Reserve(static_cast<std::size_t>(info.children) + 1024);
  // Two threads: this one reads the children from the store (most of the
  // time) while a helper builds each chunk's comparison records and adds
  // them to the index, in the order read. One chunk waits between them.
  std::mutex mu;
  std::condition_variable cv;
  std::vector<domain::Child> handed;  // GUARDED_BY(mu): the chunk waiting
  bool reading = true;                // GUARDED_BY(mu): until every chunk is handed over
  Status built = Status::Ok();        // GUARDED_BY(mu): the helper's failure
  std::thread helper([&] {
    pthread_setname_np(pthread_self(), "cp-index-build");
    std::vector<domain::Child> chunk;
    std::vector<index::IndexEntry> entries;
    entries.reserve(rebuild_chunk_);
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return !handed.empty() || !reading; });
        if (handed.empty()) return;
        chunk.swap(handed);
        cv.notify_all();
      }
      for (const domain::Child& child : chunk) {
        entries.push_back(index::IndexEntry{child.id, parts_->builder.Build(child)});
      }
      chunk.clear();
      Status status = parts_->index.UpsertBatch(entries);
      entries.clear();
      if (!status.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        built = std::move(status);  // the reading stops at its next hand-over
        cv.notify_all();
        return;
      }
    }
  });
  // However this function is left (an exception too), the helper stops and
  // is joined before what it uses goes.
  struct StopHelper {
    std::mutex& mu;
    std::condition_variable& cv;
    bool& reading;
    std::thread& thread;
    void Stop() {
      {
        std::lock_guard<std::mutex> lock(mu);
        reading = false;
        cv.notify_all();
      }
      if (thread.joinable()) thread.join();
    }
    ~StopHelper() { Stop(); }
  } stop_helper{mu, cv, reading, helper};
  std::vector<domain::Child> filling;
  filling.reserve(rebuild_chunk_);
  // Hands `filling` over once the helper has taken the last chunk; false
  // if the helper stopped.
  auto hand_over = [&]() -> bool {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return handed.empty() || !built.ok(); });
    if (!built.ok()) return false;
    handed.swap(filling);
    cv.notify_all();
    return true;
  };
  Status read = tx.ForEachCurrentChild([&](const domain::Child& child) -> Status {
    filling.push_back(child);
    if (filling.size() < rebuild_chunk_ || hand_over()) return Status::Ok();
    return Status(ErrorCode::kAborted, "building the candidate index stopped");
  });
  if (read.ok() && !filling.empty()) (void)hand_over();
  stop_helper.Stop();  // the helper adds the last chunk first
  RETURN_IF_ERROR(built);
  RETURN_IF_ERROR(read);
  synced_to_ = info.last_change;
  return Status::Ok();
}

StatusOr<bool> Linker::UpToDate(storage::Store& store) const {
  if (!synced_) return false;
  ASSIGN_OR_RETURN(std::vector<storage::Change> next, store.ReadChanges(synced_to_, 1));
  return next.empty();
}

Status Linker::Sync(storage::Store& store, storage::Transaction& tx) {
  if (!synced_) {
    clusters_.clear();
    RETURN_IF_ERROR(Rebuild(store, tx));
    synced_ = true;
    return Status::Ok();
  }
  // Children named by changes since the last Sync: other writers' (a
  // committed load of this Linker advanced the sync point past its own).
  constexpr int kPage = 10000;
  std::unordered_set<ContactPointId> touched;
  std::int64_t seq = synced_to_;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<storage::Change> changes, store.ReadChanges(seq, kPage));
    for (const storage::Change& change : changes) {
      if (change.child) touched.insert(*change.child);
      seq = change.seq;
    }
    if (static_cast<int>(changes.size()) < kPage) break;
  }
  for (const ContactPointId& child : touched) {
    clusters_.erase(child);
    Status status = Refresh(tx, child);
    if (!status.ok()) {
      synced_ = false;
      return status;
    }
  }
  synced_to_ = seq;
  return Status::Ok();
}

Status Linker::Refresh(storage::Transaction& tx, const ContactPointId& child) {
  ASSIGN_OR_RETURN(std::vector<storage::SourceRecord> records, tx.SourceRecordsOf(child));
  bool current = false;
  for (const storage::SourceRecord& r : records) current = current || Current(r);
  if (!current) {
    Forget(child);
    return Status::Ok();
  }
  auto view = tx.GetChild(child);
  if (!view.ok()) {
    if (view.status().code() != ErrorCode::kChildNotFound) return view.status();
    Forget(child);
    return Status::Ok();
  }
  return Reindex(*view);
}

Status Linker::Reindex(const domain::Child& best_view) {
  return parts_->index.Upsert(best_view.id, parts_->builder.Build(best_view));
}

void Linker::Forget(const ContactPointId& child) { parts_->index.Remove(child); }

storage::LinkDecision Linker::Unmatched(std::string reason, core::Timestamp at) const {
  storage::LinkDecision d;
  d.decision = std::string(matching::DecisionName(matching::Decision::kNew));
  d.reason = std::move(reason);
  d.model_version = model_version_;
  d.decided_by = "matcher";
  d.at = at;
  return d;
}

StatusOr<Placement> Linker::Place(const RecordsOf& records_of, const ShieldOf& shield_of,
                                  const Origin& origin, const domain::Child& view,
                                  core::Timestamp at,
                                  std::optional<linkage::LinkageRecord> built) const {
  linkage::LinkageRecord probe = built ? std::move(*built) : parts_->builder.Build(view);
  // The Matcher asks for a candidate's records only when it may link to it;
  // a store error is kept and returned after the match.
  Status read_error = Status::Ok();
  // The grounds of the shields in force on the candidates examined.
  std::vector<std::pair<ContactPointId, std::string>> shields;
  auto facts = [&](const ContactPointId& child) {
    matching::ChildFacts f;
    auto shield = shield_of(child);
    if (!shield.ok()) {
      if (read_error.ok()) read_error = shield.status();
      return f;
    }
    if (*shield && (*shield)->state == storage::ShieldState::kInForce) {
      f.shielded = true;
      shields.emplace_back(child, (*shield)->ground);
    }
    auto records = records_of(child);
    if (!records.ok()) {
      if (read_error.ok()) read_error = records.status();
      return f;
    }
    bool any_linked = false;
    for (const storage::SourceRecord& r : **records) {
      if (!Current(r)) continue;
      f.members.push_back(parts_->builder.Build(r.data));
      any_linked = any_linked || r.state == storage::LinkState::kLinked;
      f.register_holds_another = f.register_holds_another ||
                                 (origin.register_of_persons && r.source == origin.source &&
                                  r.key != origin.key);
    }
    f.provisional = !f.members.empty() && !any_linked;
    return f;
  };
  const matching::MatchOutcome outcome = parts_->matcher.Match(probe, facts);
  RETURN_IF_ERROR(read_error);
  Placement placement;
  placement.decision = outcome.decision;
  placement.child = outcome.child;
  placement.wait_with = outcome.wait_with;
  placement.twins_apart = outcome.twins_apart;
  storage::LinkDecision& d = placement.record;
  d.decision = std::string(matching::DecisionName(outcome.decision));
  d.reason = outcome.reason;
  if (!outcome.best.empty()) {
    // The score and vector of the child decided for (else the best seen).
    const matching::ScoredCandidate* chosen = &outcome.best.front();
    for (const matching::ScoredCandidate& s : outcome.best) {
      if (outcome.child && s.child == *outcome.child) chosen = &s;
    }
    d.score = chosen->score;
    d.vector = VectorText(chosen->vector);
  }
  d.model_version = model_version_;
  d.decided_by = "matcher";
  d.at = at;
  if (outcome.decision == matching::Decision::kReview) d.candidate = outcome.child;
  if (outcome.hold_shielded && !shields.empty()) {
    // The proposed child's ground when it is the shielded one, else the
    // first shielded candidate's.
    auto it = std::find_if(shields.begin(), shields.end(),
                           [&](const auto& s) { return outcome.child && s.first == *outcome.child; });
    placement.hold_shield_ground = (it != shields.end() ? *it : shields.front()).second;
  }
  placement.probe = std::move(probe);  // no longer used here: moved, not copied
  return placement;
}

}  // namespace cp::ingest
