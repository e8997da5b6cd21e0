#include "app/session_api.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "http/testing/loopback.h"
#include "identity/identity_fixture.h"

namespace cp::app {
namespace {

using access::Role;
using Json = nlohmann::json;

class SessionApiTest : public identity::testing::IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    MakeEligible(admin_, "leeds.um", Role::kUserManager, identity::testing::kLeeds);
    um_ = *directory_->Manager("leeds.um");
    secrets_ = MakeEligible(um_, "sam", Role::kSocialWorker, identity::testing::kLeeds);
    server_ = http::MakeHttpServer();
    RegisterSessionRoutes(*server_, *sign_in_);
    client_ = http::testing::StartOnLoopback(*server_);
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override {
    server_->Stop();
    IdentityTest::TearDown();
  }

  Json Body(const std::string& username, const identity::Secrets& secrets) {
    return Json{{"username", username},
                {"password", secrets.password.Reveal()},
                {"pin", secrets.pin.Reveal()},
                {"code", Code(username).Reveal()}};
  }
  httplib::Headers Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  identity::Account um_;
  identity::Secrets secrets_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(SessionApiTest, SignInGivesATokenThatOpensTheSessionUntilSignOut) {
  auto res = client_->Post("/api/v1/sessions", Body("sam", secrets_).dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  const Json body = Json::parse(res->body);
  const std::string token = body["token"];
  EXPECT_EQ(body["user"]["username"], "sam");
  EXPECT_EQ(body["user"]["role"], "social_worker");
  EXPECT_EQ(body["must_change_secrets"], false);

  auto me = client_->Get("/api/v1/session", Bearer(token));
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(Json::parse(me->body)["idle_timeout_seconds"], 900);
  EXPECT_TRUE(Json::parse(me->body)["acting_for"].is_null());

  auto out = client_->Delete("/api/v1/session", Bearer(token));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204);
  auto after = client_->Get("/api/v1/session", Bearer(token));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
  EXPECT_EQ(after->get_header_value("WWW-Authenticate"), "Bearer realm=\"contactpoint\"");
}

TEST_F(SessionApiTest, EveryFailedSignInGetsTheSameAnswer) {
  Json unknown = Body("sam", secrets_);
  unknown["username"] = "nobody";
  Json wrong = Body("sam", secrets_);
  wrong["pin"] = "97531864";
  auto a = client_->Post("/api/v1/sessions", unknown.dump(), "application/json");
  auto b = client_->Post("/api/v1/sessions", wrong.dump(), "application/json");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 401);
  EXPECT_EQ(a->status, b->status);
  EXPECT_EQ(a->body, b->body);
  EXPECT_EQ(Json::parse(a->body)["error"]["code"], "sign_in_failed");
}

TEST_F(SessionApiTest, MalformedBodiesAreRefusedWithTheFieldNamed) {
  Json extra = Body("sam", secrets_);
  extra["remember_me"] = "yes";
  auto res = client_->Post("/api/v1/sessions", extra.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("remember_me"), std::string::npos);
  Json missing = Body("sam", secrets_);
  missing.erase("code");
  res = client_->Post("/api/v1/sessions", missing.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("'code'"), std::string::npos);
  res = client_->Post("/api/v1/sessions", "[1,2", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  Json typed = Body("sam", secrets_);
  typed["pin"] = 12345678;
  res = client_->Post("/api/v1/sessions", typed.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
}

TEST_F(SessionApiTest, NoBearerOrAFeedCredentialIsNotASession) {
  auto none = client_->Get("/api/v1/session");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  auto feed = client_->Get("/api/v1/session",
                           Bearer("cpsrc_0123456789abcdef0123456789abcdef0123456789abcdef"
                                  "0123456789abcdef"));
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->status, 401);
}

TEST_F(SessionApiTest, TemporarySecretsAreChangedThroughTheApi) {
  auto reset = *directory_->ResetSecrets(um_, "sam");
  clock_.Advance(std::chrono::seconds(30));
  auto res = client_->Post("/api/v1/sessions", Body("sam", reset).dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(Json::parse(res->body)["must_change_secrets"], true);
  const std::string token = Json::parse(res->body)["token"];
  Json change = {{"current_password", reset.password.Reveal()},
                 {"new_password", "a-long-new-passphrase"},
                 {"new_pin", "86420975"}};
  auto changed = client_->Put("/api/v1/session/secrets", Bearer(token), change.dump(),
                              "application/json");
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 204) << changed->body;
  EXPECT_FALSE(User("sam").must_change_secrets);
}

}  // namespace
}  // namespace cp::app
