#include "ingest/check.h"

#include "ingest/line_reader.h"
#include "ingest/parser.h"

namespace cp::ingest {

core::StatusOr<CheckSummary> CheckBatchFile(const std::string& path, const RecordSink& on_record,
                                            const RejectionSink& on_rejection,
                                            const ProgressSink& on_progress) {
  ASSIGN_OR_RETURN(auto reader, LineReader::Open(path));
  LineParser parser;
  CheckSummary summary;
  LineReader::Line line;
  ASSIGN_OR_RETURN(bool has_header, reader->Next(line));
  if (!has_header) {
    return core::Status(core::ErrorCode::kInvalidBatchHeader,
                        "'" + path + "' is empty: a batch starts with its header line");
  }
  if (line.too_long) {
    return core::Status(core::ErrorCode::kInvalidBatchHeader,
                        "line 1 (header) of '" + path + "' is longer than 1 MiB");
  }
  ASSIGN_OR_RETURN(summary.header, parser.ParseHeader(line.text));
  if (on_progress) on_progress(reader->position(), reader->size());
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader->Next(line));
    if (!more) break;
    ++summary.records;
    if (on_progress && summary.records % 1024 == 0) on_progress(reader->position(), reader->size());
    if (line.too_long) {
      ++summary.rejected;
      on_rejection(Rejection{line.number, "", core::ErrorCode::kInvalidFeedLine,
                             "the line is longer than 1 MiB"},
                   "");
      continue;
    }
    auto result = parser.ParseRecord(line.text, line.number, summary.header, /*padded=*/true);
    if (auto* rejection = std::get_if<Rejection>(&result)) {
      ++summary.rejected;
      on_rejection(*rejection, line.text);
      continue;
    }
    FeedRecord& record = std::get<FeedRecord>(result);
    ++summary.accepted;
    if (record.op == RecordOp::kWithdraw) ++summary.withdrawals;
    RETURN_IF_ERROR(on_record(std::move(record)));
  }
  if (on_progress) on_progress(reader->size(), reader->size());
  summary.content_digest = reader->ContentDigest();
  return summary;
}

}  // namespace cp::ingest
