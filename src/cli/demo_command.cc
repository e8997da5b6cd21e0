// contactpoint demo-users: the demonstration users `make demo` creates, one
// per kind of user, each fully eligible with a token, and their secrets; and
// one practitioner whose eCRB check lapsed, for the User Manager to find
// (DOMAIN.md section 10 case 9): they cannot sign in, so no secrets of
// theirs are printed.
//
// Only for a demonstration store: it refuses a store that has any user, and
// everything it makes goes through the same directory operations (and audit)
// as a User Manager's. The secrets are random for each store; they are
// printed and written to --out (mode 0600) so the demo can show them again.
#include <sys/stat.h>

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/app.h"
#include "cli/commands.h"
#include "identity/directory.h"

namespace cp::cli {
namespace {

using access::Role;

struct DemoUser {
  const char* username;
  const char* name;
  const char* organisation;  // "" = the demo school
  Role role;
  bool mediated;
};

constexpr const char* kAuthority = "la:E08000035";  // Leeds City Council
constexpr const char* kSchoolSlug = "demo-primary";
constexpr const char* kSchool = "org:demo-primary";

constexpr DemoUser kUsers[] = {
    {"leeds.um", "Uma Manning", kAuthority, Role::kUserManager, false},
    {"leeds.cpm", "Cara Price", kAuthority, Role::kContactPointManager, false},
    {"leeds.da", "Dev Anand", kAuthority, Role::kDataAdministrator, false},
    {"leeds.ar", "Alex Reeve", kAuthority, Role::kArchiveReviewer, false},
    {"leeds.sw", "Sam Walker", kAuthority, Role::kSocialWorker, false},
    {"leeds.hv", "Hana Vale", kAuthority, Role::kHealthVisitor, false},
    {"school.head", "Helen Head", kSchool, Role::kHeadTeacher, false},
    {"school.admin", "Ade Mills", kSchool, Role::kSchoolAdministrator, false},
    {"school.noit", "Nat Oakes", kSchool, Role::kSenco, true},
};

// Leeds' education welfare officer, whose eCRB disclosure is older than 3
// years.
constexpr DemoUser kLapsed = {"leeds.ewo", "Eli Wren", kAuthority,
                              Role::kEducationWelfareOfficer, false};
constexpr int kLapsedEcrbAgeDays = 3 * 365 + 90;

struct Printed {
  std::string username, role, organisation, password, pin, totp;
};

core::Status MakeEligible(identity::Directory& directory, const identity::Account& manager,
                          const std::string& username, bool mediated, domain::Date training,
                          domain::Date ecrb, Printed& printed) {
  RETURN_IF_ERROR(directory.Apply(manager, username, identity::UserOperation::kNominate));
  RETURN_IF_ERROR(directory.RecordTraining(manager, username, training));
  RETURN_IF_ERROR(directory.RecordEcrb(manager, username, ecrb));
  if (mediated) return core::Status::Ok();
  ASSIGN_OR_RETURN(identity::TokenEnrolment token, directory.EnrolToken(manager, username));
  printed.totp = token.secret_base32.Reveal();
  return core::Status::Ok();
}

core::Status CreateAll(identity::Directory& directory, const core::Clock& clock,
                       core::Random& random, std::vector<Printed>& out) {
  const domain::Date today(std::chrono::floor<std::chrono::days>(clock.Now()));
  const domain::Date training = domain::Date(std::chrono::sys_days(today) - std::chrono::days(30));
  const domain::Date ecrb = domain::Date(std::chrono::sys_days(today) - std::chrono::days(400));

  ASSIGN_OR_RETURN(auto admin, directory.Bootstrap("demo.admin", "Demo Administrator", training,
                                                   ecrb, /*temporary=*/false));
  out.push_back({"demo.admin", "national_administrator", std::string(access::kNationalOperatorId),
                 admin.secrets.password.Reveal(), admin.secrets.pin.Reveal(),
                 admin.token.secret_base32.Reveal()});
  ASSIGN_OR_RETURN(identity::Account root, directory.Manager("demo.admin"));

  for (const DemoUser& user : kUsers) {
    // The authority's managers first: they create the school and its users.
    const bool by_root = std::string(user.organisation) == kAuthority &&
                         (user.role == Role::kUserManager ||
                          user.role == Role::kContactPointManager);
    if (std::string(user.organisation) == kSchool && user.role == Role::kHeadTeacher) {
      ASSIGN_OR_RETURN(identity::Account cpm, directory.Manager("leeds.cpm"));
      RETURN_IF_ERROR(directory.AddOrganisation(cpm, kSchoolSlug, "Demo Primary School").status());
      RETURN_IF_ERROR(
          directory.SetAccreditation(cpm, kSchool, access::AccreditationState::kAccredited));
    }
    identity::Account manager = root;
    if (!by_root) {
      ASSIGN_OR_RETURN(manager, directory.Manager("leeds.um"));
    }
    Printed printed{user.username, std::string(access::Describe(user.role).code),
                    user.organisation, "", "", ""};
    std::optional<identity::Secrets> secrets;
    if (!user.mediated) secrets = identity::GenerateSecrets(random, user.username);
    if (secrets) {
      printed.password = secrets->password.Reveal();
      printed.pin = secrets->pin.Reveal();
    }
    RETURN_IF_ERROR(directory
                        .CreateUser(manager,
                                    identity::NewUser{user.username, user.name,
                                                      user.organisation, user.role,
                                                      user.mediated},
                                    std::move(secrets), /*temporary=*/false)
                        .status());
    RETURN_IF_ERROR(MakeEligible(directory, manager, user.username, user.mediated, training, ecrb,
                                 printed));
    out.push_back(std::move(printed));
  }

  ASSIGN_OR_RETURN(identity::Account um, directory.Manager("leeds.um"));
  RETURN_IF_ERROR(directory
                      .CreateUser(um, identity::NewUser{kLapsed.username, kLapsed.name,
                                                        kLapsed.organisation, kLapsed.role,
                                                        kLapsed.mediated})
                      .status());
  const domain::Date lapsed_ecrb =
      domain::Date(std::chrono::sys_days(today) - std::chrono::days(kLapsedEcrbAgeDays));
  Printed unprinted;  // their secrets stay unknown: they cannot sign in
  RETURN_IF_ERROR(
      MakeEligible(directory, um, kLapsed.username, false, training, lapsed_ecrb, unprinted));
  return core::Status::Ok();
}

std::string Table(const std::vector<Printed>& users) {
  std::ostringstream out;
  out << std::left << std::setw(14) << "USERNAME" << std::setw(24) << "ROLE" << std::setw(22)
      << "PASSWORD" << std::setw(10) << "PIN" << "TOKEN SECRET (TOTP, SHA-1, 6 digits, 30 s)\n";
  for (const Printed& u : users) {
    out << std::setw(14) << u.username << std::setw(24) << u.role << std::setw(22)
        << (u.password.empty() ? "(no IT access)" : u.password) << std::setw(10) << u.pin
        << u.totp << "\n";
  }
  return out.str();
}

}  // namespace

void AddDemoCommands(CLI::App& app, Context& context) {
  auto* demo = app.add_subcommand(
      "demo-users", "Create the demonstration users of a new demo store and print their secrets");
  auto store = std::make_shared<std::string>();
  auto out_file = std::make_shared<std::string>();
  AddStoreOption(*demo, *store);
  demo->add_option("--out", *out_file, "Also write the credentials to this file (mode 0600)");
  demo->callback([&context, store, out_file] {
    *context.action = [&context, store, out_file] {
      auto runtime = app::OpenIdentity(*store, *context.clock);
      if (!runtime.ok()) return Fail(runtime.status());
      identity::Directory directory((*runtime)->services(*context.clock));
      std::vector<Printed> users;
      const core::Status made = CreateAll(directory, *context.clock, (*runtime)->random, users);
      if (!made.ok()) return Fail(made);
      const std::string table = Table(users);
      std::cout << table;
      if (!out_file->empty()) {
        std::ofstream file(*out_file, std::ios::trunc);
        ::chmod(out_file->c_str(), 0600);
        file << table;
        if (!file.flush()) {
          return Fail(core::Status(core::ErrorCode::kUnavailable,
                                   "cannot write '" + *out_file + "'"));
        }
      }
      return 0;
    };
  });
}

}  // namespace cp::cli
