#include "access/roles.h"

#include <array>

namespace cp::access {
namespace {

constexpr RoleInfo Practitioner(Role role, std::string_view code, std::string_view name) {
  return RoleInfo{role, code, name, /*is_management=*/false, /*is_practitioner=*/true};
}
constexpr RoleInfo Manager(Role role, std::string_view code, std::string_view name) {
  return RoleInfo{role, code, name, /*is_management=*/true, /*is_practitioner=*/false};
}
constexpr RoleInfo Other(Role role, std::string_view code, std::string_view name) {
  return RoleInfo{role, code, name, /*is_management=*/false, /*is_practitioner=*/false};
}

// In the order of the Role enumerators: Describe indexes it.
constexpr std::array kCatalogue{
    Practitioner(Role::kHeadTeacher, "head_teacher", "Head teacher"),
    Practitioner(Role::kDeputyHeadTeacher, "deputy_head_teacher", "Deputy head teacher"),
    Practitioner(Role::kSchoolAdministrator, "school_administrator", "School administrator"),
    Practitioner(Role::kPastoralLead, "pastoral_lead",
                 "Head of year or pastoral / child protection lead"),
    Practitioner(Role::kSenTeacher, "sen_teacher", "Teacher of children with SEN"),
    Practitioner(Role::kSenco, "senco", "SEN coordinator (SENCO)"),
    Practitioner(Role::kSocialWorker, "social_worker", "Social worker"),
    Practitioner(Role::kHealthVisitor, "health_visitor", "Health visitor"),
    Practitioner(Role::kSchoolNurse, "school_nurse", "School nurse"),
    Practitioner(Role::kMidwife, "midwife", "Midwife"),
    Practitioner(Role::kGeneralPractitioner, "general_practitioner", "General practitioner (GP)"),
    Practitioner(Role::kEducationWelfareOfficer, "education_welfare_officer",
                 "Education welfare officer"),
    Practitioner(Role::kConnexionsPersonalAdviser, "connexions_personal_adviser",
                 "Connexions personal adviser"),
    Practitioner(Role::kYouthOffendingTeamWorker, "youth_offending_team_worker",
                 "Youth offending team worker"),
    Practitioner(Role::kPoliceChildAbuseInvestigation, "police_child_abuse_investigation",
                 "Police child abuse investigation"),
    Practitioner(Role::kPoliceYouthParticipation, "police_youth_participation",
                 "Police youth participation"),
    Practitioner(Role::kPoliceEarlyIntervention, "police_early_intervention",
                 "Police early intervention"),
    Manager(Role::kContactPointManager, "contactpoint_manager", "ContactPoint Manager"),
    Manager(Role::kUserManager, "user_manager", "User Manager"),
    Manager(Role::kDataAdministrator, "data_administrator", "Data Administrator"),
    Manager(Role::kTrainer, "trainer", "ContactPoint Trainer"),
    Other(Role::kHelpdesk, "helpdesk", "Helpdesk"),
    Other(Role::kArchiveReviewer, "archive_reviewer", "Archive reviewer"),
    Other(Role::kNationalAdministrator, "national_administrator", "National administrator"),
};

}  // namespace

std::span<const RoleInfo> RoleCatalogue() { return kCatalogue; }

const RoleInfo& Describe(Role role) { return kCatalogue[static_cast<std::size_t>(role)]; }

core::StatusOr<Role> ParseRole(std::string_view code) {
  for (const RoleInfo& info : kCatalogue) {
    if (info.code == code) return info.role;
  }
  return core::Status(core::ErrorCode::kInvalidRole,
                      "unknown role code: see the role catalogue for the codes");
}

bool RoleAllowedIn(Role role, OrganisationType type) {
  using enum OrganisationType;
  if (Describe(role).is_practitioner) return type != kNationalOperator;
  switch (role) {
    case Role::kDataAdministrator:
    case Role::kArchiveReviewer:
      return type == kLocalAuthority;
    case Role::kContactPointManager:
    case Role::kUserManager:
    case Role::kTrainer:
      return type == kLocalAuthority || type == kNationalPartner;
    case Role::kHelpdesk:
      return type == kLocalAuthority || type == kNationalPartner || type == kNationalOperator;
    case Role::kNationalAdministrator:
      return type == kNationalOperator;
    default:
      return false;
  }
}

}  // namespace cp::access
