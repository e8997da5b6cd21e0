// The Store: the single source of truth for child records.
//
// A Store holds best-view child records (names and aliases, carers, services
// and involvements), source records with their provenance, merged-ID redirects,
// every ContactPoint ID ever issued (so none is reused), and a change log whose
// sequence numbers only ever increase. Every write happens inside a
// Transaction and appends to the change log in that same transaction, so a
// reader tailing the log (another process, another machine) sees each change
// exactly once and in order.
//
// Backends: SqliteStore (storage/sqlite) now; PostgreSQL later. Both must pass
// the contract suite in store_contract.h. Every SQL statement is parameterised.
//
// Thread safety: a Store is thread-safe; Begin() may be called from any thread.
// A Transaction belongs to the thread that began it. Transactions on one Store
// are serialised (a second Begin waits until the first ends).
#ifndef CP_STORAGE_STORE_H_
#define CP_STORAGE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/status.h"
#include "domain/ids.h"
#include "domain/model.h"

namespace cp::storage {

// How a source record is attached (DATA-SUPPLY.md "Link export").
enum class LinkState {
  kLinked,     // attached to its child
  kReview,     // awaiting a data administrator; attached provisionally
  kSealed,     // a pre-adoption identity: kept for the source, in no index
  kWithdrawn,  // the source no longer holds this child
};

// What one source says about one child, with provenance.
struct SourceRecord {
  domain::SourceId source;
  domain::SourceKey key;
  std::optional<domain::ContactPointId> child;  // absent only when sealed or withdrawn
  LinkState state = LinkState::kLinked;
  domain::BatchId batch;                 // the batch that last wrote it
  core::Timestamp extracted_at;          // the source's extract time
  core::Timestamp received_at;           // when ContactPoint applied it
  domain::Child data;                    // the source's view (data.id is ignored)
  std::vector<domain::SourceEvent> events;
  friend bool operator==(const SourceRecord&, const SourceRecord&) = default;
};

enum class ChangeKind {
  kChildPut,
  kChildDeleted,
  kChildRedirected,
  kSourceRecordPut,
  kSourceRecordDeleted,
};

// One entry of the change log. Entries name what changed, never its content.
struct Change {
  std::int64_t seq = 0;  // strictly increasing, never reused
  core::Timestamp at;
  ChangeKind kind = ChangeKind::kChildPut;
  std::optional<domain::ContactPointId> child;
  std::optional<domain::SourceId> source;
  std::optional<domain::SourceKey> key;
  friend bool operator==(const Change&, const Change&) = default;
};

struct StoreInfo {
  std::string backend;      // "sqlite"
  int schema_version = 0;   // highest migration applied
  std::int64_t children = 0;
  std::int64_t source_records = 0;
  std::int64_t last_change = 0;
};

enum class TxMode { kReadOnly, kReadWrite };

// A unit of work. Ends by Commit(); destroying it uncommitted rolls it back,
// so an early return on error leaves nothing behind. After a failed call the
// transaction may still be committed or dropped; callers normally drop it.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Draws a random ContactPoint ID not issued before and records it as issued.
  virtual core::StatusOr<domain::ContactPointId> AllocateChildId(core::Random& random) = 0;

  // Creates or replaces the whole best-view record child.id (which must have
  // been allocated). Names, aliases, carers and involvements are replaced.
  virtual core::Status PutChild(const domain::Child& child) = 0;

  // The record with exactly this ID (redirects are not followed; see Resolve).
  // kChildNotFound if there is none.
  virtual core::StatusOr<domain::Child> GetChild(domain::ContactPointId id) = 0;

  // Removes a record and everything attached to it (destruction at the end of
  // retention). The ID stays issued and is never reused. kChildNotFound.
  virtual core::Status DeleteChild(domain::ContactPointId id) = 0;

  // Records that `from` was merged into `to`: `from` must no longer be a live
  // record, `to` must be one. Lookups of `from` then resolve to `to`.
  virtual core::Status AddRedirect(domain::ContactPointId from, domain::ContactPointId to) = 0;

  // Follows redirects to the surviving record's ID. An ID with no redirect and
  // no record is kChildNotFound.
  virtual core::StatusOr<domain::ContactPointId> Resolve(domain::ContactPointId id) = 0;

  // Creates or replaces the source record (source, key).
  virtual core::Status PutSourceRecord(const SourceRecord& record) = 0;

  // kSourceRecordNotFound if there is none.
  virtual core::StatusOr<SourceRecord> GetSourceRecord(const domain::SourceId& source,
                                                       const domain::SourceKey& key) = 0;

  // Every source record attached to a child, ordered by (source, key).
  virtual core::StatusOr<std::vector<SourceRecord>> SourceRecordsOf(domain::ContactPointId child) = 0;

  // kSourceRecordNotFound if there is none.
  virtual core::Status DeleteSourceRecord(const domain::SourceId& source,
                                          const domain::SourceKey& key) = 0;

  // Makes every write of this transaction durable at once.
  virtual core::Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual core::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) = 0;

  // Up to `limit` change-log entries with seq > `after`, in order.
  virtual core::StatusOr<std::vector<Change>> ReadChanges(std::int64_t after, int limit) = 0;

  virtual core::StatusOr<StoreInfo> Info() = 0;
};

std::string_view LinkStateName(LinkState state);
std::string_view ChangeKindName(ChangeKind kind);

}  // namespace cp::storage

#endif  // CP_STORAGE_STORE_H_
