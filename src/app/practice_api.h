// The practitioners' own entries and the management team's oversight, over
// the JSON API (issue 8 items 4 and 5): practice/practice_service.h and
// practice/oversight_service.h do the work; this file only maps HTTP.
// docs/api.md documents it; the OpenAPI description is docs/openapi.yaml.
//
//   POST /api/v1/children/{id}/involvements          {"service_type", "phone", "email",
//                                                     "start_date"}       201
//   PUT  /api/v1/children/{id}/involvements/{n}/end  {"end_date"}         200
//   PUT  /api/v1/children/{id}/involvements/{n}/lead-professional  {}     200
//   PUT  /api/v1/children/{id}/involvements/{n}/caf  {"holder_phone", "holder_email"} 200
//   POST /api/v1/children/{id}/shield                {"ground"}           201
//   PUT  /api/v1/children/{id}/shield                {"decision": "keep"|"lift"} 200
//   GET  /api/v1/shield-reviews                                           200
//   GET  /api/v1/children/{id}/views[?limit=N]       who viewed the child 200
//   GET  /api/v1/users/{user_id}/activity[?limit=N]  what the user did    200
//
// The ContactPoint ID, the involvement number and the user number in a path
// are locators, not personal data; contact details travel only in bodies.
// Bodies are strict JSON objects of strings (an unknown field is refused,
// naming it). Every route needs a session's bearer token. Answers are
// Cache-Control: no-store.
#ifndef CP_APP_PRACTICE_API_H_
#define CP_APP_PRACTICE_API_H_

#include "http/server.h"
#include "identity/sign_in.h"
#include "practice/oversight_service.h"
#include "practice/practice_service.h"

namespace cp::app {

// All must outlive the server.
void RegisterPracticeRoutes(http::Server& server, identity::SignInService& sign_in,
                            practice::PracticeService& practice,
                            practice::OversightService& oversight);

}  // namespace cp::app

#endif  // CP_APP_PRACTICE_API_H_
