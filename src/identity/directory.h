// The Directory: organisations and users as the store keeps them, and the
// User Manager's operations on them (DOMAIN.md section 5; issue 7).
//
// Every operation is done by a named manager (Actor) and runs in one store
// transaction together with its audit entry: it happens and is audited, or
// neither. A refusal (out of scope, wrong role, a rule broken) changes nothing
// and is audited too. Management roles act only inside their own
// organisation, or for a local authority also on the organisations it is
// accountable for (access::CanManage); a national administrator acts
// anywhere. A manager must themselves be eligible to act.
//
// Secrets: passwords and PINs are stored as Argon2id hashes, the token's
// TOTP secret sealed by the TokenVault. Temporary secrets (from creation or
// a reset) are shown once and must be changed at the first sign-in. A reset
// never touches the token: signing in still needs a code from it.
//
// Thread-safe when the Store is; the borrowed services must outlive it.
#ifndef CP_IDENTITY_DIRECTORY_H_
#define CP_IDENTITY_DIRECTORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/eligibility.h"
#include "access/organisation.h"
#include "access/roles.h"
#include "audit/audit_log.h"
#include "auth/secret_hasher.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/sensitive.h"
#include "core/status.h"
#include "identity/token_vault.h"
#include "storage/store.h"

namespace cp::identity {

// What the directory borrows.
struct Services {
  storage::Store& store;
  audit::AuditLog& audit;
  const core::Clock& clock;
  core::Random& random;
  const auth::SecretHasher& hasher;
  const TokenVault& vault;
};

// A user with their organisation, as decisions need them.
struct Account {
  storage::UserEntry user;
  access::Organisation organisation;
  access::Role role = access::Role::kHeadTeacher;
};

// Converts store rows; kStoreCorrupt when a stored code is unknown.
core::StatusOr<access::Organisation> OrganisationOf(const storage::OrganisationEntry& entry);
core::StatusOr<Account> LoadAccount(storage::Transaction& tx, const storage::UserEntry& user);
// The eligibility facts of an account (a mediated practitioner needs no token).
access::UserFacts FactsOf(const Account& account);
// Who acted, for the audit log: "user:<id>" with role and organisation codes.
audit::Principal PrincipalOf(const Account& account);

// Lower-cases and checks a username: 3 to 64 of a-z 0-9 . _ - , starting
// with a letter. kInvalidUsername says what to fix.
core::StatusOr<std::string> NormaliseUsername(std::string_view username);

// A password and PIN, shown once.
struct Secrets {
  core::Sensitive<std::string> password;
  core::Sensitive<std::string> pin;
};

// A random password (4 groups of 4 letters and digits) and an 8-digit PIN
// that pass the secret rules.
Secrets GenerateSecrets(core::Random& random, std::string_view username);

// What a manager sees of a user: no secret, no hash.
struct UserView {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string organisation;
  std::string organisation_name;
  std::string role;
  std::string access_mode;
  std::string account_state;
  bool nominated = false;
  std::optional<domain::Date> training_completed;
  std::optional<domain::Date> ecrb_disclosure;
  std::optional<std::string> home_postcode;  // for misuse alerts only
  bool token_enrolled = false;
  bool must_change_secrets = false;
  bool pin_locked = false;
  int password_failures = 0;
  access::Eligibility eligibility;  // with the reasons a user cannot sign in
};

struct NewUser {
  std::string username;
  std::string display_name;
  std::string organisation;
  access::Role role = access::Role::kHeadTeacher;
  bool mediated = false;  // a practitioner with no IT access
  // Their own home postcode, optional: only to alert when they search their
  // own address (search/misuse_monitor.h). Normalised; kInvalidPostcode.
  std::optional<std::string> home_postcode;
};

struct TokenEnrolment {
  core::Sensitive<std::string> secret_base32;  // for manual entry
  core::Sensitive<std::string> otpauth_uri;    // what the QR code holds
  core::Sensitive<std::string> qr_svg;         // the QR code, for the user's screen
};

// The User Manager's operations.
enum class UserOperation {
  kNominate,
  kSuspend,
  kReinstate,
  kRevoke,
};

class Directory {
 public:
  explicit Directory(Services services) : s_(services) {}

  // Adds the national operator, the National Partners and `authorities`
  // (accredited), keeping any that exist. Returns how many were added.
  core::StatusOr<int> SeedOrganisations(const std::vector<access::Organisation>& authorities);

  // The first user of a store: a national administrator of the national
  // operator, made eligible with the facts given and a token enrolled.
  // kFailedPrecondition once any user exists. Audited as done by the system.
  struct Bootstrapped {
    std::int64_t id = 0;
    Secrets secrets;  // temporary
    TokenEnrolment token;
  };
  core::StatusOr<Bootstrapped> Bootstrap(std::string_view username, std::string_view display_name,
                                         domain::Date training_completed,
                                         domain::Date ecrb_disclosure, bool temporary = true);

  // The manager named `username`, able to act now: active, eligible and in a
  // management role. kPermissionDenied / kNotEligible / kUserNotFound.
  core::StatusOr<Account> Manager(std::string_view username);

  // Creates a user (not yet nominated, trained, checked or enrolled).
  // `initial` secrets are used when given (and validated), else generated;
  // `temporary` ones must be changed at the first sign-in. A mediated
  // practitioner gets no secrets. Returns the user's ID and the secrets set.
  struct Created {
    std::int64_t id = 0;
    std::optional<Secrets> secrets;
  };
  core::StatusOr<Created> CreateUser(const Account& manager, const NewUser& user,
                                     std::optional<Secrets> initial = std::nullopt,
                                     bool temporary = true);

  core::Status Apply(const Account& manager, std::string_view username, UserOperation operation);
  core::Status RecordTraining(const Account& manager, std::string_view username, domain::Date on);
  core::Status RecordEcrb(const Account& manager, std::string_view username, domain::Date on);
  core::Status ChangeRole(const Account& manager, std::string_view username, access::Role role);
  // Records (or, with nullopt, clears) the user's home postcode
  // (NewUser::home_postcode). Audited without the postcode.
  core::Status SetHomePostcode(const Account& manager, std::string_view username,
                               const std::optional<std::string>& postcode);
  // A new token secret (replacing any old token).
  core::StatusOr<TokenEnrolment> EnrolToken(const Account& manager, std::string_view username);
  // New temporary password and PIN; unlocks the PIN; ends every session.
  core::StatusOr<Secrets> ResetSecrets(const Account& manager, std::string_view username);

  core::StatusOr<UserView> Show(const Account& manager, std::string_view username);
  // The users the manager may manage, by username.
  core::StatusOr<std::vector<UserView>> List(const Account& manager);

  // A local authority's ContactPoint Manager (or a national administrator,
  // naming the authority) adds an organisation accountable to it, pending.
  core::StatusOr<storage::OrganisationEntry> AddOrganisation(
      const Account& manager, std::string_view slug, std::string_view name,
      std::optional<std::string> authority = std::nullopt);
  core::Status SetAccreditation(const Account& manager, const std::string& organisation,
                                access::AccreditationState state);

 private:
  // Loads `username`, checks that `manager` may manage them, applies
  // `change`, saves, ends their sessions if asked, and audits `operation`;
  // all in one transaction. A refusal is audited and changes nothing.
  core::StatusOr<storage::UserEntry> Modify(
      const Account& manager, std::string_view username, std::string_view operation,
      bool end_sessions, const std::function<core::Status(storage::UserEntry&)>& change);
  core::Status Refuse(const Account& manager, std::string_view operation, std::string subject,
                      const core::Status& why);
  core::StatusOr<TokenEnrolment> NewToken(storage::UserEntry& user);
  core::Status SetSecrets(storage::UserEntry& user, const Secrets& secrets, bool temporary);
  UserView ViewOf(const Account& account) const;

  Services s_;
};

}  // namespace cp::identity

#endif  // CP_IDENTITY_DIRECTORY_H_
