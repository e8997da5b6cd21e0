#include "matching/training.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "core/random.h"
#include "linkage/linkage_data.h"
#include "linkage/normalise.h"
#include "linkage/testing/child_spec.h"

namespace cp::matching {
namespace {

using linkage::Field;
using linkage::testing::ChildOf;
using linkage::testing::ChildSpec;

std::string TwoDigits(std::uint64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); }

// A town of children, each described by two or three sources, some with the
// slips sources make: a swapped pair of letters in a given name, day and
// month transposed, a move to another address, a missing postcode.
class TrainingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto normaliser = linkage::NameNormaliser::Create();
    ASSERT_TRUE(normaliser.ok());
    normaliser_ = std::move(*normaliser).release();
    auto data = linkage::LoadLinkageData(CP_LINKAGE_DATA_DIR);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    data_ = new linkage::LinkageData(std::move(*data));
    builder_ = new linkage::RecordBuilder(*normaliser_, data_->given_name_variants,
                                          data_->family_name_variants);
    owners_ = new std::vector<int>;
    records_ = new std::vector<linkage::LinkageRecord>(Population(150, 3, *owners_));
    auto start = linkage::Model::Load(std::string(CP_LINKAGE_DATA_DIR) + "/model-start.json");
    ASSERT_TRUE(start.ok()) << start.status().ToString();
    start_ = new linkage::ModelParameters(start->parameters());
  }

  // The hand-set starting model that `linkage train` starts from by default.
  static const linkage::ModelParameters& Start() { return *start_; }

  // Households of one to three children (siblings share family name, address
  // and carer but not given name or date of birth), each child described by
  // two or three sources. `owners` gets the child of each record: the truth,
  // which training never sees and the tests check it against.
  static std::vector<linkage::LinkageRecord> Population(int households, std::uint64_t seed,
                                                        std::vector<int>& owners) {
    const char* given[] = {
        "Amelia", "Oscar",  "Isla",   "Noah",   "Freya",    "Arthur",  "Ivy",     "Leo",
        "Olivia", "Jack",   "Grace",  "Harry",  "Sophia",   "Charlie", "Poppy",   "Jacob",
        "Evie",   "Thomas", "Lily",   "George", "Rosie",    "Oliver",  "Daisy",   "Alfie",
        "Ella",   "Reuben", "Maya",   "Finley", "Esme",     "Tobias",  "Aisha",   "Ibrahim",
        "Zara",   "Yusuf",  "Nia",    "Kofi",   "Ines",     "Mateo",   "Hana",    "Dmitri",
        "Orla",   "Cian",   "Bethan", "Rhys",   "Morwenna", "Idris",   "Saoirse", "Lorcan"};
    const char* family[] = {"Patel",  "Evans",    "Walker",   "Wright", "Thompson", "Hughes",
                            "Khan",   "Taylor",   "Brown",    "Wilson", "Roberts",  "Green",
                            "Hall",   "Wood",     "Clarke",   "Lewis",  "Jackson",  "Turner",
                            "Okafor", "Nowak",    "Kowalski", "Begum",  "Ahmed",    "Murphy",
                            "Kelly",  "Campbell", "Stewart",  "Morgan", "Price",    "Pritchard",
                            "Osei",   "Mensah",   "Rossi",    "Silva",  "Nguyen",   "Fernandes"};
    core::SeededRandom pick(seed);
    std::vector<linkage::LinkageRecord> records;
    int children = 0;
    for (int h = 0; h < households; ++h) {
      ChildSpec home;
      home.family = family[pick.Uniform(std::size(family))];
      home.postcode = "LS" + std::to_string(1 + pick.Uniform(6)) + " " +
                      std::to_string(1 + pick.Uniform(9)) + "AB";
      home.address = {std::to_string(1 + pick.Uniform(80)) + " Church Road", "Leeds"};
      home.carers = {{given[pick.Uniform(std::size(given))], home.family}};
      home.phones = {};
      const std::size_t first_name = pick.Uniform(std::size(given));
      const int siblings = 1 + static_cast<int>(pick.Uniform(3));
      for (int c = 0; c < siblings; ++c, ++children) {
        ChildSpec child = home;
        child.given = given[(first_name + 5 * c) % std::size(given)];
        child.dob = "201" + std::to_string(pick.Uniform(10)) + "-" +
                    TwoDigits(1 + pick.Uniform(12)) + "-" + TwoDigits(1 + pick.Uniform(28));
        child.gender = pick.Uniform(2) == 0 ? domain::Gender::kFemale : domain::Gender::kMale;
        const int descriptions = 2 + static_cast<int>(pick.Uniform(2));
        for (int d = 0; d < descriptions; ++d) {
          ChildSpec seen = child;
          if (pick.Uniform(10) == 0) std::swap(seen.given[1], seen.given[2]);
          if (pick.Uniform(20) == 0) {
            seen.dob = seen.dob.substr(0, 5) + seen.dob.substr(8, 2) + "-" + seen.dob.substr(5, 2);
            if (std::stoi(seen.dob.substr(5, 2)) > 12) seen.dob = child.dob;
          }
          if (pick.Uniform(5) == 0) {
            seen.postcode = "BD" + std::to_string(1 + pick.Uniform(9)) + " 2XY";
            seen.address = {std::to_string(1 + pick.Uniform(80)) + " Mill Lane", "Bradford"};
          }
          if (pick.Uniform(10) == 0) seen.postcode.clear();
          if (pick.Uniform(4) == 0) seen.carers.clear();
          records.push_back(builder_->Build(ChildOf(seen)));
          owners.push_back(children);
        }
      }
    }
    return records;
  }

  static TrainingOptions Options() {
    TrainingOptions options;
    options.trained_at = core::Timestamp(std::chrono::sys_days{
        std::chrono::year{2025} / std::chrono::month{4} / std::chrono::day{2}});
    return options;
  }

  static linkage::NameNormaliser* normaliser_;
  static linkage::LinkageData* data_;
  static linkage::RecordBuilder* builder_;
  static std::vector<linkage::LinkageRecord>* records_;
  static std::vector<int>* owners_;
  static linkage::ModelParameters* start_;
};
linkage::NameNormaliser* TrainingTest::normaliser_ = nullptr;
linkage::LinkageData* TrainingTest::data_ = nullptr;
linkage::RecordBuilder* TrainingTest::builder_ = nullptr;
std::vector<linkage::LinkageRecord>* TrainingTest::records_ = nullptr;
std::vector<int>* TrainingTest::owners_ = nullptr;
linkage::ModelParameters* TrainingTest::start_ = nullptr;

linkage::LevelProbabilities At(const linkage::ModelParameters& p, Field field, int level) {
  return p.fields[static_cast<std::size_t>(field)][level];
}

// The share of pairs at `level` among pairs where `field` is observed.
double Share(const std::vector<linkage::ComparisonVector>& vectors, Field field, int level) {
  double at = 0;
  double observed = 0;
  for (const auto& v : vectors) {
    if (v.level(field) == linkage::MissingLevel(field)) continue;
    observed += 1;
    if (v.level(field) == level) at += 1;
  }
  return at / observed;
}

TEST_F(TrainingTest, RecoversTheTrueAgreementRatesWithoutSeeingTheTruth) {
  TrainingOptions options = Options();
  options.random_pairs_per_pair = 0;  // candidate pairs only: u among candidates
  auto trained = TrainModel(*records_, Start(), options);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  const linkage::ModelParameters& p = trained->parameters;
  const TrainingStatistics& s = trained->statistics;

  // What the truth says about the same candidate pairs.
  auto pairs = CandidatePairs(*records_, Options());
  ASSERT_TRUE(pairs.ok());
  std::vector<linkage::ComparisonVector> same;
  std::vector<linkage::ComparisonVector> different;
  const linkage::Comparator comparator;
  for (const auto& [i, j] : *pairs) {
    ((*owners_)[i] == (*owners_)[j] ? same : different)
        .push_back(comparator.Compare((*records_)[i], (*records_)[j]));
  }
  ASSERT_GT(same.size(), 100u);
  ASSERT_GT(different.size(), 100u);

  // Not exact: siblings agree on family name, address, postcode and carer
  // all at once, which the model's conditional independence does not
  // describe, so EM counts a few sibling pairs as matches (the Matcher's
  // twin rule exists for them).
  for (Field field : {Field::kGivenName, Field::kFamilyName, Field::kDateOfBirth}) {
    SCOPED_TRACE(std::string(linkage::FieldName(field)));
    EXPECT_GT(At(p, field, 0).m, 0.75);  // exact agreement: likely for a match
    EXPECT_LT(At(p, field, 0).u, 0.2);   // and rare otherwise
    EXPECT_NEAR(At(p, field, 0).m, Share(same, field, 0), 0.1);
    EXPECT_NEAR(At(p, field, 0).u, Share(different, field, 0), 0.1);
  }
  EXPECT_GT(At(p, Field::kDateOfBirth, 0).m, 0.85);
  EXPECT_LT(At(p, Field::kDateOfBirth, 0).u, 0.05);
  // The prior is the share of candidate pairs that are the same child.
  const double true_share = static_cast<double>(same.size()) / static_cast<double>(pairs->size());
  EXPECT_NEAR(s.match_prior, true_share, 0.06);

  EXPECT_EQ(s.records, records_->size());
  EXPECT_TRUE(s.converged);
  EXPECT_GT(s.iterations, 0);
  EXPECT_EQ(s.pairs, s.candidate_pairs);
  EXPECT_GT(s.patterns, 0u);
  // The trained model is valid and reads back from its JSON.
  auto model = linkage::Model::Create(p);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto again = linkage::Model::FromJson(model->ToJson(), "trained");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
}

TEST_F(TrainingTest, RandomPairsAnchorTheNonMatchesWithoutChangingWhatThePriorMeans) {
  TrainingOptions pure = Options();
  pure.random_pairs_per_pair = 0;
  TrainingOptions anchored = Options();
  anchored.random_pairs_per_pair = 2;
  auto a = TrainModel(*records_, Start(), pure);
  auto b = TrainModel(*records_, Start(), anchored);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->statistics.random_pairs, 0u);
  EXPECT_EQ(b->statistics.random_pairs, 2 * b->statistics.pairs);
  EXPECT_EQ(b->statistics.pairs, a->statistics.pairs);
  // The prior is still the share among candidate pairs, and m barely moves.
  EXPECT_NEAR(b->statistics.match_prior, a->statistics.match_prior, 0.05);
  for (Field field : {Field::kGivenName, Field::kFamilyName, Field::kDateOfBirth}) {
    EXPECT_NEAR(At(b->parameters, field, 0).m, At(a->parameters, field, 0).m, 0.05);
  }
  // Two random children rarely share a birthday (blocked ones often do).
  EXPECT_LT(At(b->parameters, Field::kDateOfBirth, 0).u,
            At(a->parameters, Field::kDateOfBirth, 0).u);
  EXPECT_NE(b->parameters.description.find("uniformly drawn record pairs"), std::string::npos);
  // Repeatable.
  auto again = TrainModel(*records_, Start(), anchored);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->parameters.fields, b->parameters.fields);
}

TEST_F(TrainingTest, FieldsNoMatchingPairAgreesOnKeepTheStartValues) {
  // Nobody in the town has another name, a phone, an NHS number, UPN or ULN.
  auto trained = TrainModel(*records_, Start(), Options());
  ASSERT_TRUE(trained.ok());
  EXPECT_EQ(trained->statistics.fields_kept_from_start,
            (std::vector<std::string>{"other_names", "carer_phone", "nhs_number", "upn", "uln"}));
  for (Field field :
       {Field::kOtherNames, Field::kCarerPhone, Field::kNhsNumber, Field::kUpn, Field::kUln}) {
    EXPECT_EQ(trained->parameters.fields[static_cast<std::size_t>(field)],
              Start().fields[static_cast<std::size_t>(field)]);
  }
  EXPECT_NE(trained->parameters.description.find("kept from the start model"), std::string::npos);
}

TEST_F(TrainingTest, DescriptionSaysWhatItWasTrainedOnAndNothingPersonal) {
  auto trained = TrainModel(*records_, Start(), Options());
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  const std::string& text = trained->parameters.description;
  EXPECT_NE(text.find("2025-04-02"), std::string::npos) << text;
  EXPECT_NE(text.find(std::to_string(records_->size()) + " unlabelled source records"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(std::to_string(trained->statistics.candidate_pairs)), std::string::npos);
  EXPECT_NE(text.find("EM iterations"), std::string::npos);
  for (const char* name : {"Patel", "patel", "Leeds", "leeds", "Church"}) {
    EXPECT_EQ(text.find(name), std::string::npos) << name;
  }
}

TEST_F(TrainingTest, EveryPairIsFormedOnceInOrder) {
  std::size_t distinct = 0;
  std::size_t incomplete = 0;
  auto pairs = CandidatePairs(*records_, Options(), &distinct, &incomplete);
  ASSERT_TRUE(pairs.ok()) << pairs.status().ToString();
  ASSERT_FALSE(pairs->empty());
  EXPECT_EQ(pairs->size(), distinct);
  for (std::size_t k = 0; k < pairs->size(); ++k) {
    EXPECT_LT((*pairs)[k].first, (*pairs)[k].second);
    EXPECT_LT((*pairs)[k].second, records_->size());
    if (k > 0) {
      EXPECT_LT((*pairs)[k - 1], (*pairs)[k]);
    }
  }
  // The first two records describe the same child: blocking pairs them.
  ASSERT_EQ((*owners_)[0], (*owners_)[1]);
  EXPECT_EQ((*pairs)[0], (std::pair<std::uint32_t, std::uint32_t>{0, 1}));
}

TEST_F(TrainingTest, SamplingIsRepeatableWithTheSameSeed) {
  TrainingOptions options = Options();
  options.max_pairs = 500;
  options.seed = 42;
  std::size_t distinct = 0;
  auto first = CandidatePairs(*records_, options, &distinct);
  auto second = CandidatePairs(*records_, options);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_GT(distinct, 500u);
  EXPECT_EQ(first->size(), 500u);
  EXPECT_EQ(*first, *second);
  EXPECT_TRUE(std::is_sorted(first->begin(), first->end()));
  EXPECT_EQ(std::set(first->begin(), first->end()).size(), 500u);

  options.seed = 43;
  auto other = CandidatePairs(*records_, options);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*first, *other);
  options.seed = 42;

  // The sampled training says so, and still runs.
  auto trained = TrainModel(*records_, Start(), options);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  EXPECT_EQ(trained->statistics.pairs, 500u);
  EXPECT_EQ(trained->statistics.candidate_pairs, distinct);
  EXPECT_NE(trained->parameters.description.find("500 of them sampled (seed 42)"),
            std::string::npos)
      << trained->parameters.description;
}

TEST_F(TrainingTest, ReportsProgressThroughEveryStage) {
  TrainingOptions options = Options();
  std::set<TrainingStage> seen;
  options.progress = [&](TrainingStage stage, std::uint64_t done, std::uint64_t total) {
    EXPECT_LE(done, total);
    seen.insert(stage);
  };
  ASSERT_TRUE(TrainModel(*records_, Start(), options).ok());
  EXPECT_EQ(seen.size(), 4u);
}

TEST_F(TrainingTest, NoRecordsIsAClearError) {
  auto trained = TrainModel({}, Start(), Options());
  ASSERT_FALSE(trained.ok());
  EXPECT_EQ(trained.status().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(trained.status().message().find("no records"), std::string::npos)
      << trained.status().message();
}

TEST_F(TrainingTest, RecordsThatFormNoPairAreAClearError) {
  const std::vector<linkage::LinkageRecord> one = {records_->front()};
  auto trained = TrainModel(one, Start(), Options());
  ASSERT_FALSE(trained.ok());
  EXPECT_EQ(trained.status().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(trained.status().message().find("no pair"), std::string::npos)
      << trained.status().message();
}

TEST_F(TrainingTest, ATinyPopulationWhereEveryPairIsACandidateStillEnds) {
  const std::vector<linkage::LinkageRecord> two = {(*records_)[0], (*records_)[1]};
  auto trained = TrainModel(two, Start(), Options());
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  EXPECT_EQ(trained->statistics.pairs, 1u);
  EXPECT_EQ(trained->statistics.random_pairs, 0u);  // no pair left to draw
}

TEST_F(TrainingTest, AnInvalidStartModelIsRefused) {
  linkage::ModelParameters start = Start();
  start.fields[0][0].m = 0;
  auto trained = TrainModel(*records_, start, Options());
  ASSERT_FALSE(trained.ok());
  EXPECT_EQ(trained.status().code(), core::ErrorCode::kInvalidLinkageData);
}

}  // namespace
}  // namespace cp::matching
