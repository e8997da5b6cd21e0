// The receipt every batch gets (DATA-SUPPLY.md "Receipt"): what was accepted,
// withdrawn, linked, created, sent to review and rejected (with line, field
// path and reason). Stored with the batch, printed by the CLI, returned by the
// API, and returned again unchanged for an identical resubmission.
//
// A receipt holds no personal data: counts, identifiers of the batch, and the
// rejections (which never quote values). Plain value type.
#ifndef CP_INGEST_RECEIPT_H_
#define CP_INGEST_RECEIPT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "ingest/feed.h"

namespace cp::ingest {

struct Receipt {
  domain::SourceId source;
  domain::BatchId batch;
  std::string content_digest;  // SHA-256 of the uncompressed batch, hex
  BatchMode mode = BatchMode::kDelta;
  std::optional<std::int64_t> sequence;
  // Set when `sequence` does not follow the source's previous one: the
  // sequence number that was expected (a gap is reported, not fatal).
  std::optional<std::int64_t> expected_sequence;
  core::Timestamp extracted_at;
  core::Timestamp received_at;

  std::int64_t records = 0;    // record lines in the batch
  std::int64_t accepted = 0;   // passed validation (upserts and withdrawals)
  std::int64_t withdrawn = 0;  // source records withdrawn (op withdraw or full-mode absence)
  std::int64_t linked = 0;     // attached to an existing child
  std::int64_t created = 0;    // created a new child
  std::int64_t review = 0;     // sent to match review
  std::int64_t rejected = 0;
  // A full batch with rejected lines withdraws nothing (a rejected line may be
  // a record the source still holds).
  bool full_withdrawal_skipped = false;
  std::vector<Rejection> rejections;  // every rejected line, in order
};

// Stable JSON form (stored, and the API's response body).
std::string ReceiptToJson(const Receipt& receipt);
core::StatusOr<Receipt> ReceiptFromJson(const std::string& json);

// The form the CLI prints: a summary, then up to `max_rejections` lines.
std::string ReceiptToText(const Receipt& receipt, std::size_t max_rejections);

}  // namespace cp::ingest

#endif  // CP_INGEST_RECEIPT_H_
