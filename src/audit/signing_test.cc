#include "audit/signing.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "audit/testing/audit_fixture.h"

namespace cp::audit {
namespace {

using testing::TempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST(SigningTest, CreateFileWritesAPrivateKeyAndItsPublicKey) {
  TempDir dir;
  const std::string path = dir.File("audit.key");
  ASSERT_TRUE(SigningKey::CreateFile(path).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ModeOf(PublicKeyPath(path)), 0644u);
  EXPECT_TRUE(ReadAll(path).starts_with("contactpoint-audit-signing-key v1\n"));
  auto key = SigningKey::Load(path);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto pub = PublicKey::Load(PublicKeyPath(path));
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_EQ(pub->id(), key->public_key().id());
  EXPECT_EQ(pub->id().size(), 16u);
}

TEST(SigningTest, CreateFileNeverOverwritesAKey) {
  TempDir dir;
  const std::string path = dir.File("audit.key");
  ASSERT_TRUE(SigningKey::CreateFile(path).ok());
  const std::string before = ReadAll(path);
  EXPECT_EQ(SigningKey::CreateFile(path).code(), core::ErrorCode::kAlreadyExists);
  EXPECT_EQ(ReadAll(path), before);
}

TEST(SigningTest, ASignatureVerifiesOnlyForTheSameStatementAndKey) {
  const SigningKey key = SigningKey::Generate();
  const SigningKey other = SigningKey::Generate();
  CheckpointStatement s{7, LeafHash("root"), core::FromUnixMillis(1'760'000'000'000)};
  const std::string signature = key.Sign(SignedBytes(s));
  EXPECT_EQ(signature.size(), 64u);
  EXPECT_TRUE(key.public_key().Verify(SignedBytes(s), signature));
  EXPECT_FALSE(other.public_key().Verify(SignedBytes(s), signature));
  CheckpointStatement changed = s;
  changed.tree_size = 8;
  EXPECT_FALSE(key.public_key().Verify(SignedBytes(changed), signature));
  changed = s;
  changed.root[0] ^= 1;
  EXPECT_FALSE(key.public_key().Verify(SignedBytes(changed), signature));
  changed = s;
  changed.at += std::chrono::milliseconds(1);
  EXPECT_FALSE(key.public_key().Verify(SignedBytes(changed), signature));
  EXPECT_FALSE(key.public_key().Verify(SignedBytes(s), signature.substr(1)));
}

TEST(SigningTest, AMissingKeyFileIsNamedWithHowToCreateOne) {
  TempDir dir;
  const std::string path = dir.File("nope.key");
  auto key = SigningKey::Load(path);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), core::ErrorCode::kAuditKeyNotFound);
  EXPECT_NE(key.status().message().find(path), std::string::npos);
  EXPECT_NE(key.status().message().find("contactpoint audit keygen --out"), std::string::npos);
  auto pub = PublicKey::Load(PublicKeyPath(path));
  EXPECT_EQ(pub.status().code(), core::ErrorCode::kAuditKeyNotFound);
}

TEST(SigningTest, AKeyFileOthersCanReadIsRefusedNamingThePathAndTheFix) {
  TempDir dir;
  const std::string path = dir.File("audit.key");
  ASSERT_TRUE(SigningKey::CreateFile(path).ok());
  for (mode_t mode : {0640, 0604, 0660, 0644}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto key = SigningKey::Load(path);
    ASSERT_FALSE(key.ok()) << std::oct << mode;
    EXPECT_EQ(key.status().code(), core::ErrorCode::kAuditKeyInvalid);
    EXPECT_NE(key.status().message().find("chmod 600 " + path), std::string::npos)
        << key.status().message();
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(SigningKey::Load(path).ok());
}

TEST(SigningTest, AnUnreadableOrMalformedKeyFileIsRefusedNamingThePath) {
  TempDir dir;
  struct Case {
    std::string name;
    std::string content;  // empty: make a directory instead
  };
  const std::vector<Case> cases = {
      {"a directory", ""},
      {"garbage", "hello\n"},
      {"public key in place of the secret",
       "contactpoint-audit-public-key v1\n" + std::string(64, 'a') + "\n"},
      {"short seed", "contactpoint-audit-signing-key v1\nabcd\n"},
      {"non-hex seed", "contactpoint-audit-signing-key v1\n" + std::string(64, 'z') + "\n"},
  };
  int i = 0;
  for (const Case& c : cases) {
    const std::string path = dir.File("key-" + std::to_string(i++));
    if (c.content.empty()) {
      ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
    } else {
      std::ofstream(path) << c.content;
      ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    }
    auto key = SigningKey::Load(path);
    ASSERT_FALSE(key.ok()) << c.name;
    EXPECT_EQ(key.status().code(), core::ErrorCode::kAuditKeyInvalid) << c.name;
    EXPECT_NE(key.status().message().find(path), std::string::npos) << c.name;
  }
  if (::geteuid() != 0) {
    const std::string path = dir.File("unreadable.key");
    ASSERT_TRUE(SigningKey::CreateFile(path).ok());
    ASSERT_EQ(::chmod(path.c_str(), 0000), 0);
    auto key = SigningKey::Load(path);
    EXPECT_EQ(key.status().code(), core::ErrorCode::kAuditKeyInvalid);
    EXPECT_NE(key.status().message().find("cannot be read"), std::string::npos);
  }
}

TEST(SigningTest, TheKeyNeverAppearsInMessages) {
  TempDir dir;
  const std::string path = dir.File("audit.key");
  ASSERT_TRUE(SigningKey::CreateFile(path).ok());
  const std::string text = ReadAll(path);
  const std::string seed_hex = text.substr(text.find('\n') + 1, 64);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto key = SigningKey::Load(path);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message().find(seed_hex), std::string::npos);
}

}  // namespace
}  // namespace cp::audit
