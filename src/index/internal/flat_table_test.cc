#include "index/internal/flat_table.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace cp::index::internal {
namespace {

TEST(FlatTableTest, AssignFindEraseAgreeWithAReferenceMapUnderChurn) {
  FlatTable table;
  std::unordered_map<std::uint64_t, std::uint32_t> reference;
  std::mt19937_64 rng(7);
  // Few distinct keys so that inserts, overwrites and erases all happen
  // often, runs wrap around the end of the table, and erase must shift.
  std::uniform_int_distribution<std::uint64_t> key_of(1, 3000);
  for (int step = 0; step < 200000; ++step) {
    const std::uint64_t key = key_of(rng);
    const auto value = static_cast<std::uint32_t>(rng());
    switch (rng() % 3) {
      case 0:
      case 1:
        EXPECT_EQ(table.Assign(key, value), !reference.contains(key));
        reference[key] = value;
        break;
      case 2:
        EXPECT_EQ(table.Erase(key), reference.erase(key) == 1);
        break;
    }
    ASSERT_EQ(table.size(), reference.size());
  }
  for (std::uint64_t key = 1; key <= 3000; ++key) {
    const std::size_t cell = table.Find(key);
    auto it = reference.find(key);
    ASSERT_EQ(cell != FlatTable::kNotFound, it != reference.end()) << key;
    if (cell != FlatTable::kNotFound) {
      EXPECT_EQ(table.Value(cell), it->second);
    }
  }
  std::size_t visited = 0;
  table.ForEach([&](std::uint64_t key, std::uint32_t value) {
    ++visited;
    EXPECT_EQ(reference.at(key), value);
  });
  EXPECT_EQ(visited, reference.size());
}

TEST(FlatTableTest, ReserveSizesTheTableSoLoadingNeverGrowsIt) {
  FlatTable table;
  table.Reserve(1000);
  const std::size_t capacity = table.capacity();
  EXPECT_GE(capacity * FlatTable::kMaxLoadNum, 1000 * FlatTable::kMaxLoadDen);
  for (std::uint64_t key = 1; key <= 1000; ++key) table.Assign(key * 0x9e3779b9, 1);
  EXPECT_EQ(table.capacity(), capacity);
  EXPECT_EQ(table.size(), 1000u);
}

TEST(FlatTableTest, InsertKeepsAnExistingValue) {
  FlatTable table;
  EXPECT_TRUE(table.Insert(9, 1).second);
  const auto [cell, inserted] = table.Insert(9, 2);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(table.Value(cell), 1u);
  table.SetValue(cell, 3);
  EXPECT_EQ(table.Value(table.Find(9)), 3u);
}

TEST(FlatTableTest, EmptyTableFindsNothing) {
  FlatTable table;
  EXPECT_EQ(table.Find(5), FlatTable::kNotFound);
  EXPECT_FALSE(table.Erase(5));
}

}  // namespace
}  // namespace cp::index::internal
