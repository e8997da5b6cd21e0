// The contract suite, continued: misuse alerts (storage/misuse_alert.h).
// Every backend instantiating StoreContractTest runs these too.
#include <string>

#include "storage/store_contract.h"

namespace cp::storage {
namespace contract {
namespace {

using core::ErrorCode;

// A local authority and one user in it; returns the user's ID.
std::int64_t AddUser(Transaction& tx, const std::string& username) {
  if (!tx.GetOrganisation("la:E06000001").ok()) {
    EXPECT_TRUE(tx.PutOrganisation(OrganisationEntry{"la:E06000001", "Hartlepool Borough Council",
                                                     "local_authority", "accredited", std::nullopt,
                                                     core::FromUnixMillis(1'700'000'000'000)})
                    .ok());
  }
  UserEntry user;
  user.username = username;
  user.display_name = "Sam Smith";
  user.organisation = "la:E06000001";
  user.role = "social_worker";
  user.created_at = core::FromUnixMillis(1'700'000'000'000);
  user.updated_at = user.created_at;
  auto id = tx.PutUser(user);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : 0;
}

MisuseAlertEntry Alert(std::int64_t user, std::string kind, std::int64_t at_ms) {
  MisuseAlertEntry a;
  a.user_id = user;
  a.organisation = "la:E06000001";
  a.kind = std::move(kind);
  a.raised_at = core::FromUnixMillis(at_ms);
  a.last_seen_at = a.raised_at;
  a.audit_index = 3;
  return a;
}

}  // namespace
}  // namespace contract

using namespace contract;  // NOLINT: test file

TEST_P(StoreContractTest, MisuseAlertsRoundTripFindOpenAndList) {
  const domain::ContactPointId child = CreateChild(501);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  const std::int64_t sam = AddUser(*tx, "sam.smith");
  const std::int64_t kim = AddUser(*tx, "kim.smith");
  MisuseAlertEntry shielded = Alert(sam, "shielded_access", 1'700'000'000'000);
  shielded.child = child;
  shielded.accountable = "la:E08000035";
  CP_ASSERT_OK_AND_ASSIGN(shielded.id, tx->PutMisuseAlert(shielded));
  MisuseAlertEntry volume = Alert(sam, "search_limit", 1'700'000'001'000);
  volume.suspended = true;
  CP_ASSERT_OK_AND_ASSIGN(volume.id, tx->PutMisuseAlert(volume));
  MisuseAlertEntry other = Alert(kim, "search_limit", 1'700'000'002'000);
  CP_ASSERT_OK_AND_ASSIGN(other.id, tx->PutMisuseAlert(other));
  CP_ASSERT_OK(tx->Commit());

  CP_ASSERT_OK_AND_ASSIGN(auto read, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(MisuseAlertEntry got, read->GetMisuseAlert(shielded.id));
  EXPECT_EQ(got, shielded);
  EXPECT_TRUE(HasCode(read->GetMisuseAlert(other.id + 100), ErrorCode::kAlertNotFound));
  // The open alert is found by user, kind and child: with and without one.
  CP_ASSERT_OK_AND_ASSIGN(auto open, read->OpenMisuseAlert(sam, "shielded_access", child));
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(*open, shielded);
  CP_ASSERT_OK_AND_ASSIGN(auto none, read->OpenMisuseAlert(sam, "shielded_access", std::nullopt));
  EXPECT_FALSE(none.has_value());
  CP_ASSERT_OK_AND_ASSIGN(auto by_kind, read->OpenMisuseAlert(sam, "search_limit", std::nullopt));
  ASSERT_TRUE(by_kind.has_value());
  EXPECT_EQ(by_kind->id, volume.id);
  // Newest occurrence first.
  CP_ASSERT_OK_AND_ASSIGN(auto all, read->ListMisuseAlerts({.limit = 10}));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, other.id);
  EXPECT_EQ(all[2].id, shielded.id);
  CP_ASSERT_OK_AND_ASSIGN(auto first, read->ListMisuseAlerts({.limit = 1}));
  EXPECT_EQ(first.size(), 1u);

  // A repeat adds an occurrence; a review closes the alert.
  shielded.occurrences = 2;
  shielded.last_seen_at = core::FromUnixMillis(1'700'000'009'000);
  shielded.audit_index = 9;
  CP_ASSERT_OK(read->PutMisuseAlert(shielded).status());
  volume.reviewed_by = kim;
  volume.reviewed_at = core::FromUnixMillis(1'700'000'010'000);
  volume.finding = "legitimate";
  CP_ASSERT_OK(read->PutMisuseAlert(volume).status());
  CP_ASSERT_OK_AND_ASSIGN(auto closed, read->OpenMisuseAlert(sam, "search_limit", std::nullopt));
  EXPECT_FALSE(closed.has_value());
  CP_ASSERT_OK_AND_ASSIGN(auto open_only, read->ListMisuseAlerts({.limit = 10}));
  ASSERT_EQ(open_only.size(), 2u);
  EXPECT_EQ(open_only[0], shielded);
  // By management scope: users' organisations, or the record's authority.
  MisuseAlertFilter scope{.organisations = std::vector<std::string>{"la:E06000002"}};
  CP_ASSERT_OK_AND_ASSIGN(auto none_in_scope, read->ListMisuseAlerts(scope));
  EXPECT_TRUE(none_in_scope.empty());
  scope.accountable = "la:E08000035";
  CP_ASSERT_OK_AND_ASSIGN(auto accountable, read->ListMisuseAlerts(scope));
  ASSERT_EQ(accountable.size(), 1u);
  EXPECT_EQ(accountable[0].id, shielded.id);
  scope.organisations = std::vector<std::string>{"la:E06000002", "la:E06000001"};
  scope.accountable.clear();
  CP_ASSERT_OK_AND_ASSIGN(auto in_scope, read->ListMisuseAlerts(scope));
  EXPECT_EQ(in_scope.size(), 2u);
  scope.exclude_user = kim;
  CP_ASSERT_OK_AND_ASSIGN(auto not_kims, read->ListMisuseAlerts(scope));
  ASSERT_EQ(not_kims.size(), 1u);
  EXPECT_EQ(not_kims[0].id, shielded.id);
  scope.exclude_user.reset();
  scope.organisations = std::vector<std::string>{"x') OR 1=1 --"};
  CP_ASSERT_OK_AND_ASSIGN(auto hostile, read->ListMisuseAlerts(scope));
  EXPECT_TRUE(hostile.empty());
  CP_ASSERT_OK_AND_ASSIGN(auto with_reviewed, read->ListMisuseAlerts({.include_reviewed = true, .limit = 10}));
  ASSERT_EQ(with_reviewed.size(), 3u);
  EXPECT_EQ(with_reviewed[0], shielded);
  EXPECT_EQ(with_reviewed[2], volume);
}

TEST_P(StoreContractTest, MisuseAlertsRefuseAnUnknownUserOrIdAndHalfAReview) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  const std::int64_t sam = AddUser(*tx, "sam.smith");
  EXPECT_TRUE(HasCode(tx->PutMisuseAlert(Alert(sam + 50, "search_limit", 1)),
                      ErrorCode::kUserNotFound));
  MisuseAlertEntry missing = Alert(sam, "search_limit", 1);
  missing.id = 999;
  EXPECT_TRUE(HasCode(tx->PutMisuseAlert(missing), ErrorCode::kAlertNotFound));
  MisuseAlertEntry half = Alert(sam, "search_limit", 1);
  half.reviewed_by = sam;  // no time, no finding
  EXPECT_FALSE(tx->PutMisuseAlert(half).ok());
  MisuseAlertEntry no_kind = Alert(sam, "", 1);
  EXPECT_FALSE(tx->PutMisuseAlert(no_kind).ok());
  // Nothing was written by the refused calls.
  CP_ASSERT_OK_AND_ASSIGN(auto all, tx->ListMisuseAlerts({.include_reviewed = true, .limit = 10}));
  EXPECT_TRUE(all.empty());
}

}  // namespace cp::storage
