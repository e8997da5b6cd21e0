#include "index/internal/postings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "index/internal/word_arena.h"

namespace cp::index::internal {
namespace {

std::set<std::uint32_t> Slots(const Block& block) {
  std::set<std::uint32_t> slots;
  for (std::uint32_t i = 0; i < block.size; ++i) slots.insert(block[i]);
  return slots;
}

TEST(PostingsTest, BlocksGrowFromInlineToListsAndShrinkBack) {
  Postings postings;
  const std::uint64_t key = 0x1234;
  EXPECT_EQ(postings.Find(key).size, 0u);
  ASSERT_TRUE(postings.Add(key, 10));
  EXPECT_EQ(postings.Find(key).size, 1u);
  EXPECT_EQ(postings.Find(key)[0], 10u);
  for (std::uint32_t slot = 11; slot < 110; ++slot) ASSERT_TRUE(postings.Add(key, slot));
  Block block = postings.Find(key);
  ASSERT_EQ(block.size, 100u);
  EXPECT_EQ(Slots(block).size(), 100u);
  EXPECT_EQ(postings.postings(), 100u);
  EXPECT_FALSE(postings.Remove(key, 5));
  for (std::uint32_t slot = 10; slot < 109; ++slot) ASSERT_TRUE(postings.Remove(key, slot));
  block = postings.Find(key);
  ASSERT_EQ(block.size, 1u);
  EXPECT_EQ(block[0], 109u);
  EXPECT_EQ(block.slots, nullptr);  // back inline
  ASSERT_TRUE(postings.Remove(key, 109));
  EXPECT_EQ(postings.Find(key).size, 0u);
  EXPECT_EQ(postings.keys(), 0u);
  EXPECT_EQ(postings.postings(), 0u);
}

TEST(PostingsTest, AgreesWithAReferenceMultimapUnderChurn) {
  Postings postings;
  std::map<std::uint64_t, std::set<std::uint32_t>> reference;
  std::mt19937_64 rng(11);
  for (int step = 0; step < 100000; ++step) {
    // Skewed keys: a few large blocks and many small ones.
    const std::uint64_t key = 1 + (rng() % 4 == 0 ? rng() % 3 : rng() % 2000);
    const auto slot = static_cast<std::uint32_t>(rng() % 500);
    auto& expected = reference[key];
    if (expected.contains(slot)) {
      ASSERT_TRUE(postings.Remove(key, slot));
      expected.erase(slot);
    } else {
      ASSERT_TRUE(postings.Add(key, slot));
      expected.insert(slot);
    }
  }
  std::size_t total = 0;
  std::size_t keys = 0;
  for (const auto& [key, slots] : reference) {
    EXPECT_EQ(Slots(postings.Find(key)), slots) << key;
    total += slots.size();
    keys += slots.empty() ? 0 : 1;
  }
  EXPECT_EQ(postings.postings(), total);
  EXPECT_EQ(postings.keys(), keys);
  std::size_t visited = 0;
  postings.ForEachKey([&](std::uint64_t key, std::uint32_t size) {
    ++visited;
    EXPECT_EQ(size, reference.at(key).size());
  });
  EXPECT_EQ(visited, keys);
}

TEST(WordArenaTest, FreedBlocksAreReusedBySize) {
  WordArena arena;
  const auto a = arena.Allocate(5);
  const auto b = arena.Allocate(100);
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(WordArena::BlockWords(5), 5u);
  EXPECT_EQ(WordArena::BlockWords(100), 128u);
  EXPECT_EQ(arena.used_words(), 133u);
  arena.Free(*a, 5);
  arena.Free(*b, 100);
  EXPECT_EQ(arena.free_words(), 133u);
  EXPECT_EQ(arena.Allocate(5), a);
  EXPECT_EQ(arena.Allocate(120), b);  // same size class as 100
  EXPECT_EQ(arena.free_words(), 0u);
  EXPECT_NE(arena.Allocate(6), a);
}

}  // namespace
}  // namespace cp::index::internal
