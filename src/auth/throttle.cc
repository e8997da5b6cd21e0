#include "auth/throttle.h"

#include <algorithm>
#include <cstdint>

namespace cp::auth {

bool PinLocked(int consecutive_failures) { return consecutive_failures >= kPinLockoutFailures; }

std::chrono::seconds RequiredDelay(int consecutive_failures) {
  if (consecutive_failures < kPasswordDelayFromFailure) return std::chrono::seconds::zero();
  // Double per failure; stop shifting well before overflow, the cap rules anyway.
  const int doublings = std::min(consecutive_failures - kPasswordDelayFromFailure, 20);
  const std::chrono::seconds delay = kPasswordFirstDelay * (std::int64_t{1} << doublings);
  return std::min(delay, std::chrono::duration_cast<std::chrono::seconds>(kPasswordMaxDelay));
}

bool PasswordAttemptAllowed(int consecutive_failures, core::Timestamp last_failure_at,
                            core::Timestamp now) {
  return now >= last_failure_at + RequiredDelay(consecutive_failures);
}

}  // namespace cp::auth
