#include "ingest/parser.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "domain/validation.h"

namespace cp::ingest {
namespace {

using nlohmann::json;

constexpr const char* kHeader =
    R"({"contactpoint_feed": 1, "source": "gro-births", "batch": "2026-11-21-0001",
        "sequence": 1042, "extracted_at": "2026-11-21T02:00:00Z", "mode": "delta"})";

// The example record of DATA-SUPPLY.md, with a UPN whose check letter is right.
json ValidRecord() {
  return json::parse(R"({"key": "GRO-1978-000123", "op": "upsert",
 "child": {
   "given_names": "Amelia Rose", "family_name": "Smith",
   "other_names": [{"given_names": "Amy", "family_name": "Jones"}],
   "gender": "female", "date_of_birth": "2015-03-02",
   "address": {"lines": ["12 High Street", "Leeds"], "postcode": "ls14ab"},
   "identifiers": {"nhs_number": "9434765919", "upn": "B801200005001"},
   "date_of_death": null},
 "carers": [{"given_names": "Jane", "family_name": "Smith", "relationship": "mother",
             "parental_responsibility": true, "phone": "0113 496 0000",
             "email": null, "address": null}],
 "services": [{"type": "school", "organisation": {"name": "Leeds Primary",
               "code": "URN:107999", "phone": "0113 496 0001", "email": null,
               "address": {"lines": ["1 School Lane", "Leeds"], "postcode": "LS2 9JT"}},
               "practitioner": null, "start": "2020-09-01", "end": null,
               "lead_professional": false, "caf_holder": false,
               "sensitive_consent": null}],
 "events": []})");
}

class ParserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto header = parser_.ParseHeader(kHeader);
    ASSERT_TRUE(header.ok()) << header.status().ToString();
    header_ = *header;
  }
  std::variant<FeedRecord, Rejection> Parse(const std::string& line) {
    return parser_.ParseRecord(line, 7, header_);
  }
  LineParser parser_;
  BatchHeader header_;
};

TEST_F(ParserTest, HeaderFieldsAreRead) {
  EXPECT_EQ(header_.source.value(), "gro-births");
  EXPECT_EQ(header_.batch.value(), "2026-11-21-0001");
  EXPECT_EQ(header_.sequence, 1042);
  EXPECT_EQ(core::FormatRfc3339(header_.extracted_at), "2026-11-21T02:00:00.000Z");
  EXPECT_EQ(header_.mode, BatchMode::kDelta);
}

// A padded line is parsed where it lies: what follows it in the buffer is
// never part of the record, whatever it holds.
TEST_F(ParserTest, APaddedLineIsParsedInPlaceAndNothingAfterItCounts) {
  const std::string line = ValidRecord().dump();
  // The bytes after the line would make it a different record, or complete
  // a cut one, if the parser read them as content.
  const std::string after = R"(, "extra": 1} {"key": "OTHER"})" + std::string(kLinePadding, '}');
  const std::string buffer = line + after;
  auto result = parser_.ParseRecord(std::string_view(buffer).substr(0, line.size()), 7, header_,
                                    /*padded=*/true);
  ASSERT_TRUE(std::holds_alternative<FeedRecord>(result))
      << std::get<Rejection>(result).field << ": " << std::get<Rejection>(result).reason;
  const FeedRecord& r = std::get<FeedRecord>(result);
  EXPECT_EQ(r.key.value(), "GRO-1978-000123");
  EXPECT_EQ(r.child.name.given_names.Reveal(), "Amelia Rose");
  EXPECT_EQ(r.child.address->postcode->Reveal(), "LS1 4AB");
  ASSERT_EQ(r.child.involvements.size(), 1u);
  // A line cut short stays rejected although the bytes after it complete it.
  const std::string cut = line.substr(0, line.size() - 1);
  const std::string completed = cut + "}" + std::string(kLinePadding, ' ');
  auto rejected = parser_.ParseRecord(std::string_view(completed).substr(0, cut.size()), 7,
                                      header_, /*padded=*/true);
  ASSERT_TRUE(std::holds_alternative<Rejection>(rejected));
  EXPECT_EQ(std::get<Rejection>(rejected), std::get<Rejection>(Parse(cut)));
}

TEST_F(ParserTest, SpecificationExampleIsAcceptedAndNormalised) {
  auto result = Parse(ValidRecord().dump());
  ASSERT_TRUE(std::holds_alternative<FeedRecord>(result))
      << std::get<Rejection>(result).field << ": " << std::get<Rejection>(result).reason;
  const FeedRecord& r = std::get<FeedRecord>(result);
  EXPECT_EQ(r.line, 7);
  EXPECT_EQ(r.key.value(), "GRO-1978-000123");
  EXPECT_EQ(r.op, RecordOp::kUpsert);
  EXPECT_EQ(r.child.name.given_names.Reveal(), "Amelia Rose");
  EXPECT_EQ(r.child.name.family_name.Reveal(), "Smith");
  ASSERT_EQ(r.child.other_names.size(), 1u);
  EXPECT_EQ(r.child.other_names[0].given_names.Reveal(), "Amy");
  EXPECT_EQ(r.child.gender, domain::Gender::kFemale);
  EXPECT_EQ(domain::FormatDate(r.child.date_of_birth.Reveal()), "2015-03-02");
  ASSERT_TRUE(r.child.address.has_value());
  EXPECT_EQ(r.child.address->postcode->Reveal(), "LS1 4AB");  // normalised
  EXPECT_EQ(r.child.address->lines.Reveal().size(), 2u);
  EXPECT_EQ(r.child.identifiers.nhs_number->Reveal(), "9434765919");
  ASSERT_EQ(r.child.carers.size(), 1u);
  EXPECT_EQ(r.child.carers[0].relationship, domain::Relationship::kMother);
  EXPECT_TRUE(r.child.carers[0].parental_responsibility);
  ASSERT_EQ(r.child.involvements.size(), 1u);
  EXPECT_EQ(r.child.involvements[0].type, domain::ServiceType::kSchool);
  EXPECT_EQ(r.child.involvements[0].organisation.code, "URN:107999");
  EXPECT_TRUE(r.events.empty());
}

TEST_F(ParserTest, WithdrawCarriesOnlyItsKey) {
  auto ok = Parse(R"({"key": "K1", "op": "withdraw"})");
  ASSERT_TRUE(std::holds_alternative<FeedRecord>(ok));
  EXPECT_EQ(std::get<FeedRecord>(ok).op, RecordOp::kWithdraw);
  auto bad = Parse(R"({"key": "K1", "op": "withdraw", "child": {"family_name": "X"}})");
  ASSERT_TRUE(std::holds_alternative<Rejection>(bad));
  EXPECT_EQ(std::get<Rejection>(bad).field, "child");
}

TEST_F(ParserTest, EventsAreKept) {
  json r = ValidRecord();
  r["events"] = json::array({{{"type", "adoption"}}, {{"type", "left_england"}, {"date", "2026-01-01"}}});
  auto result = Parse(r.dump());
  ASSERT_TRUE(std::holds_alternative<FeedRecord>(result)) << std::get<Rejection>(result).reason;
  const auto& events = std::get<FeedRecord>(result).events;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, domain::SourceEvent::Type::kAdoption);
  EXPECT_EQ(events[1].type, domain::SourceEvent::Type::kLeftEngland);
}

TEST_F(ParserTest, NewbornMayHaveNoGivenNamesButOlderChildrenMust) {
  json r = ValidRecord();
  r["child"].erase("given_names");
  r["child"]["date_of_birth"] = "2026-11-01";
  EXPECT_TRUE(std::holds_alternative<FeedRecord>(Parse(r.dump())));
  r["child"]["date_of_birth"] = "2024-11-01";
  auto result = Parse(r.dump());
  ASSERT_TRUE(std::holds_alternative<Rejection>(result));
  EXPECT_EQ(std::get<Rejection>(result).field, "child.given_names");
}

TEST_F(ParserTest, SensitiveServiceWithConsentIsAccepted) {
  json r = ValidRecord();
  r["services"].push_back({{"type", "mental_health"},
                           {"organisation", {{"name", "CAMHS Leeds"}}},
                           {"sensitive_consent", {{"given_by", "child"}, {"date", "2025-01-02"}}}});
  r["services"].push_back({{"type", "sexual_health"},
                           {"organisation", {{"name", "Clinic"}}},
                           {"sensitive_override", "child_protection"}});
  auto result = Parse(r.dump());
  ASSERT_TRUE(std::holds_alternative<FeedRecord>(result)) << std::get<Rejection>(result).field
                                                          << std::get<Rejection>(result).reason;
  const auto& inv = std::get<FeedRecord>(result).child.involvements;
  ASSERT_EQ(inv.size(), 3u);
  EXPECT_TRUE(inv[1].consent.has_value());
  EXPECT_EQ(inv[2].override_ground, domain::SensitiveOverride::kChildProtection);
}

struct BadCase {
  std::string name;
  std::function<void(json&)> mutate;
  std::string field;
  core::ErrorCode code;
};

class BadRecordTest : public ParserTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(BadRecordTest, IsRejectedWithFieldPathAndCode) {
  json r = ValidRecord();
  GetParam().mutate(r);
  auto result = Parse(r.dump());
  ASSERT_TRUE(std::holds_alternative<Rejection>(result)) << GetParam().name;
  const Rejection& rejection = std::get<Rejection>(result);
  EXPECT_EQ(rejection.line, 7);
  EXPECT_EQ(rejection.field, GetParam().field) << rejection.reason;
  EXPECT_EQ(rejection.code, GetParam().code)
      << core::ErrorCodeName(rejection.code) << ": " << rejection.reason;
  EXPECT_FALSE(rejection.reason.empty());
}

using core::ErrorCode;
INSTANTIATE_TEST_SUITE_P(
    DataSupplyRules, BadRecordTest,
    ::testing::Values(
        BadCase{"MissingKey", [](json& r) { r.erase("key"); }, "key", ErrorCode::kInvalidFeedLine},
        BadCase{"LongKey", [](json& r) { r["key"] = std::string(65, 'k'); }, "key",
                ErrorCode::kInvalidFeedLine},
        BadCase{"KeyNotString", [](json& r) { r["key"] = 12; }, "key", ErrorCode::kInvalidFeedLine},
        BadCase{"UnknownOp", [](json& r) { r["op"] = "delete"; }, "op", ErrorCode::kInvalidFeedLine},
        BadCase{"UpsertWithoutChild", [](json& r) { r.erase("child"); }, "child",
                ErrorCode::kInvalidFeedLine},
        BadCase{"UnknownTopLevelField", [](json& r) { r["notes"] = "concern"; }, "notes",
                ErrorCode::kInvalidFeedLine},
        BadCase{"UnknownChildField", [](json& r) { r["child"]["case_notes"] = "x"; },
                "child.case_notes", ErrorCode::kInvalidFeedLine},
        BadCase{"UnknownIdentifier", [](json& r) { r["child"]["identifiers"]["ni_number"] = "x"; },
                "child.identifiers.ni_number", ErrorCode::kInvalidFeedLine},
        BadCase{"UnknownServiceField",
                [](json& r) { r["services"][0]["assessment"] = "x"; }, "services[0].assessment",
                ErrorCode::kInvalidFeedLine},
        BadCase{"MissingFamilyName", [](json& r) { r["child"].erase("family_name"); },
                "child.family_name", ErrorCode::kInvalidFeedLine},
        BadCase{"MissingDateOfBirth", [](json& r) { r["child"].erase("date_of_birth"); },
                "child.date_of_birth", ErrorCode::kInvalidFeedLine},
        BadCase{"BadDate", [](json& r) { r["child"]["date_of_birth"] = "2015-02-30"; },
                "child.date_of_birth", ErrorCode::kInvalidDate},
        BadCase{"DateOfBirthAfterExtract",
                [](json& r) { r["child"]["date_of_birth"] = "2026-12-01"; }, "child.date_of_birth",
                ErrorCode::kInvalidDate},
        BadCase{"BadGender", [](json& r) { r["child"]["gender"] = "f"; }, "child.gender",
                ErrorCode::kInvalidGender},
        BadCase{"BadNhsNumber",
                [](json& r) { r["child"]["identifiers"]["nhs_number"] = "9434765918"; },
                "child.identifiers.nhs_number", ErrorCode::kInvalidNhsNumber},
        BadCase{"BadUpn", [](json& r) { r["child"]["identifiers"]["upn"] = "A801200005001"; },
                "child.identifiers.upn", ErrorCode::kInvalidUpn},
        BadCase{"BadUln", [](json& r) { r["child"]["identifiers"]["uln"] = "123"; },
                "child.identifiers.uln", ErrorCode::kInvalidUln},
        BadCase{"BadPostcode", [](json& r) { r["child"]["address"]["postcode"] = "LS1 4A"; },
                "child.address.postcode", ErrorCode::kInvalidPostcode},
        BadCase{"AddressLinesNotArray", [](json& r) { r["child"]["address"]["lines"] = "x"; },
                "child.address.lines", ErrorCode::kInvalidFeedLine},
        BadCase{"AliasWithoutFamilyName",
                [](json& r) { r["child"]["other_names"][0].erase("family_name"); },
                "child.other_names[0].family_name", ErrorCode::kInvalidFeedLine},
        BadCase{"UnknownRelationship", [](json& r) { r["carers"][0]["relationship"] = "aunt"; },
                "carers[0].relationship", ErrorCode::kInvalidRelationship},
        BadCase{"CarerPrNotBool",
                [](json& r) { r["carers"][0]["parental_responsibility"] = "yes"; },
                "carers[0].parental_responsibility", ErrorCode::kInvalidFeedLine},
        BadCase{"UnknownServiceType", [](json& r) { r["services"][0]["type"] = "dentist"; },
                "services[0].type", ErrorCode::kInvalidServiceType},
        BadCase{"ServiceWithoutOrganisation", [](json& r) { r["services"][0].erase("organisation"); },
                "services[0].organisation", ErrorCode::kInvalidFeedLine},
        BadCase{"SensitiveWithoutConsent",
                [](json& r) { r["services"][0]["type"] = "substance_misuse"; },
                "services[0].sensitive_consent",
                ErrorCode::kInvalidRecord},
        BadCase{"BadOverrideGround",
                [](json& r) { r["services"][0]["sensitive_override"] = "convenience"; },
                "services[0].sensitive_override", ErrorCode::kInvalidRecord},
        BadCase{"TwoLeadProfessionals",
                [](json& r) {
                  r["services"][0]["lead_professional"] = true;
                  json second = r["services"][0];
                  r["services"].push_back(second);
                },
                "services[1].lead_professional", ErrorCode::kInvalidRecord},
        BadCase{"EventUnknownType", [](json& r) { r["events"] = json::array({{{"type", "moved"}}}); },
                "events[0].type", ErrorCode::kInvalidRecord},
        BadCase{"DeathWithoutDate", [](json& r) { r["events"] = json::array({{{"type", "death"}}}); },
                "events[0].date", ErrorCode::kInvalidFeedLine},
        BadCase{"EventBeforeBirth",
                [](json& r) {
                  r["events"] = json::array({{{"type", "death"}, {"date", "2010-01-01"}}});
                },
                "events[0].date", ErrorCode::kInvalidDate},
        BadCase{"ChildIsArray", [](json& r) { r["child"] = json::array(); }, "child",
                ErrorCode::kInvalidFeedLine},
        BadCase{"NameIsNumber", [](json& r) { r["child"]["family_name"] = 7; },
                "child.family_name", ErrorCode::kInvalidFeedLine}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });


struct BadLine {
  std::string name;
  std::string line;
};

class HostileLineTest : public ParserTest, public ::testing::WithParamInterface<BadLine> {};

TEST_P(HostileLineTest, IsRejectedWithAMessageNotACrash) {
  auto result = Parse(GetParam().line);
  ASSERT_TRUE(std::holds_alternative<Rejection>(result));
  EXPECT_FALSE(std::get<Rejection>(result).reason.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, HostileLineTest,
    ::testing::Values(
        BadLine{"Empty", ""}, BadLine{"NotJson", "hello"}, BadLine{"Truncated", R"({"key": "a)"},
        BadLine{"TopLevelArray", "[1,2]"}, BadLine{"TopLevelString", "\"x\""},
        BadLine{"InvalidUtf8", std::string("{\"key\": \"\xff\xfe\", \"op\": \"withdraw\"}")},
        BadLine{"OverlongUtf8", std::string("{\"key\": \"\xc0\xaf\", \"op\": \"withdraw\"}")},
        BadLine{"DuplicateKey", R"({"key": "a", "key": "b", "op": "withdraw"})"},
        BadLine{"DeepNesting", std::string(5000, '[') + std::string(5000, ']')},
        BadLine{"DeepObjectInChild",
                R"({"key":"a","op":"upsert","child":{"family_name":{"a":{"b":{"c":1}}}}})"},
        BadLine{"TrailingGarbage", R"({"key": "a", "op": "withdraw"} x)"},
        BadLine{"HugeNumber", R"({"key": 1e999999, "op": "withdraw"})"},
        BadLine{"TooLong", "{\"key\": \"" + std::string(kMaxLineBytes, 'a') + "\"}"}),
    [](const ::testing::TestParamInfo<BadLine>& info) { return info.param.name; });

TEST_F(ParserTest, DuplicateKeyNamesTheField) {
  auto result = Parse(R"({"key": "a", "op": "withdraw", "op": "upsert"})");
  ASSERT_TRUE(std::holds_alternative<Rejection>(result));
  EXPECT_EQ(std::get<Rejection>(result).field, "op");
  EXPECT_NE(std::get<Rejection>(result).reason.find("more than once"), std::string::npos);
}

TEST_F(ParserTest, RejectionNeverQuotesTheValue) {
  json r = ValidRecord();
  r["child"]["identifiers"]["nhs_number"] = "1234567899";
  r["child"]["family_name"] = "Zzyzxquux";
  auto result = Parse(r.dump());
  ASSERT_TRUE(std::holds_alternative<Rejection>(result));
  const Rejection& rejection = std::get<Rejection>(result);
  EXPECT_EQ(rejection.reason.find("1234567899"), std::string::npos);
  EXPECT_EQ(rejection.reason.find("Zzyzxquux"), std::string::npos);
}

struct HeaderCase {
  std::string name;
  std::string line;
  std::string mentions;
};

class BadHeaderTest : public ::testing::TestWithParam<HeaderCase> {};

TEST_P(BadHeaderTest, IsRejectedNamingTheField) {
  LineParser parser;
  auto header = parser.ParseHeader(GetParam().line);
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.status().code(), core::ErrorCode::kInvalidBatchHeader);
  EXPECT_NE(header.status().message().find(GetParam().mentions), std::string::npos)
      << header.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    DataSupplyHeader, BadHeaderTest,
    ::testing::Values(
        HeaderCase{"WrongVersion",
                   R"({"contactpoint_feed": 2, "source": "s", "batch": "b", "extracted_at": "2026-11-21T02:00:00Z", "mode": "delta"})",
                   "contactpoint_feed"},
        HeaderCase{"MissingSource",
                   R"({"contactpoint_feed": 1, "batch": "b", "extracted_at": "2026-11-21T02:00:00Z", "mode": "delta"})",
                   "source"},
        HeaderCase{"MissingBatch",
                   R"({"contactpoint_feed": 1, "source": "s", "extracted_at": "2026-11-21T02:00:00Z", "mode": "delta"})",
                   "batch"},
        HeaderCase{"BadMode",
                   R"({"contactpoint_feed": 1, "source": "s", "batch": "b", "extracted_at": "2026-11-21T02:00:00Z", "mode": "partial"})",
                   "mode"},
        HeaderCase{"LocalTime",
                   R"({"contactpoint_feed": 1, "source": "s", "batch": "b", "extracted_at": "2026-11-21T02:00:00+01:00", "mode": "delta"})",
                   "extracted_at"},
        HeaderCase{"NegativeSequence",
                   R"({"contactpoint_feed": 1, "source": "s", "batch": "b", "sequence": -1, "extracted_at": "2026-11-21T02:00:00Z", "mode": "delta"})",
                   "sequence"},
        HeaderCase{"UnknownField",
                   R"({"contactpoint_feed": 1, "source": "s", "batch": "b", "extracted_at": "2026-11-21T02:00:00Z", "mode": "delta", "comment": "x"})",
                   "comment"},
        HeaderCase{"NotJson", "contactpoint", "header"}),
    [](const ::testing::TestParamInfo<HeaderCase>& info) { return info.param.name; });

TEST(Rfc3339Test, ParsesUtcWithOptionalFraction) {
  EXPECT_EQ(core::FormatRfc3339(*ParseRfc3339Utc("t", "2026-11-21T02:00:00Z")),
            "2026-11-21T02:00:00.000Z");
  EXPECT_EQ(core::FormatRfc3339(*ParseRfc3339Utc("t", "2026-11-21T02:00:00.5Z")),
            "2026-11-21T02:00:00.500Z");
  EXPECT_EQ(core::FormatRfc3339(*ParseRfc3339Utc("t", "2024-02-29T23:59:59.123456Z")),
            "2024-02-29T23:59:59.123Z");
  for (const char* bad : {"2026-11-21", "2026-11-21T02:00:00", "2026-11-21T24:00:00Z",
                          "2026-11-21 02:00:00Z", "2026-02-30T00:00:00Z", "2026-11-21T02:00:00.Z",
                          "2026-11-21T02:60:00Z"}) {
    EXPECT_FALSE(ParseRfc3339Utc("t", bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace cp::ingest
