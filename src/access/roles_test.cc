#include "access/roles.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace cp::access {
namespace {

using enum OrganisationType;

TEST(RolesTest, CatalogueIsInEnumOrderWithUniqueStableCodes) {
  std::set<std::string_view> codes;
  std::size_t index = 0;
  for (const RoleInfo& info : RoleCatalogue()) {
    EXPECT_EQ(static_cast<std::size_t>(info.role), index++);
    EXPECT_TRUE(codes.insert(info.code).second) << info.code;
    EXPECT_FALSE(info.display_name.empty());
    EXPECT_FALSE(info.is_management && info.is_practitioner) << info.code;
    EXPECT_EQ(ParseRole(info.code).value(), info.role);
    EXPECT_EQ(&Describe(info.role), &info);
  }
  EXPECT_EQ(ParseRole("Head_Teacher").status().code(), core::ErrorCode::kInvalidRole);
  EXPECT_EQ(ParseRole("").status().code(), core::ErrorCode::kInvalidRole);
}

TEST(RolesTest, TheFourManagementRolesAndNoOthersAreManagement) {
  std::set<std::string_view> management;
  for (const RoleInfo& info : RoleCatalogue()) {
    if (info.is_management) management.insert(info.code);
  }
  EXPECT_EQ(management, (std::set<std::string_view>{"contactpoint_manager", "user_manager",
                                                    "data_administrator", "trainer"}));
}

TEST(RolesTest, NamedPractitionerRolesArePractitioners) {
  for (const char* code : {"head_teacher", "deputy_head_teacher", "pastoral_lead", "sen_teacher",
                           "senco", "social_worker", "health_visitor", "school_nurse",
                           "general_practitioner", "police_child_abuse_investigation"}) {
    EXPECT_TRUE(Describe(ParseRole(code).value()).is_practitioner) << code;
  }
  for (const char* code : {"helpdesk", "archive_reviewer", "national_administrator"}) {
    const RoleInfo& info = Describe(ParseRole(code).value());
    EXPECT_FALSE(info.is_practitioner || info.is_management) << code;
  }
}

TEST(RolesTest, WhichOrganisationsMayGiveWhichRoles) {
  const struct {
    Role role;
    bool la, np, org, nat;
  } cases[] = {
      {Role::kSocialWorker, true, true, true, false},
      {Role::kHeadTeacher, true, true, true, false},
      {Role::kContactPointManager, true, true, false, false},
      {Role::kUserManager, true, true, false, false},
      {Role::kTrainer, true, true, false, false},
      {Role::kDataAdministrator, true, false, false, false},  // NPs are not data controllers
      {Role::kArchiveReviewer, true, false, false, false},
      {Role::kHelpdesk, true, true, false, true},
      {Role::kNationalAdministrator, false, false, false, true},
  };
  for (const auto& c : cases) {
    const auto code = Describe(c.role).code;
    EXPECT_EQ(RoleAllowedIn(c.role, kLocalAuthority), c.la) << code;
    EXPECT_EQ(RoleAllowedIn(c.role, kNationalPartner), c.np) << code;
    EXPECT_EQ(RoleAllowedIn(c.role, kAccreditedOrganisation), c.org) << code;
    EXPECT_EQ(RoleAllowedIn(c.role, kNationalOperator), c.nat) << code;
  }
}

}  // namespace
}  // namespace cp::access
