// The contract suite, continued: organisations, users and sessions
// (storage/identity.h). Every backend instantiating StoreContractTest runs
// these too.
#include <chrono>
#include <string>

#include "storage/store_contract.h"

namespace cp::storage {
namespace contract {
namespace {

using core::ErrorCode;
using std::chrono::March;

OrganisationEntry Authority(std::string id, std::string name) {
  return OrganisationEntry{std::move(id), std::move(name), "local_authority", "accredited",
                           std::nullopt, core::FromUnixMillis(1'700'000'000'000)};
}

UserEntry FullUser(std::string username, std::string organisation) {
  UserEntry user;
  user.username = std::move(username);
  user.display_name = "Sam O'Neill";
  user.organisation = std::move(organisation);
  user.role = "social_worker";
  user.account_state = "active";
  user.nominated = true;
  user.training_completed = std::chrono::year{2026} / March / std::chrono::day{2};
  user.ecrb_disclosure = std::chrono::year{2025} / March / std::chrono::day{1};
  user.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
  user.pin_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$cGlu";
  user.must_change_secrets = true;
  user.totp_sealed = std::string("\x00\x01sealed\xff", 9);
  user.totp_last_step = 58'000'000;
  user.password_failures = 4;
  user.last_failure_at = core::FromUnixMillis(1'700'000'123'456);
  user.pin_failures = 2;
  user.created_at = core::FromUnixMillis(1'700'000'000'000);
  user.updated_at = core::FromUnixMillis(1'700'000'100'000);
  user.home_postcode = "TS24 7QS";
  return user;
}

TEST_P(StoreContractTest, OrganisationsRoundTripAndReplace) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  OrganisationEntry la = Authority("la:E06000001", "Hartlepool Borough Council");
  CP_ASSERT_OK(tx->PutOrganisation(la));
  OrganisationEntry school{"org:hartlepool-high", "Hartlepool High School",
                           "accredited_organisation", "pending", "la:E06000001",
                           core::FromUnixMillis(1'700'000'000'001)};
  CP_ASSERT_OK(tx->PutOrganisation(school));
  school.accreditation = "accredited";
  CP_ASSERT_OK(tx->PutOrganisation(school));
  CP_ASSERT_OK(tx->Commit());

  CP_ASSERT_OK_AND_ASSIGN(auto read, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(OrganisationEntry got, read->GetOrganisation("org:hartlepool-high"));
  EXPECT_EQ(got, school);
  CP_ASSERT_OK_AND_ASSIGN(auto all, read->ListOrganisations());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], la);  // ordered by ID: "la:" < "org:"
  EXPECT_TRUE(HasCode(read->GetOrganisation("la:E06000002"), ErrorCode::kOrganisationNotFound));
}

TEST_P(StoreContractTest, AnOrganisationNeedsAKnownAccountableAuthority) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  OrganisationEntry orphan{"org:orphan", "Orphan School", "accredited_organisation", "pending",
                           "la:E09999999", core::FromUnixMillis(0)};
  EXPECT_FALSE(tx->PutOrganisation(orphan).ok());
}

TEST_P(StoreContractTest, UsersRoundTripWithEveryField) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK(tx->PutOrganisation(Authority("la:E06000001", "Hartlepool Borough Council")));
  UserEntry user = FullUser("sam.oneill", "la:E06000001");
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t id, tx->PutUser(user));
  EXPECT_GT(id, 0);
  CP_ASSERT_OK(tx->Commit());
  user.id = id;

  CP_ASSERT_OK_AND_ASSIGN(auto read, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(UserEntry got, read->GetUser(id));
  EXPECT_EQ(got, user);
  CP_ASSERT_OK_AND_ASSIGN(auto found, read->FindUser("sam.oneill"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, user);
  CP_ASSERT_OK_AND_ASSIGN(auto missing, read->FindUser("sam.o'neill' OR '1'='1"));
  EXPECT_FALSE(missing.has_value());
  EXPECT_TRUE(HasCode(read->GetUser(id + 1000), ErrorCode::kUserNotFound));
}

TEST_P(StoreContractTest, UsernamesAreUniqueAndUpdatesKeepTheId) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK(tx->PutOrganisation(Authority("la:E06000001", "Hartlepool Borough Council")));
  CP_ASSERT_OK(tx->PutOrganisation(Authority("la:E06000002", "Middlesbrough Council")));
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t first, tx->PutUser(FullUser("alex", "la:E06000001")));
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t second, tx->PutUser(FullUser("bea", "la:E06000002")));
  EXPECT_NE(first, second);
  EXPECT_TRUE(HasCode(tx->PutUser(FullUser("alex", "la:E06000002")), ErrorCode::kUserExists));

  UserEntry changed = FullUser("alex", "la:E06000001");
  changed.id = first;
  changed.account_state = "suspended";
  changed.totp_last_step.reset();
  changed.last_failure_at.reset();
  changed.training_completed.reset();
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t same, tx->PutUser(changed));
  EXPECT_EQ(same, first);
  CP_ASSERT_OK_AND_ASSIGN(UserEntry got, tx->GetUser(first));
  EXPECT_EQ(got, changed);

  UserEntry ghost = FullUser("ghost", "la:E06000001");
  ghost.id = second + 1000;
  EXPECT_TRUE(HasCode(tx->PutUser(ghost), ErrorCode::kUserNotFound));

  CP_ASSERT_OK_AND_ASSIGN(auto of_first, tx->ListUsers(std::string("la:E06000001")));
  ASSERT_EQ(of_first.size(), 1u);
  EXPECT_EQ(of_first[0].username, "alex");
  CP_ASSERT_OK_AND_ASSIGN(auto everyone, tx->ListUsers(std::nullopt));
  ASSERT_EQ(everyone.size(), 2u);
  EXPECT_EQ(everyone[1].username, "bea");
}

TEST_P(StoreContractTest, AUserNeedsAKnownOrganisation) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  EXPECT_FALSE(tx->PutUser(FullUser("nobody", "la:E06000009")).ok());
  CP_ASSERT_OK_AND_ASSIGN(auto everyone, tx->ListUsers(std::nullopt));
  EXPECT_TRUE(everyone.empty());
}

TEST_P(StoreContractTest, SessionsAreFoundByHashAndEndSinglyOrPerUser) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK(tx->PutOrganisation(Authority("la:E06000001", "Hartlepool Borough Council")));
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t alex, tx->PutUser(FullUser("alex", "la:E06000001")));
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t bea, tx->PutUser(FullUser("bea", "la:E06000001")));
  const std::string h1(64, 'a'), h2(64, 'b'), h3(64, 'c');
  SessionEntry first{h1, alex, bea, core::FromUnixMillis(1000), core::FromUnixMillis(2000)};
  CP_ASSERT_OK(tx->PutSession(first));
  CP_ASSERT_OK(tx->PutSession(SessionEntry{h2, alex, std::nullopt, core::FromUnixMillis(1),
                                           core::FromUnixMillis(1)}));
  CP_ASSERT_OK(tx->PutSession(SessionEntry{h3, bea, std::nullopt, core::FromUnixMillis(1),
                                           core::FromUnixMillis(1)}));
  first.last_seen_at = core::FromUnixMillis(3000);
  CP_ASSERT_OK(tx->PutSession(first));  // touch
  CP_ASSERT_OK_AND_ASSIGN(auto got, tx->GetSession(h1));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, first);

  CP_ASSERT_OK_AND_ASSIGN(std::int64_t ended, tx->DeleteSessionsOf(alex));
  EXPECT_EQ(ended, 2);
  CP_ASSERT_OK_AND_ASSIGN(auto gone, tx->GetSession(h1));
  EXPECT_FALSE(gone.has_value());
  CP_ASSERT_OK_AND_ASSIGN(auto kept, tx->GetSession(h3));
  EXPECT_TRUE(kept.has_value());
  CP_ASSERT_OK(tx->DeleteSession(h3));
  CP_ASSERT_OK(tx->DeleteSession(h3));  // ending an ended session is not an error
  CP_ASSERT_OK_AND_ASSIGN(auto none, tx->GetSession(h3));
  EXPECT_FALSE(none.has_value());
}

TEST_P(StoreContractTest, IdentityWritesNeedAReadWriteTransaction) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  EXPECT_FALSE(tx->PutOrganisation(Authority("la:E06000001", "Hartlepool")).ok());
  EXPECT_FALSE(tx->DeleteSessionsOf(1).ok());
}

}  // namespace
}  // namespace contract
}  // namespace cp::storage
