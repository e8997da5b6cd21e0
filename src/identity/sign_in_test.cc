#include "identity/sign_in.h"

#include <gtest/gtest.h>

#include "auth/throttle.h"
#include "identity/identity_fixture.h"

namespace cp::identity {
namespace {

using access::Role;
using core::ErrorCode;
using testing::Day;
using testing::kLeeds;
using std::chrono::minutes;
using std::chrono::milliseconds;
using std::chrono::seconds;

core::Sensitive<std::string> S(std::string text) {
  return core::Sensitive<std::string>(std::move(text));
}

class SignInTest : public testing::IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    MakeEligible(admin_, "leeds.um", Role::kUserManager, kLeeds);
    um_ = *directory_->Manager("leeds.um");
    secrets_ = MakeEligible(um_, "sam", Role::kSocialWorker, kLeeds);
  }

  // The next TOTP step, so that a fresh code is valid (each is used once).
  void NextStep() { clock_.Advance(seconds(30)); }

  std::vector<std::string> SignInRefusals() {
    std::vector<std::string> out;
    for (const auto& e : Events(audit::Action::kSignIn)) {
      out.push_back(e.event.outcome == audit::Outcome::kAllowed ? "allowed" : e.event.refusal);
    }
    return out;
  }

  Account um_;
  Secrets secrets_;
};

TEST_F(SignInTest, AllFourFactorsGiveASessionAndEveryFailureTheSameAnswer) {
  SignInRequest good = Request("sam", secrets_);
  std::vector<SignInRequest> bad;
  bad.push_back(SignInRequest{"nobody", secrets_.password, secrets_.pin, good.code});
  bad.push_back(SignInRequest{"sam", S("wrong-password-123"), secrets_.pin, good.code});
  bad.push_back(SignInRequest{"sam", secrets_.password, S("13572468"), good.code});
  bad.push_back(SignInRequest{"sam", secrets_.password, secrets_.pin, S("000000")});
  bad.push_back(SignInRequest{"not a name!", secrets_.password, secrets_.pin, good.code});
  std::optional<core::Status> first;
  for (const SignInRequest& request : bad) {
    hasher_.verifies = 0;
    auto result = sign_in_->SignIn(request);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), ErrorCode::kSignInFailed);
    if (!first) first = result.status();
    EXPECT_EQ(result.status().message(), first->message());
    EXPECT_EQ(hasher_.verifies, 2) << "every attempt verifies a password and a PIN hash";
  }
  hasher_.verifies = 0;
  auto signed_in = sign_in_->SignIn(good);
  ASSERT_TRUE(signed_in.ok()) << signed_in.status().ToString();
  EXPECT_EQ(hasher_.verifies, 2);
  EXPECT_FALSE(signed_in->must_change_secrets);
  EXPECT_EQ(signed_in->token.Reveal().size(), auth::kSessionTokenEncodedLength);
  auto context = sign_in_->Authenticate(signed_in->token);
  ASSERT_TRUE(context.ok());
  EXPECT_EQ(context->account.user.username, "sam");
  EXPECT_EQ(SignInRefusals(),
            (std::vector<std::string>{"unknown_username", "wrong_password", "wrong_pin",
                                      "wrong_token_code", "unknown_username", "allowed"}));
}

TEST_F(SignInTest, TheAuditNeverHoldsAnUnknownUsername) {
  ASSERT_FALSE(sign_in_->SignIn(SignInRequest{"secretname", S("p"), S("1"), S("1")}).ok());
  auto leaves = *store_->ReadAuditEntries(0, 1000);
  for (const auto& leaf : leaves) EXPECT_EQ(leaf.leaf.find("secretname"), std::string::npos);
}

TEST_F(SignInTest, ATokenCodeIsAcceptedOnceAndWithinOneStep) {
  SignInRequest request = Request("sam", secrets_);
  ASSERT_TRUE(sign_in_->SignIn(request).ok());
  EXPECT_EQ(sign_in_->SignIn(request).status().code(), ErrorCode::kSignInFailed);  // replay
  EXPECT_EQ(SignInRefusals().back(), "token_code_reused");
  // A code from one step ago is still accepted once; two steps ago is not.
  NextStep();
  NextStep();
  request.code = Code("sam", clock_.Now() - seconds(30));
  EXPECT_TRUE(sign_in_->SignIn(request).ok());
  NextStep();
  NextStep();
  request.code = Code("sam", clock_.Now() - seconds(60));
  EXPECT_FALSE(sign_in_->SignIn(request).ok());
  EXPECT_EQ(SignInRefusals().back(), "wrong_token_code");
}

TEST_F(SignInTest, TenWrongPinsLockThePinUntilAReset) {
  SignInRequest wrong = Request("sam", secrets_);
  wrong.pin = S("24681357");
  for (int i = 1; i <= auth::kPinLockoutFailures; ++i) {
    ASSERT_FALSE(sign_in_->SignIn(wrong).ok());
    EXPECT_EQ(User("sam").pin_failures, i);
  }
  NextStep();
  EXPECT_EQ(sign_in_->SignIn(Request("sam", secrets_)).status().code(), ErrorCode::kSignInFailed);
  EXPECT_EQ(SignInRefusals().back(), "pin_locked");
  EXPECT_TRUE(directory_->Show(um_, "sam")->pin_locked);

  auto reset = directory_->ResetSecrets(um_, "sam");
  ASSERT_TRUE(reset.ok());
  NextStep();
  auto signed_in = sign_in_->SignIn(Request("sam", *reset));
  ASSERT_TRUE(signed_in.ok()) << signed_in.status().ToString();
  EXPECT_TRUE(signed_in->must_change_secrets);
  // Temporary secrets: nothing is allowed but changing them.
  auto context = *sign_in_->Authenticate(signed_in->token);
  EXPECT_EQ(SignInService::RequireReady(context).code(), ErrorCode::kSecretsMustChange);
  EXPECT_EQ(sign_in_->ChangeSecrets(context, S("not-the-current-one"), secrets_).code(),
            ErrorCode::kInvalidPassword);
  EXPECT_EQ(sign_in_->ChangeSecrets(context, reset->password, Secrets{S("short"), S("97531864")})
                .code(),
            ErrorCode::kInvalidPassword);
  ASSERT_TRUE(sign_in_->ChangeSecrets(context, reset->password, secrets_).ok());
  context = *sign_in_->Authenticate(signed_in->token);
  EXPECT_TRUE(SignInService::RequireReady(context).ok());
}

TEST_F(SignInTest, WrongCurrentPasswordsWhenChangingSecretsCountAndDelay) {
  auto signed_in = sign_in_->SignIn(Request("sam", secrets_));
  ASSERT_TRUE(signed_in.ok()) << signed_in.status().ToString();
  const auto context = *sign_in_->Authenticate(signed_in->token);
  const Secrets next{S("Fresh-Pass-2026-x"), S("97531864")};
  for (int i = 1; i < auth::kPasswordDelayFromFailure; ++i) {
    EXPECT_EQ(sign_in_->ChangeSecrets(context, S("guess-" + std::to_string(i)), next).code(),
              ErrorCode::kInvalidPassword);
    EXPECT_EQ(User("sam").password_failures, i);
  }
  // The fifth wrong guess is counted; the next must wait, even with the right
  // password, and is not checked.
  EXPECT_FALSE(sign_in_->ChangeSecrets(context, S("guess-5"), next).ok());
  EXPECT_EQ(User("sam").password_failures, auth::kPasswordDelayFromFailure);
  const core::Status waiting = sign_in_->ChangeSecrets(context, secrets_.password, next);
  EXPECT_EQ(waiting.code(), ErrorCode::kInvalidPassword);
  EXPECT_NE(waiting.message().find("wait"), std::string::npos);
  // After the delay the right password changes them and clears the count.
  clock_.Advance(auth::kPasswordMaxDelay);
  ASSERT_TRUE(sign_in_->ChangeSecrets(context, secrets_.password, next).ok());
  EXPECT_EQ(User("sam").password_failures, 0);
}

TEST_F(SignInTest, PasswordFailuresDelayFromTheFifth) {
  SignInRequest wrong = Request("sam", secrets_);
  wrong.password = S("definitely-wrong-1");
  for (int i = 1; i < auth::kPasswordDelayFromFailure; ++i) ASSERT_FALSE(sign_in_->SignIn(wrong).ok());
  // Four failures: no delay yet.
  NextStep();
  ASSERT_TRUE(sign_in_->SignIn(Request("sam", secrets_)).ok());
  NextStep();  // the code of that step is used up
  for (int i = 1; i <= auth::kPasswordDelayFromFailure; ++i) ASSERT_FALSE(sign_in_->SignIn(wrong).ok());
  // The fifth failure: the right secrets are refused unchecked for 1 s.
  clock_.Set(*User("sam").last_failure_at + milliseconds(999));
  EXPECT_EQ(sign_in_->SignIn(Request("sam", secrets_)).status().code(), ErrorCode::kSignInFailed);
  EXPECT_EQ(SignInRefusals().back(), "password_delay");
  EXPECT_EQ(User("sam").password_failures, 5);  // a delayed attempt is not counted
  clock_.Advance(milliseconds(1));
  EXPECT_TRUE(sign_in_->SignIn(Request("sam", secrets_)).ok());
  EXPECT_EQ(User("sam").password_failures, 0);
}

TEST_F(SignInTest, AnIneligibleUserWithEveryFactorIsToldToAskTheirUserManager) {
  ASSERT_TRUE(directory_->Apply(um_, "sam", UserOperation::kSuspend).ok());
  auto result = sign_in_->SignIn(Request("sam", secrets_));
  EXPECT_EQ(result.status().code(), ErrorCode::kNotEligible);
  EXPECT_NE(result.status().message().find("User Manager"), std::string::npos);
  EXPECT_EQ(SignInRefusals().back(), "not_eligible");
}

TEST_F(SignInTest, SessionsEndAfterFifteenIdleMinutes) {
  auto signed_in = *sign_in_->SignIn(Request("sam", secrets_));
  clock_.Advance(minutes(15) - milliseconds(1));
  ASSERT_TRUE(sign_in_->Authenticate(signed_in.token).ok());  // touches
  clock_.Advance(minutes(15) - milliseconds(1));
  ASSERT_TRUE(sign_in_->Authenticate(signed_in.token).ok());
  clock_.Advance(minutes(15));
  EXPECT_EQ(sign_in_->Authenticate(signed_in.token).status().code(), ErrorCode::kSessionExpired);
  EXPECT_EQ(sign_in_->Authenticate(signed_in.token).status().code(), ErrorCode::kUnauthenticated);
}

TEST_F(SignInTest, SessionsEndAfterTwelveHoursWhateverTheActivity) {
  auto signed_in = *sign_in_->SignIn(Request("sam", secrets_));
  for (int i = 0; i < 71; ++i) {  // every 10 minutes up to 11 h 50
    clock_.Advance(minutes(10));
    ASSERT_TRUE(sign_in_->Authenticate(signed_in.token).ok()) << i;
  }
  clock_.Advance(minutes(10) - milliseconds(1));
  ASSERT_TRUE(sign_in_->Authenticate(signed_in.token).ok());
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(sign_in_->Authenticate(signed_in.token).status().code(), ErrorCode::kSessionExpired);
}

TEST_F(SignInTest, EverySignInGivesANewTokenAndSignOutEndsIt) {
  auto first = *sign_in_->SignIn(Request("sam", secrets_));
  NextStep();
  auto second = *sign_in_->SignIn(Request("sam", secrets_));
  EXPECT_NE(first.token.Reveal(), second.token.Reveal());
  ASSERT_TRUE(sign_in_->SignOut(first.token).ok());
  EXPECT_EQ(sign_in_->Authenticate(first.token).status().code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(sign_in_->Authenticate(second.token).ok());
  EXPECT_EQ(Events(audit::Action::kSignOut).size(), 1u);
  EXPECT_EQ(sign_in_->Authenticate(S("not-a-token")).status().code(),
            ErrorCode::kUnauthenticated);
}

TEST_F(SignInTest, SuspensionAndRoleChangeEndEverySession) {
  auto session = *sign_in_->SignIn(Request("sam", secrets_));
  ASSERT_TRUE(directory_->ChangeRole(um_, "sam", Role::kHealthVisitor).ok());
  EXPECT_EQ(sign_in_->Authenticate(session.token).status().code(), ErrorCode::kUnauthenticated);
  NextStep();
  session = *sign_in_->SignIn(Request("sam", secrets_));
  ASSERT_TRUE(directory_->Apply(um_, "sam", UserOperation::kSuspend).ok());
  EXPECT_EQ(sign_in_->Authenticate(session.token).status().code(), ErrorCode::kUnauthenticated);
}

TEST_F(SignInTest, AccessLapsesDuringASessionOnTheEcrbAnniversary) {
  ASSERT_TRUE(directory_->RecordEcrb(um_, "sam", Day(2023, std::chrono::November, 23)).ok());
  clock_.Set(core::FromUnixMillis(1'795'391'700'000));  // 2026-11-22 23:55 UTC
  auto session = *sign_in_->SignIn(Request("sam", secrets_));
  ASSERT_TRUE(sign_in_->Authenticate(session.token).ok());
  clock_.Advance(minutes(10));  // 2026-11-23 00:05: the third anniversary
  EXPECT_EQ(sign_in_->Authenticate(session.token).status().code(), ErrorCode::kUnauthenticated);
}

TEST_F(SignInTest, MediatedAccessNamesBothPeopleInTheAudit) {
  ASSERT_TRUE(directory_
                  ->CreateUser(um_, NewUser{"pat.noit", "Pat", kLeeds, Role::kSocialWorker, true})
                  .ok());
  ASSERT_TRUE(directory_->Apply(um_, "pat.noit", UserOperation::kNominate).ok());
  ASSERT_TRUE(directory_->RecordTraining(um_, "pat.noit", Day(2026, std::chrono::June, 1)).ok());
  ASSERT_TRUE(directory_->RecordEcrb(um_, "pat.noit", Day(2025, std::chrono::June, 1)).ok());
  // A mediated practitioner never signs in.
  EXPECT_EQ(sign_in_->SignIn(SignInRequest{"pat.noit", S("x"), S("1"), S("1")}).status().code(),
            ErrorCode::kSignInFailed);

  auto session = *sign_in_->SignIn(Request("sam", secrets_));
  auto context = *sign_in_->Authenticate(session.token);
  EXPECT_EQ(sign_in_->ActFor(context, "leeds.um").code(), ErrorCode::kPermissionDenied);
  ASSERT_TRUE(sign_in_->ActFor(context, "pat.noit").ok());
  context = *sign_in_->Authenticate(session.token);
  ASSERT_TRUE(context.acting_for.has_value());
  EXPECT_EQ(context.acting_for->user.username, "pat.noit");
  audit::Event event;
  SetActors(context, event);
  EXPECT_EQ(event.actor.id, "user:" + std::to_string(User("sam").id));
  ASSERT_TRUE(event.on_behalf_of.has_value());
  EXPECT_EQ(event.on_behalf_of->id, "user:" + std::to_string(User("pat.noit").id));
  const auto managed = Events(audit::Action::kManageUser);
  EXPECT_EQ(managed.back().event.reason, "start_mediated_access");
  EXPECT_TRUE(managed.back().event.on_behalf_of.has_value());

  ASSERT_TRUE(sign_in_->StopActing(context).ok());
  EXPECT_FALSE(sign_in_->Authenticate(session.token)->acting_for.has_value());
}

TEST_F(SignInTest, APractitionerOfAnotherOrganisationCannotBeActedFor) {
  ASSERT_TRUE(directory_
                  ->CreateUser(admin_, NewUser{"york.noit", "Y", testing::kYork,
                                               Role::kSocialWorker, true})
                  .ok());
  auto session = *sign_in_->SignIn(Request("sam", secrets_));
  auto context = *sign_in_->Authenticate(session.token);
  EXPECT_EQ(sign_in_->ActFor(context, "york.noit").code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Events(audit::Action::kManageUser).back().event.outcome, audit::Outcome::kRefused);
}

}  // namespace
}  // namespace cp::identity
