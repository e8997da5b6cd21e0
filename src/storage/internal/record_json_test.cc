#include "storage/internal/record_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/store_contract.h"

namespace cp::storage::internal {
namespace {

using contract::FullChild;
using contract::HasCode;
using contract::MinimalChild;
using contract::SameChild;
using core::ErrorCode;

TEST(RecordJsonTest, AFullChildRoundTrips) {
  domain::Child child = FullChild(domain::ContactPointId());
  child.accountable.reset();  // the best view's own: source views never carry it
  child.provenance.clear();   // likewise
  auto json = EncodeChildJson(child);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  auto back = DecodeChildJson(*json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(SameChild(child, *back));
}

TEST(RecordJsonTest, TheAccountableAuthorityIsNotPartOfASourceView) {
  const domain::Child child = FullChild(domain::ContactPointId());
  ASSERT_TRUE(child.accountable.has_value());
  auto back = DecodeChildJson(*EncodeChildJson(child));
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->accountable.has_value());
}

TEST(RecordJsonTest, ProvenanceRoundTripsAndIsNotPartOfASourceView) {
  const domain::Child child = FullChild(domain::ContactPointId());
  ASSERT_FALSE(child.provenance.empty());
  auto json = EncodeProvenanceJson(child.provenance);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  auto back = DecodeProvenanceJson(*json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, child.provenance);
  EXPECT_TRUE(DecodeChildJson(*EncodeChildJson(child))->provenance.empty());
  for (const char* corrupt : {"{}", "[{\"field\": 1}]", "[{\"field\": \"name\"}]", "[", ""}) {
    EXPECT_FALSE(DecodeProvenanceJson(corrupt).ok()) << corrupt;
  }
}

TEST(RecordJsonTest, TheIdIsNotStored) {
  domain::Child child = MinimalChild(*domain::ContactPointId::Parse("123456789018"));
  auto json = EncodeChildJson(child);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->find("123456789018"), std::string::npos);
  auto back = DecodeChildJson(*json);
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->id.assigned());
}

TEST(RecordJsonTest, UsesTheSupplyFormatsNamesForCodes) {
  auto json = EncodeChildJson(FullChild(domain::ContactPointId()));
  ASSERT_TRUE(json.ok());
  for (const char* expected : {"\"gender\":\"female\"", "\"date_of_birth\":\"2015-03-02\"",
                               "\"relationship\":\"local_authority\"", "\"type\":\"sexual_health\"",
                               "\"given_by\":\"parent\"",
                               "\"sensitive_override\":\"child_protection\""}) {
    EXPECT_NE(json->find(expected), std::string::npos) << expected;
  }
}

TEST(RecordJsonTest, EventsRoundTrip) {
  using std::chrono::year;
  const std::vector<domain::SourceEvent> events = {
      {domain::SourceEvent::Type::kDeath, year{2020} / 1 / 2},
      {domain::SourceEvent::Type::kAdoption, std::nullopt},
  };
  auto json = EncodeEventsJson(events);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, "[{\"date\":\"2020-01-02\",\"type\":\"death\"},{\"type\":\"adoption\"}]");
  auto back = DecodeEventsJson(*json);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, events);
  auto empty = EncodeEventsJson({});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "[]");
}

TEST(RecordJsonTest, InvalidUtf8IsRefusedNotMangled) {
  domain::Child child = MinimalChild(domain::ContactPointId());
  child.name.family_name = domain::PersonalText("Sm\xffth");
  EXPECT_TRUE(HasCode(EncodeChildJson(child), ErrorCode::kInvalidRecord));
}

TEST(RecordJsonTest, AnImpossibleDateIsRefusedWithItsPath) {
  domain::Child child = FullChild(domain::ContactPointId());
  child.involvements[1].start = std::chrono::year{2021} / 2 / 29;
  auto json = EncodeChildJson(child);
  ASSERT_TRUE(HasCode(json, ErrorCode::kInvalidDate));
  EXPECT_EQ(json.status().message().rfind("child.services[1].start", 0), 0u)
      << json.status().message();
}

TEST(RecordJsonTest, DamagedDocumentsAreStoreCorruptAndNeverQuoted) {
  const std::vector<std::string> damaged = {
      "",
      "not json Secret",
      "[\"Secret\"]",
      "{\"name\": \"Secret\"}",
      "{\"name\": {\"given_names\": \"Secret\", \"family_name\": 5}}",
  };
  for (const std::string& text : damaged) {
    auto child = DecodeChildJson(text);
    ASSERT_TRUE(HasCode(child, ErrorCode::kStoreCorrupt)) << text;
    EXPECT_EQ(child.status().message().find("Secret"), std::string::npos)
        << child.status().message();
  }
  // Well-formed but with a code nobody knows.
  auto good = EncodeChildJson(MinimalChild(domain::ContactPointId()));
  ASSERT_TRUE(good.ok());
  std::string odd = *good;
  odd.replace(odd.find("\"unknown\""), 9, "\"robot\"");
  EXPECT_TRUE(HasCode(DecodeChildJson(odd), ErrorCode::kStoreCorrupt));
  EXPECT_TRUE(HasCode(DecodeEventsJson("{}"), ErrorCode::kStoreCorrupt));
  EXPECT_TRUE(HasCode(DecodeEventsJson("[{\"type\": \"abduction\"}]"), ErrorCode::kStoreCorrupt));
  EXPECT_TRUE(HasCode(DecodeLinesJson("lines", "[1, 2]"), ErrorCode::kStoreCorrupt));
}

}  // namespace
}  // namespace cp::storage::internal
