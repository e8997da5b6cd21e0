// access: eligibility.h — whether a user may sign in today, and if not, why.
//
// A user is eligible when every condition of DOMAIN.md section 5 (seed 002
// sections 3.2-3.3) holds on `today`:
//   - the account is active (not suspended, not revoked);
//   - their organisation is accredited, and their role is one that kind of
//     organisation may give (roles.h RoleAllowedIn);
//   - they are nominated by their organisation;
//   - mandatory training is recorded, on or before today;
//   - an enhanced CRB (eCRB) disclosure is recorded, dated on or before today,
//     and today is before its third anniversary: access lapses automatically
//     ON the anniversary (disclosed 2023-05-10: eligible through 2026-05-09,
//     not on 2026-05-10);
//   - a security token is enrolled.
// Leap day: the anniversary of a disclosure dated 29 February, in a year that
// has no 29 February, is 1 March. The disclosure is then valid for three full
// years, as English law counts the age of someone born on 29 February (they
// come of age on 1 March); 28 February would cut a day short.
//
// Every failing condition is reported, not just the first, with a stable code
// and a message a User Manager can act on. Messages name dates of the user's
// own record (a disclosure date) but nothing else personal; they are shown to
// the user's managers, never logged. Free functions; thread-safe.
#ifndef CP_ACCESS_ELIGIBILITY_H_
#define CP_ACCESS_ELIGIBILITY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/organisation.h"
#include "access/roles.h"
#include "domain/model.h"

namespace cp::access {

inline constexpr int kEcrbValidityYears = 3;

enum class AccountState { kActive, kSuspended, kRevoked };
std::string_view AccountStateName(AccountState state);  // "active", "suspended", "revoked"

// What the store knows about a user, for the eligibility decision.
struct UserFacts {
  Role role = Role::kHeadTeacher;
  OrganisationType organisation_type = OrganisationType::kAccreditedOrganisation;
  AccreditationState organisation_accreditation = AccreditationState::kPending;
  AccountState account = AccountState::kActive;
  bool nominated = false;
  std::optional<domain::Date> training_completed;
  std::optional<domain::Date> ecrb_disclosure;
  bool token_enrolled = false;
};

enum class ReasonCode {
  kAccountSuspended,
  kAccountRevoked,
  kOrganisationNotAccredited,
  kRoleNotAllowedInOrganisation,
  kNotNominated,
  kTrainingNotRecorded,
  kTrainingDateInFuture,
  kEcrbNotRecorded,
  kEcrbDateInFuture,
  kEcrbExpired,
  kTokenNotEnrolled,
};
std::string_view ReasonCodeName(ReasonCode code);  // stable, e.g. "ecrb_expired"

struct Reason {
  ReasonCode code;
  std::string message;  // e.g. "eCRB disclosure expired on 2026-03-01: record a renewed disclosure"
  friend bool operator==(const Reason&, const Reason&) = default;
};

struct Eligibility {
  bool eligible = false;
  std::vector<Reason> reasons;  // empty exactly when eligible, in ReasonCode order
  // The first day access lapses for the eCRB, when a disclosure is recorded:
  // lets a User Manager chase renewals before they lapse.
  std::optional<domain::Date> ecrb_lapses_on;
};

// The anniversary `years` after `date`; 29 February maps to 1 March in a
// year without one.
domain::Date Anniversary(domain::Date date, int years);

// The day an eCRB disclosure dated `disclosed` stops giving access.
domain::Date EcrbLapsesOn(domain::Date disclosed);

Eligibility Evaluate(const UserFacts& facts, domain::Date today);

}  // namespace cp::access

#endif  // CP_ACCESS_ELIGIBILITY_H_
