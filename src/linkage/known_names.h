// Given names registered for babies in England and Wales: the ONS baby-name
// lists for birth years 2007 to 2024 (children aged 0 to 17), shipped in
// data/linkage/ons_babynames_ew_2007_2024_aggregated.csv (see
// data/linkage/SOURCE.txt for origin and licence). ONS lists every name
// given to at least 3 babies in a year, with its count.
//
// Two uses:
// - telling a typing error from a real name: "Jonh" is no one's name, so a
//   record saying "Jonh" beside a child called John, at the same address and
//   date of birth, is John mistyped, while "Ella" beside "Emma" may be a
//   twin. A name counts as established when at least kEstablishedCount
//   children of 2007-2024 were given it (about 1 in 600,000): the list also
//   holds a few names given only a handful of times ("Iszac", "Jhon"), and
//   a typing error is far likelier than one of those;
// - how common a given name is (term frequencies for the linkage model):
//   each name's share of all the children counted.
//
// Names are normalised with AsciiTokens and each token counted ("Lily-Rose"
// counts for lily and for rose), the form of a LinkageRecord's NameToken.text.
#ifndef CP_LINKAGE_KNOWN_NAMES_H_
#define CP_LINKAGE_KNOWN_NAMES_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"

namespace cp::linkage {

inline constexpr std::string_view kKnownGivenNamesFile =
    "ons_babynames_ew_2007_2024_aggregated.csv";

// Immutable once loaded; owned by the composition root (LinkageData) and
// shared by const reference; thread-safe for concurrent reads.
class KnownNames {
 public:
  static constexpr std::uint64_t kEstablishedCount = 20;

  KnownNames() = default;

  // Reads the ONS list: a header line naming a column `name_upper` (or
  // `name`) and a column `count_2007_2024` (or `count`), then one name per
  // line; a name listed twice (once per sex) has its counts added. Errors:
  // kLinkageDataNotFound naming the path when it cannot be opened or read;
  // kInvalidLinkageData naming the path and line when the header lacks a
  // column, a line lacks a field, a name has no letters or a count is not a
  // positive whole number.
  static core::StatusOr<KnownNames> LoadCsv(const std::filesystem::path& path);

  // From (name as written, count) pairs, for tests and tools.
  static KnownNames FromCounts(const std::vector<std::pair<std::string, std::uint64_t>>& names);

  // Whether a normalised token is an established name (or a part of one).
  bool Contains(std::string_view normalised_token) const;
  // How many children were given the name (or a name it is part of).
  std::uint64_t Count(std::string_view normalised_token) const;
  // Each name's count, for TermFrequencies::FromCounts.
  const std::unordered_map<std::string, std::uint64_t>& counts() const { return counts_; }
  std::size_t size() const { return counts_.size(); }

 private:
  void Add(std::string_view written, std::uint64_t count);

  std::unordered_map<std::string, std::uint64_t> counts_;
};

namespace internal {

// Called for each data line of a name table: its line number, the name as
// written (it has letters) and the text of its number column.
using NameRowSink =
    std::function<core::Status(std::size_t line, const std::string& name, const std::string& value)>;

// Reads a CSV name table (shared by the name lists shipped for linkage): a
// header naming the name column (the first of `name_columns` present) and
// the number column (likewise), then one name per line; blank lines are
// skipped. `what` names the table in errors. Errors: kLinkageDataNotFound
// when the file cannot be opened or read; kInvalidLinkageData naming the
// path and line when the header lacks a column, a line lacks a field or a
// name has no letters; and `row`'s.
core::Status ReadNameTable(const std::filesystem::path& path, std::string_view what,
                           std::initializer_list<std::string_view> name_columns,
                           std::initializer_list<std::string_view> value_columns,
                           const NameRowSink& row);

}  // namespace internal

}  // namespace cp::linkage

#endif  // CP_LINKAGE_KNOWN_NAMES_H_
