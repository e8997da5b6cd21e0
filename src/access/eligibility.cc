#include "access/eligibility.h"

#include <chrono>

#include "domain/validation.h"

namespace cp::access {
namespace {

using std::chrono::sys_days;

bool After(domain::Date a, domain::Date b) { return sys_days(a) > sys_days(b); }

}  // namespace

std::string_view AccountStateName(AccountState state) {
  switch (state) {
    case AccountState::kActive: return "active";
    case AccountState::kSuspended: return "suspended";
    case AccountState::kRevoked: return "revoked";
  }
  return "unknown";
}

std::string_view ReasonCodeName(ReasonCode code) {
  switch (code) {
    case ReasonCode::kAccountSuspended: return "account_suspended";
    case ReasonCode::kAccountRevoked: return "account_revoked";
    case ReasonCode::kOrganisationNotAccredited: return "organisation_not_accredited";
    case ReasonCode::kRoleNotAllowedInOrganisation: return "role_not_allowed_in_organisation";
    case ReasonCode::kNotNominated: return "not_nominated";
    case ReasonCode::kTrainingNotRecorded: return "training_not_recorded";
    case ReasonCode::kTrainingDateInFuture: return "training_date_in_future";
    case ReasonCode::kEcrbNotRecorded: return "ecrb_not_recorded";
    case ReasonCode::kEcrbDateInFuture: return "ecrb_date_in_future";
    case ReasonCode::kEcrbExpired: return "ecrb_expired";
    case ReasonCode::kTokenNotEnrolled: return "token_not_enrolled";
  }
  return "unknown";
}

domain::Date Anniversary(domain::Date date, int years) {
  const domain::Date same_day{date.year() + std::chrono::years(years), date.month(), date.day()};
  if (same_day.ok()) return same_day;
  // Only 29 February in a common year gets here: the next day is 1 March.
  return domain::Date(sys_days(domain::Date{same_day.year(), date.month(), std::chrono::day(28)}) +
                      std::chrono::days(1));
}

domain::Date EcrbLapsesOn(domain::Date disclosed) {
  return Anniversary(disclosed, kEcrbValidityYears);
}

Eligibility Evaluate(const UserFacts& facts, domain::Date today) {
  Eligibility result;
  auto add = [&result](ReasonCode code, std::string message) {
    result.reasons.push_back(Reason{code, std::move(message)});
  };
  if (facts.account == AccountState::kSuspended) {
    add(ReasonCode::kAccountSuspended, "the account is suspended: a User Manager can reinstate it");
  }
  if (facts.account == AccountState::kRevoked) {
    add(ReasonCode::kAccountRevoked,
        "the account is revoked and cannot be used again: create a new account if access is "
        "still needed");
  }
  if (facts.organisation_accreditation != AccreditationState::kAccredited) {
    add(ReasonCode::kOrganisationNotAccredited,
        "the organisation's accreditation is " +
            std::string(AccreditationStateName(facts.organisation_accreditation)) +
            ": its users can sign in only while it is accredited");
  }
  if (!RoleAllowedIn(facts.role, facts.organisation_type)) {
    add(ReasonCode::kRoleNotAllowedInOrganisation,
        "the role " + std::string(Describe(facts.role).display_name) +
            " cannot be held in an organisation of type " +
            std::string(OrganisationTypeName(facts.organisation_type)) + ": change the role");
  }
  if (!facts.nominated) {
    add(ReasonCode::kNotNominated, "not nominated by the organisation: record the nomination");
  }
  if (!facts.training_completed) {
    add(ReasonCode::kTrainingNotRecorded,
        "mandatory ContactPoint training is not recorded: record the date it was completed");
  } else if (After(*facts.training_completed, today)) {
    add(ReasonCode::kTrainingDateInFuture,
        "the training date " + domain::FormatDate(*facts.training_completed) +
            " is in the future: correct it");
  }
  if (!facts.ecrb_disclosure) {
    add(ReasonCode::kEcrbNotRecorded,
        "no enhanced CRB disclosure is recorded: record the disclosure date");
  } else {
    result.ecrb_lapses_on = EcrbLapsesOn(*facts.ecrb_disclosure);
    if (After(*facts.ecrb_disclosure, today)) {
      add(ReasonCode::kEcrbDateInFuture, "the eCRB disclosure date " +
                                             domain::FormatDate(*facts.ecrb_disclosure) +
                                             " is in the future: correct it");
    } else if (!After(*result.ecrb_lapses_on, today)) {
      add(ReasonCode::kEcrbExpired, "eCRB disclosure expired on " +
                                        domain::FormatDate(*result.ecrb_lapses_on) +
                                        ": record a renewed disclosure");
    }
  }
  if (!facts.token_enrolled) {
    add(ReasonCode::kTokenNotEnrolled, "no security token is enrolled: enrol a token");
  }
  result.eligible = result.reasons.empty();
  return result;
}

}  // namespace cp::access
