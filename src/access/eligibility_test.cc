#include "access/eligibility.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "domain/validation.h"

namespace cp::access {
namespace {

using domain::Date;

constexpr Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

// A user who meets every condition on 2026-01-15.
UserFacts EligibleUser() {
  UserFacts facts;
  facts.role = Role::kSocialWorker;
  facts.organisation_type = OrganisationType::kLocalAuthority;
  facts.organisation_accreditation = AccreditationState::kAccredited;
  facts.account = AccountState::kActive;
  facts.nominated = true;
  facts.training_completed = D(2025, 11, 3);
  facts.ecrb_disclosure = D(2024, 5, 10);
  facts.token_enrolled = true;
  return facts;
}

std::vector<ReasonCode> Codes(const Eligibility& e) {
  std::vector<ReasonCode> codes;
  for (const Reason& r : e.reasons) codes.push_back(r.code);
  return codes;
}

TEST(EligibilityTest, UserMeetingEveryConditionIsEligible) {
  const Eligibility e = Evaluate(EligibleUser(), D(2026, 1, 15));
  EXPECT_TRUE(e.eligible);
  EXPECT_TRUE(e.reasons.empty());
  EXPECT_EQ(e.ecrb_lapses_on, D(2027, 5, 10));
}

TEST(EligibilityTest, AccessLapsesOnTheThirdAnniversaryOfTheEcrbToTheDay) {
  const struct {
    Date disclosed;
    Date today;
    bool eligible;
  } cases[] = {
      {D(2023, 5, 10), D(2026, 5, 9), true},    // the day before the anniversary
      {D(2023, 5, 10), D(2026, 5, 10), false},  // the anniversary
      {D(2023, 5, 10), D(2026, 5, 11), false},
      {D(2023, 5, 10), D(2023, 5, 10), true},   // disclosed today
      {D(2023, 5, 10), D(2023, 5, 9), false},   // disclosed tomorrow: a data error
      // 29 February: the anniversary in a common year is 1 March.
      {D(2024, 2, 29), D(2027, 2, 28), true},
      {D(2024, 2, 29), D(2027, 3, 1), false},
      // 29 February to 29 February when the third year is a leap year.
      {D(2016, 2, 29), D(2019, 2, 28), true},   // 2019 is common: lapses 1 March
      {D(2021, 2, 28), D(2024, 2, 27), true},
      {D(2021, 2, 28), D(2024, 2, 28), false},  // 28 Feb stays 28 Feb in a leap year
      {D(2021, 3, 1), D(2024, 2, 29), true},
      {D(2021, 3, 1), D(2024, 3, 1), false},
  };
  for (const auto& c : cases) {
    UserFacts facts = EligibleUser();
    facts.training_completed = D(2000, 1, 1);
    facts.ecrb_disclosure = c.disclosed;
    const Eligibility e = Evaluate(facts, c.today);
    EXPECT_EQ(e.eligible, c.eligible) << domain::FormatDate(c.disclosed) << " on "
                                      << domain::FormatDate(c.today);
  }
}

TEST(EligibilityTest, AnniversaryOfLeapDayIsFirstOfMarchInACommonYear) {
  EXPECT_EQ(Anniversary(D(2024, 2, 29), 3), D(2027, 3, 1));
  EXPECT_EQ(Anniversary(D(2024, 2, 29), 4), D(2028, 2, 29));
  EXPECT_EQ(Anniversary(D(2023, 12, 31), 3), D(2026, 12, 31));
  EXPECT_EQ(EcrbLapsesOn(D(2023, 3, 1)), D(2026, 3, 1));
}

TEST(EligibilityTest, ExpiredEcrbMessageTellsTheUserManagerWhatToDo) {
  UserFacts facts = EligibleUser();
  facts.ecrb_disclosure = D(2023, 3, 1);
  const Eligibility e = Evaluate(facts, D(2026, 3, 1));
  ASSERT_EQ(Codes(e), std::vector<ReasonCode>{ReasonCode::kEcrbExpired});
  EXPECT_EQ(e.reasons[0].message,
            "eCRB disclosure expired on 2026-03-01: record a renewed disclosure");
  EXPECT_EQ(ReasonCodeName(e.reasons[0].code), "ecrb_expired");
}

TEST(EligibilityTest, EachMissingConditionHasItsOwnReason) {
  const Date today = D(2026, 1, 15);
  const struct {
    const char* name;
    void (*change)(UserFacts&);
    ReasonCode code;
  } cases[] = {
      {"suspended", [](UserFacts& f) { f.account = AccountState::kSuspended; },
       ReasonCode::kAccountSuspended},
      {"revoked", [](UserFacts& f) { f.account = AccountState::kRevoked; },
       ReasonCode::kAccountRevoked},
      {"org pending",
       [](UserFacts& f) { f.organisation_accreditation = AccreditationState::kPending; },
       ReasonCode::kOrganisationNotAccredited},
      {"org suspended",
       [](UserFacts& f) { f.organisation_accreditation = AccreditationState::kSuspended; },
       ReasonCode::kOrganisationNotAccredited},
      {"data administrator at a National Partner",
       [](UserFacts& f) {
         f.role = Role::kDataAdministrator;
         f.organisation_type = OrganisationType::kNationalPartner;
       },
       ReasonCode::kRoleNotAllowedInOrganisation},
      {"not nominated", [](UserFacts& f) { f.nominated = false; }, ReasonCode::kNotNominated},
      {"no training", [](UserFacts& f) { f.training_completed.reset(); },
       ReasonCode::kTrainingNotRecorded},
      {"training tomorrow", [](UserFacts& f) { f.training_completed = D(2026, 1, 16); },
       ReasonCode::kTrainingDateInFuture},
      {"no eCRB", [](UserFacts& f) { f.ecrb_disclosure.reset(); }, ReasonCode::kEcrbNotRecorded},
      {"eCRB tomorrow", [](UserFacts& f) { f.ecrb_disclosure = D(2026, 1, 16); },
       ReasonCode::kEcrbDateInFuture},
      {"no token", [](UserFacts& f) { f.token_enrolled = false; }, ReasonCode::kTokenNotEnrolled},
  };
  for (const auto& c : cases) {
    UserFacts facts = EligibleUser();
    c.change(facts);
    const Eligibility e = Evaluate(facts, today);
    EXPECT_FALSE(e.eligible) << c.name;
    EXPECT_EQ(Codes(e), std::vector<ReasonCode>{c.code}) << c.name;
    ASSERT_FALSE(e.reasons.empty());
    EXPECT_NE(e.reasons[0].message.find(':'), std::string::npos) << "says what to do: " << c.name;
  }
  UserFacts facts = EligibleUser();
  facts.training_completed = today;  // trained today is enough
  EXPECT_TRUE(Evaluate(facts, today).eligible);
}

TEST(EligibilityTest, EveryFailingConditionIsReportedInOrder) {
  UserFacts facts;  // nothing recorded
  facts.organisation_accreditation = AccreditationState::kAccredited;
  const Eligibility e = Evaluate(facts, D(2026, 1, 15));
  EXPECT_EQ(Codes(e), (std::vector<ReasonCode>{ReasonCode::kNotNominated,
                                               ReasonCode::kTrainingNotRecorded,
                                               ReasonCode::kEcrbNotRecorded,
                                               ReasonCode::kTokenNotEnrolled}));
  EXPECT_FALSE(e.ecrb_lapses_on.has_value());
}

}  // namespace
}  // namespace cp::access
