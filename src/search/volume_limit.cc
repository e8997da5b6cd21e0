#include "search/volume_limit.h"

#include <algorithm>
#include <chrono>

namespace cp::search {

core::Status VolumeLimiter::Admit(std::int64_t user, core::Timestamp now) {
  using std::chrono::hours;
  std::lock_guard<std::mutex> lock(mu_);
  std::deque<core::Timestamp>& times = recent_[user];
  while (!times.empty() && times.front() <= now - hours(24)) times.pop_front();
  // Oldest first: the last hour's searches are a suffix (found in log time).
  const auto in_hour = times.end() - std::partition_point(times.begin(), times.end(),
                                                          [&](core::Timestamp t) {
                                                            return t <= now - hours(1);
                                                          });
  const auto limit_message = [&](int limit, const char* window, core::Timestamp again) {
    const auto minutes =
        std::chrono::duration_cast<std::chrono::minutes>(again - now).count() + 1;
    return core::Status(core::ErrorCode::kSearchLimitReached,
                        "search limit reached: at most " + std::to_string(limit) +
                            " searches " + window + " per user (anti-trawling); you may search "
                            "again in " + std::to_string(minutes) +
                            " minutes. Your ContactPoint Manager can see this refusal");
  };
  if (static_cast<int>(times.size()) >= limits_.per_day) {
    return limit_message(limits_.per_day, "in 24 hours",
                         times[times.size() - limits_.per_day] + hours(24));
  }
  if (in_hour >= limits_.per_hour) {
    return limit_message(limits_.per_hour, "in an hour",
                         times[times.size() - limits_.per_hour] + hours(1));
  }
  // Kept in order (the count of the last hour above relies on it) even if
  // the clock steps back or a concurrent search read it a moment earlier.
  times.push_back(times.empty() ? now : std::max(now, times.back()));
  return core::Status::Ok();
}

}  // namespace cp::search
