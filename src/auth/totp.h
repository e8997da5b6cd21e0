// auth: totp.h — the security token: time-based one-time passwords (RFC 6238).
//
// Each user's token is an authenticator app holding a 20-byte secret (the
// RFC 4226 recommended length, 160 bits, drawn from core::Random). Codes are
// HMAC-SHA-1, 6 digits, 30-second steps from the Unix epoch: what every
// authenticator app expects. The code generation is liboath's; this file adds
// the policy around it:
//   - a code is accepted for the current step and one step either side (+-30 s
//     of clock drift between the app and the server), and no further;
//   - each code is accepted once: Verify returns the time step that matched,
//     the caller stores it, and a later code whose step is at or before the
//     stored one is refused as reused (so the same code cannot be replayed in
//     its 90-second window, nor an older code after a newer one);
//   - all candidate codes in the window are computed and compared in constant
//     time, whatever the input, so timing says nothing about near misses.
// Enrolment shows the secret as unpadded base32 and as an otpauth:// URI (the
// Google Authenticator "Key URI" format) drawn as a QR code (enrolment_qr.h).
#ifndef CP_AUTH_TOTP_H_
#define CP_AUTH_TOTP_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/sensitive.h"
#include "core/status.h"

namespace cp::auth {

inline constexpr std::size_t kTotpSecretBytes = 20;
inline constexpr std::string_view kTotpIssuer = "ContactPoint";

// The raw secret key bytes (not base32). Store it encrypted; never log it.
using TotpSecret = core::Sensitive<std::string>;

// A new random secret of kTotpSecretBytes bytes.
TotpSecret GenerateTotpSecret(core::Random& random);

// RFC 4648 base32 without padding, as typed into an authenticator app.
core::Sensitive<std::string> Base32Encode(const TotpSecret& secret);

// "otpauth://totp/ContactPoint:<username>?secret=<base32>&issuer=ContactPoint",
// the username percent-encoded. It carries the secret, hence Sensitive.
core::Sensitive<std::string> OtpAuthUri(std::string_view username, const TotpSecret& secret);

struct TotpConfig {
  int digits = 6;                      // 6 to 8
  std::chrono::seconds step{30};
  int window = 1;                      // steps accepted either side of now
};

// What Verify concluded. `step` is meaningful only when accepted: the caller
// stores it as the user's last used step, in the same transaction as the
// sign-in, before answering.
struct TotpVerification {
  enum class Outcome {
    kAccepted,
    kWrongCode,  // not the code of any step in the window (or not digits)
    kReused,     // the code of a step at or before the last used one
  };
  Outcome outcome = Outcome::kWrongCode;
  std::int64_t step = 0;  // time step (Unix seconds / step) of the matched code
  int drift = 0;          // matched step minus current step: -window..+window
};

// Generates and verifies codes. Stateless; thread-safe.
class Totp {
 public:
  explicit Totp(TotpConfig config = {});

  // The time step containing `at`: floor(Unix seconds / step).
  std::int64_t StepAt(core::Timestamp at) const;

  // The code for the step containing `at` (for tests and the demo).
  // kInvalidArgument for a time before 1970 or an empty secret.
  core::StatusOr<core::Sensitive<std::string>> Generate(const TotpSecret& secret,
                                                        core::Timestamp at) const;

  // Checks `code` (digits; spaces between them are ignored) against the steps
  // around `now`. `last_used_step` is the step of the last accepted code, or
  // nullopt if the token has never been used. Errors only for a broken secret or
  // clock (kInvalidArgument) or a failing crypto library (kInternal).
  core::StatusOr<TotpVerification> Verify(const TotpSecret& secret,
                                          const core::Sensitive<std::string>& code,
                                          core::Timestamp now,
                                          std::optional<std::int64_t> last_used_step) const;

  const TotpConfig& config() const { return config_; }

 private:
  TotpConfig config_;
};

}  // namespace cp::auth

#endif  // CP_AUTH_TOTP_H_
