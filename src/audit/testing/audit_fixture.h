// Test helpers for the audit module's tests: a temporary directory with a
// SQLite store, a signing key file, sample events, and a raw sqlite3
// connection for tampering with the file behind the store's back.
//
// Test-only. Each fixture object owns its directory (removed on destruction)
// and is used by one thread.
#ifndef CP_AUDIT_TESTING_AUDIT_FIXTURE_H_
#define CP_AUDIT_TESTING_AUDIT_FIXTURE_H_

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/event.h"
#include "audit/signing.h"
#include "core/clock.h"
#include "core/random.h"
#include "storage/sqlite/sqlite_store.h"

namespace cp::audit::testing {

// A temporary directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cp-audit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A valid ContactPoint ID derived from `n` (deterministic, distinct per n).
inline domain::ContactPointId ChildId(std::uint64_t n) {
  core::SeededRandom random(n * 7919 + 1);
  return domain::ContactPointId::Generate(random);
}

// A practitioner viewing child `child` for a stated reason, allowed.
inline Event ViewEvent(std::string user, domain::ContactPointId child) {
  Event e;
  e.actor = Principal{PrincipalKind::kUser, std::move(user), "practitioner", "la-380"};
  e.action = Action::kViewRecord;
  e.children = {child};
  e.reason = "child_protection";
  return e;
}

// The n-th of a varied stream of events (users, actions, children, outcomes).
inline Event SampleEvent(std::int64_t n) {
  Event e = ViewEvent("user-" + std::to_string(n % 7), ChildId(static_cast<std::uint64_t>(n % 11)));
  const auto& actions = AllActions();
  e.action = actions[static_cast<std::size_t>(n) % actions.size()];
  if (n % 5 == 0) {
    e.outcome = Outcome::kRefused;
    e.refusal = "no_reason_given";
    e.reason.clear();
  }
  if (n % 3 == 0) {
    e.on_behalf_of = Principal{PrincipalKind::kUser, "gp-" + std::to_string(n), "gp", "nhs-a81001"};
  }
  return e;
}

// A store, a signing key and an audit log on a fake clock, all in a
// temporary directory.
class AuditFixture {
 public:
  explicit AuditFixture(CheckpointPolicy policy = {})
      : clock_(core::FromUnixMillis(1'760'000'000'000)) {
    store_path_ = dir_.File("store.db");
    key_path_ = DefaultKeyPath(store_path_);
    auto store = storage::SqliteStore::Open(store_path_, clock_);
    if (!store.ok()) {
      ADD_FAILURE() << store.status().ToString();
      std::abort();
    }
    store_ = std::move(*store);
    const core::Status created = SigningKey::CreateFile(key_path_);
    if (!created.ok()) {
      ADD_FAILURE() << created.ToString();
      std::abort();
    }
    auto key = SigningKey::Load(key_path_);
    if (!key.ok()) {
      ADD_FAILURE() << key.status().ToString();
      std::abort();
    }
    key_ = std::make_unique<SigningKey>(std::move(*key));
    log_ = std::make_unique<AuditLog>(*store_, clock_, key_.get(), policy);
  }

  // Appends events SampleEvent(first)... one millisecond apart.
  void AppendSamples(std::int64_t first, std::int64_t count) {
    for (std::int64_t i = first; i < first + count; ++i) {
      clock_.Advance(std::chrono::milliseconds(1));
      auto index = log_->Append(SampleEvent(i));
      ASSERT_TRUE(index.ok()) << index.status().ToString();
    }
  }

  // Runs SQL on the store's file through a connection of its own, as
  // someone editing the file would; drops the append-only triggers first.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(store_path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const std::string all =
        "DROP TRIGGER IF EXISTS audit_log_is_append_only_update;"
        "DROP TRIGGER IF EXISTS audit_log_is_append_only_delete;" +
        sql;
    const int rc = sqlite3_exec(db, all.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  // Overwrites entry `index`'s bytes through a connection of its own.
  void ReplaceLeaf(std::int64_t index, const std::string& leaf) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(store_path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DROP TRIGGER IF EXISTS audit_log_is_append_only_update", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE audit_log SET leaf = ?1 WHERE leaf_index = ?2", -1,
                                 &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_blob64(stmt, 1, leaf.data(), leaf.size(), SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, index);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    EXPECT_EQ(sqlite3_changes(db), 1);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
  }

  // Entry `index`'s bytes as stored.
  std::string LeafAt(std::int64_t index) {
    auto leaves = store_->ReadAuditEntries(index, 1);
    EXPECT_TRUE(leaves.ok() && leaves->size() == 1 && (*leaves)[0].index == index);
    return leaves.ok() && !leaves->empty() ? (*leaves)[0].leaf : std::string();
  }

  core::StatusOr<PublicKey> LoadPublicKey() const {
    return PublicKey::Load(PublicKeyPath(key_path_));
  }

  core::StatusOr<VerifyReport> Verify() {
    auto key = LoadPublicKey();
    if (!key.ok()) return key.status();
    return VerifyLog(*store_, *key, /*page_size=*/4);  // small pages exercise paging
  }

  TempDir dir_;
  core::FakeClock clock_;
  std::string store_path_;
  std::string key_path_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::unique_ptr<SigningKey> key_;
  std::unique_ptr<AuditLog> log_;
};

}  // namespace cp::audit::testing

#endif  // CP_AUDIT_TESTING_AUDIT_FIXTURE_H_
