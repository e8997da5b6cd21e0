// SqliteStore: the embedded Store backend, one SQLite database file in WAL
// mode. It is the default for `make demo`, a single local authority and the
// tests; nothing to install or start.
//
// Opening applies the versioned schema migrations (migrations/NNNN_*.sql,
// embedded at build time) in order, each in its own transaction, and records
// them in schema_migrations; a file whose schema is newer than this build is
// refused (kStoreSchemaTooNew). Commits are durable (group commit: see
// MakeDurable) and foreign keys are enforced. Every SQL statement is fixed text with bound
// parameters.
//
// Several SqliteStore instances, in one process or many, may open the same
// file: SQLite's locking lets one writer and many readers work at once, and a
// writer that finds another process writing waits up to the busy timeout,
// then fails with kStoreBusy.
#ifndef CP_STORAGE_SQLITE_SQLITE_STORE_H_
#define CP_STORAGE_SQLITE_SQLITE_STORE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "storage/store.h"

struct sqlite3;  // SQLite's connection handle

namespace cp::storage {

namespace internal {
class Connection;
class SqliteTransaction;
}  // namespace internal

// The page size of a store's file, fixed when the file is created. 8 KiB
// against SQLite's 4 KiB default: a national batch changes pages all over the
// store's B-trees, and its commit writes each to the WAL as a frame (two
// writes and a checksum each), the checkpoint copies each again; half as many
// pages for the same rows halves that work, and the B-trees are shallower.
// A 1M load's commits took 30 s against 47 s, and its applying 244 s against
// 305 s, the same hour (docs/linkage.md, "Eighteenth session"). A store
// created with 4 KiB pages keeps them (SQLite cannot change the page size of
// a WAL database).
inline constexpr int kSqlitePageBytes = 8192;

struct SqliteOpenOptions {
  // Create the file (and its schema) when it does not exist.
  bool create_if_missing = true;
  // How long a write transaction waits for another connection's write lock
  // before Begin fails with kStoreBusy.
  std::chrono::milliseconds busy_timeout{5000};
  // Checkpointing (copying committed pages from the write-ahead log into the
  // database file) runs on a background thread of the store, not in Commit:
  // one is started after a commit that leaves at least `checkpoint_pages`
  // pages in the WAL (SQLite's own default). A write transaction that begins
  // with at least `wal_restart_pages` pages in the WAL first waits for the
  // checkpoint under way, so that the WAL starts again from its beginning and
  // stays about this size (512 MiB of 8 KiB pages). Settable for tests.
  int checkpoint_pages = 1000;
  int wal_restart_pages = 65536;
};

// The connection settings as SQLite reports them, for diagnostics.
struct SqliteSettings {
  std::string journal_mode;  // "wal"
  bool foreign_keys = false;
  int synchronous = 0;       // 1 is NORMAL (the store syncs commits itself)
  int busy_timeout_ms = 0;
  int page_size = 0;         // bytes: kSqlitePageBytes, or 4096 for a store created before
};

// A Store on one SQLite file. Owned by its creator (Open returns the only
// owner); the Clock passed to Open must outlive it, and it must outlive every
// Transaction it began. Thread-safe: Begin serialises read-write transactions
// on a mutex held by the open Transaction. Read-only transactions, and
// ReadChanges, Info and the audit reads, each take a reader connection of
// their own from a pool (opened as needed, a few kept idle): a reader never
// waits for a writer or for another reader, reads a consistent snapshot of
// committed data, and never sees uncommitted changes, even those of a
// transaction open in its own thread.
class SqliteStore final : public Store {
 public:
  using OpenOptions = SqliteOpenOptions;

  // Opens (or creates) the store at `path`. Errors name the path and the
  // reason: kStoreCannotOpen (a missing or unwritable directory, permission
  // denied, WAL unavailable), kStoreCorrupt (not a database, or another
  // application's database), kStoreSchemaTooNew, kStoreBusy.
  static core::StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                           const core::Clock& clock,
                                                           OpenOptions options = {});

  // The highest schema version this build knows (its newest migration).
  static int KnownSchemaVersion();

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // kReadWrite and kAllOrNothing take SQLite's write lock at once (BEGIN
  // IMMEDIATE), so a transaction never fails half-way for want of it. Calling
  // Begin for one from a thread that already holds a read-write transaction
  // of this store is refused (kFailedPrecondition) rather than deadlocking.
  // kReadOnly runs on a pooled reader connection: any thread may begin one at
  // any time, and it sees only what was committed before its first read.
  core::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) override;
  core::StatusOr<std::vector<Change>> ReadChanges(std::int64_t after, int limit) override;
  core::StatusOr<StoreInfo> Info() override;
  core::StatusOr<std::vector<AuditLeaf>> ReadAuditEntries(std::int64_t from, int limit) override;
  core::StatusOr<std::int64_t> AuditLogSize() override;
  core::StatusOr<std::vector<AuditLeaf>> QueryAudit(const AuditFilter& filter) override;
  core::StatusOr<std::vector<AuditCheckpoint>> ReadAuditCheckpoints(std::int64_t after_size,
                                                                    int limit) override;
  core::StatusOr<std::optional<AuditCheckpoint>> LatestAuditCheckpoint() override;

  const std::string& path() const { return path_; }

  // The live settings of the writing connection. Waits for an open
  // transaction to end, like Begin.
  core::StatusOr<SqliteSettings> Settings();

  // How many fsyncs made commits durable so far (each may cover several
  // commits: group commit). For tests and benchmarks.
  std::uint64_t durability_syncs() const;

  // Background checkpoints run so far, and those that failed (a failed one
  // leaves its pages in the WAL, nothing lost, and is tried again after the
  // next commit). For tests and diagnostics.
  std::uint64_t checkpoints() const;
  std::uint64_t checkpoint_failures() const;

  // Rows the writing connection's cached statements have stepped through in
  // full table scans so far (SQLite's SQLITE_STMTSTATUS_FULLSCAN_STEP): a
  // lookup that should use an index and does not shows here. Waits for an
  // open transaction to end, like Begin. For tests and diagnostics.
  core::StatusOr<std::int64_t> FullScanSteps();

 private:
  friend class internal::SqliteTransaction;

  SqliteStore(std::string path, const core::Clock& clock, OpenOptions options,
              std::unique_ptr<internal::Connection> writer,
              std::unique_ptr<internal::Connection> reader,
              std::unique_ptr<internal::Connection> checkpointer);

  // A reader connection of the pool, opened if none is idle (never waits).
  core::StatusOr<std::unique_ptr<internal::Connection>> TakeReader();
  // Gives a reader back: kept idle (up to kIdleReaders) if it is not inside
  // a transaction, closed otherwise.
  void ReturnReader(std::unique_ptr<internal::Connection> reader);

  core::Status CheckNotHeldByThisThread() const;

  // Background checkpoints. OnWalCommit is the writing connection's WAL hook
  // (SQLite calls it after each commit with the WAL's size in pages): it asks
  // the checkpointer thread (RunCheckpointer) for a passive checkpoint, which
  // never blocks the writer or readers. WaitForWalRestart, called by Begin
  // with the writer lock held, waits for the checkpoint asked for or under
  // way when the WAL has grown past options_.wal_restart_pages.
  static int OnWalCommit(void* store, ::sqlite3* db, const char* schema, int pages);
  void RunCheckpointer();
  void WaitForWalRestart();

  // Group commit. A read-write transaction's COMMIT writes its WAL frames
  // (synchronous=NORMAL: no fsync) and takes a number (NoteCommit, under the
  // writer lock); after releasing the writer lock it waits in MakeDurable
  // until an fsync of the WAL begun after its COMMIT has completed. One
  // waiting thread leads each fsync, for every commit numbered so far; the
  // others wait for it, so commits made while one syncs share the next.
  // Durability is that of synchronous=FULL: Commit returns only once the
  // commit is on disk. kUnavailable if the fsync fails (the change is
  // committed and visible but may not survive a power failure).
  std::uint64_t NoteCommit();
  core::Status MakeDurable(std::uint64_t commit);

  // Runs `body` in one read transaction on a pooled reader connection: a
  // consistent snapshot of committed data that never waits for a writer.
  // `what` names the read in error messages.
  core::Status OnReader(std::string_view what,
                        const std::function<core::Status(internal::Connection&)>& body);

  const std::string path_;
  const core::Clock& clock_;
  const OpenOptions options_;

  // Serialises transactions: locked by Begin and held by the Transaction until
  // it commits or is destroyed.
  std::mutex writer_mu_;
  std::unique_ptr<internal::Connection> writer_;  // GUARDED_BY(writer_mu_)
  // The thread holding writer_mu_ (default id when none), so that a nested
  // Begin on the same thread fails instead of deadlocking. Written only by
  // the holder of writer_mu_.
  std::atomic<std::thread::id> writer_owner_;

  // Idle reader connections. Readers are opened whenever none is idle, so a
  // thread holding one reader that asks for another never waits (no
  // deadlock); at most kIdleReaders are kept for reuse.
  static constexpr std::size_t kIdleReaders = 8;
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<internal::Connection>> idle_readers_;  // GUARDED_BY(readers_mu_)

  std::atomic<std::uint64_t> committed_{0};  // commits numbered so far
  mutable std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::uint64_t synced_ = 0;   // GUARDED_BY(sync_mu_): every commit up to it is durable
  bool syncing_ = false;       // GUARDED_BY(sync_mu_): a thread leads an fsync
  std::uint64_t syncs_ = 0;    // GUARDED_BY(sync_mu_)
  int wal_fd_ = -1;            // the WAL file, opened by the first sync (by its leader)

  // The checkpointer's own connection, used only by its thread.
  std::unique_ptr<internal::Connection> checkpointer_conn_;
  std::atomic<int> wal_pages_{0};  // the WAL's size after this store's last commit
  mutable std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;  // GUARDED_BY(checkpoint_mu_)
  bool checkpointing_ = false;      // GUARDED_BY(checkpoint_mu_)
  bool stopping_ = false;           // GUARDED_BY(checkpoint_mu_)
  std::uint64_t checkpoints_ = 0;          // GUARDED_BY(checkpoint_mu_)
  std::uint64_t checkpoint_failures_ = 0;  // GUARDED_BY(checkpoint_mu_)
  // Started last in the constructor, stopped and joined first in the
  // destructor.
  std::thread checkpointer_;
};

}  // namespace cp::storage

#endif  // CP_STORAGE_SQLITE_SQLITE_STORE_H_
