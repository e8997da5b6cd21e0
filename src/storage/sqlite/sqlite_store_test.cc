#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/internal/migrations.h"
#include "storage/sqlite/internal/sqlite_db.h"
#include "storage/store_contract.h"
#include "storage/testing/scripted_random.h"

namespace cp::storage {
namespace {

using contract::FullChild;
using contract::FullSourceRecord;
using contract::HasCode;
using contract::IsOk;
using contract::MinimalChild;
using core::ErrorCode;
using domain::ContactPointId;
using testing::ScriptedId;
using testing::ScriptedRandom;

// A directory for this test process's databases, removed at exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cp-storage-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  // A fresh file name in the directory (the file is not created).
  std::string NewPath(const std::string& stem = "store") {
    return (std::filesystem::path(path_) / (stem + "-" + std::to_string(next_++) + ".db"))
        .string();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::atomic<int> next_{0};
};

TempDir& Temp() {
  static TempDir* dir = new TempDir();  // deleted by the atexit hook below
  static const bool registered = [] {
    std::atexit([] { delete dir; });
    return true;
  }();
  (void)registered;
  return *dir;
}

StoreFactory SqliteStoreFactory() {
  StoreFactory factory;
  factory.name = "Sqlite";
  factory.make = [](const core::Clock& clock) -> std::unique_ptr<Store> {
    auto store = SqliteStore::Open(Temp().NewPath(), clock);
    if (!store.ok()) {
      ADD_FAILURE() << store.status().ToString();
      return nullptr;
    }
    return std::move(*store);
  };
  factory.connect = [](Store& store, const core::Clock& clock) -> std::unique_ptr<Store> {
    auto* sqlite = dynamic_cast<SqliteStore*>(&store);
    if (sqlite == nullptr) {
      ADD_FAILURE() << "not a SqliteStore";
      return nullptr;
    }
    auto other = SqliteStore::Open(sqlite->path(), clock);
    if (!other.ok()) {
      ADD_FAILURE() << other.status().ToString();
      return nullptr;
    }
    return std::move(*other);
  };
  return factory;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest, ::testing::Values(SqliteStoreFactory()),
                         StoreFactoryName);

// A raw connection to a store file, for looking behind the Store interface.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path;
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }

  // Runs fixed SQL; returns the result code.
  int Exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }

  // The first column of every row of fixed SQL, as text.
  std::vector<std::string> Column(const char* sql, std::int64_t bind = 0, bool bind_it = false) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sqlite3_errmsg(db_);
      return out;
    }
    if (bind_it) sqlite3_bind_int64(stmt, 1, bind);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      out.push_back(text != nullptr ? text : "NULL");
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Gives the empty database `raw` the schema of `version`, as a store made by
// a build of that version would have it (foreign keys on, as a store runs).
void MakeSchemaVersion(RawDb& raw, int version) {
  ASSERT_EQ(raw.Exec("PRAGMA foreign_keys = ON"), SQLITE_OK);
  ASSERT_EQ(raw.Exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                     "applied_at_ms INTEGER NOT NULL) STRICT"),
            SQLITE_OK);
  for (const auto& m : internal::SqliteMigrations()) {
    if (m.version > version) break;
    ASSERT_EQ(raw.Exec(std::string(m.sql).c_str()), SQLITE_OK) << m.name;
    raw.Column("INSERT INTO schema_migrations VALUES (?1, 0)", m.version, true);
  }
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  core::StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                     SqliteOpenOptions options = {}) {
    return SqliteStore::Open(path, clock_, options);
  }

  core::FakeClock clock_{core::FromUnixMillis(1'760'000'000'000)};
};

// Puts a minimal child under the scripted ID `value` and commits.
core::StatusOr<ContactPointId> PutOne(Store& store, std::uint64_t value) {
  ASSIGN_OR_RETURN(auto tx, store.Begin(TxMode::kReadWrite));
  ScriptedRandom random({value});
  ASSIGN_OR_RETURN(ContactPointId id, tx->AllocateChildId(random));
  RETURN_IF_ERROR(tx->PutChild(MinimalChild(id)));
  RETURN_IF_ERROR(tx->Commit());
  return id;
}

// ---- Opening ------------------------------------------------------------------------

TEST_F(SqliteStoreTest, OpensWithWalForeignKeysAndDurableCommits) {
  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(Temp().NewPath()));
  CP_ASSERT_OK_AND_ASSIGN(SqliteSettings settings, store->Settings());
  EXPECT_EQ(settings.journal_mode, "wal");
  EXPECT_TRUE(settings.foreign_keys);
  EXPECT_EQ(settings.synchronous, 1);  // NORMAL: the store syncs each commit itself
  EXPECT_EQ(settings.busy_timeout_ms, 5000);
  EXPECT_EQ(settings.page_size, kSqlitePageBytes);
  RawDb raw(store->path());
  EXPECT_EQ(raw.Column("PRAGMA page_size"), std::vector<std::string>{"8192"});
}

// The page size is fixed when a file is created: a store made with SQLite's
// 4 KiB pages (before kSqlitePageBytes) keeps them, opens and takes writes.
TEST_F(SqliteStoreTest, AStoreCreatedWithSmallerPagesKeepsThemAndWorks) {
  const std::string path = Temp().NewPath();
  {
    RawDb raw(path);
    ASSERT_EQ(raw.Exec("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; "
                       "CREATE TABLE made_before (x); DROP TABLE made_before;"),
              SQLITE_OK);
  }
  {
    CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path));
    CP_ASSERT_OK_AND_ASSIGN(SqliteSettings settings, store->Settings());
    EXPECT_EQ(settings.page_size, 4096);
    CP_ASSERT_OK(PutOne(*store, 7).status());
  }
  CP_ASSERT_OK_AND_ASSIGN(auto reopened, Open(path));
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, reopened->Info());
  EXPECT_EQ(info.children, 1);
  RawDb raw(path);
  EXPECT_EQ(raw.Column("PRAGMA page_size"), std::vector<std::string>{"4096"});
  EXPECT_EQ(raw.Column("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
}

// Group commit: concurrent writers each get a durable commit (Commit returns
// after an fsync begun after its COMMIT), sharing fsyncs; nothing is lost.
TEST_F(SqliteStoreTest, ConcurrentCommitsAreEachMadeDurableSharingFsyncs) {
  const std::string path = Temp().NewPath();
  constexpr int kThreads = 4;
  constexpr int kEach = 40;
  std::uint64_t syncs = 0;
  {
    CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path));
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          auto tx = store->Begin(TxMode::kReadWrite);
          if (!tx.ok()) { ++failures; continue; }
          SourceEntry s;
          s.id = domain::SourceId("src-" + std::to_string(t) + "-" + std::to_string(i));
          s.name = "Source";
          s.created_at = s.updated_at = clock_.Now();
          if (!(*tx)->PutSource(s).ok() || !(*tx)->Commit().ok()) ++failures;
        }
      });
    }
    for (std::thread& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    syncs = store->durability_syncs();
    // Every commit waited for an fsync; none needed more than its own.
    EXPECT_GE(syncs, 1u);
    EXPECT_LE(syncs, static_cast<std::uint64_t>(kThreads * kEach));
    // A read-only transaction needs no fsync.
    CP_ASSERT_OK_AND_ASSIGN(auto read, store->Begin(TxMode::kReadOnly));
    CP_ASSERT_OK(read->Commit());
    EXPECT_EQ(store->durability_syncs(), syncs);
  }
  CP_ASSERT_OK_AND_ASSIGN(auto reopened, Open(path));
  CP_ASSERT_OK_AND_ASSIGN(auto tx, reopened->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(auto sources, tx->ListSources());
  EXPECT_EQ(sources.size(), static_cast<std::size_t>(kThreads * kEach));
}

// Commits leave checkpointing (copying the WAL into the database file) to the
// store's background thread, and a write transaction that finds the WAL past
// wal_restart_pages waits for it, so the WAL starts again instead of growing
// with every commit. Nothing committed is lost on the way.
TEST_F(SqliteStoreTest, CheckpointsRunInTheBackgroundAndTheWalStaysBounded) {
  const std::string path = Temp().NewPath();
  constexpr int kCommits = 40;
  constexpr int kChildrenEach = 40;
  SqliteOpenOptions options;
  // The same sizes in bytes as with 4 KiB pages: 32 KiB and 1.6 MB.
  options.checkpoint_pages = 4;
  options.wal_restart_pages = 200;
  auto wal_bytes = [&] { return std::filesystem::file_size(path + "-wal"); };
  std::uintmax_t one_commit = 0;
  std::uintmax_t largest = 0;
  {
    CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path, options));
    core::SeededRandom random(11);
    for (int c = 0; c < kCommits; ++c) {
      CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadWrite));
      for (int i = 0; i < kChildrenEach; ++i) {
        CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, tx->AllocateChildId(random));
        CP_ASSERT_OK(tx->PutChild(FullChild(id)));
      }
      CP_ASSERT_OK(tx->Commit());
      if (c == 0) one_commit = wal_bytes();
      largest = std::max(largest, wal_bytes());
    }
    // The thread ran checkpoints without failing...
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (store->checkpoints() == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_GE(store->checkpoints(), 1u);
    EXPECT_EQ(store->checkpoint_failures(), 0u);
  }
  // A commit asks for a checkpoint; the WAL restarts once past 200 pages
  // (1.6 MB). Without restarts it would hold all 40 commits (7.1 MB against
  // a bound of 4.2 MB with 8 KiB pages: the first commit's WAL also holds
  // the schema).
  constexpr std::uintmax_t kPage = kSqlitePageBytes;
  EXPECT_GT(one_commit, 4u * kPage);
  EXPECT_LE(largest, 200u * kPage + 2 * one_commit);
  CP_ASSERT_OK_AND_ASSIGN(auto reopened, Open(path));
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, reopened->Info());
  EXPECT_EQ(info.children, kCommits * kChildrenEach);
  RawDb raw(path);
  EXPECT_EQ(raw.Column("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
}

TEST_F(SqliteStoreTest, EmbeddedMigrationsAreNumberedWithoutGaps) {
  const auto migrations = internal::SqliteMigrations();
  ASSERT_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i + 1));
    EXPECT_TRUE(std::regex_match(std::string(migrations[i].name),
                                 std::regex("[0-9]{4}_[a-z0-9_]+\\.sql")));
    EXPECT_FALSE(migrations[i].sql.empty());
  }
  EXPECT_EQ(migrations[0].name, "0001_initial.sql");
  EXPECT_NE(migrations[0].sql.find("CREATE TABLE children"), std::string_view::npos);
  EXPECT_EQ(SqliteStore::KnownSchemaVersion(), migrations.back().version);
}

TEST_F(SqliteStoreTest, RecordsEachMigrationWithTheTimeItWasApplied) {
  const std::string path = Temp().NewPath();
  { CP_ASSERT_OK(Open(path)); }
  RawDb raw(path);
  std::vector<std::string> want_versions;
  for (int v = 1; v <= SqliteStore::KnownSchemaVersion(); ++v) {
    want_versions.push_back(std::to_string(v));
  }
  EXPECT_EQ(raw.Column("SELECT version FROM schema_migrations ORDER BY version"), want_versions);
  for (const std::string& at : raw.Column("SELECT applied_at_ms FROM schema_migrations")) {
    EXPECT_EQ(at, std::to_string(core::ToUnixMillis(clock_.Now())));
  }
}

TEST_F(SqliteStoreTest, ReopeningKeepsTheDataAndAppliesNothingTwice) {
  const std::string path = Temp().NewPath();
  ContactPointId id;
  {
    CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path));
    CP_ASSERT_OK_AND_ASSIGN(id, PutOne(*store, 1));
  }
  clock_.Advance(std::chrono::hours(1));
  for (int i = 0; i < 2; ++i) {
    CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path));
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadOnly));
    EXPECT_TRUE(IsOk(tx->GetChild(id)));
    CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, store->Info());
    EXPECT_EQ(info.schema_version, SqliteStore::KnownSchemaVersion());
    EXPECT_EQ(info.children, 1);
  }
  RawDb raw(path);
  EXPECT_EQ(raw.Column("SELECT count(*) FROM schema_migrations"),
            std::vector<std::string>{std::to_string(SqliteStore::KnownSchemaVersion())});
  // Still the first open's time: nothing was re-applied.
  EXPECT_EQ(raw.Column("SELECT DISTINCT applied_at_ms FROM schema_migrations"),
            std::vector<std::string>{std::to_string(1'760'000'000'000)});
}

// Migration 5 rebuilds the tables every feed record writes (their CHECK
// lists spelled as comparisons): a store made at version 4 keeps every row,
// key, index (less the two migration 11 drops) and constraint, and its change
// log never reuses a seq.
TEST_F(SqliteStoreTest, TheIngestSpeedMigrationKeepsAVersion4StoreWhole) {
  const std::string path = Temp().NewPath();
  const ContactPointId id = ScriptedId(5);
  const auto stored = static_cast<std::int64_t>(id.number());
  {
    RawDb raw(path);
    ASSERT_NO_FATAL_FAILURE(MakeSchemaVersion(raw, 4));
    raw.Column("INSERT INTO issued_ids VALUES (?1, 0)", stored, true);
    raw.Column("INSERT INTO children VALUES (?1, 'female', '2015-03-02', NULL, "
               "'[\"1 High Street\"]', 'LS1 4AB', '9434765919', NULL, NULL)",
               stored, true);
    raw.Column("INSERT INTO child_names VALUES (?1, 0, 'primary', 'Amelia', 'Smith')", stored,
               true);
    raw.Column("INSERT INTO carers (contactpoint_id, ordinal, given_names, family_name, "
               "relationship, parental_responsibility) VALUES (?1, 0, 'Jane', 'Smith', "
               "'mother', 1)",
               stored, true);
    raw.Column("INSERT INTO involvements (contactpoint_id, ordinal, service_type, "
               "organisation_name, lead_professional, caf_holder) "
               "VALUES (?1, 0, 'school', 'Leeds Primary', 0, 0)",
               stored, true);
    raw.Column("INSERT INTO source_records VALUES ('gro', 'K1', ?1, 'linked', 'b1', 0, 0, "
               "'{}', '[]')",
               stored, true);
    for (int i = 0; i < 3; ++i) {
      raw.Column("INSERT INTO change_log (at_ms, kind, child_id) VALUES (0, 'child_put', ?1)",
                 stored, true);
    }
    ASSERT_EQ(raw.Exec("DELETE FROM change_log WHERE seq = 3"), SQLITE_OK);
  }

  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path));
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, store->Info());
  EXPECT_EQ(info.schema_version, SqliteStore::KnownSchemaVersion());
  EXPECT_EQ(info.children, 1);
  EXPECT_EQ(info.source_records, 1);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadOnly));
    CP_ASSERT_OK_AND_ASSIGN(domain::Child child, tx->GetChild(id));
    EXPECT_EQ(child.name.family_name.Reveal(), "Smith");
    EXPECT_EQ(child.identifiers.nhs_number->Reveal(), "9434765919");
    ASSERT_EQ(child.carers.size(), 1u);
    EXPECT_EQ(child.carers[0].relationship, domain::Relationship::kMother);
    ASSERT_EQ(child.involvements.size(), 1u);
    EXPECT_EQ(child.involvements[0].type, domain::ServiceType::kSchool);
  }
  CP_ASSERT_OK_AND_ASSIGN(std::vector<Change> changes, store->ReadChanges(0, 10));
  ASSERT_EQ(changes.size(), 2u);
  CP_ASSERT_OK(PutOne(*store, 6));
  CP_ASSERT_OK_AND_ASSIGN(changes, store->ReadChanges(2, 10));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].seq, 4);  // 3 was issued before, and deleted: never reused

  RawDb raw(path);
  ASSERT_EQ(raw.Exec("PRAGMA foreign_keys = ON"), SQLITE_OK);
  EXPECT_EQ(raw.Column("SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%\\_v5%' ESCAPE '\\'"),
            std::vector<std::string>{"0"});
  // Migrations 11 and 12 dropped the three indexes nothing read.
  EXPECT_EQ(raw.Column("SELECT name FROM sqlite_schema WHERE type = 'index' AND name IN "
                       "('child_names_by_family_name', 'source_records_by_child', "
                       "'children_by_nhs_number', 'source_records_by_state') ORDER BY name"),
            (std::vector<std::string>{"source_records_by_child"}));
  // The constraints still hold: a value outside a list, a row of no child.
  // (Migration 13 moved names, carers and services into the children row.)
  EXPECT_NE(raw.Exec("UPDATE children SET gender = 'other'"), SQLITE_OK);
  EXPECT_NE(raw.Exec("UPDATE source_records SET state = 'gone'"), SQLITE_OK);
  EXPECT_NE(raw.Exec("INSERT INTO change_log (at_ms, kind) VALUES (0, 'edited')"), SQLITE_OK);
  EXPECT_NE(raw.Exec("INSERT INTO source_records VALUES ('gro', 'K2', 100000000001, 'linked', "
                     "'b1', 0, 0, '{}', '[]', NULL)"),
            SQLITE_OK);
  EXPECT_NE(raw.Exec("DELETE FROM children"), SQLITE_OK);  // source_records refers to it
}

// Fills a version-11 store (made by MakeSchemaVersion) with two children
// and, for the first, a row of every table that refers to a child.
void FillVersion11(RawDb& raw, std::int64_t a, std::int64_t b) {
  for (std::int64_t id : {a, b}) {
    raw.Column("INSERT INTO issued_ids VALUES (?1, 0)", id, true);
    raw.Column("INSERT INTO children (contactpoint_id, gender, date_of_birth, address_lines, "
               "address_postcode, nhs_number, accountable, accountable_provisional, "
               "provenance_json) VALUES (?1, 'female', '2015-03-02', '[\"1 High Street\"]', "
               "'LS1 4AB', '9434765919', 'la:E08000035', 0, NULL)",
               id, true);
  }
  raw.Column("INSERT INTO child_names VALUES (?1, 0, 'primary', 'Amelia', 'Smith')", a, true);
  raw.Column("INSERT INTO child_names VALUES (?1, 0, 'primary', 'Ben', 'Smith')", b, true);
  raw.Column("INSERT INTO carers (contactpoint_id, ordinal, given_names, family_name, "
             "relationship, parental_responsibility) VALUES (?1, 0, 'Jane', 'Smith', 'mother', 1)",
             a, true);
  raw.Column("INSERT INTO involvements (contactpoint_id, ordinal, service_type, "
             "organisation_name, lead_professional, caf_holder) "
             "VALUES (?1, 0, 'school', 'Leeds Primary', 0, 0)",
             a, true);
  raw.Column("INSERT INTO source_records (source, key, child_id, state, batch, extracted_at_ms, "
             "received_at_ms, data_json, events_json) "
             "VALUES ('gro', 'K1', ?1, 'linked', 'b1', 0, 0, '{}', '[]')",
             a, true);
  raw.Column("INSERT INTO practitioner_involvements (child_id, user_id, organisation_id, "
             "service_type, phone, start_date, lead_professional, caf, recorded_at_ms, "
             "updated_at_ms) VALUES (?1, 1, 'la:E08000035', 'social_care', '0113 496 0000', "
             "'2026-01-05', 0, 0, 0, 0)",
             a, true);
  raw.Column("INSERT INTO shields (child_id, state, ground, requested_by, requested_at_ms, "
             "review_due_at_ms) VALUES (?1, 'in_force', 'risk of harm', 1, 0, 1)",
             a, true);
}

// Migration 12 rebuilds `children` (a table six others refer to) in the
// order new children arrive: every row and every reference survives, foreign
// keys are on again afterwards, and a new child is appended.
TEST_F(SqliteStoreTest, TheArrivalOrderMigrationKeepsAVersion11StoreWhole) {
  const std::string path = Temp().NewPath();
  const ContactPointId a = ScriptedId(8);
  const ContactPointId b = ScriptedId(3);
  {
    RawDb raw(path);
    ASSERT_NO_FATAL_FAILURE(MakeSchemaVersion(raw, 11));
    FillVersion11(raw, static_cast<std::int64_t>(a.number()),
                  static_cast<std::int64_t>(b.number()));
  }
  // Each table that refers to a child, with its referring column (names,
  // carers and services are in the children row since migration 13).
  const std::vector<std::pair<std::string, std::string>> referring = {
      {"source_records", "child_id"},
      {"practitioner_involvements", "child_id"},
      {"shields", "child_id"}};
  // How many rows of each refer to the first child.
  auto count_rows = [&](RawDb& raw) {
    std::vector<std::string> counts;
    for (const auto& [table, column] : referring) {
      const std::string sql = "SELECT count(*) FROM " + table + " WHERE " + column + " = ?1";
      counts.push_back(raw.Column(sql.c_str(), static_cast<std::int64_t>(a.number()), true).at(0));
    }
    return counts;
  };

  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path));
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, store->Info());
  EXPECT_EQ(info.schema_version, SqliteStore::KnownSchemaVersion());
  EXPECT_EQ(info.children, 2);
  CP_ASSERT_OK_AND_ASSIGN(SqliteSettings settings, store->Settings());
  EXPECT_TRUE(settings.foreign_keys);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadOnly));
    CP_ASSERT_OK_AND_ASSIGN(domain::Child child, tx->GetChild(a));
    EXPECT_EQ(child.name.family_name.Reveal(), "Smith");
    EXPECT_EQ(child.identifiers.nhs_number->Reveal(), "9434765919");
    ASSERT_EQ(child.carers.size(), 1u);
    ASSERT_EQ(child.involvements.size(), 1u);
    ASSERT_TRUE(child.accountable.has_value());
    EXPECT_EQ(child.accountable->assignee, "la:E08000035");
  }
  const ContactPointId added = [&] {
    auto id = PutOne(*store, 5);
    EXPECT_TRUE(IsOk(id));
    return id.ok() ? *id : ContactPointId();
  }();
  {
    RawDb raw(path);
    ASSERT_EQ(raw.Exec("PRAGMA foreign_keys = ON"), SQLITE_OK);
    EXPECT_EQ(count_rows(raw), std::vector<std::string>(referring.size(), "1"));
    EXPECT_TRUE(raw.Column("PRAGMA foreign_key_check").empty());
    // Kept in ID order by the copy; a new child comes after them all.
    EXPECT_EQ(raw.Column("SELECT contactpoint_id FROM children ORDER BY rowid"),
              (std::vector<std::string>{std::to_string(b.number()), std::to_string(a.number()),
                                        std::to_string(added.number())}));
    EXPECT_EQ(raw.Column("SELECT name FROM sqlite_schema WHERE type = 'index' AND "
                         "tbl_name = 'children' ORDER BY name"),
              (std::vector<std::string>{"children_by_accountable",
                                        "sqlite_autoindex_children_1"}));
    EXPECT_EQ(raw.Column("SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%\\_v12%' "
                         "ESCAPE '\\'"),
              std::vector<std::string>{"0"});
    // An ID is still unique, and still must have been issued.
    const std::string columns =
        "INSERT INTO children (contactpoint_id, gender, date_of_birth, given_names, "
        "family_name, lists_json) VALUES (";
    const std::string values = ", 'male', '2016-01-01', 'A', 'B', '{}')";
    ASSERT_EQ(raw.Exec("INSERT INTO issued_ids VALUES (100000000002, 0)"), SQLITE_OK);
    EXPECT_EQ(raw.Exec((columns + "100000000002" + values).c_str()), SQLITE_OK);
    EXPECT_NE(raw.Exec((columns + std::to_string(a.number()) + values).c_str()), SQLITE_OK);
    EXPECT_NE(raw.Exec((columns + "100000000001" + values).c_str()), SQLITE_OK);
    ASSERT_EQ(raw.Exec("DELETE FROM children WHERE contactpoint_id = 100000000002"), SQLITE_OK);
  }
  // The references point at the new table: deleting a child takes its rows.
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->DeleteChild(a));
    CP_ASSERT_OK(tx->Commit());
  }
  RawDb raw(path);
  EXPECT_EQ(count_rows(raw), std::vector<std::string>(referring.size(), "0"));
}

// A version-11 store whose references are already broken is not migrated:
// the migration is rolled back whole and foreign keys are on again.
TEST_F(SqliteStoreTest, TheArrivalOrderMigrationRefusesAStoreWithABrokenReference) {
  const std::string path = Temp().NewPath();
  {
    RawDb raw(path);
    ASSERT_NO_FATAL_FAILURE(MakeSchemaVersion(raw, 11));
    FillVersion11(raw, static_cast<std::int64_t>(ScriptedId(8).number()),
                  static_cast<std::int64_t>(ScriptedId(3).number()));
    ASSERT_EQ(raw.Exec("PRAGMA foreign_keys = OFF"), SQLITE_OK);
    ASSERT_EQ(raw.Exec("INSERT INTO child_names VALUES (100000000001, 0, 'primary', 'A', 'B')"),
              SQLITE_OK);
  }
  auto store = Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kStoreCorrupt);
  EXPECT_NE(store.status().message().find("child_names"), std::string::npos)
      << store.status().message();
  EXPECT_EQ(store.status().message().find("Amelia"), std::string::npos);
  RawDb raw(path);
  EXPECT_EQ(raw.Column("SELECT max(version) FROM schema_migrations"),
            std::vector<std::string>{"11"});
  EXPECT_EQ(raw.Column("SELECT count(*) FROM sqlite_schema WHERE name = 'children_by_nhs_number'"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(raw.Column("SELECT count(*) FROM children"), std::vector<std::string>{"2"});
}

// contract::FullChild as a build of schema version 12 stored it: a children
// row (without provenance) and rows of child_names, carers and involvements,
// inserted out of ordinal order.
void FillVersion12FullChild(RawDb& raw, std::int64_t id) {
  const char* const statements[] = {
      "INSERT INTO issued_ids VALUES (?1, 0)",
      "INSERT INTO children (contactpoint_id, gender, date_of_birth, date_of_death, "
      "address_lines, address_postcode, nhs_number, upn, uln, accountable, "
      "accountable_provisional, provenance_json) VALUES (?1, 'female', '2015-03-02', "
      "'2023-12-31', '[\"12 High Street\",\"Flat 2\",\"Leeds\"]', 'LS1 4AB', '9434765919', "
      "'A123456789012', '1234567890', 'la:E08000035', 1, NULL)",
      "INSERT INTO child_names VALUES (?1, 3, 'alias', '', 'Smith')",
      "INSERT INTO child_names VALUES (?1, 0, 'primary', 'Zoë Ånne', 'O''Brien-Łukasiewicz')",
      "INSERT INTO child_names VALUES (?1, 4, 'alias', 'Σοφία', 'Παπαδοπούλου')",
      "INSERT INTO child_names VALUES (?1, 1, 'alias', 'Zoe Anne', 'O''Brien')",
      "INSERT INTO child_names VALUES (?1, 2, 'alias', 'Zoé', 'Nguyễn')",
      "INSERT INTO carers (contactpoint_id, ordinal, given_names, family_name, relationship, "
      "parental_responsibility, phone, email, address_lines, address_postcode) VALUES "
      "(?1, 2, 'Tomás', 'García', 'father', 0, NULL, NULL, NULL, NULL), "
      "(?1, 0, 'Jane', 'Smith', 'mother', 1, '0113 496 0000', 'jane.smith@example.org', "
      "'[\"12 High Street\",\"Leeds\"]', 'LS1 4AB'), "
      "(?1, 1, '', 'Leeds City Council', 'local_authority', 1, NULL, NULL, '[]', NULL)",
      "INSERT INTO involvements VALUES "
      "(?1, 3, 'gp', 'Park Surgery', 'ODS:B86001', NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
      "NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL), "
      "(?1, 1, 'sexual_health', 'Leeds Sexual Health', NULL, NULL, NULL, NULL, NULL, NULL, "
      "NULL, NULL, NULL, NULL, NULL, '2023-05-01', NULL, 0, 0, 'child', '2023-04-30', NULL), "
      "(?1, 0, 'school', 'Leeds Primary', 'URN:107999', '0113 496 0001', "
      "'office@leeds-primary.example', '[\"1 School Lane\",\"Leeds\"]', 'LS2 9JT', 'Ann', "
      "'Teacher', '0113 496 0002', 'ann.teacher@leeds-primary.example', '[\"1 School Lane\"]', "
      "NULL, '2020-09-01', '2023-07-20', 1, 1, 'parent', '2021-01-04', 'child_protection'), "
      "(?1, 2, 'mental_health', 'CAMHS Leeds', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
      "NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, 'child_protection')",
  };
  for (const char* sql : statements) raw.Column(sql, id, true);
}

// Migration 13 moves a child's names, carers and services into its children
// row: every field and the order of every list survive, and the three tables
// are gone.
TEST_F(SqliteStoreTest, TheOneRowMigrationKeepsEveryFieldOfAVersion12Child) {
  const std::string path = Temp().NewPath();
  const ContactPointId id = ScriptedId(8);
  const ContactPointId bare = ScriptedId(3);
  {
    RawDb raw(path);
    ASSERT_NO_FATAL_FAILURE(MakeSchemaVersion(raw, 12));
    FillVersion12FullChild(raw, static_cast<std::int64_t>(id.number()));
    // A child with no other names, carers or services.
    raw.Column("INSERT INTO issued_ids VALUES (?1, 0)", static_cast<std::int64_t>(bare.number()),
               true);
    raw.Column("INSERT INTO children (contactpoint_id, gender, date_of_birth) "
               "VALUES (?1, 'unknown', '2019-06-30')",
               static_cast<std::int64_t>(bare.number()), true);
    raw.Column("INSERT INTO child_names VALUES (?1, 0, 'primary', 'Sam', 'Jones')",
               static_cast<std::int64_t>(bare.number()), true);
  }
  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path));
  domain::Child expected = FullChild(id);
  expected.provenance.clear();
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadOnly));
    CP_ASSERT_OK_AND_ASSIGN(domain::Child child, tx->GetChild(id));
    EXPECT_EQ(contract::DescribeForTest(child), contract::DescribeForTest(expected));
    CP_ASSERT_OK_AND_ASSIGN(domain::Child minimal, tx->GetChild(bare));
    EXPECT_EQ(contract::DescribeForTest(minimal), contract::DescribeForTest(MinimalChild(bare)));
  }
  // Written again unchanged, the child reads back the same.
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->PutChild(FullChild(id)));
    CP_ASSERT_OK(tx->Commit());
    CP_ASSERT_OK_AND_ASSIGN(auto read, store->Begin(TxMode::kReadOnly));
    CP_ASSERT_OK_AND_ASSIGN(domain::Child child, read->GetChild(id));
    EXPECT_EQ(contract::DescribeForTest(child), contract::DescribeForTest(FullChild(id)));
  }
  RawDb raw(path);
  EXPECT_EQ(raw.Column("SELECT name FROM sqlite_schema WHERE name IN ('child_names', 'carers', "
                       "'involvements', 'children_v13')"),
            std::vector<std::string>{});
  EXPECT_EQ(raw.Column("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
}

// A version-12 child without a primary name (a damaged store) stops the
// migration, which changes nothing.
TEST_F(SqliteStoreTest, TheOneRowMigrationRefusesAChildWithoutAName) {
  const std::string path = Temp().NewPath();
  {
    RawDb raw(path);
    ASSERT_NO_FATAL_FAILURE(MakeSchemaVersion(raw, 12));
    FillVersion12FullChild(raw, static_cast<std::int64_t>(ScriptedId(8).number()));
    ASSERT_EQ(raw.Exec("DELETE FROM child_names WHERE ordinal = 0"), SQLITE_OK);
  }
  auto store = Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message().find("Zoe"), std::string::npos);
  RawDb raw(path);
  EXPECT_EQ(raw.Column("SELECT max(version) FROM schema_migrations"),
            std::vector<std::string>{"12"});
  EXPECT_EQ(raw.Column("SELECT count(*) FROM child_names"), std::vector<std::string>{"4"});
  EXPECT_EQ(raw.Column("SELECT count(*) FROM carers"), std::vector<std::string>{"3"});
}

TEST_F(SqliteStoreTest, RefusesASchemaNewerThanThisBuild) {
  const std::string path = Temp().NewPath();
  { CP_ASSERT_OK(Open(path)); }
  {
    RawDb raw(path);
    ASSERT_EQ(raw.Exec("INSERT INTO schema_migrations (version, applied_at_ms) "
                       "VALUES (9999, 0)"),
              SQLITE_OK);
  }
  auto store = Open(path);
  ASSERT_TRUE(HasCode(store, ErrorCode::kStoreSchemaTooNew));
  const std::string message = store.status().message();
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("9999"), std::string::npos) << message;
  EXPECT_NE(message.find("upgrade ContactPoint"), std::string::npos) << message;
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  const std::string path = Temp().NewPath("text");
  {
    std::ofstream file(path);
    for (int i = 0; i < 100; ++i) file << "this is a text file, not a ContactPoint store\n";
  }
  auto store = Open(path);
  ASSERT_TRUE(HasCode(store, ErrorCode::kStoreCorrupt));
  EXPECT_EQ(store.status().message(),
            "cannot open store '" + path + "': it is not a ContactPoint store (not a database)");
}

TEST_F(SqliteStoreTest, RefusesAnotherApplicationsDatabase) {
  const std::string path = Temp().NewPath("foreign");
  {
    RawDb raw(path);
    ASSERT_EQ(raw.Exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"), SQLITE_OK);
  }
  auto store = Open(path);
  ASSERT_TRUE(HasCode(store, ErrorCode::kStoreCorrupt));
  EXPECT_NE(store.status().message().find(path), std::string::npos);
  EXPECT_NE(store.status().message().find("not a ContactPoint store"), std::string::npos);
  // And it was left untouched.
  RawDb raw(path);
  EXPECT_EQ(raw.Column("SELECT name FROM sqlite_schema"), std::vector<std::string>{"invoices"});
}

TEST_F(SqliteStoreTest, APathInAMissingDirectoryNamesTheDirectory) {
  const std::string dir = Temp().path() + "/no/such/dir";
  const std::string path = dir + "/x.db";
  auto store = Open(path);
  ASSERT_TRUE(HasCode(store, ErrorCode::kStoreCannotOpen));
  EXPECT_EQ(store.status().message(),
            "cannot open store '" + path + "': directory '" + dir + "' does not exist");
}

TEST_F(SqliteStoreTest, APathThroughARegularFileSaysItIsNotADirectory) {
  const std::string file = Temp().NewPath("plain");
  { std::ofstream(file) << "x"; }
  const std::string path = file + "/x.db";
  auto store = Open(path);
  ASSERT_TRUE(HasCode(store, ErrorCode::kStoreCannotOpen));
  EXPECT_EQ(store.status().message(),
            "cannot open store '" + path + "': '" + file + "' is a file, not a directory");
}

TEST_F(SqliteStoreTest, AnUnwritableDirectoryIsPermissionDenied) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "running as root, which may write to any directory";
  }
  const std::string dir = Temp().path() + "/locked";
  ASSERT_EQ(::mkdir(dir.c_str(), 0500), 0);
  const std::string path = dir + "/x.db";
  auto store = Open(path);
  ::chmod(dir.c_str(), 0700);
  ASSERT_TRUE(HasCode(store, ErrorCode::kStoreCannotOpen));
  EXPECT_NE(store.status().message().find("permission denied"), std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find(path), std::string::npos);
}

TEST_F(SqliteStoreTest, ADirectoryIsNotAStore) {
  auto store = Open(Temp().path());
  ASSERT_TRUE(HasCode(store, ErrorCode::kStoreCannotOpen));
  EXPECT_NE(store.status().message().find("is a directory"), std::string::npos)
      << store.status().message();
}

TEST_F(SqliteStoreTest, WithoutCreateIfMissingAMissingFileIsAnError) {
  const std::string path = Temp().NewPath();
  SqliteOpenOptions options;
  options.create_if_missing = false;
  auto store = Open(path, options);
  ASSERT_TRUE(HasCode(store, ErrorCode::kStoreCannotOpen));
  EXPECT_NE(store.status().message().find("does not exist"), std::string::npos)
      << store.status().message();
  EXPECT_FALSE(std::filesystem::exists(path));
  // Once it exists, it opens.
  { CP_ASSERT_OK(Open(path)); }
  CP_EXPECT_OK(Open(path, options));
}

TEST_F(SqliteStoreTest, InMemoryDatabasesAreRefused) {
  EXPECT_TRUE(HasCode(Open(":memory:"), ErrorCode::kStoreCannotOpen));
  EXPECT_TRUE(HasCode(Open(""), ErrorCode::kStoreCannotOpen));
}

TEST_F(SqliteStoreTest, ManyOpenersOfANewFileAtOnceAllSucceedAndMigrateOnce) {
  const std::string path = Temp().NewPath();
  constexpr int kOpeners = 6;
  std::vector<std::thread> threads;
  std::vector<core::Status> results(kOpeners);
  std::atomic<bool> go{false};
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto store = Open(path);
      results[i] = store.status();
    });
  }
  go.store(true);
  for (auto& thread : threads) thread.join();
  for (const core::Status& status : results) EXPECT_TRUE(IsOk(status));
  RawDb raw(path);
  EXPECT_EQ(raw.Column("SELECT count(*) FROM schema_migrations"),
            std::vector<std::string>{std::to_string(SqliteStore::KnownSchemaVersion())});
}

TEST_F(SqliteStoreTest, TheSchemaHasNoFreeTextColumn) {
  const std::string path = Temp().NewPath();
  { CP_ASSERT_OK(Open(path)); }
  RawDb raw(path);
  const std::regex free_text("note|comment|remark|description|free|text|detail|concern|reason");
  int columns = 0;
  for (const std::string& table :
       raw.Column("SELECT name FROM sqlite_schema WHERE type = 'table' "
                  "AND name NOT LIKE 'sqlite_%'")) {
    // Table names come from the database itself, but are bound all the same.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(stmt, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const std::string column = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      EXPECT_FALSE(std::regex_search(column, free_text)) << table << "." << column;
      ++columns;
    }
    sqlite3_finalize(stmt);
    sqlite3_close_v2(db);
  }
  EXPECT_GT(columns, 50);
}

// ---- Transactions --------------------------------------------------------------------

TEST_F(SqliteStoreTest, ASecondWriteOnTheSameThreadIsRefusedNotDeadlocked) {
  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(Temp().NewPath()));
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadWrite));
  EXPECT_TRUE(HasCode(store->Begin(TxMode::kReadWrite), ErrorCode::kFailedPrecondition));
  EXPECT_TRUE(HasCode(store->Begin(TxMode::kAllOrNothing), ErrorCode::kFailedPrecondition));
  EXPECT_TRUE(HasCode(store->Settings(), ErrorCode::kFailedPrecondition));
  tx.reset();
  CP_EXPECT_OK(store->Begin(TxMode::kReadWrite));
}

// Read-only transactions run on readers of their own: beside an open write
// (even the same thread's, whose uncommitted rows they never see), and
// several at once.
TEST_F(SqliteStoreTest, ReadOnlyTransactionsRunBesideAWriteAndEachOther) {
  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(Temp().NewPath()));
  CP_ASSERT_OK(PutOne(*store, 5));
  CP_ASSERT_OK_AND_ASSIGN(auto write, store->Begin(TxMode::kReadWrite));
  ScriptedRandom random({6});
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, write->AllocateChildId(random));
  CP_ASSERT_OK(write->PutChild(MinimalChild(id)));
  {
    CP_ASSERT_OK_AND_ASSIGN(auto read, store->Begin(TxMode::kReadOnly));
    EXPECT_TRUE(HasCode(read->GetChild(id), ErrorCode::kChildNotFound));
    CP_EXPECT_OK(read->GetChild(ScriptedId(5)));
    // And a read-only transaction cannot write.
    EXPECT_TRUE(HasCode(read->DeleteChild(ScriptedId(5)), ErrorCode::kFailedPrecondition));
  }
  // Four threads each hold a read-only transaction while the write is open,
  // all at the same moment: none waits for the writer or for another.
  constexpr int kReaders = 4;
  std::atomic<int> open{0};
  std::atomic<int> read_ok{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < kReaders; ++i) {
    readers.emplace_back([&] {
      auto read = store->Begin(TxMode::kReadOnly);
      if (!read.ok()) return;
      if ((*read)->GetChild(ScriptedId(5)).ok()) ++read_ok;
      ++open;
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (open.load() < kReaders && std::chrono::steady_clock::now() < until) {
        std::this_thread::yield();
      }
    });
  }
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(open.load(), kReaders);
  EXPECT_EQ(read_ok.load(), kReaders);
  CP_ASSERT_OK(write->Commit());
  CP_ASSERT_OK_AND_ASSIGN(auto after, store->Begin(TxMode::kReadOnly));
  CP_EXPECT_OK(after->GetChild(id));
}

// A snapshot: a read-only transaction that has read goes on seeing what was
// committed then, whatever commits meanwhile.
TEST_F(SqliteStoreTest, AReadOnlyTransactionReadsOneSnapshot) {
  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(Temp().NewPath()));
  CP_ASSERT_OK(PutOne(*store, 7));
  CP_ASSERT_OK_AND_ASSIGN(auto read, store->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK(read->GetChild(ScriptedId(7)).status());
  CP_ASSERT_OK(PutOne(*store, 8));
  EXPECT_TRUE(HasCode(read->GetChild(ScriptedId(8)), ErrorCode::kChildNotFound));
  CP_ASSERT_OK(read->Commit());
  CP_ASSERT_OK_AND_ASSIGN(auto later, store->Begin(TxMode::kReadOnly));
  CP_EXPECT_OK(later->GetChild(ScriptedId(8)));
}

TEST_F(SqliteStoreTest, ReadChangesNeverSeesTheOpenTransactionOfItsOwnStore) {
  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(Temp().NewPath()));
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadWrite));
  ScriptedRandom random({2});
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, tx->AllocateChildId(random));
  CP_ASSERT_OK(tx->PutChild(MinimalChild(id)));
  // Called from the thread holding the transaction: answers at once.
  CP_ASSERT_OK_AND_ASSIGN(auto changes, store->ReadChanges(0, 10));
  EXPECT_TRUE(changes.empty());
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, store->Info());
  EXPECT_EQ(info.children, 0);
  CP_ASSERT_OK(tx->Commit());
  CP_ASSERT_OK_AND_ASSIGN(auto after, store->ReadChanges(0, 10));
  EXPECT_EQ(after.size(), 1u);
}

TEST_F(SqliteStoreTest, AnotherWriterHoldingTheLockGivesStoreBusyAndAppliesNothing) {
  const std::string path = Temp().NewPath();
  SqliteOpenOptions options;
  options.busy_timeout = std::chrono::milliseconds(50);
  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path, options));
  CP_ASSERT_OK(PutOne(*store, 3));
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo before, store->Info());

  RawDb other(path);  // as another process would
  ASSERT_EQ(other.Exec("BEGIN IMMEDIATE"), SQLITE_OK);
  auto tx = store->Begin(TxMode::kReadWrite);
  ASSERT_TRUE(HasCode(tx, ErrorCode::kStoreBusy));
  EXPECT_NE(tx.status().message().find("retry"), std::string::npos) << tx.status().message();
  // Readers are not blocked by the writer.
  CP_ASSERT_OK_AND_ASSIGN(auto reader, store->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK(reader->Commit());
  reader.reset();
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo during, store->Info());
  EXPECT_EQ(during.last_change, before.last_change);
  ASSERT_EQ(other.Exec("ROLLBACK"), SQLITE_OK);

  // The failed Begin left the store free and unchanged.
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo after, store->Info());
  EXPECT_EQ(after.children, before.children);
  EXPECT_EQ(after.last_change, before.last_change);
  CP_EXPECT_OK(PutOne(*store, 4));
}

// The child process of a fork() test: runs `body` and exits with its code,
// never returning into the test framework.
template <typename Body>
[[noreturn]] void RunChild(Body&& body) {
  int code = 99;
  code = body();
  ::_exit(code);
}

// A disk that fills up in the middle of a transaction: a forked child
// process limits its file size (RLIMIT_FSIZE), then writes until the store
// fails. The failure must be kStoreIo and leave the file as before.
TEST_F(SqliteStoreTest, ADiskFullMidTransactionIsStoreIoAndAppliesNothing) {
  const std::string path = Temp().NewPath();
  {
    CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path));
    CP_ASSERT_OK(PutOne(*store, 5));
  }  // closed: no connection crosses the fork
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    RunChild([&]() -> int {
      ::signal(SIGXFSZ, SIG_IGN);  // fail the write instead of killing the process
      core::FakeClock clock(core::FromUnixMillis(1'760'000'000'000));
      auto store = SqliteStore::Open(path, clock);
      if (!store.ok()) return 10;
      struct rlimit limit;
      limit.rlim_cur = limit.rlim_max = 256 * 1024;
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 11;
      auto tx = (*store)->Begin(TxMode::kReadWrite);
      if (!tx.ok()) return 12;
      core::SeededRandom random(7);
      for (int i = 0; i < 5000; ++i) {
        auto id = (*tx)->AllocateChildId(random);
        core::Status status = id.ok() ? (*tx)->PutChild(FullChild(*id)) : id.status();
        if (!status.ok()) return status.code() == ErrorCode::kStoreIo ? 0 : 20;
      }
      const core::Status commit = (*tx)->Commit();
      if (commit.ok()) return 30;  // the limit was never reached
      return commit.code() == ErrorCode::kStoreIo ? 0 : 21;
    });
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus)) << "child died with status " << wstatus;
  ASSERT_EQ(WEXITSTATUS(wstatus), 0) << "see the exit codes in the child's body";

  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path));
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, store->Info());
  EXPECT_EQ(info.children, 1);
  EXPECT_EQ(info.last_change, 1);
  {
    RawDb raw(path);
    EXPECT_EQ(raw.Column("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  }
  CP_EXPECT_OK(PutOne(*store, 6));
}

// Another process writes; this one tails the change log and sees each entry.
TEST_F(SqliteStoreTest, AForkedWritersChangesReachATailingParent) {
  const std::string path = Temp().NewPath();
  constexpr int kTransactions = 3;
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    RunChild([&]() -> int {
      core::FakeClock clock(core::FromUnixMillis(1'760'000'000'000));
      auto store = SqliteStore::Open(path, clock);
      if (!store.ok()) return 10;
      for (int i = 0; i < kTransactions; ++i) {
        if (!PutOne(**store, 200 + static_cast<std::uint64_t>(i)).ok()) return 11;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      return 0;
    });
  }
  // Both processes may create the file at once; migrations are serialised by
  // SQLite's write lock.
  auto store = Open(path);
  if (!store.ok()) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    FAIL() << store.status().ToString();
  }
  std::vector<Change> seen;
  std::int64_t after = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (static_cast<int>(seen.size()) < kTransactions &&
         std::chrono::steady_clock::now() < deadline) {
    auto changes = (*store)->ReadChanges(after, 10);
    ASSERT_TRUE(IsOk(changes));
    for (const Change& c : *changes) {
      seen.push_back(c);
      after = c.seq;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kTransactions));
  for (int i = 0; i < kTransactions; ++i) {
    EXPECT_EQ(seen[i].kind, ChangeKind::kChildPut);
    EXPECT_EQ(seen[i].child, ScriptedId(200 + static_cast<std::uint64_t>(i)));
    if (i > 0) {
      EXPECT_GT(seen[i].seq, seen[i - 1].seq);
    }
  }
  CP_ASSERT_OK_AND_ASSIGN(auto tx, (*store)->Begin(TxMode::kReadOnly));
  EXPECT_TRUE(IsOk(tx->GetChild(ScriptedId(200))));
}

// ---- Damaged data ---------------------------------------------------------------------

TEST_F(SqliteStoreTest, DamagedRowsReadAsStoreCorruptWithoutTheirContent) {
  const std::string path = Temp().NewPath();
  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(path));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, PutOne(*store, 7));
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "k", id)));
    CP_ASSERT_OK(tx->Commit());
  }
  {
    RawDb raw(path);
    ASSERT_EQ(raw.Exec("UPDATE source_records SET data_json = '{\"name\": \"Secret Name\"}'"),
              SQLITE_OK);
  }
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadOnly));
  auto record = tx->GetSourceRecord(domain::SourceId("gro"), domain::SourceKey("k"));
  ASSERT_TRUE(HasCode(record, ErrorCode::kStoreCorrupt));
  EXPECT_EQ(record.status().message().find("Secret"), std::string::npos);
  EXPECT_TRUE(IsOk(tx->GetChild(id)));
}

// What every signed-in request reads (its session, its user, their
// organisation) is found through an index, never by reading every row:
// there are hundreds of thousands of users.
TEST_F(SqliteStoreTest, ASignedInRequestsReadsUseIndexesNotScans) {
  CP_ASSERT_OK_AND_ASSIGN(auto store, Open(Temp().NewPath()));
  const core::Timestamp at = core::FromUnixMillis(1'700'000'000'000);
  const std::string token_hash(64, 'a');
  std::int64_t last_user = 0;
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadWrite));
    for (int o = 0; o < 20; ++o) {
      const OrganisationEntry org{"la:E0" + std::to_string(8000 + o), "Authority",
                                  "local_authority", "accredited", std::nullopt, at};
      ASSERT_TRUE(IsOk(tx->PutOrganisation(org)));
      for (int u = 0; u < 20; ++u) {
        UserEntry user;
        user.username = "user" + std::to_string(o * 20 + u);
        user.display_name = "A User";
        user.organisation = org.id;
        user.role = "social_worker";
        user.account_state = "active";
        user.created_at = user.updated_at = at;
        CP_ASSERT_OK_AND_ASSIGN(last_user, tx->PutUser(user));
      }
    }
    ASSERT_TRUE(IsOk(tx->PutSession(SessionEntry{token_hash, last_user, std::nullopt, at, at})));
    ASSERT_TRUE(IsOk(tx->Commit()));
  }
  CP_ASSERT_OK_AND_ASSIGN(const std::int64_t before, store->FullScanSteps());
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK_AND_ASSIGN(auto session, tx->GetSession(token_hash));
    ASSERT_TRUE(session.has_value());
    CP_ASSERT_OK_AND_ASSIGN(UserEntry user, tx->GetUser(session->user_id));
    EXPECT_EQ(user.username, "user399");
    CP_ASSERT_OK_AND_ASSIGN(auto found, tx->FindUser("user7"));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->organisation, "la:E08000");
    CP_ASSERT_OK_AND_ASSIGN(OrganisationEntry org, tx->GetOrganisation(user.organisation));
    EXPECT_EQ(org.id, "la:E08019");
    ASSERT_TRUE(IsOk(tx->Commit()));
  }
  CP_ASSERT_OK_AND_ASSIGN(const std::int64_t after, store->FullScanSteps());
  EXPECT_EQ(after - before, 0) << "rows read by full scans";
}

// The statement cache is keyed by the SQL text's address: text later built
// at the same address must run its own statement, never the cached one.
TEST(SqliteConnectionTest, OtherTextAtACachedAddressRunsItsOwnStatement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  internal::Connection conn(db);
  std::string sql;
  sql.reserve(64);
  const char* const at = sql.data();
  auto value_of = [&](std::string_view text) -> std::int64_t {
    auto stmt = conn.Prepare(text, "a test query");
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    if (!stmt.ok()) return -1;
    auto row = stmt->Step();
    EXPECT_TRUE(row.ok() && *row);
    return stmt->Int64(0);
  };
  sql = "SELECT 1";
  EXPECT_EQ(value_of(sql), 1);
  sql = "SELECT 2";
  ASSERT_EQ(sql.data(), at) << "the test needs the same address";
  EXPECT_EQ(value_of(sql), 2);
  sql = "SELECT 1";
  EXPECT_EQ(value_of(sql), 1);
  EXPECT_EQ(conn.cached_statements(), 1u);
}

// Text at ever new addresses is never cached past kMaxCachedStatements.
TEST(SqliteConnectionTest, TheStatementCacheIsBounded) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  internal::Connection conn(db);
  std::vector<std::string> texts;
  const std::size_t n = internal::Connection::kMaxCachedStatements + 100;
  for (std::size_t i = 0; i < n; ++i) texts.push_back("SELECT " + std::to_string(i));
  for (std::size_t i = 0; i < n; ++i) {
    auto stmt = conn.Prepare(texts[i], "a test query");
    ASSERT_TRUE(stmt.ok());
    auto row = stmt->Step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ(stmt->Int64(0), static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(conn.cached_statements(), internal::Connection::kMaxCachedStatements);
}

}  // namespace
}  // namespace cp::storage
