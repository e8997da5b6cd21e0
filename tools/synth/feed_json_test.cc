#include "synth/feed_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <variant>

#include "ingest/parser.h"
#include "synth/identifiers.h"

namespace cp::synth {
namespace {

using domain::PersonalText;

domain::Child SampleChild() {
  domain::Child child;
  child.name = {PersonalText("Amelia Rose"), PersonalText("O'Brien \"Q\"")};
  child.gender = domain::Gender::kFemale;
  child.date_of_birth = core::Sensitive<domain::Date>(
      domain::Date{std::chrono::year{2015}, std::chrono::March, std::chrono::day{2}});
  domain::Address address;
  address.lines = core::Sensitive<std::vector<std::string>>({"12 High Street", "Leeds\\North"});
  address.postcode = PersonalText("LS1 4AB");
  child.address = address;
  child.identifiers.nhs_number = PersonalText("9434765919");
  domain::Involvement camhs;
  camhs.type = domain::ServiceType::kMentalHealth;
  camhs.organisation.name = "Leeds CAMHS";
  camhs.practitioner = domain::PersonName{PersonalText("Jo"), PersonalText("Bloggs")};
  camhs.practitioner_contact.email = PersonalText("jo@example.org");
  camhs.consent = domain::SensitiveConsent{domain::SensitiveConsent::GivenBy::kChild,
                                           child.date_of_birth.Reveal()};
  child.involvements.push_back(camhs);
  return child;
}

TEST(FeedJsonTest, HeaderLineIsTheSpecifiedHeader) {
  std::string out;
  AppendHeaderLine({"gro-births", "b-1", 3, "2025-03-31T02:00:00Z", false}, out);
  EXPECT_EQ(out,
            "{\"contactpoint_feed\":1,\"source\":\"gro-births\",\"batch\":\"b-1\","
            "\"sequence\":3,\"extracted_at\":\"2025-03-31T02:00:00Z\",\"mode\":\"delta\"}\n");
}

TEST(FeedJsonTest, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  AppendJsonString("a\"b\\c\n\x01\xC3\xA9", out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\xC3\xA9\"");
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), "a\"b\\c\n\x01\xC3\xA9");
}

TEST(FeedJsonTest, UpsertLineHoldsEveryFieldInSpecOrder) {
  FeedRecord record;
  record.key = "K-1";
  record.child = SampleChild();
  record.events.push_back({domain::SourceEvent::Type::kAdoption, std::nullopt});
  std::string out;
  AppendRecordLine(record, out);
  ASSERT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1);
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["key"], "K-1");
  EXPECT_EQ(j["op"], "upsert");
  EXPECT_EQ(j["child"]["family_name"], "O'Brien \"Q\"");
  EXPECT_EQ(j["child"]["address"]["lines"][1], "Leeds\\North");
  EXPECT_EQ(j["child"]["date_of_birth"], "2015-03-02");
  EXPECT_EQ(j["child"]["identifiers"]["nhs_number"], "9434765919");
  EXPECT_TRUE(j["child"]["date_of_death"].is_null());
  EXPECT_EQ(j["services"][0]["type"], "mental_health");
  EXPECT_EQ(j["services"][0]["sensitive_consent"]["given_by"], "child");
  EXPECT_EQ(j["services"][0]["practitioner"]["email"], "jo@example.org");
  EXPECT_EQ(j["events"][0], nlohmann::json({{"type", "adoption"}}));
  EXPECT_LT(out.find("\"key\""), out.find("\"op\""));
  EXPECT_LT(out.find("\"child\""), out.find("\"carers\""));
  EXPECT_LT(out.find("\"services\""), out.find("\"events\""));
}

// What the writer writes, the ingest parser reads back field for field.
TEST(FeedJsonTest, RoundTripsThroughTheFeedParser) {
  FeedRecord record;
  record.key = "K-3";
  record.child = SampleChild();
  record.child.name.family_name = PersonalText("O'Brien");  // quotes are escaped, not valid
  record.child.other_names.push_back({PersonalText("Amy"), PersonalText("Jones")});
  record.child.identifiers.upn = PersonalText(SyntheticUpn(801, 1));
  domain::Carer council;
  council.name = {PersonalText(""), PersonalText("Leeds Council")};
  council.relationship = domain::Relationship::kLocalAuthority;
  council.parental_responsibility = true;
  record.child.carers.push_back(council);
  domain::Carer mother;
  mother.name = {PersonalText("Jane"), PersonalText("Smith")};
  mother.relationship = domain::Relationship::kMother;
  mother.contact.phone = PersonalText("07700 900123");
  mother.contact.email = PersonalText("jane@example.com");
  record.child.carers.push_back(mother);
  domain::Involvement school;
  school.type = domain::ServiceType::kSchool;
  school.organisation.name = "Oakfield Primary School, Leeds";
  school.organisation.code = "URN:100001";
  school.organisation.contact.address = record.child.address;
  school.start = domain::Date{std::chrono::year{2019}, std::chrono::September, std::chrono::day{4}};
  school.end = domain::Date{std::chrono::year{2024}, std::chrono::July, std::chrono::day{19}};
  record.child.involvements.push_back(school);
  domain::Involvement override_camhs = record.child.involvements.front();
  override_camhs.consent.reset();
  override_camhs.override_ground = domain::SensitiveOverride::kChildProtection;
  record.child.involvements.push_back(override_camhs);
  record.child.date_of_death =
      domain::Date{std::chrono::year{2024}, std::chrono::May, std::chrono::day{1}};
  record.events.push_back({domain::SourceEvent::Type::kDeath, record.child.date_of_death});

  std::string header_line, line;
  AppendHeaderLine({"gro-births", "b-1", 1, "2025-03-31T02:00:00Z", false}, header_line);
  AppendRecordLine(record, line);
  header_line.pop_back();
  line.pop_back();
  ingest::LineParser parser;
  auto header = parser.ParseHeader(header_line);
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  auto parsed = parser.ParseRecord(line, 2, *header);
  const auto* rejection = std::get_if<ingest::Rejection>(&parsed);
  ASSERT_EQ(rejection, nullptr) << rejection->field << ": " << rejection->reason;
  const auto& back = std::get<ingest::FeedRecord>(parsed);
  EXPECT_EQ(back.key.value(), "K-3");
  EXPECT_EQ(back.child, record.child);
  EXPECT_EQ(back.events, record.events);
}

TEST(FeedJsonTest, WithdrawLineHoldsOnlyKeyAndOp) {
  FeedRecord record;
  record.key = "K-2";
  record.op = FeedRecord::Op::kWithdraw;
  record.child = SampleChild();
  std::string out;
  AppendRecordLine(record, out);
  EXPECT_EQ(out, "{\"key\":\"K-2\",\"op\":\"withdraw\"}\n");
}

}  // namespace
}  // namespace cp::synth
