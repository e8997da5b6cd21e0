#include "ingest/best_view.h"

#include <gtest/gtest.h>

#include "domain/validation.h"

namespace cp::ingest {
namespace {

using domain::PersonalText;

domain::Child View(const char* given, const char* family, unsigned day) {
  domain::Child c;
  c.name = {PersonalText(given), PersonalText(family)};
  c.date_of_birth = core::Sensitive<domain::Date>(std::chrono::year{2015} / std::chrono::March /
                                                  std::chrono::day{day});
  return c;
}

domain::Involvement Service(domain::ServiceType type, const char* org, bool lead) {
  domain::Involvement i;
  i.type = type;
  i.organisation.name = org;
  i.lead_professional = lead;
  return i;
}

TEST(BestViewTest, NewestViewWinsAndOtherNamesBecomeDistinctAliases) {
  domain::Child newest = View("Amelia", "Smith", 2);
  domain::Child older = View("Amy", "Jones", 3);
  older.other_names.push_back({PersonalText("Amelia"), PersonalText("Smith")});  // = best name
  older.other_names.push_back({PersonalText("Millie"), PersonalText("Jones")});
  domain::Child oldest = View("Millie", "Jones", 3);
  const domain::Child best = MergeSourceViews(domain::ContactPointId(), {&newest, &older, &oldest});
  EXPECT_EQ(best.name.given_names.Reveal(), "Amelia");
  EXPECT_EQ(best.name.family_name.Reveal(), "Smith");
  EXPECT_EQ(domain::FormatDate(best.date_of_birth.Reveal()), "2015-03-02");
  ASSERT_EQ(best.other_names.size(), 2u);
  EXPECT_EQ(best.other_names[0].given_names.Reveal(), "Amy");
  EXPECT_EQ(best.other_names[1].given_names.Reveal(), "Millie");
}

TEST(BestViewTest, MissingFieldsComeFromOlderViews) {
  domain::Child newest = View("Amelia", "Smith", 2);
  domain::Child older = View("Amelia", "Smith", 2);
  older.identifiers.nhs_number = PersonalText("9434765919");
  older.gender = domain::Gender::kFemale;
  domain::Address address;
  address.postcode = PersonalText("LS1 4AB");
  older.address = address;
  const domain::Child best = MergeSourceViews(domain::ContactPointId(), {&newest, &older});
  EXPECT_EQ(best.identifiers.nhs_number->Reveal(), "9434765919");
  EXPECT_EQ(best.gender, domain::Gender::kFemale);
  ASSERT_TRUE(best.address.has_value());
  EXPECT_TRUE(best.other_names.empty());
}

TEST(BestViewTest, NewbornNameFilledFromALaterRegistration) {
  domain::Child unnamed = View("", "Smith", 2);
  domain::Child named = View("Amelia", "Smith", 2);
  const domain::Child best = MergeSourceViews(domain::ContactPointId(), {&unnamed, &named});
  EXPECT_EQ(best.name.given_names.Reveal(), "Amelia");
}

TEST(BestViewTest, ServicesAreUnitedAndOnlyOneLeadSurvives) {
  domain::Child a = View("Amelia", "Smith", 2);
  domain::Child b = View("Amelia", "Smith", 2);
  a.involvements = {Service(domain::ServiceType::kSchool, "Leeds Primary", false),
                    Service(domain::ServiceType::kSocialCare, "Leeds CSC", true)};
  b.involvements = {Service(domain::ServiceType::kSchool, "Leeds Primary", false),
                    Service(domain::ServiceType::kYouthOffending, "Leeds YOT", true)};
  const domain::Child best = MergeSourceViews(domain::ContactPointId(), {&a, &b});
  ASSERT_EQ(best.involvements.size(), 3u);
  EXPECT_TRUE(best.involvements[1].lead_professional);
  EXPECT_FALSE(best.involvements[2].lead_professional);
  const domain::Date today{std::chrono::year{2026} / 11 / 22};
  EXPECT_TRUE(domain::ValidateChild(best, today).ok());
}

}  // namespace
}  // namespace cp::ingest
