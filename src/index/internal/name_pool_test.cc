#include "index/internal/name_pool.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace cp::index::internal {
namespace {

// Every name hashes alike: every intern after the first goes through the
// overflow map.
struct CollidingHasher {
  std::uint64_t operator()(std::string_view) const { return 7; }
};

template <typename Pool>
void ExpectPoolAgreesWithAReferenceCount() {
  Pool pool;
  std::map<std::string, std::uint32_t> refs;  // name -> references
  std::map<std::string, std::uint32_t> ids;
  std::mt19937_64 rng(3);
  for (int step = 0; step < 20000; ++step) {
    const std::string name = "n" + std::to_string(rng() % 60);
    if (refs[name] > 0 && rng() % 2 == 0) {
      const bool gone = pool.Release(ids.at(name));
      EXPECT_EQ(gone, --refs[name] == 0) << name;
    } else {
      const auto interned = pool.Intern(name, [&name] { return name + "!"; });
      EXPECT_EQ(interned.created, refs[name] == 0) << name;
      if (!interned.created) {
        EXPECT_EQ(interned.id, ids.at(name)) << name;
      }
      ids[name] = interned.id;
      ++refs[name];
      EXPECT_EQ(pool.at(interned.id), name + "!");
    }
    std::size_t live = 0;
    for (const auto& [n, r] : refs) live += r > 0 ? 1 : 0;
    ASSERT_EQ(pool.size(), live);
  }
  for (const auto& [name, r] : refs) {
    if (r > 0) {
      EXPECT_EQ(pool.refs(ids.at(name)), r) << name;
    }
  }
}

TEST(NamePoolTest, InternAndReleaseCountReferencesAndForgetUnusedNames) {
  ExpectPoolAgreesWithAReferenceCount<NamePool<std::string>>();
}

TEST(NamePoolTest, NamesWhoseHashesCollideStayDistinct) {
  ExpectPoolAgreesWithAReferenceCount<NamePool<std::string, CollidingHasher>>();
}

TEST(VariantCodesTest, CountsChildrenPerCodeAndForgetsAtZero) {
  VariantCodes codes;
  linkage::GroupIds groups;
  groups.ids[0] = 3;
  groups.ids[1] = 9;
  groups.size = 2;
  codes.Add(groups, 100);
  codes.Add(groups, 100);
  linkage::GroupIds one;
  one.ids[0] = 9;
  one.size = 1;
  codes.Add(one, 200);
  std::vector<std::pair<std::uint64_t, std::uint32_t>> out;
  codes.Append(one, &out);
  EXPECT_EQ(out, (std::vector<std::pair<std::uint64_t, std::uint32_t>>{{100, 2}, {200, 1}}));
  codes.Remove(groups, 100);
  codes.Remove(groups, 100);
  out.clear();
  codes.Append(groups, &out);
  EXPECT_EQ(out, (std::vector<std::pair<std::uint64_t, std::uint32_t>>{{200, 1}}));
}

}  // namespace
}  // namespace cp::index::internal
