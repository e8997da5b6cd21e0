#include "auth/throttle.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace cp::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ThrottleTest, PinLocksAtTheTenthConsecutiveFailure) {
  EXPECT_FALSE(PinLocked(0));
  EXPECT_FALSE(PinLocked(9));
  EXPECT_TRUE(PinLocked(10));
  EXPECT_TRUE(PinLocked(11));
}

TEST(ThrottleTest, PasswordDelayDoublesFromTheFifthFailureUpTo15Minutes) {
  const struct {
    int failures;
    seconds delay;
  } cases[] = {{0, seconds(0)},    {4, seconds(0)},    {5, seconds(1)},   {6, seconds(2)},
               {7, seconds(4)},    {8, seconds(8)},    {13, seconds(256)}, {14, seconds(512)},
               {15, minutes(15)},  {16, minutes(15)},  {1000, minutes(15)}};
  for (const auto& c : cases) {
    EXPECT_EQ(RequiredDelay(c.failures), c.delay) << c.failures << " failures";
  }
}

TEST(ThrottleTest, PasswordAttemptAllowedExactlyWhenTheDelayHasPassed) {
  const core::Timestamp last = core::FromUnixMillis(1'700'000'000'000);
  core::FakeClock clock(last);
  EXPECT_TRUE(PasswordAttemptAllowed(4, last, clock.Now()));  // no delay yet
  clock.Advance(milliseconds(999));
  EXPECT_FALSE(PasswordAttemptAllowed(5, last, clock.Now()));
  clock.Advance(milliseconds(1));
  EXPECT_TRUE(PasswordAttemptAllowed(5, last, clock.Now()));
  clock.Set(last + minutes(15) - milliseconds(1));
  EXPECT_FALSE(PasswordAttemptAllowed(40, last, clock.Now()));
  clock.Set(last + minutes(15));
  EXPECT_TRUE(PasswordAttemptAllowed(40, last, clock.Now()));
}

}  // namespace
}  // namespace cp::auth
