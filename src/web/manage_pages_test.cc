// The User Manager's and ContactPoint Manager's pages, and changing one's
// own temporary secrets (manage_pages.cc, account_pages.cc).
#include <gtest/gtest.h>
#include <httplib.h>

#include <regex>
#include <string>

#include "web/testing/web_fixture.h"

namespace cp::web {
namespace {

using namespace testing;  // NOLINT: the web fixture
using identity::testing::Day;
using std::chrono::November;

bool Has(const httplib::Result& res, const std::string& text) {
  return res->body.find(text) != std::string::npos;
}

// The text of the element with id `id` (a <code> of the secrets pages).
std::string CodeText(const std::string& html, const std::string& id) {
  std::smatch m;
  const std::regex re("id=\"" + id + "\"[^>]*>([^<]*)<");
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

// A User Manager of Leeds whose secrets the fixture knows ("leeds.users"),
// beside the fixture's social worker "sam" and ContactPoint Manager.
class ManagePagesTest : public WebPagesTest {
 protected:
  void SetUp() override {
    WebPagesTest::SetUp();
    AddUser(admin_, "leeds.users", Role::kUserManager);
  }

  std::string State(const std::string& username) {
    return directory_->Show(admin_, username)->account_state;
  }
};

TEST_F(ManagePagesTest, AUserManagerListsSuspendsAndReinstatesAUser) {
  const std::string um = SignIn("leeds.users");
  auto list = Get("/manage/users", um);
  ASSERT_EQ(list->status, 200) << list->body;
  EXPECT_TRUE(Has(list,
                  "<caption class=\"govuk-table__caption govuk-table__caption--m\">Users "
                  "you manage</caption>"));
  EXPECT_TRUE(Has(list, "Test sam"));
  EXPECT_TRUE(Has(list, "Social worker"));
  EXPECT_TRUE(Has(list, "href=\"/manage/users\""));
  const std::string csrf = Hidden(list->body, "csrf");
  ASSERT_FALSE(csrf.empty());

  auto shown = PostForm("/manage/users/user", Form({{"csrf", csrf}, {"username", "sam"}}), um);
  ASSERT_EQ(shown->status, 200) << shown->body;
  EXPECT_TRUE(Has(shown, "<h1 class=\"govuk-heading-l\">Test sam</h1>"));
  EXPECT_TRUE(Has(shown, "Suspend account"));

  auto suspended =
      PostForm("/manage/users/suspend", Form({{"csrf", csrf}, {"username", "sam"}}), um);
  ASSERT_EQ(suspended->status, 200) << suspended->body;
  EXPECT_TRUE(Has(suspended, "The account is suspended"));
  EXPECT_TRUE(Has(suspended, "Reinstate account"));
  EXPECT_EQ(State("sam"), "suspended");
  EXPECT_TRUE(Has(Get("/manage/users", um), "Cannot sign in:</span> account suspended"));

  auto again = PostForm("/manage/users/suspend", Form({{"csrf", csrf}, {"username", "sam"}}), um);
  EXPECT_EQ(again->status, 409) << "the directory's refusal, as a page";
  EXPECT_TRUE(Has(again, "already suspended"));

  auto reinstated =
      PostForm("/manage/users/reinstate", Form({{"csrf", csrf}, {"username", "sam"}}), um);
  ASSERT_EQ(reinstated->status, 200) << reinstated->body;
  EXPECT_TRUE(Has(reinstated, "The account is reinstated"));
  EXPECT_EQ(State("sam"), "active");

  auto unknown = PostForm("/manage/users/user", Form({{"csrf", csrf}, {"username", "nobody"}}), um);
  EXPECT_EQ(unknown->status, 404);
}

TEST_F(ManagePagesTest, AFormFromAnotherSessionChangesNothing) {
  const std::string um = SignIn("leeds.users");
  const std::string sam = SignIn("sam");
  const std::string sams_csrf = Hidden(Get("/search", sam)->body, "csrf");
  for (const std::string& csrf : {std::string(), std::string("0000"), sams_csrf}) {
    auto forged =
        PostForm("/manage/users/suspend", Form({{"csrf", csrf}, {"username", "sam"}}), um);
    EXPECT_EQ(forged->status, 400);
    EXPECT_TRUE(Has(forged, "The form had expired"));
  }
  EXPECT_EQ(State("sam"), "active");
  const std::string before = User("sam").totp_sealed;
  EXPECT_EQ(
      PostForm("/manage/users/token", Form({{"csrf", sams_csrf}, {"username", "sam"}}), um)->status,
      400);
  EXPECT_EQ(User("sam").totp_sealed, before) << "the token is unchanged";
}

TEST_F(ManagePagesTest, APractitionerIsRefusedTheManagementPagesAndHasNoLinkToThem) {
  const std::string sam = SignIn("sam");
  auto search = Get("/search", sam);
  EXPECT_FALSE(Has(search, "href=\"/manage/users\""));
  EXPECT_FALSE(Has(search, "href=\"/manage/audit\""));
  const std::string csrf = Hidden(search->body, "csrf");
  EXPECT_EQ(Get("/manage/users", sam)->status, 403);
  EXPECT_EQ(Get("/manage/users/new", sam)->status, 403);
  EXPECT_EQ(Get("/manage/audit", sam)->status, 403);
  auto suspend =
      PostForm("/manage/users/suspend", Form({{"csrf", csrf}, {"username", "leeds.cpm"}}), sam);
  EXPECT_EQ(suspend->status, 403);
  EXPECT_EQ(State("leeds.cpm"), "active");
  auto create = PostForm("/manage/users/new",
                         Form({{"csrf", csrf},
                               {"display_name", "Eve"},
                               {"username", "eve"},
                               {"role", "social_worker"},
                               {"organisation", kLeeds}}),
                         sam);
  EXPECT_EQ(create->status, 403);
  EXPECT_FALSE(Has(create, "temporary-password"));
  auto viewed = PostForm("/manage/audit/child",
                         Form({{"csrf", csrf}, {"contactpoint_id", ann_.ToString()}}), sam);
  EXPECT_EQ(viewed->status, 403);
  EXPECT_EQ(PostForm("/manage/audit/user",
                     Form({{"csrf", csrf}, {"user_id", std::to_string(User("leeds.cpm").id)}}), sam)
                ->status,
            403);
}

TEST_F(ManagePagesTest, ALapsedEcrbCheckShowsAndDatesAreCheckedBeforeTheyAreRecorded) {
  const identity::Account um = *directory_->Manager("leeds.users");
  // Three years and a day before the fixture's clock (22 November 2026).
  ASSERT_TRUE(directory_->RecordEcrb(um, "sam", Day(2023, November, 21)).ok());
  const std::string session = SignIn("leeds.users");
  auto list = Get("/manage/users", session);
  EXPECT_TRUE(Has(list, "Cannot sign in:</span> eCRB check lapsed (older than 3 years)"));
  const std::string csrf = Hidden(list->body, "csrf");
  auto shown = PostForm("/manage/users/user", Form({{"csrf", csrf}, {"username", "sam"}}), session);
  EXPECT_TRUE(Has(shown, "eCRB disclosure expired on 2026-11-21: record a renewed disclosure"));

  auto date = [&](const std::string& day, const std::string& month, const std::string& year) {
    return PostForm("/manage/users/ecrb",
                    Form({{"csrf", csrf},
                          {"username", "sam"},
                          {"ecrb_day", day},
                          {"ecrb_month", month},
                          {"ecrb_year", year}}),
                    session);
  };
  auto empty = date("", "", "");
  EXPECT_EQ(empty->status, 400);
  EXPECT_TRUE(Has(empty, "govuk-error-summary"));
  EXPECT_TRUE(Has(empty, "<a href=\"#ecrb_day\">Enter the date of the eCRB disclosure</a>"));
  auto unreal = date("31", "2", "2026");
  EXPECT_EQ(unreal->status, 400);
  EXPECT_TRUE(Has(unreal, "must be a real date"));
  EXPECT_TRUE(Has(unreal, "value=\"31\"")) << "what was typed is kept";
  EXPECT_TRUE(Has(unreal, "govuk-input--error"));
  auto future = date("1", "1", "2027");
  EXPECT_EQ(future->status, 400);
  EXPECT_TRUE(Has(future, "The eCRB disclosure date is in the future"));
  EXPECT_EQ(directory_->Show(admin_, "sam")->ecrb_disclosure, Day(2023, November, 21));

  auto renewed = date("2", "11", "2026");
  ASSERT_EQ(renewed->status, 200) << renewed->body;
  EXPECT_TRUE(Has(renewed, "The eCRB disclosure date is recorded: 2 November 2026."));
  EXPECT_EQ(directory_->Show(admin_, "sam")->ecrb_disclosure, Day(2026, November, 2));
  EXPECT_TRUE(directory_->Show(admin_, "sam")->eligibility.eligible);

  auto training = PostForm("/manage/users/training",
                           Form({{"csrf", csrf},
                                 {"username", "sam"},
                                 {"training_day", "20"},
                                 {"training_month", "11"},
                                 {"training_year", "2026"}}),
                           session);
  ASSERT_EQ(training->status, 200) << training->body;
  EXPECT_EQ(directory_->Show(admin_, "sam")->training_completed, Day(2026, November, 20));
}

TEST_F(ManagePagesTest, CreatingAUserShowsTheTemporarySecretsOnce) {
  const std::string session = SignIn("leeds.users");
  auto form = Get("/manage/users/new", session);
  ASSERT_EQ(form->status, 200) << form->body;
  EXPECT_TRUE(Has(form, "<option value=\"social_worker\">Social worker</option>"));
  EXPECT_FALSE(Has(form, "national_administrator")) << "only an administrator grants it";
  EXPECT_TRUE(Has(form, "value=\"" + kLeeds + "\"")) << "the manager's organisation by default";
  const std::string csrf = Hidden(form->body, "csrf");

  auto missing =
      PostForm("/manage/users/new", Form({{"csrf", csrf}, {"organisation", kLeeds}}), session);
  EXPECT_EQ(missing->status, 400);
  EXPECT_TRUE(Has(missing, "<a href=\"#display_name\">Enter the user&#39;s full name</a>") ||
              Has(missing, "<a href=\"#display_name\">Enter the user&apos;s full name</a>"))
      << missing->body;
  EXPECT_TRUE(Has(missing, "<a href=\"#role\">Select the user"));
  auto bad_postcode = PostForm("/manage/users/new",
                               Form({{"csrf", csrf},
                                     {"display_name", "Nia Hart"},
                                     {"username", "leeds.nh"},
                                     {"role", "social_worker"},
                                     {"organisation", kLeeds},
                                     {"home_postcode", "not a postcode"}}),
                               session);
  EXPECT_EQ(bad_postcode->status, 400);
  EXPECT_TRUE(Has(bad_postcode, "href=\"#home_postcode\""));
  EXPECT_TRUE(Has(bad_postcode, "value=\"Nia Hart\"")) << "what was typed is kept";

  auto created = PostForm("/manage/users/new",
                          Form({{"csrf", csrf},
                                {"display_name", "Nia Hart"},
                                {"username", "leeds.nh"},
                                {"role", "social_worker"},
                                {"organisation", kLeeds},
                                {"home_postcode", "ls1 5ab"}}),
                          session);
  ASSERT_EQ(created->status, 200) << created->body;
  const std::string password = CodeText(created->body, "temporary-password");
  const std::string pin = CodeText(created->body, "temporary-pin");
  ASSERT_FALSE(password.empty());
  ASSERT_FALSE(pin.empty());
  EXPECT_TRUE(Has(created, "shown only once"));
  const identity::UserView view = *directory_->Show(admin_, "leeds.nh");
  EXPECT_TRUE(view.must_change_secrets);
  EXPECT_EQ(view.home_postcode, "LS1 5AB");

  auto page =
      PostForm("/manage/users/user", Form({{"csrf", csrf}, {"username", "leeds.nh"}}), session);
  EXPECT_FALSE(Has(page, password)) << "never shown again";
  EXPECT_TRUE(Has(page, "Temporary: to be changed at the next sign-in"));
  EXPECT_TRUE(Has(page, "Not nominated by the organisation: record the nomination"));

  auto taken = PostForm("/manage/users/new",
                        Form({{"csrf", csrf},
                              {"display_name", "Nia Hart"},
                              {"username", "leeds.nh"},
                              {"role", "social_worker"},
                              {"organisation", kLeeds}}),
                        session);
  EXPECT_EQ(taken->status, 400);
  EXPECT_TRUE(Has(taken, "href=\"#username\""));
  EXPECT_FALSE(Has(taken, "temporary-password"));

  auto reset =
      PostForm("/manage/users/reset", Form({{"csrf", csrf}, {"username", "leeds.nh"}}), session);
  ASSERT_EQ(reset->status, 200) << reset->body;
  const std::string new_password = CodeText(reset->body, "temporary-password");
  EXPECT_FALSE(new_password.empty());
  EXPECT_NE(new_password, password);
}

TEST_F(ManagePagesTest, EnrollingATokenShowsItsQrCodeAndSecretOnce) {
  const std::string session = SignIn("leeds.users");
  const std::string csrf = Hidden(Get("/manage/users", session)->body, "csrf");
  const std::string before = User("sam").totp_sealed;
  auto enrolled =
      PostForm("/manage/users/token", Form({{"csrf", csrf}, {"username", "sam"}}), session);
  ASSERT_EQ(enrolled->status, 200) << enrolled->body;
  EXPECT_NE(User("sam").totp_sealed, before) << "a new token replaces the old";
  EXPECT_TRUE(Has(enrolled, "the old token no longer works"));
  const std::size_t svg = enrolled->body.find("<svg xmlns=\"http://www.w3.org/2000/svg\"");
  ASSERT_NE(svg, std::string::npos) << "the QR code is in the page";
  const std::string qr = enrolled->body.substr(svg, enrolled->body.find("</svg>", svg) - svg);
  EXPECT_EQ(qr.find("style"), std::string::npos) << "nothing the page's policy would block";
  EXPECT_TRUE(Has(enrolled, "shown only once"));
  const std::string secret = CodeText(enrolled->body, "token-secret");
  EXPECT_GE(secret.size(), 16u);
  EXPECT_TRUE(std::regex_match(secret, std::regex("[A-Z2-7]+=*"))) << secret;
  EXPECT_EQ(enrolled->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(enrolled->get_header_value("Content-Security-Policy").find("unsafe-inline"),
            std::string::npos);

  auto page = PostForm("/manage/users/user", Form({{"csrf", csrf}, {"username", "sam"}}), session);
  EXPECT_FALSE(Has(page, secret)) << "never shown again";
  EXPECT_TRUE(Has(page, "Enrol a new security token"));
}

TEST_F(ManagePagesTest, HostileTextIsEscaped) {
  const identity::Account um = *directory_->Manager("leeds.users");
  ASSERT_TRUE(directory_
                  ->CreateUser(um, identity::NewUser{"leeds.x", "<script>alert(1)</script>", kLeeds,
                                                     Role::kSocialWorker, false})
                  .ok());
  const std::string session = SignIn("leeds.users");
  auto list = Get("/manage/users", session);
  EXPECT_FALSE(Has(list, "<script>alert(1)</script>"));
  EXPECT_TRUE(Has(list, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  const std::string csrf = Hidden(list->body, "csrf");
  auto shown =
      PostForm("/manage/users/user", Form({{"csrf", csrf}, {"username", "leeds.x"}}), session);
  EXPECT_FALSE(Has(shown, "<script>alert(1)</script>"));
  auto odd =
      PostForm("/manage/users/user", Form({{"csrf", csrf}, {"username", "<b>x</b>"}}), session);
  EXPECT_EQ(odd->status, 400);
  EXPECT_FALSE(Has(odd, "<b>x</b>"));

  const std::string cpm = SignIn("leeds.cpm");
  auto audit = Get("/manage/audit", cpm);
  EXPECT_FALSE(Has(audit, "<script>alert(1)</script>"));
  EXPECT_TRUE(Has(audit, "&lt;script&gt;"));
  auto typed = PostForm(
      "/manage/audit/child",
      Form({{"csrf", Hidden(audit->body, "csrf")}, {"contactpoint_id", "\"><script>x</script>"}}),
      cpm);
  EXPECT_EQ(typed->status, 400);
  EXPECT_FALSE(Has(typed, "<script>x</script>"));
}

TEST_F(ManagePagesTest, AContactPointManagerSeesWhoViewedAChildAndWhatAUserDid) {
  const std::string sam = SignIn("sam");
  const std::string sams_csrf = Hidden(Get("/search", sam)->body, "csrf");
  auto record = PostForm("/record",
                         Form({{"csrf", sams_csrf},
                               {"contactpoint_id", ann_.ToString()},
                               {"reason", "emergency_care"}}),
                         sam);
  ASSERT_EQ(record->status, 200) << record->body;

  const std::string cpm = SignIn("leeds.cpm");
  EXPECT_TRUE(Has(Get("/search", cpm), "href=\"/manage/audit\""));
  auto audit = Get("/manage/audit", cpm);
  ASSERT_EQ(audit->status, 200) << audit->body;
  const std::string sam_id = std::to_string(User("sam").id);
  EXPECT_TRUE(Has(audit, "<option value=\"" + sam_id + "\">Test sam (sam), Social worker"));
  EXPECT_FALSE(Has(audit, "(leeds.cpm)")) << "nobody reviews their own activity";
  const std::string csrf = Hidden(audit->body, "csrf");

  auto viewed = PostForm("/manage/audit/child",
                         Form({{"csrf", csrf}, {"contactpoint_id", ann_.ToString()}}), cpm);
  ASSERT_EQ(viewed->status, 200) << viewed->body;
  EXPECT_TRUE(Has(viewed, "Views of the record with ContactPoint ID " + ann_.ToString()));
  EXPECT_TRUE(Has(viewed, "Test sam (sam)"));
  EXPECT_TRUE(Has(viewed, "Social worker"));
  EXPECT_TRUE(Has(viewed, "22 November 2026 at 12:00 UTC"));
  EXPECT_TRUE(Has(viewed, "Allowed"));

  auto bad =
      PostForm("/manage/audit/child", Form({{"csrf", csrf}, {"contactpoint_id", "123"}}), cpm);
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(Has(bad, "<a href=\"#contactpoint_id\">A ContactPoint ID is 12 digits"));
  auto none = PostForm("/manage/audit/user", Form({{"csrf", csrf}, {"user_id", ""}}), cpm);
  EXPECT_EQ(none->status, 400);
  EXPECT_TRUE(Has(none, "href=\"#user_id\""));

  auto activity = PostForm("/manage/audit/user", Form({{"csrf", csrf}, {"user_id", sam_id}}), cpm);
  ASSERT_EQ(activity->status, 200) << activity->body;
  EXPECT_TRUE(Has(activity, "What Test sam (sam) did"));
  EXPECT_TRUE(Has(activity, "View record"));
  EXPECT_TRUE(Has(activity, "ContactPoint ID " + ann_.ToString()));
  auto own =
      PostForm("/manage/audit/user",
               Form({{"csrf", csrf}, {"user_id", std::to_string(User("leeds.cpm").id)}}), cpm);
  EXPECT_EQ(own->status, 403);

  // A User Manager is not the one who reads the audit trail.
  const std::string um = SignIn("leeds.users");
  EXPECT_EQ(Get("/manage/audit", um)->status, 403);
  EXPECT_FALSE(Has(Get("/manage/users", um), "href=\"/manage/audit\""));
}

// ---- Changing temporary secrets ------------------------------------------------------------

class AccountPagesTest : public WebPagesTest {
 protected:
  // A user eligible to sign in whose secrets are temporary.
  void AddTemporaryUser(const std::string& username) {
    const identity::Account um = *directory_->Manager("leeds.um");
    auto created = directory_->CreateUser(
        um, identity::NewUser{username, "New " + username, kLeeds, Role::kHealthVisitor, false});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ASSERT_TRUE(directory_->Apply(um, username, identity::UserOperation::kNominate).ok());
    ASSERT_TRUE(directory_->RecordTraining(um, username, Day(2026, November, 2)).ok());
    ASSERT_TRUE(directory_->RecordEcrb(um, username, Day(2025, November, 2)).ok());
    ASSERT_TRUE(directory_->EnrolToken(um, username).ok());
    users_[username] = *created->secrets;
  }
};

TEST_F(AccountPagesTest, TemporarySecretsMustBeChangedBeforeAnythingElse) {
  AddTemporaryUser("leeds.new");
  const std::string session = SignIn("leeds.new", "/account/secrets");
  for (const char* path : {"/search", "/manage/alerts", "/manage/users", "/"}) {
    auto res = Get(path, session);
    EXPECT_EQ(res->status, 303) << path;
    if (std::string(path) != "/") {
      EXPECT_EQ(res->get_header_value("Location"), "/account/secrets") << path;
    }
  }
  auto form = Get("/account/secrets", session);
  ASSERT_EQ(form->status, 200) << form->body;
  EXPECT_TRUE(Has(form, "Your password and PIN are temporary"));
  const std::string csrf = Hidden(form->body, "csrf");
  auto search = PostForm(
      "/search", Form({{"csrf", csrf}, {"family_name", "Lee"}, {"given_names", "Ann"}}), session);
  EXPECT_EQ(search->status, 303);
  EXPECT_EQ(search->get_header_value("Location"), "/account/secrets");

  const std::string current = users_["leeds.new"].password.Reveal();
  auto change = [&](const std::string& now, const std::string& password,
                    const std::string& password_again, const std::string& pin,
                    const std::string& pin_again) {
    return PostForm("/account/secrets",
                    Form({{"csrf", csrf},
                          {"current_password", now},
                          {"new_password", password},
                          {"confirm_password", password_again},
                          {"new_pin", pin},
                          {"confirm_pin", pin_again}}),
                    session);
  };
  auto forged = PostForm("/account/secrets",
                         Form({{"csrf", "0000"},
                               {"current_password", current},
                               {"new_password", "quiet harbour lantern"},
                               {"confirm_password", "quiet harbour lantern"},
                               {"new_pin", "50917342"},
                               {"confirm_pin", "50917342"}}),
                         session);
  EXPECT_EQ(forged->status, 400);
  auto empty = change("", "", "", "", "");
  EXPECT_EQ(empty->status, 400);
  EXPECT_TRUE(Has(empty, "<a href=\"#current_password\">Enter your current password</a>"));
  EXPECT_TRUE(Has(empty, "<a href=\"#new_password\">Enter a new password</a>"));
  EXPECT_TRUE(Has(empty, "<a href=\"#new_pin\">Enter a new PIN</a>"));
  auto mismatch =
      change(current, "quiet harbour lantern", "quiet harbour lanterns", "50917342", "50917343");
  EXPECT_EQ(mismatch->status, 400);
  EXPECT_TRUE(Has(mismatch, "The new passwords do not match"));
  EXPECT_TRUE(Has(mismatch, "The new PINs do not match"));
  auto wrong =
      change("not it", "quiet harbour lantern", "quiet harbour lantern", "50917342", "50917342");
  EXPECT_EQ(wrong->status, 400);
  EXPECT_TRUE(Has(wrong, "<a href=\"#current_password\">The current password is not right</a>"));
  auto short_password = change(current, "short", "short", "50917342", "50917342");
  EXPECT_EQ(short_password->status, 400);
  EXPECT_TRUE(Has(short_password, "<a href=\"#new_password\">The password must be at least 12"));
  auto weak_pin =
      change(current, "quiet harbour lantern", "quiet harbour lantern", "111111", "111111");
  EXPECT_EQ(weak_pin->status, 400);
  EXPECT_TRUE(Has(weak_pin, "<a href=\"#new_pin\">The PIN must not be one digit repeated</a>"));
  EXPECT_FALSE(Has(weak_pin, "111111")) << "a secret is never echoed";
  EXPECT_TRUE(User("leeds.new").must_change_secrets);

  auto changed =
      change(current, "quiet harbour lantern", "quiet harbour lantern", "50917342", "50917342");
  ASSERT_EQ(changed->status, 200) << changed->body;
  EXPECT_TRUE(Has(changed, "Your password and PIN are changed"));
  EXPECT_FALSE(User("leeds.new").must_change_secrets);
  EXPECT_EQ(Get("/search", session)->status, 200) << "now free to search";

  // The new secrets sign in (a code of the next step: each is accepted once).
  clock_.Advance(std::chrono::seconds(30));
  users_["leeds.new"] = identity::Secrets{core::Sensitive<std::string>("quiet harbour lantern"),
                                          core::Sensitive<std::string>("50917342")};
  SignIn("leeds.new", "/search");
}

TEST_F(AccountPagesTest, SigningOutNeedsNoChangeOfSecrets) {
  AddTemporaryUser("leeds.new");
  const std::string session = SignIn("leeds.new", "/account/secrets");
  const std::string csrf = Hidden(Get("/account/secrets", session)->body, "csrf");
  auto out = PostForm("/sign-out", Form({{"csrf", csrf}}), session);
  EXPECT_EQ(out->status, 303);
  EXPECT_EQ(out->get_header_value("Location"), "/sign-in?signed_out=1");
  EXPECT_EQ(Get("/account/secrets", session)->status, 303) << "signed out";
}

}  // namespace
}  // namespace cp::web
