// The signed-in user's own account (issue 9): changing their password and
// PIN (identity::SignInService::ChangeSecrets).
//
//   GET  /account/secrets   the form: current password, the new password
//                           twice, the new PIN twice
//   POST /account/secrets   changes them, or says what to fix
//
// A user whose secrets are temporary (from creation or a reset) is sent here
// after signing in, and every other signed-in page sends them back here
// (Kit::SignedGet, Kit::SignedPost) until they have changed them; signing
// out still works. These pages therefore authenticate for themselves.
#include <cctype>
#include <memory>
#include <string>

#include "web/internal/page_kit.h"

namespace cp::web::internal {
namespace {

constexpr const char* kTitle = "Change your password and PIN";

class AccountPages {
 public:
  explicit AccountPages(std::shared_ptr<Kit> kit) : kit_(std::move(kit)), d_(kit_->deps()) {}

  http::Response SecretsForm(const http::Request& request) {
    auto signed_in = kit_->Authenticate(request);
    if (!signed_in.ok()) return Redirect("/sign-in");
    return FormPage(*signed_in, 200, Json::object());
  }

  http::Response ChangeSecrets(const http::Request& request) {
    auto signed_in = kit_->Authenticate(request);
    if (!signed_in.ok()) return Redirect("/sign-in?ended=1");
    const Signed& s = *signed_in;
    const Form form = ParseForm(request.body);
    if (!SameSecret(Field(form, "csrf"), kit_->CsrfFor(s.token))) {
      return kit_->Message(400, "The form had expired",
                           "Nothing was changed: the form was not sent from this session. Try "
                           "again.",
                           &s, "/account/secrets", "Change your password and PIN");
    }
    // Secrets are not trimmed: a space may be part of a password.
    auto raw = [&](const char* name) {
      auto it = form.find(name);
      return it == form.end() ? std::string() : it->second;
    };
    const std::string current = raw("current_password");
    const std::string password = raw("new_password");
    const std::string password_again = raw("confirm_password");
    const std::string pin = raw("new_pin");
    const std::string pin_again = raw("confirm_pin");

    Json errors = Json::array();
    Json values = Json::object();
    auto error = [&](const std::string& field, const std::string& message) {
      errors.push_back({{"field", field}, {"message", message}});
      values["error_" + field] = message;
    };
    if (current.empty()) error("current_password", "Enter your current password");
    if (password.empty()) {
      error("new_password", "Enter a new password");
    } else if (password != password_again) {
      error("confirm_password", "The new passwords do not match: type the same password twice");
    }
    if (pin.empty()) {
      error("new_pin", "Enter a new PIN");
    } else if (pin != pin_again) {
      error("confirm_pin", "The new PINs do not match: type the same PIN twice");
    }
    if (errors.empty()) {
      const core::Status changed =
          d_.sign_in.ChangeSecrets(s.session, core::Sensitive<std::string>(current),
                                   identity::Secrets{core::Sensitive<std::string>(password),
                                                     core::Sensitive<std::string>(pin)});
      if (changed.ok()) {
        const bool manages_users = s.session.account.role == access::Role::kUserManager ||
                                   s.session.account.role == access::Role::kNationalAdministrator;
        return kit_->Message(200, "Your password and PIN are changed",
                             "Use the new password and PIN from your next sign-in. Nobody else, "
                             "your User Manager included, should ever know them.",
                             &s, manages_users ? "/manage/users" : "/search",
                             manages_users ? "Manage users" : "Search for a child");
      }
      if (changed.category() != core::ErrorCategory::kInvalidArgument) {
        return kit_->Refused(changed, "Your password and PIN were not changed", s);
      }
      const std::string& message = changed.message();
      const std::string field = changed.code() == core::ErrorCode::kInvalidPin ? "new_pin"
                                : message.find("current password") != std::string::npos
                                    ? "current_password"
                                    : "new_password";
      error(field, Sentence(message));
    }
    values["has_error"] = true;
    values["errors"] = errors;
    return FormPage(s, 400, std::move(values));
  }

 private:
  http::Response FormPage(const Signed& s, int status, Json values) {
    values["temporary"] = s.session.account.user.must_change_secrets;
    values["username"] = s.session.account.user.username;
    return kit_->Page(status, kTitle, "account_secrets", std::move(values), &s);
  }

  std::shared_ptr<Kit> kit_;
  const WebDeps& d_;
};

}  // namespace

void RegisterAccountPages(http::Server& server, const std::shared_ptr<Kit>& kit) {
  auto pages = std::make_shared<AccountPages>(kit);
  server.Route("GET", "/account/secrets",
               [pages](const http::Request& r) { return pages->SecretsForm(r); });
  server.Route("POST", "/account/secrets",
               [pages](const http::Request& r) { return pages->ChangeSecrets(r); });
}

}  // namespace cp::web::internal
