#include "access/management_scope.h"

#include <gtest/gtest.h>

namespace cp::access {
namespace {

Organisation La(const char* code, AccreditationState state = AccreditationState::kAccredited) {
  return LocalAuthority(code, "Authority", state).value();
}

Organisation AccreditedBy(const Organisation& la, const char* slug) {
  return Organisation{OrganisationId(std::string("org:") + slug), "Partner",
                      OrganisationType::kAccreditedOrganisation, AccreditationState::kAccredited,
                      la.id};
}

TEST(ManagementScopeTest, ManagersActOnlyInsideTheirOwnOrganisationOrAuthority) {
  const Organisation hartlepool = La("E06000001");
  const Organisation middlesbrough = La("E06000002");
  const Organisation school = AccreditedBy(hartlepool, "urn-107999");
  const Organisation other_school = AccreditedBy(middlesbrough, "urn-111111");
  const Organisation nspcc = NationalPartners()[5];
  const Organisation barnardos = NationalPartners()[1];
  const Manager la_user_manager{Role::kUserManager, hartlepool};
  const Manager np_user_manager{Role::kUserManager, nspcc};
  const Manager school_head{Role::kHeadTeacher, school};
  const Manager national{Role::kNationalAdministrator, NationalOperator()};

  const struct {
    const char* name;
    const Manager& manager;
    const Organisation& target;
    bool allowed;
  } cases[] = {
      {"LA manager, own LA", la_user_manager, hartlepool, true},
      {"LA manager, organisation it accredited", la_user_manager, school, true},
      {"LA manager, another LA", la_user_manager, middlesbrough, false},
      {"LA manager, organisation another LA accredited", la_user_manager, other_school, false},
      {"LA manager, a National Partner", la_user_manager, nspcc, false},
      {"NP manager, own NP", np_user_manager, nspcc, true},
      {"NP manager, another NP", np_user_manager, barnardos, false},
      {"NP manager, an LA", np_user_manager, hartlepool, false},
      {"practitioner manages nothing, not even own organisation", school_head, school, false},
      {"national administrator, any LA", national, middlesbrough, true},
      {"national administrator, any NP", national, barnardos, true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CanManage(c.manager, c.target), c.allowed) << c.name;
  }
}

TEST(ManagementScopeTest, EveryManagementRoleHasTheSameScope) {
  const Organisation hartlepool = La("E06000001");
  const Organisation school = AccreditedBy(hartlepool, "urn-107999");
  for (Role role : {Role::kContactPointManager, Role::kUserManager, Role::kDataAdministrator,
                    Role::kTrainer}) {
    EXPECT_TRUE(CanManage(Manager{role, hartlepool}, school)) << Describe(role).code;
  }
  for (Role role : {Role::kHelpdesk, Role::kArchiveReviewer, Role::kSocialWorker}) {
    EXPECT_FALSE(CanManage(Manager{role, hartlepool}, hartlepool)) << Describe(role).code;
  }
}

TEST(ManagementScopeTest, NoManagementFromAnUnaccreditedOrInvalidPlace) {
  const Organisation suspended = La("E06000001", AccreditationState::kSuspended);
  EXPECT_FALSE(CanManage(Manager{Role::kUserManager, suspended}, suspended));
  // A management role held where it is not allowed gives no scope.
  const Organisation hartlepool = La("E06000001");
  const Organisation school = AccreditedBy(hartlepool, "urn-107999");
  EXPECT_FALSE(CanManage(Manager{Role::kUserManager, school}, school));
  EXPECT_FALSE(CanManage(Manager{Role::kNationalAdministrator, hartlepool}, hartlepool));
}

}  // namespace
}  // namespace cp::access
