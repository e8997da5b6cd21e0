#include "app/session_api.h"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <map>
#include <string>

#include "app/internal/json_api.h"
#include "http/errors.h"

namespace cp::app {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using Json = nlohmann::json;
using internal::Failure;
using internal::NoStore;
using internal::Presence;
using internal::StringFields;

core::Sensitive<std::string> Secret(std::map<std::string, std::string>& fields,
                                    const std::string& name) {
  return core::Sensitive<std::string>(std::move(fields[name]));
}


Json UserJson(const identity::Account& account) {
  return Json{{"username", account.user.username},
              {"display_name", account.user.display_name},
              {"role", account.user.role},
              {"organisation", account.organisation.id.value()},
              {"organisation_name", account.organisation.name}};
}

http::Response SessionJson(identity::SignInService& sign_in,
                           const identity::SessionContext& context) {
  Json body = {{"user", UserJson(context.account)},
               {"must_change_secrets", context.account.user.must_change_secrets},
               {"idle_timeout_seconds",
                std::chrono::duration_cast<std::chrono::seconds>(sign_in.policy().idle()).count()},
               {"expires_at",
                core::FormatRfc3339(context.session.created_at + sign_in.policy().absolute())},
               {"acting_for", nullptr}};
  if (context.acting_for) body["acting_for"] = UserJson(*context.acting_for);
  return NoStore(http::JsonResponse(200, body.dump()));
}

http::Response SignIn(identity::SignInService& sign_in, const http::Request& request) {
  auto fields = StringFields(request.body, {"username", "password", "pin", "code"},
                             Presence::kAllRequired);
  if (!fields.ok()) return Failure(fields.status());
  identity::SignInRequest sign_in_request{(*fields)["username"], Secret(*fields, "password"),
                                          Secret(*fields, "pin"), Secret(*fields, "code")};
  auto signed_in = sign_in.SignIn(sign_in_request);
  if (!signed_in.ok()) return Failure(signed_in.status());
  auto context = sign_in.Authenticate(signed_in->token);
  if (!context.ok()) return Failure(context.status());
  Json body = {{"token", signed_in->token.Reveal()},
               {"user", UserJson(context->account)},
               {"must_change_secrets", signed_in->must_change_secrets},
               {"expires_at", core::FormatRfc3339(signed_in->absolute_expiry)}};
  return NoStore(http::JsonResponse(201, body.dump()));
}

template <typename Body>
http::Response WithSession(identity::SignInService& sign_in, const http::Request& request,
                           Body&& body) {
  auto context = AuthenticateRequest(sign_in, request);
  if (!context.ok()) return Failure(context.status());
  return body(*context);
}

http::Response NoContent() {
  http::Response response;
  response.status = 204;
  response.content_type.clear();
  return NoStore(std::move(response));
}

}  // namespace

StatusOr<identity::SessionContext> AuthenticateRequest(identity::SignInService& sign_in,
                                                       const http::Request& request) {
  const std::string_view token = http::BearerToken(request);
  if (token.empty()) {
    return Status(ErrorCode::kUnauthenticated,
                  "sign in first (POST /api/v1/sessions), then send 'Authorization: Bearer "
                  "<token>'");
  }
  return sign_in.Authenticate(core::Sensitive<std::string>(std::string(token)));
}

void RegisterSessionRoutes(http::Server& server, identity::SignInService& sign_in) {
  server.Route("POST", "/api/v1/sessions",
               [&sign_in](const http::Request& request) { return SignIn(sign_in, request); });
  server.Route("GET", "/api/v1/session", [&sign_in](const http::Request& request) {
    return WithSession(sign_in, request, [&](const identity::SessionContext& context) {
      return SessionJson(sign_in, context);
    });
  });
  server.Route("DELETE", "/api/v1/session", [&sign_in](const http::Request& request) {
    const Status ended = sign_in.SignOut(
        core::Sensitive<std::string>(std::string(http::BearerToken(request))));
    return ended.ok() ? NoContent() : Failure(ended);
  });
  server.Route("PUT", "/api/v1/session/secrets", [&sign_in](const http::Request& request) {
    return WithSession(sign_in, request, [&](const identity::SessionContext& context) {
      auto fields = StringFields(request.body, {"current_password", "new_password", "new_pin"},
                                   Presence::kAllRequired);
      if (!fields.ok()) return Failure(fields.status());
      const Status changed = sign_in.ChangeSecrets(
          context, Secret(*fields, "current_password"),
          identity::Secrets{Secret(*fields, "new_password"), Secret(*fields, "new_pin")});
      return changed.ok() ? NoContent() : Failure(changed);
    });
  });
  server.Route("PUT", "/api/v1/session/acting-for", [&sign_in](const http::Request& request) {
    return WithSession(sign_in, request, [&](const identity::SessionContext& context) {
      auto fields = StringFields(request.body, {"username"}, Presence::kAllRequired);
      if (!fields.ok()) return Failure(fields.status());
      const Status started = sign_in.ActFor(context, (*fields)["username"]);
      if (!started.ok()) return Failure(started);
      auto updated = AuthenticateRequest(sign_in, request);
      return updated.ok() ? SessionJson(sign_in, *updated) : Failure(updated.status());
    });
  });
  server.Route("DELETE", "/api/v1/session/acting-for", [&sign_in](const http::Request& request) {
    return WithSession(sign_in, request, [&](const identity::SessionContext& context) {
      const Status stopped = sign_in.StopActing(context);
      if (!stopped.ok()) return Failure(stopped);
      auto updated = AuthenticateRequest(sign_in, request);
      return updated.ok() ? SessionJson(sign_in, *updated) : Failure(updated.status());
    });
  });
}

}  // namespace cp::app
