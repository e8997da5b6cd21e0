#include "identity/organisations_data.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace cp::identity {
namespace {

TEST(OrganisationsDataTest, ShipsEveryEnglishUpperTierAuthority) {
  auto authorities = LoadLocalAuthorities(CP_ORGANISATIONS_DATA_DIR);
  ASSERT_TRUE(authorities.ok()) << authorities.status().ToString();
  EXPECT_EQ(authorities->size(), 153u);
  bool found = false;
  for (const access::Organisation& la : *authorities) {
    EXPECT_TRUE(access::ValidateOrganisation(la).ok());
    EXPECT_EQ(la.accreditation, access::AccreditationState::kAccredited);
    if (la.id.value() == "la:E06000058") {
      found = true;
      EXPECT_EQ(la.name, "Bournemouth, Christchurch and Poole Council");  // a quoted field
    }
  }
  EXPECT_TRUE(found);
}

TEST(OrganisationsDataTest, AMalformedFileIsNamedWithItsLine) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cp_orgdata_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "england_upper_tier_las.csv");
    out << "utla_gss_code,utla_name,official_name,la_type,region,mysociety_code,"
           "n_lower_tier_districts,pop_2020\n"
        << "E06000001,Hartlepool,Hartlepool Borough Council,Unitary authority,North East,HPL,1,1\n"
        << "X1,Bad,Bad Council,Unitary authority,North East,BAD,1,1\n";
  }
  auto loaded = LoadLocalAuthorities(dir);
  EXPECT_EQ(loaded.status().code(), core::ErrorCode::kInvalidConfiguration);
  EXPECT_NE(loaded.status().message().find("line 3"), std::string::npos);
  EXPECT_EQ(LoadLocalAuthorities(dir / "nowhere").status().code(),
            core::ErrorCode::kInvalidConfiguration);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cp::identity
