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

// Counts the calls made to it; its bytes are a SeededRandom's.
class CountingRandom final : public Random {
 public:
  explicit CountingRandom(std::uint64_t seed) : inner_(seed) {}
  void Fill(std::span<std::byte> out) override {
    ++calls;
    inner_.Fill(out);
  }
  int calls = 0;

 private:
  SeededRandom inner_;
};

TEST(RandomTest, BufferedRandomGivesTheSourcesBytesInOrderFromFewCalls) {
  CountingRandom source(7);
  std::vector<std::byte> got;
  {
    BufferedRandom buffered(source);
    // Draws of every size, across block boundaries, one larger than a block.
    for (const std::size_t size : {8, 8, 3, 1, 300, 8, 250, 5, 8}) {
      std::vector<std::byte> part(size);
      buffered.Fill(part);
      got.insert(got.end(), part.begin(), part.end());
    }
  }
  ASSERT_EQ(got.size(), 591u);
  // 591 bytes in blocks of 256: three calls where unbuffered draws made nine.
  EXPECT_EQ(source.calls, 3);
  SeededRandom reference(7);
  std::vector<std::byte> expected(3 * 256);
  reference.Fill(expected);
  expected.resize(got.size());
  EXPECT_EQ(got, expected);
}

TEST(RandomTest, BufferedRandomServesUniform) {
  SecureRandom secure;
  BufferedRandom buffered(secure);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t v = buffered.Uniform(1000000);
    ASSERT_LT(v, 1000000u);
    seen.insert(v);
  }
  // A repeat among 1,000 draws from a million is likely once or so; many
  // would mean the same bytes were given out twice.
  EXPECT_GT(seen.size(), 990u);
}

}  // namespace
}  // namespace cp::core
