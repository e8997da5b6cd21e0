#include "core/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

namespace cp::core {
namespace {

StatusOr<int> ParsePositive(int v) {
  if (v <= 0) return Status(ErrorCode::kInvalidArgument, "must be positive");
  return v;
}

Status UsesReturnIfError(int v, int* reached) {
  RETURN_IF_ERROR(ParsePositive(v));
  ++*reached;
  return Status::Ok();
}

StatusOr<int> UsesAssignOrReturn(int v) {
  ASSIGN_OR_RETURN(int x, ParsePositive(v));
  return x * 2;
}

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kOk);
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, ToStringNamesCodeNumberAndMessage) {
  Status s(ErrorCode::kInvalidNhsNumber, "nhs_number: check digit does not match");
  EXPECT_EQ(s.ToString(), "invalid_nhs_number (1001): nhs_number: check digit does not match");
  EXPECT_EQ(s.category(), ErrorCategory::kInvalidArgument);
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsCode) {
  Status s = Status(ErrorCode::kStoreIo, "disk full").WithContext("saving child");
  EXPECT_EQ(s.code(), ErrorCode::kStoreIo);
  EXPECT_EQ(s.message(), "saving child: disk full");
  EXPECT_TRUE(Status().WithContext("x").ok());
}

TEST(StatusTest, ReturnIfErrorStopsAtFirstError) {
  int reached = 0;
  EXPECT_TRUE(UsesReturnIfError(3, &reached).ok());
  EXPECT_EQ(reached, 1);
  Status s = UsesReturnIfError(-1, &reached);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(reached, 1);
}

TEST(StatusTest, AssignOrReturnPropagatesValueOrError) {
  StatusOr<int> good = UsesAssignOrReturn(4);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 8);
  StatusOr<int> bad = UsesAssignOrReturn(0);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "must be positive");
}

TEST(StatusTest, StatusOrFromOkStatusBecomesInternalError) {
  StatusOr<int> s = Status::Ok();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kInternal);
}

TEST(StatusTest, StatusOrHoldsMoveOnlyValues) {
  StatusOr<std::unique_ptr<int>> s = std::make_unique<int>(7);
  ASSERT_TRUE(s.ok());
  std::unique_ptr<int> p = std::move(s).value();
  EXPECT_EQ(*p, 7);
}

TEST(StatusTest, ValueOrReturnsFallbackOnError) {
  EXPECT_EQ(ParsePositive(-5).value_or(42), 42);
  EXPECT_EQ(ParsePositive(5).value_or(42), 5);
}

TEST(StatusDeathTest, ValueOfErrorAborts) {
  StatusOr<int> s = Status(ErrorCode::kNotFound, "x");
  EXPECT_DEATH({ (void)s.value(); }, "");
}

TEST(ErrorCodesTest, NamesAndNumbersAreUniqueAndStable) {
  std::set<std::string_view> names;
  std::set<int> numbers;
#define CP_CHECK_CODE(name, number, category, text)                        \
  EXPECT_TRUE(names.insert(text).second) << "duplicate name " << text;     \
  EXPECT_TRUE(numbers.insert(number).second) << "duplicate number " << number; \
  EXPECT_EQ(ErrorCodeName(ErrorCode::name), text);                         \
  EXPECT_EQ(CategoryOf(ErrorCode::name), ErrorCategory::category);
  CP_ERROR_CODES(CP_CHECK_CODE)
#undef CP_CHECK_CODE
  // Published codes: these numbers appear in receipts and API responses.
  EXPECT_EQ(static_cast<int>(ErrorCode::kInvalidNhsNumber), 1001);
  EXPECT_EQ(static_cast<int>(ErrorCode::kInvalidPostcode), 1004);
  EXPECT_EQ(static_cast<int>(ErrorCode::kStoreIo), 5001);
}

}  // namespace
}  // namespace cp::core
