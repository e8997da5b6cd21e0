#include "app/search_api.h"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>

#include "access/policy.h"
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

Json NameJson(const domain::PersonName& name) {
  return Json{{"given_names", name.given_names.Reveal()},
              {"family_name", name.family_name.Reveal()}};
}

Json OptionalText(const std::optional<domain::PersonalText>& text) {
  return text ? Json(text->Reveal()) : Json(nullptr);
}

Json AddressJson(const std::optional<domain::Address>& address) {
  if (!address) return nullptr;
  return Json{{"lines", address->lines.Reveal()}, {"postcode", OptionalText(address->postcode)}};
}

Json ContactJson(const domain::ContactDetails& contact) {
  return Json{{"phone", OptionalText(contact.phone)},
              {"email", OptionalText(contact.email)},
              {"address", AddressJson(contact.address)}};
}

Json OptionalDate(const std::optional<domain::Date>& date) {
  return date ? Json(domain::FormatDate(*date)) : Json(nullptr);
}

// The identity core, and what else the Decision showed.
Json RecordJson(const search::MaskedChild& shown, bool summary) {
  using access::FieldGroup;
  const domain::Child& c = shown.child;
  auto has = [&](FieldGroup group) {
    const std::string_view name = access::FieldGroupName(group);
    return std::find(shown.field_groups.begin(), shown.field_groups.end(), name) !=
           shown.field_groups.end();
  };
  Json out = {{"contactpoint_id", c.id.ToString()},
              {"given_names", c.name.given_names.Reveal()},
              {"family_name", c.name.family_name.Reveal()},
              {"date_of_birth", c.date_of_birth.Reveal().ok()
                                    ? Json(domain::FormatDate(c.date_of_birth.Reveal()))
                                    : Json(nullptr)},
              {"gender", domain::GenderName(c.gender)},
              {"field_groups_shown", shown.field_groups}};
  if (has(FieldGroup::kAliases)) {
    Json names = Json::array();
    for (const domain::PersonName& n : c.other_names) names.push_back(NameJson(n));
    out["other_names"] = names;
  }
  if (summary) {
    if (has(FieldGroup::kAddress)) {
      out["postcode"] = c.address ? OptionalText(c.address->postcode) : Json(nullptr);
    }
    return out;
  }
  if (has(FieldGroup::kSourceIdentifiers)) {
    out["identifiers"] = Json{{"nhs_number", OptionalText(c.identifiers.nhs_number)},
                              {"upn", OptionalText(c.identifiers.upn)},
                              {"uln", OptionalText(c.identifiers.uln)}};
  }
  if (has(FieldGroup::kDateOfDeath)) out["date_of_death"] = OptionalDate(c.date_of_death);
  if (has(FieldGroup::kAddress)) out["address"] = AddressJson(c.address);
  if (has(FieldGroup::kCarers)) {
    Json carers = Json::array();
    for (const domain::Carer& carer : c.carers) {
      Json j = NameJson(carer.name);
      j["relationship"] = domain::RelationshipName(carer.relationship);
      j["parental_responsibility"] = carer.parental_responsibility;
      j["contact"] = ContactJson(carer.contact);
      carers.push_back(j);
    }
    out["carers"] = carers;
  }
  Json services = Json::array();
  for (const search::ShownInvolvement& s : shown.involvements) {
    if (s.visibility == access::InvolvementVisibility::kUnspecified) {
      services.push_back(
          Json{{"visibility", "unspecified"}, {"text", access::kUnspecifiedServiceText}});
      continue;
    }
    const domain::Involvement& inv = s.entry;
    if (s.entry_id) {
      // Recorded by a practitioner themselves (practice/): the entry's ID,
      // whose it is, and the CAF holder's contact details.
      services.push_back(Json{
          {"visibility", "full"},
          {"recorded_by", "practitioner"},
          {"involvement_id", *s.entry_id},
          {"practitioner_user", s.practitioner_user ? Json(*s.practitioner_user) : Json(nullptr)},
          {"type", domain::ServiceTypeName(inv.type)},
          {"organisation",
           {{"name", inv.organisation.name},
            {"code", inv.organisation.code ? Json(*inv.organisation.code) : Json(nullptr)}}},
          {"practitioner",
           inv.practitioner ? Json{{"name", inv.practitioner->family_name.Reveal()}}
                            : Json(nullptr)},
          {"practitioner_contact", ContactJson(inv.practitioner_contact)},
          {"start", OptionalDate(inv.start)},
          {"end", OptionalDate(inv.end)},
          {"lead_professional", inv.lead_professional},
          {"caf_holder", inv.caf_holder},
          {"caf_holder_contact", ContactJson(s.caf_holder_contact)}});
      continue;
    }
    services.push_back(Json{
        {"recorded_by", "source"},
        {"visibility", "full"},
        {"type", domain::ServiceTypeName(inv.type)},
        {"organisation",
         {{"name", inv.organisation.name},
          {"code", inv.organisation.code ? Json(*inv.organisation.code) : Json(nullptr)},
          {"contact", ContactJson(inv.organisation.contact)}}},
        {"practitioner", inv.practitioner ? NameJson(*inv.practitioner) : Json(nullptr)},
        {"practitioner_contact", ContactJson(inv.practitioner_contact)},
        {"start", OptionalDate(inv.start)},
        {"end", OptionalDate(inv.end)},
        {"lead_professional", inv.lead_professional},
        {"caf_holder", inv.caf_holder}});
  }
  out["services"] = services;
  if (has(FieldGroup::kLeadProfessional)) out["lead_professional_recorded"] = shown.lead_professional;
  if (has(FieldGroup::kCaf)) out["caf_exists"] = shown.caf;
  return out;
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
  if (!fields.ok()) return Failure(fields.status());
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
                                   {"record", RecordJson(hit.shown, /*summary=*/true)}});
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
  if (!fields.ok()) return Failure(fields.status());
  search::ReasonInput reason{Take(*fields, "reason"), Take(*fields, "reason_text"),
                             Take(*fields, "serious_case_review")};
  auto view = service.View(*session, id, reason);
  if (!view.ok()) return Failure(view.status());
  Json body = {{"contactpoint_id", view->id.ToString()},
               {"requested_id", view->requested.ToString()},
               {"redirected", view->redirected()},
               {"audit_entry", view->audit_index},
               {"record", RecordJson(view->shown, /*summary=*/false)}};
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
