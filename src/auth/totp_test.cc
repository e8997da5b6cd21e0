#include "auth/totp.h"

#include <gtest/gtest.h>

#include <string>

#include "core/clock.h"
#include "core/random.h"

namespace cp::auth {
namespace {

using core::Sensitive;
using Outcome = TotpVerification::Outcome;

const TotpSecret kRfcSecret("12345678901234567890");  // RFC 6238 appendix B, SHA-1

core::Timestamp AtSeconds(std::int64_t s) { return core::Timestamp(std::chrono::seconds(s)); }

struct RfcVector {
  std::int64_t unix_seconds;
  const char* code;
};

// RFC 6238 appendix B, the SHA-1 column (8 digits).
constexpr RfcVector kRfcVectors[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

TEST(TotpTest, GeneratesTheRfc6238AppendixBCodes) {
  const Totp totp(TotpConfig{.digits = 8});
  for (const auto& v : kRfcVectors) {
    auto code = totp.Generate(kRfcSecret, AtSeconds(v.unix_seconds));
    ASSERT_TRUE(code.ok()) << code.status().ToString();
    EXPECT_EQ(code->Reveal(), v.code) << "at " << v.unix_seconds;
  }
}

TEST(TotpTest, AcceptsTheRfc6238AppendixBCodesAtTheirTimes) {
  const Totp totp(TotpConfig{.digits = 8});
  for (const auto& v : kRfcVectors) {
    auto result = totp.Verify(kRfcSecret, Sensitive<std::string>(v.code),
                              AtSeconds(v.unix_seconds), std::nullopt);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->outcome, Outcome::kAccepted) << "at " << v.unix_seconds;
    EXPECT_EQ(result->step, v.unix_seconds / 30);
    EXPECT_EQ(result->drift, 0);
  }
}

TEST(TotpTest, SixDigitCodesAreTheLastSixOfTheRfcCodes) {
  // Dynamic truncation takes the value modulo 10^digits.
  const Totp totp;
  EXPECT_EQ(totp.Generate(kRfcSecret, AtSeconds(59)).value().Reveal(), "287082");
}

TEST(TotpTest, WindowIsOneStepEitherSideAndNoMore) {
  const Totp totp;
  const core::Timestamp now = AtSeconds(1234567890);
  const std::int64_t current = totp.StepAt(now);
  struct Case {
    int offset;
    Outcome outcome;
  };
  const Case cases[] = {{-2, Outcome::kWrongCode},
                        {-1, Outcome::kAccepted},
                        {0, Outcome::kAccepted},
                        {1, Outcome::kAccepted},
                        {2, Outcome::kWrongCode}};
  for (const auto& c : cases) {
    const auto code = totp.Generate(kRfcSecret, AtSeconds((current + c.offset) * 30)).value();
    const auto result = totp.Verify(kRfcSecret, code, now, std::nullopt).value();
    EXPECT_EQ(result.outcome, c.outcome) << "offset " << c.offset;
    if (c.outcome == Outcome::kAccepted) {
      EXPECT_EQ(result.step, current + c.offset);
      EXPECT_EQ(result.drift, c.offset);
    }
  }
}

TEST(TotpTest, StepBoundaryIsExactToTheMillisecond) {
  const Totp totp;
  // Step 41152263 spans [1234567890, 1234567920). Two steps on, a code of
  // step 41152263 is still accepted at the last millisecond of step
  // 41152264, not at the first millisecond of step 41152265.
  const auto code = totp.Generate(kRfcSecret, AtSeconds(1234567890)).value();
  const core::Timestamp last_ms_of_next = AtSeconds(1234567950) - std::chrono::milliseconds(1);
  EXPECT_EQ(totp.Verify(kRfcSecret, code, last_ms_of_next, std::nullopt)->outcome,
            Outcome::kAccepted);
  EXPECT_EQ(totp.Verify(kRfcSecret, code, AtSeconds(1234567950), std::nullopt)->outcome,
            Outcome::kWrongCode);
}

TEST(TotpTest, EachCodeIsAcceptedOnce) {
  const Totp totp;
  const core::Timestamp now = AtSeconds(1234567890);
  const std::int64_t current = totp.StepAt(now);
  const auto code = totp.Generate(kRfcSecret, now).value();

  const auto first = totp.Verify(kRfcSecret, code, now, std::nullopt).value();
  ASSERT_EQ(first.outcome, Outcome::kAccepted);
  ASSERT_EQ(first.step, current);

  // The same code again, even 30 s later while still inside the window.
  EXPECT_EQ(totp.Verify(kRfcSecret, code, now, first.step)->outcome, Outcome::kReused);
  EXPECT_EQ(totp.Verify(kRfcSecret, code, now + std::chrono::seconds(30), first.step)->outcome,
            Outcome::kReused);
  // An older code after a newer one.
  const auto older = totp.Generate(kRfcSecret, AtSeconds((current - 1) * 30)).value();
  EXPECT_EQ(totp.Verify(kRfcSecret, older, now, first.step)->outcome, Outcome::kReused);
  // The next step's code is fresh.
  const auto newer = totp.Generate(kRfcSecret, AtSeconds((current + 1) * 30)).value();
  const auto next = totp.Verify(kRfcSecret, newer, now, first.step).value();
  EXPECT_EQ(next.outcome, Outcome::kAccepted);
  EXPECT_EQ(next.step, current + 1);
}

TEST(TotpTest, MalformedCodesAreWrongAndSpacesAreIgnored) {
  const Totp totp;
  const core::Timestamp now = AtSeconds(59);  // code 287082
  const struct {
    const char* code;
    Outcome outcome;
  } cases[] = {
      {"287082", Outcome::kAccepted}, {"287 082", Outcome::kAccepted},
      {"28708", Outcome::kWrongCode}, {"2870820", Outcome::kWrongCode},
      {"28708a", Outcome::kWrongCode}, {"", Outcome::kWrongCode},
      {"287082\n", Outcome::kWrongCode},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(totp.Verify(kRfcSecret, Sensitive<std::string>(c.code), now, std::nullopt)->outcome,
              c.outcome)
        << "'" << c.code << "'";
  }
}

TEST(TotpTest, EmptySecretIsAnError) {
  const Totp totp;
  EXPECT_EQ(totp.Generate(TotpSecret(""), AtSeconds(59)).status().code(),
            core::ErrorCode::kInvalidArgument);
}

TEST(TotpTest, SecretsAreTwentyRandomBytes) {
  core::SecureRandom random;
  const TotpSecret a = GenerateTotpSecret(random);
  const TotpSecret b = GenerateTotpSecret(random);
  EXPECT_EQ(a.Reveal().size(), 20u);
  EXPECT_NE(a, b);
  core::SeededRandom seeded1(7), seeded2(7);
  EXPECT_EQ(GenerateTotpSecret(seeded1), GenerateTotpSecret(seeded2));
}

TEST(TotpTest, Base32MatchesRfc4648WithoutPadding) {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {{"", ""},           {"f", "MY"},           {"fo", "MZXQ"},
               {"foo", "MZXW6"},   {"foob", "MZXW6YQ"},   {"fooba", "MZXW6YTB"},
               {"foobar", "MZXW6YTBOI"},
               {"12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"}};
  for (const auto& c : cases) {
    EXPECT_EQ(Base32Encode(TotpSecret(c.in)).Reveal(), c.out) << c.in;
  }
}

TEST(TotpTest, OtpAuthUriNamesIssuerAndEncodesTheUsername) {
  EXPECT_EQ(OtpAuthUri("jo.smith", kRfcSecret).Reveal(),
            "otpauth://totp/ContactPoint:jo.smith?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=ContactPoint");
  EXPECT_EQ(OtpAuthUri("a b@c&d", kRfcSecret).Reveal(),
            "otpauth://totp/ContactPoint:a%20b%40c%26d?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=ContactPoint");
}

}  // namespace
}  // namespace cp::auth
