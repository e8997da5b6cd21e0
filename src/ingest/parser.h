// Parsing and validation of batch lines against DATA-SUPPLY.md, version 1.
//
// Each line is parsed on its own (simdjson DOM), checked field by field — no
// unknown field, no duplicate key, every type and value as the contract says —
// and turned into domain types, which then pass domain::ValidateChild. The
// first problem on a line is reported as a Rejection with the JSON path and a
// reason; nothing is ever partially accepted.
//
// A LineParser owns a simdjson parser and its buffers: reuse one per thread.
// Not thread-safe.
#ifndef CP_INGEST_PARSER_H_
#define CP_INGEST_PARSER_H_

#include <memory>
#include <string_view>
#include <variant>

#include "core/status.h"
#include "ingest/feed.h"

namespace cp::ingest {

class LineParser {
 public:
  LineParser();
  ~LineParser();
  LineParser(const LineParser&) = delete;
  LineParser& operator=(const LineParser&) = delete;

  // Parses the header (the first line). A header that breaks the contract
  // makes the whole batch unusable: the Status says which field and why.
  core::StatusOr<BatchHeader> ParseHeader(std::string_view line);

  // Parses one record line. `header` supplies the extract date, which bounds
  // dates of birth and decides whether a child counts as a newborn.
  // `padded`: kLinePadding bytes after `line` may be read (whatever they
  // hold), so the line is parsed where it lies instead of copied first.
  std::variant<FeedRecord, Rejection> ParseRecord(std::string_view line, std::int64_t line_number,
                                                  const BatchHeader& header, bool padded = false);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses an RFC 3339 UTC timestamp "YYYY-MM-DDTHH:MM:SS[.fff]Z".
core::StatusOr<core::Timestamp> ParseRfc3339Utc(std::string_view field, std::string_view text);

}  // namespace cp::ingest

#endif  // CP_INGEST_PARSER_H_
