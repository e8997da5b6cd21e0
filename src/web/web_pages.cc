#include "web/web_pages.h"

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <charconv>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "access/roles.h"
#include "domain/validation.h"
#include "search/reasons.h"
#include "search/record_json.h"
#include "web/internal/templates.h"

namespace cp::web {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using Json = nlohmann::json;
namespace mustache = kainjow::mustache;

constexpr std::string_view kSessionCookie = "cp_session";
constexpr std::string_view kSignInCookie = "cp_sign_in";
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

// ---- Forms, cookies, CSRF -------------------------------------------------------------

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded: '+' is a space, %XX a byte. A name given
// twice keeps its first value. Malformed escapes are kept as typed.
std::map<std::string, std::string> ParseForm(std::string_view body) {
  std::map<std::string, std::string> fields;
  auto decode = [](std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (in[i] == '+') {
        out += ' ';
      } else if (in[i] == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
                 HexValue(in[i + 2]) >= 0) {
        out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
        i += 2;
      } else {
        out += in[i];
      }
    }
    return out;
  };
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (!pair.empty()) {
      fields.emplace(decode(pair.substr(0, eq)),
                     eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return fields;
}

std::string Field(const std::map<std::string, std::string>& form, const std::string& name) {
  auto it = form.find(name);
  if (it == form.end()) return "";
  // Trimmed of spaces at either end.
  const std::string& v = it->second;
  const std::size_t first = v.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return v.substr(first, v.find_last_not_of(" \t\r\n") - first + 1);
}

std::string Cookie(const http::Request& request, std::string_view name) {
  for (auto [it, end] = request.headers.equal_range("cookie"); it != end; ++it) {
    std::string_view header = it->second;
    while (!header.empty()) {
      const std::size_t semi = header.find(';');
      std::string_view part = header.substr(0, semi);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      if (part.size() > name.size() && part.substr(0, name.size()) == name &&
          part[name.size()] == '=') {
        return std::string(part.substr(name.size() + 1));
      }
      if (semi == std::string_view::npos) break;
      header.remove_prefix(semi + 1);
    }
  }
  return "";
}

std::string SetCookie(std::string_view name, std::string_view value, std::string_view path,
                      bool expire = false) {
  std::string cookie = std::string(name) + "=" + std::string(value) + "; Path=" +
                       std::string(path) + "; HttpOnly; Secure; SameSite=Strict";
  if (expire) cookie += "; Max-Age=0";
  return cookie;
}

std::string Hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

std::string RandomToken() {
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return Hex(bytes.data(), bytes.size());
}

bool SameSecret(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// ---- Rendering ------------------------------------------------------------------------

mustache::data ToData(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: {
      mustache::data out{mustache::data::type::object};
      for (const auto& [k, v] : j.items()) out.set(k, ToData(v));
      return out;
    }
    case Json::value_t::array: {
      mustache::data out{mustache::data::type::list};
      for (const Json& v : j) out.push_back(ToData(v));
      return out;
    }
    case Json::value_t::string:
      return mustache::data(j.get<std::string>());
    case Json::value_t::boolean:
      return mustache::data(j.get<bool>());
    case Json::value_t::null:
    case Json::value_t::discarded:
      return mustache::data(false);
    default:
      return mustache::data(j.dump());
  }
}

StatusOr<std::string> Render(std::string_view name, const Json& values) {
  const std::string_view text = internal::Template(name);
  mustache::mustache tmpl{std::string(text)};
  if (!tmpl.is_valid()) {
    return core::Internal("web template " + std::string(name) + ": " + tmpl.error_message());
  }
  mustache::data data = ToData(values);
  data.set("error_summary", mustache::partial([] {
             return std::string(internal::Template("error_summary"));
           }));
  return tmpl.render(data);
}

http::Response Html(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  response.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  return response;
}

http::Response Redirect(std::string location, std::vector<std::string> cookies = {}) {
  http::Response response;
  response.status = 303;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("Location", std::move(location));
  for (std::string& c : cookies) response.headers.emplace_back("Set-Cookie", std::move(c));
  return response;
}

std::string Humanise(std::string_view code) {
  std::string out(code);
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// A service type as people say it.
std::string ServiceTitle(std::string_view code) {
  static const std::map<std::string_view, std::string_view> kTitles = {
      {"gp", "GP"},
      {"sen", "Special educational needs (SEN)"},
      {"yisp", "Youth Inclusion and Support Panel (YISP)"},
      {"police_child_protection", "Police child protection"},
      {"voluntary", "Voluntary organisation"}};
  auto it = kTitles.find(code);
  return it != kTitles.end() ? std::string(it->second) : Humanise(code);
}

// "2013-01-30" as "30 January 2013" (the GOV.UK style); other text as it is.
std::string LongDate(const std::string& iso) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return iso;
  const int month = std::atoi(iso.substr(5, 2).c_str());
  const int day = std::atoi(iso.substr(8, 2).c_str());
  if (month < 1 || month > 12 || day < 1) return iso;
  return std::to_string(day) + " " + std::string(kMonths[month - 1]) + " " + iso.substr(0, 4);
}

// A time as "2 December 2026 at 14:05 UTC".
std::string LongTime(core::Timestamp at) {
  const auto day = std::chrono::floor<std::chrono::days>(at);
  const std::chrono::hh_mm_ss time(std::chrono::floor<std::chrono::minutes>(at - day));
  char clock[16];
  std::snprintf(clock, sizeof clock, "%02d:%02d", static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()));
  return LongDate(domain::FormatDate(std::chrono::year_month_day(day))) + " at " + clock + " UTC";
}

// A stored role code as people say it (the code itself if unknown).
std::string RoleName(const std::string& code) {
  auto role = access::ParseRole(code);
  return role.ok() ? std::string(access::Describe(*role).display_name) : code;
}

// Empty text as null: a template section then leaves the row out.
Json Opt(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

std::string Joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

std::string Text(const Json& j) { return j.is_string() ? j.get<std::string>() : ""; }

std::string OtherNames(const Json& record) {
  std::vector<std::string> names;
  if (record.contains("other_names")) {
    for (const Json& n : record["other_names"]) {
      names.push_back(Joined({Text(n["given_names"]), Text(n["family_name"])}, " "));
    }
  }
  return Joined(names, "; ");
}

// The record page's values: the API's record JSON and what the template
// shows of it, already worded.
Json RecordPage(const search::RecordView& view) {
  const Json record = search::RecordJson(view.shown, /*summary=*/false);
  Json page = {{"record", record},
               {"redirected", view.redirected()},
               {"requested_id", view.requested.ToString()},
               {"gender_text", Humanise(Text(record["gender"]))},
               {"dob_text", LongDate(Text(record["date_of_birth"]))},
               {"dod_text", Opt(LongDate(Text(record.value("date_of_death", Json()))))},
               {"other_names_text", Opt(OtherNames(record))}};
  if (record.contains("address") && record["address"].is_object()) {
    std::vector<std::string> lines;
    for (const Json& line : record["address"]["lines"]) lines.push_back(Text(line));
    lines.push_back(Text(record["address"]["postcode"]));
    page["address_text"] = Opt(Joined(lines, ", "));
  }
  page["limited"] = !record.contains("address");
  if (record.contains("lead_professional_recorded")) {
    page["lead_shown"] = true;
    page["lead_text"] = record["lead_professional_recorded"].get<bool>()
                            ? "Yes: see the service marked lead professional"
                            : "None recorded";
  }
  if (record.contains("caf_exists")) {
    page["caf_shown"] = true;
    page["caf_text"] = record["caf_exists"].get<bool>()
                           ? "A Common Assessment exists: see the service marked CAF holder"
                           : "None recorded";
  }
  Json services = Json::array();
  for (const Json& s : record["services"]) {
    if (s["visibility"] == "unspecified") {
      services.push_back({{"title", "An unspecified service"},
                          {"unspecified", true},
                          {"text", Text(s["text"])}});
      continue;
    }
    const Json& pc = s["practitioner_contact"];
    Json contact = s["organisation"].contains("contact") ? s["organisation"]["contact"] : Json{};
    std::string practitioner;
    if (s["practitioner"].is_object()) {
      practitioner = s["practitioner"].contains("name")
                         ? Text(s["practitioner"]["name"])
                         : Joined({Text(s["practitioner"]["given_names"]),
                                   Text(s["practitioner"]["family_name"])},
                                  " ");
    }
    std::vector<std::string> roles;
    if (s["lead_professional"] == true) roles.push_back("Lead professional");
    if (s["caf_holder"] == true) roles.push_back("CAF holder");
    std::string phone = Text(pc["phone"]);
    std::string email = Text(pc["email"]);
    if (phone.empty() && contact.is_object()) phone = Text(contact["phone"]);
    if (email.empty() && contact.is_object()) email = Text(contact["email"]);
    services.push_back({{"title", ServiceTitle(Text(s["type"]))},
                        {"unspecified", false},
                        {"organisation", Opt(Text(s["organisation"]["name"]))},
                        {"practitioner", Opt(practitioner)},
                        {"phone", Opt(phone)},
                        {"email", Opt(email)},
                        {"since", Opt(LongDate(Text(s["start"])))},
                        {"until", Opt(LongDate(Text(s["end"])))},
                        {"roles", Opt(Joined(roles, ", "))}});
  }
  page["services"] = services;
  page["has_services"] = !services.empty();
  if (record.contains("carers")) {
    page["carers_shown"] = true;
    Json carers = Json::array();
    for (const Json& c : record["carers"]) {
      carers.push_back({{"name", Joined({Text(c["given_names"]), Text(c["family_name"])}, " ")},
                        {"relationship", Humanise(Text(c["relationship"]))},
                        {"parental_responsibility", c["parental_responsibility"] == true},
                        {"phone", Opt(Text(c["contact"]["phone"]))},
                        {"email", Opt(Text(c["contact"]["email"]))}});
    }
    page["carers"] = carers;
  }
  return page;
}

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

Json Errors(const std::string& field, const std::string& message) {
  return Json::array({Json{{"field", field}, {"message", message}}});
}

// ---- The pages ------------------------------------------------------------------------

class Pages {
 public:
  explicit Pages(const WebDeps& deps) : d_(deps) {
    randombytes_buf(csrf_key_.data(), csrf_key_.size());
  }

  // A signed-in request: its session and the token it came with.
  struct Signed {
    identity::SessionContext session;
    std::string token;
  };

  StatusOr<Signed> Authenticate(const http::Request& request) {
    const std::string token = Cookie(request, kSessionCookie);
    if (token.empty()) return Status(ErrorCode::kUnauthenticated, "sign in first");
    ASSIGN_OR_RETURN(identity::SessionContext session,
                     d_.sign_in.Authenticate(core::Sensitive<std::string>(token)));
    return Signed{std::move(session), token};
  }

  std::string CsrfFor(const std::string& token) const {
    std::array<unsigned char, 32> out{};
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()),
                       token.size(), csrf_key_.data(), csrf_key_.size());
    return Hex(out.data(), out.size());
  }

  // The whole page: `body_template` rendered with `values`, inside the layout.
  http::Response Page(int status, const std::string& title, std::string_view body_template,
                      Json values, const Signed* signed_in) {
    Json layout = {{"title", title}, {"has_error", values.value("has_error", false)}};
    if (signed_in != nullptr) {
      const identity::Account& a = signed_in->session.account;
      const std::string csrf = CsrfFor(signed_in->token);
      values["csrf"] = csrf;
      layout["signed_in"] = true;
      layout["csrf"] = csrf;
      layout["user_name"] = a.user.display_name;
      layout["role_name"] = std::string(access::Describe(a.role).display_name);
      layout["organisation_name"] = a.organisation.name;
      layout["idle_seconds"] = std::to_string(d_.idle_seconds);
      layout["is_manager"] = a.role == access::Role::kContactPointManager;
    }
    auto body = Render(body_template, values);
    if (!body.ok()) return Failed(body.status());
    layout["body"] = *body;
    auto html = Render("layout", layout);
    if (!html.ok()) return Failed(html.status());
    return Html(status, std::move(*html));
  }

  http::Response Failed(const Status& status) {
    spdlog::error("web: {}", status.ToString());
    return Html(500, "<!DOCTYPE html><html lang=\"en\"><head><title>Sorry, there is a problem "
                     "– ContactPoint</title></head><body><main><h1>Sorry, there is a problem "
                     "with the service</h1><p>Try again later.</p></main></body></html>");
  }

  http::Response Message(int status, const std::string& heading, const std::string& message,
                         const Signed* signed_in, const std::string& link = "/search",
                         const std::string& link_text = "Search for a child") {
    return Page(status, heading, "message",
                Json{{"heading", heading},
                     {"message", message},
                     {"link", link},
                     {"link_text", link_text}},
                signed_in);
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
    return Redirect("/search",
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

  // A signed-in POST with a valid CSRF token: `body` runs; otherwise to
  // sign in, or a refusal.
  template <typename Body>
  http::Response SignedPost(const http::Request& request, Body&& body) {
    auto signed_in = Authenticate(request);
    if (!signed_in.ok()) return Redirect("/sign-in?ended=1");
    const auto form = ParseForm(request.body);
    if (!SameSecret(Field(form, "csrf"), CsrfFor(signed_in->token))) {
      return Message(400, "The form had expired",
                     "Nothing was done: the form was not sent from this session. Try again.",
                     &*signed_in);
    }
    return body(*signed_in, form);
  }

  http::Response SearchForm(const http::Request& request) {
    auto signed_in = Authenticate(request);
    if (!signed_in.ok()) return Redirect("/sign-in");
    return Page(200, "Search for a child", "search",
                Json{{"form", Json::object()},
                     {"must_change_secrets", signed_in->session.account.user.must_change_secrets}},
                &*signed_in);
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

  Json ReasonValues(const std::string& id) {
    Json reasons = Json::array();
    int n = 0;
    for (const search::ReasonInfo& r : search::ReasonCatalogue()) {
      ++n;
      reasons.push_back({{"code", std::string(r.code)},
                         {"description", std::string(r.description)},
                         {"suffix", n == 1 ? std::string() : "-" + std::to_string(n)}});
    }
    return Json{{"contactpoint_id", id}, {"reasons", reasons}};
  }

  http::Response Reason(const http::Request& request) {
    return SignedPost(request, [&](const Signed& s, const std::map<std::string, std::string>& f) {
      return Page(200, "Why are you opening this record?", "reason",
                  ReasonValues(Field(f, "contactpoint_id")), &s);
    });
  }

  http::Response Record(const http::Request& request) {
    return SignedPost(request, [&](const Signed& s, const std::map<std::string, std::string>& f) {
      const std::string id = Field(f, "contactpoint_id");
      const std::string code = Field(f, "reason");
      const std::string text = Field(f, "reason_text");
      const std::string review = Field(f, "serious_case_review");
      search::ReasonInput reason{code.empty() ? std::nullopt : std::optional(code),
                                 text.empty() ? std::nullopt : std::optional(text),
                                 review.empty() ? std::nullopt : std::optional(review)};
      auto view = d_.search.View(s.session, id, reason);
      if (!view.ok()) {
        const Status& why = view.status();
        if (why.code() == ErrorCode::kReasonRequired || why.code() == ErrorCode::kInvalidReason) {
          Json values = ReasonValues(id);
          values["has_error"] = true;
          const bool about_review =
              !code.empty() && why.message().find("serious_case_review") != std::string::npos;
          // A missing reference says the record is archived; a malformed one
          // gets the service's own words on what to fix.
          const std::string message =
              code.empty() ? std::string("Select why you are opening this record")
              : about_review && review.empty()
                  ? std::string("This record is archived: give the serious case review or "
                                "child-death investigation reference")
                  : why.message();
          const std::string field =
              code.empty() ? "reason" : about_review ? "serious_case_review" : "reason_text";
          values["errors"] = Errors(field, message);
          // The message under the radios only when the choice is at fault.
          if (code.empty()) values["error_message"] = message;
          return Page(400, "Why are you opening this record?", "reason", values, &s);
        }
        if (why.category() == core::ErrorCategory::kUnauthenticated) {
          return Redirect("/sign-in?ended=1");
        }
        const int status = why.category() == core::ErrorCategory::kNotFound ? 404 : 403;
        return Message(status, "This record cannot be shown", why.message(), &s);
      }
      const Json page = RecordPage(*view);
      // A neutral title: browsers keep titles in their history.
      return Page(200, "Child record", "record", page, &s);
    });
  }

  http::Response Alerts(const http::Request& request) {
    auto signed_in = Authenticate(request);
    if (!signed_in.ok()) return Redirect("/sign-in");
    Json values = Json::object();
    for (const auto& [key, value] : request.query) {
      if (key == "reviewed") values["notice"] = "Your finding is recorded.";
    }
    return AlertsPage(*signed_in, 200, std::move(values));
  }

  http::Response AlertsPage(const Signed& s, int status, Json values) {
    auto page = d_.oversight.Alerts(s.session);
    if (!page.ok()) {
      return Message(page.status().category() == core::ErrorCategory::kPermissionDenied ? 403
                                                                                         : 500,
                     "You cannot see misuse alerts", page.status().message(), &s);
    }
    static const std::map<std::string, std::string> kKinds = {
        {"search_volume", "Searches refused at the volume limit"},
        {"view_volume", "Record views refused at the volume limit"},
        {"own_family_name", "Searched for their own family name"},
        {"own_address", "Searched for their own home postcode"},
        {"searches_without_view", "Many searches without opening a record"},
        {"shielded_access", "Opened a shielded record"},
        {"suspended", "Passed the hard daily limit: suspended automatically"}};
    Json alerts = Json::array();
    for (const practice::AlertView& view : page->alerts) {
      const storage::MisuseAlertEntry& a = view.alert;
      auto kind = kKinds.find(a.kind);
      alerts.push_back(
          {{"alert_id", std::to_string(a.id)},
           {"kind_text", kind != kKinds.end() ? kind->second : Humanise(a.kind)},
           {"display_name", view.display_name},
           {"username", view.username},
           {"role", RoleName(view.role)},
           {"organisation", a.organisation},
           {"contactpoint_id", a.child ? Json(a.child->ToString()) : Json(nullptr)},
           {"occurrences", std::to_string(a.occurrences)},
           {"raised_at", LongTime(a.raised_at)},
           {"last_seen_at", LongTime(a.last_seen_at)},
           {"suspended", a.suspended},
           {"csrf", CsrfFor(s.token)}});
    }
    values["has_alerts"] = !alerts.empty();
    values["alerts"] = alerts;
    return Page(status, "Misuse alerts", "alerts", values, &s);
  }

  http::Response ReviewAlert(const http::Request& request) {
    return SignedPost(request, [&](const Signed& s, const std::map<std::string, std::string>& f) {
      const std::string finding = Field(f, "finding");
      const std::string id_text = Field(f, "alert_id");
      std::int64_t id = 0;
      const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
      if (finding.empty() || ec != std::errc() || end != id_text.data() + id_text.size()) {
        Json values = {{"has_error", true},
                       {"errors", Errors("finding-" + id_text,
                                         "Select your finding on alert " + id_text)}};
        return AlertsPage(s, 400, std::move(values));
      }
      auto reviewed = d_.oversight.ReviewAlert(s.session, id, finding);
      if (!reviewed.ok()) {
        Json values = {{"has_error", true},
                       {"errors", Errors("main-content", reviewed.status().message())}};
        return AlertsPage(s, 400, std::move(values));
      }
      return Redirect("/manage/alerts?reviewed=1");
    });
  }

 private:
  WebDeps d_;
  std::array<unsigned char, crypto_generichash_KEYBYTES> csrf_key_{};
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
  auto pages = std::make_shared<Pages>(deps);
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
  server.Route("GET", "/manage/alerts", [pages](const http::Request& r) { return pages->Alerts(r); });
  server.Route("POST", "/manage/alerts/review",
               [pages](const http::Request& r) { return pages->ReviewAlert(r); });
  server.Route("GET", R"(/assets/[A-Za-z0-9._/-]+)",
               [assets](const http::Request& r) { return ServeAsset(assets, r.path); });
  return Status::Ok();
}

}  // namespace cp::web
