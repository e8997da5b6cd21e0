#include "identity/token_vault.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace cp::identity {
namespace {

using core::ErrorCode;

class TokenVaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cp_vault_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const char* name) { return (dir_ / name).string(); }
  std::filesystem::path dir_;
  core::SeededRandom random_{3};
};

TEST_F(TokenVaultTest, SealedSecretsOpenWithTheSameKeyOnly) {
  const std::string path = Path("store.db.token-key");
  ASSERT_TRUE(TokenVault::CreateFile(path).ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto vault = TokenVault::Load(path);
  ASSERT_TRUE(vault.ok()) << vault.status().ToString();
  const core::Sensitive<std::string> secret(std::string("\x01\x02secret-bytes\xff", 15));
  const std::string sealed = vault->Seal(secret, random_);
  EXPECT_EQ(sealed.find("secret-bytes"), std::string::npos);
  EXPECT_NE(vault->Seal(secret, random_), sealed);  // a fresh nonce each time
  EXPECT_EQ(vault->Open(sealed)->Reveal(), secret.Reveal());

  TokenVault other = TokenVault::FromRandom(random_);
  EXPECT_EQ(other.Open(sealed).status().code(), ErrorCode::kStoreCorrupt);
  std::string altered = sealed;
  altered.back() ^= 1;
  EXPECT_EQ(vault->Open(altered).status().code(), ErrorCode::kStoreCorrupt);
  EXPECT_EQ(vault->Open(sealed.substr(0, 10)).status().code(), ErrorCode::kStoreCorrupt);
}

TEST_F(TokenVaultTest, KeyFilesAreNeverOverwrittenAndMustBePrivate) {
  const std::string path = Path("k");
  ASSERT_TRUE(TokenVault::CreateFile(path).ok());
  EXPECT_EQ(TokenVault::CreateFile(path).code(), ErrorCode::kAlreadyExists);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto loose = TokenVault::Load(path);
  EXPECT_EQ(loose.status().code(), ErrorCode::kTokenKeyInvalid);
  EXPECT_NE(loose.status().message().find("chmod 600"), std::string::npos);
  EXPECT_EQ(TokenVault::Load(Path("missing")).status().code(), ErrorCode::kTokenKeyNotFound);
  const std::string bad = Path("bad");
  { std::ofstream(bad) << "contactpoint-token-key v1\nnothex\n"; }
  ASSERT_EQ(::chmod(bad.c_str(), 0600), 0);
  EXPECT_EQ(TokenVault::Load(bad).status().code(), ErrorCode::kTokenKeyInvalid);
}

TEST(TokenKeyPathTest, SitsBesideTheStore) {
  EXPECT_EQ(DefaultTokenKeyPath("/var/cp/store.db"), "/var/cp/store.db.token-key");
}

}  // namespace
}  // namespace cp::identity
