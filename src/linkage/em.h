// Estimation of Fellegi-Sunter m and u probabilities, and the match prior,
// from unlabelled comparison vectors by expectation-maximisation (Winkler
// 1988; Jaro 1989), under the usual conditional-independence assumption:
// given match status, fields agree independently.
//
//   E step: for each vector, the posterior probability it is a match,
//     g = lambda * prod m[f][level] /
//         (lambda * prod m[f][level] + (1 - lambda) * prod u[f][level]),
//     "missing" levels left out of both products.
//   M step: m[f][l] = sum g * [level == l] / sum g * [field observed];
//           u likewise with 1 - g; lambda = mean g.
// Vectors are first grouped into distinct patterns with counts, so one
// iteration costs O(patterns x fields), not O(pairs). Term frequencies play
// no part in estimation. Probabilities are kept within [min_probability,
// 1 - min_probability] so that no weight becomes infinite.
//
// Start from parameters with m favouring agreement and u disagreement (the
// shipped model.json): EM converges to a local optimum, and a start with the
// roles swapped would label non-matches as matches.
//
// Pure functions; thread-safe.
#ifndef CP_LINKAGE_EM_H_
#define CP_LINKAGE_EM_H_

#include <span>

#include "core/status.h"
#include "linkage/comparison.h"
#include "linkage/model.h"

namespace cp::linkage {

struct EmOptions {
  int max_iterations = 500;
  // Stop when no parameter moves by more than this between iterations.
  double tolerance = 1e-7;
  double min_probability = 1e-6;
};

struct EmResult {
  ModelParameters parameters;  // description and floor copied from the start
  int iterations = 0;
  bool converged = false;
  double log_likelihood = 0;  // natural log, of the final parameters
};

// kInvalidArgument when `vectors` is empty or a level is out of range;
// kInvalidLinkageData when `start` is not a valid model.
core::StatusOr<EmResult> EstimateByEm(std::span<const ComparisonVector> vectors,
                                      const ModelParameters& start, const EmOptions& options = {});

}  // namespace cp::linkage

#endif  // CP_LINKAGE_EM_H_
