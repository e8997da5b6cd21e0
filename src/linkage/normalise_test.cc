#include "linkage/normalise.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace cp::linkage {
namespace {

class NormaliseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto created = NameNormaliser::Create();
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    normaliser_ = std::move(created).value().release();
  }
  static void TearDownTestSuite() { delete normaliser_; }
  static const NameNormaliser& normaliser() { return *normaliser_; }

 private:
  static NameNormaliser* normaliser_;
};
NameNormaliser* NormaliseTest::normaliser_ = nullptr;

struct TokensCase {
  const char* input;
  std::vector<std::string> tokens;
};

TEST_F(NormaliseTest, TransliteratesFoldsAndSplits) {
  const TokensCase cases[] = {
      {"Zoë", {"zoe"}},
      {"ZOË", {"zoe"}},
      {"Zoe\xCC\x88", {"zoe"}},  // e + combining diaeresis (decomposed)
      {"Nguyễn", {"nguyen"}},
      {"Анна", {"anna"}},        // Cyrillic
      {"Γιώργος", {"giorgos"}},  // Greek
      {"Łukasz", {"lukasz"}},
      {"Søren", {"soren"}},
      {"Straße", {"strasse"}},
      {"Siân", {"sian"}},
      {"O'Brien", {"obrien"}},
      {"O\xE2\x80\x99"
       "Brien",
       {"obrien"}},  // U+2019 right single quotation mark
      {"Mary-Jane", {"mary", "jane"}},
      {"Mary\xE2\x80\x93Jane", {"mary", "jane"}},  // en dash
      {"  Mary   Jane  ", {"mary", "jane"}},
      {"St. John", {"st", "john"}},
      {"van der Berg", {"van", "der", "berg"}},
      {"", {}},
      {"'-.", {}},
      {"\xFF\xFE", {}},  // invalid UTF-8 is dropped, not fatal
  };
  for (const auto& c : cases) {
    EXPECT_EQ(normaliser().Tokens(c.input), c.tokens) << c.input;
  }
}

TEST_F(NormaliseTest, JoinsTokensWithSingleSpaces) {
  EXPECT_EQ(normaliser().Normalise(" Anne-Marie  O'Neill "), "anne marie oneill");
  EXPECT_EQ(normaliser().Normalise("12 High Street"), "12 high street");
}

TEST_F(NormaliseTest, IsSafeFromSeveralThreads) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 200; ++i) {
        if (normaliser().Normalise("Nguyễn Zoë") != "nguyen zoe") ++failures[t];
        if (normaliser().Normalise("Анна") != "anna") ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int failed : failures) EXPECT_EQ(failed, 0);
}

struct FamilyCase {
  std::vector<std::string> tokens;
  FamilyNameKeys keys;
};

TEST(FamilyNameKeysTest, KeepsParticlesInFullAndDropsThemFromCore) {
  const FamilyCase cases[] = {
      {{"smith"}, {"smith", "smith", {}}},
      {{"van", "der", "berg"}, {"vanderberg", "berg", {}}},
      {{"al", "hassan"}, {"alhassan", "hassan", {}}},
      {{"de", "la", "cruz"}, {"delacruz", "cruz", {}}},
      {{"le"}, {"le", "le", {}}},  // only particles: kept
      {{"de", "la"}, {"dela", "dela", {}}},
      {{"smith", "jones"}, {"smithjones", "smithjones", {"smith", "jones"}}},
      {{"lloyd", "de", "vries"}, {"lloyddevries", "lloydvries", {"lloyd", "vries"}}},
      {{"obrien"}, {"obrien", "obrien", {}}},
      {{}, {"", "", {}}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MakeFamilyNameKeys(c.tokens), c.keys) << c.keys.full;
  }
}

TEST(FamilyNameKeysTest, RecognisesParticles) {
  for (const char* particle : {"van", "von", "de", "der", "le", "la", "al", "el", "bin", "ibn"}) {
    EXPECT_TRUE(IsParticle(particle)) << particle;
  }
  for (const char* word : {"mac", "mc", "o", "st", "smith", "vanderberg"}) {
    EXPECT_FALSE(IsParticle(word)) << word;
  }
}

TEST(AsciiTokensTest, SplitsOnSeparatorsAndDropsPunctuation) {
  EXPECT_EQ(AsciiTokens("Flat 2/14 Acacia-Avenue"),
            (std::vector<std::string>{"flat", "2", "14", "acacia", "avenue"}));
  EXPECT_EQ(AsciiTokens("D'Arcy."), (std::vector<std::string>{"darcy"}));
}

}  // namespace
}  // namespace cp::linkage
