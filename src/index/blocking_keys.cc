#include "index/blocking_keys.h"

#include <algorithm>

#include "index/internal/hash.h"
#include "linkage/phonetic.h"

namespace cp::index {
namespace {

// Folds one more field into a key hash.
std::uint64_t Combine(std::uint64_t hash, std::uint64_t value) {
  return internal::Mix64(hash ^ (value + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2)));
}

// The kind (plus one, so no key is 0) in the top 4 bits over 60 hash bits.
std::uint64_t Tag(KeyKind kind, std::uint64_t hash) {
  constexpr std::uint64_t kLow = (std::uint64_t{1} << 60) - 1;
  return (static_cast<std::uint64_t>(kind) + 1) << 60 | (hash & kLow);
}

std::uint64_t Seed(KeyKind kind) {
  return internal::Mix64(0x243f6a8885a308d3ULL + static_cast<std::uint64_t>(kind));
}

std::uint64_t Key(KeyKind kind, std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0) {
  return Tag(kind, Combine(Combine(Combine(Seed(kind), a), b), c));
}

std::uint32_t Year(std::uint32_t yyyymmdd) { return yyyymmdd / 10000; }

}  // namespace

std::string_view KeyKindName(KeyKind kind) {
  switch (kind) {
    case KeyKind::kNhsNumber:
      return "nhs_number";
    case KeyKind::kUpn:
      return "upn";
    case KeyKind::kUln:
      return "uln";
    case KeyKind::kFamilyDob:
      return "family_dob";
    case KeyKind::kGivenDob:
      return "given_dob";
    case KeyKind::kNamesYear:
      return "names_year";
    case KeyKind::kNamesDayMonth:
      return "names_day_month";
    case KeyKind::kPostcodeYear:
      return "postcode_year";
    case KeyKind::kOtherNameDob:
      return "other_name_dob";
  }
  return "unknown";
}

KeyKind KindOf(std::uint64_t key) { return static_cast<KeyKind>((key >> 60) - 1); }

std::uint64_t PhoneticCode(std::string_view phonetic) {
  if (phonetic.empty()) return 0;
  if (phonetic.size() <= 8) {
    std::uint64_t packed = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      packed <<= 8;
      if (i < phonetic.size()) packed |= static_cast<unsigned char>(phonetic[i]);
    }
    return packed;
  }
  // Longer codes (only when NYSIIS is run untruncated): a hash with the top
  // byte 0xFF, which no packed letter code has.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : phonetic) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash | 0xFF00000000000000ULL;
}

std::size_t FamilyCodes(const linkage::FamilyName& family,
                        std::array<std::uint64_t, kMaxFamilyCodes>* codes) {
  std::size_t count = 0;
  auto add = [&](std::uint64_t code) {
    if (code == 0 || count == codes->size()) return;
    for (std::size_t i = 0; i < count; ++i) {
      if ((*codes)[i] == code) return;
    }
    (*codes)[count++] = code;
  };
  add(PhoneticCode(family.phonetic));
  for (const std::string& part : family.keys.parts) add(PhoneticCode(linkage::Nysiis(part)));
  return count;
}

KeyFields KeyFieldsOf(const linkage::LinkageRecord& record) {
  KeyFields fields;
  fields.nhs_number = record.nhs_number;
  fields.upn = record.upn;
  fields.uln = record.uln;
  fields.date_of_birth = record.date_of_birth;
  fields.postcode_unit = record.postcode_unit;
  if (!record.given_names.empty()) {
    fields.given_code = PhoneticCode(record.given_names.front().phonetic);
  }
  fields.family_code_count =
      static_cast<std::uint8_t>(FamilyCodes(record.family_name, &fields.family_codes));
  for (const linkage::NameHashes& other : record.other_names) {
    AddOtherFamily(other.family, &fields);
  }
  return fields;
}

std::uint32_t TranspositionFreeDate(std::uint32_t yyyymmdd) {
  const std::uint32_t month = yyyymmdd / 100 % 100;
  const std::uint32_t day = yyyymmdd % 100;
  if (month <= 12 && day <= 12 && day < month) {
    return Year(yyyymmdd) * 10000 + day * 100 + month;
  }
  return yyyymmdd;
}

std::uint64_t IdentifierKey(KeyKind kind, std::uint64_t identifier) {
  if (identifier == 0) return 0;
  return Key(kind, identifier);
}

std::uint64_t FamilyDobKey(std::uint64_t family_code, std::uint32_t date_of_birth) {
  if (family_code == 0 || date_of_birth == 0) return 0;
  return Key(KeyKind::kFamilyDob, family_code, TranspositionFreeDate(date_of_birth));
}

std::uint64_t GivenDobKey(std::uint64_t given_code, std::uint32_t date_of_birth) {
  if (given_code == 0 || date_of_birth == 0) return 0;
  return Key(KeyKind::kGivenDob, given_code, TranspositionFreeDate(date_of_birth));
}

std::uint64_t NamesYearKey(std::uint64_t family_code, std::uint64_t given_code,
                           std::uint32_t date_of_birth) {
  if (family_code == 0 || given_code == 0 || date_of_birth == 0) return 0;
  return Key(KeyKind::kNamesYear, family_code, given_code, Year(date_of_birth));
}

std::uint64_t NamesDayMonthKey(std::uint64_t family_code, std::uint64_t given_code,
                               std::uint32_t date_of_birth) {
  if (family_code == 0 || given_code == 0 || date_of_birth == 0) return 0;
  return Key(KeyKind::kNamesDayMonth, family_code, given_code,
             TranspositionFreeDate(date_of_birth) % 10000);
}

std::uint64_t PostcodeYearKey(std::uint64_t postcode_unit, std::uint32_t date_of_birth) {
  if (postcode_unit == 0 || date_of_birth == 0) return 0;
  return Key(KeyKind::kPostcodeYear, postcode_unit, Year(date_of_birth));
}

std::uint64_t OtherNameDobKey(std::uint64_t family_hash, std::uint32_t date_of_birth) {
  if (family_hash == 0 || date_of_birth == 0) return 0;
  return Key(KeyKind::kOtherNameDob, family_hash, TranspositionFreeDate(date_of_birth));
}

void AddOtherFamily(std::uint64_t family_hash, KeyFields* fields) {
  if (family_hash == 0 || fields->other_family_count == kMaxOtherFamilies) return;
  for (std::size_t i = 0; i < fields->other_family_count; ++i) {
    if (fields->other_families[i] == family_hash) return;
  }
  fields->other_families[fields->other_family_count++] = family_hash;
}

void KeyList::Normalise() {
  std::sort(keys_.begin(), keys_.begin() + static_cast<std::ptrdiff_t>(size_));
  size_ = static_cast<std::size_t>(
      std::unique(keys_.begin(), keys_.begin() + static_cast<std::ptrdiff_t>(size_)) -
      keys_.begin());
}

KeyList StoredKeys(const KeyFields& fields) {
  KeyList keys;
  const std::uint32_t dob = fields.date_of_birth;
  keys.Add(IdentifierKey(KeyKind::kNhsNumber, fields.nhs_number));
  keys.Add(IdentifierKey(KeyKind::kUpn, fields.upn));
  keys.Add(IdentifierKey(KeyKind::kUln, fields.uln));
  keys.Add(GivenDobKey(fields.given_code, dob));
  for (std::size_t i = 0; i < fields.family_code_count; ++i) {
    const std::uint64_t family = fields.family_codes[i];
    keys.Add(FamilyDobKey(family, dob));
    keys.Add(NamesYearKey(family, fields.given_code, dob));
    keys.Add(NamesDayMonthKey(family, fields.given_code, dob));
  }
  keys.Add(PostcodeYearKey(fields.postcode_unit, dob));
  for (std::size_t i = 0; i < fields.other_family_count; ++i) {
    keys.Add(OtherNameDobKey(fields.other_families[i], dob));
  }
  keys.Normalise();
  return keys;
}

}  // namespace cp::index
