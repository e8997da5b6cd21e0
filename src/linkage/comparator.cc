#include "linkage/comparator.h"

#include <algorithm>
#include <cstdlib>
#include <span>

#include "linkage/string_similarity.h"

namespace cp::linkage {
namespace {

bool Contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// Whether two sorted vectors share an element.
template <typename T>
bool SortedIntersect(const std::vector<T>& a, const std::vector<T>& b) {
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i == *j) return true;
    if (*i < *j) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

template <typename Level>
Level CompareIdentifier(std::uint64_t a, std::uint64_t b) {
  if (a == 0 || b == 0) return Level::kMissing;
  return a == b ? Level::kAgree : Level::kDisagree;
}

// Best agreement between two lists of names (full name, else family name).
template <typename Level>
Level CompareNameLists(std::span<const NameHashes> a, std::span<const NameHashes> b,
                       bool* family_agrees, bool* full_agrees) {
  for (const NameHashes& x : a) {
    for (const NameHashes& y : b) {
      if (x.full != 0 && x.full == y.full) *full_agrees = true;
      if (x.family != 0 && x.family == y.family) *family_agrees = true;
    }
  }
  if (*full_agrees) return Level::kFullName;
  if (*family_agrees) return Level::kFamilyName;
  return Level::kDisagree;
}

int DigitsDiffering(std::uint32_t a, std::uint32_t b) {
  int differing = 0;
  for (int i = 0; i < 8; ++i) {
    if (a % 10 != b % 10) ++differing;
    a /= 10;
    b /= 10;
  }
  return differing;
}

// Aliases agreeing is evidence beyond the primary names only when they agree
// on a name the primary names do not already share: "Mia Smart" as an alias
// of one record and the other's primary name "Mia Amelia Smart" repeat the
// agreement of the given and family names (counting it again would link two
// different Mia Smarts on their names alone). An agreement that only repeats
// the primary names' says nothing: the level is kMissing.
OtherNamesLevel CompareOtherNames(const LinkageRecord& a, const LinkageRecord& b) {
  if (a.other_names.empty() && b.other_names.empty()) return OtherNamesLevel::kMissing;
  const std::uint64_t shared_full =
      a.primary_name.full == b.primary_name.full ? a.primary_name.full : 0;
  const std::uint64_t shared_family =
      a.primary_name.family == b.primary_name.family ? a.primary_name.family : 0;
  bool full = false;
  bool family = false;
  bool repeated = false;
  auto compare = [&](std::span<const NameHashes> xs, std::span<const NameHashes> ys) {
    for (const NameHashes& x : xs) {
      for (const NameHashes& y : ys) {
        if (x.full != 0 && x.full == y.full) (x.full == shared_full ? repeated : full) = true;
        if (x.family != 0 && x.family == y.family) {
          (x.family == shared_family ? repeated : family) = true;
        }
      }
    }
  };
  const std::span<const NameHashes> a_primary(&a.primary_name, 1);
  const std::span<const NameHashes> b_primary(&b.primary_name, 1);
  compare(a_primary, b.other_names);
  compare(a.other_names, b_primary);
  compare(a.other_names, b.other_names);
  if (full) return OtherNamesLevel::kFullName;
  if (family) return OtherNamesLevel::kFamilyName;
  return repeated ? OtherNamesLevel::kMissing : OtherNamesLevel::kDisagree;
}

PostcodeLevel ComparePostcodes(const LinkageRecord& a, const LinkageRecord& b) {
  if (a.postcode_unit == 0 || b.postcode_unit == 0) return PostcodeLevel::kMissing;
  if (a.postcode_unit == b.postcode_unit) return PostcodeLevel::kUnit;
  if (a.postcode_sector == b.postcode_sector) return PostcodeLevel::kSector;
  if (a.postcode_district == b.postcode_district) return PostcodeLevel::kDistrict;
  return PostcodeLevel::kDisagree;
}

AddressLevel CompareAddresses(const LinkageRecord& a, const LinkageRecord& b,
                              double jaccard_threshold) {
  if (a.address_words.empty() || b.address_words.empty()) return AddressLevel::kMissing;
  if (a.address_words == b.address_words) return AddressLevel::kExact;
  std::size_t shared = 0;
  auto i = a.address_words.begin();
  auto j = b.address_words.begin();
  while (i != a.address_words.end() && j != b.address_words.end()) {
    if (*i == *j) {
      ++shared;
      ++i;
      ++j;
    } else if (*i < *j) {
      ++i;
    } else {
      ++j;
    }
  }
  const std::size_t together = a.address_words.size() + b.address_words.size() - shared;
  const double jaccard = static_cast<double>(shared) / static_cast<double>(together);
  return jaccard >= jaccard_threshold ? AddressLevel::kSimilar : AddressLevel::kDisagree;
}

GenderLevel CompareGenders(domain::Gender a, domain::Gender b) {
  auto known = [](domain::Gender g) {
    return g == domain::Gender::kMale || g == domain::Gender::kFemale;
  };
  if (!known(a) || !known(b)) return GenderLevel::kMissing;
  return a == b ? GenderLevel::kAgree : GenderLevel::kDisagree;
}

}  // namespace

GivenNameLevel Comparator::CompareGivenNames(const std::vector<NameToken>& a,
                                             const std::vector<NameToken>& b) const {
  if (a.empty() || b.empty()) return GivenNameLevel::kMissing;
  const NameToken& x = a.front();
  const NameToken& y = b.front();
  if (x.text == y.text) return GivenNameLevel::kExact;
  if (x.groups.Intersects(y.groups)) return GivenNameLevel::kNickname;
  for (std::size_t i = 1; i < b.size(); ++i) {
    if (b[i].text == x.text) return GivenNameLevel::kNickname;
  }
  for (std::size_t i = 1; i < a.size(); ++i) {
    if (a[i].text == y.text) return GivenNameLevel::kNickname;
  }
  if (JaroWinkler(x.text, y.text) >= options_.name_jaro_winkler) {
    return GivenNameLevel::kJaroWinkler;
  }
  if (!x.phonetic.empty() && x.phonetic == y.phonetic) return GivenNameLevel::kPhonetic;
  if ((x.text.size() == 1 || y.text.size() == 1) && x.text[0] == y.text[0]) {
    return GivenNameLevel::kInitial;
  }
  return GivenNameLevel::kDisagree;
}

FamilyNameLevel Comparator::CompareFamilyNames(const FamilyName& a, const FamilyName& b) const {
  if (a.keys.full.empty() || b.keys.full.empty()) return FamilyNameLevel::kMissing;
  if (a.keys.full == b.keys.full) return FamilyNameLevel::kExact;
  if (a.groups.Intersects(b.groups)) return FamilyNameLevel::kVariant;
  if (a.keys.core == b.keys.core) return FamilyNameLevel::kPartial;
  for (const std::string& part : a.keys.parts) {
    if (part == b.keys.core || Contains(b.keys.parts, part)) return FamilyNameLevel::kPartial;
  }
  for (const std::string& part : b.keys.parts) {
    if (part == a.keys.core) return FamilyNameLevel::kPartial;
  }
  if (JaroWinkler(a.keys.core, b.keys.core) >= options_.name_jaro_winkler) {
    return FamilyNameLevel::kJaroWinkler;
  }
  if (!a.phonetic.empty() && a.phonetic == b.phonetic) return FamilyNameLevel::kPhonetic;
  return FamilyNameLevel::kDisagree;
}

DateOfBirthLevel Comparator::CompareDatesOfBirth(const LinkageRecord& a,
                                                 const LinkageRecord& b) const {
  const std::uint32_t x = a.date_of_birth;
  const std::uint32_t y = b.date_of_birth;
  if (x == 0 || y == 0) return DateOfBirthLevel::kMissing;
  if (x == y) return DateOfBirthLevel::kExact;
  const std::uint32_t x_year = x / 10000, y_year = y / 10000;
  const std::uint32_t x_month = x / 100 % 100, y_month = y / 100 % 100;
  const std::uint32_t x_day = x % 100, y_day = y % 100;
  if (x_year == y_year && x_month == y_day && x_day == y_month) {
    return DateOfBirthLevel::kTransposed;
  }
  if (DigitsDiffering(x, y) == 1) return DateOfBirthLevel::kOneDigit;
  if (std::abs(a.date_of_birth_days - b.date_of_birth_days) <= options_.within_month_days) {
    return DateOfBirthLevel::kWithinMonth;
  }
  if (x_year == y_year) return DateOfBirthLevel::kSameYear;
  return DateOfBirthLevel::kDisagree;
}

ComparisonVector Comparator::Compare(const LinkageRecord& a, const LinkageRecord& b) const {
  ComparisonVector v;
  // Integer comparisons first: cheap, and the strongest evidence.
  v.Set(Field::kNhsNumber, CompareIdentifier<AgreeLevel>(a.nhs_number, b.nhs_number));
  v.Set(Field::kUpn, CompareIdentifier<AgreeLevel>(a.upn, b.upn));
  v.Set(Field::kUln, CompareIdentifier<AgreeLevel>(a.uln, b.uln));
  v.Set(Field::kDateOfBirth, CompareDatesOfBirth(a, b));
  v.Set(Field::kGender, CompareGenders(a.gender, b.gender));
  v.Set(Field::kPostcode, ComparePostcodes(a, b));
  if (a.carer_phones.empty() || b.carer_phones.empty()) {
    v.Set(Field::kCarerPhone, AgreeLevel::kMissing);
  } else {
    v.Set(Field::kCarerPhone, SortedIntersect(a.carer_phones, b.carer_phones)
                                  ? AgreeLevel::kAgree
                                  : AgreeLevel::kDisagree);
  }
  v.Set(Field::kAddress, CompareAddresses(a, b, options_.address_jaccard));

  const GivenNameLevel given = CompareGivenNames(a.given_names, b.given_names);
  v.Set(Field::kGivenName, given);
  if (given == GivenNameLevel::kExact) v.given_name_frequency = a.given_name_frequency;
  const FamilyNameLevel family = CompareFamilyNames(a.family_name, b.family_name);
  v.Set(Field::kFamilyName, family);
  if (family == FamilyNameLevel::kExact) v.family_name_frequency = a.family_name_frequency;
  v.Set(Field::kOtherNames, CompareOtherNames(a, b));

  if (a.carer_names.empty() || b.carer_names.empty()) {
    v.Set(Field::kCarerName, CarerNameLevel::kMissing);
  } else {
    bool full = false;
    bool family_agrees = false;
    v.Set(Field::kCarerName,
          CompareNameLists<CarerNameLevel>(a.carer_names, b.carer_names, &family_agrees, &full));
  }
  return v;
}

}  // namespace cp::linkage
