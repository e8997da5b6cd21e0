#include "access/organisation.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace cp::access {
namespace {

TEST(OrganisationTest, SevenNationalPartnersAsNamedInTheRegulations) {
  const auto partners = NationalPartners();
  ASSERT_EQ(partners.size(), 7u);
  const std::set<std::string> names{"Action for Children", "Barnardo's", "CAFCASS", "CEOP",
                                    "Kids", "NSPCC", "The Children's Society"};
  std::set<std::string> seen_names, seen_ids;
  for (const Organisation& p : partners) {
    EXPECT_EQ(p.type, OrganisationType::kNationalPartner);
    EXPECT_EQ(p.accreditation, AccreditationState::kAccredited);
    EXPECT_TRUE(ValidateOrganisation(p).ok()) << p.id.value();
    seen_names.insert(p.name);
    seen_ids.insert(p.id.value());
  }
  EXPECT_EQ(seen_names, names);
  EXPECT_EQ(seen_ids.size(), 7u);
  EXPECT_TRUE(ValidateOrganisation(NationalOperator()).ok());
}

TEST(OrganisationTest, LocalAuthorityIdIsItsGssCode) {
  auto la = LocalAuthority("E06000001", "Hartlepool", AccreditationState::kAccredited);
  ASSERT_TRUE(la.ok()) << la.status().ToString();
  EXPECT_EQ(la->id.value(), "la:E06000001");
  EXPECT_EQ(la->type, OrganisationType::kLocalAuthority);
  for (const char* bad : {"", "E0600000", "E060000011", "W06000001", "E0600000X"}) {
    EXPECT_EQ(LocalAuthority(bad, "X", AccreditationState::kAccredited).status().code(),
              core::ErrorCode::kInvalidOrganisation)
        << bad;
  }
}

TEST(OrganisationTest, OnlyAccreditedOrganisationsHaveAnAccountableAuthority) {
  Organisation school{OrganisationId("org:urn-107999"), "Example Primary School",
                      OrganisationType::kAccreditedOrganisation, AccreditationState::kAccredited,
                      OrganisationId("la:E06000001")};
  EXPECT_TRUE(ValidateOrganisation(school).ok());

  Organisation orphan = school;
  orphan.accountable_authority.reset();
  EXPECT_EQ(ValidateOrganisation(orphan).code(), core::ErrorCode::kInvalidOrganisation);

  Organisation under_partner = school;
  under_partner.accountable_authority = OrganisationId("np:nspcc");
  EXPECT_EQ(ValidateOrganisation(under_partner).code(), core::ErrorCode::kInvalidOrganisation);

  Organisation partner = NationalPartners()[0];
  partner.accountable_authority = OrganisationId("la:E06000001");
  EXPECT_EQ(ValidateOrganisation(partner).code(), core::ErrorCode::kInvalidOrganisation);
}

TEST(OrganisationTest, IdPrefixMustMatchTheType) {
  Organisation wrong{OrganisationId("np:E06000001"), "Hartlepool",
                     OrganisationType::kLocalAuthority, AccreditationState::kAccredited,
                     std::nullopt};
  EXPECT_EQ(ValidateOrganisation(wrong).code(), core::ErrorCode::kInvalidOrganisation);
  wrong.id = OrganisationId("la:");
  EXPECT_EQ(ValidateOrganisation(wrong).code(), core::ErrorCode::kInvalidOrganisation);
  wrong.id = OrganisationId("la:E06000001");
  wrong.name = "";
  EXPECT_EQ(ValidateOrganisation(wrong).code(), core::ErrorCode::kInvalidOrganisation);
}

TEST(OrganisationTest, TypeAndStateNamesRoundTrip) {
  for (auto type : {OrganisationType::kLocalAuthority, OrganisationType::kNationalPartner,
                    OrganisationType::kAccreditedOrganisation,
                    OrganisationType::kNationalOperator}) {
    EXPECT_EQ(ParseOrganisationType(OrganisationTypeName(type)).value(), type);
  }
  for (auto state : {AccreditationState::kPending, AccreditationState::kAccredited,
                     AccreditationState::kSuspended, AccreditationState::kWithdrawn}) {
    EXPECT_EQ(ParseAccreditationState(AccreditationStateName(state)).value(), state);
  }
  EXPECT_EQ(ParseOrganisationType("school").status().code(), core::ErrorCode::kInvalidOrganisation);
  EXPECT_EQ(ParseAccreditationState("ok").status().code(), core::ErrorCode::kInvalidOrganisation);
}

}  // namespace
}  // namespace cp::access
