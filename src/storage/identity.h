// The store's rows for who may use ContactPoint (DOMAIN.md section 5):
// organisations, users and their sign-in state, and sessions.
//
// These are plain rows: the store keeps them and enforces uniqueness, the
// identity module gives them meaning (roles, eligibility, lockout). Codes
// (organisation type, role, account state...) are the stable names of the
// access module's enums, stored as text. Secrets are stored only as Argon2id
// hashes; the TOTP secret, which must be recoverable to check codes, only
// sealed (encrypted) with a key kept outside the store.
#ifndef CP_STORAGE_IDENTITY_H_
#define CP_STORAGE_IDENTITY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "domain/model.h"

namespace cp::storage {

struct OrganisationEntry {
  std::string id;    // "la:E06000001", "np:ofsted", "org:...", "nat:contactpoint"
  std::string name;  // "Hartlepool Borough Council"
  std::string type;  // access::OrganisationTypeName
  std::string accreditation;                        // access::AccreditationStateName
  std::optional<std::string> accountable_authority;  // "la:..." for other organisations
  core::Timestamp updated_at;
  friend bool operator==(const OrganisationEntry&, const OrganisationEntry&) = default;
};

struct UserEntry {
  std::int64_t id = 0;       // assigned by PutUser on insert (id == 0), then stable
  std::string username;      // unique, lower case
  std::string display_name;  // the user's own name, for management pages only
  std::string organisation;  // OrganisationEntry::id
  std::string role;          // access::RoleInfo::code
  // "direct": signs in; "mediated": a practitioner with no IT access, for
  // whom another user acts (never signs in, has no secrets or token).
  std::string access_mode = "direct";
  std::string account_state = "active";  // access::AccountStateName
  bool nominated = false;
  std::optional<domain::Date> training_completed;
  std::optional<domain::Date> ecrb_disclosure;
  std::string password_hash;  // Argon2id string; empty: none set
  std::string pin_hash;       // Argon2id string; empty: none set
  bool must_change_secrets = false;  // set by a reset: temporary secrets
  std::string totp_sealed;           // sealed TOTP secret (bytes); empty: no token
  std::optional<std::int64_t> totp_last_step;  // last accepted time step (replay guard)
  int password_failures = 0;                   // consecutive, since the last success
  std::optional<core::Timestamp> last_failure_at;
  int pin_failures = 0;                         // consecutive; 10 locks the PIN
  core::Timestamp created_at;
  core::Timestamp updated_at;
  // The user's own home postcode ("SW1A 1AA"), when their User Manager
  // records it: used only to alert on a search of their own address
  // (search/misuse_monitor.h).
  std::optional<std::string> home_postcode;
  friend bool operator==(const UserEntry&, const UserEntry&) = default;
};

struct SessionEntry {
  std::string token_hash;  // hash of the bearer token (the token is never stored)
  std::int64_t user_id = 0;
  std::optional<std::int64_t> acting_for;  // mediated access: the practitioner's user ID
  core::Timestamp created_at;
  core::Timestamp last_seen_at;
  friend bool operator==(const SessionEntry&, const SessionEntry&) = default;
};

}  // namespace cp::storage

#endif  // CP_STORAGE_IDENTITY_H_
