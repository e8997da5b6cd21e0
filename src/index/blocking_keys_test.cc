#include "index/blocking_keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "linkage/phonetic.h"

namespace cp::index {
namespace {

TEST(BlockingKeysTest, TranspositionFreeDateOrdersDayAndMonthOnlyWhenBothCouldBeMonths) {
  struct Case {
    std::uint32_t date;
    std::uint32_t keyed;
  };
  const Case cases[] = {
      {20150307, 20150307},  // the smaller of day and month already first
      {20150703, 20150307},  // swapped form keys like the original
      {20151212, 20151212},  // equal
      {20150113, 20150113},  // day 13 cannot be a month
      {20151301, 20151301},  // not a date, left alone
      {20151025, 20151025},  // not both months
      {0, 0},                // missing
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TranspositionFreeDate(c.date), c.keyed) << c.date;
  }
  EXPECT_EQ(TranspositionFreeDate(20150307), TranspositionFreeDate(20150703));
  EXPECT_NE(TranspositionFreeDate(20150307), TranspositionFreeDate(20160703));
}

TEST(BlockingKeysTest, PhoneticCodePacksShortCodesAndHashesLongOnes) {
  EXPECT_EQ(PhoneticCode(""), 0u);
  EXPECT_EQ(PhoneticCode("A"), std::uint64_t{'A'} << 56);
  EXPECT_NE(PhoneticCode("SNAT"), PhoneticCode("SNATA"));
  EXPECT_NE(PhoneticCode("ABCDEFGHI"), PhoneticCode("ABCDEFGHJ"));
  EXPECT_EQ(PhoneticCode("ABCDEFGHI") >> 56, 0xFFu);
}

TEST(BlockingKeysTest, EveryBuilderRefusesMissingFields) {
  const std::uint64_t code = PhoneticCode("SNAT");
  EXPECT_EQ(IdentifierKey(KeyKind::kNhsNumber, 0), 0u);
  EXPECT_EQ(FamilyDobKey(0, 20150307), 0u);
  EXPECT_EQ(FamilyDobKey(code, 0), 0u);
  EXPECT_EQ(GivenDobKey(0, 20150307), 0u);
  EXPECT_EQ(NamesYearKey(code, 0, 20150307), 0u);
  EXPECT_EQ(NamesYearKey(0, code, 20150307), 0u);
  EXPECT_EQ(NamesDayMonthKey(code, code, 0), 0u);
  EXPECT_EQ(PostcodeYearKey(0, 20150307), 0u);
  EXPECT_EQ(PostcodeYearKey(12345, 0), 0u);
  EXPECT_EQ(OtherNameDobKey(0, 20150307), 0u);
  EXPECT_EQ(OtherNameDobKey(12345, 0), 0u);
  EXPECT_TRUE(StoredKeys(KeyFields{}).empty());
}

TEST(BlockingKeysTest, KeysCarryTheirKindAndDifferAcrossKinds) {
  const std::uint64_t code = PhoneticCode("SNAT");
  const std::uint32_t dob = 20150307;
  const std::vector<std::pair<KeyKind, std::uint64_t>> keys = {
      {KeyKind::kNhsNumber, IdentifierKey(KeyKind::kNhsNumber, 42)},
      {KeyKind::kUpn, IdentifierKey(KeyKind::kUpn, 42)},
      {KeyKind::kUln, IdentifierKey(KeyKind::kUln, 42)},
      {KeyKind::kFamilyDob, FamilyDobKey(code, dob)},
      {KeyKind::kGivenDob, GivenDobKey(code, dob)},
      {KeyKind::kNamesYear, NamesYearKey(code, code, dob)},
      {KeyKind::kNamesDayMonth, NamesDayMonthKey(code, code, dob)},
      {KeyKind::kPostcodeYear, PostcodeYearKey(code, dob)},
      {KeyKind::kOtherNameDob, OtherNameDobKey(code, dob)},
  };
  std::set<std::uint64_t> distinct;
  for (const auto& [kind, key] : keys) {
    EXPECT_NE(key, 0u);
    EXPECT_EQ(KindOf(key), kind) << KeyKindName(kind);
    distinct.insert(key);
  }
  EXPECT_EQ(distinct.size(), keys.size());
}

TEST(BlockingKeysTest, DateKeysIgnoreOnlyThePartTheyLeaveOut) {
  const std::uint64_t f = PhoneticCode("TANPSAN");
  const std::uint64_t g = PhoneticCode("WALAN");
  // names_year ignores day and month, names_day_month ignores the year.
  EXPECT_EQ(NamesYearKey(f, g, 20150307), NamesYearKey(f, g, 20151225));
  EXPECT_NE(NamesYearKey(f, g, 20150307), NamesYearKey(f, g, 20160307));
  EXPECT_EQ(NamesDayMonthKey(f, g, 20150307), NamesDayMonthKey(f, g, 20050307));
  EXPECT_EQ(NamesDayMonthKey(f, g, 20150307), NamesDayMonthKey(f, g, 20050703));
  EXPECT_NE(NamesDayMonthKey(f, g, 20150307), NamesDayMonthKey(f, g, 20150308));
  // The full-date keys tolerate a swap, not another date.
  EXPECT_EQ(FamilyDobKey(f, 20150307), FamilyDobKey(f, 20150703));
  EXPECT_NE(FamilyDobKey(f, 20150307), FamilyDobKey(f, 20150308));
  EXPECT_EQ(GivenDobKey(g, 20150307), GivenDobKey(g, 20150703));
  // postcode_year ignores day and month.
  EXPECT_EQ(PostcodeYearKey(99, 20150307), PostcodeYearKey(99, 20151231));
  EXPECT_NE(PostcodeYearKey(99, 20150307), PostcodeYearKey(99, 20140307));
}

TEST(BlockingKeysTest, DoubleBarrelledFamilyNameYieldsTheCodeOfEachPart) {
  linkage::FamilyName family;
  family.keys = linkage::MakeFamilyNameKeys({"smith", "jones"});
  family.phonetic = linkage::Nysiis(family.keys.core);
  std::array<std::uint64_t, kMaxFamilyCodes> codes{};
  ASSERT_EQ(FamilyCodes(family, &codes), 3u);
  EXPECT_EQ(codes[0], PhoneticCode(linkage::Nysiis("smithjones")));
  EXPECT_EQ(codes[1], PhoneticCode(linkage::Nysiis("smith")));
  EXPECT_EQ(codes[2], PhoneticCode(linkage::Nysiis("jones")));

  linkage::FamilyName single;
  single.keys = linkage::MakeFamilyNameKeys({"van", "der", "berg"});
  single.phonetic = linkage::Nysiis(single.keys.core);
  EXPECT_EQ(FamilyCodes(single, &codes), 1u);
  EXPECT_EQ(codes[0], PhoneticCode(linkage::Nysiis("berg")));
}

TEST(BlockingKeysTest, StoredKeysCoverEveryKindWhenEveryFieldIsPresent) {
  KeyFields fields;
  fields.nhs_number = 9434765919 + 1;
  fields.upn = 77;
  fields.uln = 1234567890 + 1;
  fields.date_of_birth = 20150307;
  fields.postcode_unit = 0x4C53312034414200;  // "LS1 4AB"
  fields.given_code = PhoneticCode("WALAN");
  fields.family_codes[0] = PhoneticCode("TANPSAN");
  fields.family_code_count = 1;
  AddOtherFamily(0x1234, &fields);
  AddOtherFamily(0x1234, &fields);  // kept once
  EXPECT_EQ(fields.other_family_count, 1u);
  const KeyList keys = StoredKeys(fields);
  KeyMask kinds = 0;
  for (std::uint64_t key : keys) kinds |= MaskOf(KindOf(key));
  EXPECT_EQ(kinds, kAllKeys);
  EXPECT_EQ(keys.size(), kKeyKindCount);
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));

  // Without a given name only the keys that do not need one remain.
  fields.given_code = 0;
  kinds = 0;
  for (std::uint64_t key : StoredKeys(fields)) kinds |= MaskOf(KindOf(key));
  EXPECT_EQ(kinds, kIdentifierKeys | MaskOf(KeyKind::kFamilyDob) | MaskOf(KeyKind::kPostcodeYear) |
                       MaskOf(KeyKind::kOtherNameDob));
}

TEST(BlockingKeysTest, EachKindHasOneKeyPerValueItIsBuiltFrom) {
  std::mt19937_64 rng(21);
  for (int i = 0; i < 2000; ++i) {
    KeyFields fields;
    auto maybe = [&rng](std::uint64_t value) { return rng() % 3 == 0 ? 0 : value; };
    fields.nhs_number = maybe(rng() | 1);
    fields.upn = maybe(rng() | 1);
    fields.uln = maybe(rng() | 1);
    fields.date_of_birth = static_cast<std::uint32_t>(maybe(20000101 + rng() % 1000));
    fields.postcode_unit = maybe(rng() | 1);
    fields.given_code = maybe(rng() | 1);
    fields.family_code_count = static_cast<std::uint8_t>(rng() % (kMaxFamilyCodes + 1));
    for (std::size_t c = 0; c < fields.family_code_count; ++c) fields.family_codes[c] = rng() | 1;
    for (std::uint64_t c = rng() % (kMaxOtherFamilies + 2); c > 0; --c) {
      AddOtherFamily(rng() | 1, &fields);
    }

    const KeyList all = StoredKeys(fields);
    std::array<std::size_t, kKeyKindCount> per_kind{};
    for (std::uint64_t key : all) ++per_kind[static_cast<std::size_t>(KindOf(key))];
    // Random codes never coincide, so each kind has one key per value it is
    // built from, and none when a field it needs is missing.
    const bool dob = fields.date_of_birth != 0;
    const bool given = fields.given_code != 0 && dob;
    auto count = [&per_kind](KeyKind kind) { return per_kind[static_cast<std::size_t>(kind)]; };
    EXPECT_EQ(count(KeyKind::kNhsNumber), fields.nhs_number != 0 ? 1u : 0u);
    EXPECT_EQ(count(KeyKind::kUpn), fields.upn != 0 ? 1u : 0u);
    EXPECT_EQ(count(KeyKind::kUln), fields.uln != 0 ? 1u : 0u);
    EXPECT_EQ(count(KeyKind::kGivenDob), given ? 1u : 0u);
    EXPECT_EQ(count(KeyKind::kFamilyDob), dob ? fields.family_code_count : 0u);
    EXPECT_EQ(count(KeyKind::kNamesYear), given ? fields.family_code_count : 0u);
    EXPECT_EQ(count(KeyKind::kNamesDayMonth), given ? fields.family_code_count : 0u);
    EXPECT_EQ(count(KeyKind::kPostcodeYear), fields.postcode_unit != 0 && dob ? 1u : 0u);
    EXPECT_EQ(count(KeyKind::kOtherNameDob), dob ? fields.other_family_count : 0u);
    EXPECT_LE(all.size(), kMaxStoredKeys);
  }
}

}  // namespace
}  // namespace cp::index
