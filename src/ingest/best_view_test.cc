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

// A view from `source`, extracted at `t` (milliseconds), with `priority`.
SourceView From(const domain::Child& data, const char* source, std::int64_t t,
                int priority = kLocalSourcePriority) {
  return SourceView{&data,
                    domain::SourceId(source),
                    domain::SourceKey(std::string(source) + "-key"),
                    domain::BatchId(std::string(source) + "-batch"),
                    core::FromUnixMillis(t),
                    core::FromUnixMillis(t),
                    priority};
}

domain::Child Merge(std::initializer_list<SourceView> views) {
  return MergeSourceViews(domain::ContactPointId(), std::span(views.begin(), views.size()));
}

const domain::FieldProvenance* ProvenanceOf(const domain::Child& child, std::string_view field) {
  for (const domain::FieldProvenance& p : child.provenance) {
    if (p.field == field) return &p;
  }
  return nullptr;
}

domain::Involvement Service(domain::ServiceType type, const char* org, bool lead) {
  domain::Involvement i;
  i.type = type;
  i.organisation.name = org;
  i.lead_professional = lead;
  return i;
}

TEST(BestViewTest, AmongEqualPrioritiesTheNewestWinsAndOtherNamesBecomeDistinctAliases) {
  domain::Child newest = View("Amelia", "Smith", 2);
  domain::Child older = View("Amy", "Jones", 3);
  older.other_names.push_back({PersonalText("Amelia"), PersonalText("Smith")});  // = best name
  older.other_names.push_back({PersonalText("Millie"), PersonalText("Jones")});
  domain::Child oldest = View("Millie", "Jones", 3);
  // Given in any order: the ranking is the function's.
  const domain::Child best =
      Merge({From(oldest, "c", 1000), From(newest, "a", 3000), From(older, "b", 2000)});
  EXPECT_EQ(best.name.given_names.Reveal(), "Amelia");
  EXPECT_EQ(best.name.family_name.Reveal(), "Smith");
  EXPECT_EQ(domain::FormatDate(best.date_of_birth.Reveal()), "2015-03-02");
  ASSERT_EQ(best.other_names.size(), 2u);
  EXPECT_EQ(best.other_names[0].given_names.Reveal(), "Amy");
  EXPECT_EQ(best.other_names[1].given_names.Reveal(), "Millie");
}

TEST(BestViewTest, MissingFieldsComeFromOtherViews) {
  domain::Child newest = View("Amelia", "Smith", 2);
  domain::Child older = View("Amelia", "Smith", 2);
  older.identifiers.nhs_number = PersonalText("9434765919");
  older.gender = domain::Gender::kFemale;
  domain::Address address;
  address.postcode = PersonalText("LS1 4AB");
  older.address = address;
  const domain::Child best = Merge({From(newest, "a", 2000), From(older, "b", 1000)});
  EXPECT_EQ(best.identifiers.nhs_number->Reveal(), "9434765919");
  EXPECT_EQ(best.gender, domain::Gender::kFemale);
  ASSERT_TRUE(best.address.has_value());
  EXPECT_TRUE(best.other_names.empty());
  EXPECT_EQ(ProvenanceOf(best, "nhs_number")->source.value(), "b");
  EXPECT_EQ(ProvenanceOf(best, "gender")->source.value(), "b");
  EXPECT_EQ(ProvenanceOf(best, "name")->source.value(), "a");
  EXPECT_EQ(ProvenanceOf(best, "upn"), nullptr);  // no source has one
}

TEST(BestViewTest, NewbornNameFilledFromALaterRegistrationAndNoNamelessAlias) {
  domain::Child unnamed = View("", "Smith", 2);
  domain::Child named = View("Amelia", "Smith", 2);
  // The unnamed view is the more trusted and the newer: it still cannot name
  // the child.
  const domain::Child best =
      Merge({From(unnamed, "nhs", 2000, kNationalSourcePriority), From(named, "la", 1000)});
  EXPECT_EQ(best.name.given_names.Reveal(), "Amelia");
  EXPECT_EQ(ProvenanceOf(best, "name")->source.value(), "la");
  EXPECT_TRUE(best.other_names.empty());
}

TEST(BestViewTest, AMoreTrustedSourceOutranksANewerOneForWhoTheChildIs) {
  domain::Child national = View("Amelia", "Smith", 2);
  national.gender = domain::Gender::kFemale;
  national.identifiers.nhs_number = PersonalText("9434765919");
  domain::Child local = View("Amelie", "Smyth", 3);  // typed later, by a local system
  local.gender = domain::Gender::kMale;
  local.identifiers.nhs_number = PersonalText("4010232137");
  const domain::Child best =
      Merge({From(local, "la-csc", 9000), From(national, "gro", 1000, kNationalSourcePriority)});
  EXPECT_EQ(best.name.given_names.Reveal(), "Amelia");
  EXPECT_EQ(best.name.family_name.Reveal(), "Smith");  // whole, never mixed
  EXPECT_EQ(domain::FormatDate(best.date_of_birth.Reveal()), "2015-03-02");
  EXPECT_EQ(best.gender, domain::Gender::kFemale);
  EXPECT_EQ(best.identifiers.nhs_number->Reveal(), "9434765919");
  for (const char* field : {"name", "date_of_birth", "gender", "nhs_number"}) {
    ASSERT_NE(ProvenanceOf(best, field), nullptr) << field;
    EXPECT_EQ(ProvenanceOf(best, field)->source.value(), "gro") << field;
  }
  // The local name stays searchable.
  ASSERT_EQ(best.other_names.size(), 1u);
  EXPECT_EQ(best.other_names[0].given_names.Reveal(), "Amelie");
  // Equal priorities: the newer word counts.
  const domain::Child equal = Merge({From(local, "la-csc", 9000), From(national, "gro", 1000)});
  EXPECT_EQ(equal.name.given_names.Reveal(), "Amelie");
}

TEST(BestViewTest, TheNewestAddressWinsWhateverTheSourcesPriority) {
  domain::Child national = View("Amelia", "Smith", 2);
  national.address = domain::Address{core::Sensitive<std::vector<std::string>>({"1 Old Road"}),
                                     PersonalText("LS1 4AB")};
  domain::Child local = View("Amelia", "Smith", 2);
  local.address = domain::Address{core::Sensitive<std::vector<std::string>>({"9 New Street"}),
                                  PersonalText("M1 1AA")};
  const domain::Child moved =
      Merge({From(national, "nhs", 1000, kNationalSourcePriority), From(local, "school", 5000)});
  EXPECT_EQ(moved.address->postcode->Reveal(), "M1 1AA");
  const domain::FieldProvenance* p = ProvenanceOf(moved, "address");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->source.value(), "school");
  EXPECT_EQ(p->key.value(), "school-key");
  EXPECT_EQ(p->batch.value(), "school-batch");
  EXPECT_EQ(p->extracted_at, core::FromUnixMillis(5000));
  // Same extract time: the more trusted source breaks the tie.
  const domain::Child tie =
      Merge({From(local, "school", 1000), From(national, "nhs", 1000, kNationalSourcePriority)});
  EXPECT_EQ(tie.address->postcode->Reveal(), "LS1 4AB");
}

TEST(BestViewTest, TheOrderOfTheViewsNeverMatters) {
  domain::Child a = View("Amelia", "Smith", 2);
  domain::Child b = View("Amy", "Smith", 3);
  // One batch of one source: same priority and times; (source, key) decides.
  const domain::Child ab = Merge({From(a, "a", 1000), From(b, "b", 1000)});
  const domain::Child ba = Merge({From(b, "b", 1000), From(a, "a", 1000)});
  EXPECT_EQ(ab, ba);
  EXPECT_EQ(ab.name.given_names.Reveal(), "Amelia");
}

TEST(BestViewTest, ServicesAreUnitedAndOnlyOneLeadSurvives) {
  domain::Child a = View("Amelia", "Smith", 2);
  domain::Child b = View("Amelia", "Smith", 2);
  a.involvements = {Service(domain::ServiceType::kSchool, "Leeds Primary", false),
                    Service(domain::ServiceType::kSocialCare, "Leeds CSC", true)};
  b.involvements = {Service(domain::ServiceType::kSchool, "Leeds Primary", false),
                    Service(domain::ServiceType::kYouthOffending, "Leeds YOT", true)};
  const domain::Child best = Merge({From(b, "b", 1000), From(a, "a", 2000)});
  ASSERT_EQ(best.involvements.size(), 3u);
  EXPECT_TRUE(best.involvements[1].lead_professional);  // the newest view's lead
  EXPECT_EQ(best.involvements[1].organisation.name, "Leeds CSC");
  EXPECT_FALSE(best.involvements[2].lead_professional);
  const domain::Date today{std::chrono::year{2026} / 11 / 22};
  EXPECT_TRUE(domain::ValidateChild(best, today).ok());
}

}  // namespace
}  // namespace cp::ingest
