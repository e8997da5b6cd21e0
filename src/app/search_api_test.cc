#include "app/search_api.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "http/testing/loopback.h"
#include "identity/identity_fixture.h"

namespace cp::app {
namespace {

using access::Role;
using Json = nlohmann::json;

class SearchApiTest : public identity::testing::IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    auto linker = ingest::Linker::Load(CP_LINKAGE_DATA_DIR);
    ASSERT_TRUE(linker.ok()) << linker.status().ToString();
    linker_ = std::move(*linker);
    MakeEligible(admin_, "leeds.um", Role::kUserManager, identity::testing::kLeeds);
    const identity::Account um = *directory_->Manager("leeds.um");
    const identity::Secrets secrets =
        MakeEligible(um, "sam", Role::kSocialWorker, identity::testing::kLeeds);
    token_ = sign_in_->SignIn(Request("sam", secrets))->token.Reveal();
    child_ = AddChild();
    search_ = std::make_unique<search::SearchService>(
        search::SearchDeps{*store_, *audit_, clock_, *linker_, states_});
    server_ = http::MakeHttpServer();
    RegisterSearchRoutes(*server_, *sign_in_, *search_);
    client_ = http::testing::StartOnLoopback(*server_);
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override {
    server_->Stop();
    search_.reset();
    IdentityTest::TearDown();
  }

  domain::ContactPointId AddChild() {
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    storage::SourceEntry s;
    s.id = domain::SourceId("gro-births");
    s.name = "Test source";
    s.state = domain::SourceState::kActive;
    EXPECT_TRUE((*tx)->PutSource(s).ok());
    domain::Child c;
    c.id = *(*tx)->AllocateChildId(random_);
    c.name = domain::PersonName{domain::PersonalText("Ann"), domain::PersonalText("Lee")};
    c.gender = domain::Gender::kFemale;
    c.date_of_birth = core::Sensitive<domain::Date>(identity::testing::Day(2015, std::chrono::January, 2));
    c.accountable = domain::Accountability{identity::testing::kLeeds, false};
    EXPECT_TRUE((*tx)->PutChild(c).ok());
    storage::SourceRecord r;
    r.source = s.id;
    r.key = domain::SourceKey("K1");
    r.child = c.id;
    r.batch = domain::BatchId("b1");
    r.data = c;
    r.data.accountable.reset();
    EXPECT_TRUE((*tx)->PutSourceRecord(r).ok());
    EXPECT_TRUE((*tx)->Commit().ok());
    return c.id;
  }

  httplib::Result Post(const std::string& path, const Json& body, const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client_->Post(path.c_str(), headers, body.dump(), "application/json");
  }

  std::unique_ptr<ingest::Linker> linker_;
  search::StoredRecordStates states_;
  std::unique_ptr<search::SearchService> search_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<httplib::Client> client_;
  std::string token_;
  domain::ContactPointId child_;
};

TEST_F(SearchApiTest, ASearchFindsTheChildAndSaysWhy) {
  auto res = Post("/api/v1/searches",
                  Json{{"given_names", "Ann"}, {"family_name", "Lee"}, {"date_of_birth", "2015"}},
                  token_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  const Json body = Json::parse(res->body);
  EXPECT_EQ(body["outcome"], "results");
  ASSERT_EQ(body["results"].size(), 1u);
  const Json& hit = body["results"][0];
  EXPECT_EQ(hit["contactpoint_id"], child_.ToString());
  EXPECT_EQ(hit["record"]["family_name"], "Lee");
  EXPECT_EQ(hit["record"]["date_of_birth"], "2015-01-02");
  bool family = false;
  for (const Json& why : hit["why"]) family = family || why["criterion"] == "family_name";
  EXPECT_TRUE(family) << hit["why"].dump();
}

TEST_F(SearchApiTest, BodiesAreStrictAndAuthenticationIsRequired) {
  auto anonymous = Post("/api/v1/searches", Json{{"family_name", "Lee"}}, "");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto unknown = Post("/api/v1/searches", Json{{"family_name", "Lee"}, {"surname", "Lee"}}, token_);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(Json::parse(unknown->body)["error"]["message"].get<std::string>().find("'surname'"),
            std::string::npos);
  // A long unknown name in a script of several bytes a letter is quoted cut at
  // a letter, never mid-character (the answer stays valid JSON).
  std::string long_name;
  for (int i = 0; i < 40; ++i) long_name += "\xC3\xA9";  // é, two bytes, 80 bytes in all
  long_name = "x" + long_name;                             // odd: byte 64 is mid-letter
  auto mangled = Post("/api/v1/searches", Json{{"family_name", "Lee"}, {long_name, "x"}}, token_);
  ASSERT_TRUE(mangled);
  EXPECT_EQ(mangled->status, 400);
  EXPECT_NE(Json::parse(mangled->body)["error"]["message"].get<std::string>().find("unknown field"),
            std::string::npos);
  // A field given twice is refused (else its last value would be used).
  const httplib::Headers auth{{"Authorization", "Bearer " + token_}};
  auto twice = client_->Post(
      "/api/v1/searches", auth,
      R"({"family_name": "Lee", "given_names": "Ann", "family_name": "Smith"})",
      "application/json");
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 400);
  EXPECT_NE(Json::parse(twice->body)["error"]["message"].get<std::string>().find("more than once"),
            std::string::npos);
  // Nested keys are not top-level duplicates (and a nested value is refused
  // as not a string).
  auto nested = client_->Post("/api/v1/searches", auth,
                              R"({"family_name": {"a": 1, "b": 1}, "given_names": "Ann"})",
                              "application/json");
  ASSERT_TRUE(nested);
  EXPECT_NE(Json::parse(nested->body)["error"]["message"].get<std::string>().find("must be a string"),
            std::string::npos);
  // A body over the route's limit is refused before it is read.
  auto huge = client_->Post("/api/v1/searches", auth,
                            "{\"family_name\": \"" + std::string(70 * 1024, 'a') + "\"}",
                            "application/json");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  auto few = Post("/api/v1/searches", Json{{"family_name", "Lee"}}, token_);
  ASSERT_TRUE(few);
  EXPECT_EQ(few->status, 400);
  EXPECT_EQ(Json::parse(few->body)["error"]["code"], "insufficient_search_criteria");
  auto wildcard = Post("/api/v1/searches", Json{{"family_name", "L*"}, {"given_names", "Ann"}}, token_);
  ASSERT_TRUE(wildcard);
  EXPECT_EQ(Json::parse(wildcard->body)["error"]["code"], "wildcard_not_allowed");
  // Every signed-in attempt is audited as a refused search, the unreadable
  // bodies too (unknown, mangled, twice, nested; the oversized one never
  // reached the handler); the anonymous one has no user to name.
  const auto events = Events(audit::Action::kSearch);
  ASSERT_EQ(events.size(), 6u);
  for (const auto& logged : events) {
    EXPECT_EQ(logged.event.outcome, audit::Outcome::kRefused);
  }
  EXPECT_EQ(events[0].event.refusal, "invalid_argument");
  EXPECT_EQ(events[5].event.refusal, "wildcard_not_allowed");
}

TEST_F(SearchApiTest, OpeningARecordNeedsAReasonAndIsAudited) {
  const std::string path = "/api/v1/children/" + child_.ToString() + "/views";
  auto none = Post(path, Json::object(), token_);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 400);
  EXPECT_EQ(Json::parse(none->body)["error"]["code"], "reason_required");
  auto viewed = Post(path, Json{{"reason", "child_protection"}, {"reason_text", "Strategy meeting"}},
                     token_);
  ASSERT_TRUE(viewed);
  ASSERT_EQ(viewed->status, 200) << viewed->body;
  const Json body = Json::parse(viewed->body);
  EXPECT_EQ(body["redirected"], false);
  EXPECT_EQ(body["record"]["given_names"], "Ann");
  EXPECT_TRUE(body["record"]["services"].is_array());
  auto missing = Post("/api/v1/children/000000000000/views", Json{{"reason", "assessment"}}, token_);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);  // not a valid ContactPoint ID
  auto unreadable = Post(path, Json{{"reason", "assessment"}, {"notes", "x"}}, token_);
  ASSERT_TRUE(unreadable);
  EXPECT_EQ(unreadable->status, 400);
  const auto events = Events(audit::Action::kViewRecord);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3].event.outcome, audit::Outcome::kRefused);
  EXPECT_EQ(events[3].event.refusal, "invalid_argument");
  EXPECT_EQ(events[3].event.children, std::vector<domain::ContactPointId>{child_});
  EXPECT_EQ(events[1].event.outcome, audit::Outcome::kAllowed);
  EXPECT_EQ(events[1].event.reason, "child_protection");
}

}  // namespace
}  // namespace cp::app
