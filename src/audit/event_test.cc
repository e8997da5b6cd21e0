#include "audit/event.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "audit/testing/audit_fixture.h"

namespace cp::audit {
namespace {

using testing::ChildId;
using testing::SampleEvent;
using testing::ViewEvent;

const core::Timestamp kAt = core::FromUnixMillis(1'760'000'000'123);

TEST(EventTest, TheLeafIsCompactJsonWithSortedKeys) {
  Event e = ViewEvent("u-1", ChildId(1));
  e.on_behalf_of = Principal{PrincipalKind::kUser, "gmc-7654321", "gp", "nhs-a81001"};
  const std::string leaf = EncodeLeaf(kAt, e);
  EXPECT_EQ(leaf,
            "{\"action\":\"view_record\",\"actor\":{\"id\":\"u-1\",\"kind\":\"user\","
            "\"organisation\":\"la-380\",\"role\":\"practitioner\"},\"at\":1760000000123,"
            "\"children\":[\"" +
                ChildId(1).ToString() +
                "\"],\"on_behalf_of\":{\"id\":\"gmc-7654321\",\"kind\":\"user\","
                "\"organisation\":\"nhs-a81001\",\"role\":\"gp\"},\"outcome\":\"allowed\","
                "\"reason\":\"child_protection\",\"v\":1}");
}

TEST(EventTest, EncodingIsDeterministicAndRoundTrips) {
  for (std::int64_t n = 0; n < 60; ++n) {
    const Event e = SampleEvent(n);
    ASSERT_TRUE(Validate(e).ok()) << n;
    const std::string leaf = EncodeLeaf(kAt, e);
    EXPECT_EQ(leaf, EncodeLeaf(kAt, e));
    auto back = DecodeLeaf(n, leaf);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->index, n);
    EXPECT_EQ(back->at, kAt);
    EXPECT_EQ(back->event, e);
  }
}

TEST(EventTest, ARefusalRecordsWhy) {
  Event e = ViewEvent("u-1", ChildId(1));
  e.outcome = Outcome::kRefused;
  e.refusal = "shielded_record";
  auto back = DecodeLeaf(0, EncodeLeaf(kAt, e));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->event.outcome, Outcome::kRefused);
  EXPECT_EQ(back->event.refusal, "shielded_record");
}

TEST(EventTest, ABatchLoadRecordsItsSubjectAndCountsCanonically) {
  Event e;
  e.actor = Principal{PrincipalKind::kSourceSystem, "gro-births", "", ""};
  e.action = Action::kApplyFeed;
  e.subject = "2026-11-21-0001";
  e.counts = {{"accepted", 3}, {"created", 2}, {"rejected", 1}};
  ASSERT_TRUE(Validate(e).ok());
  const std::string leaf = EncodeLeaf(kAt, e);
  EXPECT_EQ(leaf,
            "{\"action\":\"apply_feed\",\"actor\":{\"id\":\"gro-births\",\"kind\":"
            "\"source_system\"},\"at\":1760000000123,\"children\":[],\"counts\":{\"accepted\":3,"
            "\"created\":2,\"rejected\":1},\"outcome\":\"allowed\",\"subject\":\"2026-11-21-0001\","
            "\"v\":1}");
  auto back = DecodeLeaf(0, leaf);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->event, e);

  Event unsorted = e;
  unsorted.counts = {{"rejected", 1}, {"accepted", 3}};
  EXPECT_FALSE(Validate(unsorted).ok());
  Event repeated = e;
  repeated.counts = {{"accepted", 1}, {"accepted", 3}};
  EXPECT_FALSE(Validate(repeated).ok());
  Event negative = e;
  negative.counts = {{"accepted", -1}};
  EXPECT_FALSE(Validate(negative).ok());
  Event spaced = e;
  spaced.subject = "Amelia Smith";  // a name cannot pass as a subject
  EXPECT_FALSE(Validate(spaced).ok());
}

TEST(EventTest, EventsThatCouldCarryPersonalDataOrNonsenseAreRefused) {
  struct Case {
    std::string name;
    std::function<void(Event&)> change;
  };
  const std::vector<Case> cases = {
      {"actor without id", [](Event& e) { e.actor.id.clear(); }},
      {"actor id with a space (a name)", [](Event& e) { e.actor.id = "Jane Smith"; }},
      {"actor id with a quote", [](Event& e) { e.actor.id = "u\"1"; }},
      {"overlong actor id", [](Event& e) { e.actor.id = std::string(65, 'a'); }},
      {"role not a code", [](Event& e) { e.actor.role = "Head Teacher"; }},
      {"organisation with spaces", [](Event& e) { e.actor.organisation = "Leeds City"; }},
      {"free-text reason", [](Event& e) { e.reason = "bruises seen on Tuesday"; }},
      {"refused without why", [](Event& e) { e.outcome = Outcome::kRefused; }},
      {"allowed with a refusal", [](Event& e) { e.refusal = "no_reason_given"; }},
      {"unassigned child", [](Event& e) { e.children.push_back(domain::ContactPointId()); }},
      {"mediator without id", [](Event& e) { e.on_behalf_of = Principal{}; }},
      {"unknown action", [](Event& e) { e.action = static_cast<Action>(999); }},
      {"unknown outcome", [](Event& e) { e.outcome = static_cast<Outcome>(9); }},
  };
  for (const Case& c : cases) {
    Event e = ViewEvent("u-1", ChildId(1));
    c.change(e);
    const core::Status s = Validate(e);
    EXPECT_EQ(s.code(), core::ErrorCode::kInvalidAuditEvent) << c.name;
    // The message names the field and rule, never the value.
    EXPECT_EQ(s.message().find("Jane"), std::string::npos) << c.name;
    EXPECT_EQ(s.message().find("bruises"), std::string::npos) << c.name;
  }
}

TEST(EventTest, DecodingRefusesAnythingButACanonicalValidLeaf) {
  const std::string good = EncodeLeaf(kAt, ViewEvent("u-1", ChildId(1)));
  std::string spaced = good;
  spaced.insert(1, " ");
  std::string bad_check = good;
  const std::string id = ChildId(1).ToString();
  std::string wrong_id = id;
  wrong_id.back() = wrong_id.back() == '0' ? '1' : '0';
  bad_check.replace(bad_check.find(id), id.size(), wrong_id);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not json"},
      {"array", "[1]"},
      {"extra whitespace", spaced},
      {"wrong version", std::string(good).replace(good.find("\"v\":1"), 5, "\"v\":2")},
      {"unknown action", std::string(good).replace(good.find("view_record"), 11, "view_xecord")},
      {"child failing its check digit", bad_check},
      {"missing field", "{\"action\":\"view_record\",\"v\":1}"},
      {"truncated", good.substr(0, good.size() - 1)},
  };
  for (const auto& [name, leaf] : cases) {
    auto decoded = DecodeLeaf(7, leaf);
    ASSERT_FALSE(decoded.ok()) << name;
    EXPECT_EQ(decoded.status().code(), core::ErrorCode::kAuditTampered) << name;
    EXPECT_NE(decoded.status().message().find("entry 7"), std::string::npos) << name;
  }
}

TEST(EventTest, ActionNamesAreUniqueAndParseBack) {
  std::set<std::string_view> names;
  for (Action a : AllActions()) {
    EXPECT_TRUE(names.insert(ActionName(a)).second) << ActionName(a);
    auto parsed = ParseAction(ActionName(a));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, a);
  }
  EXPECT_EQ(ParseAction("frobnicate").status().code(), core::ErrorCode::kInvalidAuditEvent);
}

}  // namespace
}  // namespace cp::audit
