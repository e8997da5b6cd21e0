#include "search/criteria.h"

#include <gtest/gtest.h>

namespace cp::search {
namespace {

using core::ErrorCode;
using std::chrono::November;

const domain::Date kToday = std::chrono::year{2026} / November / std::chrono::day{21};

Criterion C(const char* text) { return core::Sensitive<std::string>(std::string(text)); }

TEST(CriteriaTest, EachMinimumCombinationIsAcceptedAndNothingLess) {
  struct Case {
    const char* name;
    SearchCriteria criteria;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"family+given", {.given_names = C("Ann"), .family_name = C("Lee")}, true},
      {"family+dob", {.family_name = C("Lee"), .date_of_birth = C("2015-01-02")}, true},
      {"family+year", {.family_name = C("Lee"), .date_of_birth = C("2015")}, true},
      {"family+postcode", {.family_name = C("Lee"), .postcode = C("ls1 4ab")}, true},
      {"contactpoint id", {.contactpoint_id = C("")}, false},  // empty is refused as empty
      {"nhs number", {.nhs_number = C("943 476 5919")}, true},
      {"upn", {.upn = C("A123456789012")}, true},
      {"family only", {.family_name = C("Lee")}, false},
      {"given+dob", {.given_names = C("Ann"), .date_of_birth = C("2015-01-02")}, false},
      {"family+gender+school",
       {.family_name = C("Lee"), .gender = C("female"), .school = C("URN:107999")},
       false},
      {"postcode+dob", {.date_of_birth = C("2015-01-02"), .postcode = C("LS1 4AB")}, false},
  };
  for (const Case& c : cases) {
    auto q = ValidateCriteria(c.criteria, kToday);
    EXPECT_EQ(q.ok(), c.ok) << c.name << ": " << q.status().ToString();
  }
  auto few = ValidateCriteria({.family_name = C("Lee")}, kToday);
  EXPECT_EQ(few.status().code(), ErrorCode::kInsufficientSearchCriteria);
  EXPECT_NE(few.status().message().find("family name and at least one of"), std::string::npos);
}

TEST(CriteriaTest, WildcardsAreRefusedNamingTheCriterionAndCharacter) {
  for (const char* pattern : {"Le*", "L%e", "Le?", "Le_"}) {
    auto q = ValidateCriteria({.given_names = C("Ann"), .family_name = C(pattern)}, kToday);
    ASSERT_FALSE(q.ok()) << pattern;
    EXPECT_EQ(q.status().code(), ErrorCode::kWildcardNotAllowed) << pattern;
    EXPECT_NE(q.status().message().find("'family_name' contains '"), std::string::npos);
    EXPECT_EQ(q.status().message().find("Le"), std::string::npos) << "the value is not echoed";
  }
  auto school = ValidateCriteria(
      {.family_name = C("Lee"), .date_of_birth = C("2015"), .school = C("Leeds*")}, kToday);
  EXPECT_EQ(school.status().code(), ErrorCode::kWildcardNotAllowed);
}

TEST(CriteriaTest, DatesYearsAndIdentifiersAreCheckedAndNormalised) {
  auto year = ValidateCriteria({.family_name = C("Lee"), .date_of_birth = C("2015")}, kToday);
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->birth_year, 2015);
  EXPECT_FALSE(year->exact_date_of_birth);
  EXPECT_EQ(year->used, (std::vector<std::string>{"family_name", "birth_year"}));
  EXPECT_EQ(ValidateCriteria({.family_name = C("Lee"), .date_of_birth = C("2027")}, kToday)
                .status().code(), ErrorCode::kInvalidDate);
  EXPECT_EQ(ValidateCriteria({.family_name = C("Lee"), .date_of_birth = C("2026-12-01")}, kToday)
                .status().code(), ErrorCode::kInvalidDate);
  EXPECT_EQ(ValidateCriteria({.family_name = C("Lee"), .date_of_birth = C("15/01/2015")}, kToday)
                .status().code(), ErrorCode::kInvalidDate);
  EXPECT_EQ(ValidateCriteria({.family_name = C("Lee"), .postcode = C("LS1")}, kToday)
                .status().code(), ErrorCode::kInvalidPostcode);
  EXPECT_EQ(ValidateCriteria({.nhs_number = C("9434765918")}, kToday).status().code(),
            ErrorCode::kInvalidNhsNumber);
  EXPECT_EQ(ValidateCriteria({.contactpoint_id = C("123")}, kToday).status().code(),
            ErrorCode::kInvalidContactPointId);
  EXPECT_EQ(ValidateCriteria({.given_names = C(""), .family_name = C("Lee")}, kToday)
                .status().code(), ErrorCode::kInvalidSearchCriteria);
  auto school = ValidateCriteria({.family_name = C("Lee"), .date_of_birth = C("2015"),
                                  .school = C("107999"), .gp = C("Park  Surgery")},
                                 kToday);
  ASSERT_TRUE(school.ok()) << school.status().ToString();
  EXPECT_EQ(school->school->value, "URN:107999");
  EXPECT_TRUE(school->school->is_code);
  EXPECT_EQ(school->gp->value, "park surgery");
  EXPECT_FALSE(school->gp->is_code);
}

TEST(CriteriaTest, CriteriaJsonHoldsTheGivenValuesOnly) {
  EXPECT_EQ(CriteriaJson({.given_names = C("Ann \"A\""), .family_name = C("Lee")}).Reveal(),
            "{\"given_names\":\"Ann \\\"A\\\"\",\"family_name\":\"Lee\"}");
}

}  // namespace
}  // namespace cp::search
