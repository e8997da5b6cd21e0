// auth: who is signing in. Passwords, PINs, TOTP security tokens, sessions and
// the throttling that slows guessing. This module holds the pure rules and the
// cryptography; persisting credentials and counters is the storage module's job.
//
// secret_rules.h: what a user may choose as a password or a PIN.
//
// Passwords follow NIST SP 800-63B section 5.1.1: length is what counts, so there
// are no composition rules (no "one digit and one symbol"), every Unicode
// character including spaces is allowed, and length is counted in code points.
//   - 12 to 128 code points (NIST asks for at least 8 and allows at least 64; 12
//     because ContactPoint guards data on 11 million children, 128 so that
//     passphrases fit while bounding the work of hashing);
//   - valid UTF-8 with no control characters (they cannot be typed reliably);
//   - not one character repeated ("aaaaaaaaaaaa"), and not containing the
//     username (NIST: "repetitive characters" and "context-specific words").
// A breached-password list check (also NIST) needs a list; it is left to the
// caller through `ValidatePassword`'s `is_known_breached` hook.
//
// PINs are the second knowledge factor typed at sign-in: 6 to 8 ASCII digits,
// not one digit repeated ("000000") and not a run up or down ("123456",
// "98765432"). A PIN is weak by nature; the lockout after 10 failures
// (throttle.h) is what protects it, not its length.
//
// Errors carry kInvalidPassword or kInvalidPin and say which rule failed, never
// the value. Free functions; thread-safe.
#ifndef CP_AUTH_SECRET_RULES_H_
#define CP_AUTH_SECRET_RULES_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/sensitive.h"
#include "core/status.h"

namespace cp::auth {

inline constexpr std::size_t kMinPasswordLength = 12;   // code points
inline constexpr std::size_t kMaxPasswordLength = 128;  // code points
inline constexpr std::size_t kMinPinLength = 6;
inline constexpr std::size_t kMaxPinLength = 8;

// Returns true when the candidate appears in a list of breached or common
// passwords. Optional; may be empty.
using BreachedPasswordCheck = std::function<bool(const core::Sensitive<std::string>&)>;

// Checks a new password for `username`. kInvalidPassword names the broken rule.
core::Status ValidatePassword(const core::Sensitive<std::string>& password,
                              std::string_view username,
                              const BreachedPasswordCheck& is_known_breached = {});

// Checks a new PIN. kInvalidPin names the broken rule.
core::Status ValidatePin(const core::Sensitive<std::string>& pin);

}  // namespace cp::auth

#endif  // CP_AUTH_SECRET_RULES_H_
