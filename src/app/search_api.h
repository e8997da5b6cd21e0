// The practitioners' API (issue 8 items 1, 2, 3 and 5): finding a child and
// opening the record, each answer masked by the one access policy and
// audited (search/search_service.h). docs/api.md documents it; the OpenAPI
// description is docs/openapi.yaml.
//
//   POST /api/v1/searches                  {"family_name", "given_names", ...}
//        200 {"outcome": "results", "results": [...]} best first, each with
//            "why" it matched and only the fields the policy shows;
//        200 {"outcome": "too_many_matches", "message", "results": []} when
//            more than 10 match: refine the search;
//        400 insufficient_search_criteria, wildcard_not_allowed, ...;
//        429 search_limit_reached.
//   POST /api/v1/children/{contactpoint_id}/views
//                                          {"reason", "reason_text", "serious_case_review"}
//        200 {"contactpoint_id", "requested_id", "redirected", "record", ...};
//        400 reason_required, invalid_reason; 404 child_not_found; 403 ...
//
// Opening a record is a POST: it is an audited act that carries a stated
// reason, and no personal data goes into a URL (the ContactPoint ID in the
// path is the record locator, nothing more). Criteria travel only in bodies.
// Bodies are strict JSON objects of strings: an unknown field is refused
// naming it. Every route needs "Authorization: Bearer <session token>"
// (session_api.h); a session with mediated access acts for the practitioner
// it names, and both are audited. Answers are Cache-Control: no-store.
#ifndef CP_APP_SEARCH_API_H_
#define CP_APP_SEARCH_API_H_

#include "http/server.h"
#include "identity/sign_in.h"
#include "search/search_service.h"

namespace cp::app {

// `sign_in` and `search` must outlive the server.
void RegisterSearchRoutes(http::Server& server, identity::SignInService& sign_in,
                          search::SearchService& search);

}  // namespace cp::app

#endif  // CP_APP_SEARCH_API_H_
