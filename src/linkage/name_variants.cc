#include "linkage/name_variants.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <system_error>

#include "linkage/normalise.h"

namespace cp::linkage {
namespace {

core::Status Malformed(const std::string& where, const std::string& rule) {
  return core::Status(core::ErrorCode::kInvalidLinkageData, where + ": " + rule);
}

std::string JoinedTokens(std::string_view text) {
  std::string out;
  for (const std::string& token : AsciiTokens(text)) out += token;
  return out;
}

}  // namespace

core::StatusOr<NameEquivalence> NameEquivalence::FromPairs(
    const std::vector<std::pair<std::string, std::string>>& pairs) {
  constexpr char kWhere[] = "name variant pairs";
  std::map<std::string, std::set<std::string>> groups_by_head;
  for (const auto& [name, variant] : pairs) {
    std::string head = JoinedTokens(name);
    std::string other = JoinedTokens(variant);
    if (head.empty() || other.empty()) return Malformed(kWhere, "a name or variant has no letters");
    groups_by_head[std::move(head)].insert(std::move(other));
  }
  std::set<std::set<std::string>> distinct;
  for (const auto& [head, variants] : groups_by_head) {
    std::set<std::string> group = variants;
    group.insert(head);
    distinct.insert(std::move(group));
  }
  if (distinct.size() > 65535) return Malformed(kWhere, "more than 65535 name groups");

  NameEquivalence result;
  std::uint16_t id = 0;
  for (const std::set<std::string>& group : distinct) {
    for (const std::string& name : group) {
      GroupIds& ids = result.groups_[name];
      if (ids.size == GroupIds::kMax) {
        return Malformed(kWhere, "a name belongs to more than " + std::to_string(GroupIds::kMax) +
                                     " variant groups");
      }
      ids.ids[ids.size++] = id;
    }
    ++id;
  }
  result.group_count_ = distinct.size();
  return result;
}

core::StatusOr<NameEquivalence> NameEquivalence::LoadCsv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return core::Status(core::ErrorCode::kLinkageDataNotFound,
                        "cannot open the name variant table " + path.string() +
                            ": check --data-dir points at the linkage data directory");
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_number == 1) {
      if (line.find(',') == std::string::npos) {
        return Malformed(path.string() + " line 1", "expected a header such as name,variant,freq");
      }
      continue;
    }
    if (line.empty()) continue;
    const std::size_t first = line.find(',');
    if (first == std::string::npos) {
      return Malformed(path.string() + " line " + std::to_string(line_number),
                       "expected name,variant[,freq]");
    }
    const std::size_t second = line.find(',', first + 1);
    std::string name = line.substr(0, first);
    std::string variant = line.substr(
        first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    if (JoinedTokens(name).empty() || JoinedTokens(variant).empty()) {
      return Malformed(path.string() + " line " + std::to_string(line_number),
                       "a name or variant has no letters");
    }
    pairs.emplace_back(std::move(name), std::move(variant));
  }
  if (in.bad()) {
    return core::Status(core::ErrorCode::kLinkageDataNotFound,
                        "error reading the name variant table " + path.string());
  }
  auto result = FromPairs(pairs);
  if (!result.ok()) {
    return core::Status(result.status().code(), path.string() + ": " + result.status().message());
  }
  return result;
}

GroupIds NameEquivalence::Groups(std::string_view normalised_name) const {
  auto it = groups_.find(normalised_name);
  return it == groups_.end() ? GroupIds{} : it->second;
}

bool NameEquivalence::Equivalent(std::string_view a, std::string_view b) const {
  return Groups(a).Intersects(Groups(b));
}

core::StatusOr<std::filesystem::path> ResolveLinkageDataDir(
    const std::optional<std::filesystem::path>& explicit_dir,
    const std::filesystem::path& binary_path) {
  std::error_code error;
  if (explicit_dir.has_value()) {
    if (std::filesystem::is_directory(*explicit_dir, error)) return *explicit_dir;
    return core::Status(core::ErrorCode::kLinkageDataNotFound,
                        "the linkage data directory " + explicit_dir->string() +
                            " does not exist or is not a directory");
  }
  std::vector<std::filesystem::path> candidates;
  const std::filesystem::path binary_dir =
      std::filesystem::absolute(binary_path, error).lexically_normal().parent_path();
  candidates.push_back(binary_dir / ".." / "share" / "contactpoint" / "linkage");
  std::filesystem::path ancestor = binary_dir;
  for (int level = 0; level <= 8 && !ancestor.empty(); ++level) {
    candidates.push_back(ancestor / "data" / "linkage");
    if (ancestor == ancestor.parent_path()) break;
    ancestor = ancestor.parent_path();
  }
  for (const std::filesystem::path& candidate : candidates) {
    if (std::filesystem::is_regular_file(candidate / kModelFile, error)) {
      return candidate.lexically_normal();
    }
  }
  return core::Status(core::ErrorCode::kLinkageDataNotFound,
                      "no linkage data directory (holding model.json) was found beside or "
                      "above " +
                          binary_dir.string() +
                          ": pass --data-dir pointing at the repository's data/linkage");
}

}  // namespace cp::linkage
