// Writing JSON string literals by hand, for the hot paths that build JSON
// text directly (feed lines, CSV rows turned into feed lines). Bytes that are
// not valid UTF-8 pass through unchanged, so a JSON parser downstream rejects
// them rather than this function hiding them.
#ifndef CP_CORE_JSON_STRING_H_
#define CP_CORE_JSON_STRING_H_

#include <string>
#include <string_view>

namespace cp::core {

// Appends `text` to `out` as a JSON string literal, quotes included: '"' and
// '\\' are escaped, control characters become \n, \r, \t or \u00XX.
void AppendJsonString(std::string_view text, std::string& out);

}  // namespace cp::core

#endif  // CP_CORE_JSON_STRING_H_
