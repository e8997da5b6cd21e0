// search: volume_limit.h — per-user search volume limits (anti-trawling,
// DOMAIN.md section 6): at most `per_hour` searches in any rolling hour and
// `per_day` in any rolling 24 hours. A search over either is refused
// (kSearchLimitReached) and not counted.
//
// Counts live in memory, per serving process: a restart forgets them (the
// audit trail still holds every search for the misuse reports of issue 8
// item 6). Time comes from the injected clock.
//
// Thread-safe (one mutex).
#ifndef CP_SEARCH_VOLUME_LIMIT_H_
#define CP_SEARCH_VOLUME_LIMIT_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "core/clock.h"
#include "core/status.h"

namespace cp::search {

struct VolumeLimits {
  int per_hour = 60;
  int per_day = 300;
};

class VolumeLimiter {
 public:
  // Limits below 1 count as 1.
  explicit VolumeLimiter(VolumeLimits limits)
      : limits_{limits.per_hour < 1 ? 1 : limits.per_hour, limits.per_day < 1 ? 1 : limits.per_day} {}

  // Counts a search by `user` at `now`, or refuses it (kSearchLimitReached
  // saying which limit, and when the user may search again).
  core::Status Admit(std::int64_t user, core::Timestamp now);

 private:
  const VolumeLimits limits_;
  std::mutex mu_;
  // Each user's searches in the last 24 hours, oldest first.
  std::unordered_map<std::int64_t, std::deque<core::Timestamp>> recent_;  // GUARDED_BY(mu_)
};

}  // namespace cp::search

#endif  // CP_SEARCH_VOLUME_LIMIT_H_
