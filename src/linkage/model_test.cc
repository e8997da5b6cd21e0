#include "linkage/model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cp::linkage {
namespace {

const std::filesystem::path kModelPath = std::filesystem::path(CP_LINKAGE_DATA_DIR) / "model.json";

std::string ReadShipped() {
  std::ifstream in(kModelPath);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The shipped text with one substring replaced.
std::string Edited(const std::string& from, const std::string& to) {
  std::string text = ReadShipped();
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

ComparisonVector AllMissing() {
  ComparisonVector v;
  for (std::size_t f = 0; f < kFieldCount; ++f) v.levels[f] = MissingLevel(FieldAt(f));
  return v;
}

TEST(ModelTest, ShippedModelLoads) {
  auto model = Model::Load(kModelPath);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_DOUBLE_EQ(model->parameters().match_prior, 1e-4);
  EXPECT_DOUBLE_EQ(model->parameters().term_frequency_floor, 1e-4);
  // Agreement is evidence for, disagreement against, missing is neutral.
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    const Field field = FieldAt(f);
    EXPECT_GT(model->Weight(field, 0), 0) << FieldName(field);
    EXPECT_LT(model->Weight(field, MissingLevel(field) - 1), 0) << FieldName(field);
    EXPECT_EQ(model->Weight(field, MissingLevel(field)), 0) << FieldName(field);
  }
}

TEST(ModelTest, WeightIsLog2OfMOverU) {
  auto model = Model::Load(kModelPath);
  ASSERT_TRUE(model.ok());
  EXPECT_NEAR(model->Weight(Field::kDateOfBirth, 0), std::log2(0.93 / 0.00015), 1e-12);
  EXPECT_NEAR(model->Weight(Field::kGender, 1), std::log2(0.02 / 0.5), 1e-12);
}

TEST(ModelTest, ScoreSumsWeightsAndExplanationNamesEachField) {
  auto model = Model::Load(kModelPath);
  ASSERT_TRUE(model.ok());
  ComparisonVector v = AllMissing();
  v.Set(Field::kGivenName, GivenNameLevel::kNickname);
  v.Set(Field::kFamilyName, FamilyNameLevel::kExact);
  v.Set(Field::kDateOfBirth, DateOfBirthLevel::kTransposed);
  v.Set(Field::kGender, GenderLevel::kDisagree);
  const double expected = model->Weight(Field::kGivenName, 1) +
                          model->Weight(Field::kFamilyName, 0) +
                          model->Weight(Field::kDateOfBirth, 1) + model->Weight(Field::kGender, 1);
  EXPECT_NEAR(model->Score(v), expected, 1e-12);

  const Explanation explanation = model->Explain(v);
  EXPECT_NEAR(explanation.score, expected, 1e-12);
  ASSERT_EQ(explanation.contributions.size(), kFieldCount);
  EXPECT_EQ(explanation.contributions[3].field, Field::kDateOfBirth);
  EXPECT_EQ(explanation.contributions[3].level, 1);
  const std::string text = explanation.ToText();
  EXPECT_NE(text.find("date_of_birth=transposed +"), std::string::npos) << text;
  EXPECT_NE(text.find("gender=disagree -"), std::string::npos) << text;
  EXPECT_NE(text.find("nhs_number=missing +0.00"), std::string::npos) << text;
}

TEST(ModelTest, TermFrequencyAdjustsExactNameAgreement) {
  auto model = Model::Load(kModelPath);
  ASSERT_TRUE(model.ok());
  const double m = model->parameters().fields[0][0].m;
  ComparisonVector v = AllMissing();
  v.Set(Field::kGivenName, GivenNameLevel::kExact);

  struct Case {
    float frequency;
    double expected;
  };
  const Case cases[] = {
      {0.0f, model->Weight(Field::kGivenName, 0)},  // unknown: the ordinary u
      {0.02f, std::log2(m / 0.02)},                 // common: less evidence
      {0.001f, std::log2(m / 0.001)},
      {1e-7f, std::log2(m / 1e-4)},  // rarer than the floor: the floor
  };
  for (const auto& c : cases) {
    v.given_name_frequency = c.frequency;
    EXPECT_NEAR(model->Score(v), c.expected, 1e-6) << c.frequency;
    const Explanation explanation = model->Explain(v);
    EXPECT_NEAR(explanation.score, c.expected, 1e-6) << c.frequency;
    EXPECT_EQ(explanation.contributions[0].term_frequency_adjusted, c.frequency > 0);
  }
  // A frequency on a non-exact level is ignored.
  v.Set(Field::kGivenName, GivenNameLevel::kNickname);
  v.given_name_frequency = 0.02f;
  EXPECT_NEAR(model->Score(v), model->Weight(Field::kGivenName, 1), 1e-12);
}

TEST(ModelTest, MatchProbabilityFollowsPriorAndScore) {
  auto model = Model::Load(kModelPath);
  ASSERT_TRUE(model.ok());
  EXPECT_NEAR(model->MatchProbability(0), 1e-4, 1e-9);
  // A score that exactly cancels the prior odds gives one half.
  EXPECT_NEAR(model->MatchProbability(std::log2((1 - 1e-4) / 1e-4)), 0.5, 1e-9);
  EXPECT_NEAR(model->MatchProbability(2000), 1.0, 1e-12);
}

TEST(ModelTest, SavesAndLoadsTheSameModel) {
  auto model = Model::Load(kModelPath);
  ASSERT_TRUE(model.ok());
  const auto path = std::filesystem::temp_directory_path() / "cp_linkage_model_roundtrip.json";
  ASSERT_TRUE(model->Save(path).ok());
  auto again = Model::Load(path);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->parameters().fields, model->parameters().fields);
  EXPECT_EQ(again->parameters().description, model->parameters().description);
  EXPECT_EQ(again->ToJson(), model->ToJson());
  std::filesystem::remove(path);
}

TEST(ModelTest, RejectsBadFilesWithTheRuleBroken) {
  struct Case {
    std::string text;
    const char* expected;
  };
  const Case cases[] = {
      {"not json", "not valid JSON"},
      {"[]", "top level must be an object"},
      {Edited("\"linkage_model_version\": 1", "\"linkage_model_version\": 2"),
       "version 2 is not supported"},
      {Edited("\"linkage_model_version\": 1,", ""), "linkage_model_version"},
      {Edited("\"match_prior\": 0.0001", "\"match_prior\": 1.5"), "match_prior"},
      {Edited("\"term_frequency_floor\": 0.0001", "\"term_frequency_floor\": 0"),
       "term_frequency_floor"},
      {Edited("\"match_prior\"", "\"extra\": 1, \"match_prior\""), "unknown key \"extra\""},
      {Edited("\"gender\": {", "\"sex\": {}, \"gender\": {"), "unknown field \"sex\""},
      {Edited("\"uln\": {\n      \"agree\": {\"m\": 0.99, \"u\": 0.000001},", "\"uln\": {"),
       "missing level uln.agree"},
      {Edited("\"agree\": {\"m\": 0.98, \"u\": 0.5},",
              "\"agree\": {\"m\": 0.98, \"u\": 0.5}, \"missing\": {\"m\": 1, \"u\": 1},"),
       "unknown level \"missing\""},
      {Edited("\"exact\": {\"m\": 0.86, \"u\": 0.004}", "\"exact\": {\"m\": 0, \"u\": 0.004}"),
       "given_name.exact: m and u must lie in (0, 1]"},
      {Edited("\"exact\": {\"m\": 0.86, \"u\": 0.004}", "\"exact\": {\"m\": 0.5, \"u\": 0.004}"),
       "given_name: m and u over the levels must each sum to 1"},
      {Edited("\"exact\": {\"m\": 0.86, \"u\": 0.004}",
              "\"exact\": {\"m\": \"high\", \"u\": 0.004}"),
       "given_name.exact must be"},
  };
  for (const auto& c : cases) {
    auto model = Model::FromJson(c.text, "test.json");
    ASSERT_FALSE(model.ok()) << c.expected;
    EXPECT_EQ(model.status().code(), core::ErrorCode::kInvalidLinkageData);
    EXPECT_NE(model.status().message().find(c.expected), std::string::npos)
        << model.status().message();
    EXPECT_NE(model.status().message().find("test.json"), std::string::npos);
  }
}

TEST(ModelTest, MissingFileNamesThePath) {
  auto model = Model::Load("/nonexistent/model.json");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), core::ErrorCode::kLinkageDataNotFound);
  EXPECT_NE(model.status().message().find("/nonexistent/model.json"), std::string::npos);
}

}  // namespace
}  // namespace cp::linkage
