#include "identity/sign_in.h"

#include <utility>

#include "auth/secret_rules.h"
#include "auth/throttle.h"

namespace cp::identity {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;

Status Failed() { return Status(ErrorCode::kSignInFailed, std::string(kSignInFailedMessage)); }

Status NotSignedIn() {
  return Status(ErrorCode::kUnauthenticated, "you are not signed in (or your session has ended)");
}

domain::Date Today(const core::Clock& clock) {
  return domain::Date(std::chrono::floor<std::chrono::days>(clock.Now()));
}

// What a user does to their own account (signing out, changing their
// secrets), as its audit event.
audit::Event SelfEvent(const SessionContext& context, std::string_view reason,
                       audit::Outcome outcome = audit::Outcome::kAllowed,
                       std::string_view refusal = {}) {
  audit::Event event;
  SetActors(context, event);
  event.action = reason == "sign_out" ? audit::Action::kSignOut : audit::Action::kManageUser;
  event.reason = std::string(reason);
  event.subject = "user:" + std::to_string(context.account.user.id);
  event.outcome = outcome;
  event.refusal = std::string(refusal);
  return event;
}

}  // namespace

void SetActors(const SessionContext& context, audit::Event& event) {
  event.actor = PrincipalOf(context.account);
  if (context.acting_for) event.on_behalf_of = PrincipalOf(*context.acting_for);
}

// What one sign-in attempt found, before anything is written.
struct SignInService::Attempt {
  std::string refusal;          // empty: every factor proved
  bool password_failed = false;  // counts towards the password delay
  bool pin_failed = false;       // counts towards the PIN lock
  std::optional<std::int64_t> step;  // the accepted TOTP step
};

SignInService::Attempt SignInService::Check(const SignInRequest& request,
                                            const std::optional<storage::UserEntry>& user) {
  // Both hashes are always verified, so every answer takes the same time.
  const bool usable = user && user->access_mode == "direct" && !user->password_hash.empty();
  const std::string& dummy = dummy_hash();
  const bool password_ok =
      s_.hasher.Verify(usable ? user->password_hash : dummy, request.password).value_or(false);
  const bool pin_ok =
      s_.hasher.Verify(usable ? user->pin_hash : dummy, request.pin).value_or(false);
  Attempt attempt;
  if (!usable) {
    attempt.refusal = user ? "no_it_access" : "unknown_username";
    return attempt;
  }
  const core::Timestamp now = s_.clock.Now();
  if (!auth::PasswordAttemptAllowed(user->password_failures,
                                    user->last_failure_at.value_or(core::Timestamp()), now)) {
    attempt.refusal = "password_delay";  // refused unchecked, not counted
    return attempt;
  }
  if (auth::PinLocked(user->pin_failures)) {
    attempt.refusal = "pin_locked";
    return attempt;
  }
  if (!password_ok) {
    attempt.refusal = "wrong_password";
    attempt.password_failed = true;
    return attempt;
  }
  if (!pin_ok) {
    attempt.refusal = "wrong_pin";
    attempt.pin_failed = true;
    return attempt;
  }
  if (user->totp_sealed.empty()) {
    attempt.refusal = "no_token";
    return attempt;
  }
  auto secret = s_.vault.Open(user->totp_sealed);
  if (!secret.ok()) {
    attempt.refusal = "token_unreadable";
    return attempt;
  }
  auto verified = totp_.Verify(*secret, request.code, now, user->totp_last_step);
  if (!verified.ok() || verified->outcome == auth::TotpVerification::Outcome::kWrongCode) {
    attempt.refusal = "wrong_token_code";
    attempt.password_failed = true;
    return attempt;
  }
  if (verified->outcome == auth::TotpVerification::Outcome::kReused) {
    attempt.refusal = "token_code_reused";
    attempt.password_failed = true;
    return attempt;
  }
  attempt.step = verified->step;
  return attempt;
}

const std::string& SignInService::dummy_hash() {
  std::call_once(dummy_once_, [this] {
    dummy_hash_ =
        s_.hasher.Hash(core::Sensitive<std::string>("not a password: equalises timing"))
            .value_or(std::string(auth::kDummyHash));
  });
  return dummy_hash_;
}

StatusOr<SignedIn> SignInService::SignIn(const SignInRequest& request) {
  auto name = NormaliseUsername(request.username);
  std::optional<storage::UserEntry> user;
  if (name.ok()) {
    ASSIGN_OR_RETURN(auto read, s_.store.Begin(storage::TxMode::kReadOnly));
    ASSIGN_OR_RETURN(user, read->FindUser(*name));
  }
  const Attempt attempt = Check(request, user);

  // Write the outcome against the user as now stored (another attempt may
  // have run meanwhile), with its audit entry, in one transaction.
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
  audit::Event event;
  event.action = audit::Action::kSignIn;
  event.actor = audit::Principal{audit::PrincipalKind::kUser, "anonymous", "", ""};
  std::optional<Account> account;
  if (user) {
    ASSIGN_OR_RETURN(storage::UserEntry current, tx->GetUser(user->id));
    ASSIGN_OR_RETURN(account, LoadAccount(*tx, current));
    event.actor = PrincipalOf(*account);
  }
  std::string refusal = attempt.refusal;
  const core::Timestamp now = s_.clock.Now();
  if (account) {
    storage::UserEntry& stored = account->user;
    if (attempt.password_failed) {
      ++stored.password_failures;
      stored.last_failure_at = now;
    }
    if (attempt.pin_failed) ++stored.pin_failures;
    if (attempt.step) {
      // Every factor proved: the code is used up whatever follows.
      stored.password_failures = 0;
      stored.pin_failures = 0;
      stored.last_failure_at.reset();
      stored.totp_last_step = attempt.step;
      const access::Eligibility eligibility = access::Evaluate(FactsOf(*account), Today(s_.clock));
      if (!eligibility.eligible) refusal = "not_eligible";
    }
    if (attempt.password_failed || attempt.pin_failed || attempt.step) {
      stored.updated_at = now;
      RETURN_IF_ERROR(tx->PutUser(stored).status());
    }
  }
  if (!refusal.empty()) {
    event.outcome = audit::Outcome::kRefused;
    event.refusal = refusal;
    RETURN_IF_ERROR(s_.audit.AppendIn(*tx, event).status());
    RETURN_IF_ERROR(tx->Commit());
    if (refusal == "not_eligible") {
      return Status(ErrorCode::kNotEligible,
                    "you cannot use ContactPoint at present: your User Manager can see why and "
                    "put it right");
    }
    return Failed();
  }
  auth::SessionToken token = auth::NewSessionToken(s_.random);
  storage::SessionEntry session{token.hash.value(), account->user.id, std::nullopt, now, now};
  RETURN_IF_ERROR(tx->PutSession(session));
  RETURN_IF_ERROR(s_.audit.AppendIn(*tx, event).status());
  RETURN_IF_ERROR(tx->Commit());
  return SignedIn{std::move(token.token), account->user.id, account->user.must_change_secrets,
                  now + policy_.absolute()};
}

StatusOr<SessionContext> SignInService::Authenticate(const core::Sensitive<std::string>& token) {
  auto hash = auth::HashPresentedToken(token);
  if (!hash.ok()) return NotSignedIn();
  // Most requests only read: the session is checked in a read-only
  // transaction, which waits for no writer. When the session must end or be
  // touched, everything is checked again in a write transaction and written
  // there (the session may have changed between the two).
  for (const storage::TxMode mode : {storage::TxMode::kReadOnly, storage::TxMode::kReadWrite}) {
    const bool writing = mode != storage::TxMode::kReadOnly;
    ASSIGN_OR_RETURN(auto tx, s_.store.Begin(mode));
    ASSIGN_OR_RETURN(std::optional<storage::SessionEntry> session, tx->GetSession(hash->value()));
    if (!session) return NotSignedIn();
    const core::Timestamp now = s_.clock.Now();
    const auto verdict = policy_.Check(session->created_at, session->last_seen_at, now);
    if (verdict != auth::SessionPolicy::Verdict::kLive) {
      if (!writing) continue;
      RETURN_IF_ERROR(tx->DeleteSession(session->token_hash));
      RETURN_IF_ERROR(tx->Commit());
      return Status(ErrorCode::kSessionExpired,
                    verdict == auth::SessionPolicy::Verdict::kExpiredIdle
                        ? "your session ended after 15 minutes without activity: sign in again"
                        : "your session reached its 12-hour limit: sign in again");
    }
    ASSIGN_OR_RETURN(storage::UserEntry user, tx->GetUser(session->user_id));
    ASSIGN_OR_RETURN(Account account, LoadAccount(*tx, user));
    if (!access::Evaluate(FactsOf(account), Today(s_.clock)).eligible) {
      // Access lapsed during the session (eCRB anniversary, organisation suspended).
      if (!writing) continue;
      RETURN_IF_ERROR(tx->DeleteSession(session->token_hash));
      RETURN_IF_ERROR(tx->Commit());
      return NotSignedIn();
    }
    SessionContext context{std::move(account), std::nullopt, *session};
    if (session->acting_for) {
      ASSIGN_OR_RETURN(storage::UserEntry practitioner, tx->GetUser(*session->acting_for));
      ASSIGN_OR_RETURN(Account acted, LoadAccount(*tx, practitioner));
      if (access::Evaluate(FactsOf(acted), Today(s_.clock)).eligible) {
        context.acting_for = std::move(acted);
      } else {
        context.session.acting_for.reset();  // the practitioner lapsed: act for oneself
      }
    }
    if (now - session->last_seen_at >= kTouchInterval ||
        context.session.acting_for != session->acting_for) {
      if (!writing) continue;
      context.session.last_seen_at = now;
      RETURN_IF_ERROR(tx->PutSession(context.session));
      RETURN_IF_ERROR(tx->Commit());
    }
    return context;
  }
  return core::Internal("checking a session: no transaction decided it");
}

Status SignInService::Audit(const SessionContext& context, std::string_view reason,
                            audit::Outcome outcome, std::string_view refusal) {
  return s_.audit.Append(SelfEvent(context, reason, outcome, refusal)).status();
}

Status SignInService::SignOut(const core::Sensitive<std::string>& token) {
  ASSIGN_OR_RETURN(SessionContext context, Authenticate(token));
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
  RETURN_IF_ERROR(tx->DeleteSession(context.session.token_hash));
  audit::Event event;
  SetActors(context, event);
  event.action = audit::Action::kSignOut;
  RETURN_IF_ERROR(s_.audit.AppendIn(*tx, event).status());
  return tx->Commit();
}

Status SignInService::ChangeSecrets(const SessionContext& context,
                                    const core::Sensitive<std::string>& current_password,
                                    const Secrets& replacement) {
  // The current password may be guessed no faster than at sign-in: the same
  // delay after failures, and each wrong one counted against the account.
  storage::UserEntry user;
  {
    ASSIGN_OR_RETURN(auto read, s_.store.Begin(storage::TxMode::kReadOnly));
    ASSIGN_OR_RETURN(user, read->GetUser(context.account.user.id));
  }
  const core::Timestamp now = s_.clock.Now();
  if (!auth::PasswordAttemptAllowed(user.password_failures,
                                    user.last_failure_at.value_or(core::Timestamp()), now)) {
    const Status wait(ErrorCode::kInvalidPassword,
                      "the current password was wrong too many times: wait a few minutes before trying again");
    RETURN_IF_ERROR(Audit(context, "change_own_secrets", audit::Outcome::kRefused,
                          "password_delay"));
    return wait;
  }
  ASSIGN_OR_RETURN(bool current_ok, s_.hasher.Verify(user.password_hash, current_password));
  if (!current_ok) {
    const Status wrong(ErrorCode::kInvalidPassword, "the current password is not right");
    ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
    ASSIGN_OR_RETURN(storage::UserEntry stored, tx->GetUser(user.id));
    ++stored.password_failures;
    stored.last_failure_at = now;
    stored.updated_at = now;
    RETURN_IF_ERROR(tx->PutUser(stored).status());
    RETURN_IF_ERROR(s_.audit
                        .AppendIn(*tx, SelfEvent(context, "change_own_secrets",
                                                 audit::Outcome::kRefused,
                                                 core::ErrorCodeName(wrong.code())))
                        .status());
    RETURN_IF_ERROR(tx->Commit());
    return wrong;
  }
  Status checked = Status::Ok();
  if (checked.ok()) checked = auth::ValidatePassword(replacement.password, user.username);
  if (checked.ok()) checked = auth::ValidatePin(replacement.pin);
  if (checked.ok()) {
    ASSIGN_OR_RETURN(bool same, s_.hasher.Verify(user.password_hash, replacement.password));
    if (same) {
      checked = Status(ErrorCode::kInvalidPassword,
                       "the new password must differ from the current one");
    }
  }
  if (!checked.ok()) {
    RETURN_IF_ERROR(Audit(context, "change_own_secrets", audit::Outcome::kRefused,
                          core::ErrorCodeName(checked.code())));
    return checked;
  }
  ASSIGN_OR_RETURN(std::string password_hash, s_.hasher.Hash(replacement.password));
  ASSIGN_OR_RETURN(std::string pin_hash, s_.hasher.Hash(replacement.pin));
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(storage::UserEntry stored, tx->GetUser(user.id));
  stored.password_hash = std::move(password_hash);
  stored.pin_hash = std::move(pin_hash);
  stored.must_change_secrets = false;
  stored.password_failures = 0;
  stored.last_failure_at.reset();
  stored.updated_at = s_.clock.Now();
  RETURN_IF_ERROR(tx->PutUser(stored).status());
  RETURN_IF_ERROR(s_.audit.AppendIn(*tx, SelfEvent(context, "change_own_secrets")).status());
  return tx->Commit();
}

Status SignInService::RequireReady(const SessionContext& context) {
  if (context.account.user.must_change_secrets) {
    return Status(ErrorCode::kSecretsMustChange,
                  "you signed in with temporary secrets: choose a new password and PIN first");
  }
  return Status::Ok();
}

Status SignInService::ActFor(const SessionContext& context, std::string_view practitioner) {
  RETURN_IF_ERROR(RequireReady(context));
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(std::string name, NormaliseUsername(practitioner));
  ASSIGN_OR_RETURN(std::optional<storage::UserEntry> found, tx->FindUser(name));
  Status checked = Status::Ok();
  std::optional<Account> acted;
  if (!found || found->access_mode != "mediated" ||
      found->organisation != context.account.user.organisation) {
    checked = Status(ErrorCode::kPermissionDenied,
                     "you may act only for a practitioner of your own organisation who has "
                     "mediated access (no IT access of their own)");
  } else {
    ASSIGN_OR_RETURN(acted, LoadAccount(*tx, *found));
    const access::Eligibility eligibility = access::Evaluate(FactsOf(*acted), Today(s_.clock));
    if (!eligibility.eligible) {
      checked = Status(ErrorCode::kNotEligible,
                       "that practitioner is not eligible at present: their User Manager can see "
                       "why");
    }
  }
  if (!checked.ok()) {
    tx.reset();
    RETURN_IF_ERROR(Audit(context, "start_mediated_access", audit::Outcome::kRefused,
                          core::ErrorCodeName(checked.code())));
    return checked;
  }
  storage::SessionEntry session = context.session;
  session.acting_for = acted->user.id;
  RETURN_IF_ERROR(tx->PutSession(session));
  audit::Event event;
  event.actor = PrincipalOf(context.account);
  event.on_behalf_of = PrincipalOf(*acted);
  event.action = audit::Action::kManageUser;
  event.reason = "start_mediated_access";
  event.subject = "user:" + std::to_string(acted->user.id);
  RETURN_IF_ERROR(s_.audit.AppendIn(*tx, event).status());
  return tx->Commit();
}

Status SignInService::StopActing(const SessionContext& context) {
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
  storage::SessionEntry session = context.session;
  session.acting_for.reset();
  RETURN_IF_ERROR(tx->PutSession(session));
  audit::Event event;
  SetActors(context, event);
  event.action = audit::Action::kManageUser;
  event.reason = "stop_mediated_access";
  RETURN_IF_ERROR(s_.audit.AppendIn(*tx, event).status());
  return tx->Commit();
}

}  // namespace cp::identity
