#include "app/internal/json_api.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "http/errors.h"

namespace cp::app::internal {

using core::ErrorCode;
using core::Status;
using Json = nlohmann::json;

core::StatusOr<std::map<std::string, std::string>> StringFields(
    const std::string& body, std::initializer_list<std::string_view> names, Presence presence,
    std::size_t max_bytes) {
  // A key given twice would be read as its last value only: refused.
  std::set<std::string> keys;
  bool duplicate = false;
  const Json parsed = Json::parse(
      body,
      [&](int depth, Json::parse_event_t event, Json& value) {
        if (depth == 1 && event == Json::parse_event_t::key && value.is_string() &&
            !keys.insert(value.get<std::string>()).second) {
          duplicate = true;
        }
        return true;
      },
      /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  }
  if (duplicate) {
    return Status(ErrorCode::kInvalidArgument,
                  "a field is given more than once in the request body: give each once");
  }
  std::map<std::string, std::string> fields;
  for (const auto& [key, value] : parsed.items()) {
    bool known = false;
    for (std::string_view name : names) known = known || key == name;
    if (!known) {
      std::string list;
      for (std::string_view name : names) list += (list.empty() ? "" : ", ") + std::string(name);
      // At most 64 bytes of the name, never cutting a UTF-8 character.
      std::size_t cut = std::min<std::size_t>(key.size(), 64);
      while (cut > 0 && cut < key.size() &&
             (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) {
        --cut;
      }
      return Status(ErrorCode::kInvalidArgument,
                    "unknown field '" + key.substr(0, cut) + "': the fields are " + list);
    }
    if (value.is_null() && presence == Presence::kOptional) continue;
    if (!value.is_string() || value.get_ref<const std::string&>().size() > max_bytes) {
      return Status(ErrorCode::kInvalidArgument, "field '" + key + "' must be a string of at most " +
                                                     std::to_string(max_bytes) + " bytes");
    }
    fields[key] = value.get<std::string>();
  }
  if (presence == Presence::kAllRequired) {
    for (std::string_view name : names) {
      if (!fields.contains(std::string(name))) {
        return Status(ErrorCode::kInvalidArgument, "missing field '" + std::string(name) + "'");
      }
    }
  }
  return fields;
}

http::Response NoStore(http::Response response) {
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Response Failure(const Status& status) {
  http::Response response = http::ErrorResponse(status);
  if (status.category() == core::ErrorCategory::kUnauthenticated) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"contactpoint\"");
  }
  return NoStore(std::move(response));
}

}  // namespace cp::app::internal
