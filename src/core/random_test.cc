#include "core/random.h"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <vector>

namespace cp::core {
namespace {

TEST(RandomTest, SecureRandomFillsDifferentBytesEachTime) {
  SecureRandom random;
  std::array<std::byte, 32> a{}, b{};
  random.Fill(a);
  random.Fill(b);
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<std::byte, 32>{}));
}

TEST(RandomTest, UniformStaysInRangeAndCoversIt) {
  SecureRandom random;
  std::vector<int> seen(10, 0);
  for (int i = 0; i < 10000; ++i) {
    const std::uint64_t v = random.Uniform(10);
    ASSERT_LT(v, 10u);
    ++seen[v];
  }
  for (int count : seen) {
    // Expected 1000 each; 700 is more than 9 standard deviations below.
    EXPECT_GT(count, 700);
  }
  EXPECT_EQ(random.Uniform(1), 0u);
}

TEST(RandomTest, SeededRandomRepeatsForTheSameSeed) {
  SeededRandom a(42), b(42), c(43);
  std::vector<std::uint64_t> va, vb, vc;
  for (int i = 0; i < 5; ++i) {
    va.push_back(a.Next());
    vb.push_back(b.Next());
    vc.push_back(c.Next());
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
  EXPECT_EQ(std::set<std::uint64_t>(va.begin(), va.end()).size(), 5u);
}

TEST(RandomTest, SeededFillHandlesPartialWords) {
  SeededRandom random(1);
  std::array<std::byte, 13> buf{};
  random.Fill(buf);
  EXPECT_NE(buf[12], std::byte{0});
}

}  // namespace
}  // namespace cp::core
