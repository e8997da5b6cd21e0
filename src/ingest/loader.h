// Loading batches into the store (DATA-SUPPLY.md): the whole data supply
// pipeline around record linkage.
//
// A load checks the source is registered and active and that the batch says
// it comes from that source; makes resubmission idempotent by (source, batch)
// and content digest; parses and validates every line, quarantining rejected
// ones; links each accepted record to a child (a record keeps the child it
// was linked to before; a post-adoption identity always starts a child of
// its own; otherwise the Linker decides: link, review on a provisional child
// of its own, or new — linker.h), keeping the decision with the record;
// rebuilds each touched child's best view and its index entry; withdraws what a `full` batch no longer supplies; records the
// batch with its receipt; and audits the load — all in ONE store transaction,
// so a batch is applied entirely or not at all, and a crash at any point
// leaves the store as it was.
//
// A load uses two threads: one reads, parses and validates the batch (and
// encodes each record's view for the store) while the calling thread, which
// owns the transaction, applies the records in file order. A progress sink is
// called on the reading thread, never on two threads at once.
//
// A BatchLoader borrows the store, audit log, clock and random source, which
// must outlive it. Not thread-safe: one load at a time per loader (the store
// serialises writers anyway).
#ifndef CP_INGEST_LOADER_H_
#define CP_INGEST_LOADER_H_

#include <functional>
#include <optional>
#include <string>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/status.h"
#include "ingest/check.h"
#include "ingest/linker.h"
#include "ingest/receipt.h"
#include "storage/store.h"

namespace cp::ingest {

// Where a load's time went, for operators and benchmarks (never stored, and
// without personal data). All zero for a batch loaded before.
struct LoadTimings {
  core::Seconds applying{0};    // from the start until every record was written
  core::Seconds committing{0};  // the commit: the batch's pages to the WAL and their sync
  // CPU time of the load's three threads while applying: parsing and
  // encoding lines, matching and best views, the store writes.
  core::Seconds reading_cpu{0};
  core::Seconds matching_cpu{0};
  core::Seconds writing_cpu{0};
  // Calls the loading thread made to the writer (reads of what the batch
  // wrote, blocks of new IDs), each waiting for every write queued before it,
  // and the time it spent in them; and the time it waited for room in the
  // writer's full queue (the writer holding it back).
  std::int64_t writer_calls = 0;
  core::Seconds writer_call_wait{0};
  core::Seconds writer_queue_wait{0};
};

struct LoadResult {
  Receipt receipt;
  // True when this exact batch was loaded before: nothing changed and
  // `receipt` is the original one.
  bool already_loaded = false;
  LoadTimings timings;
};

// The header (first line) of a JSON Lines batch file (.jsonl or .jsonl.gz),
// checked. Errors: kInvalidBatchHeader (none, or not a valid header), I/O.
core::StatusOr<BatchHeader> ReadBatchHeader(const std::string& path);

class BatchLoader {
 public:
  // `linker` keeps its index across loads (one Linker per process).
  BatchLoader(storage::Store& store, audit::AuditLog& audit, const core::Clock& clock,
              core::Random& random, Linker& linker);

  // Loads a JSON Lines batch (.jsonl or .jsonl.gz) submitted as `source`.
  // Errors (nothing applied): kSourceNotFound, kPermissionDenied (source not
  // active, or the header names another source), kInvalidBatchHeader,
  // kBatchConflict (same batch ID, different content), store errors.
  core::StatusOr<LoadResult> LoadFile(const domain::SourceId& source, const std::string& path,
                                      const ProgressSink& progress = nullptr);

  // Loads a CSV batch of the flat child fields (csv_import.h); `header`
  // stands in for the header line and its source must be `source`.
  core::StatusOr<LoadResult> LoadCsvFile(const domain::SourceId& source, const std::string& path,
                                         const BatchHeader& header,
                                         const ProgressSink& progress = nullptr);

 private:
  // Reads the batch (calling on_record / on_rejection) once parsing starts;
  // returns the parse summary.
  using Reader = std::function<core::StatusOr<CheckSummary>(const RecordSink&,
                                                            const RejectionSink&)>;

  // Reads the whole batch file again for its content digest.
  using Digester = std::function<core::StatusOr<std::string>()>;

  // `digest` is the batch's content digest when known before the load;
  // otherwise `digest_file` computes it if a batch with the same ID was
  // loaded before, and the reading pass supplies it for a new batch.
  core::StatusOr<LoadResult> Load(const domain::SourceId& source, const BatchHeader& header,
                                  std::optional<std::string> digest, const Digester& digest_file,
                                  const Reader& read);
  core::StatusOr<LoadResult> LoadOnce(const domain::SourceId& source, const BatchHeader& header,
                                      std::optional<std::string> digest,
                                      const Digester& digest_file, const Reader& read);

  storage::Store& store_;
  audit::AuditLog& audit_;
  const core::Clock& clock_;
  core::Random& random_;
  Linker& linker_;
};

}  // namespace cp::ingest

#endif  // CP_INGEST_LOADER_H_
