#include "app/practice_api.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "app/search_api.h"
#include "http/testing/loopback.h"
#include "identity/identity_fixture.h"

namespace cp::app {
namespace {

using access::Role;
using identity::testing::kLeeds;
using identity::testing::kYork;
using Json = nlohmann::json;

class PracticeApiTest : public identity::testing::IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    auto linker = ingest::Linker::Load(CP_LINKAGE_DATA_DIR);
    ASSERT_TRUE(linker.ok()) << linker.status().ToString();
    linker_ = std::move(*linker);
    MakeEligible(admin_, "leeds.um", Role::kUserManager, kLeeds);
    const identity::Account um = *directory_->Manager("leeds.um");
    sw_ = SignIn(um, "sam", Role::kSocialWorker, kLeeds);
    nurse_ = SignIn(um, "nia", Role::kSchoolNurse, kLeeds);
    cpm_ = SignIn(admin_, "leeds.cpm", Role::kContactPointManager, kLeeds);
    york_cpm_ = SignIn(admin_, "york.cpm", Role::kContactPointManager, kYork);
    child_ = AddChild();
    practice_ = std::make_unique<practice::PracticeService>(
        practice::PracticeDeps{*store_, *audit_, clock_, states_});
    oversight_ = std::make_unique<practice::OversightService>(
        practice::PracticeDeps{*store_, *audit_, clock_, states_});
    search_ = std::make_unique<search::SearchService>(
        search::SearchDeps{*store_, *audit_, clock_, *linker_, states_});
    server_ = http::MakeHttpServer();
    RegisterSearchRoutes(*server_, *sign_in_, *search_);
    RegisterPracticeRoutes(*server_, *sign_in_, *practice_, *oversight_);
    client_ = http::testing::StartOnLoopback(*server_);
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override {
    server_->Stop();
    search_.reset();
    practice_.reset();
    oversight_.reset();
    IdentityTest::TearDown();
  }

  std::string SignIn(const identity::Account& manager, const std::string& username, Role role,
                     const std::string& organisation) {
    const identity::Secrets secrets = MakeEligible(manager, username, role, organisation);
    auto session = sign_in_->SignIn(Request(username, secrets));
    EXPECT_TRUE(session.ok()) << session.status().ToString();
    return session->token.Reveal();
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
    c.date_of_birth =
        core::Sensitive<domain::Date>(identity::testing::Day(2015, std::chrono::January, 2));
    c.address = domain::Address{core::Sensitive<std::vector<std::string>>({"1 Park Row"}),
                                domain::PersonalText("LS1 5AB")};
    c.accountable = domain::Accountability{kLeeds, false};
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

  httplib::Result Send(const std::string& method, const std::string& path, const Json* body,
                       const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    const std::string text = body ? body->dump() : "";
    if (method == "POST") return client_->Post(path.c_str(), headers, text, "application/json");
    if (method == "PUT") return client_->Put(path.c_str(), headers, text, "application/json");
    return client_->Get(path.c_str(), headers);
  }
  httplib::Result Post(const std::string& path, const Json& body, const std::string& token) {
    return Send("POST", path, &body, token);
  }
  httplib::Result Put(const std::string& path, const Json& body, const std::string& token) {
    return Send("PUT", path, &body, token);
  }
  httplib::Result Get(const std::string& path, const std::string& token) {
    return Send("GET", path, nullptr, token);
  }

  static std::string Code(const httplib::Result& res) {
    return Json::parse(res->body)["error"]["code"].get<std::string>();
  }
  static std::string Message(const httplib::Result& res) {
    return Json::parse(res->body)["error"]["message"].get<std::string>();
  }

  std::string ChildPath() const { return "/api/v1/children/" + child_.ToString(); }

  std::int64_t Record(const std::string& token) {
    auto res = Post(ChildPath() + "/involvements",
                    Json{{"service_type", "social_care"}, {"phone", "0113 496 0000"}}, token);
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 201) << res->body;
    return Json::parse(res->body)["involvement"]["involvement_id"].get<std::int64_t>();
  }

  std::unique_ptr<ingest::Linker> linker_;
  search::StoredRecordStates states_;
  std::unique_ptr<practice::PracticeService> practice_;
  std::unique_ptr<practice::OversightService> oversight_;
  std::unique_ptr<search::SearchService> search_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<httplib::Client> client_;
  std::string sw_, nurse_, cpm_, york_cpm_;
  domain::ContactPointId child_;
};

TEST_F(PracticeApiTest, RecordingAnInvolvementAnswers201AndTheViewShowsIt) {
  auto res = Post(ChildPath() + "/involvements",
                  Json{{"service_type", "social_care"}, {"email", "sam@example.org"}}, sw_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  const Json body = Json::parse(res->body);
  EXPECT_EQ(body["involvement"]["type"], "social_care");
  EXPECT_EQ(body["redirected"], false);
  auto view = Post(ChildPath() + "/views", Json{{"reason", "child_protection"}}, nurse_);
  ASSERT_EQ(view->status, 200) << view->body;
  const Json services = Json::parse(view->body)["record"]["services"];
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0]["recorded_by"], "practitioner");
  EXPECT_EQ(services[0]["involvement_id"], body["involvement"]["involvement_id"]);
}

TEST_F(PracticeApiTest, ASensitiveServiceNeedsConsentAndOthersSeeItUnspecified) {
  auto refused = Post(ChildPath() + "/involvements",
                      Json{{"service_type", "mental_health"}, {"phone", "0113 496 0000"}}, sw_);
  ASSERT_EQ(refused->status, 400);
  EXPECT_EQ(Code(refused), "invalid_consent");
  auto res = Post(ChildPath() + "/involvements",
                  Json{{"service_type", "mental_health"},
                       {"phone", "0113 496 0000"},
                       {"consent_given_by", "parent"},
                       {"consent_date", "2026-10-30"}},
                  sw_);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(Json::parse(res->body)["involvement"]["consent"],
            (Json{{"given_by", "parent"}, {"date", "2026-10-30"}}));
  auto view = Post(ChildPath() + "/views", Json{{"reason", "child_protection"}}, nurse_);
  ASSERT_EQ(view->status, 200) << view->body;
  const Json services = Json::parse(view->body)["record"]["services"];
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0]["visibility"], "unspecified");
  EXPECT_FALSE(services[0].contains("phone"));
}

TEST_F(PracticeApiTest, BadBodiesAreRefusedNamingTheField) {
  auto unknown = Post(ChildPath() + "/involvements",
                      Json{{"service_type", "social_care"}, {"notes", "x"}}, sw_);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(Message(unknown).find("'notes'"), std::string::npos);
  auto no_contact = Post(ChildPath() + "/involvements", Json{{"service_type", "social_care"}}, sw_);
  EXPECT_EQ(no_contact->status, 400);
  EXPECT_EQ(Code(no_contact), "invalid_contact_details");
  auto bad_email = Post(ChildPath() + "/involvements",
                        Json{{"service_type", "social_care"}, {"email", "nope"}}, sw_);
  EXPECT_EQ(bad_email->status, 400);
  EXPECT_NE(Message(bad_email).find("email"), std::string::npos);
  auto not_string = Post(ChildPath() + "/shield", Json{{"ground", 3}}, sw_);
  EXPECT_EQ(not_string->status, 400);
  EXPECT_NE(Message(not_string).find("'ground'"), std::string::npos);
  auto bad_ground = Post(ChildPath() + "/shield", Json{{"ground", "dislike"}}, sw_);
  EXPECT_EQ(bad_ground->status, 400);
  EXPECT_EQ(Code(bad_ground), "invalid_shield_ground");
  auto bad_number = Put(ChildPath() + "/involvements/abc/end", Json::object(), sw_);
  EXPECT_EQ(bad_number->status, 400);
  auto anonymous = Post(ChildPath() + "/involvements", Json{{"service_type", "social_care"}}, "");
  EXPECT_EQ(anonymous->status, 401);
}

TEST_F(PracticeApiTest, EndLeadAndCafOnOnesOwnInvolvement) {
  const std::int64_t mine = Record(sw_);
  const std::string base = ChildPath() + "/involvements/" + std::to_string(mine);
  auto not_mine = Put(base + "/lead-professional", Json::object(), nurse_);
  EXPECT_EQ(not_mine->status, 422) << not_mine->body;  // no involvement of hers
  EXPECT_EQ(Code(not_mine), "failed_precondition");
  auto lead = Put(base + "/lead-professional", Json::object(), sw_);
  ASSERT_EQ(lead->status, 200) << lead->body;
  EXPECT_EQ(Json::parse(lead->body)["involvement"]["lead_professional"], true);
  const std::int64_t hers = Record(nurse_);
  auto second = Put(ChildPath() + "/involvements/" + std::to_string(hers) + "/lead-professional",
                    Json::object(), nurse_);
  ASSERT_EQ(second->status, 200) << second->body;
  EXPECT_EQ(Json::parse(second->body)["other_leads_cleared"], 1);
  auto caf = Put(base + "/caf", Json{{"holder_email", "caf.holder@example.org"}}, sw_);
  ASSERT_EQ(caf->status, 200) << caf->body;
  EXPECT_EQ(Json::parse(caf->body)["involvement"]["caf_holder"], true);
  auto end = Put(base + "/end", Json{{"end_date", "2026-11-22"}}, sw_);
  ASSERT_EQ(end->status, 200) << end->body;
  EXPECT_EQ(Json::parse(end->body)["involvement"]["end"], "2026-11-22");
  auto again = Put(base + "/end", Json::object(), sw_);
  EXPECT_EQ(Code(again), "involvement_ended");
}

TEST_F(PracticeApiTest, AShieldIsRequestedReviewedAndListedForTheTeam) {
  auto requested = Post(ChildPath() + "/shield", Json{{"ground", "risk_of_harm"}}, sw_);
  ASSERT_EQ(requested->status, 201) << requested->body;
  const Json shield = Json::parse(requested->body)["shield"];
  EXPECT_EQ(shield["state"], "in_force");
  EXPECT_EQ(shield["review_due_at_ms"].get<std::int64_t>(),
            core::ToUnixMillis(clock_.Now() + std::chrono::days(7)));
  auto view = Post(ChildPath() + "/views", Json{{"reason", "child_protection"}}, nurse_);
  ASSERT_EQ(view->status, 200);
  EXPECT_FALSE(Json::parse(view->body)["record"].contains("address"));
  auto list = Get("/api/v1/shield-reviews", cpm_);
  ASSERT_EQ(list->status, 200) << list->body;
  ASSERT_EQ(Json::parse(list->body)["shield_reviews"].size(), 1u);
  EXPECT_EQ(Get("/api/v1/shield-reviews", sw_)->status, 403);
  EXPECT_EQ(Json::parse(Get("/api/v1/shield-reviews", york_cpm_)->body)["shield_reviews"].size(),
            0u);
  EXPECT_EQ(Put(ChildPath() + "/shield", Json{{"decision", "lift"}}, sw_)->status, 403);
  auto bad = Put(ChildPath() + "/shield", Json{{"decision", "later"}}, cpm_);
  EXPECT_EQ(Code(bad), "invalid_shield_decision");
  auto kept = Put(ChildPath() + "/shield", Json{{"decision", "keep"}}, cpm_);
  ASSERT_EQ(kept->status, 200) << kept->body;
  auto lifted = Put(ChildPath() + "/shield", Json{{"decision", "lift"}}, cpm_);
  ASSERT_EQ(lifted->status, 200) << lifted->body;
  EXPECT_EQ(Json::parse(lifted->body)["shield"]["state"], "lifted");
}

TEST_F(PracticeApiTest, WhoViewedAndWhatAUserDidAreForTheManager) {
  ASSERT_EQ(Post(ChildPath() + "/views", Json{{"reason", "assessment"}}, sw_)->status, 200);
  auto viewers = Get(ChildPath() + "/views?limit=10", cpm_);
  ASSERT_EQ(viewers->status, 200) << viewers->body;
  const Json events = Json::parse(viewers->body)["events"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["action"], "view_record");
  EXPECT_EQ(events[0]["reason"], "assessment");
  EXPECT_EQ(Get(ChildPath() + "/views", sw_)->status, 403);
  EXPECT_EQ(Get(ChildPath() + "/views", york_cpm_)->status, 403);
  EXPECT_EQ(Get(ChildPath() + "/views?limit=0", cpm_)->status, 400);

  const std::int64_t sam = User("sam").id;
  auto activity = Get("/api/v1/users/" + std::to_string(sam) + "/activity", cpm_);
  ASSERT_EQ(activity->status, 200) << activity->body;
  bool viewed = false;
  const Json done = Json::parse(activity->body);
  for (const Json& e : done["events"]) {
    viewed = viewed || e["action"] == "view_record";
  }
  EXPECT_TRUE(viewed);
  EXPECT_EQ(Get("/api/v1/users/" + std::to_string(sam) + "/activity", york_cpm_)->status, 403);
  EXPECT_EQ(Get("/api/v1/users/" + std::to_string(sam) + "/activity", nurse_)->status, 403);
  EXPECT_EQ(Get("/api/v1/users/999999/activity", cpm_)->status, 404);
}

TEST_F(PracticeApiTest, MisuseAlertsAreListedAndReviewedByTheManager) {
  ASSERT_EQ(Post(ChildPath() + "/shield", Json{{"ground", "risk_of_harm"}}, sw_)->status, 201);
  ASSERT_EQ(Post(ChildPath() + "/views", Json{{"reason", "child_protection"}}, nurse_)->status,
            200);
  auto listed = Get("/api/v1/misuse-alerts", cpm_);
  ASSERT_EQ(listed->status, 200) << listed->body;
  EXPECT_EQ(listed->get_header_value("Cache-Control"), "no-store");
  const Json alerts = Json::parse(listed->body)["alerts"];
  ASSERT_EQ(alerts.size(), 1u) << listed->body;
  const Json alert = alerts[0];
  EXPECT_EQ(alert["kind"], "shielded_access");
  EXPECT_EQ(alert["user"]["username"], "nia");
  EXPECT_EQ(alert["user"]["role"], "school_nurse");
  EXPECT_EQ(alert["contactpoint_id"], child_.ToString());
  EXPECT_EQ(alert["accountable"], kLeeds);
  EXPECT_EQ(alert["occurrences"], 1);
  EXPECT_EQ(alert["user_suspended"], false);
  EXPECT_TRUE(alert["review"].is_null());
  EXPECT_EQ(Json::parse(Get("/api/v1/misuse-alerts", york_cpm_)->body)["alerts"].size(), 0u);
  EXPECT_EQ(Get("/api/v1/misuse-alerts", sw_)->status, 403);
  EXPECT_EQ(Get("/api/v1/misuse-alerts", "")->status, 401);
  EXPECT_EQ(Get("/api/v1/misuse-alerts?include_reviewed=maybe", cpm_)->status, 400);
  EXPECT_EQ(Get("/api/v1/misuse-alerts?limit=501", cpm_)->status, 400);

  const std::string path =
      "/api/v1/misuse-alerts/" + std::to_string(alert["alert_id"].get<std::int64_t>()) + "/review";
  EXPECT_EQ(Put(path, Json::object(), cpm_)->status, 400) << "the finding is required";
  EXPECT_EQ(Code(Put(path, Json{{"finding", "ok"}}, cpm_)), "invalid_alert_finding");
  EXPECT_EQ(Put(path, Json{{"finding", "no_concern"}}, york_cpm_)->status, 404);
  EXPECT_EQ(Put("/api/v1/misuse-alerts/abc/review", Json{{"finding", "no_concern"}}, cpm_)->status,
            400);
  auto reviewed = Put(path, Json{{"finding", "no_concern"}}, cpm_);
  ASSERT_EQ(reviewed->status, 200) << reviewed->body;
  EXPECT_EQ(Json::parse(reviewed->body)["review"]["finding"], "no_concern");
  EXPECT_EQ(Code(Put(path, Json{{"finding", "referred"}}, cpm_)), "failed_precondition");
  EXPECT_EQ(Json::parse(Get("/api/v1/misuse-alerts", cpm_)->body)["alerts"].size(), 0u);
  EXPECT_EQ(
      Json::parse(Get("/api/v1/misuse-alerts?include_reviewed=true", cpm_)->body)["alerts"].size(),
      1u);
}

}  // namespace
}  // namespace cp::app
