#include "linkage/string_similarity.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "linkage/normalise.h"

namespace cp::linkage {
namespace {

struct SimilarityCase {
  const char* a;
  const char* b;
  double expected;
};

TEST(JaroWinklerTest, MatchesTextbookValues) {
  // Winkler (1990) and the standard worked examples, to 3 decimal places.
  const SimilarityCase cases[] = {
      {"MARTHA", "MARHTA", 0.961},
      {"DWAYNE", "DUANE", 0.840},
      {"DIXON", "DICKSONX", 0.813},
      {"JELLYFISH", "SMELLYFISH", 0.896},
  };
  for (const auto& c : cases) {
    EXPECT_NEAR(JaroWinkler(c.a, c.b), c.expected, 0.0005) << c.a << " / " << c.b;
    EXPECT_NEAR(JaroWinkler(c.b, c.a), c.expected, 0.0005) << "symmetric: " << c.b << " / " << c.a;
  }
}

TEST(JaroTest, MatchesTextbookValues) {
  const SimilarityCase cases[] = {
      {"MARTHA", "MARHTA", 0.944},
      {"DWAYNE", "DUANE", 0.822},
      {"DIXON", "DICKSONX", 0.767},
      {"CRATE", "TRACE", 0.733},
  };
  for (const auto& c : cases) {
    EXPECT_NEAR(Jaro(c.a, c.b), c.expected, 0.0005) << c.a << " / " << c.b;
  }
}

TEST(JaroWinklerTest, HandlesEdgeCases) {
  const SimilarityCase cases[] = {
      {"", "", 1.0},                             // two empty strings are identical
      {"", "anna", 0.0},                         // one empty string shares nothing
      {"anna", "", 0.0},       {"a", "a", 1.0},  // one character, identical
      {"a", "b", 0.0},                           // one character, different
      {"ab", "ba", 0.0},    // window 0: a swap of two characters shares no position
      {"abc", "xyz", 0.0},  // nothing in common
      {"smith", "smith", 1.0},
  };
  for (const auto& c : cases) {
    EXPECT_DOUBLE_EQ(JaroWinkler(c.a, c.b), c.expected) << "'" << c.a << "' / '" << c.b << "'";
  }
}

TEST(JaroWinklerTest, NeverExceedsOneWithLargePrefixScale) {
  EXPECT_LE(JaroWinkler("martha", "marhta", 0.9), 1.0);
}

TEST(JaroWinklerTest, DoesNotBoostBelowThreshold) {
  // Jaro("abcd", "abxy") = 0.667 < 0.7: no prefix boost.
  EXPECT_DOUBLE_EQ(JaroWinkler("abcd", "abxy"), Jaro("abcd", "abxy"));
}

TEST(JaroWinklerTest, ComparesNamesAfterNormalisation) {
  auto normaliser = NameNormaliser::Create();
  ASSERT_TRUE(normaliser.ok());
  const std::string zoe_accented = (*normaliser)->Normalise("Zoë");
  const std::string zoe = (*normaliser)->Normalise("ZOE");
  EXPECT_DOUBLE_EQ(JaroWinkler(zoe_accented, zoe), 1.0);
  EXPECT_GT(JaroWinkler((*normaliser)->Normalise("Nguyễn"), (*normaliser)->Normalise("Nguyen")),
            0.99);
}

struct DistanceCase {
  const char* a;
  const char* b;
  std::size_t expected;
};

TEST(DamerauLevenshteinTest, CountsEditsWithAdjacentTranspositions) {
  const DistanceCase cases[] = {
      {"", "", 0},
      {"", "abc", 3},
      {"abc", "", 3},
      {"a", "a", 0},
      {"a", "b", 1},
      {"kitten", "sitting", 3},  // the Levenshtein textbook example
      {"martha", "marhta", 1},   // one transposition
      {"ab", "ba", 1},
      {"smith", "smyth", 1},
      {"jon", "john", 1},
      {"catherine", "kathryn", 4},
      // Optimal string alignment, not unrestricted DL: the transposed pair
      // cannot then be edited again (unrestricted distance is 2).
      {"ca", "abc", 3},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(DamerauLevenshteinDistance(c.a, c.b), c.expected) << c.a << " / " << c.b;
    EXPECT_EQ(DamerauLevenshteinDistance(c.b, c.a), c.expected)
        << "symmetric: " << c.b << " / " << c.a;
  }
}

TEST(DamerauLevenshteinTest, HandlesLongStrings) {
  const std::string a(300, 'a');
  const std::string b = std::string(299, 'a') + "b";
  EXPECT_EQ(DamerauLevenshteinDistance(a, b), 1u);
  EXPECT_DOUBLE_EQ(JaroWinkler(a, a), 1.0);
  EXPECT_GT(JaroWinkler(a, b), 0.99);
}

}  // namespace
}  // namespace cp::linkage
