#include "core/sensitive.h"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>

namespace cp::core {
namespace {

// Detects whether `os << v` is a valid expression.
template <typename T, typename = void>
struct IsStreamable : std::false_type {};
template <typename T>
struct IsStreamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>>
    : std::true_type {};

TEST(SensitiveTest, CannotBeStreamed) {
  static_assert(IsStreamable<std::string>::value);
  static_assert(!IsStreamable<Sensitive<std::string>>::value);
  static_assert(!std::is_convertible_v<Sensitive<std::string>, std::string>);
  SUCCEED();
}

TEST(SensitiveTest, RevealsOnlyOnRequest) {
  Sensitive<std::string> name("Amelia");
  EXPECT_EQ(name.Reveal(), "Amelia");
  name.Mutable() += " Rose";
  EXPECT_EQ(name.Reveal(), "Amelia Rose");
  EXPECT_EQ(std::move(name).Release(), "Amelia Rose");
}

TEST(SensitiveTest, ComparesByValue) {
  EXPECT_EQ(Sensitive<int>(3), Sensitive<int>(3));
  EXPECT_NE(Sensitive<int>(3), Sensitive<int>(4));
}

}  // namespace
}  // namespace cp::core
