#include "synth/noise.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "domain/validation.h"

namespace cp::synth {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

TEST(NoiseTest, TypoChangesAtMostOneKeystrokeAndKeepsAValidName) {
  core::SeededRandom random(5);
  int changed = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string name = i % 2 ? "Christopher" : "Smith-Jones";
    const std::string typo = Typo(name, random);
    ASSERT_TRUE(domain::ValidateName("name", typo).ok()) << typo;
    ASSERT_LE(std::abs(static_cast<int>(typo.size()) - static_cast<int>(name.size())), 1);
    EXPECT_EQ(typo[0], name[0]);
    if (typo != name) ++changed;
  }
  EXPECT_GT(changed, 1800);
  EXPECT_EQ(Typo("Al", random), "Al");
}

TEST(NoiseTest, SwapDayMonthOnlyWhenTheResultIsARealPastDate) {
  const domain::Date today{year{2025}, month{3}, day{31}};
  EXPECT_EQ(SwapDayMonth({year{2015}, month{3}, day{2}}, today),
            (domain::Date{year{2015}, month{2}, day{3}}));
  EXPECT_EQ(SwapDayMonth({year{2015}, month{3}, day{13}}, today),
            (domain::Date{year{2015}, month{3}, day{13}}));  // day > 12
  EXPECT_EQ(SwapDayMonth({year{2015}, month{4}, day{4}}, today),
            (domain::Date{year{2015}, month{4}, day{4}}));  // same
  EXPECT_EQ(SwapDayMonth({year{2025}, month{3}, day{5}}, today),
            (domain::Date{year{2025}, month{3}, day{5}}));  // 5 March -> 3 May: future
}

TEST(NoiseTest, JoinNamesSkipsEmptyParts) {
  EXPECT_EQ(JoinNames({"Amelia", "", "Rose"}), "Amelia Rose");
  EXPECT_EQ(JoinNames({}), "");
}

}  // namespace
}  // namespace cp::synth
