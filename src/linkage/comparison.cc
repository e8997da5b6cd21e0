#include "linkage/comparison.h"

namespace cp::linkage {
namespace {

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "given_name", "family_name", "other_names", "date_of_birth", "gender", "postcode",
    "address",    "carer_name",  "carer_phone", "nhs_number",    "upn",    "uln"};

constexpr std::string_view kGivenLevels[] = {"exact",   "nickname", "jaro_winkler", "phonetic",
                                             "initial", "disagree", "missing"};
constexpr std::string_view kFamilyLevels[] = {"exact",    "variant",  "partial", "jaro_winkler",
                                              "phonetic", "disagree", "missing"};
constexpr std::string_view kFullOrFamilyLevels[] = {"full_name", "family_name", "disagree",
                                                    "missing"};
constexpr std::string_view kDateLevels[] = {"exact",     "transposed", "one_digit", "within_month",
                                            "same_year", "disagree",   "missing"};
constexpr std::string_view kPostcodeLevels[] = {"unit", "sector", "district", "disagree",
                                                "missing"};
constexpr std::string_view kAddressLevels[] = {"exact", "similar", "disagree", "missing"};
constexpr std::string_view kAgreeLevels[] = {"agree", "disagree", "missing"};

}  // namespace

std::string_view FieldName(Field field) { return kFieldNames[static_cast<std::size_t>(field)]; }

std::optional<Field> FieldFromName(std::string_view name) {
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (kFieldNames[i] == name) return FieldAt(i);
  }
  return std::nullopt;
}

std::span<const std::string_view> LevelNames(Field field) {
  switch (field) {
    case Field::kGivenName:
      return kGivenLevels;
    case Field::kFamilyName:
      return kFamilyLevels;
    case Field::kOtherNames:
      return kFullOrFamilyLevels;
    case Field::kDateOfBirth:
      return kDateLevels;
    case Field::kPostcode:
      return kPostcodeLevels;
    case Field::kAddress:
      return kAddressLevels;
    case Field::kCarerName:
      return kFullOrFamilyLevels;
    case Field::kGender:
    case Field::kCarerPhone:
    case Field::kNhsNumber:
    case Field::kUpn:
    case Field::kUln:
      return kAgreeLevels;
  }
  return kAgreeLevels;
}

}  // namespace cp::linkage
