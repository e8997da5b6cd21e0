#include "access/management_scope.h"

namespace cp::access {

bool CanManage(const Manager& manager, const Organisation& target) {
  const Organisation& own = manager.organisation;
  if (own.accreditation != AccreditationState::kAccredited) return false;
  if (!RoleAllowedIn(manager.role, own.type)) return false;
  if (manager.role == Role::kNationalAdministrator) return true;
  if (!Describe(manager.role).is_management) return false;
  if (target.id == own.id) return true;
  return own.type == OrganisationType::kLocalAuthority &&
         target.type == OrganisationType::kAccreditedOrganisation &&
         target.accountable_authority == own.id;
}

}  // namespace cp::access
