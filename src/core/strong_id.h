// Strong identifier types: a ChildId is not a UserId is not a string.
//
// StrongId<Tag, T> wraps a value so that identifiers of different kinds cannot
// be mixed up by accident. It is a value type; copy it freely.
#ifndef CP_CORE_STRONG_ID_H_
#define CP_CORE_STRONG_ID_H_

#include <compare>
#include <functional>
#include <utility>

namespace cp::core {

template <typename Tag, typename T>
class StrongId {
 public:
  using ValueType = T;

  StrongId() = default;
  explicit StrongId(T value) : value_(std::move(value)) {}

  const T& value() const { return value_; }

  friend auto operator<=>(const StrongId&, const StrongId&) = default;
  friend bool operator==(const StrongId&, const StrongId&) = default;

 private:
  T value_{};
};

}  // namespace cp::core

template <typename Tag, typename T>
struct std::hash<cp::core::StrongId<Tag, T>> {
  std::size_t operator()(const cp::core::StrongId<Tag, T>& id) const noexcept {
    return std::hash<T>()(id.value());
  }
};

#endif  // CP_CORE_STRONG_ID_H_
