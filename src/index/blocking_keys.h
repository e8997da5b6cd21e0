// Blocking keys of the candidate index: which children are worth scoring
// against a probe (a feed record or a practitioner's search).
//
// A key is a 64-bit hash of a few normalised fields; two records that share
// any key are candidates for each other. The kinds are chosen so that ONE
// error in any one field (a typo in a name, a nickname, a wrong digit of the
// date of birth, day and month swapped, another postcode, a missing field)
// still leaves the true record at least one shared key, without tuning to any
// particular data set (docs/index.md has the coverage table):
//
//   kind              fields                                  survives an error in
//   nhs_number        NHS number                              anything but the number
//   upn, uln          Unique Pupil / Learner Number           anything but the number
//   family_dob        family-name phonetic + date of birth*   given name, postcode
//   given_dob         given-name phonetic + date of birth*    family name, postcode
//   names_year        family + given phonetic + birth year    day or month, postcode
//   names_day_month   family + given phonetic + day/month*    year, postcode
//   postcode_year     postcode unit + birth year              any name, day or month
//   other_name_dob    a former or other family name (exact)   a change of family
//                     + date of birth*                        name, when the old
//                                                             one is known
//
// * Dates are keyed with day and month in ascending order whenever both are
//   12 or less, so a record with day and month swapped has the same key
//   (no extra key, blocks at most twice as large on those dates).
//
// Names are keyed by NYSIIS code (linkage/phonetic.h), so many typos in a
// name keep even the name-bearing keys. A family name contributes its code
// without particles and, when double-barrelled, the code of each part
// ("Smith-Jones" is stored under the codes of smithjones, smith and jones),
// so "Jones" still meets it. Nicknames and surname variants are not stored
// as extra keys: the index expands the probe instead (candidate_index.h),
// which costs no memory per child.
//
// Each key hash carries its kind in the top 4 bits (the rest is a mixed hash
// of the kind's fields), so keys of different kinds never collide and the
// index can report blocks by kind. 0 is never a key.
//
// Pure functions; thread-safe.
#ifndef CP_INDEX_BLOCKING_KEYS_H_
#define CP_INDEX_BLOCKING_KEYS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "linkage/record.h"

namespace cp::index {

enum class KeyKind : std::uint8_t {
  kNhsNumber,
  kUpn,
  kUln,
  kFamilyDob,
  kGivenDob,
  kNamesYear,
  kNamesDayMonth,
  kPostcodeYear,
  kOtherNameDob,
};
inline constexpr std::size_t kKeyKindCount = 9;

// A set of key kinds, one bit per kind.
using KeyMask = std::uint16_t;
constexpr KeyMask MaskOf(KeyKind kind) {
  return static_cast<KeyMask>(1u << static_cast<unsigned>(kind));
}
inline constexpr KeyMask kAllKeys = (1u << kKeyKindCount) - 1;
inline constexpr KeyMask kIdentifierKeys =
    MaskOf(KeyKind::kNhsNumber) | MaskOf(KeyKind::kUpn) | MaskOf(KeyKind::kUln);

// Stable snake_case name of a kind ("family_dob"), for metrics and reports.
std::string_view KeyKindName(KeyKind kind);

// The kind a key hash was built for.
KeyKind KindOf(std::uint64_t key);

// A family name yields at most this many codes (core, then distinct parts).
inline constexpr std::size_t kMaxFamilyCodes = 4;
// Other (former, alias) family names keyed per record, at most.
inline constexpr std::size_t kMaxOtherFamilies = 4;

// What the keys read from a record; 0 = missing throughout.
struct KeyFields {
  std::uint64_t nhs_number = 0;
  std::uint64_t upn = 0;
  std::uint64_t uln = 0;
  std::uint32_t date_of_birth = 0;  // YYYYMMDD
  std::uint64_t postcode_unit = 0;  // as packed by linkage::RecordBuilder
  std::uint64_t given_code = 0;     // phonetic code of the first given name
  std::array<std::uint64_t, kMaxFamilyCodes> family_codes{};
  std::uint8_t family_code_count = 0;
  // linkage::NameHashes::family of other names (aliases, former names):
  // exact spellings, distinct, non-zero, in the record's order.
  std::array<std::uint64_t, kMaxOtherFamilies> other_families{};
  std::uint8_t other_family_count = 0;
};

// A NYSIIS key as an integer: up to 8 characters packed, longer ones
// hashed; 0 for the empty string.
std::uint64_t PhoneticCode(std::string_view phonetic);

// The codes of a family name: the code of its core (particles dropped), then
// the code of each part of a double-barrelled name, distinct and non-zero,
// at most kMaxFamilyCodes. Returns the count written.
std::size_t FamilyCodes(const linkage::FamilyName& family,
                        std::array<std::uint64_t, kMaxFamilyCodes>* codes);

KeyFields KeyFieldsOf(const linkage::LinkageRecord& record);

// Adds an other family name to `fields` unless 0, present or full.
void AddOtherFamily(std::uint64_t family_hash, KeyFields* fields);

// The date as keyed: day and month in ascending order when both are <= 12,
// so 2015-03-07 and 2015-07-03 give the same value. 0 stays 0.
std::uint32_t TranspositionFreeDate(std::uint32_t yyyymmdd);

// Key builders. Each returns 0 when a field it needs is missing (0).
std::uint64_t IdentifierKey(KeyKind kind, std::uint64_t identifier);
std::uint64_t FamilyDobKey(std::uint64_t family_code, std::uint32_t date_of_birth);
std::uint64_t GivenDobKey(std::uint64_t given_code, std::uint32_t date_of_birth);
std::uint64_t NamesYearKey(std::uint64_t family_code, std::uint64_t given_code,
                           std::uint32_t date_of_birth);
std::uint64_t NamesDayMonthKey(std::uint64_t family_code, std::uint64_t given_code,
                               std::uint32_t date_of_birth);
std::uint64_t PostcodeYearKey(std::uint64_t postcode_unit, std::uint32_t date_of_birth);
// `family_hash` is a linkage::NameHashes::family: an other name when stored,
// the probe's own family name (or one of its other names) when looked up.
std::uint64_t OtherNameDobKey(std::uint64_t family_hash, std::uint32_t date_of_birth);

// At most this many keys per record: three identifiers, given_dob,
// postcode_year, three per family code and one per other family name.
inline constexpr std::size_t kMaxStoredKeys = 5 + 3 * kMaxFamilyCodes + kMaxOtherFamilies;

// The keys of one record, sorted and distinct: a fixed-size value (no
// allocation on the index's write path).
class KeyList {
 public:
  const std::uint64_t* begin() const { return keys_.data(); }
  const std::uint64_t* end() const { return keys_.data() + size_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::uint64_t operator[](std::size_t i) const { return keys_[i]; }

  // Appends `key` unless it is 0 (or the list is full, which the key
  // builders never make happen).
  void Add(std::uint64_t key) {
    if (key != 0 && size_ < keys_.size()) keys_[size_++] = key;
  }
  // Sorts and drops repeats.
  void Normalise();

 private:
  std::array<std::uint64_t, kMaxStoredKeys> keys_{};
  std::size_t size_ = 0;
};

// Every key a record with these fields is stored under.
KeyList StoredKeys(const KeyFields& fields);

}  // namespace cp::index

#endif  // CP_INDEX_BLOCKING_KEYS_H_
