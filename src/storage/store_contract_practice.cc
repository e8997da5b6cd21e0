// The contract suite, continued: practitioners' own entries, involvements and
// shields (storage/practice.h). Every backend instantiating StoreContractTest
// runs these too.
#include <chrono>
#include <string>

#include "storage/store_contract.h"
#include "storage/testing/scripted_random.h"

namespace cp::storage {
namespace contract {
namespace {

using core::ErrorCode;
using domain::ContactPointId;
using std::chrono::March;

PractitionerInvolvementEntry Involvement(ContactPointId child, std::int64_t user) {
  PractitionerInvolvementEntry e;
  e.child = child;
  e.user_id = user;
  e.organisation = "org:leeds-family-support";
  e.service_type = domain::ServiceType::kFamilySupport;
  e.phone = domain::PersonalText("0113 496 0000");
  e.email = domain::PersonalText("sam.oneill@example.org");
  e.start = std::chrono::year{2026} / March / std::chrono::day{2};
  e.recorded_at = core::FromUnixMillis(1'700'000'000'000);
  e.updated_at = e.recorded_at;
  return e;
}

ShieldEntry Shield(ContactPointId child, std::int64_t due_ms) {
  ShieldEntry s;
  s.child = child;
  s.ground = "risk_of_harm";
  s.requested_by = 7;
  s.requested_at = core::FromUnixMillis(1'700'000'000'000);
  s.review_due_at = core::FromUnixMillis(due_ms);
  return s;
}

}  // namespace
}  // namespace contract

using namespace contract;  // NOLINT: test file

TEST_P(StoreContractTest, PractitionerInvolvementsRoundTripAndUpdate) {
  const ContactPointId child = CreateChild(401);
  PractitionerInvolvementEntry full = Involvement(child, 7);
  full.caf = true;
  full.caf_holder_phone = domain::PersonalText("07700 900123");
  full.lead_professional = true;
  full.lead_marked_at = core::FromUnixMillis(1'700'000'000'500);
  full.service_type = domain::ServiceType::kSexualHealth;
  full.consent = domain::SensitiveConsent{domain::SensitiveConsent::GivenBy::kParent,
                                          std::chrono::year{2026} / March / std::chrono::day{1}};
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(full.id, tx->PutPractitionerInvolvement(full));
  PractitionerInvolvementEntry minimal = Involvement(child, 8);
  minimal.phone.reset();
  CP_ASSERT_OK_AND_ASSIGN(minimal.id, tx->PutPractitionerInvolvement(minimal));
  EXPECT_GT(full.id, 0);
  EXPECT_GT(minimal.id, full.id);
  CP_ASSERT_OK(tx->Commit());

  CP_ASSERT_OK_AND_ASSIGN(auto read, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(auto got, read->PractitionerInvolvementsOf(child));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], full);
  EXPECT_EQ(got[1], minimal);
  minimal.end = std::chrono::year{2026} / March / std::chrono::day{20};
  CP_ASSERT_OK(read->PutPractitionerInvolvement(minimal));
  CP_ASSERT_OK_AND_ASSIGN(got, read->PractitionerInvolvementsOf(child));
  EXPECT_EQ(got[1], minimal);
}

TEST_P(StoreContractTest, PractitionerInvolvementsAreRefusedOnAMissingChildOrAWrongId) {
  const ContactPointId child = CreateChild(402);
  const ContactPointId other = CreateChild(403);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t id, tx->PutPractitionerInvolvement(Involvement(child, 7)));
  PractitionerInvolvementEntry elsewhere = Involvement(other, 7);
  elsewhere.id = id;  // belongs to `child`, not `other`
  EXPECT_TRUE(HasCode(tx->PutPractitionerInvolvement(elsewhere), ErrorCode::kInvolvementNotFound));
  CP_ASSERT_OK(tx->DeleteChild(other));
  EXPECT_TRUE(HasCode(tx->PutPractitionerInvolvement(Involvement(other, 7)),
                      ErrorCode::kChildNotFound));
}

TEST_P(StoreContractTest, AChildHasAtMostOneLeadProfessional) {
  const ContactPointId child = CreateChild(404);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  PractitionerInvolvementEntry a = Involvement(child, 7);
  a.lead_professional = true;
  CP_ASSERT_OK_AND_ASSIGN(a.id, tx->PutPractitionerInvolvement(a));
  PractitionerInvolvementEntry b = Involvement(child, 8);
  CP_ASSERT_OK_AND_ASSIGN(b.id, tx->PutPractitionerInvolvement(b));
  b.lead_professional = true;
  EXPECT_TRUE(HasCode(tx->PutPractitionerInvolvement(b), ErrorCode::kAlreadyExists));
  a.lead_professional = false;
  CP_ASSERT_OK(tx->PutPractitionerInvolvement(a));
  CP_EXPECT_OK(tx->PutPractitionerInvolvement(b));
}

TEST_P(StoreContractTest, PractitionerEntriesSurviveAPutChildAndGoWithDeleteChild) {
  const ContactPointId child = CreateChild(405);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK(tx->PutPractitionerInvolvement(Involvement(child, 7)));
  CP_ASSERT_OK(tx->PutShield(Shield(child, 1'700'604'800'000)));
  CP_ASSERT_OK(tx->PutChild(FullChild(child)));  // a best-view rebuild
  CP_ASSERT_OK_AND_ASSIGN(auto entries, tx->PractitionerInvolvementsOf(child));
  EXPECT_EQ(entries.size(), 1u);
  CP_ASSERT_OK_AND_ASSIGN(auto shield, tx->GetShield(child));
  EXPECT_TRUE(shield.has_value());
  CP_ASSERT_OK(tx->DeleteChild(child));
  CP_ASSERT_OK_AND_ASSIGN(entries, tx->PractitionerInvolvementsOf(child));
  EXPECT_TRUE(entries.empty());
  CP_ASSERT_OK_AND_ASSIGN(shield, tx->GetShield(child));
  EXPECT_FALSE(shield.has_value());
}

TEST_P(StoreContractTest, ShieldsRoundTripAndListThoseInForceByAuthorityDueFirst) {
  cp::storage::testing::ScriptedRandom random({410, 411, 412, 413});
  domain::Child leeds = MinimalChild(ContactPointId());
  leeds.accountable = domain::Accountability{"la:E08000035", false};
  const ContactPointId a = CreateChild(random, leeds);
  const ContactPointId b = CreateChild(random, leeds);
  const ContactPointId lifted = CreateChild(random, leeds);
  domain::Child york = MinimalChild(ContactPointId());
  york.accountable = domain::Accountability{"la:E06000014", false};
  const ContactPointId elsewhere = CreateChild(random, york);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(auto none, tx->GetShield(a));
  EXPECT_FALSE(none.has_value());
  CP_ASSERT_OK(tx->PutShield(Shield(a, 1'700'900'000'000)));
  CP_ASSERT_OK(tx->PutShield(Shield(b, 1'700'600'000'000)));
  ShieldEntry gone = Shield(lifted, 1'700'100'000'000);
  gone.state = ShieldState::kLifted;
  gone.review_due_at.reset();
  gone.reviewed_by = 9;
  gone.reviewed_at = core::FromUnixMillis(1'700'050'000'000);
  CP_ASSERT_OK(tx->PutShield(gone));
  CP_ASSERT_OK(tx->PutShield(Shield(elsewhere, 1'700'000'000'001)));
  CP_ASSERT_OK(tx->Commit());
  CP_ASSERT_OK_AND_ASSIGN(auto read, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(auto got, read->GetShield(lifted));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, gone);
  CP_ASSERT_OK_AND_ASSIGN(auto due, read->ShieldsInForceFor("la:E08000035"));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0], Shield(b, 1'700'600'000'000));
  EXPECT_EQ(due[1], Shield(a, 1'700'900'000'000));
  EXPECT_TRUE(HasCode(read->PutShield(Shield(a, 1)), ErrorCode::kFailedPrecondition));
}

TEST_P(StoreContractTest, MoveManualEntriesCarriesThemToTheSurvivorWithOneLead) {
  const ContactPointId from = CreateChild(420);
  const ContactPointId to = CreateChild(421);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  PractitionerInvolvementEntry older = Involvement(to, 7);
  older.lead_professional = true;
  older.lead_marked_at = core::FromUnixMillis(1'700'000'000'000);
  CP_ASSERT_OK_AND_ASSIGN(older.id, tx->PutPractitionerInvolvement(older));
  PractitionerInvolvementEntry newer = Involvement(from, 8);
  newer.lead_professional = true;
  newer.lead_marked_at = core::FromUnixMillis(1'700'000'900'000);
  CP_ASSERT_OK_AND_ASSIGN(newer.id, tx->PutPractitionerInvolvement(newer));
  CP_ASSERT_OK(tx->PutShield(Shield(from, 1'700'604'800'000)));
  CP_ASSERT_OK(tx->MoveManualEntries(from, to));
  CP_ASSERT_OK_AND_ASSIGN(auto left, tx->PractitionerInvolvementsOf(from));
  EXPECT_TRUE(left.empty());
  CP_ASSERT_OK_AND_ASSIGN(auto moved, tx->PractitionerInvolvementsOf(to));
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_FALSE(moved[0].lead_professional);  // the older mark gives way
  EXPECT_TRUE(moved[1].lead_professional);
  EXPECT_EQ(moved[1].user_id, 8);
  CP_ASSERT_OK_AND_ASSIGN(auto shield, tx->GetShield(to));
  ASSERT_TRUE(shield.has_value());
  EXPECT_EQ(shield->state, ShieldState::kInForce);
  CP_ASSERT_OK_AND_ASSIGN(auto old_shield, tx->GetShield(from));
  EXPECT_FALSE(old_shield.has_value());
  EXPECT_TRUE(HasCode(tx->MoveManualEntries(from, from), ErrorCode::kInvalidContactPointId));
}

TEST_P(StoreContractTest, MoveManualEntriesKeepsTheEarlierReviewWhenBothAreShielded) {
  const ContactPointId from = CreateChild(430);
  const ContactPointId to = CreateChild(431);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK(tx->PutShield(Shield(from, 1'700'100'000'000)));
  CP_ASSERT_OK(tx->PutShield(Shield(to, 1'700'900'000'000)));
  CP_ASSERT_OK(tx->MoveManualEntries(from, to));
  CP_ASSERT_OK_AND_ASSIGN(auto shield, tx->GetShield(to));
  ASSERT_TRUE(shield.has_value());
  EXPECT_EQ(shield->review_due_at, core::FromUnixMillis(1'700'100'000'000));
}

}  // namespace cp::storage
