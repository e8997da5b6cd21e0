#include "linkage/em.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace cp::linkage {
namespace {

using Pattern = std::array<std::uint8_t, kFieldCount>;

struct WeightedPattern {
  Pattern levels;
  double count;
};

}  // namespace

core::StatusOr<EmResult> EstimateByEm(std::span<const ComparisonVector> vectors,
                                      const ModelParameters& start, const EmOptions& options) {
  if (vectors.empty()) return core::InvalidArgument("EM needs at least one comparison vector");
  {
    auto valid = Model::Create(start);
    if (!valid.ok()) return valid.status();
  }
  std::map<Pattern, double> counts;
  for (const ComparisonVector& vector : vectors) {
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      if (vector.levels[f] >= LevelCount(FieldAt(f))) {
        return core::InvalidArgument("comparison vector has a level out of range for field " +
                                     std::string(FieldName(FieldAt(f))));
      }
    }
    counts[vector.levels] += 1.0;
  }
  std::vector<WeightedPattern> patterns;
  patterns.reserve(counts.size());
  for (const auto& [levels, count] : counts) patterns.push_back({levels, count});
  const double total = static_cast<double>(vectors.size());

  EmResult result;
  result.parameters = start;
  ModelParameters& p = result.parameters;
  const double lo = options.min_probability;
  const double hi = 1.0 - options.min_probability;

  std::vector<double> posterior(patterns.size());
  for (int iteration = 1; iteration <= options.max_iterations; ++iteration) {
    // E step.
    double log_likelihood = 0;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      double log_m = std::log(p.match_prior);
      double log_u = std::log(1.0 - p.match_prior);
      for (std::size_t f = 0; f < kFieldCount; ++f) {
        const std::uint8_t level = patterns[i].levels[f];
        if (level == MissingLevel(FieldAt(f))) continue;
        log_m += std::log(p.fields[f][level].m);
        log_u += std::log(p.fields[f][level].u);
      }
      const double top = std::max(log_m, log_u);
      const double sum = std::exp(log_m - top) + std::exp(log_u - top);
      posterior[i] = std::exp(log_m - top) / sum;
      log_likelihood += patterns[i].count * (top + std::log(sum));
    }
    result.log_likelihood = log_likelihood;

    // M step.
    ModelParameters next = p;
    double matches = 0;
    for (std::size_t i = 0; i < patterns.size(); ++i) matches += posterior[i] * patterns[i].count;
    next.match_prior = std::clamp(matches / total, lo, hi);
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      const std::size_t levels = p.fields[f].size();
      std::vector<double> m(levels, 0.0), u(levels, 0.0);
      for (std::size_t i = 0; i < patterns.size(); ++i) {
        const std::uint8_t level = patterns[i].levels[f];
        if (level == MissingLevel(FieldAt(f))) continue;
        m[level] += posterior[i] * patterns[i].count;
        u[level] += (1.0 - posterior[i]) * patterns[i].count;
      }
      double m_total = 0, u_total = 0;
      for (std::size_t l = 0; l < levels; ++l) {
        m_total += m[l];
        u_total += u[l];
      }
      if (m_total <= 0 || u_total <= 0) continue;  // field never observed: keep the start
      for (std::size_t l = 0; l < levels; ++l) {
        next.fields[f][l].m = std::clamp(m[l] / m_total, lo, hi);
        next.fields[f][l].u = std::clamp(u[l] / u_total, lo, hi);
      }
    }

    double largest_change = std::abs(next.match_prior - p.match_prior);
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      for (std::size_t l = 0; l < p.fields[f].size(); ++l) {
        largest_change = std::max({largest_change, std::abs(next.fields[f][l].m - p.fields[f][l].m),
                                   std::abs(next.fields[f][l].u - p.fields[f][l].u)});
      }
    }
    p = std::move(next);
    result.iterations = iteration;
    if (largest_change < options.tolerance) {
      result.converged = true;
      break;
    }
  }
  return result;
}

}  // namespace cp::linkage
