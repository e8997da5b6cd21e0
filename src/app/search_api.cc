#include "app/search_api.h"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>

#include "app/internal/json_api.h"
#include "app/session_api.h"
#include "domain/validation.h"
#include "http/errors.h"
#include "search/record_json.h"

namespace cp::app {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using Json = nlohmann::json;
using internal::Failure;
using internal::NoStore;
using internal::StringFields;

constexpr std::size_t kMaxFieldBytes = 256;
constexpr std::string_view kChildrenPrefix = "/api/v1/children/";
constexpr std::string_view kViewsSuffix = "/views";

std::optional<std::string> Take(std::map<std::string, std::string>& fields, const char* name) {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return std::move(it->second);
}

search::Criterion Sensitive(std::map<std::string, std::string>& fields, const char* name) {
  auto value = Take(fields, name);
  if (!value) return std::nullopt;
  return core::Sensitive<std::string>(std::move(*value));
}

http::Response Search(identity::SignInService& sign_in, search::SearchService& service,
                      const http::Request& request) {
  auto session = AuthenticateRequest(sign_in, request);
  if (!session.ok()) return Failure(session.status());
  auto fields = StringFields(
      request.body, {"given_names", "family_name", "date_of_birth", "gender", "postcode",
                     "address", "school", "gp", "contactpoint_id", "nhs_number", "upn", "reason",
                     "reason_text", "serious_case_review"},
      internal::Presence::kOptional, kMaxFieldBytes);
  if (!fields.ok()) return Failure(service.RefuseUnreadableSearch(*session, fields.status()));
  search::SearchCriteria criteria;
  criteria.given_names = Sensitive(*fields, "given_names");
  criteria.family_name = Sensitive(*fields, "family_name");
  criteria.date_of_birth = Sensitive(*fields, "date_of_birth");
  criteria.gender = Sensitive(*fields, "gender");
  criteria.postcode = Sensitive(*fields, "postcode");
  criteria.address = Sensitive(*fields, "address");
  criteria.school = Sensitive(*fields, "school");
  criteria.gp = Sensitive(*fields, "gp");
  criteria.contactpoint_id = Sensitive(*fields, "contactpoint_id");
  criteria.nhs_number = Sensitive(*fields, "nhs_number");
  criteria.upn = Sensitive(*fields, "upn");
  search::ReasonInput reason{Take(*fields, "reason"), Take(*fields, "reason_text"),
                             Take(*fields, "serious_case_review")};
  auto answer = service.Search(*session, criteria, reason);
  if (!answer.ok()) return Failure(answer.status());
  Json body = {{"audit_entry", answer->audit_index}, {"results", Json::array()}};
  if (answer->redirected_from) body["redirected_from"] = answer->redirected_from->ToString();
  if (answer->outcome == search::SearchAnswer::Outcome::kTooManyMatches) {
    body["outcome"] = "too_many_matches";
    body["message"] =
        "too many matches, refine your search: add the date of birth, given names, postcode or "
        "another criterion (at most 10 results are shown)";
    return NoStore(http::JsonResponse(200, body.dump()));
  }
  body["outcome"] = "results";
  for (const search::SearchHit& hit : answer->hits) {
    Json why = Json::array();
    for (const search::Agreement& a : hit.why) {
      why.push_back(Json{{"criterion", a.criterion}, {"level", a.level}});
    }
    body["results"].push_back(Json{{"contactpoint_id", hit.child.ToString()},
                                   {"score", std::round(hit.score * 100) / 100},
                                   {"why", why},
                                   {"record", search::RecordJson(hit.shown, /*summary=*/true)}});
  }
  return NoStore(http::JsonResponse(200, body.dump()));
}

http::Response View(identity::SignInService& sign_in, search::SearchService& service,
                    const http::Request& request) {
  const std::string& path = request.path;
  if (!path.starts_with(kChildrenPrefix) || !path.ends_with(kViewsSuffix) ||
      path.size() <= kChildrenPrefix.size() + kViewsSuffix.size()) {
    return Failure(core::NotFound("no such endpoint"));
  }
  const std::string id = path.substr(
      kChildrenPrefix.size(), path.size() - kChildrenPrefix.size() - kViewsSuffix.size());
  auto session = AuthenticateRequest(sign_in, request);
  if (!session.ok()) return Failure(session.status());
  auto fields = StringFields(request.body, {"reason", "reason_text", "serious_case_review"},
                             internal::Presence::kOptional, kMaxFieldBytes);
  if (!fields.ok()) return Failure(service.RefuseUnreadableView(*session, id, fields.status()));
  search::ReasonInput reason{Take(*fields, "reason"), Take(*fields, "reason_text"),
                             Take(*fields, "serious_case_review")};
  auto view = service.View(*session, id, reason);
  if (!view.ok()) return Failure(view.status());
  Json body = {{"contactpoint_id", view->id.ToString()},
               {"requested_id", view->requested.ToString()},
               {"redirected", view->redirected()},
               {"audit_entry", view->audit_index},
               {"record", search::RecordJson(view->shown, /*summary=*/false)}};
  if (view->redirected()) {
    body["message"] = "record " + view->requested.ToString() + " was merged into " +
                      view->id.ToString() + ": use the new ContactPoint ID";
  }
  return NoStore(http::JsonResponse(200, body.dump()));
}

}  // namespace

void RegisterSearchRoutes(http::Server& server, identity::SignInService& sign_in,
                          search::SearchService& search) {
  server.Route("POST", "/api/v1/searches", [&sign_in, &search](const http::Request& request) {
    return Search(sign_in, search, request);
  });
  server.Route("POST", R"(/api/v1/children/[^/]+/views)",
               [&sign_in, &search](const http::Request& request) {
                 return View(sign_in, search, request);
               });
}

}  // namespace cp::app
