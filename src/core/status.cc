#include "core/status.h"

namespace cp::core {

Status::Status(ErrorCode code, std::string message)
    : code_(code), message_(std::move(message)) {}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(ErrorCodeName(code_));
  out += " (";
  out += std::to_string(static_cast<int>(code_));
  out += "): ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += message_;
  return Status(code_, std::move(message));
}

Status InvalidArgument(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message));
}
Status NotFound(std::string message) {
  return Status(ErrorCode::kNotFound, std::move(message));
}
Status AlreadyExists(std::string message) {
  return Status(ErrorCode::kAlreadyExists, std::move(message));
}
Status FailedPrecondition(std::string message) {
  return Status(ErrorCode::kFailedPrecondition, std::move(message));
}
Status Unavailable(std::string message) {
  return Status(ErrorCode::kUnavailable, std::move(message));
}
Status Internal(std::string message) {
  return Status(ErrorCode::kInternal, std::move(message));
}

}  // namespace cp::core
