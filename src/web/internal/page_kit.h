// What every web page is built with (private to the web module): forms,
// cookies, CSRF, rendering inside the layout, and the signed-in request.
// web_pages.cc, practice_pages.cc, review_pages.cc and manage_pages.cc each
// register their routes over one shared Kit.
#ifndef CP_WEB_INTERNAL_PAGE_KIT_H_
#define CP_WEB_INTERNAL_PAGE_KIT_H_

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "http/server.h"
#include "web/web_pages.h"

namespace cp::web::internal {

using Json = nlohmann::json;
using Form = std::map<std::string, std::string>;

inline constexpr std::string_view kSessionCookie = "cp_session";
inline constexpr std::string_view kSignInCookie = "cp_sign_in";

// application/x-www-form-urlencoded: '+' is a space, %XX a byte. A name given
// twice keeps its first value. Malformed escapes are kept as typed.
Form ParseForm(std::string_view body);
// Every value of `name` (a checkbox group), in order; each trimmed.
std::vector<std::string> FieldValues(std::string_view body, std::string_view name);
// The field trimmed of spaces at either end; "" when absent.
std::string Field(const Form& form, const std::string& name);
// A whole decimal number, nothing else.
std::optional<std::int64_t> ParseInteger(std::string_view text);

std::string Cookie(const http::Request& request, std::string_view name);
std::string SetCookie(std::string_view name, std::string_view value, std::string_view path,
                      bool expire = false);
std::string RandomToken();
bool SameSecret(const std::string& a, const std::string& b);

http::Response Redirect(std::string location, std::vector<std::string> cookies = {});

// Wording.
std::string Humanise(std::string_view code);       // "social_care" → "Social care"
std::string ServiceTitle(std::string_view code);   // a service type as people say it
std::string LongDate(const std::string& iso);      // "2013-01-30" → "30 January 2013"
std::string LongTime(core::Timestamp at);          // "2 December 2026 at 14:05 UTC"
std::string RoleName(const std::string& code);     // a stored role code's display name
Json Opt(const std::string& text);                 // "" as null (a section leaves it out)
std::string Joined(const std::vector<std::string>& parts, std::string_view separator);
std::string Text(const Json& j);                   // a JSON string, else ""
// A record JSON's other names (aliases), "; "-separated.
std::string OtherNames(const Json& record);
// A service's message as a sentence ("eCRB ..." and other acronyms kept).
std::string Sentence(std::string message);
// The HTTP status of a refusal shown as a page: 404 not found, 400 bad
// input, 409 a conflict with the current state, 429 a limit, else 403.
int HttpStatusOf(const core::Status& why);
// Whether a service's refusal is about what the user sent or the state of
// what they acted on (shown in the form's error summary with the service's
// message); anything else goes to Kit::Refused (sign in again, 403, or the
// generic failure page that shows no internal detail).
bool IsFormError(const core::Status& why);
// An error summary of one message linked to the field `field`.
Json Errors(const std::string& field, const std::string& message);
// The date of a GOV.UK date input (PREFIX_day, _month, _year) as
// "YYYY-MM-DD"; "" when all three are empty; an incomplete one as typed so
// that the service refuses it with its own message.
std::string DateField(const Form& form, const std::string& prefix);

// A signed-in request: its session and the token it came with.
struct Signed {
  identity::SessionContext session;
  std::string token;
};

class Kit {
 public:
  explicit Kit(const WebDeps& deps);

  const WebDeps& deps() const { return d_; }

  core::StatusOr<Signed> Authenticate(const http::Request& request);
  // The CSRF token of a session: a keyed hash of its token.
  std::string CsrfFor(const std::string& token) const;

  // The whole page: `body_template` rendered with `values`, inside the
  // layout (with the header's links for the user's role).
  http::Response Page(int status, const std::string& title, std::string_view body_template,
                      Json values, const Signed* signed_in);
  http::Response Failed(const core::Status& status);
  http::Response Message(int status, const std::string& heading, const std::string& message,
                         const Signed* signed_in, const std::string& link = "/search",
                         const std::string& link_text = "Search for a child");
  // A service's refusal as a page: to sign in when the session has ended,
  // the generic failure page for a store or server failure, else the
  // service's message with HttpStatusOf and a link onwards.
  http::Response Refused(const core::Status& why, const std::string& heading, const Signed& s,
                         const std::string& link = "/search",
                         const std::string& link_text = "Search for a child");

  // A signed-in GET: `body(signed)`; otherwise to sign in, or (temporary
  // secrets) to change them first.
  template <typename Body>
  http::Response SignedGet(const http::Request& request, Body&& body) {
    auto signed_in = Authenticate(request);
    if (!signed_in.ok()) return Redirect("/sign-in");
    if (signed_in->session.account.user.must_change_secrets) return Redirect("/account/secrets");
    return body(*signed_in);
  }

  // A signed-in POST with a valid CSRF token: `body(signed, form)`;
  // otherwise to sign in, to change temporary secrets first, or a refusal
  // that changes nothing.
  template <typename Body>
  http::Response SignedPost(const http::Request& request, Body&& body) {
    auto signed_in = Authenticate(request);
    if (!signed_in.ok()) return Redirect("/sign-in?ended=1");
    if (signed_in->session.account.user.must_change_secrets) return Redirect("/account/secrets");
    const Form form = ParseForm(request.body);
    if (!SameSecret(Field(form, "csrf"), CsrfFor(signed_in->token))) {
      return Message(400, "The form had expired",
                     "Nothing was done: the form was not sent from this session. Try again.",
                     &*signed_in);
    }
    return body(*signed_in, form);
  }

 private:
  WebDeps d_;
  std::array<unsigned char, crypto_generichash_KEYBYTES> csrf_key_{};
};

// Each file's routes, over the shared kit.
void RegisterPracticePages(http::Server& server, const std::shared_ptr<Kit>& kit);
void RegisterReviewPages(http::Server& server, const std::shared_ptr<Kit>& kit);
void RegisterManagePages(http::Server& server, const std::shared_ptr<Kit>& kit);
void RegisterAccountPages(http::Server& server, const std::shared_ptr<Kit>& kit);

}  // namespace cp::web::internal

#endif  // CP_WEB_INTERNAL_PAGE_KIT_H_
