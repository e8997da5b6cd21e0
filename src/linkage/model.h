// The Fellegi-Sunter model: for each field and level, m (the probability of
// that level when the two records are the same child) and u (when they are
// different children). A level's weight is log2(m / u) bits, the base-2 log
// Bayes factor; a pair's score is the sum of its fields' weights, and
// "missing" levels weigh 0.
//
// Term-frequency adjustment: when given or family names agree exactly, the
// chance that two different children share that name is the name's
// frequency f in the population, not the average u, so the weight is
// log2(m / max(f, term_frequency_floor)). The floor stops a name seen once
// from outweighing everything else (a misspelt common name looks rare);
// with no frequency known the ordinary u is used.
//
// The model file (JSON, "linkage_model_version": 1) is shipped in
// data/linkage/model.json and is what `contactpoint linkage train` writes:
//   {
//     "linkage_model_version": 1,
//     "description": "free text: how these values were obtained",
//     "match_prior": 0.0001,            // lambda: share of candidate pairs that match
//     "term_frequency_floor": 0.0001,
//     "fields": {
//       "given_name": {"exact": {"m": 0.86, "u": 0.004}, "nickname": {...}, ...},
//       ...                             // every field, every level but "missing"
//     }
//   }
// Every field and level must be present, nothing else may be, 0 < m, u <= 1
// and each field's m and u each sum to 1 (within 0.01).
#ifndef CP_LINKAGE_MODEL_H_
#define CP_LINKAGE_MODEL_H_

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "linkage/comparison.h"

namespace cp::linkage {

inline constexpr int kModelVersion = 1;

struct LevelProbabilities {
  double m = 0;
  double u = 0;
  friend bool operator==(const LevelProbabilities&, const LevelProbabilities&) = default;
};

// The numbers of a model, before validation.
struct ModelParameters {
  std::string description;
  double match_prior = 1e-4;
  double term_frequency_floor = 1e-4;
  // Indexed by Field, then level; the "missing" level has no entry.
  std::array<std::vector<LevelProbabilities>, kFieldCount> fields;
};

// How one field contributed to a score: for telling a data administrator why
// two records matched. Names only, no personal data.
struct Contribution {
  Field field = Field::kGivenName;
  std::uint8_t level = 0;
  double weight = 0;  // bits
  bool term_frequency_adjusted = false;
};

struct Explanation {
  double score = 0;                         // the sum of the weights, bits
  std::vector<Contribution> contributions;  // one per field, in Field order
  // One line per field, e.g. "date_of_birth=transposed +9.32".
  std::string ToText() const;
};

// An immutable, validated model with its weights precomputed. Loaded once by
// the composition root (which owns it) and shared by const reference;
// thread-safe for concurrent reads.
class Model {
 public:
  // Validates `parameters` (rules in the file comment). kInvalidLinkageData
  // naming the field and level on failure.
  static core::StatusOr<Model> Create(ModelParameters parameters);

  // Parses the JSON text; `source` names it in error messages (a path).
  // kInvalidLinkageData for bad JSON, an unsupported version or any rule.
  static core::StatusOr<Model> FromJson(std::string_view json, std::string_view source);
  // kLinkageDataNotFound naming the path when it cannot be read.
  static core::StatusOr<Model> Load(const std::filesystem::path& path);

  std::string ToJson() const;
  // Writes via a temporary file renamed into place. kUnavailable on failure.
  core::Status Save(const std::filesystem::path& path) const;

  const ModelParameters& parameters() const { return parameters_; }

  // log2(m / u) of a level; 0 for "missing".
  double Weight(Field field, std::uint8_t level) const {
    return weights_[static_cast<std::size_t>(field)][level];
  }
  // `vector` must hold levels in range for each field, as Comparator makes
  // them; vectors read back from storage are checked by their reader.
  double Score(const ComparisonVector& vector) const;
  Explanation Explain(const ComparisonVector& vector) const;

  // The posterior probability of a match given a score and the prior.
  double MatchProbability(double score) const;

 private:
  static constexpr std::size_t kMaxLevels = 8;
  Model() = default;
  double TermFrequencyWeight(Field field, float frequency) const;

  ModelParameters parameters_;
  std::array<std::array<double, kMaxLevels>, kFieldCount> weights_{};
};

}  // namespace cp::linkage

#endif  // CP_LINKAGE_MODEL_H_
