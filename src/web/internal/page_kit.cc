#include "web/internal/page_kit.h"

#include <kainjow/mustache.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "access/roles.h"
#include "domain/validation.h"
#include "web/internal/templates.h"

namespace cp::web::internal {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
namespace mustache = kainjow::mustache;

namespace {

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

}  // namespace

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One name or value of a form body: '+' is a space, %XX a byte; a malformed
// escape is kept as typed.
static std::string Decode(std::string_view in) {
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
}

// Calls `each(name, value)` for every pair of a form body, in order.
template <typename Each>
static void ForEachPair(std::string_view body, Each&& each) {
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (!pair.empty()) {
      each(Decode(pair.substr(0, eq)),
           eq == std::string_view::npos ? std::string() : Decode(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
}

static std::string Trimmed(const std::string& v) {
  const std::size_t first = v.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return v.substr(first, v.find_last_not_of(" \t\r\n") - first + 1);
}

Form ParseForm(std::string_view body) {
  Form fields;
  ForEachPair(body, [&](std::string name, std::string value) {
    fields.emplace(std::move(name), std::move(value));
  });
  return fields;
}

std::vector<std::string> FieldValues(std::string_view body, std::string_view name) {
  std::vector<std::string> values;
  ForEachPair(body, [&](const std::string& n, const std::string& value) {
    if (n == name) values.push_back(Trimmed(value));
  });
  return values;
}

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string Field(const Form& form, const std::string& name) {
  auto it = form.find(name);
  return it == form.end() ? "" : Trimmed(it->second);
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
                      bool expire) {
  std::string cookie = std::string(name) + "=" + std::string(value) + "; Path=" +
                       std::string(path) + "; HttpOnly; Secure; SameSite=Strict";
  if (expire) cookie += "; Max-Age=0";
  return cookie;
}

static std::string Hex(const unsigned char* bytes, std::size_t n) {
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

static mustache::data ToData(const Json& j) {
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

static StatusOr<std::string> Render(std::string_view name, const Json& values) {
  const std::string_view text = internal::Template(name);
  mustache::mustache tmpl{std::string(text)};
  if (!tmpl.is_valid()) {
    return core::Internal("web template " + std::string(name) + ": " + tmpl.error_message());
  }
  mustache::data data = ToData(values);
  // Partials: the error summary and every template named part_*.
  for (std::string_view name : internal::TemplateNames()) {
    if (name != "error_summary" && !name.starts_with("part_")) continue;
    data.set(std::string(name), mustache::partial([name] {
               return std::string(internal::Template(name));
             }));
  }
  return tmpl.render(data);
}

static http::Response Html(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  response.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  return response;
}

http::Response Redirect(std::string location, std::vector<std::string> cookies) {
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

std::string Sentence(std::string message) {
  const bool acronym =
      message.size() > 1 && std::isupper(static_cast<unsigned char>(message[1])) != 0;
  if (!message.empty() && !acronym) {
    message[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(message[0])));
  }
  return message;
}

int HttpStatusOf(const Status& why) {
  switch (why.category()) {
    case core::ErrorCategory::kNotFound: return 404;
    case core::ErrorCategory::kInvalidArgument: return 400;
    case core::ErrorCategory::kAlreadyExists:
    case core::ErrorCategory::kFailedPrecondition:
    case core::ErrorCategory::kAborted: return 409;
    case core::ErrorCategory::kResourceExhausted: return 429;
    default: return 403;
  }
}

bool IsFormError(const Status& why) {
  switch (why.category()) {
    case core::ErrorCategory::kInvalidArgument:
    case core::ErrorCategory::kNotFound:
    case core::ErrorCategory::kAlreadyExists:
    case core::ErrorCategory::kFailedPrecondition:
    case core::ErrorCategory::kAborted:
      return true;
    default:
      return false;
  }
}

Json Errors(const std::string& field, const std::string& message) {
  return Json::array({Json{{"field", field}, {"message", message}}});
}

std::string DateField(const Form& form, const std::string& prefix) {
  const std::string day = Field(form, prefix + "_day");
  const std::string month = Field(form, prefix + "_month");
  const std::string year = Field(form, prefix + "_year");
  if (day.empty() && month.empty() && year.empty()) return "";
  auto two = [](const std::string& v) { return v.size() == 1 ? "0" + v : v; };
  return year + "-" + two(month) + "-" + two(day);
}

// ---- The kit ----------------------------------------------------------------------------

namespace {

// The header's links for a role: the pages its work needs.
Json NavFor(access::Role role) {
  Json links = Json::array({Json{{"href", "/search"}, {"text", "Search for a child"}}});
  auto add = [&](const char* href, const char* text) {
    links.push_back({{"href", href}, {"text", text}});
  };
  switch (role) {
    case access::Role::kContactPointManager:
      add("/manage/shield-reviews", "Shield reviews");
      add("/manage/missing-education", "Missing education");
      add("/manage/audit", "Audit");
      add("/manage/alerts", "Misuse alerts");
      break;
    case access::Role::kDataAdministrator:
      add("/review", "Match review");
      add("/manage/shield-reviews", "Shield reviews");
      add("/manage/missing-education", "Missing education");
      break;
    case access::Role::kUserManager:
    case access::Role::kNationalAdministrator:
      links = Json::array();
      add("/manage/users", "Users");
      break;
    default:
      break;
  }
  return links;
}

}  // namespace

Kit::Kit(const WebDeps& deps) : d_(deps) {
  randombytes_buf(csrf_key_.data(), csrf_key_.size());
}

StatusOr<Signed> Kit::Authenticate(const http::Request& request) {
  const std::string token = Cookie(request, kSessionCookie);
  if (token.empty()) return Status(ErrorCode::kUnauthenticated, "sign in first");
  ASSIGN_OR_RETURN(identity::SessionContext session,
                   d_.sign_in.Authenticate(core::Sensitive<std::string>(token)));
  return Signed{std::move(session), token};
}

std::string Kit::CsrfFor(const std::string& token) const {
  std::array<unsigned char, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), csrf_key_.data(), csrf_key_.size());
  return Hex(out.data(), out.size());
}

http::Response Kit::Page(int status, const std::string& title, std::string_view body_template,
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
    layout["nav"] = NavFor(a.role);
  }
  auto body = Render(body_template, values);
  if (!body.ok()) return Failed(body.status());
  layout["body"] = *body;
  auto html = Render("layout", layout);
  if (!html.ok()) return Failed(html.status());
  return Html(status, std::move(*html));
}

http::Response Kit::Failed(const Status& status) {
  spdlog::error("web: {}", status.ToString());
  return Html(500, "<!DOCTYPE html><html lang=\"en\"><head><title>Sorry, there is a problem "
                   "– ContactPoint</title></head><body><main><h1>Sorry, there is a problem "
                   "with the service</h1><p>Try again later.</p></main></body></html>");
}

http::Response Kit::Message(int status, const std::string& heading, const std::string& message,
                            const Signed* signed_in, const std::string& link,
                            const std::string& link_text) {
  return Page(status, heading, "message",
              Json{{"heading", heading},
                   {"message", message},
                   {"link", link},
                   {"link_text", link_text}},
              signed_in);
}

http::Response Kit::Refused(const Status& why, const std::string& heading, const Signed& s,
                            const std::string& link, const std::string& link_text) {
  switch (why.category()) {
    case core::ErrorCategory::kUnauthenticated:
      return Redirect("/sign-in?ended=1");
    case core::ErrorCategory::kInternal:
    case core::ErrorCategory::kUnavailable:
    case core::ErrorCategory::kDataLoss:
      return Failed(why);
    default:
      return Message(HttpStatusOf(why), heading, why.message(), &s, link, link_text);
  }
}

}  // namespace cp::web::internal
