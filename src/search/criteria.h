// search: criteria.h — what a practitioner may search by, and the
// anti-trawling rules on the criteria themselves (DOMAIN.md section 6).
//
// Criteria: given names, family name, date of birth (a date "YYYY-MM-DD" or
// a year "YYYY"), gender, postcode, address, school (a URN or the school's
// name), GP (an ODS practice code or the practice's name), or an exact
// identifier (ContactPoint ID, NHS number, UPN). Names are matched against
// the child's name and its aliases.
//
// Rules (ValidateCriteria):
//   - enough to identify a child: the family name plus one of given names,
//     date or year of birth, or postcode; or an exact identifier. Gender,
//     address, school and GP only narrow a search;
//   - no wildcards or patterns: a criterion containing '*', '%', '?' or '_'
//     is refused, naming the criterion and the character;
//   - each criterion is checked as the record model checks that field (a
//     postcode must be a whole postcode, a date a real date not in the
//     future, an NHS number must pass its check digit...).
// Error messages name the criterion and never echo its value.
//
// Criteria are personal data: held in core::Sensitive, never logged.
// Pure functions; thread-safe.
#ifndef CP_SEARCH_CRITERIA_H_
#define CP_SEARCH_CRITERIA_H_

#include <optional>
#include <string>
#include <vector>

#include "core/sensitive.h"
#include "core/status.h"
#include "domain/ids.h"
#include "domain/model.h"

namespace cp::search {

using Criterion = std::optional<core::Sensitive<std::string>>;

// The criteria as a user gave them (the API's field names).
struct SearchCriteria {
  Criterion given_names;
  Criterion family_name;
  Criterion date_of_birth;  // "YYYY-MM-DD" or "YYYY"
  Criterion gender;         // "male", "female", ...
  Criterion postcode;
  Criterion address;  // lines separated by commas, without the postcode
  Criterion school;   // "URN:123456", "123456", or the school's name
  Criterion gp;       // "ODS:B86001", "B86001", or the practice's name
  Criterion contactpoint_id;
  Criterion nhs_number;
  Criterion upn;
};

// A school or GP practice as searched for: its code ("URN:123456",
// "ODS:B86001") or its name, lower-cased with spaces collapsed.
struct ServiceCriterion {
  std::string value;
  bool is_code = false;
};

// Validated criteria, ready to search with.
struct Query {
  // The criteria as a child record (names, date of birth when exact,
  // gender, address and postcode, NHS number, UPN), for the record builder.
  domain::Child probe;
  bool exact_date_of_birth = false;
  std::optional<int> birth_year;  // set for a date and for a year
  std::optional<ServiceCriterion> school;
  std::optional<ServiceCriterion> gp;
  std::optional<domain::ContactPointId> contactpoint_id;
  // The criteria given, as stable codes ("family_name", "birth_year",
  // "postcode"...), in a fixed order: what the audit trail records of them.
  std::vector<std::string> used;

  bool has_identifier() const {
    return contactpoint_id.has_value() || probe.identifiers.nhs_number.has_value() ||
           probe.identifiers.upn.has_value();
  }
};

// Checks `criteria` against the rules above. Errors:
//   kInsufficientSearchCriteria  too few criteria (says which are needed);
//   kWildcardNotAllowed          a pattern character, naming criterion and character;
//   kInvalidSearchCriteria, kInvalidName, kInvalidDate, kInvalidGender,
//   kInvalidPostcode, kInvalidContactPointId, kInvalidNhsNumber, kInvalidUpn
//                                a malformed criterion, naming it.
core::StatusOr<Query> ValidateCriteria(const SearchCriteria& criteria, domain::Date today);

// The criteria as a JSON object of the given values (for the audit trail's
// criteria table; personal data).
core::Sensitive<std::string> CriteriaJson(const SearchCriteria& criteria);

}  // namespace cp::search

#endif  // CP_SEARCH_CRITERIA_H_
