// Column values of the SQLite backend shared by its files: the stored form
// of a ContactPoint ID, the crossing between personal text and a nullable
// text column, and nullable times as Unix milliseconds.
#ifndef CP_STORAGE_SQLITE_INTERNAL_SQLITE_VALUES_H_
#define CP_STORAGE_SQLITE_INTERNAL_SQLITE_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "core/clock.h"
#include "domain/ids.h"
#include "domain/model.h"

namespace cp::storage::internal {

inline std::int64_t Stored(domain::ContactPointId id) {
  return static_cast<std::int64_t>(id.number());
}

inline std::optional<std::string> Reveal(const std::optional<domain::PersonalText>& text) {
  if (!text) return std::nullopt;
  return text->Reveal();
}

inline std::optional<domain::PersonalText> Personal(std::optional<std::string> text) {
  if (!text) return std::nullopt;
  return domain::PersonalText(std::move(*text));
}

inline std::optional<std::int64_t> OptionalMillis(const std::optional<core::Timestamp>& at) {
  if (!at) return std::nullopt;
  return core::ToUnixMillis(*at);
}

inline std::optional<core::Timestamp> OptionalTime(const std::optional<std::int64_t>& ms) {
  if (!ms) return std::nullopt;
  return core::FromUnixMillis(*ms);
}

}  // namespace cp::storage::internal

#endif  // CP_STORAGE_SQLITE_INTERNAL_SQLITE_VALUES_H_
