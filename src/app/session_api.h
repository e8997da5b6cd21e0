// The sign-in API (issue 7): practitioners' and managers' sessions over JSON.
//
//   POST   /api/v1/sessions              {"username","password","pin","code"}
//          201 {"token", "user": {...}, "must_change_secrets", "expires_at"}
//          401 sign_in_failed (one answer for every failure), 403 not_eligible
//   GET    /api/v1/session               who is signed in (and acted for)
//   DELETE /api/v1/session               sign out: 204
//   PUT    /api/v1/session/secrets       {"current_password","new_password","new_pin"}: 204
//   PUT    /api/v1/session/acting-for    {"username"}: mediated access starts
//   DELETE /api/v1/session/acting-for    mediated access ends
//
// The session token travels as "Authorization: Bearer <token>". Bodies are
// strict: unknown or missing fields are refused with a message naming them.
// Responses carrying a token are never cached.
#ifndef CP_APP_SESSION_API_H_
#define CP_APP_SESSION_API_H_

#include "core/status.h"
#include "http/server.h"
#include "identity/sign_in.h"

namespace cp::app {

// The session of a request's bearer token (see SignInService::Authenticate).
core::StatusOr<identity::SessionContext> AuthenticateRequest(identity::SignInService& sign_in,
                                                             const http::Request& request);

// `sign_in` must outlive the server.
void RegisterSessionRoutes(http::Server& server, identity::SignInService& sign_in);

}  // namespace cp::app

#endif  // CP_APP_SESSION_API_H_
