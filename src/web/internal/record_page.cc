#include "web/internal/record_page.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "access/roles.h"
#include "domain/validation.h"
#include "practice/practice_service.h"
#include "search/reasons.h"
#include "search/record_json.h"

namespace cp::web::internal {
namespace {

using core::ErrorCode;
using core::Status;

// The record page's values: the API's record JSON and what the template
// shows of it, already worded. `own_user`: the practitioner whose own
// entries carry their forms (end, lead professional, CAF).
Json RecordValues(const search::RecordView& view, std::optional<std::int64_t> own_user,
                  const std::string& today) {
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
    const Json caf = s.value("caf_holder_contact", Json::object());
    services.push_back({{"title", ServiceTitle(Text(s["type"]))},
                        {"unspecified", false},
                        {"organisation", Opt(Text(s["organisation"]["name"]))},
                        {"practitioner", Opt(practitioner)},
                        {"phone", Opt(phone)},
                        {"email", Opt(email)},
                        {"since", Opt(LongDate(Text(s["start"])))},
                        {"until", Opt(LongDate(Text(s["end"])))},
                        {"roles", Opt(Joined(roles, ", "))},
                        {"caf_phone", Opt(Text(caf.value("phone", Json())))},
                        {"caf_email", Opt(Text(caf.value("email", Json())))},
                        {"own", false}});
    if (s.value("recorded_by", "") == "practitioner" && own_user.has_value() &&
        s["practitioner_user"] == *own_user) {
      Json& entry = services.back();
      const bool current = !s["end"].is_string();
      entry["own"] = true;
      entry["involvement_id"] = std::to_string(s["involvement_id"].get<std::int64_t>());
      entry["current"] = current;
      entry["can_lead"] = current && s["lead_professional"] != true;
      entry["can_caf"] = current && s["caf_holder"] != true;
    }
  }
  // Where the child is educated (DOMAIN.md section 10 case 2): a current
  // school, early-years setting or college among the services shown.
  if (std::find(view.shown.field_groups.begin(), view.shown.field_groups.end(),
                "universal_services") != view.shown.field_groups.end()) {
    std::vector<std::string> settings;
    for (const Json& s : record["services"]) {
      const std::string type = Text(s["type"]);
      // Current as the missing-education report counts it
      // (practice::HasEducationSetting): no end date, or one not yet passed.
      if ((type == "school" || type == "early_years" || type == "college") &&
          (!s["end"].is_string() || Text(s["end"]) >= today)) {
        settings.push_back(Text(s["organisation"]["name"]));
      }
    }
    page["education_shown"] = true;
    page["education_text"] = settings.empty() ? "No current education setting recorded"
                                              : Joined(settings, "; ");
    page["no_education"] = settings.empty();
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


// Every service type, as the "record your involvement" form offers them.
Json ServiceTypeOptions() {
  Json options = Json::array();
  for (int i = 0; i <= static_cast<int>(domain::ServiceType::kSubstanceMisuse); ++i) {
    const auto type = static_cast<domain::ServiceType>(i);
    const bool sensitive = domain::ClassOf(type) == domain::ServiceClass::kSensitive;
    options.push_back({{"code", std::string(domain::ServiceTypeName(type))},
                       {"title", ServiceTitle(domain::ServiceTypeName(type)) +
                                     (sensitive ? " (sensitive: needs consent)" : "")}});
  }
  return options;
}

Json ShieldGroundOptions() {
  Json options = Json::array();
  int n = 0;
  for (const practice::ShieldGround& g : practice::ShieldGrounds()) {
    ++n;
    options.push_back({{"code", std::string(g.code)},
                       {"description", std::string(g.description)},
                       {"suffix", n == 1 ? std::string() : "-" + std::to_string(n)}});
  }
  return options;
}

}  // namespace

AccessReason ReasonFrom(const Form& form) {
  return AccessReason{Field(form, "reason"), Field(form, "reason_text"),
                      Field(form, "serious_case_review")};
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

http::Response ShowRecord(Kit& kit, const Signed& s, const std::string& id,
                          const AccessReason& reason, const std::string& notice,
                          const Json& errors, int status) {
  auto opt = [](const std::string& v) {
    return v.empty() ? std::nullopt : std::optional<std::string>(v);
  };
  const search::ReasonInput input{opt(reason.code), opt(reason.text),
                                  opt(reason.serious_case_review)};
  auto view = kit.deps().search.View(s.session, id, input);
  if (!view.ok()) {
    const Status& why = view.status();
    if (why.code() == ErrorCode::kReasonRequired || why.code() == ErrorCode::kInvalidReason) {
      Json values = ReasonValues(id);
      values["has_error"] = true;
      const bool about_review = !reason.code.empty() &&
                                why.message().find("serious_case_review") != std::string::npos;
      // A missing reference says the record is archived; a malformed one
      // gets the service's own words on what to fix.
      const std::string message =
          reason.code.empty() ? std::string("Select why you are opening this record")
          : about_review && reason.serious_case_review.empty()
              ? std::string("This record is archived: give the serious case review or "
                            "child-death investigation reference")
              : why.message();
      const std::string field = reason.code.empty() ? "reason"
                                : about_review      ? "serious_case_review"
                                                    : "reason_text";
      values["errors"] = Errors(field, message);
      // The message under the radios only when the choice is at fault.
      if (reason.code.empty()) values["error_message"] = message;
      return kit.Page(400, "Why are you opening this record?", "reason", values, &s);
    }
    return kit.Refused(why, "This record cannot be shown", s);
  }
  // Whose own entries carry their forms: the practitioner (the one acted
  // for, in mediated access).
  const identity::Account& me =
      s.session.acting_for ? *s.session.acting_for : s.session.account;
  const bool practitioner = access::Describe(me.role).is_practitioner;
  const std::string today = domain::FormatDate(
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(kit.deps().clock.Now())));
  Json page = RecordValues(*view, practitioner ? std::optional(me.user.id) : std::nullopt, today);
  page["reason"] = {{"code", reason.code},
                    {"text", reason.text},
                    {"serious_case_review", reason.serious_case_review}};
  page["practitioner"] = practitioner;
  page["can_shield"] = practitioner || me.role == access::Role::kContactPointManager ||
                       me.role == access::Role::kDataAdministrator;
  // The forms' choices, the same for every record: built once.
  static const Json kServiceTypes = ServiceTypeOptions();
  static const Json kShieldGrounds = ShieldGroundOptions();
  page["service_types"] = kServiceTypes;
  page["shield_grounds"] = kShieldGrounds;
  page["notice"] = Opt(notice);
  if (errors.is_array() && !errors.empty()) {
    page["has_error"] = true;
    page["errors"] = errors;
  }
  // A neutral title: browsers keep titles in their history.
  return kit.Page(status, "Child record", "record", page, &s);
}

}  // namespace cp::web::internal
