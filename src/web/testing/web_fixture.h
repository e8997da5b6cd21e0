// The web pages' test fixture: a server with every web route on loopback,
// over an identity fixture's store, and a client that signs in through the
// pages. Test-only.
#ifndef CP_WEB_TESTING_WEB_FIXTURE_H_
#define CP_WEB_TESTING_WEB_FIXTURE_H_

#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <optional>
#include <memory>
#include <regex>
#include <string>

#include "http/testing/loopback.h"
#include "identity/identity_fixture.h"
#include "ingest/linker.h"
#include "linkage/model.h"
#include "web/web_pages.h"

namespace cp::web::testing {

using access::Role;
using identity::testing::kLeeds;

// A form body, url-encoded.
inline std::string Form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string body;
  for (const auto& [k, v] : fields) {
    if (!body.empty()) body += '&';
    body += httplib::detail::encode_query_param(k) + "=" + httplib::detail::encode_query_param(v);
  }
  return body;
}

// The value of a hidden input called `name` in a page.
inline std::string Hidden(const std::string& html, const std::string& name) {
  std::smatch m;
  const std::regex re("name=\"" + name + "\" value=\"([^\"]*)\"");
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

// The value a Set-Cookie header of `res` gives the cookie `name`.
inline std::string SetCookieValue(const httplib::Result& res, const std::string& name) {
  for (const auto& [k, v] : res->headers) {
    if (k == "Set-Cookie" && v.starts_with(name + "=")) {
      return v.substr(name.size() + 1, v.find(';') - name.size() - 1);
    }
  }
  return "";
}

inline std::string SetCookieHeader(const httplib::Result& res, const std::string& name) {
  for (const auto& [k, v] : res->headers) {
    if (k == "Set-Cookie" && v.starts_with(name + "=")) return v;
  }
  return "";
}

// A server with the web routes over a store of two children (Ann Lee, and
// one whose given name is a script tag), a social worker "sam" and a
// ContactPoint Manager "leeds.cpm" of Leeds.
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
    users_["sam"] = secrets_;
    AddChild("Ann", "Lee");
    AddChild("<script>alert(1)</script>", "Lee");
    search_ = std::make_unique<search::SearchService>(
        search::SearchDeps{*store_, *audit_, clock_, *linker_, states_});
    oversight_ = std::make_unique<practice::OversightService>(
        practice::PracticeDeps{*store_, *audit_, clock_, states_});
    practice_ = std::make_unique<practice::PracticeService>(
        practice::PracticeDeps{*store_, *audit_, clock_, states_});
    // The review pages' own model (as `serve` gives them): the Linker's is
    // replaced when a load rebuilds its index.
    auto model = linkage::Model::Load(std::string(CP_LINKAGE_DATA_DIR) + "/model.json");
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    review_model_.emplace(std::move(*model));
    review_ = std::make_unique<review::Operations>(review::Services{
        *store_, *audit_, clock_, random_, *linker_, *review_model_});
    cpm_secrets_ = MakeEligible(admin_, "leeds.cpm", Role::kContactPointManager, kLeeds);
    users_["leeds.cpm"] = cpm_secrets_;
    server_ = http::MakeHttpServer();
    const std::string web = CP_WEB_DIR;
    WebDeps deps{*sign_in_,   *search_,  *oversight_, *practice_,
                 *directory_, *review_,   clock_,
                 AssetDirs{web + "/node_modules/govuk-frontend/dist/govuk", web + "/static"}};
    ASSERT_TRUE(RegisterWebRoutes(*server_, deps).ok());
    client_ = http::testing::StartOnLoopback(*server_);
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override {
    server_->Stop();
    search_.reset();
    oversight_.reset();
    practice_.reset();
    review_.reset();
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

  // A user who can sign in (eligible, with a token), made by the User
  // Manager `manager`; SignIn knows their secrets.
  void AddUser(const identity::Account& manager, const std::string& username, Role role,
               const std::string& organisation = kLeeds) {
    users_[username] = MakeEligible(manager, username, role, organisation);
  }

  // Signs `username` in through the pages; returns the session cookie.
  std::string SignIn(const std::string& username = "sam",
                     const std::string& landing = "/search") {
    const identity::Secrets& secrets = users_.at(username);
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
    EXPECT_EQ(res->get_header_value("Location"), landing);
    return "cp_session=" + SetCookieValue(res, "cp_session");
  }

  std::unique_ptr<ingest::Linker> linker_;
  search::StoredRecordStates states_;
  std::unique_ptr<search::SearchService> search_;
  std::unique_ptr<practice::OversightService> oversight_;
  std::unique_ptr<practice::PracticeService> practice_;
  std::optional<linkage::Model> review_model_;
  std::unique_ptr<review::Operations> review_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<httplib::Client> client_;
  identity::Secrets secrets_;
  identity::Secrets cpm_secrets_;
  std::map<std::string, identity::Secrets> users_;  // every user SignIn knows
  domain::ContactPointId ann_;
  int keys_ = 0;
};

}  // namespace cp::web::testing

#endif  // CP_WEB_TESTING_WEB_FIXTURE_H_
