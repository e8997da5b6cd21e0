#include "linkage/em.h"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <random>
#include <vector>

namespace cp::linkage {
namespace {

const std::filesystem::path kModelPath = std::filesystem::path(CP_LINKAGE_DATA_DIR) / "model.json";

// Truth used to generate vectors: quite different from the shipped start, so
// recovering it shows EM moved the parameters rather than kept them.
ModelParameters Truth() {
  ModelParameters p = Model::Load(kModelPath).value().parameters();
  p.match_prior = 0.05;
  p.fields[static_cast<std::size_t>(Field::kGivenName)] = {
      {0.70, 0.010}, {0.10, 0.010}, {0.08, 0.020}, {0.04, 0.030}, {0.03, 0.030}, {0.05, 0.900}};
  p.fields[static_cast<std::size_t>(Field::kFamilyName)] = {
      {0.80, 0.020}, {0.02, 0.010}, {0.05, 0.010}, {0.05, 0.030}, {0.03, 0.030}, {0.05, 0.900}};
  p.fields[static_cast<std::size_t>(Field::kDateOfBirth)] = {
      {0.85, 0.010}, {0.03, 0.005}, {0.05, 0.020}, {0.03, 0.050}, {0.02, 0.200}, {0.02, 0.715}};
  p.fields[static_cast<std::size_t>(Field::kGender)] = {{0.97, 0.50}, {0.03, 0.50}};
  p.fields[static_cast<std::size_t>(Field::kPostcode)] = {
      {0.60, 0.010}, {0.15, 0.040}, {0.10, 0.150}, {0.15, 0.800}};
  return p;
}

// Vectors drawn from `truth`: each field's level from m (for a match) or u,
// or "missing" with a chance per field.
std::vector<ComparisonVector> Generate(const ModelParameters& truth, std::size_t count,
                                       std::mt19937_64* rng) {
  std::array<std::discrete_distribution<int>, kFieldCount> match_levels;
  std::array<std::discrete_distribution<int>, kFieldCount> non_match_levels;
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    std::vector<double> m, u;
    for (const LevelProbabilities& level : truth.fields[f]) {
      m.push_back(level.m);
      u.push_back(level.u);
    }
    match_levels[f] = std::discrete_distribution<int>(m.begin(), m.end());
    non_match_levels[f] = std::discrete_distribution<int>(u.begin(), u.end());
  }
  std::bernoulli_distribution is_match(truth.match_prior);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<ComparisonVector> vectors;
  vectors.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const bool match = is_match(*rng);
    ComparisonVector v;
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      const double missing = f < 6 ? 0.05 : 0.6;  // names, dates, postcode mostly present
      v.levels[f] = unit(*rng) < missing
                        ? MissingLevel(FieldAt(f))
                        : static_cast<std::uint8_t>(match ? match_levels[f](*rng)
                                                          : non_match_levels[f](*rng));
    }
    vectors.push_back(v);
  }
  return vectors;
}

TEST(EmTest, RecoversKnownParametersFromSyntheticVectors) {
  const ModelParameters truth = Truth();
  std::mt19937_64 rng(20261122);
  const std::vector<ComparisonVector> vectors = Generate(truth, 200000, &rng);
  const ModelParameters start = Model::Load(kModelPath).value().parameters();

  auto result = EstimateByEm(vectors, start);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->converged) << result->iterations << " iterations";
  EXPECT_NEAR(result->parameters.match_prior, truth.match_prior, 0.005);
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    for (std::size_t l = 0; l < truth.fields[f].size(); ++l) {
      const auto& want = truth.fields[f][l];
      const auto& got = result->parameters.fields[f][l];
      const std::string where =
          std::string(FieldName(FieldAt(f))) + "." + std::string(LevelNames(FieldAt(f))[l]);
      EXPECT_NEAR(got.m, want.m, 0.02) << where << " m";
      EXPECT_NEAR(got.u, want.u, 0.01) << where << " u";
    }
  }
  // The estimate is itself a valid model.
  EXPECT_TRUE(Model::Create(result->parameters).ok());
}

TEST(EmTest, LikelihoodDoesNotDecrease) {
  std::mt19937_64 rng(7);
  const std::vector<ComparisonVector> vectors = Generate(Truth(), 20000, &rng);
  const ModelParameters start = Model::Load(kModelPath).value().parameters();
  double previous = -1e300;
  for (int iterations : {1, 2, 5, 20}) {
    auto result = EstimateByEm(vectors, start, {.max_iterations = iterations});
    ASSERT_TRUE(result.ok());
    EXPECT_GE(result->log_likelihood, previous - 1e-6) << iterations;
    previous = result->log_likelihood;
  }
}

TEST(EmTest, RejectsEmptyInputAndOutOfRangeLevels) {
  const ModelParameters start = Model::Load(kModelPath).value().parameters();
  auto empty = EstimateByEm({}, start);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), core::ErrorCode::kInvalidArgument);

  ComparisonVector bad;
  bad.Set(Field::kGender, 7);
  auto out_of_range = EstimateByEm(std::vector<ComparisonVector>{bad}, start);
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_NE(out_of_range.status().message().find("gender"), std::string::npos);

  ModelParameters broken = start;
  broken.fields[0].pop_back();
  auto invalid = EstimateByEm(std::vector<ComparisonVector>{ComparisonVector{}}, broken);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.status().code(), core::ErrorCode::kInvalidLinkageData);
}

}  // namespace
}  // namespace cp::linkage
