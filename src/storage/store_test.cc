#include "storage/store.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "storage/internal/codec.h"
#include "storage/store_contract.h"

namespace cp::storage {
namespace {

using contract::HasCode;
using core::ErrorCode;

TEST(StoreNamesTest, LinkStatesHaveTheirExportNames) {
  const std::vector<std::pair<LinkState, std::string_view>> table = {
      {LinkState::kLinked, "linked"},
      {LinkState::kReview, "review"},
      {LinkState::kSealed, "sealed"},
      {LinkState::kWithdrawn, "withdrawn"},
  };
  for (const auto& [state, name] : table) {
    EXPECT_EQ(LinkStateName(state), name);
    auto back = internal::LinkStateFromText("state", name);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, state);
  }
}

TEST(StoreNamesTest, ChangeKindsHaveStableNames) {
  const std::vector<std::pair<ChangeKind, std::string_view>> table = {
      {ChangeKind::kChildPut, "child_put"},
      {ChangeKind::kChildDeleted, "child_deleted"},
      {ChangeKind::kChildRedirected, "child_redirected"},
      {ChangeKind::kSourceRecordPut, "source_record_put"},
      {ChangeKind::kSourceRecordDeleted, "source_record_deleted"},
  };
  for (const auto& [kind, name] : table) {
    EXPECT_EQ(ChangeKindName(kind), name);
    auto back = internal::ChangeKindFromText("kind", name);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, kind);
  }
}

TEST(CodecTest, EveryEnumeratorRoundTripsThroughItsStoredSpelling) {
  for (int g = 0; g <= static_cast<int>(domain::Gender::kUnspecified); ++g) {
    const auto value = static_cast<domain::Gender>(g);
    auto text = internal::GenderText("f", value);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*internal::GenderFromText("f", *text), value);
  }
  std::set<std::string_view> seen;
  for (int t = 0; t <= static_cast<int>(domain::ServiceType::kSubstanceMisuse); ++t) {
    const auto value = static_cast<domain::ServiceType>(t);
    auto text = internal::ServiceTypeText("f", value);
    ASSERT_TRUE(text.ok());
    EXPECT_TRUE(seen.insert(*text).second) << *text;
    EXPECT_EQ(*internal::ServiceTypeFromText("f", *text), value);
  }
  for (int r = 0; r <= static_cast<int>(domain::Relationship::kOtherCarer); ++r) {
    const auto value = static_cast<domain::Relationship>(r);
    auto text = internal::RelationshipText("f", value);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*internal::RelationshipFromText("f", *text), value);
  }
  for (auto type : {domain::SourceEvent::Type::kDeath, domain::SourceEvent::Type::kLeftEngland,
                    domain::SourceEvent::Type::kAdoption}) {
    auto text = internal::EventTypeText("f", type);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*internal::EventTypeFromText("f", *text), type);
  }
  EXPECT_EQ(*internal::EventTypeText("f", domain::SourceEvent::Type::kLeftEngland),
            "left_england");
  EXPECT_EQ(*internal::GivenByText("f", domain::SensitiveConsent::GivenBy::kParent), "parent");
  EXPECT_EQ(*internal::OverrideText("f", domain::SensitiveOverride::kChildProtection),
            "child_protection");
}

TEST(CodecTest, AnEnumeratorOutOfRangeIsRefusedNamingTheField) {
  auto gender = internal::GenderText("child.gender", static_cast<domain::Gender>(42));
  ASSERT_TRUE(HasCode(gender, ErrorCode::kInvalidRecord));
  EXPECT_NE(gender.status().message().find("child.gender"), std::string::npos);
  EXPECT_TRUE(HasCode(internal::ServiceTypeText("t", static_cast<domain::ServiceType>(99)),
                      ErrorCode::kInvalidRecord));
  EXPECT_TRUE(HasCode(internal::LinkStateText("s", static_cast<LinkState>(9)),
                      ErrorCode::kInvalidRecord));
}

TEST(CodecTest, DatesAreWrittenOnlyWhenTheyReadBack) {
  using std::chrono::year;
  EXPECT_EQ(*internal::DateText("d", year{2015} / 3 / 2), "2015-03-02");
  EXPECT_TRUE(HasCode(internal::DateText("d", year{2015} / 2 / 29), ErrorCode::kInvalidDate));
  EXPECT_TRUE(HasCode(internal::DateText("d", year{1899} / 12 / 31), ErrorCode::kInvalidDate));
  EXPECT_TRUE(HasCode(internal::DateText("d", domain::Date{}), ErrorCode::kInvalidDate));
  EXPECT_TRUE(HasCode(internal::DateFromText("d", "2015-02-29"), ErrorCode::kStoreCorrupt));
  EXPECT_TRUE(HasCode(internal::GenderFromText("g", "robot"), ErrorCode::kStoreCorrupt));
}

TEST(CodecTest, StoredIdsMustPassTheirCheckDigit) {
  EXPECT_TRUE(internal::IdFromStored("id", 123456789018).ok());
  EXPECT_TRUE(HasCode(internal::IdFromStored("id", 123456789012), ErrorCode::kStoreCorrupt));
  EXPECT_TRUE(HasCode(internal::IdFromStored("id", 0), ErrorCode::kStoreCorrupt));
  EXPECT_TRUE(HasCode(internal::IdFromStored("id", -5), ErrorCode::kStoreCorrupt));
}

}  // namespace
}  // namespace cp::storage
