#include "synth/score.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cp::synth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A synthetic folder of four people: twins P1 and P2 (one maternity), P3,
// and P4, adopted (born under NHS number 1111111111), each with the records
// truth.csv lists.
class ScoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "cp-score-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    Write("people.csv",
          "person_id,given_names,maternity_id,babies_in_maternity,adopted_on,birth_nhs_number\n"
          "P1,Isabella,M1,2,,\n"
          "P2,Isabelle,M1,2,,\n"
          "P3,\"Jack, called Jake\",M2,1,,\n"
          "P4,Leo,M3,1,2020-01-01,1111111111\n");
    Write("truth.csv",
          "source,key,person_id\n"
          "gro-births,GRO-1,P1\n"
          "dwp-child-benefit,CHB-1,P1\n"
          "gro-births,GRO-2,P2\n"
          "dwp-child-benefit,CHB-2,P2\n"
          "gro-births,GRO-3,P3\n"
          "nhs-pds,PDS-3,P3\n"
          "dcsf-school-census,UPN-3,P3\n"
          "gro-births,GRO-4,P4\n"
          "nhs-pds,PDS-1111111111,P4\n"
          "gro-births,GRO-ACR-4,P4\n"
          "nhs-pds,PDS-2222222222,P4\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  core::StatusOr<LinkageScore> Score(const std::string& links) {
    std::istringstream in("source,key,child_id,state\n" + links);
    return ScoreLinks(dir_, in);
  }

  std::filesystem::path dir_;
};

// Every person in one child of their own; the adopted child's two
// identities apart, the pre-adoption one sealed.
constexpr const char* kRight =
    "gro-births,GRO-1,100,linked\n"
    "dwp-child-benefit,CHB-1,100,linked\n"
    "gro-births,GRO-2,200,linked\n"
    "dwp-child-benefit,CHB-2,200,review\n"
    "gro-births,GRO-3,300,linked\n"
    "nhs-pds,PDS-3,300,linked\n"
    "dcsf-school-census,UPN-3,300,linked\n"
    "gro-births,GRO-4,,sealed\n"
    "nhs-pds,PDS-1111111111,,sealed\n"
    "gro-births,GRO-ACR-4,400,linked\n"
    "nhs-pds,PDS-2222222222,400,linked\n";

TEST_F(ScoreTest, ARightLinkageScoresOneAndCountsReviewAndSealedRecords) {
  auto score = Score(kRight);
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->records, 9);
  EXPECT_EQ(score->sealed, 2);
  EXPECT_EQ(score->children, 4);
  EXPECT_EQ(score->true_pairs, 1 + 1 + 3 + 1);
  EXPECT_EQ(score->linked_pairs, 6);
  EXPECT_EQ(score->correct_pairs, 6);
  EXPECT_DOUBLE_EQ(score->precision, 1.0);
  EXPECT_DOUBLE_EQ(score->recall, 1.0);
  EXPECT_EQ(score->review_records, 1);
  EXPECT_DOUBLE_EQ(score->review_share, 1.0 / 9);
  EXPECT_EQ(score->twin_merges(), 0);
  EXPECT_TRUE(score->twin_merged.empty());
  EXPECT_EQ(score->adoption_cross_links, 0);
  EXPECT_EQ(score->mixed_children, 0);
  EXPECT_EQ(score->split_identities, 0);
}

TEST_F(ScoreTest, TwinsInOneChildAreATwinMergeThatNamesTheChildAndBothTwins) {
  auto score = Score(
      "gro-births,GRO-1,100,linked\n"
      "dwp-child-benefit,CHB-1,100,linked\n"
      "gro-births,GRO-2,200,linked\n"
      "dwp-child-benefit,CHB-2,100,review\n"  // P2's record with P1's
      "gro-births,GRO-3,300,linked\n"
      "nhs-pds,PDS-3,300,linked\n"
      "dcsf-school-census,UPN-3,301,linked\n");  // P3 split in two
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->twin_merges(), 1);
  ASSERT_EQ(score->twin_merged.size(), 1u);
  EXPECT_EQ(score->twin_merged[0].child, "100");
  EXPECT_THAT(score->twin_merged[0].persons, ElementsAre("P1", "P2"));
  EXPECT_EQ(score->mixed_children, 1);
  EXPECT_EQ(score->split_identities, 2);  // P2 over 100 and 200, P3 over 300 and 301
  // Child 100 holds 3 records (3 pairs, 1 right), 300 holds 2 (1 pair, right).
  EXPECT_EQ(score->linked_pairs, 4);
  EXPECT_EQ(score->correct_pairs, 2);
  EXPECT_DOUBLE_EQ(score->precision, 0.5);
  EXPECT_EQ(score->true_pairs, 1 + 1 + 3);
  EXPECT_DOUBLE_EQ(score->recall, 2.0 / 5);
  EXPECT_THAT(score->ToText(), HasSubstr("twin merges        1\n  child 100 holds P1 P2\n"));
  EXPECT_THAT(score->ToJson(),
              HasSubstr("\"twin_merges\":1,\"twin_merged\":[{\"child\":\"100\",\"persons\":"
                        "[\"P1\",\"P2\"]}]"));
}

TEST_F(ScoreTest, APreAdoptionRecordWithAPostAdoptionOneIsACrossLinkNotARightPair) {
  auto score = Score(
      "gro-births,GRO-4,400,linked\n"
      "gro-births,GRO-ACR-4,400,linked\n"
      "nhs-pds,PDS-2222222222,400,linked\n");
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->adoption_cross_links, 1);
  EXPECT_EQ(score->twin_merges(), 0);
  // The two identities of one person: only the post-adoption pair is right.
  EXPECT_EQ(score->identities, 2);
  EXPECT_EQ(score->linked_pairs, 3);
  EXPECT_EQ(score->correct_pairs, 1);
}

TEST_F(ScoreTest, AnIdWithAQuoteIsEscapedInTheJson) {
  auto score = Score(
      "gro-births,GRO-1,\"1\"\"0\",linked\n"
      "gro-births,GRO-2,\"1\"\"0\",linked\n");
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_THAT(score->ToJson(), HasSubstr("{\"child\":\"1\\\"0\",\"persons\":[\"P1\",\"P2\"]}"));
}

TEST_F(ScoreTest, MalformedInputIsRefusedNamingTheLine) {
  std::istringstream no_header("gro-births,GRO-1,100,linked\n");
  auto bad_header = ScoreLinks(dir_, no_header);
  ASSERT_FALSE(bad_header.ok());
  EXPECT_THAT(bad_header.status().message(), HasSubstr("line 1"));

  auto unknown = Score("gro-births,GRO-1,100,linked\ngro-births,GRO-9,100,linked\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("line 3"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("not in truth.csv"));

  auto short_row = Score("gro-births,GRO-1,100\n");
  ASSERT_FALSE(short_row.ok());
  EXPECT_THAT(short_row.status().message(), HasSubstr("line 2"));

  auto no_child = Score("gro-births,GRO-1,,linked\n");
  ASSERT_FALSE(no_child.ok());
  EXPECT_THAT(no_child.status().message(), HasSubstr("has no child"));

  Write("people.csv", "person_id,maternity_id\nP1,M1\n");
  auto missing_column = Score("");
  ASSERT_FALSE(missing_column.ok());
  EXPECT_THAT(missing_column.status().message(), HasSubstr("has no column babies_in_maternity"));
}

}  // namespace
}  // namespace cp::synth
