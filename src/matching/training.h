// Training the Fellegi-Sunter model from unlabelled source records (issue 6
// item 2; `contactpoint linkage train`).
//
// The records are the descriptions of children that sources supplied, with
// no labels: nobody says which describe the same child. The trainer puts
// them all in a CandidateIndex, takes for each record the candidates the
// index returns for it (bounded exactly as the Matcher's are, by
// CandidateOptions), forms every unordered pair of records once, compares
// them and estimates m, u and the prior by EM (linkage/em.h) from a start
// model whose m favour agreement.
//
// What the prior means. Pairs exist only where blocking found them, so the
// estimated prior is the share of *candidate pairs* that are the same child,
// not the share of all pairs of records (which would be ~1 / population).
// That is the population the Matcher scores: its link and review thresholds
// are posterior probabilities computed with this prior, i.e. "the chance
// that a candidate the index returned is this child, given the score". A
// model trained with other blocking settings has a different prior; train
// with the blocking the Matcher uses (the defaults).
//
// Anchoring. Blocking keys are specific (nearly all contain the date of
// birth or an identifier), so on Synthetic England ~90 % of candidate pairs
// are matches, and EM on them alone settles in a wrong optimum: its
// "non-match" class becomes the matches of the noisier sources (nicknames,
// transposed dates, old addresses), which gives nicknames and typos negative
// weights. Adding uniformly drawn record pairs (almost surely different
// children; random_pairs_per_pair of them per candidate pair) anchors the
// non-match class. Then m is stable (it moves by < 0.001 between 1 and 4
// random pairs per candidate pair), and the prior is converted back to the
// share among candidate pairs (the random pairs hold ~no matches); but u
// describes the mixture of candidate non-matches and random pairs, so it
// depends on the ratio (u of an exact date of birth: 0.053 at 1, 0.014 at
// 4). Treat u as an estimate between "among candidates" and "among all
// pairs".
//
// Fields without evidence. A field on which (almost) no matching pair
// agrees keeps the start model's m and u (min_match_evidence): EM would
// otherwise give it no weight (UPN and ULN in Synthetic England, where only
// the school census carries them).
//
// Every record is one side of its pairs, including several versions of one
// child from different sources (what EM learns the matches from). Records
// are identified inside the trainer only by their position; the trained
// model's description says how many records and pairs, when, and how EM
// ended, never anything from a record.
//
// Pure given its inputs (no clock, no files: the caller passes the date);
// not thread-safe across calls sharing `progress`; otherwise stateless.
#ifndef CP_MATCHING_TRAINING_H_
#define CP_MATCHING_TRAINING_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "index/candidate_index.h"
#include "linkage/comparator.h"
#include "linkage/em.h"
#include "linkage/model.h"
#include "linkage/record.h"

namespace cp::matching {

// The hand-set model training starts from by default, beside model.json in
// the linkage data folder. Kept so that a retraining never starts from the
// output of the last one without the operator saying so.
inline constexpr std::string_view kStartModelFile = "model-start.json";

enum class TrainingStage { kIndexing, kPairing, kComparing, kEstimating };
std::string_view TrainingStageName(TrainingStage stage);  // "indexing", ...

// (stage, done, total), called now and then; for progress lines.
using TrainingProgress = std::function<void(TrainingStage, std::uint64_t, std::uint64_t)>;

struct TrainingOptions {
  // Blocking, as the Matcher does it (keep them equal: see the file comment).
  index::CandidateOptions candidates;
  // At most this many distinct pairs go to EM; more are sampled down
  // uniformly without replacement, repeatably from `seed`. 0: no cap.
  std::size_t max_pairs = 5'000'000;
  std::uint64_t seed = 1;
  // Record pairs drawn uniformly from all pairs (not through blocking), per
  // candidate pair given to EM, added to anchor the non-match class: see
  // "Anchoring" in the file comment. 0: candidate pairs only.
  double random_pairs_per_pair = 1;
  // A field on which fewer matching candidate pairs than this agree
  // (expected, under the trained model) keeps the start model's m and u.
  double min_match_evidence = 100;
  linkage::EmOptions em;
  linkage::ComparatorOptions comparator;
  // When the training ran (the date goes into the model's description).
  core::Timestamp trained_at{};
  TrainingProgress progress;  // may be empty
};

struct TrainingStatistics {
  std::size_t records = 0;
  // Probes whose candidate list was not complete (a block capped or the
  // list cut): their pairs are a subset of what blocking would give.
  std::size_t incomplete_probes = 0;
  std::size_t candidate_pairs = 0;  // distinct unordered pairs formed by blocking
  std::size_t pairs = 0;            // candidate pairs given to EM (after sampling)
  std::size_t random_pairs = 0;     // anchoring pairs given to EM besides them
  std::size_t patterns = 0;         // distinct comparison vectors among them
  int iterations = 0;
  bool converged = false;
  double log_likelihood = 0;  // natural log, final parameters
  double match_prior = 0;     // estimated: the match share among candidate pairs
  std::vector<std::string> fields_kept_from_start;  // for lack of evidence, in Field order
};

struct TrainingResult {
  linkage::ModelParameters parameters;  // with a new description
  TrainingStatistics statistics;
};

// The distinct unordered pairs (i < j, positions in `records`) that blocking
// forms, in increasing order, sampled down to options.max_pairs when there
// are more. `incomplete_probes`, when given, counts probes whose candidate
// list was capped or cut. Errors: those of CandidateIndex::Upsert, naming the
// record's position.
core::StatusOr<std::vector<std::pair<std::uint32_t, std::uint32_t>>> CandidatePairs(
    std::span<const linkage::LinkageRecord> records, const TrainingOptions& options,
    std::size_t* candidate_pairs = nullptr, std::size_t* incomplete_probes = nullptr);

// Trains from `records` starting at `start`. Errors: kInvalidArgument when
// there are no records, or blocking forms no pair ("nothing to learn from");
// those of CandidatePairs and EstimateByEm.
core::StatusOr<TrainingResult> TrainModel(std::span<const linkage::LinkageRecord> records,
                                          const linkage::ModelParameters& start,
                                          const TrainingOptions& options = {});

}  // namespace cp::matching

#endif  // CP_MATCHING_TRAINING_H_
