#include "search/record_json.h"

#include <algorithm>

#include "access/policy.h"
#include "domain/validation.h"

namespace cp::search {
namespace {

using Json = nlohmann::json;

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

}  // namespace

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


}  // namespace cp::search
