// CSV supply of the flat child fields, for manual input and simple adapters
// (DATA-SUPPLY.md "CSV import"; columns documented in docs/data-supply-csv.md).
//
// Each CSV row becomes the JSON record the specification defines and goes
// through the very same LineParser, so CSV and JSON Lines supply share every
// rule. Rejections name the CSV row and column instead of the JSON path.
// Streams the file in bounded memory.
#ifndef CP_INGEST_CSV_IMPORT_H_
#define CP_INGEST_CSV_IMPORT_H_

#include <array>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ingest/check.h"
#include "ingest/feed.h"

namespace cp::ingest {

// The columns a CSV batch may have, in documentation order. `key`,
// `family_name` and `date_of_birth` are required; the rest may be left out.
inline constexpr std::array<std::string_view, 19> kCsvColumns = {
    "key",            "op",             "given_names",    "family_name",
    "gender",         "date_of_birth",  "date_of_death",  "other_given_names",
    "other_family_name", "address_line_1", "address_line_2", "address_line_3",
    "address_line_4", "address_line_5", "address_line_6", "postcode",
    "nhs_number",     "upn",            "uln"};

// Reads the CSV file at `path` (UTF-8, comma-separated, RFC 4180 quoting, a
// header row naming the columns). `header` stands in for the batch header
// line a JSON Lines batch carries. Rejection.line is the CSV row number (the
// header row is row 1). Fails as a whole, applying nothing, when the file
// cannot be read, its header row names an unknown or repeated column, or a
// required column is missing.
core::StatusOr<CheckSummary> ImportCsvFile(const std::string& path, const BatchHeader& header,
                                           const RecordSink& on_record,
                                           const RejectionSink& on_rejection,
                                           const ProgressSink& on_progress = nullptr);

}  // namespace cp::ingest

#endif  // CP_INGEST_CSV_IMPORT_H_
