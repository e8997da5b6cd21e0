// Signing in and sessions (DOMAIN.md section 5; issue 7 item 3).
//
// Sign-in needs all four factors: username, password, PIN and a TOTP code
// from the user's token. Every attempt, whatever its outcome, verifies a
// password and a PIN hash (dummy hashes for an unknown user) and gives the
// same answer: one message, in the same time, so nobody learns whether a
// username exists or which factor was wrong. The audit log records the
// real outcome.
//
// Throttling (auth/throttle.h): from the 5th consecutive password (or token
// code) failure an attempt within the growing delay is refused unchecked;
// 10 consecutive PIN failures lock the PIN until a User Manager resets it.
// A TOTP code is accepted once (±1 step of 30 s).
//
// Only after all four factors are proved does the answer differ: an
// ineligible user (suspended, eCRB lapsed, organisation not accredited...)
// is told to contact their User Manager, who sees why.
//
// Sessions: a new random 128-bit token at every sign-in, stored only as its
// hash; 15 minutes idle and 12 hours absolute; ended by sign-out, and by the
// directory when the user is suspended, revoked, reset or changes role. The
// last-seen time is written at most every kTouchInterval, so the idle
// timeout may end a session up to that much early, never late.
//
// Thread-safe when the Store is.
#ifndef CP_IDENTITY_SIGN_IN_H_
#define CP_IDENTITY_SIGN_IN_H_

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/session.h"
#include "auth/totp.h"
#include "identity/directory.h"

namespace cp::identity {

struct SignInRequest {
  std::string username;
  core::Sensitive<std::string> password;
  core::Sensitive<std::string> pin;
  core::Sensitive<std::string> code;  // from the security token
};

struct SignedIn {
  core::Sensitive<std::string> token;  // the bearer token; shown once
  std::int64_t user_id = 0;
  bool must_change_secrets = false;
  core::Timestamp absolute_expiry;
};

// A live session, as an authenticated request sees it.
struct SessionContext {
  Account account;
  std::optional<Account> acting_for;  // mediated access
  storage::SessionEntry session;
};

// The actor of an authenticated request and, for mediated access, the
// practitioner acted for: what every audit event of the request carries.
void SetActors(const SessionContext& context, audit::Event& event);

inline constexpr std::chrono::seconds kTouchInterval{30};

// The one message of every failed sign-in.
inline constexpr std::string_view kSignInFailedMessage =
    "sign-in failed: check your username, password, PIN and token code. After repeated "
    "failures you must wait before trying again; a locked PIN is reset by your User Manager";

class SignInService {
 public:
  SignInService(Services services, auth::Totp totp = auth::Totp(),
                auth::SessionPolicy policy = auth::SessionPolicy())
      : s_(services), totp_(totp), policy_(policy) {}

  // kSignInFailed (one message) or kNotEligible; audited either way.
  core::StatusOr<SignedIn> SignIn(const SignInRequest& request);

  // The session of a bearer token. kUnauthenticated when there is none (or
  // the user may no longer sign in: the session is ended), kSessionExpired
  // when it timed out (ended too).
  core::StatusOr<SessionContext> Authenticate(const core::Sensitive<std::string>& token);

  // Ends the session; audited. Ending an unknown token is kUnauthenticated.
  core::Status SignOut(const core::Sensitive<std::string>& token);

  // The user replaces their password and PIN (needed after temporary
  // secrets), proving the current password. Audited.
  core::Status ChangeSecrets(const SessionContext& context,
                             const core::Sensitive<std::string>& current_password,
                             const Secrets& replacement);

  // Mediated access: from now on the session acts for `practitioner`, a user
  // of the same organisation with mediated access who is eligible. Audited
  // with both. StopActing returns to acting for oneself.
  core::Status ActFor(const SessionContext& context, std::string_view practitioner);
  core::Status StopActing(const SessionContext& context);

  // kSecretsMustChange while the user still has temporary secrets: every
  // action but changing them and signing out is refused.
  static core::Status RequireReady(const SessionContext& context);

  const auth::SessionPolicy& policy() const { return policy_; }

 private:
  struct Attempt;
  Attempt Check(const SignInRequest& request, const std::optional<storage::UserEntry>& user);
  // A hash made with the service's own parameters, verified in place of a
  // missing one so that every attempt costs the same.
  const std::string& dummy_hash();
  core::Status Audit(const SessionContext& context, std::string_view reason,
                     audit::Outcome outcome = audit::Outcome::kAllowed,
                     std::string_view refusal = "");

  Services s_;
  auth::Totp totp_;
  auth::SessionPolicy policy_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace cp::identity

#endif  // CP_IDENTITY_SIGN_IN_H_
