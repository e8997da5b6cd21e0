// contactpoint user ... and contactpoint org ...: the User Manager's and the
// ContactPoint Manager's operations (DOMAIN.md section 5; issue 7).
//
// The CLI is an operator's tool on the server: every operation names the
// manager it is done for with --as USERNAME (or CONTACTPOINT_AS). That manager
// must be eligible, hold a management role and act inside their scope; the
// operation is audited under their name. The web pages (issue 9) do the same
// for a signed-in manager. Secrets are printed once and never stored in clear.
#include <sys/stat.h>

#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>

#include "access/roles.h"
#include "app/app.h"
#include "cli/commands.h"
#include "domain/validation.h"
#include "identity/directory.h"

namespace cp::cli {
namespace {

struct UserOptions {
  std::string store;
  std::string as;
  std::string username;
  std::string name;
  std::string organisation;
  std::string role;
  std::string date;
  std::string training;
  std::string ecrb;
  std::string qr_file;
  std::string authority;
  std::string state;
  std::string slug;
  std::string home_postcode;
  bool mediated = false;
  bool clear = false;
};

// Opens the store's identity services and, unless `as` is empty, the
// manager acting; then runs `body`.
template <typename Body>
int WithManager(const UserOptions& o, const core::Clock& clock, Body&& body) {
  auto runtime = app::OpenIdentity(o.store, clock);
  if (!runtime.ok()) return Fail(runtime.status());
  identity::Directory directory((*runtime)->services(clock));
  auto manager = directory.Manager(o.as);
  if (!manager.ok()) return Fail(manager.status());
  return body(directory, *manager);
}

core::StatusOr<domain::Date> DateOption(std::string_view name, const std::string& text) {
  return domain::ParseDate(name, text);
}

void PrintSecrets(const identity::Secrets& secrets, bool temporary) {
  std::cout << "  password: " << secrets.password.Reveal() << "\n  PIN:      "
            << secrets.pin.Reveal() << "\n"
            << (temporary ? "These are temporary: they must be changed at the first sign-in.\n"
                          : "");
}

// Prints the token's secret and writes its QR code (SVG, 0600) if asked.
int PrintToken(const identity::TokenEnrolment& token, const std::string& qr_file) {
  std::cout << "Security token secret (enter it in an authenticator app, or scan the QR code):\n"
            << "  " << token.secret_base32.Reveal() << "\n  " << token.otpauth_uri.Reveal()
            << "\n";
  if (!qr_file.empty()) {
    std::ofstream out(qr_file, std::ios::trunc);
    ::chmod(qr_file.c_str(), 0600);
    out << token.qr_svg.Reveal();
    if (!out.flush()) {
      return Fail(core::Status(core::ErrorCode::kUnavailable,
                               "cannot write the QR code to '" + qr_file + "'"));
    }
    std::cout << "QR code written to " << qr_file << "\n";
  }
  return 0;
}

std::string DateText(const std::optional<domain::Date>& date) {
  return date ? domain::FormatDate(*date) : std::string("not recorded");
}

void PrintView(const identity::UserView& v) {
  std::cout << "user:          " << v.username << " (ID " << v.id << ")\n"
            << "name:          " << v.display_name << "\n"
            << "organisation:  " << v.organisation << " (" << v.organisation_name << ")\n"
            << "role:          " << v.role << "\n"
            << "access:        " << (v.access_mode == "mediated" ? "mediated (no IT access)"
                                                                   : "direct")
            << "\n"
            << "account:       " << v.account_state << "\n"
            << "nominated:     " << (v.nominated ? "yes" : "no") << "\n"
            << "training:      " << DateText(v.training_completed) << "\n"
            << "home postcode: " << v.home_postcode.value_or("not recorded")
            << " (for misuse alerts only)\n"
            << "eCRB:          " << DateText(v.ecrb_disclosure);
  if (v.eligibility.ecrb_lapses_on) {
    std::cout << " (lapses on " << domain::FormatDate(*v.eligibility.ecrb_lapses_on) << ")";
  }
  std::cout << "\n"
            << "token:         " << (v.token_enrolled ? "enrolled" : "not enrolled") << "\n"
            << "PIN:           " << (v.pin_locked ? "LOCKED (reset to unlock)" : "usable") << "\n"
            << "secrets:       "
            << (v.access_mode == "mediated" ? "none (no IT access)"
                : v.must_change_secrets     ? "temporary"
                                            : "chosen by the user")
            << "\n"
            << (v.access_mode == "mediated" ? "may be acted for: " : "may sign in:   ")
            << (v.eligibility.eligible ? "yes" : "NO") << "\n";
  for (const access::Reason& reason : v.eligibility.reasons) {
    std::cout << "  - " << reason.message << " [" << access::ReasonCodeName(reason.code) << "]\n";
  }
}

int Bootstrap(const UserOptions& o, const core::Clock& clock) {
  auto training = DateOption("--training", o.training);
  if (!training.ok()) return Fail(training.status());
  auto ecrb = DateOption("--ecrb", o.ecrb);
  if (!ecrb.ok()) return Fail(ecrb.status());
  auto runtime = app::OpenIdentity(o.store, clock);
  if (!runtime.ok()) return Fail(runtime.status());
  identity::Directory directory((*runtime)->services(clock));
  auto boot = directory.Bootstrap(o.username, o.name, *training, *ecrb);
  if (!boot.ok()) return Fail(boot.status());
  std::cout << "Created the first national administrator, " << o.username << ".\n";
  PrintSecrets(boot->secrets, true);
  return PrintToken(boot->token, o.qr_file);
}

int Create(const UserOptions& o, const core::Clock& clock) {
  auto role = access::ParseRole(o.role);
  if (!role.ok()) return Fail(role.status());
  return WithManager(o, clock, [&](identity::Directory& directory, const identity::Account& m) {
    identity::NewUser request{o.username, o.name, o.organisation, *role, o.mediated};
    if (!o.home_postcode.empty()) request.home_postcode = o.home_postcode;
    auto created = directory.CreateUser(m, request);
    if (!created.ok()) return Fail(created.status());
    std::cout << "Created user " << o.username << " (ID " << created->id << ").\n";
    if (created->secrets) PrintSecrets(*created->secrets, true);
    std::cout << "Before they can " << (o.mediated ? "be acted for" : "sign in")
              << ": nominate, record training and eCRB"
              << (o.mediated ? "" : ", enrol a token") << " (see 'contactpoint user show').\n";
    return 0;
  });
}

int Simple(const UserOptions& o, const core::Clock& clock, identity::UserOperation operation,
           std::string_view done) {
  return WithManager(o, clock, [&](identity::Directory& directory, const identity::Account& m) {
    const core::Status s = directory.Apply(m, o.username, operation);
    if (!s.ok()) return Fail(s);
    std::cout << "User " << o.username << " " << done << ".\n";
    return 0;
  });
}

int RecordDate(const UserOptions& o, const core::Clock& clock, bool ecrb) {
  auto date = DateOption("--date", o.date);
  if (!date.ok()) return Fail(date.status());
  return WithManager(o, clock, [&](identity::Directory& directory, const identity::Account& m) {
    const core::Status s = ecrb ? directory.RecordEcrb(m, o.username, *date)
                                : directory.RecordTraining(m, o.username, *date);
    if (!s.ok()) return Fail(s);
    std::cout << (ecrb ? "eCRB disclosure" : "Training") << " of " << o.username
              << " recorded as " << o.date << ".\n";
    return 0;
  });
}

int EnrolToken(const UserOptions& o, const core::Clock& clock) {
  return WithManager(o, clock, [&](identity::Directory& directory, const identity::Account& m) {
    auto token = directory.EnrolToken(m, o.username);
    if (!token.ok()) return Fail(token.status());
    std::cout << "Token enrolled for " << o.username << " (any earlier token no longer works).\n";
    return PrintToken(*token, o.qr_file);
  });
}

int Reset(const UserOptions& o, const core::Clock& clock) {
  return WithManager(o, clock, [&](identity::Directory& directory, const identity::Account& m) {
    auto secrets = directory.ResetSecrets(m, o.username);
    if (!secrets.ok()) return Fail(secrets.status());
    std::cout << "New secrets for " << o.username
              << " (their sessions are ended; their token is unchanged):\n";
    PrintSecrets(*secrets, true);
    return 0;
  });
}

int SetRole(const UserOptions& o, const core::Clock& clock) {
  auto role = access::ParseRole(o.role);
  if (!role.ok()) return Fail(role.status());
  return WithManager(o, clock, [&](identity::Directory& directory, const identity::Account& m) {
    const core::Status s = directory.ChangeRole(m, o.username, *role);
    if (!s.ok()) return Fail(s);
    std::cout << "User " << o.username << " now holds the role " << o.role
              << " (their sessions are ended).\n";
    return 0;
  });
}

int SetHomePostcode(const UserOptions& o, const core::Clock& clock) {
  if (o.clear == !o.home_postcode.empty()) {
    return Fail(core::Status(core::ErrorCode::kInvalidArgument,
                             "give either --postcode POSTCODE or --clear"));
  }
  return WithManager(o, clock, [&](identity::Directory& directory, const identity::Account& m) {
    const core::Status s = directory.SetHomePostcode(
        m, o.username, o.clear ? std::nullopt : std::optional<std::string>(o.home_postcode));
    if (!s.ok()) return Fail(s);
    std::cout << "Home postcode of " << o.username << (o.clear ? " cleared" : " recorded")
              << " (used only to alert on searches of their own address).\n";
    return 0;
  });
}

int Show(const UserOptions& o, const core::Clock& clock) {
  return WithManager(o, clock, [&](identity::Directory& directory, const identity::Account& m) {
    auto view = directory.Show(m, o.username);
    if (!view.ok()) return Fail(view.status());
    PrintView(*view);
    return 0;
  });
}

int List(const UserOptions& o, const core::Clock& clock) {
  return WithManager(o, clock, [&](identity::Directory& directory, const identity::Account& m) {
    auto views = directory.List(m);
    if (!views.ok()) return Fail(views.status());
    std::cout << std::left << std::setw(24) << "USERNAME" << std::setw(34) << "ROLE"
              << std::setw(22) << "ORGANISATION" << std::setw(11) << "ACCOUNT" << "SIGN-IN\n";
    for (const identity::UserView& v : *views) {
      std::string why;
      for (const access::Reason& r : v.eligibility.reasons) {
        why += (why.empty() ? "" : ",") + std::string(access::ReasonCodeName(r.code));
      }
      std::cout << std::setw(24) << v.username << std::setw(34) << v.role << std::setw(22)
                << v.organisation << std::setw(11) << v.account_state
                << (v.eligibility.eligible ? "yes" : "no: " + why) << "\n";
    }
    return 0;
  });
}

int Roles() {
  std::cout << std::left << std::setw(36) << "ROLE" << std::setw(12) << "KIND" << "NAME\n";
  for (const access::RoleInfo& info : access::RoleCatalogue()) {
    std::cout << std::setw(36) << info.code << std::setw(12)
              << (info.is_management ? "management" : info.is_practitioner ? "practitioner"
                                                                            : "support")
              << info.display_name << "\n";
  }
  return 0;
}

int OrgList(const UserOptions& o, const core::Clock& clock) {
  auto store = app::OpenStore(o.store, clock, false);
  if (!store.ok()) return Fail(store.status());
  auto tx = (*store)->Begin(storage::TxMode::kReadOnly);
  if (!tx.ok()) return Fail(tx.status());
  auto all = (*tx)->ListOrganisations();
  if (!all.ok()) return Fail(all.status());
  std::cout << std::left << std::setw(30) << "ORGANISATION" << std::setw(25) << "TYPE"
            << std::setw(12) << "STATE" << "NAME\n";
  for (const storage::OrganisationEntry& e : *all) {
    std::cout << std::setw(30) << e.id << std::setw(25) << e.type << std::setw(12)
              << e.accreditation << e.name
              << (e.accountable_authority ? " (accountable: " + *e.accountable_authority + ")"
                                          : "")
              << "\n";
  }
  return 0;
}

int OrgAdd(const UserOptions& o, const core::Clock& clock) {
  return WithManager(o, clock, [&](identity::Directory& directory, const identity::Account& m) {
    std::optional<std::string> authority;
    if (!o.authority.empty()) authority = o.authority;
    auto added = directory.AddOrganisation(m, o.slug, o.name, authority);
    if (!added.ok()) return Fail(added.status());
    std::cout << "Added " << added->id << " (" << added->name << "), accountable to "
              << added->accountable_authority.value_or("?") << ", pending accreditation.\n"
              << "Next: 'contactpoint org accredit " << added->id << " --state accredited'.\n";
    return 0;
  });
}

int OrgAccredit(const UserOptions& o, const core::Clock& clock) {
  auto state = access::ParseAccreditationState(o.state);
  if (!state.ok()) return Fail(state.status());
  return WithManager(o, clock, [&](identity::Directory& directory, const identity::Account& m) {
    const core::Status s = directory.SetAccreditation(m, o.organisation, *state);
    if (!s.ok()) return Fail(s);
    std::cout << "Organisation " << o.organisation << " is now " << o.state << ".\n";
    return 0;
  });
}

void AddAs(CLI::App& command, UserOptions& o) {
  command.add_option("--as", o.as, "The manager doing this (their username)")
      ->envname("CONTACTPOINT_AS")
      ->required();
}

// Registers a subcommand taking USERNAME, --store and --as.
CLI::App* UserSubcommand(CLI::App& group, const char* name, const char* help,
                         std::shared_ptr<UserOptions> o) {
  auto* command = group.add_subcommand(name, help);
  AddStoreOption(*command, o->store);
  AddAs(*command, *o);
  command->add_option("USERNAME", o->username, "The user's username")->required();
  return command;
}

template <typename Run>
void OnRun(CLI::App* command, Context& context, Run run) {
  command->callback([&context, run] {
    *context.action = [&context, run] { return run(*context.clock); };
  });
}

}  // namespace

void AddUserCommands(CLI::App& app, Context& context) {
  auto* group = app.add_subcommand(
      "user", "Manage users: create, nominate, record training and eCRB, enrol tokens, suspend...");
  group->require_subcommand(1);
  auto o = std::make_shared<UserOptions>();

  auto* boot = group->add_subcommand(
      "bootstrap", "Create the first national administrator of a new store (once only)");
  AddStoreOption(*boot, o->store);
  boot->add_option("USERNAME", o->username, "Their username")->required();
  boot->add_option("--name", o->name, "Their name")->required();
  boot->add_option("--training", o->training, "Date training was completed (YYYY-MM-DD)")
      ->required();
  boot->add_option("--ecrb", o->ecrb, "Date of their enhanced CRB disclosure (YYYY-MM-DD)")
      ->required();
  boot->add_option("--qr", o->qr_file, "Write the token's QR code (SVG) to this file");
  OnRun(boot, context, [o](const core::Clock& c) { return Bootstrap(*o, c); });

  auto* create = UserSubcommand(*group, "create", "Create a user (then nominate, record "
                                "training and eCRB, and enrol a token)", o);
  create->add_option("--name", o->name, "The user's name")->required();
  create->add_option("--org", o->organisation, "Their organisation, e.g. la:E08000035")
      ->required();
  create->add_option("--role", o->role, "Their role (see 'contactpoint user roles')")->required();
  create->add_flag("--mediated", o->mediated,
                   "A practitioner with no IT access, for whom another user acts");
  create->add_option("--home-postcode", o->home_postcode,
                     "Their own home postcode (optional): a search of it alerts the "
                     "ContactPoint Manager");
  OnRun(create, context, [o](const core::Clock& c) { return Create(*o, c); });

  OnRun(UserSubcommand(*group, "nominate", "Record that their organisation nominates them", o),
        context, [o](const core::Clock& c) {
          return Simple(*o, c, identity::UserOperation::kNominate, "is nominated");
        });
  auto* training = UserSubcommand(*group, "training", "Record completed training", o);
  training->add_option("--date", o->date, "Date completed (YYYY-MM-DD)")->required();
  OnRun(training, context, [o](const core::Clock& c) { return RecordDate(*o, c, false); });
  auto* ecrb = UserSubcommand(*group, "ecrb", "Record an enhanced CRB disclosure", o);
  ecrb->add_option("--date", o->date, "Disclosure date (YYYY-MM-DD); lapses 3 years on")
      ->required();
  OnRun(ecrb, context, [o](const core::Clock& c) { return RecordDate(*o, c, true); });
  auto* enrol = UserSubcommand(*group, "enrol-token", "Enrol a new security token", o);
  enrol->add_option("--qr", o->qr_file, "Write the QR code (SVG) to this file");
  OnRun(enrol, context, [o](const core::Clock& c) { return EnrolToken(*o, c); });
  OnRun(UserSubcommand(*group, "reset", "Issue temporary password and PIN (unlocks the PIN)", o),
        context, [o](const core::Clock& c) { return Reset(*o, c); });
  OnRun(UserSubcommand(*group, "suspend", "Suspend (ends their sessions)", o), context,
        [o](const core::Clock& c) {
          return Simple(*o, c, identity::UserOperation::kSuspend, "is suspended");
        });
  OnRun(UserSubcommand(*group, "reinstate", "Lift a suspension", o), context,
        [o](const core::Clock& c) {
          return Simple(*o, c, identity::UserOperation::kReinstate, "is reinstated");
        });
  OnRun(UserSubcommand(*group, "revoke", "Revoke for good (ends their sessions)", o), context,
        [o](const core::Clock& c) {
          return Simple(*o, c, identity::UserOperation::kRevoke, "is revoked");
        });
  auto* set_role = UserSubcommand(*group, "set-role", "Change their role (ends sessions)", o);
  set_role->add_option("--role", o->role, "The new role")->required();
  OnRun(set_role, context, [o](const core::Clock& c) { return SetRole(*o, c); });
  auto* home = UserSubcommand(*group, "home-postcode",
                              "Record or clear their home postcode (for misuse alerts only)", o);
  home->add_option("--postcode", o->home_postcode, "Their home postcode, e.g. LS1 4AB");
  home->add_flag("--clear", o->clear, "Forget the postcode recorded");
  OnRun(home, context, [o](const core::Clock& c) { return SetHomePostcode(*o, c); });
  OnRun(UserSubcommand(*group, "show", "Show a user and why they may not sign in", o), context,
        [o](const core::Clock& c) { return Show(*o, c); });
  auto* list = group->add_subcommand("list", "List the users you manage");
  AddStoreOption(*list, o->store);
  AddAs(*list, *o);
  OnRun(list, context, [o](const core::Clock& c) { return List(*o, c); });
  auto* roles = group->add_subcommand("roles", "List the role catalogue");
  OnRun(roles, context, [](const core::Clock&) { return Roles(); });

  auto* org = app.add_subcommand("org", "Organisations and their accreditation");
  org->require_subcommand(1);
  auto* org_list = org->add_subcommand("list", "List organisations");
  AddStoreOption(*org_list, o->store);
  OnRun(org_list, context, [o](const core::Clock& c) { return OrgList(*o, c); });
  auto* org_add = org->add_subcommand(
      "add", "Add an organisation accountable to your local authority (pending)");
  AddStoreOption(*org_add, o->store);
  AddAs(*org_add, *o);
  org_add->add_option("SLUG", o->slug, "Short ID: the organisation becomes org:SLUG")->required();
  org_add->add_option("--name", o->name, "Its name")->required();
  org_add->add_option("--authority", o->authority,
                      "Accountable authority (national administrators only), e.g. la:E08000035");
  OnRun(org_add, context, [o](const core::Clock& c) { return OrgAdd(*o, c); });
  auto* org_accredit = org->add_subcommand("accredit", "Set an organisation's accreditation");
  AddStoreOption(*org_accredit, o->store);
  AddAs(*org_accredit, *o);
  org_accredit->add_option("ORGANISATION", o->organisation, "e.g. org:leeds-primary")->required();
  org_accredit->add_option("--state", o->state, "accredited, suspended or withdrawn")
      ->check(CLI::IsMember({"pending", "accredited", "suspended", "withdrawn"}))
      ->required();
  OnRun(org_accredit, context, [o](const core::Clock& c) { return OrgAccredit(*o, c); });
}

}  // namespace cp::cli
