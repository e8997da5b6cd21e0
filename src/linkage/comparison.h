// The comparison vector of Fellegi-Sunter record linkage: for each field of
// two records, the level at which they agree.
//
// Every field's levels run from the strongest agreement (0) down to
// "disagree", and the last level is always "missing" (either record lacks
// the field), which carries no evidence (weight 0) and is left out of EM
// estimation. Field and level names are stable: they appear in the model file
// (model.h), in stored decisions and in explanations shown to data
// administrators. Add levels or fields only with a new model file version.
//
// Plain value types; thread-compatible.
#ifndef CP_LINKAGE_COMPARISON_H_
#define CP_LINKAGE_COMPARISON_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace cp::linkage {

enum class Field : std::uint8_t {
  kGivenName,
  kFamilyName,
  kOtherNames,
  kDateOfBirth,
  kGender,
  kPostcode,
  kAddress,
  kCarerName,
  kCarerPhone,
  kNhsNumber,
  kUpn,
  kUln,
};
inline constexpr std::size_t kFieldCount = 12;

// Levels of each field, strongest first; kMissing is always last.
// Given name (first given name of each record):
//   exact; nickname (the two share a variant group, or one's first given
//   name is one of the other's given names: a child known by a middle name);
//   jaro_winkler (>= 0.92); phonetic (same NYSIIS key); initial (one side is
//   a single letter, the other's first letter); disagree; missing.
enum class GivenNameLevel : std::uint8_t {
  kExact,
  kNickname,
  kJaroWinkler,
  kPhonetic,
  kInitial,
  kDisagree,
  kMissing
};
// Family name: exact (full keys, particles included); variant (surname
// variant groups); partial (equal once particles are dropped, or a part of a
// double-barrelled name equals the other name or one of its parts);
// jaro_winkler (>= 0.92, without particles); phonetic (NYSIIS without
// particles); disagree; missing.
enum class FamilyNameLevel : std::uint8_t {
  kExact,
  kVariant,
  kPartial,
  kJaroWinkler,
  kPhonetic,
  kDisagree,
  kMissing
};
// Other names (aliases, former names), compared across records in every
// pairing except primary name with primary name: full_name (first given name
// and family name without particles agree); family_name (family name only);
// disagree; missing (neither record has another name).
enum class OtherNamesLevel : std::uint8_t { kFullName, kFamilyName, kDisagree, kMissing };
// Date of birth: exact; transposed (day and month swapped, same year);
// one_digit (YYYYMMDD differs in exactly one digit); within_month (at most 31
// days apart); same_year; disagree; missing.
enum class DateOfBirthLevel : std::uint8_t {
  kExact,
  kTransposed,
  kOneDigit,
  kWithinMonth,
  kSameYear,
  kDisagree,
  kMissing
};
// Gender: unknown and unspecified count as missing.
enum class GenderLevel : std::uint8_t { kAgree, kDisagree, kMissing };
// Postcode: unit ("LS1 4AB"); sector ("LS1 4"); district ("LS1").
enum class PostcodeLevel : std::uint8_t { kUnit, kSector, kDistrict, kDisagree, kMissing };
// Address lines (postcode excluded), as sets of normalised words: exact (the
// same words); similar (Jaccard >= 0.5); disagree; missing.
enum class AddressLevel : std::uint8_t { kExact, kSimilar, kDisagree, kMissing };
// Carers' names: full_name (some carer's first given name and family name
// agree); family_name; disagree; missing.
enum class CarerNameLevel : std::uint8_t { kFullName, kFamilyName, kDisagree, kMissing };
// Carers' phones, the child's identifiers: some value shared / none / absent.
enum class AgreeLevel : std::uint8_t { kAgree, kDisagree, kMissing };

// The stable snake_case names, e.g. "date_of_birth", "within_month".
std::string_view FieldName(Field field);
std::optional<Field> FieldFromName(std::string_view name);
// Names of the levels of `field`, "missing" last.
std::span<const std::string_view> LevelNames(Field field);
inline std::size_t LevelCount(Field field) { return LevelNames(field).size(); }
inline std::uint8_t MissingLevel(Field field) {
  return static_cast<std::uint8_t>(LevelCount(field) - 1);
}
inline constexpr Field FieldAt(std::size_t index) { return static_cast<Field>(index); }

// The outcome of comparing two records.
struct ComparisonVector {
  std::array<std::uint8_t, kFieldCount> levels{};
  // When given or family names agree exactly: how often that name occurs in
  // the population (0 when unknown), for term-frequency adjustment.
  float given_name_frequency = 0;
  float family_name_frequency = 0;

  std::uint8_t level(Field field) const { return levels[static_cast<std::size_t>(field)]; }
  template <typename Level>
  void Set(Field field, Level level) {
    levels[static_cast<std::size_t>(field)] = static_cast<std::uint8_t>(level);
  }
  friend bool operator==(const ComparisonVector&, const ComparisonVector&) = default;
};

}  // namespace cp::linkage

#endif  // CP_LINKAGE_COMPARISON_H_
