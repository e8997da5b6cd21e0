// The run-time data of linkage, loaded together from one directory (see
// ResolveLinkageDataDir in name_variants.h): the given-name and family-name
// variant tables and the model file.
#ifndef CP_LINKAGE_LINKAGE_DATA_H_
#define CP_LINKAGE_LINKAGE_DATA_H_

#include <filesystem>

#include "core/status.h"
#include "linkage/known_names.h"
#include "linkage/model.h"
#include "linkage/name_variants.h"
#include "linkage/record.h"

namespace cp::linkage {

// Immutable after loading; owned by the composition root and shared by const
// reference; thread-safe for concurrent reads.
struct LinkageData {
  NameEquivalence given_name_variants;
  NameEquivalence family_name_variants;
  Model model;
  KnownNames known_given_names;
  // How common each given name is among children (from known_given_names),
  // for the model's term-frequency adjustment.
  TermFrequencies given_name_frequencies;
  // How common each family name is (kFamilyNameFrequenciesFile), likewise.
  TermFrequencies family_name_frequencies;
};

// UK family names with their relative frequencies (data/linkage/SOURCE.txt).
inline constexpr std::string_view kFamilyNameFrequenciesFile = "lastname_uk.csv";

// Reads a family-name frequency table: a header naming a `surname` (or
// `name`) column and a `freq` (or `frequency`) column, then one name per
// line with its relative frequency, a positive number on any scale. Names
// are normalised as FamilyNameKeys::full is (AsciiTokens run together); a
// name listed twice has its frequencies added. Errors: those of
// internal::ReadNameTable, and kInvalidLinkageData naming the path and line
// when a frequency is not a positive number.
core::StatusOr<TermFrequencies> LoadNameFrequencies(const std::filesystem::path& path);

// Loads firstname_uk_variant.csv, lastname_uk_variant.csv, model.json, the
// ONS given-name list (known_names.h) and the family-name frequencies from
// `dir`. The errors of NameEquivalence::LoadCsv, Model::Load,
// KnownNames::LoadCsv and LoadNameFrequencies, each naming the file.
core::StatusOr<LinkageData> LoadLinkageData(const std::filesystem::path& dir);

}  // namespace cp::linkage

#endif  // CP_LINKAGE_LINKAGE_DATA_H_
