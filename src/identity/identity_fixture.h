// Test fixture shared by the identity tests: a fresh SQLite store with its
// audit log, a fake clock, seeded randomness, fast Argon2id parameters, the
// organisations seeded, and helpers to make eligible users.
#ifndef CP_IDENTITY_IDENTITY_FIXTURE_H_
#define CP_IDENTITY_IDENTITY_FIXTURE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "auth/totp.h"
#include "identity/directory.h"
#include "identity/sign_in.h"
#include "storage/sqlite/sqlite_store.h"

namespace cp::identity::testing {

using std::chrono::November;

// Counts Verify calls, to prove every sign-in does the same work.
class CountingHasher final : public auth::SecretHasher {
 public:
  CountingHasher() : inner_(auth::MinimumParamsForTests()) {}
  core::StatusOr<std::string> Hash(const core::Sensitive<std::string>& secret) const override {
    return inner_.Hash(secret);
  }
  core::StatusOr<bool> Verify(std::string_view stored,
                              const core::Sensitive<std::string>& secret) const override {
    ++verifies;
    return inner_.Verify(stored, secret);
  }
  bool NeedsRehash(std::string_view stored) const override { return inner_.NeedsRehash(stored); }
  mutable std::atomic<int> verifies{0};

 private:
  auth::Argon2idHasher inner_;
};

inline domain::Date Day(int y, std::chrono::month m, unsigned d) {
  return std::chrono::year{y} / m / std::chrono::day{d};
}

inline const std::string kLeeds = "la:E08000035";
inline const std::string kYork = "la:E06000014";

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cp_identity_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(*storage::SqliteStore::Open((dir_ / "store.db").string(), clock_));
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    directory_ = std::make_unique<Directory>(services());
    sign_in_ = std::make_unique<SignInService>(services());
    auto leeds = access::LocalAuthority("E08000035", "Leeds City Council",
                                        access::AccreditationState::kAccredited);
    auto york = access::LocalAuthority("E06000014", "City of York Council",
                                       access::AccreditationState::kAccredited);
    ASSERT_TRUE(directory_->SeedOrganisations({*leeds, *york}).ok());
    auto boot = directory_->Bootstrap("root.admin", "Root Admin", Day(2026, November, 1),
                                      Day(2025, November, 1));
    ASSERT_TRUE(boot.ok()) << boot.status().ToString();
    admin_ = *directory_->Manager("root.admin");
  }
  void TearDown() override {
    sign_in_.reset();
    directory_.reset();
    audit_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Services services() { return Services{*store_, *audit_, clock_, random_, hasher_, vault_}; }

  // Creates a fully eligible user and returns their secrets (not temporary).
  Secrets MakeEligible(const Account& manager, const std::string& username,
                       access::Role role, const std::string& organisation) {
    Secrets secrets = GenerateSecrets(random_, username);
    auto created = directory_->CreateUser(
        manager, NewUser{username, "Test " + username, organisation, role, false},
        Secrets{secrets.password, secrets.pin}, /*temporary=*/false);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    EXPECT_TRUE(directory_->Apply(manager, username, UserOperation::kNominate).ok());
    EXPECT_TRUE(directory_->RecordTraining(manager, username, Day(2026, November, 2)).ok());
    EXPECT_TRUE(directory_->RecordEcrb(manager, username, Day(2024, November, 22)).ok());
    EXPECT_TRUE(directory_->EnrolToken(manager, username).ok());
    return secrets;
  }

  storage::UserEntry User(const std::string& username) {
    auto tx = store_->Begin(storage::TxMode::kReadOnly);
    return **(*tx)->FindUser(username);
  }

  // The current TOTP code of a user's token.
  core::Sensitive<std::string> Code(const std::string& username, core::Timestamp at) {
    auto secret = vault_.Open(User(username).totp_sealed);
    return *auth::Totp().Generate(*secret, at);
  }
  core::Sensitive<std::string> Code(const std::string& username) {
    return Code(username, clock_.Now());
  }

  SignInRequest Request(const std::string& username, const Secrets& secrets) {
    return SignInRequest{username, secrets.password, secrets.pin, Code(username)};
  }

  // Audit events of an action, oldest first.
  std::vector<audit::LoggedEvent> Events(audit::Action action) {
    audit::AuditQuery query;
    query.action = action;
    query.limit = 1000;
    auto events = *audit_->Query(query);
    std::reverse(events.begin(), events.end());
    return events;
  }

  std::filesystem::path dir_;
  core::FakeClock clock_{core::FromUnixMillis(1'795'348'800'000)};  // 2026-11-22 12:00 UTC
  core::SeededRandom random_{7};
  CountingHasher hasher_;
  TokenVault vault_ = TokenVault::FromRandom(random_);
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<SignInService> sign_in_;
  Account admin_;
};

}  // namespace cp::identity::testing

#endif  // CP_IDENTITY_IDENTITY_FIXTURE_H_
