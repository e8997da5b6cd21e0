#include "domain/source.h"

#include <gtest/gtest.h>

namespace cp::domain {
namespace {

using S = SourceState;

TEST(SourceTest, StatesAndKindsRoundTrip) {
  for (S s : {S::kRegistered, S::kTypeAccredited, S::kInstanceAccredited, S::kActive,
              S::kSuspended}) {
    EXPECT_EQ(*ParseSourceState(SourceStateName(s)), s);
  }
  EXPECT_FALSE(ParseSourceState("accredited").ok());
  EXPECT_EQ(*ParseSourceKind("national"), SourceKind::kNational);
  EXPECT_EQ(*ParseSourceKind("local"), SourceKind::kLocal);
  EXPECT_FALSE(ParseSourceKind("regional").ok());
}

TEST(SourceTest, AccreditationAdvancesOneStepAtATime) {
  struct Case {
    S from, to;
    bool ok;
  } cases[] = {
      {S::kRegistered, S::kTypeAccredited, true},
      {S::kTypeAccredited, S::kInstanceAccredited, true},
      {S::kInstanceAccredited, S::kActive, true},
      {S::kActive, S::kSuspended, true},
      {S::kSuspended, S::kActive, true},
      {S::kRegistered, S::kActive, false},
      {S::kRegistered, S::kInstanceAccredited, false},
      {S::kTypeAccredited, S::kActive, false},
      {S::kRegistered, S::kSuspended, false},
      {S::kActive, S::kRegistered, false},
      {S::kActive, S::kActive, false},
      {S::kSuspended, S::kRegistered, false},
  };
  for (const Case& c : cases) {
    const core::Status s = CheckTransition(c.from, c.to);
    EXPECT_EQ(s.ok(), c.ok) << SourceStateName(c.from) << " -> " << SourceStateName(c.to);
    if (!c.ok) {
      EXPECT_EQ(s.code(), core::ErrorCode::kFailedPrecondition);
    }
  }
}

TEST(SourceTest, OnlyActiveSourcesLoad) {
  EXPECT_TRUE(CheckCanLoad(SourceId("gro-births"), S::kActive).ok());
  for (S s : {S::kRegistered, S::kTypeAccredited, S::kInstanceAccredited, S::kSuspended}) {
    const core::Status status = CheckCanLoad(SourceId("gro-births"), s);
    EXPECT_EQ(status.code(), core::ErrorCode::kPermissionDenied);
    EXPECT_NE(status.message().find(SourceStateName(s)), std::string::npos);
  }
}

TEST(SourceTest, SourceIdShape) {
  for (const char* ok : {"gro-births", "la-leeds-2", "ab"}) EXPECT_TRUE(ValidateSourceId(ok).ok()) << ok;
  for (const char* bad : {"", "a", "Gro", "2gro", "gro births", "gro_births", "gro/x"}) {
    EXPECT_FALSE(ValidateSourceId(bad).ok()) << bad;
  }
  EXPECT_FALSE(ValidateSourceId(std::string(65, 'a')).ok());
}

}  // namespace
}  // namespace cp::domain
