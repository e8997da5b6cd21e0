// The audit trail: an append-only, tamper-evident log that every module
// writes to (DOMAIN.md section 6: "all use is monitored and audited").
//
// Appending. AppendIn writes an event inside the caller's storage
// Transaction, so the event commits with the change it records; if the
// append fails the caller must fail the action (fail closed: the caller
// returns the error and drops the transaction, and nothing of the action is
// committed). Append writes an event with no other change in a transaction of
// its own; AppendBatch writes many in one transaction (one durable commit for
// all, for throughput). Every append is durable when its transaction commits
// (the store commits with synchronous=FULL). Leaf indices run 0, 1, 2...
// without gaps: each is computed inside the writing transaction.
//
// Tamper evidence. The entries are the leaves of an RFC 9162 Merkle tree
// (merkle.h). Checkpoints sign (tree size, root, time) with the Ed25519 key
// (signing.h) held outside the store: Checkpoint() writes one now;
// MaybeCheckpoint() writes one when the policy says so (every N entries or
// every T, whichever comes first) and is called after Append and AppendBatch.
// Callers of AppendIn call it after their commit, or leave it to the next
// standalone append or to `contactpoint audit checkpoint`. VerifyLog
// recomputes the whole tree streaming (O(log n) memory) and checks every
// checkpoint; inclusion and consistency proofs let a third party holding a
// checkpoint check an entry, or that the log only grew.
//
// Queries. Query selects events by child ("who viewed this child"), user,
// action and time range, newest first, decoding each from its leaf (the bytes
// the tree covers, not the query columns) and refusing any whose leaf
// disagrees with the columns that selected it.
//
// Search criteria (personal data) are kept apart from the log, keyed by the
// event (AppendIn with criteria; storage::Transaction::GetAuditCriteria), and
// destroyed with the child record (Transaction::DeleteAuditCriteriaOf, also
// done by DeleteChild). Whoever reads them must audit that read too.
#ifndef CP_AUDIT_AUDIT_LOG_H_
#define CP_AUDIT_AUDIT_LOG_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "audit/event.h"
#include "audit/merkle.h"
#include "audit/signing.h"
#include "core/clock.h"
#include "core/status.h"
#include "storage/store.h"

namespace cp::audit {

struct CheckpointPolicy {
  std::int64_t every_entries = 10'000;      // a checkpoint at least this often...
  std::chrono::milliseconds every{60'000};  // ...or when the last is this old
};

// Management queries: every given criterion must hold; newest first.
struct AuditQuery {
  std::optional<domain::ContactPointId> child;
  std::optional<std::string> user;  // the acting principal's id
  std::optional<Action> action;
  std::optional<core::Timestamp> from;  // inclusive
  std::optional<core::Timestamp> to;    // exclusive
  std::optional<std::int64_t> before;   // only entries with index < before (next page)
  int limit = 100;
};

// What VerifyLog found in a log that passed.
struct VerifyReport {
  std::int64_t entries = 0;
  Hash root{};                   // of all entries
  std::int64_t checkpoints = 0;  // checked, each against the recomputed tree
  std::int64_t covered = 0;      // entries under the newest checkpoint
  std::optional<core::Timestamp> newest_checkpoint_at;
};

// Reads every entry once, in index order, recomputing the Merkle tree with a
// RightEdge (memory O(log n) plus one page of `page_size` entries), and
// checks every checkpoint: its signature under `key`, and its root against
// the tree recomputed at its size. Any difference is kAuditTampered with a
// message naming the entry or checkpoint: a changed byte, an entry removed,
// inserted or moved, a log shorter than a checkpoint, a forged checkpoint.
// Entries newer than the newest checkpoint are counted (entries - covered)
// but no signature yet vouches for them.
core::StatusOr<VerifyReport> VerifyLog(storage::Store& store, const PublicKey& key,
                                       int page_size = 10'000);

// The audit log of one store. Borrows the store, the clock and the signing
// key (which may be null: such a log appends and reads but writes no
// checkpoints); all must outlive it. Thread-safe: appends and queries run
// concurrently (the store serialises writers); checkpoints are serialised by
// an internal mutex.
class AuditLog {
 public:
  AuditLog(storage::Store& store, const core::Clock& clock, const SigningKey* signer = nullptr,
           CheckpointPolicy policy = {});

  // Appends `event` in `tx` (see the file comment); returns its index.
  // kInvalidAuditEvent if the event breaks a rule; any store error as is.
  core::StatusOr<std::int64_t> AppendIn(storage::Transaction& tx, const Event& event);
  // Same, keeping the search criteria beside it (e.g. a search's query).
  core::StatusOr<std::int64_t> AppendIn(storage::Transaction& tx, const Event& event,
                                        const storage::AuditCriteria& criteria);

  // Appends in a transaction of its own, committed before it returns.
  core::StatusOr<std::int64_t> Append(const Event& event);

  // Appends all of `events` in one transaction, or none of them; returns
  // the index of the first. An empty batch appends nothing and returns the
  // index the next entry would take.
  core::StatusOr<std::int64_t> AppendBatch(std::span<const Event> events);

  // Signs and stores a checkpoint of every committed entry now, unless the
  // newest checkpoint already covers them all (then nullopt).
  // kFailedPrecondition without a signing key.
  core::StatusOr<std::optional<storage::AuditCheckpoint>> Checkpoint();

  // Checkpoint() if the policy says one is due; nullopt otherwise, and
  // always without a signing key.
  core::StatusOr<std::optional<storage::AuditCheckpoint>> MaybeCheckpoint();
  // The same, after a transaction holding entry `index` has committed: the
  // log is known to hold at least index + 1 entries, so it is not read
  // unless a checkpoint is due (searches and views call it every time).
  core::StatusOr<std::optional<storage::AuditCheckpoint>> MaybeCheckpointAfter(std::int64_t index);

  core::StatusOr<std::vector<LoggedEvent>> Query(const AuditQuery& query);

  // The Merkle root of the first `tree_size` committed entries.
  core::StatusOr<Hash> RootAt(std::int64_t tree_size);
  // The leaf hash of entry `index`.
  core::StatusOr<Hash> LeafHashAt(std::int64_t index);
  // Proofs over committed entries (merkle.h). Each reads the first
  // `tree_size` (or `new_size`) entries once.
  core::StatusOr<std::vector<Hash>> ProveInclusion(std::int64_t index, std::int64_t tree_size);
  core::StatusOr<std::vector<Hash>> ProveConsistency(std::int64_t old_size, std::int64_t new_size);

 private:
  core::StatusOr<std::optional<storage::AuditCheckpoint>> CheckpointLocked();
  // MaybeCheckpoint for a log known to hold `size` committed entries.
  core::StatusOr<std::optional<storage::AuditCheckpoint>> MaybeCheckpointAt(std::int64_t size);
  // After a standalone append has committed: a due checkpoint that fails is
  // logged (operational log, no content), never reported as the append's
  // failure, since the entry is already durable.
  void CheckpointAfterAppend(std::int64_t size);
  core::Status AppendPrepared(storage::Transaction& tx, std::int64_t index, const Event& event);

  storage::Store& store_;
  const core::Clock& clock_;
  const SigningKey* const signer_;
  const CheckpointPolicy policy_;

  std::mutex checkpoint_mu_;
  // The newest checkpoint this log knows of; nullopt until first read.
  std::optional<std::int64_t> checkpoint_size_;  // GUARDED_BY(checkpoint_mu_)
  core::Timestamp checkpoint_at_;                // GUARDED_BY(checkpoint_mu_)
};

}  // namespace cp::audit

#endif  // CP_AUDIT_AUDIT_LOG_H_
