#include "ingest/loader.h"

#include <algorithm>
#include <unordered_set>

#include "domain/source.h"
#include "ingest/best_view.h"
#include "ingest/csv_import.h"
#include "ingest/line_reader.h"
#include "ingest/parser.h"

namespace cp::ingest {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;

// The digest and first line of a batch file, read in one streaming pass.
struct FirstPass {
  std::string header_line;
  std::string digest;
};

StatusOr<FirstPass> ReadFirstPass(const std::string& path) {
  ASSIGN_OR_RETURN(auto reader, LineReader::Open(path));
  FirstPass pass;
  LineReader::Line line;
  bool first = true;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader->Next(line));
    if (!more) break;
    if (first) pass.header_line = line.too_long ? std::string() : line.text;
    first = false;
  }
  pass.digest = reader->ContentDigest();
  return pass;
}

// Applies accepted records to the store inside one transaction, tracking the
// receipt's counts. Owned by one Load call.
class Applier {
 public:
  Applier(storage::Transaction& tx, core::Random& random, const BatchHeader& header,
          core::Timestamp received_at, Receipt& receipt)
      : tx_(tx), random_(random), header_(header), received_at_(received_at), receipt_(receipt) {}

  Status Apply(FeedRecord&& record) {
    seen_.insert(record.key.value());
    if (record.op == RecordOp::kWithdraw) return Withdraw(record.key);
    return Upsert(std::move(record));
  }

  // In a full batch, withdraws every current record the batch did not list.
  Status WithdrawUnlisted() {
    ASSIGN_OR_RETURN(std::vector<domain::SourceKey> current, tx_.CurrentKeysOf(header_.source));
    for (const domain::SourceKey& key : current) {
      if (!seen_.contains(key.value())) RETURN_IF_ERROR(Withdraw(key));
    }
    return Status::Ok();
  }

 private:
  StatusOr<std::optional<storage::SourceRecord>> Existing(const domain::SourceKey& key) {
    auto existing = tx_.GetSourceRecord(header_.source, key);
    if (existing.ok()) return std::optional<storage::SourceRecord>(std::move(*existing));
    if (existing.status().code() == ErrorCode::kSourceRecordNotFound) {
      return std::optional<storage::SourceRecord>();
    }
    return existing.status();
  }

  static bool PostAdoption(const std::vector<domain::SourceEvent>& events) {
    return std::any_of(events.begin(), events.end(), [](const domain::SourceEvent& e) {
      return e.type == domain::SourceEvent::Type::kAdoption;
    });
  }

  Status Upsert(FeedRecord&& record) {
    ASSIGN_OR_RETURN(auto existing, Existing(record.key));
    const bool post_adoption = PostAdoption(record.events);
    if (existing && existing->state == storage::LinkState::kSealed) {
      // A sealed (pre-adoption) identity never returns to any index or child:
      // what the source says is kept, still sealed and attached to no one.
      existing->data = std::move(record.child);
      existing->events = std::move(record.events);
      existing->batch = header_.batch;
      existing->extracted_at = header_.extracted_at;
      existing->received_at = received_at_;
      return tx_.PutSourceRecord(*existing);
    }
    domain::ContactPointId child;
    storage::LinkState state = storage::LinkState::kLinked;
    // A record keeps the child it belongs to, unless it now says it is a
    // post-adoption identity: that never joins the pre-adoption child.
    if (existing && existing->child &&
        (existing->state == storage::LinkState::kLinked ||
         existing->state == storage::LinkState::kReview) &&
        (!post_adoption || PostAdoption(existing->events))) {
      child = *existing->child;
      state = existing->state;
    }
    if (!child.assigned() && !post_adoption && record.child.identifiers.nhs_number) {
      ASSIGN_OR_RETURN(std::vector<domain::ContactPointId> matches,
                       tx_.ChildrenWithNhsNumber(record.child.identifiers.nhs_number->Reveal()));
      if (!matches.empty()) child = matches.front();
      // Several children share the number: attach to the first provisionally
      // and let a data administrator decide.
      if (matches.size() > 1) state = storage::LinkState::kReview;
    }
    if (state == storage::LinkState::kReview) ++receipt_.review;
    const bool created = !child.assigned();
    if (created) {
      ASSIGN_OR_RETURN(child, tx_.AllocateChildId(random_));
      // A new child's best view is this record's view.
      RETURN_IF_ERROR(tx_.PutChild(MergeSourceViews(child, {&record.child})));
      ++receipt_.created;
    } else if (state == storage::LinkState::kLinked) {
      ++receipt_.linked;
    }
    storage::SourceRecord stored;
    stored.source = header_.source;
    stored.key = record.key;
    stored.child = child;
    stored.state = state;
    stored.batch = header_.batch;
    stored.extracted_at = header_.extracted_at;
    stored.received_at = received_at_;
    stored.data = std::move(record.child);
    stored.events = std::move(record.events);
    RETURN_IF_ERROR(tx_.PutSourceRecord(stored));
    return created ? Status::Ok() : RebuildBestView(child);
  }

  Status Withdraw(const domain::SourceKey& key) {
    ASSIGN_OR_RETURN(auto existing, Existing(key));
    // Withdrawing what is not held, or already withdrawn, changes nothing.
    if (!existing || existing->state == storage::LinkState::kWithdrawn ||
        existing->state == storage::LinkState::kSealed) {
      return Status::Ok();
    }
    const std::optional<domain::ContactPointId> former = existing->child;
    existing->state = storage::LinkState::kWithdrawn;
    existing->child.reset();
    existing->batch = header_.batch;
    existing->extracted_at = header_.extracted_at;
    existing->received_at = received_at_;
    RETURN_IF_ERROR(tx_.PutSourceRecord(*existing));
    ++receipt_.withdrawn;
    return former ? RebuildBestView(*former) : Status::Ok();
  }

  // Rebuilds the child's best view from every source's current view. A child
  // no source supplies any more keeps its last best view: its lifecycle
  // (archive, destruction) is decided elsewhere.
  Status RebuildBestView(domain::ContactPointId child) {
    ASSIGN_OR_RETURN(std::vector<storage::SourceRecord> records, tx_.SourceRecordsOf(child));
    std::vector<const storage::SourceRecord*> current;
    for (const storage::SourceRecord& r : records) {
      if (r.state == storage::LinkState::kLinked || r.state == storage::LinkState::kReview) {
        current.push_back(&r);
      }
    }
    if (current.empty()) return Status::Ok();
    std::stable_sort(current.begin(), current.end(), [](const auto* a, const auto* b) {
      return std::tie(a->extracted_at, a->received_at) > std::tie(b->extracted_at, b->received_at);
    });
    std::vector<const domain::Child*> views;
    views.reserve(current.size());
    for (const storage::SourceRecord* r : current) views.push_back(&r->data);
    return tx_.PutChild(MergeSourceViews(child, views));
  }

  storage::Transaction& tx_;
  core::Random& random_;
  const BatchHeader& header_;
  const core::Timestamp received_at_;
  Receipt& receipt_;
  std::unordered_set<std::string> seen_;
};

}  // namespace

BatchLoader::BatchLoader(storage::Store& store, audit::AuditLog& audit, const core::Clock& clock,
                         core::Random& random)
    : store_(store), audit_(audit), clock_(clock), random_(random) {}

StatusOr<LoadResult> BatchLoader::LoadFile(const domain::SourceId& source, const std::string& path,
                                           const ProgressSink& progress) {
  ASSIGN_OR_RETURN(FirstPass pass, ReadFirstPass(path));
  if (pass.header_line.empty()) {
    return Status(ErrorCode::kInvalidBatchHeader,
                  "'" + path + "' has no header line: a batch starts with its header");
  }
  LineParser parser;
  ASSIGN_OR_RETURN(BatchHeader header, parser.ParseHeader(pass.header_line));
  return Load(source, header, pass.digest,
              [&](const RecordSink& on_record, const RejectionSink& on_rejection) {
                return CheckBatchFile(path, on_record, on_rejection, progress);
              });
}

StatusOr<LoadResult> BatchLoader::LoadCsvFile(const domain::SourceId& source,
                                              const std::string& path, const BatchHeader& header,
                                              const ProgressSink& progress) {
  ASSIGN_OR_RETURN(FirstPass pass, ReadFirstPass(path));
  return Load(source, header, pass.digest,
              [&](const RecordSink& on_record, const RejectionSink& on_rejection) {
                return ImportCsvFile(path, header, on_record, on_rejection, progress);
              });
}

StatusOr<LoadResult> BatchLoader::Load(const domain::SourceId& source, const BatchHeader& header,
                                       const std::string& digest, const Reader& read) {
  ASSIGN_OR_RETURN(auto tx, store_.Begin(storage::TxMode::kReadWrite));
  // A refused load is audited too, in a transaction of its own.
  auto refuse = [&](Status status, std::string_view why) -> Status {
    tx.reset();
    audit::Event event;
    event.actor = audit::Principal{audit::PrincipalKind::kSourceSystem, source.value(), "", ""};
    event.action = audit::Action::kApplyFeed;
    event.subject = header.batch.value();
    event.outcome = audit::Outcome::kRefused;
    event.refusal = std::string(why);
    RETURN_IF_ERROR(audit_.Append(event).status());
    return status;
  };
  ASSIGN_OR_RETURN(storage::SourceEntry entry, tx->GetSource(source));
  if (Status can = domain::CheckCanLoad(source, entry.state); !can.ok()) {
    return refuse(can, "source_not_active");
  }
  if (header.source != source) {
    return refuse(Status(ErrorCode::kPermissionDenied,
                         "the batch header names source " + header.source.value() +
                             " but it was submitted as source " + source.value() +
                             ": a source may submit only its own batches"),
                  "foreign_batch");
  }
  ASSIGN_OR_RETURN(std::optional<storage::BatchEntry> previous,
                   tx->GetBatch(source, header.batch));
  if (previous) {
    if (previous->content_digest != digest) {
      return refuse(Status(ErrorCode::kBatchConflict,
                           "batch " + header.batch.value() + " of source " + source.value() +
                               " was already loaded with different content; nothing was "
                               "applied. Give a corrected batch a new batch ID"),
                    "batch_conflict");
    }
    ASSIGN_OR_RETURN(Receipt original, ReceiptFromJson(previous->receipt_json));
    return LoadResult{std::move(original), true};
  }

  Receipt receipt;
  receipt.source = source;
  receipt.batch = header.batch;
  receipt.content_digest = digest;
  receipt.mode = header.mode;
  receipt.sequence = header.sequence;
  receipt.extracted_at = header.extracted_at;
  receipt.received_at = clock_.Now();
  ASSIGN_OR_RETURN(std::optional<std::int64_t> last, tx->LastBatchSequence(source));
  if (header.sequence && last && *header.sequence != *last + 1) {
    receipt.expected_sequence = *last + 1;
  }

  Applier applier(*tx, random_, header, receipt.received_at, receipt);
  Status quarantine_status;
  auto on_rejection = [&](const Rejection& rejection, std::string_view raw_line) {
    receipt.rejections.push_back(rejection);
    if (!quarantine_status.ok()) return;
    quarantine_status = tx->AddQuarantine(storage::QuarantineEntry{
        source, header.batch, rejection.line, rejection.field, rejection.code, rejection.reason,
        core::Sensitive<std::string>(std::string(raw_line))});
  };
  auto on_record = [&](FeedRecord&& record) -> Status {
    RETURN_IF_ERROR(quarantine_status);
    return applier.Apply(std::move(record));
  };
  ASSIGN_OR_RETURN(CheckSummary summary, read(on_record, on_rejection));
  RETURN_IF_ERROR(quarantine_status);
  if (summary.content_digest != digest) {
    return Status(ErrorCode::kAborted,
                  "the batch file changed while it was being loaded; nothing was applied. Load "
                  "it again once it is complete");
  }
  // A full extract withdraws what it no longer lists, but a rejected line may
  // be a record the source still holds: then nothing is withdrawn.
  if (header.mode == BatchMode::kFull) {
    if (summary.rejected == 0) {
      RETURN_IF_ERROR(applier.WithdrawUnlisted());
    } else {
      receipt.full_withdrawal_skipped = true;
    }
  }
  receipt.records = summary.records;
  receipt.accepted = summary.accepted;
  receipt.rejected = summary.rejected;

  storage::BatchEntry batch{source, header.batch, digest, header.sequence, receipt.received_at,
                            ReceiptToJson(receipt)};
  RETURN_IF_ERROR(tx->PutBatch(batch));

  audit::Event event;
  event.actor = audit::Principal{audit::PrincipalKind::kSourceSystem, source.value(), "", ""};
  event.action = audit::Action::kApplyFeed;
  event.subject = header.batch.value();
  event.counts = {{"accepted", receipt.accepted}, {"created", receipt.created},
                  {"linked", receipt.linked},     {"records", receipt.records},
                  {"rejected", receipt.rejected}, {"review", receipt.review},
                  {"withdrawn", receipt.withdrawn}};
  RETURN_IF_ERROR(audit_.AppendIn(*tx, event));
  RETURN_IF_ERROR(tx->Commit());
  (void)audit_.MaybeCheckpoint();  // a missed checkpoint is made by the next one
  return LoadResult{std::move(receipt), false};
}

}  // namespace cp::ingest
