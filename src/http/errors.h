// The one place that maps ContactPoint status codes to HTTP responses.
//
// Error bodies are JSON: {"error": {"code": "invalid_nhs_number", "number": 1001,
// "message": "..."}}. Messages carry no personal data (see core/status.h).
#ifndef CP_HTTP_ERRORS_H_
#define CP_HTTP_ERRORS_H_

#include "core/status.h"
#include "http/server.h"

namespace cp::http {

int HttpStatusFor(core::ErrorCategory category);

// The JSON error response for a non-OK status.
Response ErrorResponse(const core::Status& status);

// A JSON response with the given status code and body.
Response JsonResponse(int status, std::string body);

}  // namespace cp::http

#endif  // CP_HTTP_ERRORS_H_
