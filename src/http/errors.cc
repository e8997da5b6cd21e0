#include "http/errors.h"

#include <nlohmann/json.hpp>

namespace cp::http {

int HttpStatusFor(core::ErrorCategory category) {
  using core::ErrorCategory;
  switch (category) {
    case ErrorCategory::kOk: return 200;
    case ErrorCategory::kInvalidArgument: return 400;
    case ErrorCategory::kUnauthenticated: return 401;
    case ErrorCategory::kPermissionDenied: return 403;
    case ErrorCategory::kNotFound: return 404;
    case ErrorCategory::kAlreadyExists: return 409;
    case ErrorCategory::kAborted: return 409;
    case ErrorCategory::kFailedPrecondition: return 422;
    case ErrorCategory::kResourceExhausted: return 429;
    case ErrorCategory::kUnavailable: return 503;
    case ErrorCategory::kDataLoss: return 500;
    case ErrorCategory::kInternal: return 500;
  }
  return 500;
}

Response ErrorResponse(const core::Status& status) {
  nlohmann::json body = {{"error",
                          {{"code", core::ErrorCodeName(status.code())},
                           {"number", static_cast<int>(status.code())},
                           {"message", status.message()}}}};
  return JsonResponse(HttpStatusFor(status.category()), body.dump());
}

Response JsonResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

}  // namespace cp::http
