#include "search/reasons.h"

#include <gtest/gtest.h>

namespace cp::search {
namespace {

using core::ErrorCode;

TEST(ReasonsTest, AReasonCodeFromTheListIsRequired) {
  EXPECT_EQ(ValidateReason(std::nullopt, std::nullopt, std::nullopt).status().code(),
            ErrorCode::kReasonRequired);
  EXPECT_EQ(ValidateReason("", std::nullopt, std::nullopt).status().code(),
            ErrorCode::kReasonRequired);
  auto unknown = ValidateReason("curiosity", std::nullopt, std::nullopt);
  EXPECT_EQ(unknown.status().code(), ErrorCode::kInvalidReason);
  EXPECT_NE(unknown.status().message().find("child_protection"), std::string::npos);
  for (const ReasonInfo& r : ReasonCatalogue()) {
    EXPECT_TRUE(ValidateReason(r.code, std::nullopt, std::nullopt).ok()) << r.code;
  }
}

TEST(ReasonsTest, TheTextIsShortPlainAndOnOneLine) {
  const std::string at_limit(kMaxReasonTextLength, 'a');
  EXPECT_TRUE(ValidateReason("emergency_care", at_limit, std::nullopt).ok());
  EXPECT_EQ(ValidateReason("emergency_care", at_limit + "a", std::nullopt).status().code(),
            ErrorCode::kInvalidReason);
  for (std::string bad : {std::string("line\nbreak"), std::string("tab\there"),
                          std::string("nul\0x", 5), std::string("bad \xff utf8"),
                          std::string("c1 \xc2\x85 next line"), std::string("\xe2\x80\xa8")}) {
    auto r = ValidateReason("emergency_care", bad, std::nullopt);
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidReason);
  }
  auto ok = ValidateReason("emergency_care", "Attended A&E \xe2\x80\x94 café", std::nullopt);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->text.has_value());
}

TEST(ReasonsTest, ASeriousCaseReviewReferenceIsAToken) {
  EXPECT_TRUE(ValidateReason("serious_case_review", std::nullopt, "SCR-2026.014").ok());
  EXPECT_EQ(ValidateReason("serious_case_review", std::nullopt, "Jane Smith").status().code(),
            ErrorCode::kInvalidReason);
  EXPECT_EQ(ValidateReason("serious_case_review", std::nullopt, std::string(61, 'A'))
                .status().code(), ErrorCode::kInvalidReason);
}

}  // namespace
}  // namespace cp::search
