// Checking a batch file against the specification without loading it: the
// supplier's accreditation check (`contactpoint feed check`) and the first
// stage of a load. Streams the file; memory stays bounded however large it is.
#ifndef CP_INGEST_CHECK_H_
#define CP_INGEST_CHECK_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/feed.h"

namespace cp::ingest {

struct CheckSummary {
  BatchHeader header;
  std::int64_t records = 0;   // record lines read (header excluded)
  std::int64_t accepted = 0;
  std::int64_t withdrawals = 0;
  std::int64_t rejected = 0;
  std::string content_digest;  // SHA-256 of the uncompressed file, hex
};

// Called for every accepted record, in file order.
using RecordSink = std::function<core::Status(FeedRecord&&)>;
// Called for every rejected line, in file order, with the line as received
// (personal data: for the quarantine only; never log it).
using RejectionSink = std::function<void(const Rejection&, std::string_view raw_line)>;
// Called now and then with (bytes read, file size) for progress reporting.
using ProgressSink = std::function<void(std::uint64_t, std::uint64_t)>;

// Reads `path` (.jsonl or .jsonl.gz), parses the header and every record.
// Returns a Status only when the file cannot be read or its header is
// invalid (the whole batch is then refused); bad record lines go to
// `on_rejection` and do not stop the check. A non-OK Status from `on_record`
// stops it and is returned.
core::StatusOr<CheckSummary> CheckBatchFile(const std::string& path, const RecordSink& on_record,
                                            const RejectionSink& on_rejection,
                                            const ProgressSink& on_progress = nullptr);

}  // namespace cp::ingest

#endif  // CP_INGEST_CHECK_H_
