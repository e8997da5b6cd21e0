// The feed contract of DATA-SUPPLY.md as C++ types: a batch header, the
// records that follow it, and the rejections of lines that break the contract.
//
// These are plain value types. A FeedRecord holds personal data (inside
// domain::Child's Sensitive fields); a Rejection holds only the line number,
// the JSON path, a stable code and a reason, never the rejected value.
#ifndef CP_INGEST_FEED_H_
#define CP_INGEST_FEED_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error_codes.h"
#include "domain/ids.h"
#include "domain/model.h"

namespace cp::ingest {

inline constexpr int kFeedFormatVersion = 1;

// Lines longer than this are rejected without being parsed.
inline constexpr std::size_t kMaxLineBytes = 1 << 20;
// Spare bytes a line's buffer keeps readable after its text, so that the JSON
// parser, which reads up to this far past the end, parses it in place rather
// than copying it (LineReader::Line, LineParser::ParseRecord).
inline constexpr std::size_t kLinePadding = 64;

enum class BatchMode {
  kDelta,  // only the listed records change
  kFull,   // a complete extract: absent records are withdrawn
};

struct BatchHeader {
  domain::SourceId source;
  domain::BatchId batch;
  std::optional<std::int64_t> sequence;
  core::Timestamp extracted_at;
  BatchMode mode = BatchMode::kDelta;
};

enum class RecordOp { kUpsert, kWithdraw };

// One accepted source record.
struct FeedRecord {
  std::int64_t line = 0;  // 1-based line number in the batch file
  domain::SourceKey key;
  RecordOp op = RecordOp::kUpsert;
  domain::Child child;  // empty for withdraw; child.id is unassigned
  std::vector<domain::SourceEvent> events;
};

// One line that broke the contract.
struct Rejection {
  std::int64_t line = 0;
  std::string field;   // JSON path, e.g. "child.identifiers.nhs_number"; "" for the line
  core::ErrorCode code = core::ErrorCode::kInvalidRecord;
  std::string reason;  // what is wrong and what to fix; never the value
  friend bool operator==(const Rejection&, const Rejection&) = default;
};

std::string_view BatchModeName(BatchMode mode);

}  // namespace cp::ingest

#endif  // CP_INGEST_FEED_H_
