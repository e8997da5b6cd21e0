// Pieces shared by the JSON APIs of people's sessions (session_api.cc,
// search_api.cc): strict request bodies and uncached answers.
#ifndef CP_APP_INTERNAL_JSON_API_H_
#define CP_APP_INTERNAL_JSON_API_H_

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/server.h"

namespace cp::app::internal {

enum class Presence { kAllRequired, kOptional };

// A strict JSON object whose fields are strings of at most `max_bytes`,
// every one among `names`: an unknown field is refused, naming the fields
// allowed. With kAllRequired every name must be present; with kOptional a
// missing or null field is absent from the result. kInvalidArgument names
// the field at fault.
core::StatusOr<std::map<std::string, std::string>> StringFields(
    const std::string& body, std::initializer_list<std::string_view> names, Presence presence,
    std::size_t max_bytes = 256);

// The answer, marked never to be cached (it carries personal data or a
// token).
http::Response NoStore(http::Response response);

// The error answer for `status`, uncached; an unauthenticated one asks for
// a bearer token.
http::Response Failure(const core::Status& status);

}  // namespace cp::app::internal

#endif  // CP_APP_INTERNAL_JSON_API_H_
