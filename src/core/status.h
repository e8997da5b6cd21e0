// Errors as values: Status, StatusOr<T> and the macros that keep call sites flat.
//
// A Status is a stable ErrorCode (see error_codes.h) plus a message that tells
// the reader what to fix. Messages never contain personal data: they name the
// field and the rule, not the value supplied. Status and StatusOr are value
// types; they are not thread-safe to mutate but safe to copy between threads.
#ifndef CP_CORE_STATUS_H_
#define CP_CORE_STATUS_H_

#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/error_codes.h"

namespace cp::core {

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(ErrorCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  ErrorCategory category() const { return CategoryOf(code_); }
  const std::string& message() const { return message_; }

  // "invalid_nhs_number (1001): the NHS number check digit does not match".
  std::string ToString() const;

  // Returns a copy with "context: " put in front of the message.
  Status WithContext(std::string_view context) const;

  bool operator==(const Status&) const = default;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Shorthands for the generic codes.
Status InvalidArgument(std::string message);
Status NotFound(std::string message);
Status AlreadyExists(std::string message);
Status FailedPrecondition(std::string message);
Status Unavailable(std::string message);
Status Internal(std::string message);

// Either a value or the Status saying why there is none. Holding an OK status
// without a value is a bug and is turned into an internal error.
template <typename T>
class [[nodiscard]] StatusOr {
  static_assert(!std::is_same_v<std::remove_cvref_t<T>, Status>,
                "StatusOr<Status> is not allowed");

 public:
  StatusOr(const Status& status) : data_(status) { CheckNotOk(); }  // NOLINT
  StatusOr(Status&& status) : data_(std::move(status)) { CheckNotOk(); }  // NOLINT
  StatusOr(const T& value) : data_(value) {}  // NOLINT
  StatusOr(T&& value) : data_(std::move(value)) {}  // NOLINT
  template <typename U,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::remove_cvref_t<U>, T> &&
                                        !std::is_same_v<std::remove_cvref_t<U>, Status> &&
                                        !std::is_same_v<std::remove_cvref_t<U>, StatusOr>>>
  StatusOr(U&& value) : data_(std::in_place_index<1>, std::forward<U>(value)) {}  // NOLINT

  bool ok() const { return data_.index() == 1; }

  Status status() const& { return ok() ? Status() : std::get<0>(data_); }
  Status status() && { return ok() ? Status() : std::get<0>(std::move(data_)); }

  // Accessing the value of an error is a broken invariant: it aborts.
  const T& value() const& { CheckOk(); return std::get<1>(data_); }
  T& value() & { CheckOk(); return std::get<1>(data_); }
  T&& value() && { CheckOk(); return std::get<1>(std::move(data_)); }

  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<1>(data_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void CheckNotOk() {
    if (std::get<0>(data_).ok()) {
      data_ = Status(ErrorCode::kInternal, "StatusOr constructed from an OK status");
    }
  }
  void CheckOk() const {
    if (!ok()) std::abort();
  }

  std::variant<Status, T> data_;
};

namespace internal {
inline Status AsStatus(const Status& status) { return status; }
inline Status AsStatus(Status&& status) { return std::move(status); }
template <typename T>
Status AsStatus(const StatusOr<T>& status_or) { return status_or.status(); }
}  // namespace internal

}  // namespace cp::core

#define CP_STATUS_CONCAT_INNER(a, b) a##b
#define CP_STATUS_CONCAT(a, b) CP_STATUS_CONCAT_INNER(a, b)

// Evaluates `expr` (a Status or StatusOr); returns its Status if not OK.
#define RETURN_IF_ERROR(expr)                                              \
  do {                                                                     \
    ::cp::core::Status cp_status_tmp = ::cp::core::internal::AsStatus(expr); \
    if (!cp_status_tmp.ok()) return cp_status_tmp;                         \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, Compute());` declares x from the value of a
// StatusOr, or returns its Status from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  CP_ASSIGN_OR_RETURN_IMPL(CP_STATUS_CONCAT(cp_status_or_, __LINE__), lhs, expr)
#define CP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return std::move(tmp).status(); \
  lhs = std::move(tmp).value()

#endif  // CP_CORE_STATUS_H_
