#include "storage/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <array>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "storage/internal/codec.h"
#include "storage/internal/record_json.h"
#include "storage/sqlite/internal/sqlite_values.h"
#include "storage/sqlite/internal/migrations.h"
#include "storage/sqlite/internal/sqlite_db.h"
#include "storage/sqlite/internal/sqlite_identity.h"
#include "storage/sqlite/internal/sqlite_alerts.h"
#include "storage/sqlite/internal/sqlite_practice.h"

namespace cp::storage {
namespace internal {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using domain::ContactPointId;

// AllocateChildId gives up after this many collisions: with 10^11 possible
// IDs, even a store of ten million children collides once in ten thousand
// draws, so reaching it means the random source is broken.
constexpr int kMaxAllocationAttempts = 100;

// Resolve and AddRedirect follow at most this many redirects. Cycles are
// refused on write, so a longer chain means damaged data.
constexpr int kMaxRedirectChain = 100;
// Children read at once by ForEachCurrentChild: a few MB.
constexpr std::size_t kChildrenPage = 2048;

constexpr std::string_view kNoChildOfSourceRecord = "the source record's child has no record";
constexpr std::string_view kNeverIssued =
    "has a ContactPoint ID this store never issued; IDs come from AllocateChildId";

// ---- Opening -------------------------------------------------------------

std::string OpenContext(const std::string& path) { return "cannot open store '" + path + "'"; }
std::string CannotOpenPrefix(const std::string& path) { return OpenContext(path) + ": "; }

// Why sqlite3_open_v2 failed, in plain words, from the file system's view.
std::string DiagnoseOpenFailure(const std::string& path, bool create_if_missing) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return "it is a directory, not a file";
    if (::access(path.c_str(), R_OK | W_OK) != 0) return "permission denied";
    return "the file cannot be opened";
  }
  if (errno == EACCES) return "permission denied on a directory of the path";
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return "directory '" + dir + "' does not exist";
    if (errno == ENOTDIR) return "a part of '" + dir + "' is a file, not a directory";
    if (errno == EACCES) return "permission denied on a directory of the path";
    return "directory '" + dir + "' cannot be read";
  }
  if (!S_ISDIR(st.st_mode)) return "'" + dir + "' is a file, not a directory";
  if (!create_if_missing) return "the file does not exist (and creating it was not requested)";
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return "permission denied: cannot create a file in directory '" + dir + "'";
  }
  return "the file cannot be created";
}

// Runs fixed SQL through the connection's statement cache.
Status Run(Connection& conn, std::string_view sql, std::string_view what) {
  ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(sql, what));
  return stmt.Run();
}

// One row, one integer column; `fallback` when there is no row or it is NULL.
StatusOr<std::int64_t> QueryInt(Connection& conn, std::string_view sql, std::string_view what,
                                std::int64_t fallback = 0) {
  ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(sql, what));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.IsNull(0)) return fallback;
  return stmt.Int64(0);
}

StatusOr<std::string> QueryText(Connection& conn, std::string_view sql, std::string_view what) {
  ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(sql, what));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::string();
  return stmt.Text(0);
}

// SQLite's process-wide settings, made once before the first connection
// opens. Memory statistics are switched off: they put every allocation
// behind a global mutex, and nothing here reads them. When another part of
// the process has already started SQLite this is refused, harmlessly.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

// Turns foreign-key enforcement on for `conn` and checks that it took.
Status EnableForeignKeys(Connection& conn) {
  RETURN_IF_ERROR(Run(conn, "PRAGMA foreign_keys = ON", "enabling foreign keys"));
  ASSIGN_OR_RETURN(std::int64_t fk, QueryInt(conn, "PRAGMA foreign_keys", "reading settings"));
  if (fk != 1) {
    return Status(ErrorCode::kStoreCannotOpen, "this SQLite library cannot enforce foreign keys");
  }
  return Status::Ok();
}

// Opens one connection and applies the per-connection settings, verifying
// that each took effect.
StatusOr<std::unique_ptr<Connection>> OpenConnection(const std::string& path,
                                                     const SqliteOpenOptions& options,
                                                     bool reader) {
  const std::string prefix = CannotOpenPrefix(path);
  const std::string context = OpenContext(path);
  ConfigureSqliteOnce();
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (options.create_if_missing ? SQLITE_OPEN_CREATE : 0) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);
    return Status(ErrorCode::kStoreCannotOpen,
                  prefix + DiagnoseOpenFailure(path, options.create_if_missing));
  }
  auto conn = std::make_unique<Connection>(db);
  sqlite3_extended_result_codes(db, 1);
  if (!reader) {
    // More small-allocation slots than the default 100: a batch's many
    // statements then rarely fall back to malloc. About 2.4 MB.
    (void)sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, nullptr, 1200, 2000);
  }
  // SQLite falls back to read-only when the file is not writable.
  if (sqlite3_db_readonly(db, "main") == 1) {
    return Status(ErrorCode::kStoreCannotOpen,
                  prefix + "permission denied: the file can be read but not written");
  }
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));

  // The first statement reads the file header: this is where a file that is
  // not a database shows itself. Switching a new file to WAL needs a lock
  // that SQLite does not wait for, so when another process is creating the
  // same store at this moment, retry for up to the busy timeout.
  constexpr std::chrono::milliseconds kRetryPause{10};
  // A new file gets pages of kSqlitePageBytes (SQLite ignores this for a
  // file that already has pages: a store keeps the page size it was made with).
  RETURN_IF_ERROR(Run(*conn, "PRAGMA page_size = " + std::to_string(kSqlitePageBytes),
                      "setting the page size")
                      .WithContext(context));
  auto mode = QueryText(*conn, "PRAGMA journal_mode = WAL", "setting the journal mode");
  for (auto waited = std::chrono::milliseconds(0);
       !mode.ok() && mode.status().code() == ErrorCode::kStoreBusy &&
       waited < options.busy_timeout;
       waited += kRetryPause) {
    std::this_thread::sleep_for(kRetryPause);
    mode = QueryText(*conn, "PRAGMA journal_mode = WAL", "setting the journal mode");
  }
  if (!mode.ok()) {
    if (mode.status().code() == ErrorCode::kStoreCorrupt) {
      const bool not_a_db = sqlite3_errcode(db) == SQLITE_NOTADB;
      return Status(ErrorCode::kStoreCorrupt,
                    prefix + (not_a_db ? "it is not a ContactPoint store (not a database)"
                                       : "the file is damaged (" + mode.status().message() + ")"));
    }
    return mode.status().WithContext(context);
  }
  if (*mode != "wal") {
    return Status(ErrorCode::kStoreCannotOpen,
                  prefix + "write-ahead logging (WAL) could not be enabled; the store needs a "
                           "file on a local file system");
  }
  RETURN_IF_ERROR(EnableForeignKeys(*conn).WithContext(context));
  // NORMAL: a commit writes its WAL frames without an fsync; the store then
  // makes each commit durable itself before Commit returns, with one fsync of
  // the WAL shared by the commits made meanwhile (SqliteStore::MakeDurable:
  // group commit). SQLite still syncs the WAL before a checkpoint.
  RETURN_IF_ERROR(Run(*conn, "PRAGMA synchronous = NORMAL", "setting durable commits")
                      .WithContext(context));
  ASSIGN_OR_RETURN(std::int64_t sync, QueryInt(*conn, "PRAGMA synchronous", "reading settings"));
  if (sync != 1) {
    return Status(ErrorCode::kStoreCannotOpen, prefix + "durable commits could not be enabled");
  }
  if (reader) {
    RETURN_IF_ERROR(
        Run(*conn, "PRAGMA query_only = ON", "making the reader read-only").WithContext(context));
  }
  // Savepoint journals (one per kReadWrite write) and other temporary data
  // spill to temporary files by default: kept in memory they cost no system
  // calls, which for a transaction of many small writes was most of its time.
  RETURN_IF_ERROR(Run(*conn, "PRAGMA temp_store = MEMORY", "keeping temporary data in memory")
                      .WithContext(context));
  if (!reader) {
    // A batch is one transaction: pages it changed stay in the writer's cache
    // instead of spilling to the WAL and being read back from it. Up to 1 GiB
    // (a limit, not an allocation): a national batch touches pages all over
    // the store's B-trees. With 64 MiB, loading a million children took 1,451 s;
    // with 1 GiB, 438 s (docs/linkage.md, "Load throughput").
    RETURN_IF_ERROR(Run(*conn, "PRAGMA cache_size = -1048576", "sizing the page cache")
                        .WithContext(context));
  }
  return conn;
}

// The first line of a migration that must run with foreign keys off.
constexpr std::string_view kForeignKeysOffMarker = "-- contactpoint: foreign keys off\n";

// Applies every migration newer than the file's schema, each in its own
// transaction. Safe against other processes opening the same file at once:
// the version is re-read under the write lock.
Status Migrate(Connection& conn, const std::string& path, const core::Clock& clock) {
  const std::string prefix = CannotOpenPrefix(path);
  const std::string context = OpenContext(path);
  const auto migrations = SqliteMigrations();
  const int known = migrations.empty() ? 0 : migrations.back().version;

  auto current_version = [&]() -> StatusOr<int> {
    ASSIGN_OR_RETURN(std::int64_t has_table,
                     QueryInt(conn,
                              "SELECT count(*) FROM sqlite_schema "
                              "WHERE type = 'table' AND name = 'schema_migrations'",
                              "reading the schema version"));
    if (has_table == 0) {
      ASSIGN_OR_RETURN(std::int64_t objects, QueryInt(conn, "SELECT count(*) FROM sqlite_schema",
                                                      "reading the schema"));
      if (objects > 0) {
        return Status(ErrorCode::kStoreCorrupt,
                      prefix + "it is not a ContactPoint store (an SQLite database of "
                               "another application)");
      }
      RETURN_IF_ERROR(conn.Exec(
          "CREATE TABLE schema_migrations ("
          "  version INTEGER PRIMARY KEY,"
          "  applied_at_ms INTEGER NOT NULL"
          ") STRICT",
          "creating the schema_migrations table"));
      return 0;
    }
    ASSIGN_OR_RETURN(std::int64_t version,
                     QueryInt(conn, "SELECT max(version) FROM schema_migrations",
                              "reading the schema version"));
    if (version > known) {
      return Status(ErrorCode::kStoreSchemaTooNew,
                    prefix + "its schema (version " + std::to_string(version) +
                        ") is newer than this build of ContactPoint knows (version " +
                        std::to_string(known) + "): upgrade ContactPoint to open it");
    }
    return static_cast<int>(version);
  };

  // Each pending migration in its own transaction; the version is re-read
  // under the write lock in case another process migrated meanwhile. The
  // first pass also refuses a foreign or too-new file.
  for (const SqliteMigration& m : migrations) {
    // A migration that rebuilds a table others refer to runs with foreign
    // keys off (SQLite's procedure for such changes: with them on, dropping
    // the old table would delete the rows that refer to it), and commits
    // only if every reference still holds. The setting cannot change inside
    // a transaction, so it is switched around it.
    const bool keys_off = m.sql.starts_with(kForeignKeysOffMarker);
    if (keys_off) {
      RETURN_IF_ERROR(Run(conn, "PRAGMA foreign_keys = OFF", "pausing foreign keys to migrate")
                          .WithContext(context));
    }
    if (Status begun = Run(conn, "BEGIN IMMEDIATE", "locking the store to migrate its schema");
        !begun.ok()) {
      if (keys_off) (void)EnableForeignKeys(conn);
      return begun.WithContext(context);
    }
    Status status = [&]() -> Status {
      ASSIGN_OR_RETURN(int version, current_version());
      if (version >= m.version) return Status::Ok();
      RETURN_IF_ERROR(conn.Exec(m.sql, "applying the migration"));
      if (keys_off) {
        ASSIGN_OR_RETURN(Statement check, conn.Prepare("PRAGMA foreign_key_check",
                                                       "checking references after the migration"));
        ASSIGN_OR_RETURN(bool broken, check.Step());
        if (broken) {
          return Status(ErrorCode::kStoreCorrupt,
                        "a row of table '" + std::string(check.Text(0)) +
                            "' refers to a row that does not exist: the store was damaged "
                            "before this migration; nothing was changed");
        }
      }
      ASSIGN_OR_RETURN(Statement record,
                       conn.Prepare("INSERT INTO schema_migrations (version, applied_at_ms) "
                                    "VALUES (?1, ?2)",
                                    "recording the migration"));
      record.BindInt64(1, m.version);
      record.BindInt64(2, core::ToUnixMillis(clock.Now()));
      return record.Run();
    }();
    if (status.ok()) status = Run(conn, "COMMIT", "committing the migration");
    if (!status.ok() && !conn.InAutocommit()) {
      (void)Run(conn, "ROLLBACK", "abandoning the migration");
    }
    if (keys_off) {
      // On again whatever happened; a failure here is reported only when the
      // migration itself succeeded, so that it never hides the first error.
      Status on = EnableForeignKeys(conn);
      if (status.ok()) status = std::move(on);
    }
    if (!status.ok()) {
      if (status.code() == ErrorCode::kStoreSchemaTooNew ||
          status.message().starts_with(prefix)) {
        return status;
      }
      return status.WithContext(context + ": migration " + std::string(m.name));
    }
  }
  return Status::Ok();
}

// ---- Reading and writing rows ---------------------------------------------

std::string Field(std::string_view base, std::string_view leaf) {
  std::string out(base);
  out += '.';
  out += leaf;
  return out;
}

// An address as two columns: its lines as a JSON array (NULL when there is
// no address) and its postcode.
struct AddressColumns {
  std::optional<std::string> lines;
  std::optional<std::string> postcode;
};

StatusOr<AddressColumns> ToColumns(std::string_view field,
                                   const std::optional<domain::Address>& address) {
  AddressColumns out;
  if (!address) return out;
  ASSIGN_OR_RETURN(out.lines, EncodeLinesJson(Field(field, "lines"), address->lines.Reveal()));
  out.postcode = Reveal(address->postcode);
  return out;
}

StatusOr<std::optional<domain::Address>> FromColumns(std::string_view field,
                                                     std::optional<std::string> lines,
                                                     std::optional<std::string> postcode) {
  if (!lines) {
    if (postcode) return Corrupt(field, "has a postcode but no address");
    return std::optional<domain::Address>();
  }
  ASSIGN_OR_RETURN(std::vector<std::string> decoded, DecodeLinesJson(field, *lines));
  domain::Address address;
  address.lines = core::Sensitive<std::vector<std::string>>(std::move(decoded));
  address.postcode = Personal(std::move(postcode));
  return std::optional<domain::Address>(std::move(address));
}

StatusOr<std::optional<domain::Date>> OptionalDateFrom(std::string_view field,
                                                       const std::optional<std::string>& text) {
  if (!text) return std::optional<domain::Date>();
  ASSIGN_OR_RETURN(domain::Date date, DateFromText(field, *text));
  return std::optional<domain::Date>(date);
}

StatusOr<std::optional<std::string>> OptionalDateText(std::string_view field,
                                                      const std::optional<domain::Date>& date) {
  if (!date) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string text, DateText(field, *date));
  return std::optional<std::string>(std::move(text));
}

// ---- Whole rows: a child's, a source record's, the change log's ------------

// The tables written a whole row at a time for children, their source
// records and the change log, in an order that satisfies their foreign keys.
enum class RowTable {
  kChildren,
  kSourceRecords,
  kChangeLog,
};
constexpr std::size_t kRowTables = 3;

// Rows per statement when rows are written together: enough to spread a
// statement's fixed cost, few enough to keep the statement small.
constexpr int kRowsPerInsert = 16;

struct RowTableSql {
  std::string one;   // inserts one row
  std::string many;  // inserts kRowsPerInsert rows
  std::string_view what;
};

const RowTableSql& SqlOf(RowTable table) {
  static const std::array<RowTableSql, kRowTables> kSql = [] {
    auto make = [](std::string_view head, int columns, std::string_view tail,
                   std::string_view what) {
      return RowTableSql{InsertRowsSql(head, columns, 1, tail),
                         InsertRowsSql(head, columns, kRowsPerInsert, tail), what};
    };
    return std::array<RowTableSql, kRowTables>{
        make("INSERT INTO children (contactpoint_id, gender, date_of_birth, date_of_death, "
             "address_lines, address_postcode, nhs_number, upn, uln, accountable, "
             "accountable_provisional, provenance_json, given_names, family_name, lists_json) "
             "VALUES ",
             15,
             " ON CONFLICT (contactpoint_id) DO UPDATE SET gender = excluded.gender, "
             "date_of_birth = excluded.date_of_birth, date_of_death = excluded.date_of_death, "
             "address_lines = excluded.address_lines, "
             "address_postcode = excluded.address_postcode, nhs_number = excluded.nhs_number, "
             "upn = excluded.upn, uln = excluded.uln, accountable = excluded.accountable, "
             "accountable_provisional = excluded.accountable_provisional, "
             "provenance_json = excluded.provenance_json, given_names = excluded.given_names, "
             "family_name = excluded.family_name, lists_json = excluded.lists_json "
             // A best view rebuilt unchanged is not written again.
             "WHERE (gender, date_of_birth, date_of_death, address_lines, address_postcode, "
             "nhs_number, upn, uln, accountable, accountable_provisional, provenance_json, "
             "given_names, family_name, lists_json) "
             "IS NOT (excluded.gender, excluded.date_of_birth, excluded.date_of_death, "
             "excluded.address_lines, excluded.address_postcode, excluded.nhs_number, "
             "excluded.upn, excluded.uln, excluded.accountable, "
             "excluded.accountable_provisional, excluded.provenance_json, "
             "excluded.given_names, excluded.family_name, excluded.lists_json)",
             "writing a child record"),
        make("INSERT INTO source_records (source, key, child_id, state, batch, extracted_at_ms, "
             "received_at_ms, data_json, events_json, decision_json) VALUES ",
             10,
             " ON CONFLICT (source, key) DO UPDATE SET child_id = excluded.child_id, "
             "state = excluded.state, batch = excluded.batch, "
             "extracted_at_ms = excluded.extracted_at_ms, "
             "received_at_ms = excluded.received_at_ms, data_json = excluded.data_json, "
             "events_json = excluded.events_json, decision_json = excluded.decision_json",
             "writing a source record"),
        make("INSERT INTO change_log (at_ms, kind, child_id, source, key) VALUES ", 5, "",
             "appending to the change log"),
    };
  }();
  return kSql[static_cast<std::size_t>(table)];
}

// A child's columns, in the order ChildColumnsInto reads them: GetChild reads
// one child's row with them, ForEachCurrentChild a range of children's (with
// contactpoint_id first).
constexpr std::string_view kChildColumns =
    "gender, date_of_birth, date_of_death, address_lines, address_postcode, nhs_number, upn, "
    "uln, accountable, accountable_provisional, provenance_json, given_names, family_name, "
    "lists_json";

// A children row's kChildColumns, from column `first` on, into `child`.
Status ChildColumnsInto(const Statement& stmt, int first, domain::Child& child) {
  ASSIGN_OR_RETURN(child.gender, GenderFromText("children.gender", stmt.Text(first)));
  ASSIGN_OR_RETURN(domain::Date dob, DateFromText("children.date_of_birth", stmt.Text(first + 1)));
  child.date_of_birth = core::Sensitive<domain::Date>(dob);
  ASSIGN_OR_RETURN(child.date_of_death,
                   OptionalDateFrom("children.date_of_death", stmt.OptionalText(first + 2)));
  ASSIGN_OR_RETURN(child.address, FromColumns("children.address", stmt.OptionalText(first + 3),
                                              stmt.OptionalText(first + 4)));
  child.identifiers.nhs_number = Personal(stmt.OptionalText(first + 5));
  child.identifiers.upn = Personal(stmt.OptionalText(first + 6));
  child.identifiers.uln = Personal(stmt.OptionalText(first + 7));
  if (auto assignee = stmt.OptionalText(first + 8)) {
    child.accountable = domain::Accountability{std::move(*assignee),
                                               stmt.OptionalInt64(first + 9).value_or(0) != 0};
  }
  if (auto provenance = stmt.OptionalText(first + 10)) {
    ASSIGN_OR_RETURN(child.provenance, DecodeProvenanceJson(*provenance));
  }
  child.name = domain::PersonName{domain::PersonalText(stmt.Text(first + 11)),
                                  domain::PersonalText(stmt.Text(first + 12))};
  return DecodeChildListsJson(stmt.Text(first + 13), child);
}

StatusOr<SourceRecord> SourceRecordFrom(const Statement& stmt) {
  SourceRecord record;
  record.source = domain::SourceId(stmt.Text(0));
  record.key = domain::SourceKey(stmt.Text(1));
  if (auto child = stmt.OptionalInt64(2)) {
    ASSIGN_OR_RETURN(record.child, IdFromStored("source_records.child_id", *child));
  }
  ASSIGN_OR_RETURN(record.state, LinkStateFromText("source_records.state", stmt.Text(3)));
  record.batch = domain::BatchId(stmt.Text(4));
  record.extracted_at = core::FromUnixMillis(stmt.Int64(5));
  record.received_at = core::FromUnixMillis(stmt.Int64(6));
  // Decoded where SQLite holds the text, not copied first.
  ASSIGN_OR_RETURN(record.data, DecodeChildJson(stmt.TextView(7)));
  ASSIGN_OR_RETURN(record.events, DecodeEventsJson(stmt.TextView(8)));
  if (!stmt.IsNull(9)) {
    ASSIGN_OR_RETURN(record.decision, DecodeDecisionJson(stmt.TextView(9)));
  }
  return record;
}

Status InvalidId(std::string message) {
  return Status(ErrorCode::kInvalidContactPointId, std::move(message));
}

Status ChildNotFound(std::string message) {
  return Status(ErrorCode::kChildNotFound, std::move(message));
}

}  // namespace

// ---- The transaction --------------------------------------------------------

// A transaction on the writing connection of a SqliteStore. Created by
// SqliteStore::Begin, owned by the caller; holds the store's writer mutex
// until it commits, is rolled back or is destroyed. Used only by the thread
// that began it.
//
// In kReadWrite mode each mutating call runs inside a savepoint, so a call
// that fails changes nothing and the transaction can still be committed or
// dropped. In kAllOrNothing mode calls run without one and a failed call
// rolls the whole transaction back.
class SqliteTransaction final : public Transaction {
 public:
  // A read-write transaction on the store's writer, holding its lock.
  SqliteTransaction(SqliteStore& store, std::unique_lock<std::mutex> lock, TxMode mode)
      : store_(store),
        conn_(*store.writer_),
        lock_(std::move(lock)),
        locked_by_(std::this_thread::get_id()),
        mode_(mode) {}
  // A read-only transaction on a pooled reader connection, given back on close.
  SqliteTransaction(SqliteStore& store, std::unique_ptr<Connection> reader)
      : store_(store), conn_(*reader), reader_(std::move(reader)), mode_(TxMode::kReadOnly) {}

  ~SqliteTransaction() override {
    // Closed on another thread (a feed load's writer thread failed): the
    // writer's lock is released here, on the thread that took it.
    if (state_ != State::kOpen) {
      ReleaseWriterLock();
      return;
    }
    if (!conn_.InAutocommit()) {
      // Nothing to report to: a failure here leaves the transaction open; the
      // next Begin rolls the writer back before starting, and a reader still
      // inside a transaction is closed rather than pooled.
      (void)Run(conn_, "ROLLBACK", "rolling back a dropped transaction");
    }
    Close(State::kRolledBack);
  }

  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  StatusOr<ContactPointId> AllocateChildId(core::Random& random) override {
    ContactPointId allocated;
    RETURN_IF_ERROR(Atomically([&]() -> Status {
      for (int attempt = 0; attempt < kMaxAllocationAttempts; ++attempt) {
        const ContactPointId id = ContactPointId::Generate(random);
        ASSIGN_OR_RETURN(Statement insert,
                         conn_.Prepare("INSERT INTO issued_ids (contactpoint_id, issued_at_ms) "
                                       "VALUES (?1, ?2) ON CONFLICT (contactpoint_id) DO NOTHING",
                                       "issuing a ContactPoint ID"));
        insert.BindInt64(1, Stored(id));
        insert.BindInt64(2, NowMillis());
        RETURN_IF_ERROR(insert.Run());
        if (insert.Changes() == 1) {
          allocated = id;
          unwritten_ids_.insert(Stored(id));
          return Status::Ok();
        }
      }
      return core::Internal("could not draw an unused ContactPoint ID in " +
                            std::to_string(kMaxAllocationAttempts) +
                            " attempts: the random source is not random");
    }, /*keep_waiting_rows=*/true));
    return allocated;
  }

  Status PutChild(const domain::Child& child) override {
    // An ID this transaction has just issued is known to be issued: nothing
    // to check. In kAllOrNothing mode the row's foreign key checks it when
    // the row is written (a new row's; an existing row's ID was issued), and
    // a failure then ends the transaction (WritePendingRows): at 1M a lookup
    // per best view rewritten was 6 % of a load's writer. A child is one
    // row, written as an upsert, so no waiting row needs writing first (a
    // waiting version of the same child is replaced by this one in order).
    const bool fresh = unwritten_ids_.contains(Stored(child.id));
    RETURN_IF_ERROR(Atomically([&]() -> Status {
      if (fresh || deferring()) {
        RETURN_IF_ERROR(CheckAssigned(child.id, "the child"));
      } else {
        RETURN_IF_ERROR(CheckIssued(child.id, "the child"));
      }
      RETURN_IF_ERROR(WriteChildRow(child));
      if (deferring()) pending_children_.insert(Stored(child.id));
      return AppendChange(ChangeKind::kChildPut, child.id, nullptr, nullptr);
    }, /*keep_waiting_rows=*/true));
    if (fresh) unwritten_ids_.erase(Stored(child.id));
    live_id_ = child.id;
    return Status::Ok();
  }

  StatusOr<domain::Child> GetChild(ContactPointId id) override {
    RETURN_IF_ERROR(CheckOpen());
    RETURN_IF_ERROR(CheckAssigned(id, "the requested child"));
    domain::Child child;
    child.id = id;
    {
      static const std::string kSql = "SELECT " + std::string(kChildColumns) +
                                      " FROM children WHERE contactpoint_id = ?1";
      ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSql, "reading a child record"));
      stmt.BindInt64(1, Stored(id));
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) return ChildNotFound("no child record has this ContactPoint ID");
      RETURN_IF_ERROR(ChildColumnsInto(stmt, 0, child));
    }
    return child;
  }

  Status DeleteChild(ContactPointId id) override {
    RETURN_IF_ERROR(Atomically([&]() -> Status {
      RETURN_IF_ERROR(CheckAssigned(id, "the child to delete"));
      ASSIGN_OR_RETURN(bool live, IsLive(id));
      if (!live) return ChildNotFound("no child record has this ContactPoint ID");
      // Source records go with the child (they hold the same personal data),
      // each with its own change-log entry so tailers learn of it.
      std::vector<std::pair<domain::SourceId, domain::SourceKey>> attached;
      {
        ASSIGN_OR_RETURN(Statement stmt,
                         conn_.Prepare("SELECT source, key FROM source_records "
                                       "WHERE child_id = ?1 ORDER BY source, key",
                                       "listing a child's source records"));
        stmt.BindInt64(1, Stored(id));
        for (;;) {
          ASSIGN_OR_RETURN(bool row, stmt.Step());
          if (!row) break;
          attached.emplace_back(domain::SourceId(stmt.Text(0)), domain::SourceKey(stmt.Text(1)));
        }
      }
      for (const auto& [source, key] : attached) {
        RETURN_IF_ERROR(DeleteSourceRow(source, key));
        RETURN_IF_ERROR(AppendChange(ChangeKind::kSourceRecordDeleted, id, &source, &key));
      }
      RETURN_IF_ERROR(DeleteCriteriaRows(id));
      ASSIGN_OR_RETURN(Statement del,
                       conn_.Prepare("DELETE FROM children WHERE contactpoint_id = ?1",
                                     "deleting a child record"));
      del.BindInt64(1, Stored(id));
      RETURN_IF_ERROR(del.Run());
      return AppendChange(ChangeKind::kChildDeleted, id, nullptr, nullptr);
    }));
    if (live_id_ == id) live_id_.reset();
    return Status::Ok();
  }

  Status AddRedirect(ContactPointId from, ContactPointId to) override {
    return Atomically([&]() -> Status {
      RETURN_IF_ERROR(CheckAssigned(from, "the merged ID"));
      RETURN_IF_ERROR(CheckAssigned(to, "the surviving ID"));
      if (from == to) {
        return Status(ErrorCode::kRedirectCycle, "a ContactPoint ID cannot redirect to itself");
      }
      ASSIGN_OR_RETURN(bool issued, IsIssued(from));
      if (!issued) return InvalidId("the merged ContactPoint ID was never issued by this store");
      ASSIGN_OR_RETURN(bool from_live, IsLive(from));
      if (from_live) {
        return core::FailedPrecondition(
            "the merged record still exists: delete it before redirecting its ID");
      }
      ASSIGN_OR_RETURN(bool to_live, IsLive(to));
      if (!to_live) return ChildNotFound("the surviving record does not exist");
      // Refuse any redirect that would close a loop, even through IDs whose
      // records were later revived: Resolve must always end.
      ContactPointId current = to;
      for (int hops = 0;; ++hops) {
        if (hops >= kMaxRedirectChain) {
          return Corrupt("redirects", "a chain is longer than " +
                                          std::to_string(kMaxRedirectChain) + " merges");
        }
        ASSIGN_OR_RETURN(std::optional<ContactPointId> next, RedirectOf(current));
        if (!next) break;
        if (*next == from) {
          return Status(ErrorCode::kRedirectCycle,
                        "this redirect would make a cycle: the surviving ID already "
                        "redirects to the merged one");
        }
        current = *next;
      }
      ASSIGN_OR_RETURN(Statement insert,
                       conn_.Prepare("INSERT INTO redirects (from_id, to_id) VALUES (?1, ?2) "
                                     "ON CONFLICT (from_id) DO UPDATE SET to_id = excluded.to_id",
                                     "recording a redirect"));
      insert.BindInt64(1, Stored(from));
      insert.BindInt64(2, Stored(to));
      RETURN_IF_ERROR(insert.Run());
      return AppendChange(ChangeKind::kChildRedirected, from, nullptr, nullptr);
    });
  }

  StatusOr<ContactPointId> Resolve(ContactPointId id) override {
    RETURN_IF_ERROR(CheckOpen());
    RETURN_IF_ERROR(CheckAssigned(id, "the ID to resolve"));
    ContactPointId current = id;
    for (int hops = 0; hops <= kMaxRedirectChain; ++hops) {
      ASSIGN_OR_RETURN(bool live, IsLive(current));
      if (live) return current;
      ASSIGN_OR_RETURN(std::optional<ContactPointId> next, RedirectOf(current));
      if (!next) return ChildNotFound("no child record has this ContactPoint ID");
      current = *next;
    }
    return Corrupt("redirects", "a chain is longer than " + std::to_string(kMaxRedirectChain) +
                                    " merges");
  }

  Status PutSourceRecord(const SourceRecord& record) override {
    return Atomically([&]() -> Status {
      ASSIGN_OR_RETURN(std::string_view state, CheckSourceRecord(record));
      ASSIGN_OR_RETURN(EncodedSourceView encoded, EncodeSourceView(record.data, record.events));
      return WriteSourceRecord(record, state, encoded);
    }, /*keep_waiting_rows=*/true);
  }

  Status PutEncodedSourceRecord(const SourceRecord& record,
                                const EncodedSourceView& encoded) override {
    return Atomically([&]() -> Status {
      ASSIGN_OR_RETURN(std::string_view state, CheckSourceRecord(record));
      return WriteSourceRecord(record, state, encoded);
    }, /*keep_waiting_rows=*/true);
  }

  StatusOr<SourceRecord> GetSourceRecord(const domain::SourceId& source,
                                         const domain::SourceKey& key) override {
    // Only a waiting version of this very record needs writing first.
    RETURN_IF_ERROR(pending_source_keys_.contains(PendingKey(source, key)) ? CheckOpen()
                                                                            : CheckState());
    ASSIGN_OR_RETURN(Statement stmt,
                     conn_.Prepare("SELECT source, key, child_id, state, batch, extracted_at_ms, "
                                   "received_at_ms, data_json, events_json, decision_json FROM source_records "
                                   "WHERE source = ?1 AND key = ?2",
                                   "reading a source record"));
    stmt.BindText(1, source.value());
    stmt.BindText(2, key.value());
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) {
      return Status(ErrorCode::kSourceRecordNotFound, "this source holds no record with this key");
    }
    return SourceRecordFrom(stmt);
  }

  StatusOr<std::vector<SourceRecord>> SourceRecordsOf(ContactPointId child) override {
    std::vector<SourceRecord> records;
    RETURN_IF_ERROR(ForEachRecordRowOf(
        child,
        "SELECT source, key, child_id, state, batch, extracted_at_ms, received_at_ms, data_json, "
        "events_json, decision_json FROM source_records WHERE child_id = ?1 ORDER BY source, key",
        "reading a child's source records", [&](const Statement& row) -> Status {
          ASSIGN_OR_RETURN(SourceRecord record, SourceRecordFrom(row));
          records.push_back(std::move(record));
          return Status::Ok();
        }));
    return records;
  }

  StatusOr<std::vector<LinkState>> LinkStatesOf(ContactPointId child) override {
    std::vector<LinkState> states;
    RETURN_IF_ERROR(ForEachRecordRowOf(
        child, "SELECT source, key, state FROM source_records WHERE child_id = ?1 ORDER BY source, key",
        "reading a child's link states",
        [&](const Statement& row) -> Status {
          ASSIGN_OR_RETURN(LinkState state, LinkStateFromText("source_records.state", row.Text(2)));
          states.push_back(state);
          return Status::Ok();
        }));
    return states;
  }

  // Runs `fn` on the stored rows of the child's source records: `select`
  // (literal SQL) reads their columns, source and key first, WHERE child_id =
  // ?1 ORDER BY source, key. Rows waiting to be
  // written matter only if one of them attaches a record to this child;
  // otherwise the stored rows are read as they are, less any record a waiting
  // row moves elsewhere (a feed load reads many candidates' records and would
  // otherwise write its rows a few at a time).
  Status ForEachRecordRowOf(ContactPointId child, std::string_view select, std::string_view what,
                            const std::function<Status(const Statement&)>& fn) {
    const bool waiting = pending_source_children_.contains(Stored(child));
    RETURN_IF_ERROR(waiting ? CheckOpen() : CheckState());
    RETURN_IF_ERROR(CheckAssigned(child, "the child"));
    ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(select, what));
    stmt.BindInt64(1, Stored(child));
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      if (!waiting && pending_source_keys_.contains(PendingKey(domain::SourceId(stmt.Text(0)),
                                                               domain::SourceKey(stmt.Text(1))))) {
        continue;  // a waiting row attaches it to another child, or to none
      }
      RETURN_IF_ERROR(fn(stmt));
    }
    return Status::Ok();
  }

  Status DeleteSourceRecord(const domain::SourceId& source,
                            const domain::SourceKey& key) override {
    return Atomically([&]() -> Status {
      std::optional<ContactPointId> child;
      {
        ASSIGN_OR_RETURN(Statement stmt,
                         conn_.Prepare("SELECT child_id FROM source_records "
                                       "WHERE source = ?1 AND key = ?2",
                                       "finding a source record"));
        stmt.BindText(1, source.value());
        stmt.BindText(2, key.value());
        ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) {
          return Status(ErrorCode::kSourceRecordNotFound,
                        "this source holds no record with this key");
        }
        if (auto stored = stmt.OptionalInt64(0)) {
          ASSIGN_OR_RETURN(child, IdFromStored("source_records.child_id", *stored));
        }
      }
      RETURN_IF_ERROR(DeleteSourceRow(source, key));
      return AppendChange(ChangeKind::kSourceRecordDeleted, child ? &*child : nullptr, &source,
                          &key);
    });
  }

  StatusOr<std::int64_t> NextAuditIndex() override {
    RETURN_IF_ERROR(CheckOpen());
    return QueryInt(conn_, "SELECT coalesce(max(leaf_index) + 1, 0) FROM audit_log",
                    "reading the audit log's size");
  }

  Status AppendAuditEntry(const AuditEntry& entry) override {
    return Atomically([&]() -> Status {
      ASSIGN_OR_RETURN(std::int64_t next, NextAuditIndex());
      if (entry.index != next) {
        return Status(ErrorCode::kAborted,
                      "the audit log has moved on: entry " + std::to_string(entry.index) +
                          " was prepared but the next index is " + std::to_string(next));
      }
      if (entry.actor.empty() || entry.action.empty() || entry.leaf.empty()) {
        return Status(ErrorCode::kInvalidRecord,
                      "an audit entry needs an actor, an action and its bytes");
      }
      ASSIGN_OR_RETURN(Statement insert,
                       conn_.Prepare("INSERT INTO audit_log (leaf_index, at_ms, actor, action, "
                                     "leaf) VALUES (?1, ?2, ?3, ?4, ?5)",
                                     "appending to the audit log"));
      insert.BindInt64(1, entry.index);
      insert.BindInt64(2, core::ToUnixMillis(entry.at));
      insert.BindText(3, entry.actor);
      insert.BindText(4, entry.action);
      insert.BindBlob(5, entry.leaf);
      RETURN_IF_ERROR(insert.Run());
      for (const ContactPointId& child : entry.children) {
        RETURN_IF_ERROR(CheckAssigned(child, "a child named by the audit entry"));
        ASSIGN_OR_RETURN(Statement link,
                         conn_.Prepare("INSERT INTO audit_children (child_id, leaf_index) "
                                       "VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                                       "indexing an audit entry by child"));
        link.BindInt64(1, Stored(child));
        link.BindInt64(2, entry.index);
        RETURN_IF_ERROR(link.Run());
      }
      return Status::Ok();
    });
  }

  Status PutAuditCriteria(std::int64_t index, const AuditCriteria& criteria) override {
    return Atomically([&]() -> Status {
      ASSIGN_OR_RETURN(Statement insert,
                       conn_.Prepare("INSERT INTO audit_criteria (leaf_index, criteria) "
                                     "VALUES (?1, ?2)",
                                     "recording search criteria"));
      insert.BindInt64(1, index);
      insert.BindText(2, criteria.Reveal());
      return insert.Run();
    });
  }

  StatusOr<std::optional<AuditCriteria>> GetAuditCriteria(std::int64_t index) override {
    RETURN_IF_ERROR(CheckOpen());
    ASSIGN_OR_RETURN(Statement stmt,
                     conn_.Prepare("SELECT criteria FROM audit_criteria WHERE leaf_index = ?1",
                                   "reading search criteria"));
    stmt.BindInt64(1, index);
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::optional<AuditCriteria>();
    return std::optional<AuditCriteria>(AuditCriteria(stmt.Text(0)));
  }

  StatusOr<std::int64_t> DeleteAuditCriteriaOf(ContactPointId child) override {
    std::int64_t deleted = 0;
    RETURN_IF_ERROR(Atomically([&]() -> Status {
      RETURN_IF_ERROR(CheckAssigned(child, "the child"));
      ASSIGN_OR_RETURN(deleted, DeleteCriteriaRows(child));
      return Status::Ok();
    }));
    return deleted;
  }

  Status PutAuditCheckpoint(const AuditCheckpoint& checkpoint) override {
    return Atomically([&]() -> Status {
      ASSIGN_OR_RETURN(Statement insert,
                       conn_.Prepare("INSERT INTO audit_checkpoints (tree_size, at_ms, root_hash, "
                                     "key_id, signature, right_edge) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                     "storing an audit checkpoint"));
      insert.BindInt64(1, checkpoint.tree_size);
      insert.BindInt64(2, core::ToUnixMillis(checkpoint.at));
      insert.BindBlob(3, checkpoint.root_hash);
      insert.BindText(4, checkpoint.key_id);
      insert.BindBlob(5, checkpoint.signature);
      insert.BindBlob(6, checkpoint.right_edge);
      return insert.Run();
    });
  }

  // ---- Data supply ----

  Status PutSource(const SourceEntry& source) override {
    return Atomically([&]() -> Status {
      RETURN_IF_ERROR(domain::ValidateSourceId(source.id.value()));
      if (source.priority < 1 || source.priority > 9) {
        return Status(ErrorCode::kInvalidArgument,
                      "source " + source.id.value() + ": the priority must be 1 (most trusted) to "
                      "9 (least), not " + std::to_string(source.priority));
      }
      ASSIGN_OR_RETURN(Statement stmt,
                       conn_.Prepare("INSERT INTO sources (id, name, kind, state, credential_hash, "
                                     "created_at_ms, updated_at_ms, priority) VALUES (?1, ?2, ?3, "
                                     "?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO UPDATE SET name = ?2, "
                                     "kind = ?3, state = ?4, credential_hash = ?5, "
                                     "updated_at_ms = ?7, priority = ?8",
                                     "saving a source"));
      stmt.BindText(1, source.id.value());
      stmt.BindText(2, source.name);
      stmt.BindText(3, domain::SourceKindName(source.kind));
      stmt.BindText(4, domain::SourceStateName(source.state));
      stmt.BindText(5, source.credential_hash);
      stmt.BindInt64(6, core::ToUnixMillis(source.created_at));
      stmt.BindInt64(7, core::ToUnixMillis(source.updated_at));
      stmt.BindInt64(8, source.priority);
      return stmt.Run();
    });
  }

  StatusOr<SourceEntry> GetSource(const domain::SourceId& id) override {
    ASSIGN_OR_RETURN(std::vector<SourceEntry> found, ReadSources(&id));
    if (found.empty()) {
      return Status(ErrorCode::kSourceNotFound,
                    "no source " + id.value() + " is registered (see 'contactpoint source list')");
    }
    return std::move(found.front());
  }

  StatusOr<std::vector<SourceEntry>> ListSources() override { return ReadSources(nullptr); }

  StatusOr<std::optional<BatchEntry>> GetBatch(const domain::SourceId& source,
                                               const domain::BatchId& batch) override {
    RETURN_IF_ERROR(CheckOpen());
    ASSIGN_OR_RETURN(Statement stmt,
                     conn_.Prepare("SELECT content_digest, sequence, received_at_ms, receipt_json "
                                   "FROM batches WHERE source = ?1 AND batch = ?2",
                                   "reading a batch"));
    stmt.BindText(1, source.value());
    stmt.BindText(2, batch.value());
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::optional<BatchEntry>();
    BatchEntry entry;
    entry.source = source;
    entry.batch = batch;
    entry.content_digest = stmt.Text(0);
    entry.sequence = stmt.OptionalInt64(1);
    entry.received_at = core::FromUnixMillis(stmt.Int64(2));
    entry.receipt_json = stmt.Text(3);
    return std::optional<BatchEntry>(std::move(entry));
  }

  StatusOr<std::optional<std::int64_t>> LastBatchSequence(const domain::SourceId& source) override {
    RETURN_IF_ERROR(CheckOpen());
    ASSIGN_OR_RETURN(Statement stmt,
                     conn_.Prepare("SELECT max(sequence) FROM batches WHERE source = ?1",
                                   "reading the last batch sequence"));
    stmt.BindText(1, source.value());
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::optional<std::int64_t>();
    return stmt.OptionalInt64(0);
  }

  Status PutBatch(const BatchEntry& batch) override {
    return Atomically([&]() -> Status {
      ASSIGN_OR_RETURN(Statement stmt,
                       conn_.Prepare("INSERT INTO batches (source, batch, content_digest, sequence, "
                                     "received_at_ms, receipt_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                     "ON CONFLICT (source, batch) DO NOTHING",
                                     "recording a batch"));
      stmt.BindText(1, batch.source.value());
      stmt.BindText(2, batch.batch.value());
      stmt.BindText(3, batch.content_digest);
      stmt.BindOptionalInt64(4, batch.sequence);
      stmt.BindInt64(5, core::ToUnixMillis(batch.received_at));
      stmt.BindText(6, batch.receipt_json);
      RETURN_IF_ERROR(stmt.Run());
      if (stmt.Changes() == 0) {
        return Status(ErrorCode::kBatchConflict,
                      "batch " + batch.batch.value() + " of source " + batch.source.value() +
                          " was already applied");
      }
      return Status::Ok();
    });
  }

  Status AddQuarantine(const QuarantineEntry& entry) override {
    return Atomically([&]() -> Status {
      ASSIGN_OR_RETURN(Statement stmt,
                       conn_.Prepare("INSERT INTO quarantine (source, batch, line, field, code, "
                                     "broken_rule, raw_line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                     "quarantining a rejected line"));
      stmt.BindText(1, entry.source.value());
      stmt.BindText(2, entry.batch.value());
      stmt.BindInt64(3, entry.line);
      stmt.BindText(4, entry.field);
      stmt.BindInt64(5, static_cast<std::int64_t>(entry.code));
      stmt.BindText(6, entry.reason);
      stmt.BindText(7, entry.raw_line.Reveal());
      return stmt.Run();
    });
  }

  StatusOr<std::vector<QuarantineEntry>> QuarantineOf(const domain::SourceId& source,
                                                      const domain::BatchId& batch) override {
    RETURN_IF_ERROR(CheckOpen());
    ASSIGN_OR_RETURN(Statement stmt,
                     conn_.Prepare("SELECT line, field, code, broken_rule, raw_line FROM quarantine "
                                   "WHERE source = ?1 AND batch = ?2 ORDER BY line",
                                   "reading the quarantine"));
    stmt.BindText(1, source.value());
    stmt.BindText(2, batch.value());
    std::vector<QuarantineEntry> out;
    RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) {
      out.push_back(QuarantineEntry{source, batch, row.Int64(0), row.Text(1),
                                    static_cast<ErrorCode>(row.Int64(2)), row.Text(3),
                                    core::Sensitive<std::string>(row.Text(4))});
      return Status::Ok();
    }));
    return out;
  }

  StatusOr<std::vector<domain::SourceKey>> CurrentKeysOf(const domain::SourceId& source) override {
    RETURN_IF_ERROR(CheckOpen());
    ASSIGN_OR_RETURN(Statement stmt,
                     conn_.Prepare("SELECT key FROM source_records WHERE source = ?1 AND "
                                   "state <> 'withdrawn' ORDER BY key",
                                   "listing a source's current records"));
    stmt.BindText(1, source.value());
    std::vector<domain::SourceKey> out;
    RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) {
      out.emplace_back(row.Text(0));
      return Status::Ok();
    }));
    return out;
  }

  Status ForEachSourceLink(const std::optional<domain::SourceId>& source,
                           const std::function<Status(const SourceLink&)>& fn) override {
    RETURN_IF_ERROR(CheckOpen());
    ASSIGN_OR_RETURN(Statement stmt,
                     conn_.Prepare("SELECT source, key, child_id, state FROM source_records "
                                   "WHERE ?1 IS NULL OR source = ?1 ORDER BY source, key",
                                   "listing source records"));
    stmt.BindOptionalText(1, source ? std::optional<std::string>(source->value()) : std::nullopt);
    return stmt.ForEachRow([&](const Statement& row) -> Status {
      SourceLink link;
      link.source = domain::SourceId(row.Text(0));
      link.key = domain::SourceKey(row.Text(1));
      if (auto child = row.OptionalInt64(2)) {
        ASSIGN_OR_RETURN(link.child, IdFromStored("source_records.child_id", *child));
      }
      ASSIGN_OR_RETURN(link.state, LinkStateFromText("source_records.state", row.Text(3)));
      return fn(link);
    });
  }

  Status ForEachCurrentChild(const std::function<Status(const domain::Child&)>& fn) override {
    RETURN_IF_ERROR(CheckOpen());
    // The children sources supply, from one pass over source_records in
    // stored order. (Through source_records_by_child, which lacks the state,
    // each record cost a read of the table at a random place: with a million
    // children, 10 s of the 37 s a feed load took to rebuild its index.)
    std::vector<std::int64_t> ids;
    {
      ASSIGN_OR_RETURN(Statement stmt,
                       conn_.Prepare("SELECT child_id FROM source_records "
                                     "WHERE state IN ('linked', 'review')",
                                     "listing the children sources supply"));
      RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) {
        ids.push_back(row.Int64(0));
        return Status::Ok();
      }));
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    // Then a page of children at a time, in ID order, each read whole
    // before `fn` sees any child of it.
    std::vector<domain::Child> page;
    for (std::size_t begin = 0; begin < ids.size(); begin += kChildrenPage) {
      const std::size_t end = std::min(ids.size(), begin + kChildrenPage);
      RETURN_IF_ERROR(ReadChildrenPage(std::span(ids).subspan(begin, end - begin), page));
      for (const domain::Child& child : page) RETURN_IF_ERROR(fn(child));
    }
    return Status::Ok();
  }

  Status ForEachCurrentChildOf(const std::string& accountable,
                               const std::function<Status(const domain::Child&)>& fn) override {
    RETURN_IF_ERROR(CheckOpen());
    ASSIGN_OR_RETURN(
        Statement stmt,
        conn_.Prepare("SELECT c.contactpoint_id FROM children c WHERE c.accountable = ?1 AND "
                      "EXISTS (SELECT 1 FROM source_records s WHERE s.child_id = "
                      "c.contactpoint_id AND s.state IN ('linked', 'review')) "
                      "ORDER BY c.contactpoint_id",
                      "listing an authority's children"));
    stmt.BindText(1, accountable);
    return ForEachChildListedBy(stmt, fn);
  }

  // Calls `fn` with each child whose ID `stmt` lists (column 0): the IDs
  // first, so that reading each child does not run inside the query.
  Status ForEachChildListedBy(Statement& stmt,
                              const std::function<Status(const domain::Child&)>& fn) {
    std::vector<ContactPointId> ids;
    {
      RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) -> Status {
        ASSIGN_OR_RETURN(ContactPointId id,
                         IdFromStored("a listed child ID", row.Int64(0)));
        ids.push_back(id);
        return Status::Ok();
      }));
    }
    for (const ContactPointId& id : ids) {
      ASSIGN_OR_RETURN(domain::Child child, GetChild(id));
      RETURN_IF_ERROR(fn(child));
    }
    return Status::Ok();
  }

  StatusOr<std::vector<SourceRecord>> SourceRecordsInState(LinkState state, int limit) override {
    RETURN_IF_ERROR(CheckOpen());
    if (limit < 1) {
      return Status(ErrorCode::kInvalidArgument, "the limit must be at least 1");
    }
    ASSIGN_OR_RETURN(std::string_view state_text, LinkStateText("the state asked for", state));
    ASSIGN_OR_RETURN(Statement stmt,
                     conn_.Prepare("SELECT source, key, child_id, state, batch, extracted_at_ms, "
                                   "received_at_ms, data_json, events_json, decision_json "
                                   "FROM source_records WHERE state = ?1 "
                                   "ORDER BY received_at_ms, source, key LIMIT ?2",
                                   "listing source records by state"));
    stmt.BindText(1, state_text);
    stmt.BindInt64(2, limit);
    std::vector<SourceRecord> records;
    RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) -> Status {
      ASSIGN_OR_RETURN(SourceRecord record, SourceRecordFrom(row));
      records.push_back(std::move(record));
      return Status::Ok();
    }));
    return records;
  }

  // ---- Identity (rows in internal/sqlite_identity.cc) ----

  Status PutOrganisation(const OrganisationEntry& organisation) override {
    return Atomically([&] { return internal::WriteOrganisation(conn_, organisation); });
  }

  StatusOr<OrganisationEntry> GetOrganisation(const std::string& id) override {
    RETURN_IF_ERROR(CheckOpen());
    ASSIGN_OR_RETURN(std::vector<OrganisationEntry> found,
                     internal::ReadOrganisations(conn_, &id));
    if (found.empty()) {
      return Status(ErrorCode::kOrganisationNotFound,
                    "no organisation " + id + " is known (see 'contactpoint org list')");
    }
    return std::move(found.front());
  }

  StatusOr<std::vector<OrganisationEntry>> ListOrganisations() override {
    RETURN_IF_ERROR(CheckOpen());
    return internal::ReadOrganisations(conn_, nullptr);
  }

  StatusOr<std::int64_t> PutUser(const UserEntry& user) override {
    std::int64_t id = 0;
    RETURN_IF_ERROR(Atomically([&]() -> Status {
      ASSIGN_OR_RETURN(id, internal::WriteUser(conn_, user));
      return Status::Ok();
    }));
    return id;
  }

  StatusOr<UserEntry> GetUser(std::int64_t id) override {
    RETURN_IF_ERROR(CheckOpen());
    ASSIGN_OR_RETURN(std::vector<UserEntry> found,
                     internal::ReadUsers(conn_, internal::UserSelector{id, {}, {}}));
    if (found.empty()) {
      return Status(ErrorCode::kUserNotFound, "no user has the ID " + std::to_string(id));
    }
    return std::move(found.front());
  }

  StatusOr<std::optional<UserEntry>> FindUser(const std::string& username) override {
    RETURN_IF_ERROR(CheckOpen());
    ASSIGN_OR_RETURN(std::vector<UserEntry> found,
                     internal::ReadUsers(conn_, internal::UserSelector{{}, username, {}}));
    if (found.empty()) return std::optional<UserEntry>();
    return std::optional<UserEntry>(std::move(found.front()));
  }

  StatusOr<std::vector<UserEntry>> ListUsers(
      const std::optional<std::string>& organisation) override {
    RETURN_IF_ERROR(CheckOpen());
    return internal::ReadUsers(conn_, internal::UserSelector{{}, {}, organisation});
  }

  Status PutSession(const SessionEntry& session) override {
    return Atomically([&] { return internal::WriteSession(conn_, session); });
  }

  StatusOr<std::optional<SessionEntry>> GetSession(const std::string& token_hash) override {
    RETURN_IF_ERROR(CheckOpen());
    return internal::ReadSession(conn_, token_hash);
  }

  Status DeleteSession(const std::string& token_hash) override {
    return Atomically([&] { return internal::RemoveSession(conn_, token_hash); });
  }

  StatusOr<std::int64_t> DeleteSessionsOf(std::int64_t user_id) override {
    std::int64_t ended = 0;
    RETURN_IF_ERROR(Atomically([&]() -> Status {
      ASSIGN_OR_RETURN(ended, internal::RemoveSessionsOf(conn_, user_id));
      return Status::Ok();
    }));
    return ended;
  }

  // ---- Practitioners' own entries (rows in internal/sqlite_practice.cc) ----

  StatusOr<std::int64_t> PutPractitionerInvolvement(
      const PractitionerInvolvementEntry& entry) override {
    std::int64_t id = 0;
    RETURN_IF_ERROR(Atomically([&]() -> Status {
      RETURN_IF_ERROR(RequireLive(entry.child, "the involvement's child"));
      ASSIGN_OR_RETURN(id, internal::WritePractitionerInvolvement(conn_, entry));
      return AppendChange(ChangeKind::kChildPut, entry.child, nullptr, nullptr);
    }));
    return id;
  }

  StatusOr<std::vector<PractitionerInvolvementEntry>> PractitionerInvolvementsOf(
      ContactPointId child) override {
    RETURN_IF_ERROR(CheckOpen());
    RETURN_IF_ERROR(CheckAssigned(child, "the child"));
    return internal::ReadPractitionerInvolvements(conn_, child);
  }

  Status PutShield(const ShieldEntry& shield) override {
    return Atomically([&]() -> Status {
      RETURN_IF_ERROR(RequireLive(shield.child, "the shielded child"));
      RETURN_IF_ERROR(internal::WriteShield(conn_, shield));
      return AppendChange(ChangeKind::kChildPut, shield.child, nullptr, nullptr);
    });
  }

  StatusOr<std::optional<ShieldEntry>> GetShield(ContactPointId child) override {
    // Shields are written at once, never left waiting, and no waiting row
    // removes one (a children row waits as an upsert): the waiting rows need
    // not be written first. A feed load asks for every candidate it checks.
    RETURN_IF_ERROR(CheckState());
    RETURN_IF_ERROR(CheckAssigned(child, "the child"));
    return internal::ReadShield(conn_, child);
  }

  StatusOr<std::vector<ShieldEntry>> ShieldsInForceFor(const std::string& accountable) override {
    RETURN_IF_ERROR(CheckOpen());
    return internal::ReadShieldsInForceFor(conn_, accountable);
  }

  Status MoveManualEntries(ContactPointId from, ContactPointId to) override {
    return Atomically([&]() -> Status {
      RETURN_IF_ERROR(RequireLive(from, "the merged child"));
      RETURN_IF_ERROR(RequireLive(to, "the surviving child"));
      if (from == to) return InvalidId("a child's entries cannot move to the same child");
      RETURN_IF_ERROR(internal::MoveManualRows(conn_, from, to));
      RETURN_IF_ERROR(AppendChange(ChangeKind::kChildPut, from, nullptr, nullptr));
      return AppendChange(ChangeKind::kChildPut, to, nullptr, nullptr);
    });
  }

  // ---- Misuse alerts (rows in internal/sqlite_alerts.cc) ----

  StatusOr<std::int64_t> PutMisuseAlert(const MisuseAlertEntry& alert) override {
    std::int64_t id = 0;
    RETURN_IF_ERROR(Atomically([&]() -> Status {
      RETURN_IF_ERROR(GetUser(alert.user_id).status());
      ASSIGN_OR_RETURN(id, internal::WriteMisuseAlert(conn_, alert));
      return Status::Ok();
    }));
    return id;
  }

  StatusOr<MisuseAlertEntry> GetMisuseAlert(std::int64_t id) override {
    RETURN_IF_ERROR(CheckOpen());
    return internal::ReadMisuseAlert(conn_, id);
  }

  StatusOr<std::optional<MisuseAlertEntry>> OpenMisuseAlert(
      std::int64_t user_id, const std::string& kind,
      const std::optional<ContactPointId>& child) override {
    RETURN_IF_ERROR(CheckOpen());
    return internal::ReadOpenMisuseAlert(conn_, user_id, kind, child);
  }

  StatusOr<std::vector<MisuseAlertEntry>> ListMisuseAlerts(
      const MisuseAlertFilter& filter) override {
    RETURN_IF_ERROR(CheckOpen());
    return internal::ReadMisuseAlerts(conn_, filter);
  }

  StatusOr<std::int64_t> LastChange() override {
    RETURN_IF_ERROR(CheckOpen());  // this transaction's own entries first
    return QueryInt(conn_, "SELECT coalesce(max(seq), 0) FROM change_log",
                    "reading the change log");
  }

  Status Commit() override {
    RETURN_IF_ERROR(CheckOpen());
    Status status = Run(conn_, "COMMIT", "committing");
    if (status.ok()) {
      const bool wrote = mode_ != TxMode::kReadOnly;
      const std::uint64_t commit = wrote ? store_.NoteCommit() : 0;
      Close(State::kCommitted);  // the next transaction may start while this one syncs
      return wrote ? store_.MakeDurable(commit) : status;
    }
    // A failed commit leaves nothing applied.
    if (!conn_.InAutocommit()) (void)Run(conn_, "ROLLBACK", "rolling back a failed commit");
    Close(State::kRolledBack);
    return status;
  }

 private:
  enum class State { kOpen, kCommitted, kRolledBack };

  // The registry entry of `id`, or every source when `id` is null.
  StatusOr<std::vector<SourceEntry>> ReadSources(const domain::SourceId* id) {
    RETURN_IF_ERROR(CheckOpen());
    ASSIGN_OR_RETURN(Statement stmt,
                     conn_.Prepare("SELECT id, name, kind, state, credential_hash, created_at_ms, "
                                   "updated_at_ms, priority FROM sources WHERE ?1 IS NULL OR id = ?1 "
                                   "ORDER BY id",
                                   "reading sources"));
    stmt.BindOptionalText(1, id ? std::optional<std::string>(id->value()) : std::nullopt);
    std::vector<SourceEntry> out;
    RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) -> Status {
      auto kind = domain::ParseSourceKind(row.Text(2));
      auto state = domain::ParseSourceState(row.Text(3));
      if (!kind.ok() || !state.ok()) {
        return Status(ErrorCode::kStoreCorrupt, "a stored source has an unknown kind or state");
      }
      out.push_back(SourceEntry{domain::SourceId(row.Text(0)), row.Text(1), *kind, *state,
                                row.Text(4), core::FromUnixMillis(row.Int64(5)),
                                core::FromUnixMillis(row.Int64(6)),
                                static_cast<int>(row.Int64(7))});
      return Status::Ok();
    }));
    return out;
  }

  std::int64_t NowMillis() const { return core::ToUnixMillis(store_.clock_.Now()); }

  // Ends the transaction's hold on the store: from here on every call is
  // refused without touching the connection, which the next Begin may own.
  void Close(State state) {
    if (state_ != State::kOpen) return;  // closed already
    state_ = state;
    ClearPendingRows();
    if (reader_) {
      store_.ReturnReader(std::move(reader_));
      return;
    }
    // A std::mutex is released by the thread that took it: another thread
    // (the writer thread of a feed load) leaves that to the destructor.
    if (std::this_thread::get_id() == locked_by_) ReleaseWriterLock();
  }

  void ReleaseWriterLock() {
    if (!lock_.owns_lock()) return;
    store_.writer_owner_.store(std::thread::id());
    lock_.unlock();
  }

  // The transaction is open, and the rows waiting to be written (if any)
  // have been: whatever runs next sees every earlier write.
  Status CheckOpen() {
    RETURN_IF_ERROR(CheckState());
    return WritePendingRows();
  }

  // The transaction is open; waiting rows stay waiting.
  Status CheckState() const {
    switch (state_) {
      case State::kOpen:
        return Status::Ok();
      case State::kCommitted:
        return Status(ErrorCode::kTransactionClosed,
                      "this transaction has been committed; begin a new one");
      case State::kRolledBack:
        return Status(ErrorCode::kTransactionClosed,
                      "this transaction was rolled back after an error; begin a new one");
    }
    return Status::Ok();
  }

  Status RequireLive(ContactPointId id, std::string_view what) {
    RETURN_IF_ERROR(CheckAssigned(id, what));
    ASSIGN_OR_RETURN(bool live, IsLive(id));
    if (!live) return ChildNotFound(std::string(what) + ": no child record has this ContactPoint ID");
    return Status::Ok();
  }

  static Status CheckAssigned(ContactPointId id, std::string_view what) {
    if (id.assigned()) return Status::Ok();
    return InvalidId(std::string(what) +
                     " has no ContactPoint ID; IDs come from AllocateChildId");
  }

  // Runs one mutating call inside a savepoint: all of it or none of it. In
  // kAllOrNothing mode the transaction itself is the unit: a failure rolls
  // it all back.
  //
  // With `keep_waiting_rows` the call runs without first writing the rows
  // waiting from earlier calls: for calls that neither read nor replace them.
  template <typename Body>
  Status Atomically(Body&& body, bool keep_waiting_rows = false) {
    RETURN_IF_ERROR(keep_waiting_rows ? CheckState() : CheckOpen());
    if (mode_ == TxMode::kReadOnly) {
      return core::FailedPrecondition(
          "this transaction is read-only; begin a read-write transaction to write");
    }
    if (mode_ == TxMode::kAllOrNothing) {
      Status status = body();
      if (status.ok()) status = WritePendingRowsIfMany();
      if (!status.ok()) {
        if (!conn_.InAutocommit()) (void)Run(conn_, "ROLLBACK", "abandoning the transaction");
        Close(State::kRolledBack);
      }
      return status;
    }
    RETURN_IF_ERROR(Run(conn_, "SAVEPOINT cp_call", "starting a write"));
    Status status = body();
    if (status.ok()) {
      status = Run(conn_, "RELEASE cp_call", "finishing a write");
      if (status.ok()) return status;
    }
    if (conn_.InAutocommit()) {
      // SQLite rolled the whole transaction back by itself (disk full, I/O).
      Close(State::kRolledBack);
      return status;
    }
    Status undone = Run(conn_, "ROLLBACK TO cp_call", "undoing a failed write");
    if (undone.ok()) undone = Run(conn_, "RELEASE cp_call", "undoing a failed write");
    if (!undone.ok()) {
      // The call's effects could not be isolated: abandon the transaction.
      if (!conn_.InAutocommit()) (void)Run(conn_, "ROLLBACK", "abandoning the transaction");
      Close(State::kRolledBack);
    }
    return status;
  }

  // -- Rows written now or later --

  // In kAllOrNothing mode rows wait in the transaction and are written
  // together, several per statement (SQLite's cost is mostly per statement):
  // before anything that could read or replace them runs (CheckOpen), when
  // many are waiting, and at Commit. Failures then surface later, which that
  // mode allows: any failure rolls the whole transaction back.
  bool deferring() const { return mode_ == TxMode::kAllOrNothing; }

  static std::string PendingKey(const domain::SourceId& source, const domain::SourceKey& key) {
    std::string out = source.value();
    out += '\n';  // never part of a source ID
    out += key.value();
    return out;
  }

  Status InsertRow(RowTable table, SqlRow row) {
    if (!deferring()) return RunRows(table, &row, 1);
    pending_[static_cast<std::size_t>(table)].push_back(std::move(row));
    ++pending_count_;
    return Status::Ok();
  }

  // Inserts `count` rows (1 or kRowsPerInsert) in one statement.
  Status RunRows(RowTable table, const SqlRow* rows, int count) {
    const RowTableSql& sql = SqlOf(table);
    ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(count == 1 ? sql.one : sql.many, sql.what));
    int index = 1;
    for (int r = 0; r < count; ++r) {
      for (const SqlValue& value : rows[r]) stmt.BindValue(index++, value);
    }
    return stmt.Run();
  }

  // Writes every waiting row, table by table in foreign-key order (a row's
  // order within its table is kept). A failure rolls the transaction back.
  Status WritePendingRows() {
    if (pending_count_ == 0) return Status::Ok();
    Status status = [&]() -> Status {
      for (std::size_t t = 0; t < kRowTables; ++t) {
        const std::vector<SqlRow>& rows = pending_[t];
        const auto table = static_cast<RowTable>(t);
        std::size_t i = 0;
        Status written = Status::Ok();
        for (; written.ok() && i + kRowsPerInsert <= rows.size(); i += kRowsPerInsert) {
          written = RunRows(table, &rows[i], kRowsPerInsert);
        }
        for (; written.ok() && i < rows.size(); ++i) written = RunRows(table, &rows[i], 1);
        if (table == RowTable::kSourceRecords &&
            written.code() == ErrorCode::kFailedPrecondition) {
          // Its one foreign key: the child (CheckSourceRecord).
          return ChildNotFound(std::string(kNoChildOfSourceRecord));
        }
        if (table == RowTable::kChildren && written.code() == ErrorCode::kFailedPrecondition) {
          // Its one foreign key: the ID, issued (PutChild).
          return InvalidId("a child " + std::string(kNeverIssued));
        }
        RETURN_IF_ERROR(written);
      }
      return Status::Ok();
    }();
    ClearPendingRows();
    if (!status.ok()) {
      if (!conn_.InAutocommit()) (void)Run(conn_, "ROLLBACK", "abandoning the transaction");
      Close(State::kRolledBack);
    }
    return status;
  }

  Status WritePendingRowsIfMany() {
    const bool many = pending_[static_cast<std::size_t>(RowTable::kChildren)].size() >=
                          static_cast<std::size_t>(kRowsPerInsert) ||
                      pending_[static_cast<std::size_t>(RowTable::kSourceRecords)].size() >=
                          static_cast<std::size_t>(kRowsPerInsert) ||
                      pending_count_ >= 16 * static_cast<std::size_t>(kRowsPerInsert);
    return many ? WritePendingRows() : Status::Ok();
  }

  void ClearPendingRows() {
    for (std::vector<SqlRow>& rows : pending_) rows.clear();
    pending_count_ = 0;
    pending_children_.clear();
    pending_source_keys_.clear();
    pending_source_children_.clear();
  }

  StatusOr<bool> IsIssued(ContactPointId id) {
    ASSIGN_OR_RETURN(Statement stmt,
                     conn_.Prepare("SELECT 1 FROM issued_ids WHERE contactpoint_id = ?1",
                                   "checking a ContactPoint ID was issued"));
    stmt.BindInt64(1, Stored(id));
    return stmt.Step();
  }

  StatusOr<bool> IsLive(ContactPointId id) {
    if (live_id_ == id || pending_children_.contains(Stored(id))) return true;
    ASSIGN_OR_RETURN(Statement stmt,
                     conn_.Prepare("SELECT 1 FROM children WHERE contactpoint_id = ?1",
                                   "checking a child record exists"));
    stmt.BindInt64(1, Stored(id));
    return stmt.Step();
  }

  StatusOr<std::optional<ContactPointId>> RedirectOf(ContactPointId id) {
    ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare("SELECT to_id FROM redirects WHERE from_id = ?1",
                                                   "following a redirect"));
    stmt.BindInt64(1, Stored(id));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::optional<ContactPointId>();
    ASSIGN_OR_RETURN(ContactPointId to, IdFromStored("redirects.to_id", stmt.Int64(0)));
    return std::optional<ContactPointId>(to);
  }

  Status CheckIssued(ContactPointId id, std::string_view what) {
    RETURN_IF_ERROR(CheckAssigned(id, what));
    ASSIGN_OR_RETURN(bool issued, IsIssued(id));
    if (!issued) {
      return InvalidId(std::string(what) + " " + std::string(kNeverIssued));
    }
    return Status::Ok();
  }

  Status AppendChange(ChangeKind kind, const ContactPointId* child,
                      const domain::SourceId* source, const domain::SourceKey* key) {
    ASSIGN_OR_RETURN(std::string_view kind_text, ChangeKindText("change kind", kind));
    SqlRow row;
    row.reserve(5);
    row.push_back(SqlValue::Int64(NowMillis()));
    row.push_back(SqlValue::Text(kind_text));
    row.push_back(child != nullptr ? SqlValue::Int64(Stored(*child)) : SqlValue::Null());
    const bool keyed = source != nullptr && key != nullptr;
    row.push_back(keyed ? SqlValue::Text(source->value()) : SqlValue::Null());
    row.push_back(keyed ? SqlValue::Text(key->value()) : SqlValue::Null());
    return InsertRow(RowTable::kChangeLog, std::move(row));
  }
  Status AppendChange(ChangeKind kind, const ContactPointId& child, const domain::SourceId* source,
                      const domain::SourceKey* key) {
    return AppendChange(kind, &child, source, key);
  }

  StatusOr<std::int64_t> DeleteCriteriaRows(ContactPointId child) {
    ASSIGN_OR_RETURN(Statement del,
                     conn_.Prepare("DELETE FROM audit_criteria WHERE leaf_index IN "
                                   "(SELECT leaf_index FROM audit_children WHERE child_id = ?1)",
                                   "destroying search criteria"));
    del.BindInt64(1, Stored(child));
    RETURN_IF_ERROR(del.Run());
    return static_cast<std::int64_t>(del.Changes());
  }

  // What PutSourceRecord checks before writing; returns the state's stored text.
  StatusOr<std::string_view> CheckSourceRecord(const SourceRecord& record) {
    if (record.source.value().empty() || record.key.value().empty()) {
      return Status(ErrorCode::kInvalidRecord, "a source record needs a source and a key");
    }
    ASSIGN_OR_RETURN(std::string_view state, LinkStateText("source record state", record.state));
    if (record.child) {
      RETURN_IF_ERROR(CheckAssigned(*record.child, "the source record's child"));
      // While rows wait (kAllOrNothing), the row's foreign key is the check,
      // made when it is written (WritePendingRows reports kChildNotFound):
      // looking the child up here as well cost a B-tree descent per record,
      // a tenth of the writes of a national batch.
      if (!deferring()) {
        ASSIGN_OR_RETURN(bool live, IsLive(*record.child));
        if (!live) return ChildNotFound(std::string(kNoChildOfSourceRecord));
      }
    } else if (record.state == LinkState::kLinked || record.state == LinkState::kReview) {
      return Status(ErrorCode::kInvalidRecord,
                    "a linked or review source record must name its child");
    }
    return state;
  }

  // Writes a checked source record, encoded, with its change-log entry.
  Status WriteSourceRecord(const SourceRecord& record, std::string_view state,
                           const EncodedSourceView& encoded) {
    SqlRow row;
    row.reserve(10);
    row.push_back(SqlValue::Text(record.source.value()));
    row.push_back(SqlValue::Text(record.key.value()));
    row.push_back(record.child ? SqlValue::Int64(Stored(*record.child)) : SqlValue::Null());
    row.push_back(SqlValue::Text(state));
    row.push_back(SqlValue::Text(record.batch.value()));
    row.push_back(SqlValue::Int64(core::ToUnixMillis(record.extracted_at)));
    row.push_back(SqlValue::Int64(core::ToUnixMillis(record.received_at)));
    row.push_back(SqlValue::Text(encoded.data_json.Reveal()));
    row.push_back(SqlValue::Text(encoded.events_json));
    if (record.decision) {
      ASSIGN_OR_RETURN(std::string decision, EncodeDecisionJson(*record.decision));
      row.push_back(SqlValue::Text(std::move(decision)));
    } else {
      row.push_back(SqlValue::Null());
    }
    if (deferring()) {
      pending_source_keys_.insert(PendingKey(record.source, record.key));
      if (record.child) pending_source_children_.insert(Stored(*record.child));
    }
    RETURN_IF_ERROR(InsertRow(RowTable::kSourceRecords, std::move(row)));
    const ContactPointId* child = record.child ? &*record.child : nullptr;
    return AppendChange(ChangeKind::kSourceRecordPut, child, &record.source, &record.key);
  }

  Status DeleteSourceRow(const domain::SourceId& source, const domain::SourceKey& key) {
    ASSIGN_OR_RETURN(Statement del,
                     conn_.Prepare("DELETE FROM source_records WHERE source = ?1 AND key = ?2",
                                   "deleting a source record"));
    del.BindText(1, source.value());
    del.BindText(2, key.value());
    return del.Run();
  }

  // -- Child rows --

  Status WriteChildRow(const domain::Child& child) {
    ASSIGN_OR_RETURN(std::string_view gender, GenderText("child.gender", child.gender));
    ASSIGN_OR_RETURN(std::string dob,
                     DateText("child.date_of_birth", child.date_of_birth.Reveal()));
    ASSIGN_OR_RETURN(std::optional<std::string> dod,
                     OptionalDateText("child.date_of_death", child.date_of_death));
    ASSIGN_OR_RETURN(AddressColumns address, ToColumns("child.address", child.address));
    SqlRow row;
    row.reserve(15);
    row.push_back(SqlValue::Int64(Stored(child.id)));
    row.push_back(SqlValue::Text(gender));
    row.push_back(SqlValue::Text(dob));
    row.push_back(SqlValue::OptionalText(dod));
    row.push_back(SqlValue::OptionalText(address.lines));
    row.push_back(SqlValue::OptionalText(address.postcode));
    row.push_back(SqlValue::OptionalText(Reveal(child.identifiers.nhs_number)));
    row.push_back(SqlValue::OptionalText(Reveal(child.identifiers.upn)));
    row.push_back(SqlValue::OptionalText(Reveal(child.identifiers.uln)));
    if (child.accountable) {
      row.push_back(SqlValue::Text(child.accountable->assignee));
      row.push_back(SqlValue::Bool(child.accountable->provisional));
    } else {
      row.push_back(SqlValue::Null());
      row.push_back(SqlValue::Null());
    }
    if (child.provenance.empty()) {
      row.push_back(SqlValue::Null());
    } else {
      ASSIGN_OR_RETURN(std::string provenance, EncodeProvenanceJson(child.provenance));
      row.push_back(SqlValue::Text(std::move(provenance)));
    }
    row.push_back(SqlValue::Text(child.name.given_names.Reveal()));
    row.push_back(SqlValue::Text(child.name.family_name.Reveal()));
    ASSIGN_OR_RETURN(std::string lists, EncodeChildListsJson(child));
    row.push_back(SqlValue::Text(std::move(lists)));
    return InsertRow(RowTable::kChildren, std::move(row));
  }

  // The children `ids` (sorted, each with a children row) into `page`, in
  // that order: the rows whose contactpoint_id lies between the first and the
  // last, read in ID order from a range of the table's key (one pass instead
  // of a descent per child), the rows of children not asked for skipped.
  Status ReadChildrenPage(std::span<const std::int64_t> ids, std::vector<domain::Child>& page) {
    page.clear();
    page.resize(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      ASSIGN_OR_RETURN(page[i].id, IdFromStored("source_records.child_id", ids[i]));
    }
    static const std::string kChildrenSql =
        "SELECT contactpoint_id, " + std::string(kChildColumns) +
        " FROM children WHERE contactpoint_id BETWEEN ?1 AND ?2 ORDER BY contactpoint_id";
    std::vector<char> found(ids.size(), 0);
    RETURN_IF_ERROR(ForEachRowOfPage(kChildrenSql, "reading child records", ids,
                                     [&](const Statement& row, std::size_t i) {
                                       found[i] = 1;
                                       return ChildColumnsInto(row, 1, page[i]);
                                     }));
    if (std::find(found.begin(), found.end(), 0) != found.end()) {
      return Corrupt("children", "a source record's child has no child record");
    }
    return Status::Ok();
  }

  // Runs `sql` (a range query whose first column is contactpoint_id, in
  // order) over ids.front() to ids.back(), calling on_row(row, i) for each row
  // of ids[i]; rows of other children are skipped.
  template <typename OnRow>
  Status ForEachRowOfPage(const std::string& sql, std::string_view what,
                          std::span<const std::int64_t> ids, OnRow&& on_row) {
    if (ids.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(sql, what));
    stmt.BindInt64(1, ids.front());
    stmt.BindInt64(2, ids.back());
    std::size_t i = 0;
    return stmt.ForEachRow([&](const Statement& row) -> Status {
      const std::int64_t id = row.Int64(0);
      while (i < ids.size() && ids[i] < id) ++i;
      if (i == ids.size() || ids[i] != id) return Status::Ok();
      return on_row(row, i);
    });
  }

  SqliteStore& store_;
  // The store's writer (its writer_mu_ held in lock_), or the pooled reader
  // owned by reader_; ours while state_ is kOpen.
  Connection& conn_;
  std::unique_lock<std::mutex> lock_;
  std::thread::id locked_by_;  // the thread that took lock_ (a write transaction)
  std::unique_ptr<Connection> reader_;
  const TxMode mode_;
  State state_ = State::kOpen;
  // What this transaction knows without asking SQLite, so that the usual
  // sequence "allocate an ID, put the child, put its source record" runs no
  // checking queries: the IDs it issued and has not yet put a child under
  // (issued, with no rows at all; a feed load issues them in blocks), and
  // the child it put last (live until deleted). Updated only when a call
  // succeeds.
  std::unordered_set<std::int64_t> unwritten_ids_;
  std::optional<ContactPointId> live_id_;

  // Rows waiting to be written (kAllOrNothing), per RowTable, and what the
  // transaction must know about them to answer reads without writing them
  // first: the children they create or replace, and the source records' keys
  // (PendingKey).
  std::array<std::vector<SqlRow>, kRowTables> pending_;
  std::size_t pending_count_ = 0;
  std::unordered_set<std::int64_t> pending_children_;
  std::unordered_set<std::string> pending_source_keys_;
  std::unordered_set<std::int64_t> pending_source_children_;  // of the waiting source rows
};

}  // namespace internal

// ---- SqliteStore --------------------------------------------------------------

using core::ErrorCode;
using core::Status;
using core::StatusOr;

SqliteStore::SqliteStore(std::string path, const core::Clock& clock, OpenOptions options,
                         std::unique_ptr<internal::Connection> writer,
                         std::unique_ptr<internal::Connection> reader,
                         std::unique_ptr<internal::Connection> checkpointer)
    : path_(std::move(path)),
      clock_(clock),
      options_(options),
      writer_(std::move(writer)),
      checkpointer_conn_(std::move(checkpointer)) {
  idle_readers_.push_back(std::move(reader));
  // Replaces SQLite's automatic checkpoint, which would run inside COMMIT.
  sqlite3_wal_hook(writer_->db(), &SqliteStore::OnWalCommit, this);
  checkpointer_ = std::thread([this] { RunCheckpointer(); });
}

int SqliteStore::OnWalCommit(void* store, ::sqlite3* /*db*/, const char* /*schema*/,
                             int pages) {
  auto& self = *static_cast<SqliteStore*>(store);
  self.wal_pages_.store(pages);
  if (pages >= self.options_.checkpoint_pages) {
    std::lock_guard<std::mutex> lock(self.checkpoint_mu_);
    self.checkpoint_wanted_ = true;
    self.checkpoint_cv_.notify_all();
  }
  return SQLITE_OK;
}

void SqliteStore::RunCheckpointer() {
  std::unique_lock<std::mutex> lock(checkpoint_mu_);
  for (;;) {
    checkpoint_cv_.wait(lock, [&] { return checkpoint_wanted_ || stopping_; });
    if (stopping_) return;
    checkpoint_wanted_ = false;
    checkpointing_ = true;
    lock.unlock();
    // Passive: copies what no reader still needs, waiting for no one. Busy
    // means another connection (another process) is checkpointing: its
    // checkpoint does the work.
    const int rc = sqlite3_wal_checkpoint_v2(checkpointer_conn_->db(), nullptr,
                                             SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
    checkpointing_ = false;
    ++checkpoints_;
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) ++checkpoint_failures_;
    checkpoint_cv_.notify_all();
  }
}

void SqliteStore::WaitForWalRestart() {
  if (wal_pages_.load() < options_.wal_restart_pages) return;
  std::unique_lock<std::mutex> lock(checkpoint_mu_);
  checkpoint_cv_.wait(lock, [&] { return !(checkpoint_wanted_ || checkpointing_) || stopping_; });
}

std::uint64_t SqliteStore::checkpoints() const {
  std::lock_guard<std::mutex> lock(checkpoint_mu_);
  return checkpoints_;
}

std::uint64_t SqliteStore::checkpoint_failures() const {
  std::lock_guard<std::mutex> lock(checkpoint_mu_);
  return checkpoint_failures_;
}

StatusOr<std::unique_ptr<internal::Connection>> SqliteStore::TakeReader() {
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<internal::Connection> reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
  }
  return internal::OpenConnection(path_, options_, /*reader=*/true);
}

void SqliteStore::ReturnReader(std::unique_ptr<internal::Connection> reader) {
  if (!reader->InAutocommit()) return;  // a transaction it could not end: closed
  std::lock_guard<std::mutex> lock(readers_mu_);
  if (idle_readers_.size() < kIdleReaders) idle_readers_.push_back(std::move(reader));
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    stopping_ = true;
    checkpoint_cv_.notify_all();
  }
  checkpointer_.join();
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

std::uint64_t SqliteStore::NoteCommit() { return ++committed_; }

Status SqliteStore::MakeDurable(std::uint64_t commit) {
  std::unique_lock<std::mutex> lock(sync_mu_);
  while (synced_ < commit) {
    if (syncing_) {
      sync_cv_.wait(lock);
      continue;
    }
    // Lead one sync for every commit made so far (ours and any since).
    syncing_ = true;
    const std::uint64_t target = committed_.load();
    lock.unlock();
    int error = 0;
    if (wal_fd_ < 0) {
      // Opened once, on first use: the WAL exists while the store is open.
      wal_fd_ = ::open((path_ + "-wal").c_str(), O_RDONLY | O_CLOEXEC);
      if (wal_fd_ < 0) error = errno;
    }
    if (error == 0 && ::fdatasync(wal_fd_) != 0) error = errno;
    lock.lock();
    syncing_ = false;
    ++syncs_;
    if (error == 0 && target > synced_) synced_ = target;
    sync_cv_.notify_all();
    if (error != 0) {
      return Status(ErrorCode::kUnavailable,
                    "the store could not make a commit durable (" +
                        std::error_code(error, std::generic_category()).message() +
                        "): check the disk; the change may or may not survive a power failure");
    }
  }
  return Status::Ok();
}

StatusOr<std::int64_t> SqliteStore::FullScanSteps() {
  RETURN_IF_ERROR(CheckNotHeldByThisThread());
  std::lock_guard<std::mutex> lock(writer_mu_);
  return writer_->FullScanSteps();
}

std::uint64_t SqliteStore::durability_syncs() const {
  std::lock_guard<std::mutex> lock(sync_mu_);
  return syncs_;
}

int SqliteStore::KnownSchemaVersion() {
  const auto migrations = internal::SqliteMigrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                         const core::Clock& clock,
                                                         OpenOptions options) {
  if (path.empty() || path == ":memory:" || path.front() == ':') {
    return Status(ErrorCode::kStoreCannotOpen,
                  "cannot open store '" + path + "': give the path of a file");
  }
  ASSIGN_OR_RETURN(auto writer, internal::OpenConnection(path, options, /*reader=*/false));
  RETURN_IF_ERROR(internal::Migrate(*writer, path, clock));
  ASSIGN_OR_RETURN(auto reader, internal::OpenConnection(path, options, /*reader=*/true));
  ASSIGN_OR_RETURN(auto checkpointer, internal::OpenConnection(path, options, /*reader=*/true));
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, clock, options, std::move(writer),
                                                      std::move(reader),
                                                      std::move(checkpointer)));
}

Status SqliteStore::CheckNotHeldByThisThread() const {
  if (writer_owner_.load() == std::this_thread::get_id()) {
    return core::FailedPrecondition(
        "this thread already has a transaction open on this store; commit or drop it first");
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<Transaction>> SqliteStore::Begin(TxMode mode) {
  if (mode == TxMode::kReadOnly) {
    ASSIGN_OR_RETURN(std::unique_ptr<internal::Connection> reader, TakeReader());
    RETURN_IF_ERROR(internal::Run(*reader, "BEGIN", "beginning a read transaction"));
    return std::unique_ptr<Transaction>(
        std::make_unique<internal::SqliteTransaction>(*this, std::move(reader)));
  }
  RETURN_IF_ERROR(CheckNotHeldByThisThread());
  std::unique_lock<std::mutex> lock(writer_mu_);
  if (!writer_->InAutocommit()) {
    // A dropped transaction whose rollback failed: finish it now.
    RETURN_IF_ERROR(internal::Run(*writer_, "ROLLBACK", "rolling back an abandoned transaction"));
  }
  WaitForWalRestart();
  RETURN_IF_ERROR(internal::Run(*writer_, "BEGIN IMMEDIATE", "beginning a write transaction"));
  writer_owner_.store(std::this_thread::get_id());
  return std::unique_ptr<Transaction>(
      std::make_unique<internal::SqliteTransaction>(*this, std::move(lock), mode));
}

Status SqliteStore::OnReader(std::string_view what,
                             const std::function<Status(internal::Connection&)>& body) {
  ASSIGN_OR_RETURN(std::unique_ptr<internal::Connection> reader, TakeReader());
  internal::Connection& conn = *reader;
  RETURN_IF_ERROR(internal::Run(conn, "BEGIN", what));
  Status status = body(conn);
  Status end = internal::Run(conn, "COMMIT", what);
  if (!conn.InAutocommit()) (void)internal::Run(conn, "ROLLBACK", what);
  ReturnReader(std::move(reader));
  RETURN_IF_ERROR(status);
  return end;
}

StatusOr<std::vector<Change>> SqliteStore::ReadChanges(std::int64_t after, int limit) {
  if (limit < 0) return core::InvalidArgument("ReadChanges: limit must not be negative");
  std::vector<Change> changes;
  if (limit == 0) return changes;
  RETURN_IF_ERROR(OnReader("reading the change log", [&](internal::Connection& conn) -> Status {
    ASSIGN_OR_RETURN(internal::Statement stmt,
                     conn.Prepare("SELECT seq, at_ms, kind, child_id, source, key FROM change_log "
                                  "WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                                  "reading the change log"));
    stmt.BindInt64(1, after);
    stmt.BindInt64(2, limit);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      Change change;
      change.seq = stmt.Int64(0);
      change.at = core::FromUnixMillis(stmt.Int64(1));
      ASSIGN_OR_RETURN(change.kind, internal::ChangeKindFromText("change_log.kind", stmt.Text(2)));
      if (auto child = stmt.OptionalInt64(3)) {
        ASSIGN_OR_RETURN(change.child, internal::IdFromStored("change_log.child_id", *child));
      }
      if (auto source = stmt.OptionalText(4)) change.source = domain::SourceId(std::move(*source));
      if (auto key = stmt.OptionalText(5)) change.key = domain::SourceKey(std::move(*key));
      changes.push_back(std::move(change));
    }
    return Status::Ok();
  }));
  return changes;
}

StatusOr<StoreInfo> SqliteStore::Info() {
  StoreInfo info;
  info.backend = "sqlite";
  RETURN_IF_ERROR(
      OnReader("reading store information", [&](internal::Connection& conn) -> Status {
        ASSIGN_OR_RETURN(std::int64_t version,
                         internal::QueryInt(conn, "SELECT max(version) FROM schema_migrations",
                                            "reading the schema version"));
        info.schema_version = static_cast<int>(version);
        ASSIGN_OR_RETURN(info.children, internal::QueryInt(conn, "SELECT count(*) FROM children",
                                                           "counting child records"));
        ASSIGN_OR_RETURN(info.source_records,
                         internal::QueryInt(conn, "SELECT count(*) FROM source_records",
                                            "counting source records"));
        ASSIGN_OR_RETURN(info.last_change,
                         internal::QueryInt(conn, "SELECT max(seq) FROM change_log",
                                            "reading the change log"));
        return Status::Ok();
      }));
  return info;
}

namespace {

// Collects (leaf_index, leaf) rows of a stepped statement.
Status CollectLeaves(internal::Statement& stmt, std::vector<AuditLeaf>& out) {
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    out.push_back(AuditLeaf{stmt.Int64(0), stmt.Blob(1)});
  }
}

AuditCheckpoint CheckpointFrom(const internal::Statement& stmt) {
  AuditCheckpoint checkpoint;
  checkpoint.tree_size = stmt.Int64(0);
  checkpoint.at = core::FromUnixMillis(stmt.Int64(1));
  checkpoint.root_hash = stmt.Blob(2);
  checkpoint.key_id = stmt.Text(3);
  checkpoint.signature = stmt.Blob(4);
  checkpoint.right_edge = stmt.Blob(5);
  return checkpoint;
}

}  // namespace

StatusOr<std::vector<AuditLeaf>> SqliteStore::ReadAuditEntries(std::int64_t from, int limit) {
  if (limit < 0) return core::InvalidArgument("ReadAuditEntries: limit must not be negative");
  std::vector<AuditLeaf> leaves;
  if (limit == 0) return leaves;
  leaves.reserve(static_cast<std::size_t>(std::min(limit, 100000)));
  RETURN_IF_ERROR(OnReader("reading the audit log", [&](internal::Connection& conn) -> Status {
    ASSIGN_OR_RETURN(internal::Statement stmt,
                     conn.Prepare("SELECT leaf_index, leaf FROM audit_log WHERE leaf_index >= ?1 "
                                  "ORDER BY leaf_index LIMIT ?2",
                                  "reading the audit log"));
    stmt.BindInt64(1, from);
    stmt.BindInt64(2, limit);
    return CollectLeaves(stmt, leaves);
  }));
  return leaves;
}

StatusOr<std::int64_t> SqliteStore::AuditLogSize() {
  std::int64_t size = 0;
  RETURN_IF_ERROR(OnReader("reading the audit log's size", [&](internal::Connection& conn) {
    ASSIGN_OR_RETURN(size, internal::QueryInt(conn,
                                              "SELECT coalesce(max(leaf_index) + 1, 0) "
                                              "FROM audit_log",
                                              "reading the audit log's size"));
    return Status::Ok();
  }));
  return size;
}

StatusOr<std::vector<AuditLeaf>> SqliteStore::QueryAudit(const AuditFilter& filter) {
  if (filter.limit < 1) return core::InvalidArgument("an audit query's limit must be at least 1");
  std::vector<AuditLeaf> leaves;
  RETURN_IF_ERROR(OnReader("querying the audit log", [&](internal::Connection& conn) -> Status {
    // One fixed statement per access path, so each uses its index: by child,
    // by actor, or by index (newest first) for everything else. Absent
    // criteria are bound as NULL and match everything.
    auto prepare = [&]() -> StatusOr<internal::Statement> {
      if (filter.child) {
        return conn.Prepare(
            "SELECT l.leaf_index, l.leaf FROM audit_children c "
            "JOIN audit_log l ON l.leaf_index = c.leaf_index "
            "WHERE c.child_id = ?1 AND (?2 IS NULL OR l.actor = ?2) "
            "AND (?3 IS NULL OR l.action = ?3) AND (?4 IS NULL OR l.at_ms >= ?4) "
            "AND (?5 IS NULL OR l.at_ms < ?5) AND c.leaf_index < ?6 "
            "ORDER BY c.leaf_index DESC LIMIT ?7",
            "querying the audit log by child");
      }
      if (filter.actor) {
        return conn.Prepare(
            "SELECT leaf_index, leaf FROM audit_log "
            "WHERE ?1 IS NULL AND actor = ?2 AND (?3 IS NULL OR action = ?3) "
            "AND (?4 IS NULL OR at_ms >= ?4) AND (?5 IS NULL OR at_ms < ?5) "
            "AND leaf_index < ?6 ORDER BY leaf_index DESC LIMIT ?7",
            "querying the audit log by user");
      }
      return conn.Prepare(
          "SELECT leaf_index, leaf FROM audit_log "
          "WHERE ?1 IS NULL AND ?2 IS NULL AND (?3 IS NULL OR action = ?3) "
          "AND (?4 IS NULL OR at_ms >= ?4) AND (?5 IS NULL OR at_ms < ?5) "
          "AND leaf_index < ?6 ORDER BY leaf_index DESC LIMIT ?7",
          "querying the audit log");
    };
    ASSIGN_OR_RETURN(internal::Statement stmt, prepare());
    if (filter.child) {
      stmt.BindInt64(1, static_cast<std::int64_t>(filter.child->number()));
    } else {
      stmt.BindNull(1);
    }
    stmt.BindOptionalText(2, filter.actor);
    stmt.BindOptionalText(3, filter.action);
    stmt.BindOptionalInt64(
        4, filter.from ? std::optional(core::ToUnixMillis(*filter.from)) : std::nullopt);
    stmt.BindOptionalInt64(
        5, filter.to ? std::optional(core::ToUnixMillis(*filter.to)) : std::nullopt);
    stmt.BindInt64(6, filter.before.value_or(std::numeric_limits<std::int64_t>::max()));
    stmt.BindInt64(7, filter.limit);
    return CollectLeaves(stmt, leaves);
  }));
  return leaves;
}

StatusOr<std::vector<AuditCheckpoint>> SqliteStore::ReadAuditCheckpoints(std::int64_t after_size,
                                                                         int limit) {
  if (limit < 0) return core::InvalidArgument("ReadAuditCheckpoints: limit must not be negative");
  std::vector<AuditCheckpoint> checkpoints;
  if (limit == 0) return checkpoints;
  RETURN_IF_ERROR(
      OnReader("reading audit checkpoints", [&](internal::Connection& conn) -> Status {
        ASSIGN_OR_RETURN(internal::Statement stmt,
                         conn.Prepare("SELECT tree_size, at_ms, root_hash, key_id, signature, "
                                      "right_edge FROM audit_checkpoints WHERE tree_size > ?1 "
                                      "ORDER BY tree_size LIMIT ?2",
                                      "reading audit checkpoints"));
        stmt.BindInt64(1, after_size);
        stmt.BindInt64(2, limit);
        for (;;) {
          ASSIGN_OR_RETURN(bool row, stmt.Step());
          if (!row) return Status::Ok();
          checkpoints.push_back(CheckpointFrom(stmt));
        }
      }));
  return checkpoints;
}

StatusOr<std::optional<AuditCheckpoint>> SqliteStore::LatestAuditCheckpoint() {
  std::optional<AuditCheckpoint> latest;
  RETURN_IF_ERROR(
      OnReader("reading the latest audit checkpoint", [&](internal::Connection& conn) -> Status {
        ASSIGN_OR_RETURN(internal::Statement stmt,
                         conn.Prepare("SELECT tree_size, at_ms, root_hash, key_id, signature, "
                                      "right_edge FROM audit_checkpoints "
                                      "ORDER BY tree_size DESC LIMIT 1",
                                      "reading the latest audit checkpoint"));
        ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) return Status::Ok();
        latest = CheckpointFrom(stmt);
        return Status::Ok();
      }));
  return latest;
}

StatusOr<SqliteSettings> SqliteStore::Settings() {
  RETURN_IF_ERROR(CheckNotHeldByThisThread());
  std::lock_guard<std::mutex> lock(writer_mu_);
  internal::Connection& conn = *writer_;
  SqliteSettings settings;
  ASSIGN_OR_RETURN(settings.journal_mode,
                   internal::QueryText(conn, "PRAGMA journal_mode", "reading settings"));
  ASSIGN_OR_RETURN(std::int64_t fk,
                   internal::QueryInt(conn, "PRAGMA foreign_keys", "reading settings"));
  settings.foreign_keys = fk == 1;
  ASSIGN_OR_RETURN(std::int64_t sync,
                   internal::QueryInt(conn, "PRAGMA synchronous", "reading settings"));
  settings.synchronous = static_cast<int>(sync);
  ASSIGN_OR_RETURN(std::int64_t timeout,
                   internal::QueryInt(conn, "PRAGMA busy_timeout", "reading settings"));
  settings.busy_timeout_ms = static_cast<int>(timeout);
  ASSIGN_OR_RETURN(std::int64_t page_size,
                   internal::QueryInt(conn, "PRAGMA page_size", "reading settings"));
  settings.page_size = static_cast<int>(page_size);
  return settings;
}

}  // namespace cp::storage
