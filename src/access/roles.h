// access: roles.h — the role catalogue: what a user is, for the access policy.
//
// Every user holds one role. Codes are stable (stored, audited, quoted in the
// API); display names are for people. Sources: practitioner roles from seed 002
// sections 3.1 (schools) and 3.6 (police) and DOMAIN.md section 5; management
// roles from seed 004 section 5.14. Roles the seeds do not name (helpdesk,
// archive reviewer, national administrator) are ours:
//   - helpdesk: supports users, sees no child record;
//   - archive_reviewer: reads archived records for a serious case review or a
//     child-death investigation, with a stated reason (DOMAIN.md section 7);
//   - national_administrator: sets up local authorities, National Partners and
//     their first managers; acts nationally (management_scope.h).
// The catalogue is constant; free functions; thread-safe.
#ifndef CP_ACCESS_ROLES_H_
#define CP_ACCESS_ROLES_H_

#include <span>
#include <string_view>

#include "access/organisation.h"
#include "core/status.h"

namespace cp::access {

enum class Role {
  // Practitioners (Level 2 users).
  kHeadTeacher,
  kDeputyHeadTeacher,
  kSchoolAdministrator,
  kPastoralLead,  // head of year or teacher with pastoral or child protection duties
  kSenTeacher,
  kSenco,
  kSocialWorker,
  kHealthVisitor,
  kSchoolNurse,
  kMidwife,
  kGeneralPractitioner,
  kEducationWelfareOfficer,
  kConnexionsPersonalAdviser,
  kYouthOffendingTeamWorker,
  kPoliceChildAbuseInvestigation,
  kPoliceYouthParticipation,
  kPoliceEarlyIntervention,
  // Management team of a local authority or National Partner.
  kContactPointManager,
  kUserManager,
  kDataAdministrator,
  kTrainer,
  // Others.
  kHelpdesk,
  kArchiveReviewer,
  kNationalAdministrator,
};

struct RoleInfo {
  Role role;
  std::string_view code;          // stable, e.g. "user_manager"
  std::string_view display_name;  // e.g. "User Manager"
  bool is_management;             // one of the four management-team roles
  bool is_practitioner;           // searches for children in their own work
};

// Every role, in declaration order.
std::span<const RoleInfo> RoleCatalogue();

const RoleInfo& Describe(Role role);

// kInvalidRole for a code not in the catalogue.
core::StatusOr<Role> ParseRole(std::string_view code);

// Whether an organisation of `type` may give a user `role`:
//   - practitioners: any organisation except the national operator;
//   - the management team: a local authority or a National Partner, except
//     that a National Partner has no Data Administrator (not a data controller);
//   - helpdesk: a local authority, a National Partner or the national operator;
//   - archive reviewer: a local authority (the accountable body for records);
//   - national administrator: the national operator only.
bool RoleAllowedIn(Role role, OrganisationType type);

}  // namespace cp::access

#endif  // CP_ACCESS_ROLES_H_
