#include "synth/score.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "core/csv_line.h"
#include "core/json_string.h"

namespace cp::synth {
namespace {

using core::ErrorCode;
using core::Status;

Status Bad(const std::string& what, std::int64_t line, const std::string& why) {
  return Status(ErrorCode::kInvalidArgument,
                what + (line > 0 ? " line " + std::to_string(line) : "") + ": " + why);
}

struct Person {
  std::string maternity;
  bool twin = false;
  bool adopted = false;
  std::string birth_nhs;
};

// Reads a CSV file with a header into rows of named columns.
Status ReadCsv(const std::filesystem::path& path, const std::vector<std::string>& wanted,
               const std::function<Status(const std::vector<std::string>&, std::int64_t)>& row) {
  std::ifstream in(path);
  if (!in) return Bad(path.string(), 0, "cannot be read");
  std::string line;
  if (!std::getline(in, line)) return Bad(path.string(), 1, "is empty");
  const std::vector<std::string> header = core::SplitCsvLine(line);
  std::vector<std::size_t> at;
  for (const std::string& name : wanted) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) return Bad(path.string(), 1, "has no column " + name);
    at.push_back(static_cast<std::size_t>(it - header.begin()));
  }
  std::int64_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const std::vector<std::string> fields = core::SplitCsvLine(line);
    if (fields.size() != header.size()) {
      return Bad(path.string(), number, "has " + std::to_string(fields.size()) + " fields, not " +
                                            std::to_string(header.size()));
    }
    std::vector<std::string> picked;
    for (std::size_t i : at) picked.push_back(fields[i]);
    RETURN_IF_ERROR(row(picked, number));
  }
  return Status::Ok();
}

std::int64_t Pairs(std::int64_t n) { return n * (n - 1) / 2; }

}  // namespace

core::StatusOr<LinkageScore> ScoreLinks(const std::filesystem::path& synth_dir,
                                        std::istream& links_csv) {
  std::unordered_map<std::string, Person> people;
  RETURN_IF_ERROR(ReadCsv(synth_dir / "people.csv",
                          {"person_id", "maternity_id", "babies_in_maternity", "adopted_on",
                           "birth_nhs_number"},
                          [&](const std::vector<std::string>& f, std::int64_t) {
                            people[f[0]] = Person{f[1], f[2] != "1" && !f[2].empty(),
                                                  !f[3].empty(), f[4]};
                            return Status::Ok();
                          }));
  std::unordered_map<std::string, std::string> truth;  // "source\tkey" -> person
  RETURN_IF_ERROR(ReadCsv(synth_dir / "truth.csv", {"source", "key", "person_id"},
                          [&](const std::vector<std::string>& f, std::int64_t) {
                            truth[f[0] + "\t" + f[1]] = f[2];
                            return Status::Ok();
                          }));

  LinkageScore score;
  // identity: person, "#birth" for a pre-adoption record of an adopted person.
  std::map<std::string, std::map<std::string, std::int64_t>> by_child;  // child -> identity -> n
  std::map<std::string, std::int64_t> identity_sizes;
  std::string line;
  if (!std::getline(links_csv, line) || line != "source,key,child_id,state") {
    return Bad("link export", 1, "does not start with the header source,key,child_id,state");
  }
  for (std::int64_t number = 2; std::getline(links_csv, line); ++number) {
    if (line.empty()) continue;
    const std::vector<std::string> f = core::SplitCsvLine(line);
    if (f.size() != 4) return Bad("link export", number, "is not source,key,child_id,state");
    auto person = truth.find(f[0] + "\t" + f[1]);
    if (person == truth.end()) {
      return Bad("link export", number, "names a record that is not in truth.csv");
    }
    if (f[3] == "sealed") {
      ++score.sealed;
      continue;
    }
    if (f[2].empty()) return Bad("link export", number, "has no child for a " + f[3] + " record");
    std::string identity = person->second;
    const Person& p = people[person->second];
    if (p.adopted) {
      const bool birth_register = f[1].starts_with("GRO-") && !f[1].starts_with("GRO-ACR-");
      const bool birth_nhs = !p.birth_nhs.empty() && f[1] == "PDS-" + p.birth_nhs;
      if (birth_register || birth_nhs) identity += "#birth";
    }
    ++score.records;
    if (f[3] == "review") ++score.review_records;
    ++by_child[f[2]][identity];
    ++identity_sizes[identity];
  }

  score.children = static_cast<std::int64_t>(by_child.size());
  score.identities = static_cast<std::int64_t>(identity_sizes.size());
  for (const auto& [identity, n] : identity_sizes) score.true_pairs += Pairs(n);
  std::map<std::string, std::int64_t> children_of_identity;
  for (const auto& [child, identities] : by_child) {
    std::int64_t n = 0;
    std::map<std::string, std::set<std::string>> by_maternity;
    std::map<std::string, int> adoption_sides;
    for (const auto& [identity, count] : identities) {
      n += count;
      score.correct_pairs += Pairs(count);
      ++children_of_identity[identity];
      const std::string person = identity.substr(0, identity.find('#'));
      const Person& p = people[person];
      if (p.twin) by_maternity[p.maternity].insert(person);
      if (p.adopted) adoption_sides[person] |= identity.ends_with("#birth") ? 1 : 2;
    }
    score.linked_pairs += Pairs(n);
    if (identities.size() > 1) ++score.mixed_children;
    for (const auto& [maternity, persons] : by_maternity) {
      if (persons.size() < 2) continue;
      score.twin_merged.push_back({child, {persons.begin(), persons.end()}});
    }
    for (const auto& [person, sides] : adoption_sides) {
      if (sides == 3) ++score.adoption_cross_links;
    }
  }
  for (const auto& [identity, n] : children_of_identity) {
    if (n > 1) ++score.split_identities;
  }
  score.precision = score.linked_pairs == 0
                        ? 1.0
                        : static_cast<double>(score.correct_pairs) / score.linked_pairs;
  score.recall =
      score.true_pairs == 0 ? 1.0 : static_cast<double>(score.correct_pairs) / score.true_pairs;
  score.review_share =
      score.records == 0 ? 0.0 : static_cast<double>(score.review_records) / score.records;
  return score;
}

std::string LinkageScore::ToText() const {
  std::ostringstream out;
  out.precision(6);
  out << "records            " << records << " (sealed " << sealed << ")\n"
      << "children           " << children << " for " << identities << " true identities\n"
      << "pairwise precision " << precision << " (" << correct_pairs << " of " << linked_pairs
      << " linked pairs)\n"
      << "pairwise recall    " << recall << " (" << correct_pairs << " of " << true_pairs
      << " true pairs)\n"
      << "to review          " << review_records << " (" << review_share * 100 << " %)\n"
      << "twin merges        " << twin_merges() << "\n";
  for (const TwinMerge& merge : twin_merged) {
    out << "  child " << merge.child << " holds";
    for (const std::string& person : merge.persons) out << " " << person;
    out << "\n";
  }
  out << "adoption cross-links " << adoption_cross_links << "\n"
      << "children mixing identities " << mixed_children << "; identities split "
      << split_identities << "\n";
  return out.str();
}

std::string LinkageScore::ToJson() const {
  std::ostringstream out;
  out.precision(10);
  out << "{\"records\":" << records << ",\"sealed\":" << sealed << ",\"children\":" << children
      << ",\"identities\":" << identities << ",\"true_pairs\":" << true_pairs
      << ",\"linked_pairs\":" << linked_pairs << ",\"correct_pairs\":" << correct_pairs
      << ",\"precision\":" << precision << ",\"recall\":" << recall
      << ",\"review_records\":" << review_records << ",\"review_share\":" << review_share
      << ",\"twin_merges\":" << twin_merges() << ",\"twin_merged\":[";
  // The IDs come from the files read: written as JSON strings, escaped.
  auto text = [](const std::string& value) {
    std::string json;
    core::AppendJsonString(value, json);
    return json;
  };
  for (std::size_t i = 0; i < twin_merged.size(); ++i) {
    out << (i == 0 ? "" : ",") << "{\"child\":" << text(twin_merged[i].child) << ",\"persons\":[";
    for (std::size_t j = 0; j < twin_merged[i].persons.size(); ++j) {
      out << (j == 0 ? "" : ",") << text(twin_merged[i].persons[j]);
    }
    out << "]}";
  }
  out << "],\"adoption_cross_links\":" << adoption_cross_links
      << ",\"mixed_children\":" << mixed_children << ",\"split_identities\":" << split_identities
      << "}";
  return out.str();
}

}  // namespace cp::synth
