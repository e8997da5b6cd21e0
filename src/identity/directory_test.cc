#include "identity/directory.h"

#include <gtest/gtest.h>

#include "identity/identity_fixture.h"

namespace cp::identity {
namespace {

using access::Role;
using core::ErrorCode;
using testing::Day;
using testing::kLeeds;
using testing::kYork;
using std::chrono::November;

class DirectoryTest : public testing::IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    MakeEligible(admin_, "leeds.um", Role::kUserManager, kLeeds);
    leeds_um_ = *directory_->Manager("leeds.um");
  }

  std::size_t Refusals(std::string_view reason) {
    std::size_t n = 0;
    for (const auto& e : Events(audit::Action::kManageUser)) {
      if (e.event.reason == reason && e.event.outcome == audit::Outcome::kRefused) ++n;
    }
    return n;
  }

  Account leeds_um_;
};

TEST_F(DirectoryTest, SeedingAddsTheOperatorPartnersAndAuthoritiesOnce) {
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto all = *(*tx)->ListOrganisations();
  EXPECT_EQ(all.size(), 1u + access::NationalPartners().size() + 2u);
  tx->reset();
  auto again = directory_->SeedOrganisations({});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST_F(DirectoryTest, BootstrapHappensOnlyOnce) {
  auto second = directory_->Bootstrap("another", "Another", Day(2026, November, 1),
                                      Day(2025, November, 1));
  EXPECT_EQ(second.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(admin_.role, Role::kNationalAdministrator);
}

TEST_F(DirectoryTest, ANewUserIsIneligibleUntilEveryFactIsRecordedAndTheManagerSeesWhy) {
  auto created = directory_->CreateUser(
      leeds_um_, NewUser{"Sam.Social", "Sam Social", kLeeds, Role::kSocialWorker, false});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_TRUE(created->secrets.has_value());
  auto view = *directory_->Show(leeds_um_, "sam.social");
  EXPECT_EQ(view.username, "sam.social");
  EXPECT_TRUE(view.must_change_secrets);
  EXPECT_FALSE(view.eligibility.eligible);
  std::vector<access::ReasonCode> codes;
  for (const auto& r : view.eligibility.reasons) codes.push_back(r.code);
  EXPECT_EQ(codes, (std::vector<access::ReasonCode>{
                       access::ReasonCode::kNotNominated, access::ReasonCode::kTrainingNotRecorded,
                       access::ReasonCode::kEcrbNotRecorded, access::ReasonCode::kTokenNotEnrolled}));

  ASSERT_TRUE(directory_->Apply(leeds_um_, "sam.social", UserOperation::kNominate).ok());
  ASSERT_TRUE(directory_->RecordTraining(leeds_um_, "sam.social", Day(2026, November, 20)).ok());
  ASSERT_TRUE(directory_->RecordEcrb(leeds_um_, "sam.social", Day(2023, November, 23)).ok());
  auto token = directory_->EnrolToken(leeds_um_, "sam.social");
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(token->otpauth_uri.Reveal().starts_with("otpauth://totp/"));
  EXPECT_NE(token->qr_svg.Reveal().find("<svg"), std::string::npos);
  EXPECT_TRUE(directory_->Show(leeds_um_, "sam.social")->eligibility.eligible);

  // The eCRB disclosed on 2023-11-23 lapses on its third anniversary.
  clock_.Advance(std::chrono::hours(24));  // 2026-11-23
  auto lapsed = *directory_->Show(leeds_um_, "sam.social");
  EXPECT_FALSE(lapsed.eligibility.eligible);
  ASSERT_EQ(lapsed.eligibility.reasons.size(), 1u);
  EXPECT_EQ(lapsed.eligibility.reasons[0].code, access::ReasonCode::kEcrbExpired);
}

TEST_F(DirectoryTest, ManagersActOnlyInsideTheirScopeAndRefusalsAreAuditedWithNothingChanged) {
  auto outside = directory_->CreateUser(
      leeds_um_, NewUser{"york.sw", "York SW", kYork, Role::kSocialWorker, false});
  EXPECT_EQ(outside.status().code(), ErrorCode::kOutsideManagementScope);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  EXPECT_FALSE((*(*tx)->FindUser("york.sw")).has_value());
  tx->reset();
  EXPECT_EQ(Refusals("create_user"), 1u);

  MakeEligible(admin_, "york.sw", Role::kSocialWorker, kYork);
  EXPECT_EQ(directory_->Apply(leeds_um_, "york.sw", UserOperation::kSuspend).code(),
            ErrorCode::kOutsideManagementScope);
  EXPECT_EQ(User("york.sw").account_state, "active");
  EXPECT_EQ(directory_->Show(leeds_um_, "york.sw").status().code(),
            ErrorCode::kOutsideManagementScope);
  EXPECT_EQ(Refusals("suspend"), 1u);
}

TEST_F(DirectoryTest, RolesAreGrantedOnlyWhereTheyMayBeHeld) {
  EXPECT_EQ(directory_->CreateUser(leeds_um_, NewUser{"boss", "Boss", kLeeds,
                                                      Role::kNationalAdministrator, false})
                .status()
                .code(),
            ErrorCode::kInvalidRole);
  MakeEligible(admin_, "leeds.sw", Role::kSocialWorker, kLeeds);
  auto sw = directory_->Manager("leeds.sw");
  EXPECT_EQ(sw.status().code(), ErrorCode::kPermissionDenied);  // not a management role
  EXPECT_EQ(directory_->ChangeRole(leeds_um_, "leeds.sw", Role::kNationalAdministrator).code(),
            ErrorCode::kInvalidRole);
  EXPECT_EQ(User("leeds.sw").role, "social_worker");
}

TEST_F(DirectoryTest, NobodyManagesTheirOwnAccount) {
  EXPECT_EQ(directory_->Apply(leeds_um_, "leeds.um", UserOperation::kSuspend).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(directory_->ChangeRole(leeds_um_, "leeds.um", Role::kNationalAdministrator).code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(DirectoryTest, SuspendReinstateRevokeFollowTheirOrder) {
  MakeEligible(leeds_um_, "leeds.hv", Role::kHealthVisitor, kLeeds);
  ASSERT_TRUE(directory_->Apply(leeds_um_, "leeds.hv", UserOperation::kSuspend).ok());
  EXPECT_EQ(directory_->Apply(leeds_um_, "leeds.hv", UserOperation::kSuspend).code(),
            ErrorCode::kFailedPrecondition);
  auto view = *directory_->Show(leeds_um_, "leeds.hv");
  EXPECT_EQ(view.account_state, "suspended");
  EXPECT_FALSE(view.eligibility.eligible);
  ASSERT_TRUE(directory_->Apply(leeds_um_, "leeds.hv", UserOperation::kReinstate).ok());
  EXPECT_TRUE(directory_->Show(leeds_um_, "leeds.hv")->eligibility.eligible);
  ASSERT_TRUE(directory_->Apply(leeds_um_, "leeds.hv", UserOperation::kRevoke).ok());
  EXPECT_EQ(directory_->Apply(leeds_um_, "leeds.hv", UserOperation::kReinstate).code(),
            ErrorCode::kFailedPrecondition);
}

TEST_F(DirectoryTest, AResetGivesTemporarySecretsUnlocksThePinAndKeepsTheToken) {
  MakeEligible(leeds_um_, "leeds.gp", Role::kGeneralPractitioner, kLeeds);
  const storage::UserEntry before = User("leeds.gp");
  {
    auto tx = *store_->Begin(storage::TxMode::kReadWrite);
    storage::UserEntry locked = before;
    locked.pin_failures = 10;
    ASSERT_TRUE(tx->PutUser(locked).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_TRUE(directory_->Show(leeds_um_, "leeds.gp")->pin_locked);
  auto secrets = directory_->ResetSecrets(leeds_um_, "leeds.gp");
  ASSERT_TRUE(secrets.ok());
  const storage::UserEntry after = User("leeds.gp");
  EXPECT_EQ(after.pin_failures, 0);
  EXPECT_TRUE(after.must_change_secrets);
  EXPECT_NE(after.password_hash, before.password_hash);
  EXPECT_EQ(after.totp_sealed, before.totp_sealed);  // the token is untouched
  EXPECT_TRUE(*hasher_.Verify(after.password_hash, secrets->password));
  EXPECT_TRUE(*hasher_.Verify(after.pin_hash, secrets->pin));
}

TEST_F(DirectoryTest, DatesInTheFutureAreRefused) {
  MakeEligible(leeds_um_, "leeds.sn", Role::kSchoolNurse, kLeeds);
  EXPECT_EQ(directory_->RecordTraining(leeds_um_, "leeds.sn", Day(2026, November, 23)).code(),
            ErrorCode::kInvalidDate);
  EXPECT_EQ(directory_->RecordEcrb(leeds_um_, "leeds.sn", Day(2027, std::chrono::January, 1)).code(),
            ErrorCode::kInvalidDate);
  EXPECT_EQ(User("leeds.sn").training_completed, Day(2026, November, 2));
}

TEST_F(DirectoryTest, AHomePostcodeIsNormalisedSetAndClearedAndAuditedWithoutItsValue) {
  NewUser request{"kim.home", "Kim Home", kLeeds, Role::kSocialWorker, false};
  request.home_postcode = "zz9 9zz!";
  EXPECT_EQ(directory_->CreateUser(leeds_um_, request).status().code(),
            ErrorCode::kInvalidPostcode);
  request.home_postcode = "ls1 4ab";
  ASSERT_TRUE(directory_->CreateUser(leeds_um_, request).ok());
  EXPECT_EQ(User("kim.home").home_postcode, "LS1 4AB");
  EXPECT_EQ(directory_->Show(leeds_um_, "kim.home")->home_postcode, "LS1 4AB");
  ASSERT_TRUE(directory_->SetHomePostcode(leeds_um_, "kim.home", "ls27ab").ok());
  EXPECT_EQ(User("kim.home").home_postcode, "LS2 7AB");
  EXPECT_EQ(directory_->SetHomePostcode(leeds_um_, "kim.home", std::string("LS2")).code(),
            ErrorCode::kInvalidPostcode);
  EXPECT_EQ(User("kim.home").home_postcode, "LS2 7AB") << "nothing changed";
  ASSERT_TRUE(directory_->SetHomePostcode(leeds_um_, "kim.home", std::nullopt).ok());
  EXPECT_FALSE(User("kim.home").home_postcode.has_value());
  audit::AuditQuery query;
  query.action = audit::Action::kManageUser;
  query.limit = 10;
  const auto events = *audit_->Query(query);
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events[0].event.reason, "clear_home_postcode");
  EXPECT_EQ(events[1].event.outcome, audit::Outcome::kRefused);
  EXPECT_EQ(events[2].event.reason, "set_home_postcode");
  for (const auto& e : events) {
    const std::string encoded = audit::EncodeLeaf(e.at, e.event);
    EXPECT_EQ(encoded.find("LS2"), std::string::npos) << encoded;
  }
}

TEST_F(DirectoryTest, UsernamesAreCheckedAndUnique) {
  EXPECT_EQ(directory_->CreateUser(leeds_um_, NewUser{"x", "X", kLeeds, Role::kSocialWorker, false})
                .status()
                .code(),
            ErrorCode::kInvalidUsername);
  EXPECT_EQ(directory_
                ->CreateUser(leeds_um_,
                             NewUser{"a' OR 1=1", "X", kLeeds, Role::kSocialWorker, false})
                .status()
                .code(),
            ErrorCode::kInvalidUsername);
  EXPECT_EQ(directory_
                ->CreateUser(leeds_um_, NewUser{"LEEDS.UM", "Dup", kLeeds, Role::kSocialWorker,
                                                false})
                .status()
                .code(),
            ErrorCode::kUserExists);
}

TEST_F(DirectoryTest, AMediatedPractitionerHasNoSecretsAndNoToken) {
  auto created = directory_->CreateUser(
      leeds_um_, NewUser{"leeds.mediated", "Med", kLeeds, Role::kSocialWorker, true});
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(created->secrets.has_value());
  EXPECT_EQ(directory_->EnrolToken(leeds_um_, "leeds.mediated").status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(directory_
                ->CreateUser(leeds_um_, NewUser{"leeds.med.um", "M", kLeeds, Role::kUserManager,
                                                true})
                .status()
                .code(),
            ErrorCode::kInvalidRole);
}

TEST_F(DirectoryTest, ALocalAuthorityAddsAndAccreditsItsOwnOrganisations) {
  MakeEligible(admin_, "leeds.cpm", Role::kContactPointManager, kLeeds);
  Account cpm = *directory_->Manager("leeds.cpm");
  auto school = directory_->AddOrganisation(cpm, "leeds-primary", "Leeds Primary School");
  ASSERT_TRUE(school.ok()) << school.status().ToString();
  EXPECT_EQ(school->accountable_authority, kLeeds);
  EXPECT_EQ(school->accreditation, "pending");
  // The authority's User Manager may manage users there; they cannot sign in
  // until the organisation is accredited.
  MakeEligible(leeds_um_, "school.head", Role::kHeadTeacher, "org:leeds-primary");
  EXPECT_FALSE(directory_->Show(leeds_um_, "school.head")->eligibility.eligible);
  ASSERT_TRUE(directory_->SetAccreditation(cpm, "org:leeds-primary",
                                           access::AccreditationState::kAccredited)
                  .ok());
  EXPECT_TRUE(directory_->Show(leeds_um_, "school.head")->eligibility.eligible);
  // Not another authority's.
  EXPECT_EQ(directory_->SetAccreditation(cpm, kYork, access::AccreditationState::kSuspended).code(),
            ErrorCode::kOutsideManagementScope);
  EXPECT_EQ(directory_->AddOrganisation(leeds_um_, "x", "X").status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(DirectoryTest, EveryOperationIsAudited) {
  const std::size_t before = Events(audit::Action::kManageUser).size();
  MakeEligible(leeds_um_, "leeds.ewo", Role::kEducationWelfareOfficer, kLeeds);
  ASSERT_TRUE(directory_->Apply(leeds_um_, "leeds.ewo", UserOperation::kSuspend).ok());
  auto events = Events(audit::Action::kManageUser);
  ASSERT_EQ(events.size(), before + 6);
  std::vector<std::string> reasons;
  for (std::size_t i = before; i < events.size(); ++i) {
    reasons.push_back(events[i].event.reason);
    EXPECT_EQ(events[i].event.actor.id, "user:" + std::to_string(leeds_um_.user.id));
    EXPECT_EQ(events[i].event.subject, "user:" + std::to_string(User("leeds.ewo").id));
  }
  EXPECT_EQ(reasons, (std::vector<std::string>{"create_user", "nominate", "record_training",
                                               "record_ecrb", "enrol_token", "suspend"}));
}

TEST_F(DirectoryTest, ListShowsOnlyUsersInScope) {
  MakeEligible(admin_, "york.um", Role::kUserManager, kYork);
  auto listed = *directory_->List(leeds_um_);
  for (const UserView& view : listed) EXPECT_EQ(view.organisation, kLeeds);
  EXPECT_EQ(listed.size(), 1u);  // leeds.um
  EXPECT_GE(directory_->List(admin_)->size(), 3u);
}

}  // namespace
}  // namespace cp::identity
