#include "identity/directory.h"

#include <algorithm>
#include <utility>

#include "access/management_scope.h"
#include "auth/enrolment_qr.h"
#include "auth/secret_rules.h"
#include "auth/throttle.h"
#include "auth/totp.h"
#include "domain/validation.h"

namespace cp::identity {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;

constexpr std::string_view kDirect = "direct";
constexpr std::string_view kMediated = "mediated";

Status Corrupt(std::string what) { return Status(ErrorCode::kStoreCorrupt, std::move(what)); }

StatusOr<access::AccountState> AccountStateOf(const std::string& text) {
  for (access::AccountState state : {access::AccountState::kActive,
                                     access::AccountState::kSuspended,
                                     access::AccountState::kRevoked}) {
    if (access::AccountStateName(state) == text) return state;
  }
  return Corrupt("a stored user has an unknown account state");
}

std::string Subject(std::int64_t user_id) { return "user:" + std::to_string(user_id); }

domain::Date Today(const core::Clock& clock) {
  return domain::Date(std::chrono::floor<std::chrono::days>(clock.Now()));
}

bool ManagesUsers(access::Role role) {
  return role == access::Role::kUserManager || role == access::Role::kNationalAdministrator;
}

bool ManagesOrganisations(access::Role role) {
  return role == access::Role::kContactPointManager ||
         role == access::Role::kNationalAdministrator;
}

storage::OrganisationEntry EntryOf(const access::Organisation& organisation, core::Timestamp at) {
  return storage::OrganisationEntry{
      organisation.id.value(), organisation.name,
      std::string(access::OrganisationTypeName(organisation.type)),
      std::string(access::AccreditationStateName(organisation.accreditation)),
      organisation.accountable_authority
          ? std::optional<std::string>(organisation.accountable_authority->value())
          : std::nullopt,
      at};
}

// The user's organisation may hold the role, and only a national
// administrator makes national administrators.
Status CheckRoleGrant(const Account& manager, access::Role role,
                      const access::Organisation& organisation) {
  if (!access::RoleAllowedIn(role, organisation.type)) {
    return Status(ErrorCode::kInvalidRole,
                  "the role " + std::string(access::Describe(role).code) +
                      " cannot be held in a " +
                      std::string(access::OrganisationTypeName(organisation.type)));
  }
  if (role == access::Role::kNationalAdministrator &&
      manager.role != access::Role::kNationalAdministrator) {
    return Status(ErrorCode::kPermissionDenied,
                  "only a national administrator may grant the national_administrator role");
  }
  return Status::Ok();
}

Status CheckScope(const Account& manager, const access::Organisation& target) {
  if (!access::CanManage(access::Manager{manager.role, manager.organisation}, target)) {
    return Status(ErrorCode::kOutsideManagementScope,
                  "you may manage only your own organisation (or, for a local authority, the "
                  "organisations accountable to it); " +
                      target.id.value() + " is outside your scope");
  }
  return Status::Ok();
}

StatusOr<storage::UserEntry> FindExisting(storage::Transaction& tx, std::string_view username) {
  ASSIGN_OR_RETURN(std::string name, NormaliseUsername(username));
  ASSIGN_OR_RETURN(std::optional<storage::UserEntry> user, tx.FindUser(name));
  if (!user) {
    return Status(ErrorCode::kUserNotFound,
                  "no user is called " + name + " (see 'contactpoint user list')");
  }
  return std::move(*user);
}

}  // namespace

StatusOr<access::Organisation> OrganisationOf(const storage::OrganisationEntry& entry) {
  auto type = access::ParseOrganisationType(entry.type);
  auto state = access::ParseAccreditationState(entry.accreditation);
  if (!type.ok() || !state.ok()) return Corrupt("organisation " + entry.id + " has unknown codes");
  access::Organisation organisation{access::OrganisationId(entry.id), entry.name, *type, *state,
                                    std::nullopt};
  if (entry.accountable_authority) {
    organisation.accountable_authority = access::OrganisationId(*entry.accountable_authority);
  }
  return organisation;
}

StatusOr<Account> LoadAccount(storage::Transaction& tx, const storage::UserEntry& user) {
  ASSIGN_OR_RETURN(storage::OrganisationEntry entry, tx.GetOrganisation(user.organisation));
  ASSIGN_OR_RETURN(access::Organisation organisation, OrganisationOf(entry));
  auto role = access::ParseRole(user.role);
  if (!role.ok()) return Corrupt("a stored user has an unknown role");
  RETURN_IF_ERROR(AccountStateOf(user.account_state).status());
  return Account{user, std::move(organisation), *role};
}

access::UserFacts FactsOf(const Account& account) {
  access::UserFacts facts;
  facts.role = account.role;
  facts.organisation_type = account.organisation.type;
  facts.organisation_accreditation = account.organisation.accreditation;
  facts.account = AccountStateOf(account.user.account_state).value_or(
      access::AccountState::kSuspended);
  facts.nominated = account.user.nominated;
  facts.training_completed = account.user.training_completed;
  facts.ecrb_disclosure = account.user.ecrb_disclosure;
  // A practitioner without IT access never signs in and holds no token.
  facts.token_enrolled = account.user.access_mode == kMediated || !account.user.totp_sealed.empty();
  return facts;
}

audit::Principal PrincipalOf(const Account& account) {
  return audit::Principal{audit::PrincipalKind::kUser, Subject(account.user.id),
                          std::string(access::Describe(account.role).code),
                          account.organisation.id.value()};
}

StatusOr<std::string> NormaliseUsername(std::string_view username) {
  std::string name;
  for (char c : username) {
    name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  const bool length_ok = name.size() >= 3 && name.size() <= 64;
  const bool starts_ok = !name.empty() && name[0] >= 'a' && name[0] <= 'z';
  const bool chars_ok = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
  if (!length_ok || !starts_ok || !chars_ok) {
    return Status(ErrorCode::kInvalidUsername,
                  "a username must be 3 to 64 characters: letters, digits, '.', '_' or '-', "
                  "starting with a letter");
  }
  return name;
}

Secrets GenerateSecrets(core::Random& random, std::string_view username) {
  constexpr std::string_view kAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";  // no 0/o, 1/l/i
  for (;;) {
    std::string password;
    for (int i = 0; i < 16; ++i) {
      if (i > 0 && i % 4 == 0) password.push_back('-');
      password.push_back(kAlphabet[random.Uniform(kAlphabet.size())]);
    }
    std::string pin;
    for (int i = 0; i < 8; ++i) pin.push_back(static_cast<char>('0' + random.Uniform(10)));
    Secrets secrets{core::Sensitive<std::string>(std::move(password)),
                    core::Sensitive<std::string>(std::move(pin))};
    if (auth::ValidatePassword(secrets.password, username).ok() &&
        auth::ValidatePin(secrets.pin).ok()) {
      return secrets;
    }
  }
}

// ---- Organisations -------------------------------------------------------------------

StatusOr<int> Directory::SeedOrganisations(const std::vector<access::Organisation>& authorities) {
  std::vector<access::Organisation> all;
  all.push_back(access::NationalOperator());
  for (const access::Organisation& partner : access::NationalPartners()) all.push_back(partner);
  all.insert(all.end(), authorities.begin(), authorities.end());
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
  int added = 0;
  for (const access::Organisation& organisation : all) {
    RETURN_IF_ERROR(access::ValidateOrganisation(organisation));
    auto existing = tx->GetOrganisation(organisation.id.value());
    if (existing.ok()) continue;
    if (existing.status().code() != ErrorCode::kOrganisationNotFound) return existing.status();
    RETURN_IF_ERROR(tx->PutOrganisation(EntryOf(organisation, s_.clock.Now())));
    ++added;
  }
  if (added > 0) {
    audit::Event event;
    event.actor = audit::Principal{audit::PrincipalKind::kSystem, "contactpoint", "", ""};
    event.action = audit::Action::kManageUser;
    event.reason = "seed_organisations";
    event.counts = {{"added", added}};
    RETURN_IF_ERROR(s_.audit.AppendIn(*tx, event).status());
  }
  RETURN_IF_ERROR(tx->Commit());
  return added;
}

StatusOr<storage::OrganisationEntry> Directory::AddOrganisation(const Account& manager,
                                                                std::string_view slug,
                                                                std::string_view name,
                                                                std::optional<std::string> authority) {
  const std::string id = "org:" + std::string(slug);
  Status checked = Status::Ok();
  if (!ManagesOrganisations(manager.role)) {
    checked = Status(ErrorCode::kPermissionDenied,
                     "only a ContactPoint Manager or a national administrator adds organisations");
  } else if (manager.role != access::Role::kNationalAdministrator) {
    if (manager.organisation.type != access::OrganisationType::kLocalAuthority) {
      checked = Status(ErrorCode::kPermissionDenied,
                       "only a local authority's ContactPoint Manager adds organisations");
    } else if (authority && *authority != manager.organisation.id.value()) {
      checked = Status(ErrorCode::kOutsideManagementScope,
                       "you may add organisations only for your own authority");
    }
    authority = manager.organisation.id.value();
  } else if (!authority) {
    checked = Status(ErrorCode::kInvalidOrganisation,
                     "name the accountable local authority (--authority la:E...)");
  }
  access::Organisation organisation{access::OrganisationId(id), std::string(name),
                                    access::OrganisationType::kAccreditedOrganisation,
                                    access::AccreditationState::kPending,
                                    authority ? std::optional(access::OrganisationId(*authority))
                                              : std::nullopt};
  if (checked.ok()) checked = access::ValidateOrganisation(organisation);
  if (!checked.ok()) {
    RETURN_IF_ERROR(Refuse(manager, "add_organisation", id, checked));
    return checked;
  }
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(storage::OrganisationEntry parent, tx->GetOrganisation(*authority));
  if (parent.type != "local_authority") {
    return Status(ErrorCode::kInvalidOrganisation, *authority + " is not a local authority");
  }
  auto existing = tx->GetOrganisation(id);
  if (existing.ok()) {
    return Status(ErrorCode::kAlreadyExists, "the organisation " + id + " already exists");
  }
  storage::OrganisationEntry entry = EntryOf(organisation, s_.clock.Now());
  RETURN_IF_ERROR(tx->PutOrganisation(entry));
  audit::Event event;
  event.actor = PrincipalOf(manager);
  event.action = audit::Action::kManageUser;
  event.reason = "add_organisation";
  event.subject = id;
  RETURN_IF_ERROR(s_.audit.AppendIn(*tx, event).status());
  RETURN_IF_ERROR(tx->Commit());
  return entry;
}

Status Directory::SetAccreditation(const Account& manager, const std::string& organisation_id,
                                   access::AccreditationState state) {
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(storage::OrganisationEntry entry, tx->GetOrganisation(organisation_id));
  ASSIGN_OR_RETURN(access::Organisation target, OrganisationOf(entry));
  Status checked = Status::Ok();
  if (!ManagesOrganisations(manager.role)) {
    checked = Status(ErrorCode::kPermissionDenied,
                     "only a ContactPoint Manager or a national administrator accredits "
                     "organisations");
  } else if (manager.role != access::Role::kNationalAdministrator &&
             (target.type != access::OrganisationType::kAccreditedOrganisation ||
              target.accountable_authority != manager.organisation.id)) {
    checked = Status(ErrorCode::kOutsideManagementScope,
                     "a local authority accredits only the organisations accountable to it");
  }
  if (!checked.ok()) {
    tx.reset();
    RETURN_IF_ERROR(Refuse(manager, "set_accreditation", organisation_id, checked));
    return checked;
  }
  entry.accreditation = std::string(access::AccreditationStateName(state));
  entry.updated_at = s_.clock.Now();
  RETURN_IF_ERROR(tx->PutOrganisation(entry));
  audit::Event event;
  event.actor = PrincipalOf(manager);
  event.action = audit::Action::kManageUser;
  event.reason = "set_accreditation_" + entry.accreditation;
  event.subject = organisation_id;
  RETURN_IF_ERROR(s_.audit.AppendIn(*tx, event).status());
  return tx->Commit();
}

// ---- Managers and users --------------------------------------------------------------

StatusOr<Account> Directory::Manager(std::string_view username) {
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadOnly));
  ASSIGN_OR_RETURN(storage::UserEntry user, FindExisting(*tx, username));
  ASSIGN_OR_RETURN(Account account, LoadAccount(*tx, user));
  if (!access::Describe(account.role).is_management &&
      account.role != access::Role::kNationalAdministrator) {
    return Status(ErrorCode::kPermissionDenied,
                  user.username + " holds the role " + user.role + ", not a management role");
  }
  const access::Eligibility eligibility = access::Evaluate(FactsOf(account), Today(s_.clock));
  if (!eligibility.eligible || account.user.access_mode != kDirect) {
    std::string why;
    for (const access::Reason& reason : eligibility.reasons) {
      why += (why.empty() ? "" : "; ") + reason.message;
    }
    return Status(ErrorCode::kNotEligible,
                  user.username + " may not act at present: " +
                      (why.empty() ? std::string("has no IT access") : why));
  }
  return account;
}

StatusOr<Directory::Bootstrapped> Directory::Bootstrap(std::string_view username,
                                                       std::string_view display_name,
                                                       domain::Date training_completed,
                                                       domain::Date ecrb_disclosure,
                                                       bool temporary) {
  ASSIGN_OR_RETURN(std::string name, NormaliseUsername(username));
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(std::vector<storage::UserEntry> users, tx->ListUsers(std::nullopt));
  if (!users.empty()) {
    return core::FailedPrecondition(
        "this store already has users: the first administrator is created only once; ask a "
        "User Manager instead");
  }
  RETURN_IF_ERROR(tx->GetOrganisation(std::string(access::kNationalOperatorId)).status());
  const core::Timestamp now = s_.clock.Now();
  storage::UserEntry user;
  user.username = name;
  user.display_name = std::string(display_name);
  user.organisation = std::string(access::kNationalOperatorId);
  user.role = std::string(access::Describe(access::Role::kNationalAdministrator).code);
  user.nominated = true;
  user.training_completed = training_completed;
  user.ecrb_disclosure = ecrb_disclosure;
  user.created_at = now;
  user.updated_at = now;
  Bootstrapped out;
  out.secrets = GenerateSecrets(s_.random, name);
  RETURN_IF_ERROR(SetSecrets(user, out.secrets, temporary));
  ASSIGN_OR_RETURN(out.token, NewToken(user));
  ASSIGN_OR_RETURN(out.id, tx->PutUser(user));
  audit::Event event;
  event.actor = audit::Principal{audit::PrincipalKind::kSystem, "contactpoint", "", ""};
  event.action = audit::Action::kManageUser;
  event.reason = "bootstrap_administrator";
  event.subject = Subject(out.id);
  RETURN_IF_ERROR(s_.audit.AppendIn(*tx, event).status());
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

Status Directory::SetSecrets(storage::UserEntry& user, const Secrets& secrets, bool temporary) {
  RETURN_IF_ERROR(auth::ValidatePassword(secrets.password, user.username));
  RETURN_IF_ERROR(auth::ValidatePin(secrets.pin));
  ASSIGN_OR_RETURN(user.password_hash, s_.hasher.Hash(secrets.password));
  ASSIGN_OR_RETURN(user.pin_hash, s_.hasher.Hash(secrets.pin));
  user.must_change_secrets = temporary;
  user.password_failures = 0;
  user.pin_failures = 0;
  user.last_failure_at.reset();
  return Status::Ok();
}

StatusOr<TokenEnrolment> Directory::NewToken(storage::UserEntry& user) {
  const auth::TotpSecret secret = auth::GenerateTotpSecret(s_.random);
  TokenEnrolment enrolment;
  enrolment.secret_base32 = auth::Base32Encode(secret);
  enrolment.otpauth_uri = auth::OtpAuthUri(user.username, secret);
  ASSIGN_OR_RETURN(enrolment.qr_svg, auth::QrCodeSvg(enrolment.otpauth_uri));
  user.totp_sealed = s_.vault.Seal(secret, s_.random);
  user.totp_last_step.reset();
  return enrolment;
}

Status Directory::Refuse(const Account& manager, std::string_view operation, std::string subject,
                         const Status& why) {
  audit::Event event;
  event.actor = PrincipalOf(manager);
  event.action = audit::Action::kManageUser;
  event.reason = std::string(operation);
  event.subject = std::move(subject);
  event.outcome = audit::Outcome::kRefused;
  event.refusal = std::string(core::ErrorCodeName(why.code()));
  return s_.audit.Append(event).status();
}

StatusOr<storage::UserEntry> Directory::Modify(
    const Account& manager, std::string_view username, std::string_view operation,
    bool end_sessions, const std::function<Status(storage::UserEntry&)>& change) {
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(storage::UserEntry user, FindExisting(*tx, username));
  ASSIGN_OR_RETURN(Account target, LoadAccount(*tx, user));
  Status checked = ManagesUsers(manager.role)
                       ? CheckScope(manager, target.organisation)
                       : Status(ErrorCode::kPermissionDenied,
                                "only a User Manager or a national administrator manages users");
  if (checked.ok() && user.id == manager.user.id && operation != "enrol_token") {
    checked = Status(ErrorCode::kPermissionDenied,
                     "another User Manager must do this for you: nobody manages their own account");
  }
  if (checked.ok()) checked = change(user);
  if (!checked.ok()) {
    tx.reset();  // nothing of the change stays
    RETURN_IF_ERROR(Refuse(manager, operation, Subject(user.id), checked));
    return checked;
  }
  user.updated_at = s_.clock.Now();
  RETURN_IF_ERROR(tx->PutUser(user).status());
  if (end_sessions) RETURN_IF_ERROR(tx->DeleteSessionsOf(user.id).status());
  audit::Event event;
  event.actor = PrincipalOf(manager);
  event.action = audit::Action::kManageUser;
  event.reason = std::string(operation);
  event.subject = Subject(user.id);
  RETURN_IF_ERROR(s_.audit.AppendIn(*tx, event).status());
  RETURN_IF_ERROR(tx->Commit());
  return user;
}

StatusOr<Directory::Created> Directory::CreateUser(const Account& manager, const NewUser& request,
                                                   std::optional<Secrets> initial,
                                                   bool temporary) {
  ASSIGN_OR_RETURN(std::string name, NormaliseUsername(request.username));
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
  auto organisation_entry = tx->GetOrganisation(request.organisation);
  Status checked = organisation_entry.status();
  std::optional<access::Organisation> organisation;
  if (checked.ok()) {
    auto converted = OrganisationOf(*organisation_entry);
    checked = converted.status();
    if (checked.ok()) organisation = *converted;
  }
  if (checked.ok() && !ManagesUsers(manager.role)) {
    checked = Status(ErrorCode::kPermissionDenied,
                     "only a User Manager or a national administrator creates users");
  }
  if (checked.ok()) checked = CheckScope(manager, *organisation);
  if (checked.ok()) checked = CheckRoleGrant(manager, request.role, *organisation);
  if (checked.ok() && (request.display_name.empty() || request.display_name.size() > 100)) {
    checked = Status(ErrorCode::kInvalidArgument, "the display name must be 1 to 100 characters");
  }
  std::optional<std::string> home_postcode;
  if (checked.ok() && request.home_postcode) {
    auto normalised = domain::NormalisePostcode("home_postcode", *request.home_postcode);
    checked = normalised.status();
    if (checked.ok()) home_postcode = std::move(*normalised);
  }
  if (checked.ok() && request.mediated && !access::Describe(request.role).is_practitioner) {
    checked = Status(ErrorCode::kInvalidRole,
                     "only a practitioner role may have mediated access (no IT access)");
  }
  const core::Timestamp now = s_.clock.Now();
  storage::UserEntry user;
  user.username = name;
  user.display_name = request.display_name;
  user.organisation = request.organisation;
  user.role = std::string(access::Describe(request.role).code);
  user.access_mode = std::string(request.mediated ? kMediated : kDirect);
  user.home_postcode = std::move(home_postcode);
  user.created_at = now;
  user.updated_at = now;
  Created created;
  if (checked.ok() && !request.mediated) {
    Secrets secrets = initial ? std::move(*initial) : GenerateSecrets(s_.random, name);
    checked = SetSecrets(user, secrets, temporary);
    created.secrets = std::move(secrets);
  }
  if (checked.ok()) {
    auto id = tx->PutUser(user);
    checked = id.status();
    if (checked.ok()) created.id = *id;
  }
  if (!checked.ok()) {
    tx.reset();
    RETURN_IF_ERROR(Refuse(manager, "create_user", "username", checked));
    return checked;
  }
  audit::Event event;
  event.actor = PrincipalOf(manager);
  event.action = audit::Action::kManageUser;
  event.reason = "create_user";
  event.subject = Subject(created.id);
  RETURN_IF_ERROR(s_.audit.AppendIn(*tx, event).status());
  RETURN_IF_ERROR(tx->Commit());
  return created;
}

Status Directory::Apply(const Account& manager, std::string_view username,
                        UserOperation operation) {
  using access::AccountState;
  auto set_state = [](AccountState from_not, AccountState to, std::string_view refusal) {
    return [=](storage::UserEntry& user) -> Status {
      if (user.account_state == access::AccountStateName(AccountState::kRevoked)) {
        return core::FailedPrecondition("the account is revoked; create a new one if needed");
      }
      if (user.account_state == access::AccountStateName(from_not)) {
        return core::FailedPrecondition(std::string(refusal));
      }
      user.account_state = std::string(access::AccountStateName(to));
      return Status::Ok();
    };
  };
  switch (operation) {
    case UserOperation::kNominate:
      return Modify(manager, username, "nominate", false,
                    [](storage::UserEntry& user) {
                      user.nominated = true;
                      return Status::Ok();
                    })
          .status();
    case UserOperation::kSuspend:
      return Modify(manager, username, "suspend", true,
                    set_state(AccountState::kSuspended, AccountState::kSuspended,
                              "the account is already suspended"))
          .status();
    case UserOperation::kReinstate:
      return Modify(manager, username, "reinstate", false,
                    set_state(AccountState::kActive, AccountState::kActive,
                              "the account is not suspended"))
          .status();
    case UserOperation::kRevoke:
      return Modify(manager, username, "revoke", true,
                    set_state(AccountState::kRevoked, AccountState::kRevoked,
                              "the account is already revoked"))
          .status();
  }
  return core::Internal("unknown user operation");
}

Status Directory::RecordTraining(const Account& manager, std::string_view username,
                                 domain::Date on) {
  const domain::Date today = Today(s_.clock);
  return Modify(manager, username, "record_training", false,
                [&](storage::UserEntry& user) -> Status {
                  if (on > today) {
                    return Status(ErrorCode::kInvalidDate,
                                  "the training date is in the future: record it once done");
                  }
                  user.training_completed = on;
                  return Status::Ok();
                })
      .status();
}

Status Directory::RecordEcrb(const Account& manager, std::string_view username, domain::Date on) {
  const domain::Date today = Today(s_.clock);
  return Modify(manager, username, "record_ecrb", false,
                [&](storage::UserEntry& user) -> Status {
                  if (on > today) {
                    return Status(ErrorCode::kInvalidDate,
                                  "the eCRB disclosure date is in the future");
                  }
                  user.ecrb_disclosure = on;
                  return Status::Ok();
                })
      .status();
}

Status Directory::SetHomePostcode(const Account& manager, std::string_view username,
                                  const std::optional<std::string>& postcode) {
  return Modify(manager, username, postcode ? "set_home_postcode" : "clear_home_postcode", false,
                [&](storage::UserEntry& user) -> Status {
                  if (!postcode) {
                    user.home_postcode.reset();
                    return Status::Ok();
                  }
                  ASSIGN_OR_RETURN(std::string normalised,
                                   domain::NormalisePostcode("home_postcode", *postcode));
                  user.home_postcode = std::move(normalised);
                  return Status::Ok();
                })
      .status();
}

Status Directory::ChangeRole(const Account& manager, std::string_view username,
                             access::Role role) {
  ASSIGN_OR_RETURN(auto read, s_.store.Begin(storage::TxMode::kReadOnly));
  ASSIGN_OR_RETURN(storage::UserEntry existing, FindExisting(*read, username));
  ASSIGN_OR_RETURN(Account target, LoadAccount(*read, existing));
  read.reset();
  return Modify(manager, username, "change_role", true,
                [&](storage::UserEntry& user) -> Status {
                  RETURN_IF_ERROR(CheckRoleGrant(manager, role, target.organisation));
                  if (user.access_mode == kMediated && !access::Describe(role).is_practitioner) {
                    return Status(ErrorCode::kInvalidRole,
                                  "a user with mediated access must hold a practitioner role");
                  }
                  user.role = std::string(access::Describe(role).code);
                  return Status::Ok();
                })
      .status();
}

StatusOr<TokenEnrolment> Directory::EnrolToken(const Account& manager,
                                               std::string_view username) {
  TokenEnrolment enrolment;
  RETURN_IF_ERROR(Modify(manager, username, "enrol_token", true,
                         [&](storage::UserEntry& user) -> Status {
                           if (user.access_mode == kMediated) {
                             return core::FailedPrecondition(
                                 "a user with mediated access has no IT access and no token");
                           }
                           ASSIGN_OR_RETURN(enrolment, NewToken(user));
                           return Status::Ok();
                         })
                      .status());
  return enrolment;
}

StatusOr<Secrets> Directory::ResetSecrets(const Account& manager, std::string_view username) {
  std::optional<Secrets> fresh;
  RETURN_IF_ERROR(Modify(manager, username, "reset_secrets", true,
                         [&](storage::UserEntry& user) -> Status {
                           if (user.access_mode == kMediated) {
                             return core::FailedPrecondition(
                                 "a user with mediated access has no password or PIN");
                           }
                           Secrets secrets = GenerateSecrets(s_.random, user.username);
                           RETURN_IF_ERROR(SetSecrets(user, secrets, /*temporary=*/true));
                           fresh = std::move(secrets);
                           return Status::Ok();
                         })
                      .status());
  return std::move(*fresh);
}

UserView Directory::ViewOf(const Account& account) const {
  const storage::UserEntry& user = account.user;
  UserView view;
  view.id = user.id;
  view.username = user.username;
  view.display_name = user.display_name;
  view.organisation = user.organisation;
  view.organisation_name = account.organisation.name;
  view.role = user.role;
  view.access_mode = user.access_mode;
  view.account_state = user.account_state;
  view.nominated = user.nominated;
  view.training_completed = user.training_completed;
  view.ecrb_disclosure = user.ecrb_disclosure;
  view.home_postcode = user.home_postcode;
  view.token_enrolled = !user.totp_sealed.empty();
  view.must_change_secrets = user.must_change_secrets;
  view.pin_locked = auth::PinLocked(user.pin_failures);
  view.password_failures = user.password_failures;
  view.eligibility = access::Evaluate(FactsOf(account), Today(s_.clock));
  return view;
}

StatusOr<UserView> Directory::Show(const Account& manager, std::string_view username) {
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadOnly));
  ASSIGN_OR_RETURN(storage::UserEntry user, FindExisting(*tx, username));
  ASSIGN_OR_RETURN(Account target, LoadAccount(*tx, user));
  tx.reset();
  Status checked = ManagesUsers(manager.role)
                       ? CheckScope(manager, target.organisation)
                       : Status(ErrorCode::kPermissionDenied,
                                "only a User Manager or a national administrator sees users");
  if (!checked.ok()) {
    RETURN_IF_ERROR(Refuse(manager, "show_user", Subject(user.id), checked));
    return checked;
  }
  return ViewOf(target);
}

StatusOr<std::vector<UserView>> Directory::List(const Account& manager) {
  if (!ManagesUsers(manager.role)) {
    return Status(ErrorCode::kPermissionDenied,
                  "only a User Manager or a national administrator lists users");
  }
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadOnly));
  ASSIGN_OR_RETURN(std::vector<storage::UserEntry> users, tx->ListUsers(std::nullopt));
  std::vector<UserView> views;
  for (const storage::UserEntry& user : users) {
    ASSIGN_OR_RETURN(Account account, LoadAccount(*tx, user));
    if (CheckScope(manager, account.organisation).ok()) views.push_back(ViewOf(account));
  }
  return views;
}

}  // namespace cp::identity
