// access: management_scope.h — where a manager may act.
//
// Management roles act only inside their own organisation or authority
// (DOMAIN.md section 5, seed 004 section 3.2):
//   - a local authority's management team manages the authority itself and
//     every organisation that authority accredited (its accountable authority);
//   - a National Partner's management team manages that National Partner only;
//   - the national administrator manages every organisation (it sets up local
//     authorities, National Partners and their first managers);
//   - no other role manages anything, and nobody manages from an organisation
//     that is not accredited.
// This says only where; what each management role may do there (a User
// Manager manages users, a Data Administrator data, a ContactPoint Manager
// reviews users' activity: access::DecideOversight) is the access policy's
// per-action rule. Eligibility of the manager is checked at sign-in. Free
// function; thread-safe.
#ifndef CP_ACCESS_MANAGEMENT_SCOPE_H_
#define CP_ACCESS_MANAGEMENT_SCOPE_H_

#include "access/organisation.h"
#include "access/roles.h"

namespace cp::access {

struct Manager {
  Role role;
  Organisation organisation;  // the manager's own organisation
};

bool CanManage(const Manager& manager, const Organisation& target);

}  // namespace cp::access

#endif  // CP_ACCESS_MANAGEMENT_SCOPE_H_
