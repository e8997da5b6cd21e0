#include "core/strong_id.h"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <unordered_set>

namespace cp::core {
namespace {

struct UserTag {};
struct OrgTag {};
using UserId = StrongId<UserTag, std::string>;
using OrgId = StrongId<OrgTag, std::string>;

TEST(StrongIdTest, DistinctKindsDoNotConvert) {
  static_assert(!std::is_convertible_v<UserId, OrgId>);
  static_assert(!std::is_convertible_v<std::string, UserId>);
  static_assert(!std::is_convertible_v<UserId, std::string>);
  UserId u("u1");
  EXPECT_EQ(u.value(), "u1");
}

TEST(StrongIdTest, ComparesAndHashesByValue) {
  UserId a("a"), a2("a"), b("b");
  EXPECT_EQ(a, a2);
  EXPECT_NE(a, b);
  EXPECT_LT(a, b);
  std::unordered_set<UserId> set{a, a2, b};
  EXPECT_EQ(set.size(), 2u);
}

}  // namespace
}  // namespace cp::core
