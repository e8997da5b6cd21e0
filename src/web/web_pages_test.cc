#include "web/web_pages.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <regex>
#include <string>

#include "http/testing/loopback.h"
#include "identity/identity_fixture.h"
#include "ingest/linker.h"

namespace cp::web {
namespace {

using access::Role;
using identity::testing::kLeeds;

// A form body, url-encoded.
std::string Form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string body;
  for (const auto& [k, v] : fields) {
    if (!body.empty()) body += '&';
    body += httplib::detail::encode_query_param(k) + "=" + httplib::detail::encode_query_param(v);
  }
  return body;
}

// The value of a hidden input called `name` in a page.
std::string Hidden(const std::string& html, const std::string& name) {
  std::smatch m;
  const std::regex re("name=\"" + name + "\" value=\"([^\"]*)\"");
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

// The value a Set-Cookie header of `res` gives the cookie `name`.
std::string SetCookieValue(const httplib::Result& res, const std::string& name) {
  for (const auto& [k, v] : res->headers) {
    if (k == "Set-Cookie" && v.starts_with(name + "=")) {
      return v.substr(name.size() + 1, v.find(';') - name.size() - 1);
    }
  }
  return "";
}

std::string SetCookieHeader(const httplib::Result& res, const std::string& name) {
  for (const auto& [k, v] : res->headers) {
    if (k == "Set-Cookie" && v.starts_with(name + "=")) return v;
  }
  return "";
}

class WebPagesTest : public identity::testing::IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    auto linker = ingest::Linker::Load(CP_LINKAGE_DATA_DIR);
    ASSERT_TRUE(linker.ok()) << linker.status().ToString();
    linker_ = std::move(*linker);
    MakeEligible(admin_, "leeds.um", Role::kUserManager, kLeeds);
    const identity::Account um = *directory_->Manager("leeds.um");
    secrets_ = MakeEligible(um, "sam", Role::kSocialWorker, kLeeds);
    AddChild("Ann", "Lee");
    AddChild("<script>alert(1)</script>", "Lee");
    search_ = std::make_unique<search::SearchService>(
        search::SearchDeps{*store_, *audit_, clock_, *linker_, states_});
    oversight_ = std::make_unique<practice::OversightService>(
        practice::PracticeDeps{*store_, *audit_, clock_, states_});
    cpm_secrets_ = MakeEligible(admin_, "leeds.cpm", Role::kContactPointManager, kLeeds);
    server_ = http::MakeHttpServer();
    const std::string web = CP_WEB_DIR;
    WebDeps deps{*sign_in_, *search_, *oversight_,
                 AssetDirs{web + "/node_modules/govuk-frontend/dist/govuk", web + "/static"}};
    ASSERT_TRUE(RegisterWebRoutes(*server_, deps).ok());
    client_ = http::testing::StartOnLoopback(*server_);
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override {
    server_->Stop();
    search_.reset();
    oversight_.reset();
    IdentityTest::TearDown();
  }

  void AddChild(const std::string& given, const std::string& family) {
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    if (!(*tx)->GetSource(domain::SourceId("gro-births")).ok()) {
      storage::SourceEntry s;
      s.id = domain::SourceId("gro-births");
      s.name = "Test source";
      s.state = domain::SourceState::kActive;
      EXPECT_TRUE((*tx)->PutSource(s).ok());
    }
    domain::Child c;
    c.id = *(*tx)->AllocateChildId(random_);
    c.name = domain::PersonName{domain::PersonalText(given), domain::PersonalText(family)};
    c.gender = domain::Gender::kFemale;
    c.date_of_birth =
        core::Sensitive<domain::Date>(identity::testing::Day(2015, std::chrono::January, 2));
    c.address = domain::Address{core::Sensitive<std::vector<std::string>>({"1 Park Row"}),
                                domain::PersonalText("LS1 5AB")};
    domain::Involvement social;
    social.type = domain::ServiceType::kSocialCare;
    social.organisation.name = "Leeds Children's Social Work";
    social.practitioner_contact.phone = domain::PersonalText("0113 496 0001");
    c.involvements.push_back(social);
    c.accountable = domain::Accountability{kLeeds, false};
    EXPECT_TRUE((*tx)->PutChild(c).ok());
    storage::SourceRecord r;
    r.source = domain::SourceId("gro-births");
    r.key = domain::SourceKey("K" + std::to_string(++keys_));
    r.child = c.id;
    r.batch = domain::BatchId("b1");
    r.data = c;
    r.data.accountable.reset();
    EXPECT_TRUE((*tx)->PutSourceRecord(r).ok());
    EXPECT_TRUE((*tx)->Commit().ok());
    if (given == "Ann") ann_ = c.id;
  }

  httplib::Result PostForm(const std::string& path, const std::string& body,
                           const std::string& cookie) {
    httplib::Headers headers;
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    return client_->Post(path.c_str(), headers, body, "application/x-www-form-urlencoded");
  }
  httplib::Result Get(const std::string& path, const std::string& cookie) {
    httplib::Headers headers;
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    return client_->Get(path.c_str(), headers);
  }

  // Signs `username` in through the pages; returns the session cookie.
  std::string SignIn(const std::string& username = "sam") {
    const identity::Secrets& secrets = username == "sam" ? secrets_ : cpm_secrets_;
    auto form = Get("/sign-in", "");
    EXPECT_EQ(form->status, 200);
    const std::string csrf = Hidden(form->body, "csrf");
    auto res = PostForm("/sign-in",
                        Form({{"csrf", csrf},
                              {"username", username},
                              {"password", secrets.password.Reveal()},
                              {"pin", secrets.pin.Reveal()},
                              {"code", Code(username).Reveal()}}),
                        "cp_sign_in=" + SetCookieValue(form, "cp_sign_in"));
    EXPECT_EQ(res->status, 303) << res->body;
    EXPECT_EQ(res->get_header_value("Location"), "/search");
    return "cp_session=" + SetCookieValue(res, "cp_session");
  }

  std::unique_ptr<ingest::Linker> linker_;
  search::StoredRecordStates states_;
  std::unique_ptr<search::SearchService> search_;
  std::unique_ptr<practice::OversightService> oversight_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<httplib::Client> client_;
  identity::Secrets secrets_;
  identity::Secrets cpm_secrets_;
  domain::ContactPointId ann_;
  int keys_ = 0;
};

TEST_F(WebPagesTest, SignInSetsAStrictSessionCookieAndPagesCarryAStrictPolicy) {
  auto form = Get("/sign-in", "");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
  EXPECT_EQ(form->get_header_value("Content-Type"), "text/html; charset=utf-8");
  const std::string csp = form->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(form->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(form->body.find("<script>"), std::string::npos) << "no inline script";
  EXPECT_NE(SetCookieHeader(form, "cp_sign_in").find("HttpOnly; Secure; SameSite=Strict"),
            std::string::npos);

  // Without the sign-in cookie the form is refused (CSRF), whatever it holds.
  auto forged = PostForm("/sign-in",
                         Form({{"csrf", Hidden(form->body, "csrf")},
                               {"username", "sam"},
                               {"password", secrets_.password.Reveal()},
                               {"pin", secrets_.pin.Reveal()},
                               {"code", Code("sam").Reveal()}}),
                         "");
  EXPECT_EQ(forged->status, 400);
  EXPECT_NE(forged->body.find("had expired"), std::string::npos);

  auto res = Get("/sign-in", "");
  auto wrong = PostForm("/sign-in",
                        Form({{"csrf", Hidden(res->body, "csrf")},
                              {"username", "sam"},
                              {"password", "wrong"},
                              {"pin", "0000"},
                              {"code", "000000"}}),
                        "cp_sign_in=" + SetCookieValue(res, "cp_sign_in"));
  EXPECT_EQ(wrong->status, 401);
  EXPECT_NE(wrong->body.find("There is a problem"), std::string::npos);
  EXPECT_NE(wrong->body.find("value=\"sam\""), std::string::npos) << "the username is kept";

  const std::string session = SignIn();
  EXPECT_GT(session.size(), 20u);
  auto search = Get("/search", session);
  EXPECT_EQ(search->status, 200);
  EXPECT_NE(search->body.find("Search for a child"), std::string::npos);
  EXPECT_NE(search->body.find("Signed in as Test sam"), std::string::npos);
  EXPECT_EQ(Get("/search", "")->status, 303) << "to sign in";
}

TEST_F(WebPagesTest, ASearchListsEscapedResultsAndARecordOpensOnlyWithAReason) {
  const std::string session = SignIn();
  auto page = Get("/search", session);
  const std::string csrf = Hidden(page->body, "csrf");
  ASSERT_FALSE(csrf.empty());

  auto forged = PostForm("/search", Form({{"family_name", "Lee"}, {"given_names", "Ann"}}),
                         session);
  EXPECT_EQ(forged->status, 400) << "no CSRF token: nothing searched";
  auto few = PostForm("/search", Form({{"csrf", csrf}, {"family_name", "Lee"}}), session);
  EXPECT_EQ(few->status, 400);
  EXPECT_NE(few->body.find("govuk-error-summary"), std::string::npos);
  EXPECT_NE(few->body.find("href=\"#family_name\""), std::string::npos);

  // An incomplete date is refused by the search service, and audited there.
  auto partial = PostForm("/search",
                          Form({{"csrf", csrf}, {"family_name", "Lee"}, {"dob_day", "2"}}),
                          session);
  EXPECT_EQ(partial->status, 400);
  EXPECT_NE(partial->body.find("href=\"#dob_day\""), std::string::npos);
  const auto searches = Events(audit::Action::kSearch);
  ASSERT_FALSE(searches.empty());
  EXPECT_EQ(searches.back().event.outcome, audit::Outcome::kRefused);

  auto found = PostForm("/search",
                        Form({{"csrf", csrf},
                              {"family_name", "Lee"},
                              {"dob_day", "2"},
                              {"dob_month", "1"},
                              {"dob_year", "2015"}}),
                        session);
  ASSERT_EQ(found->status, 200) << found->body;
  EXPECT_NE(found->body.find("Ann Lee"), std::string::npos);
  EXPECT_EQ(found->body.find("<script>alert(1)"), std::string::npos) << "escaped";
  EXPECT_NE(found->body.find("&lt;script&gt;alert(1)"), std::string::npos);
  EXPECT_EQ(found->body.find("0113 496 0001"), std::string::npos) << "no contacts in results";

  auto none = PostForm("/search",
                       Form({{"csrf", csrf}, {"family_name", "Zed"}, {"given_names", "Quill"}}),
                       session);
  EXPECT_NE(none->body.find("id=\"no-match\""), std::string::npos);

  auto reason = PostForm("/record/reason",
                         Form({{"csrf", csrf}, {"contactpoint_id", ann_.ToString()}}), session);
  ASSERT_EQ(reason->status, 200);
  EXPECT_NE(reason->body.find("Why are you opening this record?"), std::string::npos);
  auto without = PostForm("/record", Form({{"csrf", csrf}, {"contactpoint_id", ann_.ToString()}}),
                          session);
  EXPECT_EQ(without->status, 400);
  EXPECT_NE(without->body.find("Select why you are opening this record"), std::string::npos);
  EXPECT_EQ(without->body.find("0113 496 0001"), std::string::npos);

  auto record = PostForm("/record",
                         Form({{"csrf", csrf},
                               {"contactpoint_id", ann_.ToString()},
                               {"reason", "emergency_care"}}),
                         session);
  ASSERT_EQ(record->status, 200) << record->body;
  EXPECT_NE(record->body.find("Who is working with this child"), std::string::npos);
  EXPECT_NE(record->body.find("0113 496 0001"), std::string::npos);
  EXPECT_NE(record->body.find("Leeds Children&apos;s Social Work"), std::string::npos);
  // Audited as the API's views are.
  const auto views = Events(audit::Action::kViewRecord);
  ASSERT_FALSE(views.empty());
  EXPECT_EQ(views.back().event.reason, "emergency_care");
  EXPECT_EQ(views.back().event.outcome, audit::Outcome::kAllowed);
}

TEST_F(WebPagesTest, SigningOutEndsTheSessionAndNeedsTheFormsToken) {
  const std::string session = SignIn();
  const std::string csrf = Hidden(Get("/search", session)->body, "csrf");
  auto forged = PostForm("/sign-out", Form({{"csrf", "0000"}}), session);
  EXPECT_EQ(forged->status, 400);
  EXPECT_EQ(Get("/search", session)->status, 200) << "still signed in";
  auto out = PostForm("/sign-out", Form({{"csrf", csrf}}), session);
  EXPECT_EQ(out->status, 303);
  EXPECT_NE(SetCookieHeader(out, "cp_session").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Get("/search", session)->status, 303) << "the session has ended";
}

TEST_F(WebPagesTest, AManagerSeesAndReviewsMisuseAlertsAndNobodyElseDoes) {
  // Sam ("Test sam") searches their own family name: an alert.
  const std::string sam = SignIn();
  const std::string csrf = Hidden(Get("/search", sam)->body, "csrf");
  ASSERT_EQ(PostForm("/search", Form({{"csrf", csrf}, {"family_name", "Sam"},
                                      {"given_names", "Ann"}}),
                     sam)->status,
            200);
  EXPECT_EQ(Get("/manage/alerts", sam)->status, 403);
  EXPECT_EQ(Get("/search", sam)->body.find("Misuse alerts"), std::string::npos);

  const std::string cpm = SignIn("leeds.cpm");
  auto page = Get("/manage/alerts", cpm);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_NE(page->body.find("Searched for their own family name"), std::string::npos);
  EXPECT_NE(page->body.find("Test sam (sam)"), std::string::npos);
  const std::string alert = Hidden(page->body, "alert_id");
  ASSERT_FALSE(alert.empty());
  const std::string manager_csrf = Hidden(page->body, "csrf");
  auto none = PostForm("/manage/alerts/review",
                       Form({{"csrf", manager_csrf}, {"alert_id", alert}}), cpm);
  EXPECT_EQ(none->status, 400) << "a finding is required";
  EXPECT_NE(none->body.find("Select your finding"), std::string::npos);
  auto forged = PostForm("/manage/alerts/review",
                         Form({{"csrf", csrf}, {"alert_id", alert}, {"finding", "no_concern"}}),
                         cpm);
  EXPECT_EQ(forged->status, 400) << "another session's token";
  auto done = PostForm("/manage/alerts/review",
                       Form({{"csrf", manager_csrf}, {"alert_id", alert}, {"finding", "no_concern"}}),
                       cpm);
  ASSERT_EQ(done->status, 303) << done->body;
  auto after = Get("/manage/alerts?reviewed=1", cpm);
  EXPECT_NE(after->body.find("Your finding is recorded"), std::string::npos);
  EXPECT_NE(after->body.find("id=\"no-alerts\""), std::string::npos);
  const auto reviews = Events(audit::Action::kReviewMisuseAlert);
  ASSERT_EQ(reviews.size(), 1u);
  EXPECT_EQ(reviews[0].event.reason, "no_concern");
}

TEST_F(WebPagesTest, AssetsAreServedAndPathsOutsideThemAreNot) {
  auto css = Get("/assets/govuk-frontend.min.css", "");
  ASSERT_EQ(css->status, 200);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(Get("/assets/app.mjs", "")->status, 200);
  EXPECT_EQ(Get("/assets/../package.json", "")->status, 404);
  EXPECT_EQ(Get("/assets/..%2Fpackage.json", "")->status, 404);
}

}  // namespace
}  // namespace cp::web
