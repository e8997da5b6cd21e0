// Column values of the SQLite backend shared by its files: the stored form
// of a ContactPoint ID and the crossing between personal text and a
// nullable text column.
#ifndef CP_STORAGE_SQLITE_INTERNAL_SQLITE_VALUES_H_
#define CP_STORAGE_SQLITE_INTERNAL_SQLITE_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

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

}  // namespace cp::storage::internal

#endif  // CP_STORAGE_SQLITE_INTERNAL_SQLITE_VALUES_H_
