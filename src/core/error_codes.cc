#include "core/error_codes.h"

namespace cp::core {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
#define CP_ERROR_CODE_NAME(name, number, category, text) \
  case ErrorCode::name:                                  \
    return text;
    CP_ERROR_CODES(CP_ERROR_CODE_NAME)
#undef CP_ERROR_CODE_NAME
  }
  return "unknown";
}

ErrorCategory CategoryOf(ErrorCode code) {
  switch (code) {
#define CP_ERROR_CODE_CATEGORY(name, number, category, text) \
  case ErrorCode::name:                                      \
    return ErrorCategory::category;
    CP_ERROR_CODES(CP_ERROR_CODE_CATEGORY)
#undef CP_ERROR_CODE_CATEGORY
  }
  return ErrorCategory::kInternal;
}

std::string_view ErrorCategoryName(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::kOk: return "ok";
    case ErrorCategory::kInvalidArgument: return "invalid_argument";
    case ErrorCategory::kNotFound: return "not_found";
    case ErrorCategory::kAlreadyExists: return "already_exists";
    case ErrorCategory::kPermissionDenied: return "permission_denied";
    case ErrorCategory::kUnauthenticated: return "unauthenticated";
    case ErrorCategory::kFailedPrecondition: return "failed_precondition";
    case ErrorCategory::kResourceExhausted: return "resource_exhausted";
    case ErrorCategory::kAborted: return "aborted";
    case ErrorCategory::kUnavailable: return "unavailable";
    case ErrorCategory::kDataLoss: return "data_loss";
    case ErrorCategory::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace cp::core
