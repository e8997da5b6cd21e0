#include "search/criteria.h"

#include <cctype>

#include "core/json_string.h"
#include "domain/validation.h"

namespace cp::search {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;

constexpr std::size_t kMaxCriterionLength = 200;
constexpr std::size_t kMaxAddressLines = 6;

struct Named {
  const char* name;
  const Criterion* value;
};

std::vector<Named> AllOf(const SearchCriteria& c) {
  return {{"given_names", &c.given_names}, {"family_name", &c.family_name},
          {"date_of_birth", &c.date_of_birth}, {"gender", &c.gender},
          {"postcode", &c.postcode}, {"address", &c.address},
          {"school", &c.school}, {"gp", &c.gp},
          {"contactpoint_id", &c.contactpoint_id}, {"nhs_number", &c.nhs_number},
          {"upn", &c.upn}};
}

std::string Trim(std::string_view text) {
  std::size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  return std::string(text.substr(b, e - b));
}

// Lower case, runs of spaces as one: how school and practice names compare.
std::string Folded(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : Trim(text)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string WithoutSpaces(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

StatusOr<ServiceCriterion> ParseService(std::string_view field, std::string_view text,
                                        std::string_view prefix) {
  const std::string compact = WithoutSpaces(text);
  std::string upper;
  for (char c : compact) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string p(prefix);
  if (upper.starts_with(p + ":")) upper = upper.substr(p.size() + 1);
  const bool urn = prefix == "URN" && upper.size() == 6 && AllDigits(upper);
  // ODS codes of GP practices: a letter and five digits ("B86001").
  const bool ods = prefix == "ODS" && upper.size() == 6 &&
                   std::isalpha(static_cast<unsigned char>(upper[0])) &&
                   AllDigits(std::string_view(upper).substr(1));
  if (urn || ods) return ServiceCriterion{p + ":" + upper, true};
  const std::string name = Folded(text);
  if (name.size() < 3) {
    return Status(ErrorCode::kInvalidSearchCriteria,
                  "'" + std::string(field) + "' must be " +
                      (prefix == "URN" ? "a school URN (6 digits, e.g. URN:107999)"
                                       : "a GP practice ODS code (e.g. ODS:B86001)") +
                      " or the full name (at least 3 characters)");
  }
  return ServiceCriterion{name, false};
}

}  // namespace

StatusOr<Query> ValidateCriteria(const SearchCriteria& criteria, domain::Date today) {
  // Form first: every criterion given is non-empty, bounded and no pattern.
  for (const Named& n : AllOf(criteria)) {
    if (!n.value->has_value()) continue;
    const std::string& text = (*n.value)->Reveal();
    if (Trim(text).empty()) {
      return Status(ErrorCode::kInvalidSearchCriteria,
                    "'" + std::string(n.name) + "' is empty: leave it out or fill it in");
    }
    if (text.size() > kMaxCriterionLength) {
      return Status(ErrorCode::kInvalidSearchCriteria,
                    "'" + std::string(n.name) + "' is longer than " +
                        std::to_string(kMaxCriterionLength) + " bytes");
    }
    for (char c : std::string_view("*%?_")) {
      if (text.find(c) != std::string::npos) {
        return Status(ErrorCode::kWildcardNotAllowed,
                      "'" + std::string(n.name) + "' contains '" + std::string(1, c) +
                          "': wildcards and patterns are not allowed (anti-trawling); give the "
                          "value in full");
      }
    }
  }

  Query q;
  domain::Child& p = q.probe;
  const bool has_identifier = criteria.contactpoint_id || criteria.nhs_number || criteria.upn;
  const bool narrows = criteria.given_names || criteria.date_of_birth || criteria.postcode;
  if (!has_identifier && !(criteria.family_name && narrows)) {
    return Status(ErrorCode::kInsufficientSearchCriteria,
                  "too few criteria: give the family name and at least one of given names, date "
                  "of birth (or year of birth) or postcode; or an exact identifier (ContactPoint "
                  "ID, NHS number or UPN)");
  }

  if (criteria.given_names) {
    const std::string v = Trim(criteria.given_names->Reveal());
    RETURN_IF_ERROR(domain::ValidateName("given_names", v));
    p.name.given_names = domain::PersonalText(v);
    q.used.push_back("given_names");
  }
  if (criteria.family_name) {
    const std::string v = Trim(criteria.family_name->Reveal());
    RETURN_IF_ERROR(domain::ValidateName("family_name", v));
    p.name.family_name = domain::PersonalText(v);
    q.used.push_back("family_name");
  }
  if (criteria.date_of_birth) {
    const std::string v = Trim(criteria.date_of_birth->Reveal());
    if (v.size() == 4 && AllDigits(v)) {
      const int year = std::stoi(v);
      const int this_year = static_cast<int>(today.year());
      if (year < 1900 || year > this_year) {
        return Status(ErrorCode::kInvalidDate,
                      "'date_of_birth' year must be between 1900 and " +
                          std::to_string(this_year));
      }
      q.birth_year = year;
      q.used.push_back("birth_year");
    } else {
      auto date = domain::ParseDate("date_of_birth", v);
      if (!date.ok()) {
        return Status(ErrorCode::kInvalidDate,
                      "'date_of_birth' must be a date YYYY-MM-DD or a year YYYY");
      }
      RETURN_IF_ERROR(domain::ValidateDateOfBirth("date_of_birth", *date, today));
      p.date_of_birth = core::Sensitive<domain::Date>(*date);
      q.exact_date_of_birth = true;
      q.birth_year = static_cast<int>(date->year());
      q.used.push_back("date_of_birth");
    }
  }
  if (criteria.gender) {
    ASSIGN_OR_RETURN(p.gender, domain::ParseGender("gender", Trim(criteria.gender->Reveal())));
    q.used.push_back("gender");
  }
  if (criteria.postcode || criteria.address) {
    domain::Address address;
    if (criteria.postcode) {
      ASSIGN_OR_RETURN(std::string postcode,
                       domain::NormalisePostcode("postcode", criteria.postcode->Reveal()));
      address.postcode = domain::PersonalText(std::move(postcode));
      q.used.push_back("postcode");
    }
    if (criteria.address) {
      const std::string& text = criteria.address->Reveal();
      std::vector<std::string> lines;
      std::size_t start = 0;
      for (;;) {
        const std::size_t comma = text.find(',', start);
        std::string line = Trim(text.substr(start, comma == std::string::npos
                                                       ? std::string::npos
                                                       : comma - start));
        if (!line.empty()) lines.push_back(std::move(line));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      if (lines.empty() || lines.size() > kMaxAddressLines) {
        return Status(ErrorCode::kInvalidSearchCriteria,
                      "'address' must be 1 to 6 lines separated by commas");
      }
      address.lines = core::Sensitive<std::vector<std::string>>(std::move(lines));
      q.used.push_back("address");
    }
    p.address = std::move(address);
  }
  if (criteria.school) {
    ASSIGN_OR_RETURN(q.school, ParseService("school", criteria.school->Reveal(), "URN"));
    q.used.push_back("school");
  }
  if (criteria.gp) {
    ASSIGN_OR_RETURN(q.gp, ParseService("gp", criteria.gp->Reveal(), "ODS"));
    q.used.push_back("gp");
  }
  if (criteria.contactpoint_id) {
    auto id = domain::ContactPointId::Parse(Trim(criteria.contactpoint_id->Reveal()));
    if (!id.ok()) {
      return Status(ErrorCode::kInvalidContactPointId,
                    "'contactpoint_id' must be the 12 digits of a ContactPoint ID (check the "
                    "number: its last digit is a check digit)");
    }
    q.contactpoint_id = *id;
    q.used.push_back("contactpoint_id");
  }
  if (criteria.nhs_number) {
    const std::string v = WithoutSpaces(criteria.nhs_number->Reveal());
    RETURN_IF_ERROR(domain::ValidateNhsNumber("nhs_number", v));
    p.identifiers.nhs_number = domain::PersonalText(v);
    q.used.push_back("nhs_number");
  }
  if (criteria.upn) {
    std::string v = WithoutSpaces(criteria.upn->Reveal());
    for (char& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    RETURN_IF_ERROR(domain::ValidateUpn("upn", v));
    p.identifiers.upn = domain::PersonalText(v);
    q.used.push_back("upn");
  }
  return q;
}

core::Sensitive<std::string> CriteriaJson(const SearchCriteria& criteria) {
  std::string out = "{";
  for (const Named& n : AllOf(criteria)) {
    if (!n.value->has_value()) continue;
    if (out.size() > 1) out += ',';
    core::AppendJsonString(n.name, out);
    out += ':';
    core::AppendJsonString((*n.value)->Reveal(), out);
  }
  out += '}';
  return core::Sensitive<std::string>(std::move(out));
}

}  // namespace cp::search
