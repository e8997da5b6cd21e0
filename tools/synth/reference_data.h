// The open data Synthetic England is drawn from, loaded once at start-up.
//
// Reads the run-time extracts in tools/synth/data/ (see SOURCE.txt there):
// ONS first names by sex and year, ONS registrations per year (the age
// profile), UK surname frequencies and name-variant tables, postcode sectors
// with their local authorities, and the NHS ODS list of GP practices. Nothing
// here draws randomness except WeightedIndex::Sample, which takes the caller's
// generator.
#ifndef CP_SYNTH_REFERENCE_DATA_H_
#define CP_SYNTH_REFERENCE_DATA_H_

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/csv_line.h"
#include "core/random.h"
#include "core/status.h"

namespace cp::synth {

// A uniform double in [0, 1) from 53 random bits.
double UniformReal(core::SeededRandom& random);
// True with probability `p`.
bool Chance(core::SeededRandom& random, double p);

// Items with non-negative weights, sampled by binary search over cumulative
// weights. A value type; immutable once built, so safe to share between
// threads for reading.
class WeightedIndex {
 public:
  void Add(double weight);
  std::size_t size() const { return cumulative_.size(); }
  double total() const { return cumulative_.empty() ? 0 : cumulative_.back(); }
  double WeightOf(std::size_t i) const;
  // An index drawn in proportion to its weight; the index must not be empty.
  std::size_t Sample(core::SeededRandom& random) const;

 private:
  std::vector<double> cumulative_;
};

struct NameTable {
  std::vector<std::string> names;  // display form, e.g. "Sarah-Jane"
  WeightedIndex weights;
};

// An upper-tier (children's services) local authority.
struct LocalAuthority {
  std::string code;                    // GSS code, e.g. "E08000035"
  std::string name;                    // e.g. "Leeds"
  std::string council_name;            // a valid carer name, e.g. "Leeds Council"
  int dfe_number = 0;                  // synthetic 3-digit LA number used in UPNs
  std::vector<std::uint32_t> sectors;  // indexes into ReferenceData::sectors()
  WeightedIndex sector_weights;
  double weight = 0;  // share of all postcodes (households)
};

struct PostcodeSector {
  std::string sector;    // "LS1 4"
  std::string district;  // "LS1"
  std::string area;      // "LS"
  std::string town;      // the lower-tier district name, e.g. "Leeds"
  std::uint32_t la = 0;  // index into ReferenceData::authorities()
};

struct GpPractice {
  std::string ods_code;  // "B86001"
  std::string name;
  std::string line1;
  std::string town;
  std::string postcode;  // normalised
  std::optional<std::string> phone;
};

// Everything loaded from the data folder. Immutable after Load; thread-safe
// for concurrent reads. Owned by the caller of Load.
class ReferenceData {
 public:
  // Reads every file from `dir`. Errors: kInvalidConfiguration naming the
  // missing or malformed file (path and line).
  static core::StatusOr<std::unique_ptr<ReferenceData>> Load(const std::filesystem::path& dir);

  // First names registered for `female`/male babies in `year`, or in the
  // latest listed year before it (the earliest listed year if none is).
  const NameTable& FirstNames(bool female, int year) const;
  // Relative number of births registered in `year` (clamped likewise).
  double BirthWeight(int year) const;

  const NameTable& surnames() const { return surnames_; }
  // Short forms and variants of a first name (e.g. "William" -> "Bill",
  // "Will"), or of a surname; display form; empty when none is known.
  const std::vector<std::string>& FirstNameVariants(std::string_view name) const;
  const std::vector<std::string>& SurnameVariants(std::string_view name) const;

  const std::vector<PostcodeSector>& sectors() const { return sectors_; }
  const std::vector<LocalAuthority>& authorities() const { return authorities_; }
  const WeightedIndex& authority_weights() const { return authority_weights_; }
  const std::vector<GpPractice>& practices() const { return practices_; }
  // Practices in a postcode district ("LS1") or area ("LS"); may be empty.
  const std::vector<std::uint32_t>& PracticesInDistrict(std::string_view district) const;
  const std::vector<std::uint32_t>& PracticesInArea(std::string_view area) const;

 private:
  ReferenceData() = default;

  std::map<int, std::array<NameTable, 2>> first_names_;  // year -> [male, female]
  std::unordered_map<int, double> births_;
  int births_first_ = 0;
  int births_last_ = 0;
  NameTable surnames_;
  std::unordered_map<std::string, std::vector<std::string>> first_variants_;
  std::unordered_map<std::string, std::vector<std::string>> surname_variants_;
  std::vector<PostcodeSector> sectors_;
  std::vector<LocalAuthority> authorities_;
  WeightedIndex authority_weights_;
  std::vector<GpPractice> practices_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> practices_by_district_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> practices_by_area_;
};

// Display form of a name from the data files: "SARAH-JANE" or "sarah-jane" ->
// "Sarah-Jane", "o'brien" -> "O'Brien", "mcdonald" -> "McDonald".
std::string DisplayName(std::string_view raw);

using core::SplitCsvLine;

}  // namespace cp::synth

#endif  // CP_SYNTH_REFERENCE_DATA_H_
