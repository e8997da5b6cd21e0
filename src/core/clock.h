// Time, injected. Nothing in ContactPoint reads the system clock directly:
// every component takes a Clock&, so retention and review rules ("archive on the
// 18th birthday", "review within 7 days") are tested at their exact boundaries.
#ifndef CP_CORE_CLOCK_H_
#define CP_CORE_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace cp::core {

// A point in time, UTC, to the millisecond (the resolution of the audit trail).
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// Milliseconds since 1970-01-01T00:00:00Z, the form stored in databases.
inline std::int64_t ToUnixMillis(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromUnixMillis(std::int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}

// RFC 3339 UTC with milliseconds: "2026-11-21T02:00:00.000Z".
std::string FormatRfc3339(Timestamp t);

// The source of the current time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The real clock (std::chrono::system_clock).
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that only moves when told to; for tests. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_ms_(ToUnixMillis(start)) {}
  Timestamp Now() const override { return FromUnixMillis(now_ms_.load()); }
  void Set(Timestamp t) { now_ms_.store(ToUnixMillis(t)); }
  void Advance(std::chrono::milliseconds d) { now_ms_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

// How long a step took, for operational reports (a feed load's timings):
// never a point in time. MonotonicNow is std::chrono::steady_clock since an
// arbitrary start; ThreadCpuTime is the CPU time the calling thread has used
// so far (user and system).
using Seconds = std::chrono::duration<double>;
Seconds MonotonicNow();
Seconds ThreadCpuTime();

}  // namespace cp::core

#endif  // CP_CORE_CLOCK_H_
