#include "app/feed_api.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "http/testing/loopback.h"
#include "ingest/credential.h"
#include "storage/sqlite/sqlite_store.h"

namespace cp::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBatch =
    "{\"contactpoint_feed\": 1, \"source\": \"gro-births\", \"batch\": \"b1\", \"sequence\": 1, "
    "\"extracted_at\": \"2026-11-21T02:00:00Z\", \"mode\": \"delta\"}\n"
    "{\"key\": \"G1\", \"op\": \"upsert\", \"child\": {\"given_names\": \"Ann\", \"family_name\": "
    "\"Lee\", \"date_of_birth\": \"2015-01-02\", \"identifiers\": {\"nhs_number\": "
    "\"9434765919\"}}}\n";

class FeedApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cp_feed_api_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::move(*storage::SqliteStore::Open((dir_ / "cp.db").string(), clock_));
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    auto linker = ingest::Linker::Load(CP_LINKAGE_DATA_DIR);
    ASSERT_TRUE(linker.ok()) << linker.status().ToString();
    linker_ = std::move(*linker);
    gro_ = Register("gro-births");
    pds_ = Register("nhs-pds");
    server_ = http::MakeHttpServer();
    ASSERT_TRUE(RegisterFeedRoutes(*server_, FeedApiDeps{store_.get(), audit_.get(), &clock_,
                                                         &random_, linker_.get(),
                                                         (dir_ / "spool").string()})
                    .ok());
    client_ = http::testing::StartOnLoopback(*server_);
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override {
    server_->Stop();
    fs::remove_all(dir_);
  }

  std::string Register(const std::string& id) {
    const ingest::FeedCredential credential = ingest::NewFeedCredential();
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    storage::SourceEntry s;
    s.id = domain::SourceId(id);
    s.name = id;
    s.state = domain::SourceState::kActive;
    s.credential_hash = credential.hash;
    EXPECT_TRUE((*tx)->PutSource(s).ok());
    EXPECT_TRUE((*tx)->Commit().ok());
    return credential.secret.Reveal();
  }

  httplib::Result Post(const std::string& source, const std::string& credential,
                       const std::string& body = kBatch) {
    httplib::Headers headers;
    if (!credential.empty()) headers.emplace("Authorization", "Bearer " + credential);
    return client_->Post(("/api/v1/feeds/" + source + "/batches").c_str(), headers, body,
                         "application/x-ndjson");
  }

  httplib::Result Get(const std::string& path, const std::string& credential) {
    return client_->Get(path.c_str(), {{"Authorization", "Bearer " + credential}});
  }

  fs::path dir_;
  core::FakeClock clock_{core::FromUnixMillis(1'790'000'000'000)};
  core::SecureRandom random_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<ingest::Linker> linker_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<httplib::Client> client_;
  std::string gro_, pds_;
};

TEST_F(FeedApiTest, ASourceSubmitsItsBatchAndReadsItsReceipt) {
  auto created = Post("gro-births", gro_);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  const auto receipt = nlohmann::json::parse(created->body);
  EXPECT_EQ(receipt["counts"]["created"], 1);
  EXPECT_EQ(created->get_header_value("Location"), "/api/v1/feeds/gro-births/batches/b1");

  auto again = Post("gro-births", gro_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);  // identical resubmission: the original receipt
  EXPECT_EQ(nlohmann::json::parse(again->body), receipt);

  auto read = Get("/api/v1/feeds/gro-births/batches/b1", gro_);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  EXPECT_EQ(nlohmann::json::parse(read->body), receipt);
  EXPECT_EQ(store_->Info()->children, 1);
}

TEST_F(FeedApiTest, WrongMissingOrOtherSourcesCredentialsAreRefusedAlike) {
  for (const auto& [source, credential] :
       std::vector<std::pair<std::string, std::string>>{
           {"gro-births", ""}, {"gro-births", "cpsrc_00"}, {"gro-births", pds_},
           {"unknown-source", gro_}}) {
    auto r = Post(source, credential);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << source << " " << credential.size();
    EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["code"], "unauthenticated");
  }
  EXPECT_EQ(store_->Info()->children, 0);
  // Refusals are audited.
  auto refused = audit_->Query(audit::AuditQuery{});
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->size(), 4u);
  EXPECT_EQ((*refused)[0].event.outcome, audit::Outcome::kRefused);
}

TEST_F(FeedApiTest, ACredentialReadsOnlyItsOwnSourcesReceipts) {
  ASSERT_EQ(Post("gro-births", gro_)->status, 201);
  auto other = Get("/api/v1/feeds/gro-births/batches/b1", pds_);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 401);
  auto missing = Get("/api/v1/feeds/gro-births/batches/nope", gro_);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(FeedApiTest, AnUnusableSpoolDirectoryIsAClearError) {
  auto server = http::MakeHttpServer();
  const core::Status s = RegisterFeedRoutes(
      *server, FeedApiDeps{store_.get(), audit_.get(), &clock_, &random_, linker_.get(),
                           (dir_ / "cp.db" / "spool").string()});  // under a file
  EXPECT_EQ(s.code(), core::ErrorCode::kInvalidConfiguration);
  EXPECT_NE(s.message().find("spool"), std::string::npos);
}

TEST_F(FeedApiTest, ABatchClaimingAnotherSourceIsForbiddenAndBadBatchesSayWhy) {
  auto foreign = Post("nhs-pds", pds_);  // the header says gro-births
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  auto garbage = Post("gro-births", gro_, "not a batch\n");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  EXPECT_EQ(nlohmann::json::parse(garbage->body)["error"]["code"], "invalid_batch_header");
  EXPECT_EQ(garbage->body.find((dir_ / "spool").string()), std::string::npos)
      << "the server's paths are not shown to suppliers";
  EXPECT_TRUE(fs::is_empty(dir_ / "spool"));  // uploads are not left behind
}

}  // namespace
}  // namespace cp::app
