#include "storage/internal/record_json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>
#include <optional>
#include <string>
#include <utility>
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
  for (const char* expected : {"\"female\",\"2015-03-02\"", "\"local_authority\"",
                               "[\"sexual_health\"", "\"parent\",\"2021-01-04\"",
                               ",\"child_protection\"]"}) {
    EXPECT_NE(json->find(expected), std::string::npos) << expected;
  }
}

// FullChild with a given name of characters that need escaping.
domain::Child EscapedFullChild() {
  domain::Child full = FullChild(domain::ContactPointId());
  full.name.given_names = domain::PersonalText("Zo\"\\\n\t\x01\x7f");
  full.accountable.reset();  // the best view's own: source views never carry them
  full.provenance.clear();
  return full;
}

// EscapedFullChild and MinimalChild as source views were stored before the
// sixteenth session: an object with a key per field.
const std::string kFirstShapeFull =
            R"json({"address":{"lines":["12 High Street","Flat 2","Leeds"],"postcode":"LS1 4AB"},)json"
            R"json("carers":[{"contact":{"address":{"lines":["12 High Street","Leeds"],)json"
            R"json("postcode":"LS1 4AB"},"email":"jane.smith@example.org","phone":"0113 496 0000"},)json"
            R"json("name":{"family_name":"Smith","given_names":"Jane"},)json"
            R"json("parental_responsibility":true,"relationship":"mother"},)json"
            R"json({"contact":{"address":{"lines":[]}},"name":{"family_name":"Leeds City Council",)json"
            R"json("given_names":""},"parental_responsibility":true,)json"
            R"json("relationship":"local_authority"},{"contact":{},"name":{"family_name":"García",)json"
            R"json("given_names":"Tomás"},"parental_responsibility":false,)json"
            R"json("relationship":"father"}],"date_of_birth":"2015-03-02",)json"
            R"json("date_of_death":"2023-12-31","gender":"female",)json"
            R"json("identifiers":{"nhs_number":"9434765919","uln":"1234567890",)json"
            R"json("upn":"A123456789012"},"name":{"family_name":"O'Brien-Łukasiewicz",)json"
            R"json("given_names":"Zo\"\\\n\t\u0001)json" "\x7f" R"json("},)json"
            R"json("other_names":[{"family_name":"O'Brien","given_names":"Zoe Anne"},)json"
            R"json({"family_name":"Nguyễn","given_names":"Zoé"},{"family_name":"Smith",)json"
            R"json("given_names":""},{"family_name":"Παπαδοπούλου","given_names":"Σοφία"}],)json"
            R"json("services":[{"caf_holder":true,"end":"2023-07-20","lead_professional":true,)json"
            R"json("organisation":{"code":"URN:107999",)json"
            R"json("contact":{"address":{"lines":["1 School Lane","Leeds"],"postcode":"LS2 9JT"},)json"
            R"json("email":"office@leeds-primary.example","phone":"0113 496 0001"},)json"
            R"json("name":"Leeds Primary"},"practitioner":{"family_name":"Teacher",)json"
            R"json("given_names":"Ann"},)json"
            R"json("practitioner_contact":{"address":{"lines":["1 School Lane"]},)json"
            R"json("email":"ann.teacher@leeds-primary.example","phone":"0113 496 0002"},)json"
            R"json("sensitive_consent":{"date":"2021-01-04","given_by":"parent"},)json"
            R"json("sensitive_override":"child_protection","start":"2020-09-01","type":"school"},)json"
            R"json({"caf_holder":false,"lead_professional":false,"organisation":{"contact":{},)json"
            R"json("name":"Leeds Sexual Health"},"practitioner_contact":{},)json"
            R"json("sensitive_consent":{"date":"2023-04-30","given_by":"child"},)json"
            R"json("start":"2023-05-01","type":"sexual_health"},{"caf_holder":false,)json"
            R"json("lead_professional":false,"organisation":{"contact":{},"name":"CAMHS Leeds"},)json"
            R"json("practitioner_contact":{},"sensitive_override":"child_protection",)json"
            R"json("type":"mental_health"},{"caf_holder":false,"lead_professional":false,)json"
            R"json("organisation":{"code":"ODS:B86001","contact":{},"name":"Park Surgery"},)json"
            R"json("practitioner_contact":{},"type":"gp"}]})json";
const std::string kFirstShapeMinimal =
            R"json({"carers":[],"date_of_birth":"2019-06-30","gender":"unknown","identifiers":{},)json"
            R"json("name":{"family_name":"Jones","given_names":"Sam"},"other_names":[],)json"
            R"json("services":[]})json";

TEST(RecordJsonTest, AViewStoredInTheFirstShapeStillReads) {
  auto full = DecodeChildJson(kFirstShapeFull);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_TRUE(SameChild(EscapedFullChild(), *full));
  auto minimal = DecodeChildJson(kFirstShapeMinimal);
  ASSERT_TRUE(minimal.ok()) << minimal.status().ToString();
  EXPECT_TRUE(SameChild(MinimalChild(domain::ContactPointId()), *minimal));
}

// A view is a tuple (record_json.h), its lists as in a child's row, the
// nulls at its end left off.
TEST(RecordJsonTest, AViewIsStoredAsATuple) {
  EXPECT_EQ(*EncodeChildJson(MinimalChild(domain::ContactPointId())),
            R"({"view":["Sam","Jones","unknown","2019-06-30",[],[],[]]})");
  domain::Child child = MinimalChild(domain::ContactPointId());
  child.identifiers.upn = domain::PersonalText("A123456789012");
  child.address = FullChild(domain::ContactPointId()).address;
  child.other_names = {FullChild(domain::ContactPointId()).other_names[0]};
  EXPECT_EQ(*EncodeChildJson(child),
            R"({"view":["Sam","Jones","unknown","2019-06-30",[["Zoe Anne","O'Brien"]],[],[],)"
            R"(["12 High Street","Flat 2","Leeds"],"LS1 4AB",null,"A123456789012"]})");
  // Escapes as the lists' and the first shape's.
  const domain::Child escaped = EscapedFullChild();
  auto text = EncodeChildJson(escaped);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find(R"("Zo\"\\\n\t\u0001)" "\x7f" R"(")"), std::string::npos) << *text;
  EXPECT_LT(text->size() * 2, kFirstShapeFull.size()) << "tuples should be under half the size";
  auto back = DecodeChildJson(*text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(SameChild(escaped, *back));
}

// ---- A best view's lists, kept in its row ----

TEST(RecordJsonTest, AChildsListsRoundTripInOrder) {
  const domain::Child full = FullChild(domain::ContactPointId());
  auto json = EncodeChildListsJson(full);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  domain::Child back = MinimalChild(domain::ContactPointId());
  back.name = full.name;
  back.gender = full.gender;
  back.date_of_birth = full.date_of_birth;
  back.date_of_death = full.date_of_death;
  back.address = full.address;
  back.identifiers = full.identifiers;
  back.accountable = full.accountable;
  back.provenance = full.provenance;
  back.carers = {full.carers[0]};  // replaced, not added to
  ASSERT_TRUE(DecodeChildListsJson(*json, back).ok());
  EXPECT_TRUE(SameChild(full, back));
  // Nothing lists: three empty lists.
  auto empty = EncodeChildListsJson(MinimalChild(domain::ContactPointId()));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, R"({"carers":[],"other_names":[],"services":[]})");
}

// Values in a fixed order without key names; the nulls at an element's end
// are left off, those before a value are kept.
TEST(RecordJsonTest, AChildsListsAreStoredCompactly) {
  domain::Child child = MinimalChild(domain::ContactPointId());
  const domain::Child full = FullChild(domain::ContactPointId());
  child.other_names = {full.other_names[0]};
  child.carers = {full.carers[2], full.carers[1]};  // no contact; an empty address
  child.involvements = {full.involvements[3], full.involvements[2]};
  auto json = EncodeChildListsJson(child);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json,
            R"({"carers":[["Tomás","García","father",false],)"
            R"(["","Leeds City Council","local_authority",true,null,null,[]]],)"
            R"("other_names":[["Zoe Anne","O'Brien"]],)"
            R"("services":[["gp","Park Surgery",false,false,"ODS:B86001"],)"
            R"(["mental_health","CAMHS Leeds",false,false,null,null,null,null,null,null,null,)"
            R"(null,null,null,null,null,null,null,null,"child_protection"]]})");
  domain::Child back = MinimalChild(domain::ContactPointId());
  ASSERT_TRUE(DecodeChildListsJson(*json, back).ok());
  EXPECT_TRUE(SameChild(child, back));
}

TEST(RecordJsonTest, AChildsListsRefuseWhatCannotBeReadBack) {
  domain::Child child = FullChild(domain::ContactPointId());
  child.carers[1].relationship = static_cast<domain::Relationship>(250);
  auto json = EncodeChildListsJson(child);
  ASSERT_TRUE(HasCode(json, ErrorCode::kInvalidRecord));
  EXPECT_EQ(json.status().message().rfind("child.carers[1].relationship", 0), 0u)
      << json.status().message();
  child = FullChild(domain::ContactPointId());
  child.involvements[0].end = std::chrono::year{2021} / 2 / 29;
  json = EncodeChildListsJson(child);
  ASSERT_TRUE(HasCode(json, ErrorCode::kInvalidDate));
  EXPECT_EQ(json.status().message().rfind("child.involvements[0].end", 0), 0u)
      << json.status().message();
  child = FullChild(domain::ContactPointId());
  child.involvements[0].practitioner_contact.address->lines =
      core::Sensitive<std::vector<std::string>>({"Le\xc3" "eds"});
  EXPECT_TRUE(HasCode(EncodeChildListsJson(child), ErrorCode::kInvalidRecord));
}

TEST(RecordJsonTest, DamagedListsAreStoreCorruptAndNeverQuoted) {
  const std::vector<std::string> damaged = {
      "",
      "[\"Secret\"]",
      R"({"carers":[],"other_names":[]})",                       // a list missing
      R"({"carers":[],"other_names":[["Secret"]],"services":[]})",  // a family name missing
      R"({"carers":[],"other_names":[{"Secret":1}],"services":[]})",
      R"({"carers":[["A","B","aunt",true]],"other_names":[],"services":[]})",  // a code
      R"({"carers":[["A","B","mother","Secret"]],"other_names":[],"services":[]})",
      R"({"carers":[["A","B","mother",true,null,null,"Secret"]],"other_names":[],)"
      R"("services":[]})",  // address lines not a list
      R"({"carers":[],"other_names":[],"services":[["gp","X",false,false,null,"2021-02-29"]]})",
      R"({"carers":[],"other_names":[["A","B","Secret"]],"services":[]})",  // too many values
      R"({"carers":[],"other_names":[],"services":[["gp","X",false]]})",  // no CAF flag
  };
  for (const std::string& text : damaged) {
    domain::Child child = MinimalChild(domain::ContactPointId());
    const core::Status status = DecodeChildListsJson(text, child);
    EXPECT_EQ(status.code(), ErrorCode::kStoreCorrupt) << text;
    EXPECT_EQ(status.message().find("Secret"), std::string::npos) << status.message();
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
  // Wherever the text is.
  const std::string bad = "Le\xc3" "eds";  // a lead byte without its continuation
  std::vector<domain::Child> nested(5, FullChild(domain::ContactPointId()));
  nested[0].other_names[1].given_names = domain::PersonalText(bad);
  nested[1].carers[0].contact.phone = domain::PersonalText(bad);
  nested[2].involvements[3].organisation.name = bad;
  nested[3].address->lines = core::Sensitive<std::vector<std::string>>({"1 Road", bad});
  nested[4].identifiers.upn = domain::PersonalText(bad);
  for (const domain::Child& c : nested) {
    auto json = EncodeChildJson(c);
    ASSERT_TRUE(HasCode(json, ErrorCode::kInvalidRecord));
    EXPECT_EQ(json.status().message(), "child: a text field is not valid UTF-8");
  }
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
      // Tuples: not a list, too short, a bad date, lines not a list, a list
      // not a list, too long, a code nobody knows.
      R"({"view":"Secret"})",
      R"({"view":["Secret","B","male"]})",
      R"({"view":["Secret","B","male","2015-02-30",[],[],[]]})",
      R"({"view":["Secret","B","male","2015-03-02",[],[],[],"Secret"]})",
      R"({"view":["Secret","B","male","2015-03-02","Secret",[],[]]})",
      R"({"view":["Secret","B","male","2015-03-02",[],[],[],null,null,null,null,null,null,1]})",
      R"({"view":["Secret","B","male","2015-03-02",[],[["A","B","aunt",true]],[]]})",
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
  // A value of the wrong type anywhere in a well-formed document of the
  // first shape: a flag, a date, a list, a nested object. (The original key
  // keeps its place; the original value follows under a key nobody reads.)
  const std::optional<std::string> full = kFirstShapeFull;
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"parental_responsibility\":true", "\"parental_responsibility\":\"Secret\""},
           {"\"lead_professional\":", "\"lead_professional\":1,\"x\":"},
           {"\"date_of_birth\":\"", "\"date_of_birth\":7,\"y\":\""},
           {"\"other_names\":[", "\"other_names\":\"Secret\",\"w\":["},
           {"\"identifiers\":{", "\"identifiers\":[\"Secret\"],\"z\":{"},
       }) {
    std::string damaged_text = *full;
    const std::size_t at = damaged_text.find(from);
    ASSERT_NE(at, std::string::npos) << from << " in " << damaged_text;
    damaged_text.replace(at, from.size(), to);
    ASSERT_TRUE(nlohmann::json::accept(damaged_text)) << "not a type error: " << damaged_text;
    auto child = DecodeChildJson(damaged_text);
    ASSERT_TRUE(HasCode(child, ErrorCode::kStoreCorrupt)) << damaged_text;
    EXPECT_EQ(child.status().message().find("Secret"), std::string::npos);
  }
  EXPECT_TRUE(HasCode(DecodeEventsJson("{}"), ErrorCode::kStoreCorrupt));
  EXPECT_TRUE(HasCode(DecodeEventsJson("[{\"type\": \"abduction\"}]"), ErrorCode::kStoreCorrupt));
  EXPECT_TRUE(HasCode(DecodeLinesJson("lines", "[1, 2]"), ErrorCode::kStoreCorrupt));
}

// The decision and provenance encoders write JSON by hand: what they write
// must read back exactly, escapes, odd numbers and all, and be the JSON
// nlohmann would write for the same values.
TEST(RecordJsonTest, ADecisionRoundTripsThroughTheHandWrittenEncoder) {
  LinkDecision d;
  d.decision = "review";
  d.reason = "twin_rule \"quoted\" \\ back\nslash\t\x01";
  d.vector = "given_name=exact;family_name=é—𝄞";
  d.model_version = "model-1a2b";
  d.decided_by = "matcher";
  d.at = core::FromUnixMillis(1700000000123);
  d.candidate = *domain::ContactPointId::Parse("123456789018");
  for (double score : {0.0, 26.6, -3.25, 1e-7, 123456789.125, 27.0, -0.0}) {
    d.score = score;
    auto json = EncodeDecisionJson(d);
    ASSERT_TRUE(json.ok()) << json.status().ToString();
    const nlohmann::json parsed = nlohmann::json::parse(*json);  // throws if not JSON
    EXPECT_EQ(parsed["score"].get<double>(), score);
    EXPECT_EQ(parsed["reason"].get<std::string>(), d.reason);
    auto back = DecodeDecisionJson(*json);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, d) << *json;
  }
  d.candidate.reset();
  d.score = 30.5;
  auto json = EncodeDecisionJson(d);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->find("candidate"), std::string::npos);
  EXPECT_EQ(*DecodeDecisionJson(*json), d);
  EXPECT_EQ(nlohmann::json::parse(*json),
            (nlohmann::json{{"decision", d.decision}, {"reason", d.reason}, {"score", d.score},
                            {"vector", d.vector}, {"model", d.model_version},
                            {"by", d.decided_by}, {"at_ms", 1700000000123}}));
}

TEST(RecordJsonTest, TheHandWrittenEncodersRefuseTextThatIsNotUtf8) {
  LinkDecision d;
  d.decided_by = "matcher";
  for (const char* bad : {"\xff", "abc\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                          "\xe2\x82"}) {
    d.reason = bad;
    EXPECT_TRUE(HasCode(EncodeDecisionJson(d), ErrorCode::kInvalidRecord)) << bad;
    std::vector<domain::FieldProvenance> provenance = {
        {"name", domain::SourceId("gro"), domain::SourceKey(bad), domain::BatchId("b1"),
         core::FromUnixMillis(0)}};
    EXPECT_TRUE(HasCode(EncodeProvenanceJson(provenance), ErrorCode::kInvalidRecord)) << bad;
  }
  d.reason = "\xc3\xa9\xe2\x80\x94\xf0\x9d\x84\x9e";  // é — 𝄞: valid
  EXPECT_TRUE(EncodeDecisionJson(d).ok());
  d.score = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(HasCode(EncodeDecisionJson(d), ErrorCode::kInvalidRecord));
}

TEST(RecordJsonTest, ProvenanceIsTuplesOfConsecutiveFieldsOfOneSourceRecordAndReadsTheOldShapes) {
  const auto at = core::FromUnixMillis(1743386400000);
  auto from = [&](const char* field, const char* source, const char* key) {
    return domain::FieldProvenance{field, domain::SourceId(source), domain::SourceKey(key),
                                   domain::BatchId("b1"), at};
  };
  const std::vector<domain::FieldProvenance> provenance = {
      from("name", "nhs-pds", "P1"), from("gender", "nhs-pds", "P1"),
      from("upn", "school", "S1"), from("address", "nhs-pds", "P1")};
  auto json = EncodeProvenanceJson(provenance);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  // Each entry a tuple: source, key, batch, extracted_at_ms, then its fields.
  EXPECT_EQ(*json,
            "[[\"nhs-pds\",\"P1\",\"b1\",1743386400000,\"name\",\"gender\"],"
            "[\"school\",\"S1\",\"b1\",1743386400000,\"upn\"],"
            "[\"nhs-pds\",\"P1\",\"b1\",1743386400000,\"address\"]]");
  auto back = DecodeProvenanceJson(*json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, provenance);
  // Stores written before the tuples hold objects with key names.
  auto grouped = DecodeProvenanceJson(
      "[{\"batch\":\"b1\",\"extracted_at_ms\":1743386400000,\"fields\":[\"name\",\"gender\"],"
      "\"key\":\"P1\",\"source\":\"nhs-pds\"},"
      "{\"batch\":\"b1\",\"extracted_at_ms\":1743386400000,\"fields\":[\"upn\"],"
      "\"key\":\"S1\",\"source\":\"school\"},"
      "{\"batch\":\"b1\",\"extracted_at_ms\":1743386400000,\"fields\":[\"address\"],"
      "\"key\":\"P1\",\"source\":\"nhs-pds\"}]");
  ASSERT_TRUE(grouped.ok()) << grouped.status().ToString();
  EXPECT_EQ(*grouped, provenance);
  // Stores written before grouping hold one entry per field.
  auto old = DecodeProvenanceJson(
      "[{\"batch\":\"b1\",\"extracted_at_ms\":1743386400000,\"field\":\"name\",\"key\":\"P1\","
      "\"source\":\"nhs-pds\"},{\"batch\":\"b1\",\"extracted_at_ms\":1743386400000,"
      "\"field\":\"upn\",\"key\":\"S1\",\"source\":\"school\"}]");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(*old, (std::vector<domain::FieldProvenance>{from("name", "nhs-pds", "P1"),
                                                         from("upn", "school", "S1")}));
  for (const char* corrupt :
       {"[{\"fields\":[],\"source\":\"s\",\"key\":\"k\",\"batch\":\"b\",\"extracted_at_ms\":0}]",
        "[{\"fields\":\"name\",\"source\":\"s\",\"key\":\"k\",\"batch\":\"b\",\"extracted_at_ms\":0}]",
        "[{\"fields\":[1],\"source\":\"s\",\"key\":\"k\",\"batch\":\"b\",\"extracted_at_ms\":0}]",
        "[[]]", "[[\"s\",\"k\",\"b\",0]]", "[[\"s\",\"k\",\"b\",\"0\",\"name\"]]",
        "[[\"s\",\"k\",1,0,\"name\"]]", "[[\"s\",\"k\",\"b\",0,[\"name\"]]]",
        "[[\"s\",\"k\",\"b\",0.5,\"name\"]]"}) {
    EXPECT_FALSE(DecodeProvenanceJson(corrupt).ok()) << corrupt;
  }
}

TEST(RecordJsonTest, AnEmptyProvenanceIsAnEmptyList) {
  auto json = EncodeProvenanceJson({});
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, "[]");
  EXPECT_TRUE(DecodeProvenanceJson(*json)->empty());
}

}  // namespace
}  // namespace cp::storage::internal
