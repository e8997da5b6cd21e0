#include "auth/secret_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace cp::auth {
namespace {

using core::ErrorCode;
using core::Sensitive;

struct PasswordCase {
  const char* name;
  std::string password;
  bool valid;
};

TEST(SecretRulesTest, PasswordsAreJudgedByLengthNotComposition) {
  const PasswordCase cases[] = {
      {"11 characters is too short", "abcdefghijk", false},
      {"12 characters is enough", "abcdefghijkl", true},
      {"all lower case is fine", "correcthorsebattery", true},
      {"all digits is fine if not repeated", "314159265358", true},
      {"spaces are allowed", "correct horse battery staple", true},
      {"128 characters is the maximum", std::string(127, 'a') + "b", true},
      {"129 characters is too long", std::string(128, 'a') + "b", false},
      {"length counts code points: 12 two-byte letters", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                                                           "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                                                           "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA8",
       true},
      {"length counts code points: 11 two-byte letters (22 bytes)",
       "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA8",
       false},
      {"one character repeated", "aaaaaaaaaaaaaaaa", false},
      {"control character", "abcdefghijkl\tm", false},
      {"invalid UTF-8", "abcdefghijkl\xFF", false},
      {"truncated UTF-8", "abcdefghijkl\xC3", false},
      {"overlong UTF-8", "abcdefghijkl\xC0\xAF", false},
      {"contains the username", "xxJSmith2024xx", false},
  };
  for (const auto& c : cases) {
    const core::Status status = ValidatePassword(Sensitive<std::string>(c.password), "jsmith");
    EXPECT_EQ(status.ok(), c.valid) << c.name << ": " << status.ToString();
    if (!c.valid) {
      EXPECT_EQ(status.code(), ErrorCode::kInvalidPassword) << c.name;
    }
  }
}

TEST(SecretRulesTest, PasswordErrorNeverQuotesThePassword) {
  const std::string secret = "Sup3rSecret";  // 11: too short
  const core::Status status = ValidatePassword(Sensitive<std::string>(secret), "jsmith");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().find(secret), std::string::npos);
}

TEST(SecretRulesTest, PasswordFoundInBreachListIsRefused) {
  const BreachedPasswordCheck breached = [](const Sensitive<std::string>& p) {
    return p.Reveal() == "password1234";
  };
  EXPECT_EQ(ValidatePassword(Sensitive<std::string>("password1234"), "jsmith", breached).code(),
            ErrorCode::kInvalidPassword);
  EXPECT_TRUE(ValidatePassword(Sensitive<std::string>("password12345"), "jsmith", breached).ok());
}

TEST(SecretRulesTest, PinsAreSixToEightDigitsWithoutObviousPatterns) {
  const PasswordCase cases[] = {
      {"5 digits", "52817", false},
      {"6 digits", "528173", true},
      {"8 digits", "52817394", true},
      {"9 digits", "528173940", false},
      {"letter", "52817a", false},
      {"space", "528 173", false},
      {"empty", "", false},
      {"one digit repeated", "000000", false},
      {"run up", "123456", false},
      {"run down", "98765432", false},
      {"run that is not consecutive", "135791", true},
      {"almost a run", "123457", true},
  };
  for (const auto& c : cases) {
    const core::Status status = ValidatePin(Sensitive<std::string>(c.password));
    EXPECT_EQ(status.ok(), c.valid) << c.name << ": " << status.ToString();
    if (!c.valid) {
      EXPECT_EQ(status.code(), ErrorCode::kInvalidPin) << c.name;
    }
  }
}

}  // namespace
}  // namespace cp::auth
