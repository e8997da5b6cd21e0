// auth: throttle.h — slowing and stopping guessing, as pure functions over the
// per-user counters the store keeps (consecutive failures, time of the last).
//
// PIN: locked after 10 consecutive failures. A locked PIN stays locked until a
// User Manager resets it (a reset never bypasses the security token). A
// success resets the count.
//
// Password: no delay for the first 4 consecutive failures (typing mistakes),
// then a delay that doubles from the 5th: after the 5th failure the next
// attempt must wait 1 s, after the 6th 2 s, the 7th 4 s, ... capped at 15
// minutes (reached after the 15th failure: 2^10 s would exceed it). The delay
// never locks the account outright, so an attacker cannot lock a user out, yet
// online guessing is limited to a few hundred attempts a day per account. A
// success resets the count.
//
// An attempt that arrives during the delay is refused without checking the
// credentials, with the same answer as a wrong password, and is not counted as
// another failure. Unknown usernames get the same answers (no enumeration).
// Free functions; thread-safe.
#ifndef CP_AUTH_THROTTLE_H_
#define CP_AUTH_THROTTLE_H_

#include <chrono>

#include "core/clock.h"

namespace cp::auth {

inline constexpr int kPinLockoutFailures = 10;
inline constexpr int kPasswordDelayFromFailure = 5;
inline constexpr std::chrono::seconds kPasswordFirstDelay{1};
inline constexpr std::chrono::seconds kPasswordMaxDelay = std::chrono::minutes(15);

// True when `consecutive_failures` PIN failures lock the PIN.
bool PinLocked(int consecutive_failures);

// How long after the last failure the next password attempt must wait.
std::chrono::seconds RequiredDelay(int consecutive_failures);

// True when a password attempt at `now` may be checked, given the count of
// consecutive failures and the time of the last one.
bool PasswordAttemptAllowed(int consecutive_failures, core::Timestamp last_failure_at,
                            core::Timestamp now);

}  // namespace cp::auth

#endif  // CP_AUTH_THROTTLE_H_
