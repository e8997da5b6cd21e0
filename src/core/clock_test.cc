#include "core/clock.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

namespace cp::core {
namespace {

using namespace std::chrono_literals;

Timestamp At(int y, unsigned m, unsigned d, std::chrono::milliseconds tod = 0ms) {
  return std::chrono::sys_days(std::chrono::year{y} / m / d) + tod;
}

TEST(ClockTest, FormatsRfc3339WithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(At(2026, 11, 21, 2h + 3min + 4s + 5ms)), "2026-11-21T02:03:04.005Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(At(2024, 2, 29, 23h + 59min + 59s + 999ms)), "2024-02-29T23:59:59.999Z");
}

TEST(ClockTest, UnixMillisRoundTrip) {
  const Timestamp t = At(2026, 1, 2, 1234ms);
  EXPECT_EQ(FromUnixMillis(ToUnixMillis(t)), t);
  EXPECT_EQ(ToUnixMillis(FromUnixMillis(1767312001234)), 1767312001234);
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock(At(2026, 11, 22));
  const Timestamp start = clock.Now();
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(7 * 24h);
  EXPECT_EQ(clock.Now(), At(2026, 11, 29));
  clock.Set(At(2030, 1, 1));
  EXPECT_EQ(clock.Now(), At(2030, 1, 1));
}

TEST(ClockTest, SystemClockIsRecent) {
  SystemClock clock;
  EXPECT_GT(clock.Now(), At(2024, 1, 1));
}

// A thread's CPU time grows with its own work, not with time spent waiting.
TEST(ClockTest, ThreadCpuTimeCountsThisThreadsWorkOnly) {
  const Seconds cpu_start = ThreadCpuTime();
  const Seconds wall_start = MonotonicNow();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const Seconds slept = ThreadCpuTime() - cpu_start;
  EXPECT_LT(slept.count(), 0.1);  // asleep: hardly any CPU
  volatile std::uint64_t sink = 0;
  const Seconds busy_start = ThreadCpuTime();
  while (ThreadCpuTime() - busy_start < Seconds(0.05)) {
    for (int i = 0; i < 10000; ++i) sink = sink + static_cast<std::uint64_t>(i);
  }
  const Seconds wall = MonotonicNow() - wall_start;
  EXPECT_GE((ThreadCpuTime() - busy_start).count(), 0.05);
  EXPECT_GE(wall.count(), 0.25);  // the sleep and the work, at least
  EXPECT_LE((ThreadCpuTime() - cpu_start).count(), wall.count() + 0.01);
}

}  // namespace
}  // namespace cp::core
