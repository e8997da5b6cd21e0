#include "access/accountable_authority.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace cp::access {
namespace {

class AuthorityMapTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = AuthorityMap::Load(AuthorityMap::DefaultDataDir());
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    map_ = new AuthorityMap(std::move(*loaded));
  }
  static void TearDownTestSuite() { delete map_; }
  static AuthorityMap* map_;
};
AuthorityMap* AuthorityMapTest::map_ = nullptr;

TEST_F(AuthorityMapTest, ShipsEveryEnglishSectorAndDistrict) {
  EXPECT_EQ(map_->sectors(), 9109u);
  EXPECT_EQ(map_->districts(), 2238u);
}

TEST_F(AuthorityMapTest, AWholeSectorGivesItsAuthority) {
  const AuthorityAssignment a = map_->Assign("LS1 4AB");
  ASSERT_TRUE(a.authority.has_value());
  EXPECT_EQ(a.authority->value(), "la:E08000035");  // Leeds
  EXPECT_FALSE(a.provisional);
  EXPECT_EQ(a.basis, "sector");
  EXPECT_TRUE(a.queue.empty());
  // Split between two districts of one county: still one authority.
  EXPECT_EQ(map_->Assign("AL2 1AA").authority->value(), "la:E10000015");
  EXPECT_FALSE(map_->Assign("AL2 1AA").provisional);
}

TEST_F(AuthorityMapTest, ASplitSectorGoesToItsMajorityProvisionally) {
  const AuthorityAssignment a = map_->Assign("AL3 8ZZ");
  ASSERT_TRUE(a.authority.has_value());
  EXPECT_EQ(a.authority->value(), "la:E10000015");  // 99.5 % Hertfordshire
  EXPECT_TRUE(a.provisional);
  EXPECT_EQ(a.candidates.size(), 2u);
}

TEST_F(AuthorityMapTest, NoMajorityGoesToANamedNationalQueueNeverAGuess) {
  for (const char* postcode : {"B62 0AA", "B94 6AA"}) {  // 48/46/6 %, 50/50 %
    const AuthorityAssignment a = map_->Assign(std::string(postcode));
    EXPECT_FALSE(a.authority.has_value()) << postcode;
    EXPECT_EQ(a.queue, kQueueSplitPostcodeArea);
    EXPECT_GE(a.candidates.size(), 2u);
  }
}

TEST_F(AuthorityMapTest, AnUnknownSectorFallsBackToItsDistrict) {
  const AuthorityAssignment a = map_->Assign("LS1 0AA");  // no postcodes in sector LS1 0 in 2014
  ASSERT_TRUE(a.authority.has_value());
  EXPECT_EQ(a.authority->value(), "la:E08000035");
  EXPECT_EQ(a.basis, "district");
}

TEST_F(AuthorityMapTest, UnknownOrMissingPostcodesGoToNationalQueues) {
  for (const char* postcode : {"EH1 1AA", "CF10 1AA", "TR99 9ZZ", "ZZ1 1ZZ"}) {
    const AuthorityAssignment a = map_->Assign(std::string(postcode));
    EXPECT_FALSE(a.authority.has_value()) << postcode;
    EXPECT_EQ(a.queue, kQueueUnknownPostcode) << postcode;
  }
  EXPECT_EQ(map_->Assign(std::nullopt).queue, kQueueNoPostcode);
  EXPECT_EQ(map_->Assign(std::string()).queue, kQueueNoPostcode);
}

TEST(AuthorityMapLoadTest, AMalformedFileIsNamedWithItsLine) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cp_geo_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "england_postcode_sector_to_la.csv")
        << "postcode_sector,n_postcodes,lad_gss_code,lad_name,utla_gss_code,utla_name,region,"
           "share_of_postcodes,n_lads_in_sector\n"
        << "LS1 4,107,E08000035,Leeds,E08000035,Leeds,Yorkshire,1.0,1\n"
        << "LS1 5,107,E08000035,Leeds,E08000035,Leeds,Yorkshire,1.7,1\n";
  }
  auto loaded = AuthorityMap::Load(dir);
  EXPECT_EQ(loaded.status().code(), core::ErrorCode::kInvalidConfiguration);
  EXPECT_NE(loaded.status().message().find("line 3"), std::string::npos);
  std::filesystem::remove(dir / "england_postcode_sector_to_la.csv");
  EXPECT_NE(AuthorityMap::Load(dir).status().message().find("cannot be read"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cp::access
