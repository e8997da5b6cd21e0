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
// The store also keeps the audit trail's entries, checkpoints and search
// criteria (the AuditEntry types below) for the audit module, which gives them
// meaning: the store never interprets an entry's bytes.
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
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/sensitive.h"
#include "core/status.h"
#include "domain/ids.h"
#include "domain/model.h"
#include "domain/source.h"
#include "storage/identity.h"
#include "storage/misuse_alert.h"
#include "storage/practice.h"

namespace cp::storage {

// How a source record is attached (DATA-SUPPLY.md "Link export").
enum class LinkState {
  kLinked,     // attached to its child
  kReview,     // awaiting a data administrator; attached provisionally
  kSealed,     // a pre-adoption identity: kept for the source, in no index
  kWithdrawn,  // the source no longer holds this child
};

// Why a source record is attached where it is: the last decision about it,
// by the matcher or by a person (issue 6: every decision keeps its score,
// comparison vector, model version and who made it). Codes and numbers only,
// never personal data.
struct LinkDecision {
  std::string decision;       // "link", "review", "new", "manual_link", "separate", ...
  std::string reason;         // a stable reason code ("match", "twin_rule", ...)
  double score = 0;           // bits (log2 Bayes factor); 0 when not scored
  std::string vector;         // comparison levels, "field=level;..." ("" when not scored)
  std::string model_version;  // the model's description tag ("" when not scored)
  std::string decided_by;     // "matcher", or the user who decided
  core::Timestamp at;
  // For a record in review: the child it may belong to (the record itself
  // waits on a provisional child of its own until someone decides).
  std::optional<domain::ContactPointId> candidate;
  friend bool operator==(const LinkDecision&, const LinkDecision&) = default;
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
  std::optional<LinkDecision> decision;  // absent for records stored before linkage decisions
  friend bool operator==(const SourceRecord&, const SourceRecord&) = default;
};

// A source record's data and events in the stored form every backend shares
// (storage/internal/record_json.h). Encoding is pure computation and safe on
// any thread, so a loader can encode on the thread that parses while its
// transaction writes earlier records on another (PutEncodedSourceRecord).
struct EncodedSourceView {
  core::Sensitive<std::string> data_json;
  std::string events_json;  // events carry dates and types only
};

// Errors: kInvalidRecord or kInvalidDate naming the field, as PutSourceRecord.
core::StatusOr<EncodedSourceView> EncodeSourceView(const domain::Child& data,
                                                   const std::vector<domain::SourceEvent>& events);

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

enum class TxMode {
  kReadOnly,
  // Reads and writes; a failed call changes nothing and the transaction goes
  // on (see Transaction).
  kReadWrite,
  // Reads and writes for a unit of work that is applied whole or not at all,
  // such as a feed batch: a failed mutating call rolls the WHOLE transaction
  // back and closes it (every later call, Commit included, fails with
  // kTransactionClosed). Backends may then skip the per-call isolation and
  // write rows together later in the transaction (reads still see every
  // earlier write), so a write's error may be reported by a later call or by
  // Commit; that too rolls everything back.
  kAllOrNothing,
};

// ---- The audit trail's storage (meaning and hashing live in audit/) ----------

// One entry of the append-only audit log, as written. `leaf` is the entry's
// canonical encoding, the bytes the audit module hashes into its Merkle tree;
// `at`, `actor`, `action` and `children` are copies of what it says, kept only
// so that queries can select entries. Entries are never changed or removed.
struct AuditEntry {
  std::int64_t index = 0;  // leaf index: 0, 1, 2... without gaps
  core::Timestamp at;
  std::string actor;   // the acting user's or source system's identifier
  std::string action;  // the action's stable name
  std::vector<domain::ContactPointId> children;
  std::string leaf;
};

// An entry as read back: its index and its bytes, which are the truth.
struct AuditLeaf {
  std::int64_t index = 0;
  std::string leaf;
  friend bool operator==(const AuditLeaf&, const AuditLeaf&) = default;
};

// A signed statement of the log's Merkle tree: "the first tree_size entries
// have this root". The store keeps it; the audit module makes and checks it.
struct AuditCheckpoint {
  std::int64_t tree_size = 0;  // > 0; one checkpoint per size
  core::Timestamp at;
  std::string root_hash;   // 32 bytes
  std::string key_id;      // names the signing key (not secret)
  std::string signature;   // 64 bytes (Ed25519)
  std::string right_edge;  // unsigned resume state: the tree's right-edge subtree hashes
  friend bool operator==(const AuditCheckpoint&, const AuditCheckpoint&) = default;
};

// What an audit query selects: every given criterion must hold. Results are
// newest first (highest index first).
struct AuditFilter {
  std::optional<domain::ContactPointId> child;  // entries naming this child
  std::optional<std::string> actor;
  std::optional<std::string> action;
  std::optional<core::Timestamp> from;  // at >= from
  std::optional<core::Timestamp> to;    // at < to
  std::optional<std::int64_t> before;   // index < before (paging backwards)
  int limit = 100;                      // at least 1
};

// Search criteria (names, dates of birth...) are personal data: they live
// apart from the log, keyed by the entry, and are destroyed with the records
// they point to while the log itself stays untouched.
using AuditCriteria = core::Sensitive<std::string>;

// A registered source system (DOMAIN.md section 4, DATA-SUPPLY.md).
struct SourceEntry {
  domain::SourceId id;
  std::string name;  // the organisation and system, e.g. "GRO birth registrations"
  domain::SourceKind kind = domain::SourceKind::kLocal;
  domain::SourceState state = domain::SourceState::kRegistered;
  // Hash (hex) of the source's feed credential; empty until one is issued.
  // The credential itself is shown once and never stored.
  std::string credential_hash;
  core::Timestamp created_at;
  core::Timestamp updated_at;
  // Survivorship rank of what the source says (ingest/best_view.h): 1 is
  // the most trusted, 9 the least.
  int priority = 5;
  friend bool operator==(const SourceEntry&, const SourceEntry&) = default;
};

// A batch applied for a source: its content digest makes resubmission
// idempotent; its receipt is returned again for an identical resubmission.
struct BatchEntry {
  domain::SourceId source;
  domain::BatchId batch;
  std::string content_digest;  // SHA-256 of the uncompressed batch, hex
  std::optional<std::int64_t> sequence;
  core::Timestamp received_at;
  std::string receipt_json;  // ingest::Receipt; holds no personal data
  friend bool operator==(const BatchEntry&, const BatchEntry&) = default;
};

// A rejected line kept with its batch for the data administrator. The raw
// line is personal data.
struct QuarantineEntry {
  domain::SourceId source;
  domain::BatchId batch;
  std::int64_t line = 0;
  std::string field;
  core::ErrorCode code = core::ErrorCode::kInvalidRecord;
  std::string reason;
  core::Sensitive<std::string> raw_line;
  friend bool operator==(const QuarantineEntry&, const QuarantineEntry&) = default;
};

// One row of the link export (DATA-SUPPLY.md "Link export").
struct SourceLink {
  domain::SourceId source;
  domain::SourceKey key;
  std::optional<domain::ContactPointId> child;
  LinkState state = LinkState::kLinked;
};

// A unit of work. Ends by Commit(); destroying it uncommitted rolls it back,
// so an early return on error leaves nothing behind. After a failed call the
// transaction may still be committed or dropped (except in kAllOrNothing
// mode, where a failed write has already rolled it back); callers normally
// drop it.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Draws a random ContactPoint ID not issued before and records it as issued.
  virtual core::StatusOr<domain::ContactPointId> AllocateChildId(core::Random& random) = 0;

  // Creates or replaces the whole best-view record child.id (which must have
  // been allocated: kInvalidContactPointId otherwise, which in kAllOrNothing
  // mode may be reported by a later call or by Commit). Names, aliases,
  // carers and involvements are replaced.
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

  // PutSourceRecord with the record's data and events already encoded:
  // `encoded` must be EncodeSourceView(record.data, record.events), and is
  // what is stored (record.data and record.events are not looked at).
  virtual core::Status PutEncodedSourceRecord(const SourceRecord& record,
                                              const EncodedSourceView& encoded) = 0;

  // kSourceRecordNotFound if there is none.
  virtual core::StatusOr<SourceRecord> GetSourceRecord(const domain::SourceId& source,
                                                       const domain::SourceKey& key) = 0;

  // Every source record attached to a child, ordered by (source, key).
  virtual core::StatusOr<std::vector<SourceRecord>> SourceRecordsOf(domain::ContactPointId child) = 0;
  // The link states of those records, in the same order: SourceRecordsOf
  // without reading the records (a search asks this of every match).
  virtual core::StatusOr<std::vector<LinkState>> LinkStatesOf(domain::ContactPointId child) = 0;

  // kSourceRecordNotFound if there is none.
  virtual core::Status DeleteSourceRecord(const domain::SourceId& source,
                                          const domain::SourceKey& key) = 0;

  // The index the next audit entry takes: the number of entries so far.
  virtual core::StatusOr<std::int64_t> NextAuditIndex() = 0;

  // Appends `entry`, whose index must be NextAuditIndex() (kAborted when the
  // log has moved on). It becomes durable with the rest of this transaction,
  // so an audited change and its entry commit, or fail, together.
  virtual core::Status AppendAuditEntry(const AuditEntry& entry) = 0;

  // Records the search criteria of entry `index` (written in this or an
  // earlier transaction). kAlreadyExists if it has some.
  virtual core::Status PutAuditCriteria(std::int64_t index, const AuditCriteria& criteria) = 0;

  // The search criteria of entry `index`, if it has (still) any.
  virtual core::StatusOr<std::optional<AuditCriteria>> GetAuditCriteria(std::int64_t index) = 0;

  // Destroys the search criteria of every entry naming `child` (at the end of
  // the child record's retention); returns how many were destroyed. The
  // entries themselves stay. DeleteChild does this too.
  virtual core::StatusOr<std::int64_t> DeleteAuditCriteriaOf(domain::ContactPointId child) = 0;

  // Stores a checkpoint. kAlreadyExists if one of that tree size exists.
  virtual core::Status PutAuditCheckpoint(const AuditCheckpoint& checkpoint) = 0;

  // ---- Data supply ----

  // Creates or replaces a source's registry entry.
  virtual core::Status PutSource(const SourceEntry& source) = 0;
  // kSourceNotFound if the source is not registered.
  virtual core::StatusOr<SourceEntry> GetSource(const domain::SourceId& id) = 0;
  // Every registered source, ordered by ID.
  virtual core::StatusOr<std::vector<SourceEntry>> ListSources() = 0;

  // The batch (source, batch) if it was applied before.
  virtual core::StatusOr<std::optional<BatchEntry>> GetBatch(const domain::SourceId& source,
                                                             const domain::BatchId& batch) = 0;
  // The highest sequence number of the source's applied batches, if any.
  virtual core::StatusOr<std::optional<std::int64_t>> LastBatchSequence(
      const domain::SourceId& source) = 0;
  // Records an applied batch; kBatchConflict if (source, batch) exists.
  virtual core::Status PutBatch(const BatchEntry& batch) = 0;

  virtual core::Status AddQuarantine(const QuarantineEntry& entry) = 0;
  // The quarantined lines of a batch, in line order.
  virtual core::StatusOr<std::vector<QuarantineEntry>> QuarantineOf(
      const domain::SourceId& source, const domain::BatchId& batch) = 0;

  // The keys of the source's records that are not withdrawn, ordered.
  virtual core::StatusOr<std::vector<domain::SourceKey>> CurrentKeysOf(
      const domain::SourceId& source) = 0;

  // Calls `fn` for every source record (of `source` only, if given), ordered
  // by (source, key); stops at the first error `fn` returns.
  virtual core::Status ForEachSourceLink(
      const std::optional<domain::SourceId>& source,
      const std::function<core::Status(const SourceLink&)>& fn) = 0;

  // Calls `fn` with the best view of every child that at least one source
  // currently supplies (a linked or review record), in ContactPoint ID
  // order: the children a new record may be matched to. Stops at the first
  // error `fn` returns. `fn` must not write through this transaction: a
  // store may read children ahead of it.
  virtual core::Status ForEachCurrentChild(
      const std::function<core::Status(const domain::Child&)>& fn) = 0;

  // The same, only the children whose accountable authority or national
  // queue is `accountable` ("la:E08000035", "national:no-postcode"), found
  // by an index (an authority's reports: not a scan of the nation).
  virtual core::Status ForEachCurrentChildOf(
      const std::string& accountable,
      const std::function<core::Status(const domain::Child&)>& fn) = 0;

  // Source records in `state`, oldest received first, at most `limit`
  // (the review queue).
  virtual core::StatusOr<std::vector<SourceRecord>> SourceRecordsInState(LinkState state,
                                                                         int limit) = 0;

  // ---- Identity: organisations, users, sessions (storage/identity.h) ----

  // Creates or replaces an organisation.
  virtual core::Status PutOrganisation(const OrganisationEntry& organisation) = 0;
  // kOrganisationNotFound if there is none.
  virtual core::StatusOr<OrganisationEntry> GetOrganisation(const std::string& id) = 0;
  // Every organisation, ordered by ID.
  virtual core::StatusOr<std::vector<OrganisationEntry>> ListOrganisations() = 0;
  // Inserts a user when user.id == 0 (returning the new ID; kUserExists if the
  // username is taken), else replaces user.id (kUserNotFound if there is none).
  virtual core::StatusOr<std::int64_t> PutUser(const UserEntry& user) = 0;
  // kUserNotFound if there is none.
  virtual core::StatusOr<UserEntry> GetUser(std::int64_t id) = 0;
  // The user with this username (exact, lower case), if any.
  virtual core::StatusOr<std::optional<UserEntry>> FindUser(const std::string& username) = 0;
  // Users (of one organisation, if given), ordered by username.
  virtual core::StatusOr<std::vector<UserEntry>> ListUsers(
      const std::optional<std::string>& organisation) = 0;
  // Creates or replaces the session with this token hash.
  virtual core::Status PutSession(const SessionEntry& session) = 0;
  virtual core::StatusOr<std::optional<SessionEntry>> GetSession(const std::string& token_hash) = 0;
  // Ends one session; ending one that does not exist is not an error.
  virtual core::Status DeleteSession(const std::string& token_hash) = 0;
  // Ends every session of a user; returns how many there were.
  virtual core::StatusOr<std::int64_t> DeleteSessionsOf(std::int64_t user_id) = 0;

  // ---- Practitioners' own entries (storage/practice.h) ----
  // Each write appends a kChildPut change for the child: what its record
  // shows has changed.

  // Inserts an involvement when entry.id == 0 (returning the new ID), else
  // replaces entry.id (kInvolvementNotFound if there is none, or if it is
  // another child's). The child must be live (kChildNotFound). A second lead
  // professional on one child is refused (kAlreadyExists): clear the other
  // first, in the same transaction.
  virtual core::StatusOr<std::int64_t> PutPractitionerInvolvement(
      const PractitionerInvolvementEntry& entry) = 0;
  // The child's entries, by ID (oldest first).
  virtual core::StatusOr<std::vector<PractitionerInvolvementEntry>> PractitionerInvolvementsOf(
      domain::ContactPointId child) = 0;
  // Creates or replaces the child's shield. The child must be live.
  virtual core::Status PutShield(const ShieldEntry& shield) = 0;
  virtual core::StatusOr<std::optional<ShieldEntry>> GetShield(domain::ContactPointId child) = 0;
  // Shields in force on live children whose accountable assignee is
  // `accountable` ("la:E08000035"), earliest review due first.
  virtual core::StatusOr<std::vector<ShieldEntry>> ShieldsInForceFor(
      const std::string& accountable) = 0;
  // Before `from` is merged into `to`: its involvements move to `to`; its
  // shield too when it is in force and `to` has none in force (when both
  // are, `to` keeps the earlier review date); at most one lead stays, the
  // most recently marked. Both must be live.
  virtual core::Status MoveManualEntries(domain::ContactPointId from,
                                         domain::ContactPointId to) = 0;

  // ---- Misuse alerts (storage/misuse_alert.h) ----

  // Inserts an alert when alert.id == 0 (returning the new ID), else
  // replaces alert.id (kAlertNotFound if there is none). The user must exist.
  virtual core::StatusOr<std::int64_t> PutMisuseAlert(const MisuseAlertEntry& alert) = 0;
  // kAlertNotFound when there is none.
  virtual core::StatusOr<MisuseAlertEntry> GetMisuseAlert(std::int64_t id) = 0;
  // The open (unreviewed) alert of this kind about this user and child
  // (nullopt: about no child), the latest if several.
  virtual core::StatusOr<std::optional<MisuseAlertEntry>> OpenMisuseAlert(
      std::int64_t user_id, const std::string& kind,
      const std::optional<domain::ContactPointId>& child) = 0;
  // Alerts matching `filter`, latest occurrence first.
  virtual core::StatusOr<std::vector<MisuseAlertEntry>> ListMisuseAlerts(
      const MisuseAlertFilter& filter) = 0;

  // The sequence number of the last change-log entry this transaction sees,
  // its own writes included (0 when the log is empty): after Commit, the
  // changes up to it are exactly those committed before and by this
  // transaction, when it is a write transaction (writers take turns).
  virtual core::StatusOr<std::int64_t> LastChange() = 0;

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

  // The audit log as committed, read without waiting for writers. Up to
  // `limit` entries with index >= `from`, in index order.
  virtual core::StatusOr<std::vector<AuditLeaf>> ReadAuditEntries(std::int64_t from,
                                                                  int limit) = 0;

  // The number of committed audit entries.
  virtual core::StatusOr<std::int64_t> AuditLogSize() = 0;

  // Entries matching `filter`, newest first. kInvalidArgument on limit < 1.
  virtual core::StatusOr<std::vector<AuditLeaf>> QueryAudit(const AuditFilter& filter) = 0;

  // Up to `limit` checkpoints with tree_size > `after_size`, by tree size.
  virtual core::StatusOr<std::vector<AuditCheckpoint>> ReadAuditCheckpoints(
      std::int64_t after_size, int limit) = 0;

  // The checkpoint with the largest tree size, if any.
  virtual core::StatusOr<std::optional<AuditCheckpoint>> LatestAuditCheckpoint() = 0;
};

std::string_view LinkStateName(LinkState state);
std::string_view ChangeKindName(ChangeKind kind);

}  // namespace cp::storage

#endif  // CP_STORAGE_STORE_H_
