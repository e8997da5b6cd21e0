// auth: session.h — sign-in sessions: their tokens and when they end.
//
// A session token is 128 bits from core::Random (SecureRandom in production),
// given to the browser or API client as 22 characters of unpadded base64url.
// The store keeps only its BLAKE2b-256 hash (libsodium crypto_generichash), so
// a copy of the store does not yield usable sessions; a presented token is
// hashed and looked up by hash. A new token is issued at every sign-in, never
// reused or extended across sign-ins.
//
// SessionPolicy ends a session 15 minutes after the last request (idle) and 12
// hours after sign-in (absolute), whichever comes first. Both limits are
// half-open: a session last seen at T is still live at T + 15 min - 1 ms and
// has expired at T + 15 min. Ending every session of a suspended user, or of a
// user whose role changes, is the storage layer's job (delete by user).
#ifndef CP_AUTH_SESSION_H_
#define CP_AUTH_SESSION_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/sensitive.h"
#include "core/status.h"
#include "core/strong_id.h"

namespace cp::auth {

inline constexpr std::size_t kSessionTokenBytes = 16;         // 128 bits
inline constexpr std::size_t kSessionTokenEncodedLength = 22;  // base64url, no padding
inline constexpr std::size_t kSessionTokenHashBytes = 32;

// The stored form of a token: its hash, as 64 lowercase hex digits. Not secret
// in itself (it cannot be turned back into a token), but not for logs either.
struct SessionTokenHashTag {};
using SessionTokenHash = core::StrongId<SessionTokenHashTag, std::string>;

// A freshly issued token: `token` goes to the client once, `hash` to the store.
struct SessionToken {
  core::Sensitive<std::string> token;
  SessionTokenHash hash;
};

// Issues a new random token.
SessionToken NewSessionToken(core::Random& random);

// Hashes a token presented by a client, for lookup. kUnauthenticated (without
// saying more) when it is not 22 base64url characters.
core::StatusOr<SessionTokenHash> HashPresentedToken(const core::Sensitive<std::string>& token);

// The idle and absolute timeouts. A value type; thread-safe.
class SessionPolicy {
 public:
  enum class Verdict { kLive, kExpiredIdle, kExpiredAbsolute };

  static constexpr std::chrono::milliseconds kDefaultIdle = std::chrono::minutes(15);
  static constexpr std::chrono::milliseconds kDefaultAbsolute = std::chrono::hours(12);

  SessionPolicy() = default;
  SessionPolicy(std::chrono::milliseconds idle, std::chrono::milliseconds absolute)
      : idle_(idle), absolute_(absolute) {}

  // Whether a session created at `created_at` and last used at `last_seen` is
  // live at `now`. The absolute limit is reported first when both have passed.
  // Times in the future (clock skew between servers) count as "just now".
  Verdict Check(core::Timestamp created_at, core::Timestamp last_seen,
                core::Timestamp now) const;

  std::chrono::milliseconds idle() const { return idle_; }
  std::chrono::milliseconds absolute() const { return absolute_; }

 private:
  std::chrono::milliseconds idle_ = kDefaultIdle;
  std::chrono::milliseconds absolute_ = kDefaultAbsolute;
};

std::string_view VerdictName(SessionPolicy::Verdict verdict);

}  // namespace cp::auth

#endif  // CP_AUTH_SESSION_H_
