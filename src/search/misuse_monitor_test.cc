#include "search/misuse_monitor.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "ingest/linker.h"
#include "ingest/testing/linker_suite.h"

namespace cp::search {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::November;

const domain::Date kToday = std::chrono::year{2026} / November / std::chrono::day{21};

Criterion C(const char* text) { return core::Sensitive<std::string>(std::string(text)); }

TEST(MisuseMonitorTest, TheHardLimitIsReachedAtItsCountOverAnyTwentyFourHours) {
  core::FakeClock clock(core::FromUnixMillis(1'790'000'000'000));
  MisuseMonitor monitor(MisuseLimits{.hard_per_day = 4, .searches_without_view = 100});
  using A = MisuseMonitor::Activity;
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(monitor.Attempt(A::kSearch, 7, clock.Now())) << i;
    clock.Advance(hours(1));
  }
  EXPECT_FALSE(monitor.Attempt(A::kView, 7, clock.Now())) << "views are counted apart";
  EXPECT_FALSE(monitor.Attempt(A::kSearch, 8, clock.Now())) << "per user";
  // 24 hours after the first attempt it has aged out: still three.
  clock.Advance(hours(21));
  EXPECT_FALSE(monitor.Attempt(A::kSearch, 7, clock.Now()));
  // One millisecond before the second ages out: the fourth in 24 hours.
  clock.Advance(hours(1) - milliseconds(1));
  EXPECT_TRUE(monitor.Attempt(A::kSearch, 7, clock.Now()));
  // Once reached (and the user suspended), the count starts again: a user
  // reinstated by their User Manager is not suspended by their next search.
  EXPECT_FALSE(monitor.Attempt(A::kSearch, 7, clock.Now()));
  EXPECT_FALSE(monitor.Attempt(A::kSearch, 7, clock.Now()));
  EXPECT_FALSE(monitor.Attempt(A::kSearch, 7, clock.Now()));
  EXPECT_TRUE(monitor.Attempt(A::kSearch, 7, clock.Now()));
}

TEST(MisuseMonitorTest, SearchesWithoutAViewAlertOnTheNthInARowAndAViewStartsAgain) {
  MisuseMonitor monitor(MisuseLimits{.hard_per_day = 100, .searches_without_view = 3});
  EXPECT_FALSE(monitor.SearchedWithoutView(7));
  EXPECT_FALSE(monitor.SearchedWithoutView(7));
  monitor.Viewed(7);
  EXPECT_FALSE(monitor.SearchedWithoutView(7));
  EXPECT_FALSE(monitor.SearchedWithoutView(7));
  EXPECT_FALSE(monitor.SearchedWithoutView(8)) << "per user";
  EXPECT_TRUE(monitor.SearchedWithoutView(7));
  EXPECT_FALSE(monitor.SearchedWithoutView(7)) << "the count starts again after an alert";
}

TEST(MisuseMonitorTest, KindsHaveDistinctStableCodes) {
  std::set<std::string_view> codes;
  for (AlertKind kind : AllAlertKinds()) codes.insert(AlertKindName(kind));
  EXPECT_EQ(codes.size(), AllAlertKinds().size());
  EXPECT_EQ(AlertKindName(AlertKind::kShieldedAccess), "shielded_access");
  EXPECT_EQ(AlertKindName(AlertKind::kSuspended), "suspended");
}

class OwnSearchTest : public ingest::testing::LinkerSuite {
 protected:

  std::vector<AlertKind> Own(const std::string& display_name,
                             std::optional<std::string> home_postcode,
                             const SearchCriteria& criteria) {
    storage::UserEntry user;
    user.display_name = display_name;
    user.home_postcode = std::move(home_postcode);
    auto query = ValidateCriteria(criteria, kToday);
    EXPECT_TRUE(query.ok()) << query.status().ToString();
    return OwnSearch(user, *query, linker_->builder());
  }

};

TEST_F(OwnSearchTest, TheUsersOwnFamilyNameAsTheLinkageEngineComparesIt) {
  const std::vector<AlertKind> own{AlertKind::kOwnFamilyName};
  const auto search = [](const char* family) {
    return SearchCriteria{.given_names = C("Ann"), .family_name = C(family)};
  };
  EXPECT_EQ(Own("Jane Smith", {}, search("SMITH")), own);
  EXPECT_EQ(Own("Jane Smith", {}, search("smith")), own);
  EXPECT_EQ(Own("Jane O'Brien", {}, search("OBrien")), own) << "punctuation folded";
  EXPECT_EQ(Own("Zoë Müller", {}, search("Muller")), own) << "transliterated";
  EXPECT_EQ(Own("Jane Smith-Jones", {}, search("Jones")), own) << "either half";
  EXPECT_EQ(Own("Jane Smith-Jones", {}, search("Smith Jones")), own) << "the whole";
  EXPECT_EQ(Own("Mary Ann Smith", {}, search("Smith")), own) << "a middle name skipped";
  EXPECT_EQ(Own("Pieter van der Berg", {}, search("Berg")), own) << "particles dropped";
  EXPECT_EQ(Own("Smith", {}, search("Smith")), own) << "a one-word name";
  EXPECT_TRUE(Own("Jane Smith", {}, search("Smithson")).empty());
  EXPECT_TRUE(Own("Jane Smith", {}, search("Jane")).empty()) << "the given name is not a surname";
  EXPECT_TRUE(Own("Jane Smith", {}, {.nhs_number = C("943 476 5919")}).empty());
}

TEST_F(OwnSearchTest, TheUsersHomePostcodeWhenRecorded) {
  const SearchCriteria at_home{.family_name = C("Lee"), .postcode = C("ls1 4ab")};
  EXPECT_EQ(Own("Jane Smith", "LS1 4AB", at_home), std::vector<AlertKind>{AlertKind::kOwnAddress});
  EXPECT_TRUE(Own("Jane Smith", "LS1 4AD", at_home).empty());
  EXPECT_TRUE(Own("Jane Smith", std::nullopt, at_home).empty());
  const SearchCriteria both{.family_name = C("Smith"), .postcode = C("LS14AB")};
  EXPECT_EQ(Own("Jane Smith", "LS1 4AB", both),
            (std::vector<AlertKind>{AlertKind::kOwnFamilyName, AlertKind::kOwnAddress}));
}

}  // namespace
}  // namespace cp::search
