#include "synth/identifiers.h"

#include <gtest/gtest.h>

#include <set>

#include "domain/validation.h"

namespace cp::synth {
namespace {

TEST(IdentifiersTest, NhsNumbersPassModulus11AndAreDistinct) {
  std::set<std::string> seen;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    const std::string nhs = SyntheticNhsNumber(i);
    ASSERT_TRUE(domain::ValidateNhsNumber("nhs", nhs).ok()) << i;
    ASSERT_TRUE(seen.insert(nhs).second) << i;
  }
  EXPECT_TRUE(domain::ValidateNhsNumber("nhs", SyntheticNhsNumber(kMaxNhsOrdinal - 1)).ok());
}

TEST(IdentifiersTest, UpnsCarryTheirCheckLetterAndAreDistinct) {
  std::set<std::string> seen;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    const std::string upn = SyntheticUpn(383, i);
    ASSERT_TRUE(domain::ValidateUpn("upn", upn).ok()) << upn;
    ASSERT_EQ(upn.substr(1, 3), "383");
    ASSERT_TRUE(seen.insert(upn).second);
  }
}

TEST(IdentifiersTest, UlnsPassTheirCheckDigit) {
  std::set<std::string> seen;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    const std::string uln = SyntheticUln(i);
    ASSERT_TRUE(domain::ValidateUln("uln", uln).ok()) << uln;
    ASSERT_TRUE(seen.insert(uln).second);
  }
}

TEST(IdentifiersTest, ScrambleKeyIsOneToOneAndSaltDependent) {
  std::set<std::uint64_t> seen;
  int same = 0;
  for (std::uint64_t i = 0; i < 50000; ++i) {
    const std::uint64_t k = ScrambleKey(i, 1234);
    ASSERT_LT(k, std::uint64_t{1} << 40);
    ASSERT_TRUE(seen.insert(k).second);
    if (k == ScrambleKey(i, 9876)) ++same;
  }
  EXPECT_EQ(same, 0);
}

}  // namespace
}  // namespace cp::synth
