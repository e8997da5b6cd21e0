#include "domain/ids.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/random.h"

namespace cp::domain {
namespace {

// 12345678901 followed by its Damm check digit.
constexpr std::string_view kValid = "123456789018";
constexpr std::string_view kValidDisplay = "1234 5678 9018";

TEST(ContactPointIdTest, ParsesPlainForm) {
  auto id = ContactPointId::Parse(kValid);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->number(), 123456789018ULL);
  EXPECT_TRUE(id->assigned());
  EXPECT_EQ(id->ToString(), kValid);
}

TEST(ContactPointIdTest, ParsesDisplayFormToSameId) {
  auto plain = ContactPointId::Parse(kValid);
  auto display = ContactPointId::Parse(kValidDisplay);
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(display.ok()) << display.status().ToString();
  EXPECT_EQ(*plain, *display);
}

TEST(ContactPointIdTest, AcceptsOtherKnownValidIds) {
  for (std::string_view text : {"987654321017", "500000000002", "9876 5432 1017"}) {
    EXPECT_TRUE(ContactPointId::Parse(text).ok()) << text;
  }
}

TEST(ContactPointIdTest, RejectsEverySingleDigitSubstitution) {
  const std::string valid(kValid);
  int tried = 0;
  for (std::size_t pos = 0; pos < valid.size(); ++pos) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == valid[pos]) continue;
      std::string changed = valid;
      changed[pos] = d;
      auto id = ContactPointId::Parse(changed);
      EXPECT_FALSE(id.ok()) << "position " << pos << " digit " << d;
      if (!id.ok()) {
        EXPECT_EQ(id.status().code(), core::ErrorCode::kInvalidContactPointId);
      }
      ++tried;
    }
  }
  EXPECT_EQ(tried, 12 * 9);
}

TEST(ContactPointIdTest, RejectsEveryAdjacentTransposition) {
  core::SeededRandom random(7);
  // Several IDs so that every position sees pairs of differing digits.
  for (int n = 0; n < 200; ++n) {
    const std::string valid = ContactPointId::Generate(random).ToString();
    for (std::size_t pos = 0; pos + 1 < valid.size(); ++pos) {
      if (valid[pos] == valid[pos + 1]) continue;  // swapping equal digits changes nothing
      std::string swapped = valid;
      std::swap(swapped[pos], swapped[pos + 1]);
      EXPECT_FALSE(ContactPointId::Parse(swapped).ok()) << "position " << pos;
    }
  }
}

TEST(ContactPointIdTest, RejectsMalformedInput) {
  const std::vector<std::string_view> cases = {
      "",                          // empty
      "12345678901",               // 11 digits
      "1234567890180",             // 13 digits
      "12345678901800",            // 14 digits, the length of the display form
      "12345678901A",              // letter
      "A23456789018",              // letter first
      "012345678901",              // leading zero
      "1234 56789018",             // one space only
      "123 45678 9018",            // spaces in the wrong places
      "12345 678 9018",            // spaces in the wrong places
      " 123456789018",             // leading space
      "123456789018 ",             // trailing space
      "1234  5678 9018",           // double space
      "1234-5678-9018",            // hyphens
      "1234\t5678\t9018",          // tabs
      "１２３４５６７８９０１８",  // full-width digits
  };
  for (std::string_view text : cases) {
    auto id = ContactPointId::Parse(text);
    EXPECT_FALSE(id.ok()) << "accepted: " << text;
    if (!id.ok()) {
      EXPECT_EQ(id.status().code(), core::ErrorCode::kInvalidContactPointId);
    }
  }
}

TEST(ContactPointIdTest, RejectsLeadingZeroEvenWithValidCheckDigit) {
  // "01234567890" + its check digit passes the Damm check but starts with 0.
  std::string digits = "01234567890";
  digits += static_cast<char>('0' + ContactPointId::CheckDigit(digits));
  ASSERT_EQ(ContactPointId::CheckDigit(digits), 0);
  EXPECT_FALSE(ContactPointId::Parse(digits).ok());
}

TEST(ContactPointIdTest, CheckDigitOfValidIdIsZero) {
  EXPECT_EQ(ContactPointId::CheckDigit(kValid), 0);
  EXPECT_EQ(ContactPointId::CheckDigit("12345678901"), 8);
}

TEST(ContactPointIdTest, GeneratedIdsAreValidRandomAndDistinct) {
  core::SeededRandom random(20261121);
  constexpr int kCount = 10'000;
  std::vector<std::uint64_t> numbers;
  numbers.reserve(kCount);
  std::set<char> first_digits;
  for (int i = 0; i < kCount; ++i) {
    const ContactPointId id = ContactPointId::Generate(random);
    const std::string text = id.ToString();
    ASSERT_EQ(text.size(), 12u) << text;
    ASSERT_TRUE(ContactPointId::Parse(text).ok()) << text;
    numbers.push_back(id.number());
    first_digits.insert(text[0]);
  }
  for (int i = 1; i < kCount; ++i) {
    const std::uint64_t a = numbers[i - 1];
    const std::uint64_t b = numbers[i];
    const std::uint64_t gap = a > b ? a - b : b - a;
    EXPECT_FALSE(gap >= 1 && gap <= 10) << "consecutive IDs " << a << " and " << b;
  }
  EXPECT_GE(first_digits.size(), 9u);  // 1..9 all appear in 10,000 draws
  EXPECT_EQ(std::set<std::uint64_t>(numbers.begin(), numbers.end()).size(),
            static_cast<std::size_t>(kCount));
}

TEST(ContactPointIdTest, SecureGeneratorProducesValidIds) {
  core::SecureRandom random;
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(ContactPointId::Parse(ContactPointId::Generate(random).ToString()).ok());
  }
}

TEST(ContactPointIdTest, FromNumberRoundTrips) {
  core::SeededRandom random(3);
  for (int i = 0; i < 100; ++i) {
    const ContactPointId id = ContactPointId::Generate(random);
    auto back = ContactPointId::FromNumber(id.number());
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, id);
  }
}

TEST(ContactPointIdTest, FromNumberRejectsBadNumbers) {
  const std::vector<std::uint64_t> numbers = {0, 12345678901ULL, 1234567890180ULL, 123456789019ULL,
                                              UINT64_MAX};
  for (std::uint64_t n : numbers) {
    auto id = ContactPointId::FromNumber(n);
    EXPECT_FALSE(id.ok()) << n;
    if (!id.ok()) {
      EXPECT_EQ(id.status().code(), core::ErrorCode::kInvalidContactPointId);
    }
  }
}

TEST(ContactPointIdTest, ToDisplayGroupsInFours) {
  auto id = ContactPointId::Parse(kValid);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->ToDisplay(), kValidDisplay);
  auto again = ContactPointId::Parse(id->ToDisplay());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id);
}

TEST(ContactPointIdTest, DefaultIsUnassigned) {
  const ContactPointId id;
  EXPECT_FALSE(id.assigned());
  EXPECT_EQ(id.number(), 0u);
  EXPECT_EQ(id, ContactPointId());
}

TEST(ContactPointIdTest, ErrorMessageDoesNotEchoInput) {
  auto id = ContactPointId::Parse("123456789019");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().message().find("123456789019"), std::string::npos);
}

}  // namespace
}  // namespace cp::domain
