#include "search/volume_limit.h"

#include <gtest/gtest.h>

namespace cp::search {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TEST(VolumeLimitTest, TheHourlyLimitRefusesTheNextSearchUntilTheOldestIsAnHourOld) {
  core::FakeClock clock(core::FromUnixMillis(1'790'000'000'000));
  VolumeLimiter limiter(VolumeLimits{.per_hour = 3, .per_day = 100});
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.Admit(7, clock.Now()).ok()) << i;
    clock.Advance(minutes(10));
  }
  const core::Status refused = limiter.Admit(7, clock.Now());  // 30 minutes in
  EXPECT_EQ(refused.code(), core::ErrorCode::kSearchLimitReached);
  EXPECT_NE(refused.message().find("at most 3 searches in an hour"), std::string::npos);
  EXPECT_TRUE(limiter.Admit(8, clock.Now()).ok()) << "limits are per user";
  clock.Advance(minutes(30) - std::chrono::milliseconds(1));  // 1 ms before the first ages out
  EXPECT_FALSE(limiter.Admit(7, clock.Now()).ok());
  clock.Advance(std::chrono::milliseconds(1));
  EXPECT_TRUE(limiter.Admit(7, clock.Now()).ok());
}

TEST(VolumeLimitTest, TheDailyLimitCountsRollingTwentyFourHours) {
  core::FakeClock clock(core::FromUnixMillis(1'790'000'000'000));
  VolumeLimiter limiter(VolumeLimits{.per_hour = 100, .per_day = 4});
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(limiter.Admit(7, clock.Now()).ok());
    clock.Advance(hours(2));
  }
  EXPECT_EQ(limiter.Admit(7, clock.Now()).code(), core::ErrorCode::kSearchLimitReached);
  clock.Advance(hours(16));  // 24 h after the first
  EXPECT_TRUE(limiter.Admit(7, clock.Now()).ok());
}

// A search made while the clock reads earlier than a previous one (the
// system clock stepped back, or a concurrent search read it a moment before)
// counts as made at the latest time seen: every search of the last hour
// still counts, whatever order the times came in.
TEST(VolumeLimitTest, ASearchAtAnEarlierClockReadingCountsAtTheLatestTimeSeen) {
  const core::Timestamp t0 = core::FromUnixMillis(1'790'000'000'000);
  VolumeLimiter limiter(VolumeLimits{.per_hour = 3, .per_day = 100});
  EXPECT_TRUE(limiter.Admit(7, t0 + minutes(30)).ok());
  EXPECT_TRUE(limiter.Admit(7, t0).ok());  // the clock stepped back 30 minutes
  EXPECT_TRUE(limiter.Admit(7, t0 + minutes(40)).ok());
  // 80 minutes in: all three count as made in the last hour.
  EXPECT_EQ(limiter.Admit(7, t0 + minutes(80)).code(), core::ErrorCode::kSearchLimitReached);
  // 91 minutes in: the first two (at minute 30) are over an hour old.
  EXPECT_TRUE(limiter.Admit(7, t0 + minutes(91)).ok());
}

}  // namespace
}  // namespace cp::search
