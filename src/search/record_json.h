// search: record_json.h — a masked record as JSON (MaskedChild, masking.h):
// the one presentation of what the access policy let a user see, used by the
// JSON API (docs/api.md, "record") and by the web pages, so that both show
// exactly the same fields.
//
// Pure function; thread-safe.
#ifndef CP_SEARCH_RECORD_JSON_H_
#define CP_SEARCH_RECORD_JSON_H_

#include <nlohmann/json.hpp>

#include "search/masking.h"

namespace cp::search {

// The identity core and what else the Decision showed; with `summary`, as a
// search result shows it (the identity core, aliases and the postcode).
nlohmann::json RecordJson(const MaskedChild& shown, bool summary);

}  // namespace cp::search

#endif  // CP_SEARCH_RECORD_JSON_H_
