// Sensitive<T>: personal data and secrets that must never reach a log line.
//
// A Sensitive<T> cannot be streamed (operator<< is deleted) and has no fmt
// formatter, so `std::cout << s`, `fmt::format("{}", s)` and `spdlog::info("{}", s)`
// are compile-time errors (tests/compile_fail proves it). The value is reached
// only through Reveal(), which is easy to find in review. It is a value type
// with the thread-safety of T.
#ifndef CP_CORE_SENSITIVE_H_
#define CP_CORE_SENSITIVE_H_

#include <iosfwd>
#include <utility>

namespace cp::core {

template <typename T>
class Sensitive {
 public:
  using ValueType = T;

  Sensitive() = default;
  explicit Sensitive(T value) : value_(std::move(value)) {}

  // The wrapped value, for code that has a reason to use it (storage, matching,
  // rendering through the access policy). Never pass it to a logger.
  const T& Reveal() const& { return value_; }
  T& Mutable() & { return value_; }
  T Release() && { return std::move(value_); }

  friend bool operator==(const Sensitive&, const Sensitive&) = default;

 private:
  T value_{};
};

// Personal data must not be streamed: use Reveal() where there is a reason.
template <typename T>
std::ostream& operator<<(std::ostream&, const Sensitive<T>&) = delete;

}  // namespace cp::core

#endif  // CP_CORE_SENSITIVE_H_
