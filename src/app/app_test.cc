#include "app/app.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

namespace cp::app {
namespace {

namespace fs = std::filesystem;

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cp_app_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  core::FakeClock clock_{core::FromUnixMillis(1'790'000'000'000)};
};

// A store whose every call fails, as a store on a failed disk would.
class BrokenStore final : public storage::Store {
 public:
  core::StatusOr<std::unique_ptr<storage::Transaction>> Begin(storage::TxMode) override {
    return core::Status(core::ErrorCode::kStoreIo, "disk I/O error");
  }
  core::StatusOr<std::vector<storage::Change>> ReadChanges(std::int64_t, int) override {
    return core::Status(core::ErrorCode::kStoreIo, "disk I/O error");
  }
  core::StatusOr<storage::StoreInfo> Info() override {
    return core::Status(core::ErrorCode::kStoreIo, "disk I/O error");
  }
  core::StatusOr<std::vector<storage::AuditLeaf>> ReadAuditEntries(std::int64_t, int) override {
    return core::Status(core::ErrorCode::kStoreIo, "disk I/O error");
  }
  core::StatusOr<std::int64_t> AuditLogSize() override {
    return core::Status(core::ErrorCode::kStoreIo, "disk I/O error");
  }
  core::StatusOr<std::vector<storage::AuditLeaf>> QueryAudit(const storage::AuditFilter&) override {
    return core::Status(core::ErrorCode::kStoreIo, "disk I/O error");
  }
  core::StatusOr<std::vector<storage::AuditCheckpoint>> ReadAuditCheckpoints(std::int64_t,
                                                                             int) override {
    return core::Status(core::ErrorCode::kStoreIo, "disk I/O error");
  }
  core::StatusOr<std::optional<storage::AuditCheckpoint>> LatestAuditCheckpoint() override {
    return core::Status(core::ErrorCode::kStoreIo, "disk I/O error");
  }
};

TEST_F(AppTest, InitCreatesStoreAndIsIdempotent) {
  const std::string path = (dir_ / "cp.db").string();
  std::ostringstream out;
  ASSERT_TRUE(InitStore(path, clock_, out).ok());
  EXPECT_NE(out.str().find("Store ready at " + path), std::string::npos);
  EXPECT_TRUE(fs::exists(path));
  // The audit signing key is made beside the store, readable by its owner only.
  EXPECT_NE(out.str().find("Audit signing key created at " + path + ".audit-key"),
            std::string::npos);
  EXPECT_EQ(fs::status(path + ".audit-key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_TRUE(fs::exists(path + ".audit-key.pub"));
  // So is the key that seals users' token secrets.
  EXPECT_NE(out.str().find("Token sealing key created at " + path + ".token-key"),
            std::string::npos);
  EXPECT_EQ(fs::status(path + ".token-key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_NE(out.str().find("Organisations seeded: 161"), std::string::npos) << out.str();
  std::ostringstream again;
  ASSERT_TRUE(InitStore(path, clock_, again).ok());
  EXPECT_NE(again.str().find("0 children"), std::string::npos);
  EXPECT_EQ(again.str().find("Audit signing key created"), std::string::npos);  // kept
  EXPECT_EQ(again.str().find("Token sealing key created"), std::string::npos);
  EXPECT_EQ(again.str().find("Organisations seeded"), std::string::npos);
}

TEST_F(AppTest, InitNamesABrokenOrganisationsFile) {
  const std::string path = (dir_ / "cp.db").string();
  std::ostringstream out;
  const core::Status s = InitStore(path, clock_, out, dir_ / "no-such-data");
  EXPECT_EQ(s.code(), core::ErrorCode::kInvalidConfiguration);
  EXPECT_NE(s.message().find("no-such-data"), std::string::npos);
}

TEST_F(AppTest, InitInMissingDirectoryNamesThePath) {
  const std::string path = (dir_ / "missing" / "cp.db").string();
  std::ostringstream out;
  const core::Status s = InitStore(path, clock_, out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(path), std::string::npos) << s.ToString();
}

TEST_F(AppTest, OpenStoreRejectsEmptyLocationAndUnsupportedBackends) {
  EXPECT_EQ(OpenStore("", clock_, true).status().code(), core::ErrorCode::kInvalidConfiguration);
  EXPECT_EQ(OpenStore("postgresql://localhost/cp", clock_, true).status().code(),
            core::ErrorCode::kInvalidConfiguration);
}

TEST_F(AppTest, OpenStoreWithoutCreateRefusesMissingStore) {
  EXPECT_FALSE(OpenStore((dir_ / "none.db").string(), clock_, false).ok());
  EXPECT_FALSE(fs::exists(dir_ / "none.db"));
}

TEST_F(AppTest, HealthIsOkWhenStoreAnswers) {
  auto store = OpenStore((dir_ / "cp.db").string(), clock_, true);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const http::Response r = HealthCheck(**store);
  EXPECT_EQ(r.status, 200);
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["store"]["backend"], "sqlite");
  EXPECT_GE(body["store"]["schema_version"].get<int>(), 1);
}

TEST_F(AppTest, HealthIs503WhenStoreFails) {
  BrokenStore store;
  const http::Response r = HealthCheck(store);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "unavailable");
}

TEST_F(AppTest, HealthRouteServedOverHttp) {
  auto store = OpenStore((dir_ / "cp.db").string(), clock_, true);
  ASSERT_TRUE(store.ok());
  auto server = http::MakeHttpServer();
  RegisterRoutes(*server, **store);
  http::ServerOptions options;
  options.port = 0;
  options.worker_threads = 2;
  ASSERT_TRUE(server->Start(options).ok());
  httplib::Client client("127.0.0.1", server->port());
  auto res = client.Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body)["status"], "ok");
  server->Stop();
}

TEST_F(AppTest, ServeRefusesNonLoopbackWithoutTlsBeforeOpeningTheStore) {
  ServeConfig config;
  config.store_location = (dir_ / "cp.db").string();
  config.server.bind_address = "0.0.0.0";
  std::atomic<bool> stop = true;
  std::ostringstream out;
  EXPECT_EQ(Serve(config, clock_, stop, out).code(), core::ErrorCode::kInvalidConfiguration);
  EXPECT_FALSE(fs::exists(dir_ / "cp.db"));
}

TEST_F(AppTest, ServeRefusesASuspensionThresholdAtOrBelowTheDailyLimit) {
  ServeConfig config;
  config.store_location = (dir_ / "cp.db").string();
  config.search.limits.per_day = 600;
  config.search.misuse.hard_per_day = 600;
  std::atomic<bool> stop = true;
  std::ostringstream out;
  const core::Status s = Serve(config, clock_, stop, out);
  EXPECT_EQ(s.code(), core::ErrorCode::kInvalidConfiguration);
  EXPECT_NE(s.message().find("--suspend-at"), std::string::npos) << s.ToString();
  EXPECT_FALSE(fs::exists(dir_ / "cp.db"));
}

TEST_F(AppTest, ServeRefusesAnHourlyLimitAboveTheDailyOne) {
  ServeConfig config;
  config.store_location = (dir_ / "cp.db").string();
  config.search.limits.per_hour = 700;
  config.search.limits.per_day = 600;
  config.search.misuse.hard_per_day = 800;  // above both: only the hourly limit is wrong
  std::atomic<bool> stop = true;
  std::ostringstream out;
  const core::Status s = Serve(config, clock_, stop, out);
  EXPECT_EQ(s.code(), core::ErrorCode::kInvalidConfiguration);
  EXPECT_NE(s.message().find("--searches-per-hour"), std::string::npos) << s.ToString();
  EXPECT_FALSE(fs::exists(dir_ / "cp.db"));
}

}  // namespace
}  // namespace cp::app
