#include "matching/training.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "core/random.h"
#include "domain/ids.h"

namespace cp::matching {
namespace {

constexpr std::uint64_t kProgressEvery = 4096;
// Synthetic ContactPoint IDs: "1", the record's position in ten digits, the
// check digit. Unique, valid, and the position is read back from the number.
constexpr std::uint64_t kIdBase = 10'000'000'000ULL;

core::StatusOr<domain::ContactPointId> IdOf(std::uint32_t position) {
  std::string digits = std::to_string(kIdBase + position);
  digits.push_back(static_cast<char>('0' + domain::ContactPointId::CheckDigit(digits)));
  return domain::ContactPointId::Parse(digits);
}

std::uint32_t PositionOf(const domain::ContactPointId& id) {
  return static_cast<std::uint32_t>(id.number() / 10 - kIdBase);
}

void Report(const TrainingOptions& options, TrainingStage stage, std::uint64_t done,
            std::uint64_t total) {
  if (options.progress) options.progress(stage, done, total);
}

std::string Describe(const TrainingStatistics& s, const TrainingOptions& options) {
  std::ostringstream text;
  text << "Trained by EM (contactpoint linkage train) on "
       << core::FormatRfc3339(options.trained_at).substr(0, 10) << " from " << s.records
       << " unlabelled source records: " << s.candidate_pairs
       << " distinct record pairs formed by blocking (max_candidates "
       << options.candidates.max_candidates << ", max_block " << options.candidates.max_block
       << ")";
  if (s.pairs < s.candidate_pairs) {
    text << ", " << s.pairs << " of them sampled (seed " << options.seed << ")";
  }
  if (s.random_pairs > 0) {
    text << ", with " << s.random_pairs << " uniformly drawn record pairs to anchor the non-match "
         << "class (u describes that mixture)";
  }
  text << "; " << s.iterations << " EM iterations, "
       << (s.converged ? "converged" : "NOT converged (iteration limit)");
  if (!s.fields_kept_from_start.empty()) {
    text << "; kept from the start model for lack of matching pairs agreeing on them:";
    for (const std::string& field : s.fields_kept_from_start) text << " " << field;
  }
  text << ". match_prior is the share of candidate pairs that are the same child, so the "
          "Matcher's thresholds are probabilities among the candidates the index returns.";
  return text.str();
}

using Pattern = std::array<std::uint8_t, linkage::kFieldCount>;

// Expected number of matching candidate pairs that agree on each field at
// its strongest level (exact, agree), under `p`: the evidence EM had for the
// field's m. Observing a field is not enough: twins' school records both
// carry a UPN, and disagree.
std::array<double, linkage::kFieldCount> MatchEvidence(const std::map<Pattern, double>& counts,
                                                       const linkage::ModelParameters& p) {
  std::array<double, linkage::kFieldCount> evidence{};
  for (const auto& [levels, count] : counts) {
    double log_m = std::log(p.match_prior);
    double log_u = std::log(1.0 - p.match_prior);
    for (std::size_t f = 0; f < linkage::kFieldCount; ++f) {
      if (levels[f] == linkage::MissingLevel(linkage::FieldAt(f))) continue;
      log_m += std::log(p.fields[f][levels[f]].m);
      log_u += std::log(p.fields[f][levels[f]].u);
    }
    const double top = std::max(log_m, log_u);
    const double g = std::exp(log_m - top) / (std::exp(log_m - top) + std::exp(log_u - top));
    for (std::size_t f = 0; f < linkage::kFieldCount; ++f) {
      if (levels[f] == 0) evidence[f] += g * count;
    }
  }
  return evidence;
}

}  // namespace

std::string_view TrainingStageName(TrainingStage stage) {
  switch (stage) {
    case TrainingStage::kIndexing:
      return "indexing";
    case TrainingStage::kPairing:
      return "pairing";
    case TrainingStage::kComparing:
      return "comparing";
    case TrainingStage::kEstimating:
      return "estimating";
  }
  return "unknown";
}

core::StatusOr<std::vector<std::pair<std::uint32_t, std::uint32_t>>> CandidatePairs(
    std::span<const linkage::LinkageRecord> records, const TrainingOptions& options,
    std::size_t* candidate_pairs, std::size_t* incomplete_probes) {
  if (records.size() >= kIdBase) {
    return core::Status(
        core::ErrorCode::kResourceExhausted,
        "too many records to train on at once (" + std::to_string(records.size()) + ")");
  }
  const auto total = static_cast<std::uint32_t>(records.size());
  index::CandidateIndex index;
  index.Reserve(records.size());
  for (std::uint32_t i = 0; i < total; ++i) {
    ASSIGN_OR_RETURN(domain::ContactPointId id, IdOf(i));
    core::Status upserted = index.Upsert(id, records[i]);
    if (!upserted.ok()) return upserted.WithContext("record " + std::to_string(i + 1));
    if (i % kProgressEvery == 0) Report(options, TrainingStage::kIndexing, i, total);
  }
  Report(options, TrainingStage::kIndexing, total, total);

  // Candidate lists are not symmetric (ranking cuts, capped blocks, probe-side
  // name expansion), so a pair may be found from either side: collect both
  // and keep each once.
  std::vector<std::uint64_t> keys;
  std::size_t incomplete = 0;
  for (std::uint32_t i = 0; i < total; ++i) {
    const index::CandidateResult found = index.Candidates(records[i], options.candidates);
    if (!found.complete()) ++incomplete;
    for (const index::Candidate& candidate : found.candidates) {
      const std::uint32_t j = PositionOf(candidate.child);
      if (j == i) continue;
      const std::uint64_t lo = std::min(i, j);
      const std::uint64_t hi = std::max(i, j);
      keys.push_back(lo << 32 | hi);
    }
    if (i % kProgressEvery == 0) Report(options, TrainingStage::kPairing, i, total);
  }
  Report(options, TrainingStage::kPairing, total, total);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (candidate_pairs != nullptr) *candidate_pairs = keys.size();
  if (incomplete_probes != nullptr) *incomplete_probes = incomplete;

  if (options.max_pairs > 0 && keys.size() > options.max_pairs) {
    // Partial Fisher-Yates: the first max_pairs places end up a uniform
    // sample without replacement; the same seed and input give the same one.
    core::SeededRandom random(options.seed);
    for (std::size_t k = 0; k < options.max_pairs; ++k) {
      const std::size_t pick = k + random.Uniform(keys.size() - k);
      std::swap(keys[k], keys[pick]);
    }
    keys.resize(options.max_pairs);
    std::sort(keys.begin(), keys.end());
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  pairs.reserve(keys.size());
  for (std::uint64_t key : keys) {
    pairs.emplace_back(static_cast<std::uint32_t>(key >> 32),
                       static_cast<std::uint32_t>(key & 0xffffffffULL));
  }
  return pairs;
}

core::StatusOr<TrainingResult> TrainModel(std::span<const linkage::LinkageRecord> records,
                                          const linkage::ModelParameters& start,
                                          const TrainingOptions& options) {
  if (records.empty()) {
    return core::InvalidArgument("no records to train on: give batches with upsert records");
  }
  TrainingStatistics stats;
  stats.records = records.size();
  ASSIGN_OR_RETURN(auto pairs, CandidatePairs(records, options, &stats.candidate_pairs,
                                              &stats.incomplete_probes));
  if (pairs.empty()) {
    return core::InvalidArgument(
        "blocking formed no pair of records, so there is nothing to learn from: train on "
        "batches that describe the same children more than once (several sources)");
  }
  stats.pairs = pairs.size();
  const auto anchors =
      static_cast<std::size_t>(options.random_pairs_per_pair * static_cast<double>(pairs.size()));
  if (anchors > 0) {
    // Uniform pairs of distinct records, leaving out the candidate pairs
    // (which are the other part of the mixture).
    std::vector<std::uint64_t> taken;
    taken.reserve(pairs.size());
    for (const auto& [i, j] : pairs) taken.push_back(std::uint64_t{i} << 32 | j);
    core::SeededRandom random(options.seed ^ 0x9e3779b97f4a7c15ULL);
    // In a tiny population nearly every pair may be a candidate: give up
    // drawing rather than loop (fewer anchors, counted in random_pairs).
    std::size_t draws_left = 8 * anchors + 1000;
    while (stats.random_pairs < anchors && draws_left-- > 0) {
      const auto i = static_cast<std::uint32_t>(random.Uniform(records.size()));
      const auto j = static_cast<std::uint32_t>(random.Uniform(records.size()));
      if (i == j) continue;
      const std::uint64_t key = std::uint64_t{std::min(i, j)} << 32 | std::max(i, j);
      if (std::binary_search(taken.begin(), taken.end(), key)) continue;
      pairs.emplace_back(std::min(i, j), std::max(i, j));
      ++stats.random_pairs;
    }
  }

  const linkage::Comparator comparator(options.comparator);
  std::vector<linkage::ComparisonVector> vectors;
  vectors.reserve(pairs.size());
  std::map<Pattern, double> candidate_patterns;  // the candidate pairs only
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    vectors.push_back(comparator.Compare(records[pairs[k].first], records[pairs[k].second]));
    if (k < stats.pairs) candidate_patterns[vectors.back().levels] += 1.0;
    if (k % kProgressEvery == 0) Report(options, TrainingStage::kComparing, k, pairs.size());
  }
  Report(options, TrainingStage::kComparing, pairs.size(), pairs.size());
  stats.patterns = candidate_patterns.size();

  Report(options, TrainingStage::kEstimating, 0, 1);
  ASSIGN_OR_RETURN(linkage::EmResult em, linkage::EstimateByEm(vectors, start, options.em));
  stats.iterations = em.iterations;
  stats.converged = em.converged;
  stats.log_likelihood = em.log_likelihood;
  if (stats.random_pairs > 0) {
    // EM's prior is over the mixture. Two random records are the same child
    // with chance ~1 / records, so the matches are among the candidates.
    const double mixture = static_cast<double>(stats.pairs + stats.random_pairs);
    em.parameters.match_prior =
        std::min(1.0 - options.em.min_probability,
                 em.parameters.match_prior * mixture / static_cast<double>(stats.pairs));
  }
  // A field on which (almost) no matching pair agrees has an m estimated
  // from nothing (in Synthetic England only the school census has UPNs, so
  // no two records of one child both carry one): keep the start's values.
  const auto evidence = MatchEvidence(candidate_patterns, em.parameters);
  for (std::size_t f = 0; f < linkage::kFieldCount; ++f) {
    if (evidence[f] < options.min_match_evidence) {
      em.parameters.fields[f] = start.fields[f];
      stats.fields_kept_from_start.emplace_back(linkage::FieldName(linkage::FieldAt(f)));
    }
  }
  Report(options, TrainingStage::kEstimating, 1, 1);
  stats.match_prior = em.parameters.match_prior;

  TrainingResult result{std::move(em.parameters), stats};
  result.parameters.description = Describe(stats, options);
  return result;
}

}  // namespace cp::matching
