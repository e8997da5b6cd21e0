#include "web/web_pages.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <regex>
#include <string>

#include "web/testing/web_fixture.h"

namespace cp::web {
namespace {

using namespace testing;  // NOLINT: the web fixture

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
