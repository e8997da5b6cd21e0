// Scoring a linkage against Synthetic England's ground truth: the measure of
// issue 6's targets (pairwise precision and recall, twin merges, adoption
// cross-links, the share of records sent to review).
//
// Inputs: the synthetic folder's truth.csv (source,key,person_id for every
// line) and people.csv (maternity and adoption facts), and a link export as
// `contactpoint links export` writes it (source,key,child_id,state, current
// records only). Pairs are counted over records attached to a child (linked
// or review); sealed records belong to no child.
//
// - precision: of the record pairs put in one child, the share that are one
//   person; recall: of the record pairs of one person, the share put in one
//   child (pre- and post-adoption identities of a person are two identities:
//   their pairs are not expected to be linked, and count as cross-links if
//   they are);
// - twin merges: children holding records of two people of one maternity,
//   each listed (the child and the people) so that it can be looked into;
// - adoption cross-links: children holding a pre-adoption record (the birth
//   registration, or the PDS record under the birth NHS number) and a
//   post-adoption one of the same person.
#ifndef CP_SYNTH_SCORE_H_
#define CP_SYNTH_SCORE_H_

#include <cstdint>
#include <filesystem>
#include <istream>
#include <string>
#include <vector>

#include "core/status.h"

namespace cp::synth {

struct LinkageScore {
  std::int64_t records = 0;        // current records with a child
  std::int64_t sealed = 0;
  std::int64_t children = 0;
  std::int64_t identities = 0;     // true identities among those records
  std::int64_t true_pairs = 0;
  std::int64_t linked_pairs = 0;
  std::int64_t correct_pairs = 0;
  double precision = 1;
  double recall = 1;
  std::int64_t review_records = 0;
  double review_share = 0;
  // One per twin merge, in the string order of the child IDs: the child and
  // the people of one maternity it holds.
  struct TwinMerge {
    std::string child;
    std::vector<std::string> persons;
  };
  std::vector<TwinMerge> twin_merged;
  std::int64_t twin_merges() const { return static_cast<std::int64_t>(twin_merged.size()); }
  std::int64_t adoption_cross_links = 0;
  std::int64_t mixed_children = 0;  // children holding more than one identity
  std::int64_t split_identities = 0;  // identities spread over more than one child

  std::string ToText() const;
  std::string ToJson() const;
};

// kInvalidArgument naming the file and line for malformed input, or a link
// row whose (source, key) is not in the truth.
core::StatusOr<LinkageScore> ScoreLinks(const std::filesystem::path& synth_dir,
                                        std::istream& links_csv);

}  // namespace cp::synth

#endif  // CP_SYNTH_SCORE_H_
