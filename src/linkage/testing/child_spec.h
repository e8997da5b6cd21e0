// Test helper: a child as a source describes it, in a few readable fields,
// turned into a domain::Child. Header-only; for tests of linkage and of the
// modules above it (index, matching, ingest).
#ifndef CP_LINKAGE_TESTING_CHILD_SPEC_H_
#define CP_LINKAGE_TESTING_CHILD_SPEC_H_

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "domain/model.h"

namespace cp::linkage::testing {

// Empty strings are missing fields.
struct ChildSpec {
  std::string given = "William James";
  std::string family = "Thompson";
  std::string dob = "2015-03-07";
  std::string postcode = "LS1 4AB";
  std::vector<std::string> address = {"12 Church Road", "Leeds"};
  std::string nhs;
  std::string upn;
  std::string uln;
  domain::Gender gender = domain::Gender::kMale;
  std::vector<std::pair<std::string, std::string>> other_names;
  std::vector<std::pair<std::string, std::string>> carers = {{"Sarah", "Thompson"}};
  std::vector<std::string> phones = {"0113 496 0000"};
};

inline domain::Date SpecDate(const std::string& text) {
  if (text.empty()) return domain::Date{};  // not ok(): missing
  return domain::Date{std::chrono::year{std::stoi(text.substr(0, 4))},
                      std::chrono::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
                      std::chrono::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
}

inline domain::Child ChildOf(const ChildSpec& spec) {
  using domain::PersonalText;
  domain::Child child;
  child.name = {PersonalText(spec.given), PersonalText(spec.family)};
  for (const auto& [given, family] : spec.other_names) {
    child.other_names.push_back({PersonalText(given), PersonalText(family)});
  }
  child.gender = spec.gender;
  child.date_of_birth = core::Sensitive<domain::Date>(SpecDate(spec.dob));
  if (!spec.postcode.empty() || !spec.address.empty()) {
    domain::Address address;
    address.lines = core::Sensitive<std::vector<std::string>>(spec.address);
    if (!spec.postcode.empty()) address.postcode = PersonalText(spec.postcode);
    child.address = address;
  }
  if (!spec.nhs.empty()) child.identifiers.nhs_number = PersonalText(spec.nhs);
  if (!spec.upn.empty()) child.identifiers.upn = PersonalText(spec.upn);
  if (!spec.uln.empty()) child.identifiers.uln = PersonalText(spec.uln);
  for (std::size_t i = 0; i < spec.carers.size(); ++i) {
    domain::Carer carer;
    carer.name = {PersonalText(spec.carers[i].first), PersonalText(spec.carers[i].second)};
    if (i < spec.phones.size()) carer.contact.phone = PersonalText(spec.phones[i]);
    child.carers.push_back(carer);
  }
  return child;
}

}  // namespace cp::linkage::testing

#endif  // CP_LINKAGE_TESTING_CHILD_SPEC_H_
