// Synthetic England: a realistic population of children and the feeds the
// national and local sources would supply about them, with the ground truth.
//
// Generate() writes into one folder:
//   <source>.jsonl  one DATA-SUPPLY batch per source (sources.h SourceName),
//                   header line then records, every upsert valid by
//                   domain::ValidateChild;
//   truth.csv       source,key,person_id: which person every line is about;
//   people.csv      the true attributes of every person.
// The product never reads truth.csv or people.csv; tests and data-quality
// measurement do. Output depends only on the options (same seed and
// arguments, same bytes). Memory stays bounded: households are generated,
// written and forgotten one at a time.
#ifndef CP_SYNTH_SYNTH_H_
#define CP_SYNTH_SYNTH_H_

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>

#include "core/status.h"
#include "domain/model.h"
#include "synth/rates.h"
#include "synth/reference_data.h"

namespace cp::synth {

struct Options {
  std::uint64_t children = 2000;  // people generated (0-17, plus those just 18)
  std::uint64_t seed = 1;
  domain::Date as_of{std::chrono::year{2025}, std::chrono::March, std::chrono::day{31}};
  Rates rates;
};

// The as-of date used when none is given: fixed, so that output does not
// depend on the day it is made. The data's vintage (names to 2024, GP list of
// spring 2025) fits it.
inline constexpr domain::Date kDefaultAsOf{std::chrono::year{2025}, std::chrono::March,
                                           std::chrono::day{31}};

// Largest --children accepted: the identifier schemes' capacity.
inline constexpr std::uint64_t kMaxChildren = 50'000'000;

struct Summary {
  std::uint64_t people = 0;
  std::uint64_t households = 0;
  std::array<std::uint64_t, kSourceCount> records{};  // lines after the header, per source
};

// Called after each household with the number of people written so far.
using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Checks the options: children in 1..kMaxChildren, as-of between 2000 and
// 2100. Errors: kInvalidArgument naming the option.
core::Status ValidateOptions(const Options& options);

// Writes the batches, truth.csv and people.csv into `out_dir` (created if
// missing; existing files of the same names are replaced). Errors:
// kInvalidArgument for bad options; kUnavailable naming the path when the
// folder or a file cannot be created or written.
core::StatusOr<Summary> Generate(const ReferenceData& data, const Options& options,
                                 const std::filesystem::path& out_dir,
                                 const Progress& progress = nullptr);

// Where the data folder is when --data-dir is not given: "synth-data" beside
// the executable if it exists, else the source tree's tools/synth/data (the
// path compiled in).
std::filesystem::path DefaultDataDir(const std::filesystem::path& executable);

}  // namespace cp::synth

#endif  // CP_SYNTH_SYNTH_H_
