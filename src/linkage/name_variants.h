// Nickname and short-form equivalence of names ("Bob" ~ "Robert", "Peggy" ~
// "Margaret"), from the ONS-derived variant tables shipped in data/linkage/
// (firstname_uk_variant.csv for given names, lastname_uk_variant.csv for
// family names; see data/linkage/SOURCE.txt for origin and licence).
//
// Each table row "name,variant,freq" says `variant` is a variant of `name`.
// All rows with one `name` form a group {name, its variants}; identical
// groups are kept once and numbered (the canonical group ids). A name may lie
// in several groups ("jack" is with both john and jacob in some tables), so
// equivalence is "shares a group", deliberately NOT the transitive closure,
// which would chain unrelated names together.
//
// Also here: where the data files are found at run time.
#ifndef CP_LINKAGE_NAME_VARIANTS_H_
#define CP_LINKAGE_NAME_VARIANTS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"

namespace cp::linkage {

inline constexpr std::string_view kGivenNameVariantsFile = "firstname_uk_variant.csv";
inline constexpr std::string_view kFamilyNameVariantsFile = "lastname_uk_variant.csv";
inline constexpr std::string_view kModelFile = "model.json";

// The groups one name belongs to: a small inline set, cheap to copy into a
// LinkageRecord and to intersect on the hot path.
struct GroupIds {
  static constexpr std::size_t kMax = 8;
  std::array<std::uint16_t, kMax> ids{};
  std::uint8_t size = 0;

  bool empty() const { return size == 0; }
  bool Intersects(const GroupIds& other) const {
    for (std::uint8_t i = 0; i < size; ++i) {
      for (std::uint8_t j = 0; j < other.size; ++j) {
        if (ids[i] == other.ids[j]) return true;
      }
    }
    return false;
  }
  friend bool operator==(const GroupIds&, const GroupIds&) = default;
};

// An immutable name -> group ids lookup. Built once at start-up by the
// composition root, which owns it; thread-safe for concurrent reads.
class NameEquivalence {
 public:
  NameEquivalence() = default;

  // Reads a variant table. The first line is a header; every other non-empty
  // line has at least two comma-separated fields, the name and its variant
  // (the frequency column is not used). Names are normalised with
  // AsciiTokens and run together. Errors: kLinkageDataNotFound naming the
  // path when the file cannot be opened; kInvalidLinkageData naming the path
  // and line when a line is malformed, a name falls in more than
  // GroupIds::kMax groups or there are more than 65,535 groups.
  static core::StatusOr<NameEquivalence> LoadCsv(const std::filesystem::path& path);

  // From (name, variant) pairs; same rules as LoadCsv (for tests and tools).
  static core::StatusOr<NameEquivalence> FromPairs(
      const std::vector<std::pair<std::string, std::string>>& pairs);

  // The groups of a normalised name; empty when the name is in no group.
  GroupIds Groups(std::string_view normalised_name) const;

  // Whether two normalised names share a group (a name is not "equivalent"
  // to itself unless it is in a group: callers test equality first).
  bool Equivalent(std::string_view a, std::string_view b) const;

  std::size_t group_count() const { return group_count_; }
  std::size_t name_count() const { return groups_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, GroupIds, Hash, std::equal_to<>> groups_;
  std::size_t group_count_ = 0;
};

// The directory holding the linkage data files (the two variant tables and
// model.json). The caller passes what the user gave (`--data-dir`) and the
// path of the running binary; nothing else is consulted.
//   1. `explicit_dir`, when given: it must be a directory, else
//      kLinkageDataNotFound naming it (no fallback: an explicit choice that
//      is wrong must not silently use other data).
//   2. Otherwise, the documented defaults relative to the binary, first that
//      holds model.json wins:
//        <binary dir>/../share/contactpoint/linkage   (an installed layout)
//        <ancestor>/data/linkage for the binary's directory and each of its
//        ancestors up to 8 levels (a build tree inside the repository, e.g.
//        build/debug/src/cli/contactpoint finds <repo>/data/linkage).
//   kLinkageDataNotFound if none exists, saying how to pass --data-dir.
core::StatusOr<std::filesystem::path> ResolveLinkageDataDir(
    const std::optional<std::filesystem::path>& explicit_dir,
    const std::filesystem::path& binary_path);

}  // namespace cp::linkage

#endif  // CP_LINKAGE_NAME_VARIANTS_H_
