#include "linkage/comparator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "domain/model.h"
#include "linkage/name_variants.h"
#include "linkage/normalise.h"
#include "linkage/record.h"

namespace cp::linkage {
namespace {

using domain::Gender;
using domain::PersonalText;

// A child described by the fields linkage compares; empty means absent.
struct Person {
  std::string given;
  std::string family;
  std::string dob;  // YYYY-MM-DD
  Gender gender = Gender::kUnknown;
  std::string postcode;
  std::vector<std::string> lines;
  std::string nhs;
  std::string upn;
  std::string uln;
  std::vector<std::pair<std::string, std::string>> aliases;  // given, family
  std::vector<std::pair<std::string, std::string>> carers;   // given, family
  std::string carer_phone;
};

domain::Date ParseYmd(const std::string& text) {
  if (text.empty()) return domain::Date{};
  return domain::Date{std::chrono::year(std::stoi(text.substr(0, 4))),
                      std::chrono::month(static_cast<unsigned>(std::stoi(text.substr(5, 2)))),
                      std::chrono::day(static_cast<unsigned>(std::stoi(text.substr(8, 2))))};
}

std::optional<PersonalText> Optional(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return PersonalText(text);
}

domain::Child MakeChild(const Person& p) {
  domain::Child child;
  child.name = {PersonalText(p.given), PersonalText(p.family)};
  for (const auto& [given, family] : p.aliases) {
    child.other_names.push_back({PersonalText(given), PersonalText(family)});
  }
  child.gender = p.gender;
  child.date_of_birth = core::Sensitive<domain::Date>(ParseYmd(p.dob));
  if (!p.postcode.empty() || !p.lines.empty()) {
    domain::Address address;
    address.lines = core::Sensitive<std::vector<std::string>>(p.lines);
    address.postcode = Optional(p.postcode);
    child.address = address;
  }
  child.identifiers.nhs_number = Optional(p.nhs);
  child.identifiers.upn = Optional(p.upn);
  child.identifiers.uln = Optional(p.uln);
  for (const auto& [given, family] : p.carers) {
    domain::Carer carer;
    carer.name = {PersonalText(given), PersonalText(family)};
    carer.contact.phone = Optional(p.carer_phone);
    child.carers.push_back(carer);
  }
  return child;
}

class ComparatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::filesystem::path dir = CP_LINKAGE_DATA_DIR;
    auto normaliser = NameNormaliser::Create();
    ASSERT_TRUE(normaliser.ok());
    auto given = NameEquivalence::LoadCsv(dir / kGivenNameVariantsFile);
    auto family = NameEquivalence::LoadCsv(dir / kFamilyNameVariantsFile);
    ASSERT_TRUE(given.ok() && family.ok());
    state_ = new State{std::move(normaliser).value(), std::move(given).value(),
                       std::move(family).value()};
  }
  static void TearDownTestSuite() { delete state_; }

  static LinkageRecord Build(const Person& person) {
    RecordBuilder builder(*state_->normaliser, state_->given, state_->family);
    return builder.Build(MakeChild(person));
  }
  static LinkageRecord BuildWith(const Person& person, const TermFrequencies& given,
                                 const TermFrequencies& family) {
    RecordBuilder builder(*state_->normaliser, state_->given, state_->family, &given, &family);
    return builder.Build(MakeChild(person));
  }
  static ComparisonVector Compare(const Person& a, const Person& b) {
    return Comparator().Compare(Build(a), Build(b));
  }

  // Each case sets one text member of two otherwise empty people and expects
  // `field` to compare at the given level.
  template <typename Level>
  struct LevelCase {
    const char* a;
    const char* b;
    Level expected;
  };
  template <typename Level, std::size_t N>
  static void ExpectLevels(Field field, std::string Person::*member,
                           const LevelCase<Level> (&cases)[N]) {
    for (const auto& c : cases) {
      Person a;
      Person b;
      a.*member = c.a;
      b.*member = c.b;
      EXPECT_EQ(Compare(a, b).level(field), static_cast<std::uint8_t>(c.expected))
          << FieldName(field) << ": '" << c.a << "' / '" << c.b << "'";
    }
  }

  struct State {
    std::unique_ptr<NameNormaliser> normaliser;
    NameEquivalence given;
    NameEquivalence family;
  };
  static State* state_;
};
ComparatorTest::State* ComparatorTest::state_ = nullptr;

TEST_F(ComparatorTest, GivenNameLevels) {
  const LevelCase<GivenNameLevel> cases[] = {
      {"Robert", "ROBERT", GivenNameLevel::kExact},
      {"Zoë", "Zoe", GivenNameLevel::kExact},
      {"Bob", "Robert", GivenNameLevel::kNickname},
      {"Peggy", "Margaret", GivenNameLevel::kNickname},
      {"James Robert", "Robert", GivenNameLevel::kNickname},  // known by a middle name
      {"Robert", "James Robert", GivenNameLevel::kNickname},
      {"Jonathon", "Jonathan", GivenNameLevel::kNickname},  // in the variant table
      {"Jessica", "Jesica", GivenNameLevel::kJaroWinkler},
      {"Aimee", "Amy", GivenNameLevel::kPhonetic},
      {"J", "Jessica", GivenNameLevel::kInitial},
      {"Jessica", "J.", GivenNameLevel::kInitial},
      {"Mary", "Jessica", GivenNameLevel::kDisagree},
      {"Oliver", "Olivia", GivenNameLevel::kDisagree},
      {"", "Jessica", GivenNameLevel::kMissing},
  };
  ExpectLevels(Field::kGivenName, &Person::given, cases);
}

TEST_F(ComparatorTest, FamilyNameLevels) {
  const LevelCase<FamilyNameLevel> cases[] = {
      {"O'Brien", "OBRIEN", FamilyNameLevel::kExact},
      {"Nguyễn", "Nguyen", FamilyNameLevel::kExact},
      {"Smith-Jones", "Smith Jones", FamilyNameLevel::kExact},
      {"Adams", "Adamson", FamilyNameLevel::kVariant},
      {"van der Berg", "Berg", FamilyNameLevel::kPartial},  // particles dropped
      {"Al Hassan", "Hassan", FamilyNameLevel::kPartial},
      {"Smith-Jones", "Jones", FamilyNameLevel::kPartial},  // one barrel
      {"Smith", "Jones-Smith", FamilyNameLevel::kPartial},
      {"Smith-Jones", "Jones-Brown", FamilyNameLevel::kPartial},
      {"Thompson", "Thomson", FamilyNameLevel::kJaroWinkler},
      {"MacDonald", "McDonald", FamilyNameLevel::kJaroWinkler},
      {"Smyth", "Smith", FamilyNameLevel::kVariant},
      {"Lowe", "Law", FamilyNameLevel::kPhonetic},
      {"Cholmondeley", "Chumley", FamilyNameLevel::kDisagree},
      {"Le", "Lee", FamilyNameLevel::kDisagree},  // different names, not a typo
      {"Smith", "Patel", FamilyNameLevel::kDisagree},
      {"Smith", "", FamilyNameLevel::kMissing},
  };
  ExpectLevels(Field::kFamilyName, &Person::family, cases);
}

TEST_F(ComparatorTest, DateOfBirthLevels) {
  const LevelCase<DateOfBirthLevel> cases[] = {
      {"2015-03-07", "2015-03-07", DateOfBirthLevel::kExact},
      {"2015-03-07", "2015-07-03", DateOfBirthLevel::kTransposed},
      {"2015-03-07", "2015-03-08", DateOfBirthLevel::kOneDigit},
      {"2015-03-07", "2016-03-07", DateOfBirthLevel::kOneDigit},
      {"2015-03-07", "2015-03-17", DateOfBirthLevel::kOneDigit},
      {"2015-03-28", "2015-04-02", DateOfBirthLevel::kWithinMonth},
      {"2015-12-30", "2016-01-05", DateOfBirthLevel::kWithinMonth},  // across a year end
      {"2015-03-07", "2015-09-21", DateOfBirthLevel::kSameYear},
      {"2015-03-07", "2012-11-21", DateOfBirthLevel::kDisagree},
      {"2015-03-07", "", DateOfBirthLevel::kMissing},
  };
  ExpectLevels(Field::kDateOfBirth, &Person::dob, cases);
}

TEST_F(ComparatorTest, PostcodeLevels) {
  const LevelCase<PostcodeLevel> cases[] = {
      {"LS1 4AB", "LS1 4AB", PostcodeLevel::kUnit},
      {"LS1 4AB", "LS1 4XY", PostcodeLevel::kSector},
      {"LS1 4AB", "LS1 5AB", PostcodeLevel::kDistrict},
      {"LS1 4AB", "LS11 4AB", PostcodeLevel::kDisagree},  // LS1 is not LS11
      {"LS1 4AB", "M1 1AE", PostcodeLevel::kDisagree},
      {"LS1 4AB", "", PostcodeLevel::kMissing},
  };
  ExpectLevels(Field::kPostcode, &Person::postcode, cases);
}

TEST_F(ComparatorTest, AddressLevels) {
  const Person a{.lines = {"12 High Street", "Leeds"}};
  EXPECT_EQ(Compare(a, {.lines = {"12 HIGH STREET", "LEEDS"}}).level(Field::kAddress),
            static_cast<std::uint8_t>(AddressLevel::kExact));
  EXPECT_EQ(Compare(a, {.lines = {"12 High St", "Leeds"}}).level(Field::kAddress),
            static_cast<std::uint8_t>(AddressLevel::kSimilar));
  EXPECT_EQ(Compare(a, {.lines = {"Flat 3", "7 Mill Lane", "York"}}).level(Field::kAddress),
            static_cast<std::uint8_t>(AddressLevel::kDisagree));
  EXPECT_EQ(Compare(a, {}).level(Field::kAddress),
            static_cast<std::uint8_t>(AddressLevel::kMissing));
}

TEST_F(ComparatorTest, GenderTreatsUnknownAsMissing) {
  EXPECT_EQ(Compare({.gender = Gender::kFemale}, {.gender = Gender::kFemale}).level(Field::kGender),
            static_cast<std::uint8_t>(GenderLevel::kAgree));
  EXPECT_EQ(Compare({.gender = Gender::kFemale}, {.gender = Gender::kMale}).level(Field::kGender),
            static_cast<std::uint8_t>(GenderLevel::kDisagree));
  EXPECT_EQ(
      Compare({.gender = Gender::kFemale}, {.gender = Gender::kUnspecified}).level(Field::kGender),
      static_cast<std::uint8_t>(GenderLevel::kMissing));
}

TEST_F(ComparatorTest, IdentifiersAgreeDisagreeOrAreMissing) {
  const Person a{.nhs = "9434765919", .upn = "A123456789012", .uln = "1234567890"};
  const ComparisonVector same = Compare(a, a);
  for (Field f : {Field::kNhsNumber, Field::kUpn, Field::kUln}) {
    EXPECT_EQ(same.level(f), static_cast<std::uint8_t>(AgreeLevel::kAgree)) << FieldName(f);
  }
  const ComparisonVector other =
      Compare(a, {.nhs = "9434765870", .upn = "B123456789012", .uln = "1234567891"});
  for (Field f : {Field::kNhsNumber, Field::kUpn, Field::kUln}) {
    EXPECT_EQ(other.level(f), static_cast<std::uint8_t>(AgreeLevel::kDisagree)) << FieldName(f);
  }
  const ComparisonVector none = Compare(a, {});
  for (Field f : {Field::kNhsNumber, Field::kUpn, Field::kUln}) {
    EXPECT_EQ(none.level(f), static_cast<std::uint8_t>(AgreeLevel::kMissing)) << FieldName(f);
  }
}

TEST_F(ComparatorTest, OtherNamesMatchAcrossAliasesButNotPrimaryNames) {
  const Person kai{.given = "Kai", .family = "Smith", .aliases = {{"Kai", "Jones"}}};
  EXPECT_EQ(Compare(kai, {.given = "Kai", .family = "Jones"}).level(Field::kOtherNames),
            static_cast<std::uint8_t>(OtherNamesLevel::kFullName));
  EXPECT_EQ(Compare(kai, {.given = "Leo", .family = "Jones"}).level(Field::kOtherNames),
            static_cast<std::uint8_t>(OtherNamesLevel::kFamilyName));
  EXPECT_EQ(Compare(kai, {.given = "Kai", .family = "Smith"}).level(Field::kOtherNames),
            static_cast<std::uint8_t>(OtherNamesLevel::kDisagree));
  EXPECT_EQ(Compare({.given = "Kai", .family = "Smith"}, {.given = "Kai", .family = "Smith"})
                .level(Field::kOtherNames),
            static_cast<std::uint8_t>(OtherNamesLevel::kMissing));
}

TEST_F(ComparatorTest, AnAliasOnlyRepeatingThePrimaryNamesAgreementSaysNothing) {
  // "Mia Smart", kept as an alias of "Mia Lottie-Mae Smart", repeats what the
  // given and family names already say about another child, "Mia Amelia
  // Smart": counted again, two Mia Smarts would link on their names alone.
  const Person mia{.given = "Mia Lottie-Mae", .family = "Smart", .aliases = {{"Mia", "Smart"}}};
  EXPECT_EQ(Compare(mia, {.given = "Mia Amelia", .family = "Smart"}).level(Field::kOtherNames),
            static_cast<std::uint8_t>(OtherNamesLevel::kMissing));
  EXPECT_EQ(Compare({.given = "Mia Amelia", .family = "Smart"}, mia).level(Field::kOtherNames),
            static_cast<std::uint8_t>(OtherNamesLevel::kMissing));
  // An alias agreeing on a name the primary names do not share still counts.
  const Person former{.given = "Mia", .family = "Smart", .aliases = {{"Mia", "Jones"}}};
  EXPECT_EQ(Compare(former, {.given = "Mia", .family = "Smart", .aliases = {{"Mia", "Jones"}}})
                .level(Field::kOtherNames),
            static_cast<std::uint8_t>(OtherNamesLevel::kFullName));
  EXPECT_EQ(Compare(former, {.given = "Mia", .family = "Smart", .aliases = {{"Amy", "Jones"}}})
                .level(Field::kOtherNames),
            static_cast<std::uint8_t>(OtherNamesLevel::kFamilyName));
  // Aliases that agree on nothing disagree, as before.
  EXPECT_EQ(Compare(former, {.given = "Mia", .family = "Smart", .aliases = {{"Mia", "Brown"}}})
                .level(Field::kOtherNames),
            static_cast<std::uint8_t>(OtherNamesLevel::kDisagree));
}

TEST_F(ComparatorTest, CarersCompareByNameAndPhone) {
  const Person a{.carers = {{"Sarah", "Smith"}}, .carer_phone = "+44 113 496 0000"};
  const ComparisonVector same =
      Compare(a, {.carers = {{"SARAH", "SMITH"}}, .carer_phone = "0113 496 0000"});
  EXPECT_EQ(same.level(Field::kCarerName), static_cast<std::uint8_t>(CarerNameLevel::kFullName));
  EXPECT_EQ(same.level(Field::kCarerPhone), static_cast<std::uint8_t>(AgreeLevel::kAgree));
  const ComparisonVector family_only =
      Compare(a, {.carers = {{"Tom", "Smith"}}, .carer_phone = "0113 496 0001"});
  EXPECT_EQ(family_only.level(Field::kCarerName),
            static_cast<std::uint8_t>(CarerNameLevel::kFamilyName));
  EXPECT_EQ(family_only.level(Field::kCarerPhone),
            static_cast<std::uint8_t>(AgreeLevel::kDisagree));
  EXPECT_EQ(Compare(a, {}).level(Field::kCarerName),
            static_cast<std::uint8_t>(CarerNameLevel::kMissing));
}

TEST_F(ComparatorTest, ExactNameAgreementCarriesTheNameFrequency) {
  const TermFrequencies given = TermFrequencies::FromCounts({{"jessica", 1}, {"amy", 3}});
  const TermFrequencies family = TermFrequencies::FromCounts({{"smith", 10}, {"jones", 90}});
  EXPECT_FLOAT_EQ(family.Frequency("smith"), 0.1f);
  EXPECT_FLOAT_EQ(family.Frequency("patel"), 0.0f);

  const Person jessica{.given = "Jessica", .family = "Smith"};
  const ComparisonVector same =
      Comparator().Compare(BuildWith(jessica, given, family), BuildWith(jessica, given, family));
  EXPECT_FLOAT_EQ(same.given_name_frequency, 0.25f);
  EXPECT_FLOAT_EQ(same.family_name_frequency, 0.1f);

  // Only exact agreement carries a frequency.
  const ComparisonVector typo =
      Comparator().Compare(BuildWith(jessica, given, family),
                           BuildWith({.given = "Jesica", .family = "Smyth"}, given, family));
  EXPECT_FLOAT_EQ(typo.given_name_frequency, 0.0f);
  EXPECT_FLOAT_EQ(typo.family_name_frequency, 0.0f);
}

// The builder's memo of names (record.h) gives what computing them gives,
// also once it has started again past its limit.
TEST_F(ComparatorTest, TheNameMemoGivesWhatTheNamesGive) {
  const RecordBuilder builder(*state_->normaliser, state_->given, state_->family);
  const std::vector<NameToken> first = builder.GivenNames("Mary-Jane Bob");
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].text, "mary");
  EXPECT_FALSE(first[2].groups.empty());  // "bob", a nickname of robert
  const FamilyName smith = builder.Family("O'Brien-Smith");
  for (std::size_t i = 0; i <= RecordBuilder::kNameMemoLimit; ++i) {
    const std::string name = "Name" + std::to_string(i);
    EXPECT_EQ(builder.GivenNames("Mary-Jane Bob"), first);
    EXPECT_EQ(builder.Family("O'Brien-Smith"), smith);
    (void)builder.GivenNames(name);
    (void)builder.Family(name);
    if (i % 4096 != 0) continue;
    // A name met before, and a new one, as a builder that never met them.
    const RecordBuilder fresh(*state_->normaliser, state_->given, state_->family);
    EXPECT_EQ(builder.GivenNames(name), fresh.GivenNames(name)) << i;
    EXPECT_EQ(builder.Family(name), fresh.Family(name)) << i;
  }
  EXPECT_EQ(builder.GivenNames("Mary-Jane Bob"), first);
}

// Each builder's names are its own: another builder, with other variant
// tables, on the same thread never gets what the first one gave.
TEST_F(ComparatorTest, ABuilderNeverGetsAnotherBuildersNames) {
  auto none = NameEquivalence::FromPairs({{"anne", "annie"}});
  ASSERT_TRUE(none.ok());
  const RecordBuilder with_bob(*state_->normaliser, state_->given, state_->family);
  const RecordBuilder without(*state_->normaliser, *none, *none);
  for (int round = 0; round < 2; ++round) {
    EXPECT_FALSE(with_bob.GivenNames("Bob")[0].groups.empty()) << round;
    EXPECT_TRUE(without.GivenNames("Bob")[0].groups.empty()) << round;
    EXPECT_FALSE(with_bob.Family("Smith").groups.empty()) << round;
    EXPECT_TRUE(without.Family("Smith").groups.empty()) << round;
  }
}

TEST(PackPhoneTest, NormalisesUkNumbers) {
  EXPECT_EQ(PackPhone("+44 113 496 0000"), PackPhone("0113 496 0000"));
  EXPECT_NE(PackPhone("0113 496 0000"), PackPhone("113 496 0000"));
  EXPECT_EQ(PackPhone(""), 0u);
  EXPECT_EQ(PackPhone("1234567890123456"), 0u);
}

}  // namespace
}  // namespace cp::linkage
