#include "web/web_pages.h"

#include <kainjow/mustache.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "search/reasons.h"
#include "search/record_json.h"
#include "web/internal/page_kit.h"
#include "web/internal/record_page.h"
#include "web/internal/templates.h"

namespace cp::web {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using namespace internal;  // NOLINT: the kit's helpers, private to this module
namespace mustache = kainjow::mustache;

// Which form field an error of the search service is about.
std::string SearchErrorField(const Status& status) {
  const std::string& m = status.message();
  switch (status.code()) {
    case ErrorCode::kInvalidDate: return "dob_day";
    case ErrorCode::kInvalidPostcode: return "postcode";
    case ErrorCode::kInvalidContactPointId: return "contactpoint_id";
    case ErrorCode::kInvalidNhsNumber: return "nhs_number";
    default: break;
  }
  for (const char* field : {"given_names", "postcode", "date_of_birth", "contactpoint_id",
                            "nhs_number"}) {
    if (m.find(std::string("'") + field + "'") != std::string::npos) {
      return std::string(field) == "date_of_birth" ? "dob_day" : field;
    }
  }
  return "family_name";
}

// ---- The pages ------------------------------------------------------------------------

class Pages {
 public:
  explicit Pages(std::shared_ptr<Kit> kit) : kit_(std::move(kit)), d_(kit_->deps()) {}

  StatusOr<Signed> Authenticate(const http::Request& request) {
    return kit_->Authenticate(request);
  }
  std::string CsrfFor(const std::string& token) const { return kit_->CsrfFor(token); }
  http::Response Page(int status, const std::string& title, std::string_view body_template,
                      Json values, const Signed* signed_in) {
    return kit_->Page(status, title, body_template, std::move(values), signed_in);
  }
  http::Response Message(int status, const std::string& heading, const std::string& message,
                         const Signed* signed_in) {
    return kit_->Message(status, heading, message, signed_in);
  }
  template <typename Body>
  http::Response SignedPost(const http::Request& request, Body&& body) {
    return kit_->SignedPost(request, std::forward<Body>(body));
  }

  http::Response Home(const http::Request& request) {
    return Redirect(Authenticate(request).ok() ? "/search" : "/sign-in");
  }

  http::Response SignInForm(const http::Request& request, int status = 200,
                            const std::string& username = "", const std::string& error = "") {
    if (status == 200 && Authenticate(request).ok()) return Redirect("/search");
    const std::string csrf = RandomToken();
    Json values = {{"csrf", csrf}, {"username", username}};
    if (!error.empty()) {
      values["has_error"] = true;
      values["errors"] = Errors("username", error);
    }
    for (const auto& [key, value] : request.query) {
      if (key == "ended") values["notice"] = "You were signed out because you did nothing for a while. Sign in again to continue.";
      if (key == "signed_out") values["notice"] = "You have signed out.";
    }
    http::Response page = Page(status, "Sign in", "sign_in", values, nullptr);
    page.headers.emplace_back("Set-Cookie", SetCookie(kSignInCookie, csrf, "/sign-in"));
    return page;
  }

  http::Response SignIn(const http::Request& request) {
    const auto form = ParseForm(request.body);
    const std::string username = Field(form, "username");
    if (!SameSecret(Field(form, "csrf"), Cookie(request, kSignInCookie))) {
      return SignInForm(request, 400, username,
                        "The sign-in form had expired: enter your details again");
    }
    identity::SignInRequest sign_in{username,
                                    core::Sensitive<std::string>(Field(form, "password")),
                                    core::Sensitive<std::string>(Field(form, "pin")),
                                    core::Sensitive<std::string>(Field(form, "code"))};
    auto signed_in = d_.sign_in.SignIn(sign_in);
    if (!signed_in.ok()) {
      const bool failed = signed_in.status().code() == ErrorCode::kSignInFailed;
      return SignInForm(request, failed ? 401 : 403, username,
                        failed ? "Sign-in failed: check your username, password, PIN and "
                                 "security code. After repeated failures you must wait before "
                                 "trying again"
                               : signed_in.status().message());
    }
    return Redirect(signed_in->must_change_secrets ? "/account/secrets" : "/search",
                    {SetCookie(kSessionCookie, signed_in->token.Reveal(), "/"),
                     SetCookie(kSignInCookie, "", "/sign-in", /*expire=*/true)});
  }

  http::Response SignOut(const http::Request& request) {
    auto signed_in = Authenticate(request);
    const std::vector<std::string> clear = {SetCookie(kSessionCookie, "", "/", /*expire=*/true)};
    if (!signed_in.ok()) return Redirect("/sign-in", clear);
    const auto form = ParseForm(request.body);
    if (!SameSecret(Field(form, "csrf"), CsrfFor(signed_in->token))) {
      return Message(400, "The form had expired", "Nothing was done. Try again.", &*signed_in);
    }
    const Status ended = d_.sign_in.SignOut(core::Sensitive<std::string>(signed_in->token));
    if (!ended.ok()) spdlog::warn("web: sign-out: {}", ended.ToString());
    return Redirect("/sign-in?signed_out=1", clear);
  }

  http::Response SearchForm(const http::Request& request) {
    // Temporary secrets: to change them first (Kit::SignedGet).
    return kit_->SignedGet(request, [&](const Signed& s) {
      return Page(200, "Search for a child", "search", Json{{"form", Json::object()}}, &s);
    });
  }

  http::Response Search(const http::Request& request) {
    return SignedPost(request, [&](const Signed& s, const std::map<std::string, std::string>& f) {
      Json form = Json::object();
      for (const char* name : {"given_names", "family_name", "dob_day", "dob_month", "dob_year",
                               "postcode", "contactpoint_id", "nhs_number"}) {
        form[name] = Field(f, name);
      }
      Json values = {{"form", form}};
      auto fail = [&](const std::string& field, const std::string& message) {
        values["has_error"] = true;
        values["errors"] = Errors(field, message);
        return Page(400, "Search for a child", "search", values, &s);
      };
      const std::string day = Field(f, "dob_day");
      const std::string month = Field(f, "dob_month");
      const std::string year = Field(f, "dob_year");
      search::SearchCriteria criteria;
      // The date as the API takes it ("YYYY-MM-DD" or "YYYY"); an incomplete
      // one is passed on too, so that the search service refuses it (and
      // audits the refusal) as it would over the API.
      if (!day.empty() || !month.empty() || !year.empty()) {
        std::string date = year;
        if (!day.empty() || !month.empty()) {
          auto two = [](const std::string& v) { return v.size() == 1 ? "0" + v : v; };
          date += "-" + two(month) + "-" + two(day);
        }
        criteria.date_of_birth = core::Sensitive<std::string>(date);
      }
      auto take = [&](const char* name) -> search::Criterion {
        const std::string v = Field(f, name);
        if (v.empty()) return std::nullopt;
        return core::Sensitive<std::string>(v);
      };
      criteria.given_names = take("given_names");
      criteria.family_name = take("family_name");
      criteria.postcode = take("postcode");
      criteria.contactpoint_id = take("contactpoint_id");
      criteria.nhs_number = take("nhs_number");
      auto answer = d_.search.Search(s.session, criteria, {});
      if (!answer.ok()) {
        const Status& why = answer.status();
        if (why.category() == core::ErrorCategory::kInvalidArgument) {
          return fail(SearchErrorField(why), why.message());
        }
        if (why.category() == core::ErrorCategory::kUnauthenticated) {
          return Redirect("/sign-in?ended=1");
        }
        return Message(why.code() == ErrorCode::kSearchLimitReached ? 429 : 403,
                       "You cannot search now", why.message(), &s);
      }
      values["searched"] = true;
      const bool too_many = answer->outcome == search::SearchAnswer::Outcome::kTooManyMatches;
      values["too_many"] = too_many;
      values["no_match"] = !too_many && answer->hits.empty();
      values["has_results"] = !answer->hits.empty();
      values["result_count"] = std::to_string(answer->hits.size());
      values["result_noun"] = answer->hits.size() == 1 ? "child" : "children";
      Json results = Json::array();
      for (const search::SearchHit& hit : answer->hits) {
        const Json record = search::RecordJson(hit.shown, /*summary=*/true);
        std::vector<std::string> why;
        for (const search::Agreement& a : hit.why) {
          std::string level = a.level;
          std::replace(level.begin(), level.end(), '_', ' ');
          why.push_back(Humanise(a.criterion) + " (" + level + ")");
        }
        results.push_back({{"contactpoint_id", hit.child.ToString()},
                           {"record", record},
                           {"dob_text", LongDate(Text(record["date_of_birth"]))},
                           {"gender_text", Humanise(Text(record["gender"]))},
                           {"other_names_text", Opt(OtherNames(record))},
                           {"why_text", Joined(why, ", ")},
                           {"csrf", CsrfFor(s.token)}});
      }
      values["results"] = results;
      return Page(200, "Search results", "search", values, &s);
    });
  }



  http::Response Reason(const http::Request& request) {
    return SignedPost(request, [&](const Signed& s, const std::map<std::string, std::string>& f) {
      return Page(200, "Why are you opening this record?", "reason",
                  ReasonValues(Field(f, "contactpoint_id")), &s);
    });
  }

  http::Response Record(const http::Request& request) {
    return SignedPost(request, [&](const Signed& s, const Form& f) {
      return ShowRecord(*kit_, s, Field(f, "contactpoint_id"), ReasonFrom(f));
    });
  }


 private:
  std::shared_ptr<Kit> kit_;
  const WebDeps& d_;
};

}  // namespace

Status RegisterWebRoutes(http::Server& server, const WebDeps& deps) {
  if (sodium_init() < 0) return core::Internal("libsodium could not start");
  for (std::string_view name : internal::TemplateNames()) {
    mustache::mustache tmpl{std::string(internal::Template(name))};
    if (!tmpl.is_valid()) {
      return core::Internal("web template " + std::string(name) + ": " + tmpl.error_message());
    }
  }
  auto kit = std::make_shared<Kit>(deps);
  auto pages = std::make_shared<Pages>(kit);
  const AssetDirs assets = deps.assets;
  server.Route("GET", "/", [pages](const http::Request& r) { return pages->Home(r); });
  server.Route("GET", "/sign-in", [pages](const http::Request& r) { return pages->SignInForm(r); });
  server.Route("POST", "/sign-in", [pages](const http::Request& r) { return pages->SignIn(r); });
  server.Route("POST", "/sign-out", [pages](const http::Request& r) { return pages->SignOut(r); });
  server.Route("GET", "/search", [pages](const http::Request& r) { return pages->SearchForm(r); });
  server.Route("POST", "/search", [pages](const http::Request& r) { return pages->Search(r); });
  server.Route("POST", "/record/reason",
               [pages](const http::Request& r) { return pages->Reason(r); });
  server.Route("POST", "/record", [pages](const http::Request& r) { return pages->Record(r); });
  server.Route("GET", R"(/assets/[A-Za-z0-9._/-]+)",
               [assets](const http::Request& r) { return ServeAsset(assets, r.path); });
  RegisterPracticePages(server, kit);
  RegisterReviewPages(server, kit);
  RegisterManagePages(server, kit);
  RegisterAccountPages(server, kit);
  return Status::Ok();
}

}  // namespace cp::web
