// Writes DATA-SUPPLY batches (shared/DATA-SUPPLY.md, version 1): the header
// line and one JSON line per source record.
//
// The writer emits exactly the fields of the specification, always in the
// same order, with absent optional values written as null (or an empty list),
// so that the feed parser of the ingest module can read every line back into
// the same domain::Child. Text is escaped per RFC 8259 (quote, backslash and
// control characters; other UTF-8 passes through unchanged). The functions
// are stateless and thread-safe. They never validate: callers validate the
// child (domain::ValidateChild) before writing it.
#ifndef CP_SYNTH_FEED_JSON_H_
#define CP_SYNTH_FEED_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/json_string.h"
#include "domain/model.h"

namespace cp::synth {

// One line of a batch after the header.
struct FeedRecord {
  enum class Op { kUpsert, kWithdraw };
  std::string key;  // the source's own key, <= 64 characters
  Op op = Op::kUpsert;
  domain::Child child;  // ignored for kWithdraw; child.id is never written
  std::vector<domain::SourceEvent> events;
};

struct FeedHeader {
  std::string source;  // e.g. "gro-births"
  std::string batch;   // unique per source
  long long sequence = 1;
  std::string extracted_at;  // RFC 3339 UTC, "2025-03-31T02:00:00Z"
  bool full = false;         // mode "full" rather than "delta"
};

// Appends the header line, with its trailing newline.
void AppendHeaderLine(const FeedHeader& header, std::string& out);

// Appends one record line, with its trailing newline. A withdraw line holds
// only "key" and "op".
void AppendRecordLine(const FeedRecord& record, std::string& out);

// Appends `text` as a JSON string literal, quotes included.
using core::AppendJsonString;

}  // namespace cp::synth

#endif  // CP_SYNTH_FEED_JSON_H_
