#include "app/practice_api.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/internal/json_api.h"
#include "app/session_api.h"
#include "domain/validation.h"
#include "http/errors.h"

namespace cp::app {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using Json = nlohmann::json;
using internal::Failure;
using internal::NoStore;
using internal::StringFields;

std::optional<std::string> Take(std::map<std::string, std::string>& fields, const char* name) {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return std::move(it->second);
}

// The path's segments after "/api/v1/".
std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t at = std::string_view("/api/v1/").size();
  while (at <= path.size()) {
    const std::size_t slash = path.find('/', at);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    out.push_back(path.substr(at, end - at));
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  return out;
}

StatusOr<std::int64_t> Number(std::string_view text, std::string_view what) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0 || text.size() > 18) {
    return Status(ErrorCode::kInvalidArgument,
                  std::string(what) + " in the path must be a positive whole number");
  }
  return value;
}

StatusOr<int> Limit(const http::Request& request) {
  auto it = request.query.find("limit");
  if (it == request.query.end()) return 100;
  ASSIGN_OR_RETURN(std::int64_t value, Number(it->second, "'limit'"));
  if (value > 500) return Status(ErrorCode::kInvalidArgument, "'limit' must be between 1 and 500");
  return static_cast<int>(value);
}

// An empty body counts as {}.
StatusOr<std::map<std::string, std::string>> Fields(
    const http::Request& request, std::initializer_list<std::string_view> names) {
  return StringFields(request.body.empty() ? std::string("{}") : request.body, names,
                      internal::Presence::kOptional);
}

Json Text(const std::optional<domain::PersonalText>& text) {
  return text ? Json(text->Reveal()) : Json(nullptr);
}

Json Time(const std::optional<core::Timestamp>& at) {
  if (!at) return nullptr;
  return core::ToUnixMillis(*at);
}

Json EntryJson(const practice::EntryAnswer& answer) {
  const storage::PractitionerInvolvementEntry& e = answer.entry;
  Json body = {{"contactpoint_id", answer.id.ToString()},
               {"requested_id", answer.requested.ToString()},
               {"redirected", answer.redirected()},
               {"audit_entry", answer.audit_index},
               {"involvement",
                {{"involvement_id", e.id},
                 {"type", domain::ServiceTypeName(e.service_type)},
                 {"organisation", e.organisation},
                 {"phone", Text(e.phone)},
                 {"email", Text(e.email)},
                 {"start", domain::FormatDate(e.start)},
                 {"end", e.end ? Json(domain::FormatDate(*e.end)) : Json(nullptr)},
                 {"lead_professional", e.lead_professional},
                 {"caf_holder", e.caf},
                 {"caf_holder_contact",
                  {{"phone", Text(e.caf_holder_phone)}, {"email", Text(e.caf_holder_email)}}},
                 {"consent",
                  e.consent ? Json{{"given_by", e.consent->given_by ==
                                                        domain::SensitiveConsent::GivenBy::kChild
                                                    ? "child"
                                                    : "parent"},
                                   {"date", domain::FormatDate(e.consent->date)}}
                            : Json(nullptr)}}}};
  if (answer.leads_cleared > 0) body["other_leads_cleared"] = answer.leads_cleared;
  if (answer.redirected()) {
    body["message"] = "record " + answer.requested.ToString() + " was merged into " +
                      answer.id.ToString() + ": use the new ContactPoint ID";
  }
  return body;
}

Json ShieldJson(const storage::ShieldEntry& s) {
  return Json{{"contactpoint_id", s.child.ToString()},
              {"state", storage::ShieldStateName(s.state)},
              {"ground", s.ground},
              {"requested_by", s.requested_by},
              {"requested_at_ms", core::ToUnixMillis(s.requested_at)},
              {"review_due_at_ms", Time(s.review_due_at)},
              {"reviewed_by", s.reviewed_by ? Json(*s.reviewed_by) : Json(nullptr)},
              {"reviewed_at_ms", Time(s.reviewed_at)}};
}

Json AlertJson(const practice::AlertView& view) {
  const storage::MisuseAlertEntry& a = view.alert;
  Json review = nullptr;
  if (!a.open()) {
    review = Json{{"finding", a.finding},
                  {"reviewed_by", a.reviewed_by ? Json(*a.reviewed_by) : Json(nullptr)},
                  {"reviewed_at_ms", Time(a.reviewed_at)}};
  }
  return Json{{"alert_id", a.id},
              {"kind", a.kind},
              {"user",
               {{"user_id", a.user_id},
                {"username", view.username},
                {"display_name", view.display_name},
                {"role", view.role},
                {"organisation", a.organisation}}},
              {"contactpoint_id", a.child ? Json(a.child->ToString()) : Json(nullptr)},
              {"accountable", a.accountable.empty() ? Json(nullptr) : Json(a.accountable)},
              {"raised_at_ms", core::ToUnixMillis(a.raised_at)},
              {"last_seen_at_ms", core::ToUnixMillis(a.last_seen_at)},
              {"occurrences", a.occurrences},
              {"raised_by_audit_entry", a.audit_index},
              {"user_suspended", a.suspended},
              {"review", review}};
}

Json ShieldAnswerJson(const practice::ShieldAnswer& answer) {
  Json body = {{"contactpoint_id", answer.id.ToString()},
               {"requested_id", answer.requested.ToString()},
               {"redirected", answer.redirected()},
               {"audit_entry", answer.audit_index},
               {"shield", ShieldJson(answer.shield)}};
  return body;
}

Json PrincipalJson(const audit::Principal& p) {
  return Json{{"kind", audit::PrincipalKindName(p.kind)},
              {"id", p.id},
              {"role", p.role},
              {"organisation", p.organisation}};
}

Json EventsJson(const practice::AuditPage& page) {
  Json events = Json::array();
  for (const audit::LoggedEvent& logged : page.events) {
    const audit::Event& e = logged.event;
    Json children = Json::array();
    for (const domain::ContactPointId& id : e.children) children.push_back(id.ToString());
    Json counts = Json::object();
    for (const auto& [code, n] : e.counts) counts[code] = n;
    events.push_back(Json{{"index", logged.index},
                          {"at_ms", core::ToUnixMillis(logged.at)},
                          {"action", audit::ActionName(e.action)},
                          {"actor", PrincipalJson(e.actor)},
                          {"on_behalf_of", e.on_behalf_of ? PrincipalJson(*e.on_behalf_of)
                                                          : Json(nullptr)},
                          {"children", children},
                          {"reason", e.reason},
                          {"outcome", audit::OutcomeName(e.outcome)},
                          {"refusal", e.refusal},
                          {"subject", e.subject},
                          {"counts", counts}});
  }
  return Json{{"audit_entry", page.audit_index}, {"events", events}};
}

struct Handlers {
  identity::SignInService& sign_in;
  practice::PracticeService& practice;
  practice::OversightService& oversight;

  // children/{id}/involvements[/{n}/{what}] and children/{id}/shield.
  http::Response Child(const http::Request& request) {
    const std::vector<std::string> seg = Segments(request.path);
    auto session = AuthenticateRequest(sign_in, request);
    if (!session.ok()) return Failure(session.status());
    if (seg.size() < 3 || seg[0] != "children") return Failure(core::NotFound("no such endpoint"));
    const std::string& child = seg[1];
    if (seg[2] == "involvements" && seg.size() == 3 && request.method == "POST") {
      auto f = Fields(request, {"service_type", "phone", "email", "start_date",
                                "consent_given_by", "consent_date"});
      if (!f.ok()) return Failure(f.status());
      auto answer = practice.RecordInvolvement(
          *session, child,
          practice::InvolvementInput{Take(*f, "service_type"), Take(*f, "phone"),
                                     Take(*f, "email"), Take(*f, "start_date"),
                                     Take(*f, "consent_given_by"), Take(*f, "consent_date")});
      if (!answer.ok()) return Failure(answer.status());
      return NoStore(http::JsonResponse(201, EntryJson(*answer).dump()));
    }
    if (seg[2] == "involvements" && seg.size() == 5 && request.method == "PUT") {
      auto n = Number(seg[3], "the involvement number");
      if (!n.ok()) return Failure(n.status());
      StatusOr<practice::EntryAnswer> answer = Status(ErrorCode::kNotFound, "no such endpoint");
      if (seg[4] == "end") {
        auto f = Fields(request, {"end_date"});
        if (!f.ok()) return Failure(f.status());
        answer = practice.EndInvolvement(*session, child, *n, Take(*f, "end_date"));
      } else if (seg[4] == "lead-professional") {
        auto f = Fields(request, {});
        if (!f.ok()) return Failure(f.status());
        answer = practice.MarkLeadProfessional(*session, child, *n);
      } else if (seg[4] == "caf") {
        auto f = Fields(request, {"holder_phone", "holder_email"});
        if (!f.ok()) return Failure(f.status());
        answer = practice.RecordCaf(*session, child, *n, Take(*f, "holder_phone"),
                                    Take(*f, "holder_email"));
      }
      if (!answer.ok()) return Failure(answer.status());
      return NoStore(http::JsonResponse(200, EntryJson(*answer).dump()));
    }
    if (seg[2] == "shield" && seg.size() == 3) {
      if (request.method == "POST") {
        auto f = Fields(request, {"ground"});
        if (!f.ok()) return Failure(f.status());
        auto answer = practice.RequestShield(*session, child, Take(*f, "ground"));
        if (!answer.ok()) return Failure(answer.status());
        return NoStore(http::JsonResponse(201, ShieldAnswerJson(*answer).dump()));
      }
      auto f = Fields(request, {"decision"});
      if (!f.ok()) return Failure(f.status());
      auto answer = practice.ReviewShield(*session, child, Take(*f, "decision"));
      if (!answer.ok()) return Failure(answer.status());
      return NoStore(http::JsonResponse(200, ShieldAnswerJson(*answer).dump()));
    }
    return Failure(core::NotFound("no such endpoint"));
  }

  http::Response ShieldReviews(const http::Request& request) {
    auto session = AuthenticateRequest(sign_in, request);
    if (!session.ok()) return Failure(session.status());
    auto list = practice.ShieldReviewsDue(*session);
    if (!list.ok()) return Failure(list.status());
    Json due = Json::array();
    for (const practice::ShieldDue& d : list->due) {
      Json j = ShieldJson(d.shield);
      j["overdue"] = d.overdue;
      due.push_back(j);
    }
    return NoStore(http::JsonResponse(
        200, Json{{"audit_entry", list->audit_index}, {"shield_reviews", due}}.dump()));
  }

  http::Response WhoViewed(const http::Request& request) {
    const std::vector<std::string> seg = Segments(request.path);
    auto session = AuthenticateRequest(sign_in, request);
    if (!session.ok()) return Failure(session.status());
    auto limit = Limit(request);
    if (!limit.ok()) return Failure(limit.status());
    auto page = oversight.WhoViewed(*session, seg.size() > 1 ? seg[1] : "", *limit);
    if (!page.ok()) return Failure(page.status());
    return NoStore(http::JsonResponse(200, EventsJson(*page).dump()));
  }

  http::Response Alerts(const http::Request& request) {
    auto session = AuthenticateRequest(sign_in, request);
    if (!session.ok()) return Failure(session.status());
    auto limit = Limit(request);
    if (!limit.ok()) return Failure(limit.status());
    bool include_reviewed = false;
    if (auto it = request.query.find("include_reviewed"); it != request.query.end()) {
      if (it->second != "true" && it->second != "false") {
        return Failure(Status(ErrorCode::kInvalidArgument,
                              "'include_reviewed' must be true or false"));
      }
      include_reviewed = it->second == "true";
    }
    auto page = oversight.Alerts(*session, include_reviewed, *limit);
    if (!page.ok()) return Failure(page.status());
    Json alerts = Json::array();
    for (const practice::AlertView& view : page->alerts) alerts.push_back(AlertJson(view));
    return NoStore(http::JsonResponse(
        200, Json{{"audit_entry", page->audit_index}, {"alerts", alerts}}.dump()));
  }

  http::Response ReviewAlert(const http::Request& request) {
    const std::vector<std::string> seg = Segments(request.path);
    auto session = AuthenticateRequest(sign_in, request);
    if (!session.ok()) return Failure(session.status());
    auto id = Number(seg.size() > 1 ? seg[1] : "", "the alert number");
    if (!id.ok()) return Failure(id.status());
    auto f = StringFields(request.body, {"finding"}, internal::Presence::kAllRequired);
    if (!f.ok()) return Failure(f.status());
    auto view = oversight.ReviewAlert(*session, *id, *Take(*f, "finding"));
    if (!view.ok()) return Failure(view.status());
    return NoStore(http::JsonResponse(200, AlertJson(*view).dump()));
  }

  http::Response Activity(const http::Request& request) {
    const std::vector<std::string> seg = Segments(request.path);
    auto session = AuthenticateRequest(sign_in, request);
    if (!session.ok()) return Failure(session.status());
    auto user = Number(seg.size() > 1 ? seg[1] : "", "the user number");
    if (!user.ok()) return Failure(user.status());
    auto limit = Limit(request);
    if (!limit.ok()) return Failure(limit.status());
    auto page = oversight.UserActivity(*session, *user, *limit);
    if (!page.ok()) return Failure(page.status());
    return NoStore(http::JsonResponse(200, EventsJson(*page).dump()));
  }
};

}  // namespace

void RegisterPracticeRoutes(http::Server& server, identity::SignInService& sign_in,
                            practice::PracticeService& practice,
                            practice::OversightService& oversight) {
  // Handlers is small and copied into each route; it borrows the services.
  Handlers h{sign_in, practice, oversight};
  auto child = [h](const http::Request& r) mutable { return h.Child(r); };
  server.Route("POST", R"(/api/v1/children/[^/]+/involvements)", child);
  server.Route("PUT", R"(/api/v1/children/[^/]+/involvements/[^/]+/(end|lead-professional|caf))",
               child);
  server.Route("POST", R"(/api/v1/children/[^/]+/shield)", child);
  server.Route("PUT", R"(/api/v1/children/[^/]+/shield)", child);
  server.Route("GET", "/api/v1/shield-reviews",
               [h](const http::Request& r) mutable { return h.ShieldReviews(r); });
  server.Route("GET", R"(/api/v1/children/[^/]+/views)",
               [h](const http::Request& r) mutable { return h.WhoViewed(r); });
  server.Route("GET", R"(/api/v1/users/[^/]+/activity)",
               [h](const http::Request& r) mutable { return h.Activity(r); });
  server.Route("GET", "/api/v1/misuse-alerts",
               [h](const http::Request& r) mutable { return h.Alerts(r); });
  server.Route("PUT", R"(/api/v1/misuse-alerts/[^/]+/review)",
               [h](const http::Request& r) mutable { return h.ReviewAlert(r); });
}

}  // namespace cp::app
