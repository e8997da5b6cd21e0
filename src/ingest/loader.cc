#include "ingest/loader.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "domain/source.h"
#include "ingest/best_view.h"
#include "ingest/cluster.h"
#include "ingest/linker.h"
#include "ingest/csv_import.h"
#include "ingest/line_reader.h"
#include "ingest/parser.h"
#include "ingest/store_writer.h"

namespace cp::ingest {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;

// The first line of a batch file; empty when there is none or it is too long.
StatusOr<std::string> ReadHeaderLine(const std::string& path) {
  ASSIGN_OR_RETURN(auto reader, LineReader::Open(path));
  LineReader::Line line;
  ASSIGN_OR_RETURN(bool any, reader->Next(line));
  if (!any || line.too_long) return std::string();
  return std::move(line.text);
}

// The content digest of a whole batch file, read in one streaming pass.
StatusOr<std::string> ReadDigest(const std::string& path) {
  ASSIGN_OR_RETURN(auto reader, LineReader::Open(path));
  LineReader::Line line;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader->Next(line));
    if (!more) break;
  }
  return reader->ContentDigest();
}

bool SameHeader(const BatchHeader& a, const BatchHeader& b) {
  return a.source == b.source && a.batch == b.batch && a.sequence == b.sequence &&
         a.extracted_at == b.extracted_at && a.mode == b.mode;
}

// A line the reader rejected, with the line as received (for the quarantine).
struct RejectedLine {
  Rejection rejection;
  std::string raw_line;
};

// An accepted record with its view already encoded for the store: encoding
// is a good part of writing a record, and the reading thread has time for it.
struct EncodedRecord {
  FeedRecord record;
  StatusOr<storage::EncodedSourceView> view;  // reported only if the view is stored
  // An upsert's view as the matcher compares it (Linker::Place), when the
  // reading thread could build it (once the Linker has Synced).
  std::optional<linkage::LinkageRecord> built;
};

// What the reading thread hands to the applying thread, in file order.
using ReadItem = std::variant<EncodedRecord, RejectedLine>;

// A bounded, ordered handoff of parsed lines from the thread that reads and
// parses a batch to the thread that applies it, so parsing and store writes
// use a core each. Items travel in chunks, to take the lock rarely. Either
// side may stop early: Close() from the reader (no more input), Cancel()
// from the applier (it failed; the reader's next Put fails and it stops).
// Put and Close belong to the reading thread, Take and Cancel to the
// applying thread; the two may run at once.
class Handoff {
 public:
  static constexpr std::size_t kChunkItems = 64;
  static constexpr std::size_t kMaxChunks = 64;  // about 4,000 lines in flight

  // Reader side. Adds an item; false once the applier has cancelled.
  bool Put(ReadItem item) {
    pending_.push_back(std::move(item));
    if (pending_.size() < kChunkItems) return !cancelled_.load(std::memory_order_relaxed);
    return Flush();
  }

  // Reader side: the last item has been put (or reading failed).
  void Close() {
    Flush();
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    ready_.notify_all();
  }

  // Applier side. The next chunk in order; false when the reader has closed
  // and everything was taken.
  bool Take(std::vector<ReadItem>& chunk) {
    chunk.clear();  // the items taken last time, freed outside the lock
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait(lock, [&] { return !chunks_.empty() || closed_; });
    if (chunks_.empty()) return false;
    chunk = std::move(chunks_.front());
    chunks_.pop_front();
    space_.notify_one();
    return true;
  }

  // Applier side: stop the reader and drop what it has not yet handed over.
  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_.store(true);
    chunks_.clear();
    space_.notify_all();
  }

 private:
  bool Flush() {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [&] { return chunks_.size() < kMaxChunks || cancelled_.load(); });
    if (cancelled_.load()) {
      pending_.clear();
      return false;
    }
    if (!pending_.empty()) {
      chunks_.push_back(std::move(pending_));
      pending_.clear();
      pending_.reserve(kChunkItems);
      ready_.notify_one();
    }
    return true;
  }

  std::vector<ReadItem> pending_;  // the reader's chunk being filled; reader only
  std::mutex mu_;
  std::condition_variable ready_;  // a chunk was added, or closed_
  std::condition_variable space_;  // a chunk was taken, or cancelled_
  std::deque<std::vector<ReadItem>> chunks_;  // GUARDED_BY(mu_)
  bool closed_ = false;                       // GUARDED_BY(mu_)
  std::atomic<bool> cancelled_{false};        // written under mu_
};

// Applies accepted records of one batch, tracking the receipt's counts.
// Owned by one Load call, on the loading thread. It decides (matching, best
// views, the candidate index) and hands every store write to `writer`, which
// runs them in order on a thread of its own; it never touches the write
// transaction itself.
//
// Its reads see the store as the transaction sees it, without waiting for
// the writer: `before` is a read transaction begun while the write
// transaction held the store's write lock, so it sees the store as it was
// when the batch began, and what this batch changed is answered from memory:
//   - a source record this batch wrote (a key seen earlier in the file, as
//     a withdraw after an upsert) is taken from the cached cluster of the
//     child it was written to, or, if the cache dropped that, read through
//     the writer;
//   - a child some record of this batch was written to ("touched") has its
//     cluster in the Linker's cache (read there before its first write and
//     kept in step after), or, if the cache dropped it, is read through the
//     writer as soon as it has run the writes of the record that last wrote
//     to the child (StoreWriter::CallAfter), not every write queued since;
//   - shields: the only ones a load writes are those it puts on the new
//     children it holds shielded, kept here.
class Applier {
 public:
  // `register_of_persons`: the source is a national register (one record
  // per child; matching/matcher.h, ChildFacts::register_holds_another).
  Applier(StoreWriter& writer, storage::Transaction& before, Linker& linker,
          SourcePriorities priorities, core::Random& random, const BatchHeader& header,
          bool register_of_persons, core::Timestamp received_at, Receipt& receipt)
      : writer_(writer),
        before_(before),
        linker_(linker),
        clusters_(linker.clusters()),
        priorities_(std::move(priorities)),
        random_(random),
        header_(header),
        register_of_persons_(register_of_persons),
        received_at_(received_at),
        receipt_(receipt) {}

  // `view` is storage::EncodeSourceView(record.child, record.events), and
  // `built`, if given, the Linker's builder().Build(record.child).
  Status Apply(FeedRecord&& record, StatusOr<storage::EncodedSourceView>&& view,
               std::optional<linkage::LinkageRecord>&& built) {
    const bool seen_before = !seen_.try_emplace(record.key.value()).second;
    const Status status =
        record.op == RecordOp::kWithdraw
            ? Withdraw(record.key, seen_before)
            : Upsert(std::move(record), std::move(view), std::move(built), seen_before);
    posted_after_record_.push_back(writer_.posted());
    return status;
  }

  // Records this batch put on provisional children held shielded: for the
  // audit event only (a source's receipt never says a child is shielded).
  std::int64_t held_shielded() const { return held_shielded_; }
  // Records of other children sent back to review as a twin's
  // (ReopenTwinMembers): for the audit event only (they may be another
  // source's, which this source's receipt never shows).
  std::int64_t reopened() const { return reopened_; }

  // After the writer has finished: a block issued but not taken joins the
  // IDs left over for the next load.
  void KeepUnusedIds() {
    if (!next_ids_) return;
    std::vector<domain::ContactPointId> ids = TakeIfIssued();
    std::vector<domain::ContactPointId>& spare = linker_.spare_ids();
    // Given out last, after the spare ones.
    spare.insert(spare.begin(), ids.rbegin(), ids.rend());
  }

  // In a full batch, withdraws every current record the batch did not list
  // (those are as they were before the batch: `before` has them).
  Status WithdrawUnlisted() {
    ASSIGN_OR_RETURN(std::vector<domain::SourceKey> current,
                     before_.CurrentKeysOf(header_.source));
    for (const domain::SourceKey& key : current) {
      if (seen_.contains(key.value())) continue;
      RETURN_IF_ERROR(Withdraw(key, false));
      posted_after_record_.push_back(writer_.posted());
    }
    return Status::Ok();
  }

 private:
  // The source record (source, key) as the transaction now has it.
  StatusOr<std::optional<storage::SourceRecord>> Existing(const domain::SourceKey& key,
                                                          bool written_in_batch) {
    StatusOr<storage::SourceRecord> existing = Status(ErrorCode::kInternal, "not read");
    if (written_in_batch) {
      // As written, in its child's cached cluster (kept in step with every
      // write), else through the writer (a wait for every write queued).
      if (const storage::SourceRecord* cached = WrittenInCache(key)) {
        return std::optional<storage::SourceRecord>(*cached);
      }
      RETURN_IF_ERROR(writer_.Call([&](storage::Transaction& tx) -> Status {
        existing = tx.GetSourceRecord(header_.source, key);
        return Status::Ok();
      }));
    } else {
      existing = before_.GetSourceRecord(header_.source, key);
    }
    if (existing.ok()) return std::optional<storage::SourceRecord>(std::move(*existing));
    if (existing.status().code() == ErrorCode::kSourceRecordNotFound) {
      return std::optional<storage::SourceRecord>();
    }
    return existing.status();
  }

  // This batch's record under `key`, if the cluster of the child it was last
  // written to is cached and still holds it.
  const storage::SourceRecord* WrittenInCache(const domain::SourceKey& key) const {
    auto seen = seen_.find(key.value());
    if (seen == seen_.end() || !seen->second.assigned()) return nullptr;
    auto cluster = clusters_.find(seen->second);
    if (cluster == clusters_.end()) return nullptr;
    for (const storage::SourceRecord& r : cluster->second) {
      if (r.source == header_.source && r.key == key) return &r;
    }
    return nullptr;
  }

  // Notes the child this batch last wrote the source's record `key` to
  // (none: the record is on no child).
  void Written(const domain::SourceKey& key, std::optional<domain::ContactPointId> child) {
    auto seen = seen_.find(key.value());
    if (seen != seen_.end()) seen->second = child.value_or(domain::ContactPointId());
  }

  static bool PostAdoption(const std::vector<domain::SourceEvent>& events) {
    return std::any_of(events.begin(), events.end(), [](const domain::SourceEvent& e) {
      return e.type == domain::SourceEvent::Type::kAdoption;
    });
  }

  // Queues the write of `record`, stored as `view` encodes it.
  Status WriteRecord(storage::SourceRecord record, storage::EncodedSourceView view) {
    return writer_.Post([record = std::move(record), view = std::move(view)](
                            storage::Transaction& tx) {
      return tx.PutEncodedSourceRecord(record, view);
    });
  }

  Status Upsert(FeedRecord&& record, StatusOr<storage::EncodedSourceView>&& view,
                std::optional<linkage::LinkageRecord>&& built, bool seen_before) {
    RETURN_IF_ERROR(view.status());
    ASSIGN_OR_RETURN(auto existing, Existing(record.key, seen_before));
    const bool post_adoption = PostAdoption(record.events);
    if (existing && existing->state == storage::LinkState::kSealed) {
      // A sealed (pre-adoption) identity never returns to any index or child:
      // what the source says is kept, still sealed and attached to no one.
      existing->data = std::move(record.child);
      existing->events = std::move(record.events);
      existing->batch = header_.batch;
      existing->extracted_at = header_.extracted_at;
      existing->received_at = received_at_;
      Written(existing->key, existing->child);
      return WriteRecord(std::move(*existing), std::move(*view));
    }
    domain::ContactPointId child;
    storage::LinkState state = storage::LinkState::kLinked;
    std::optional<storage::LinkDecision> decision;
    std::optional<std::string> hold_shield_ground;
    std::vector<domain::ContactPointId> twins_apart;
    std::optional<linkage::LinkageRecord> placed;  // the record as Place compared it
    // A record keeps the child it belongs to (and the decision that put it
    // there), unless it now says it is a post-adoption identity: that never
    // joins the pre-adoption child.
    if (existing && existing->child &&
        (existing->state == storage::LinkState::kLinked ||
         existing->state == storage::LinkState::kReview) &&
        (!post_adoption || PostAdoption(existing->events))) {
      child = *existing->child;
      state = existing->state;
      decision = existing->decision;
    }
    if (!child.assigned()) {
      if (post_adoption) {
        // Never matched: a post-adoption identity starts a child of its own
        // and nothing stored connects it with any earlier identity.
        decision = linker_.Unmatched("post_adoption", received_at_);
      } else {
        ASSIGN_OR_RETURN(
            Placement placement,
            linker_.Place([this](const domain::ContactPointId& c) { return Cluster(c); },
                          [this](const domain::ContactPointId& c) { return ShieldOf(c); },
                          Linker::Origin{header_.source, record.key, register_of_persons_},
                          record.child, received_at_, std::move(built)));
        decision = std::move(placement.record);
        hold_shield_ground = std::move(placement.hold_shield_ground);
        twins_apart = std::move(placement.twins_apart);
        placed = std::move(placement.probe);
        if (placement.decision == matching::Decision::kLink) {
          child = *placement.child;
        } else if (placement.decision == matching::Decision::kReview) {
          // A record in review waits on a provisional child of its own (its
          // candidate is in the decision): a possibly wrong record is never
          // shown as part of another child's record. One that is the same
          // child as a provisional child's records waits with them, unless
          // it must be held shielded (that child may not be).
          state = storage::LinkState::kReview;
          if (placement.wait_with && !hold_shield_ground) child = *placement.wait_with;
        }
      }
    }
    if (state == storage::LinkState::kReview) ++receipt_.review;
    const bool created = !child.assigned();
    if (created) {
      const SourceView only{&record.child, header_.source,       record.key,
                            header_.batch, header_.extracted_at, received_at_,
                            priorities_.Of(header_.source)};
      ASSIGN_OR_RETURN(child, StartChild(only));
      if (state == storage::LinkState::kReview && hold_shield_ground) {
        // It may be a shielded child's record: its whereabouts stay hidden,
        // as that child's are, until a person decides (a shield review is
        // due as for any shield).
        storage::ShieldEntry shield;
        shield.child = child;
        shield.state = storage::ShieldState::kInForce;
        shield.ground = *hold_shield_ground;
        shield.requested_at = received_at_;
        shield.review_due_at = received_at_ + storage::kFirstShieldReview;
        shields_[child] = shield;
        RETURN_IF_ERROR(writer_.Post([shield = std::move(shield)](storage::Transaction& tx) {
          return tx.PutShield(shield);
        }));
        ++held_shielded_;
      }
      ++receipt_.created;
    } else if (state == storage::LinkState::kLinked) {
      ++receipt_.linked;
    }
    const bool moved = existing && existing->child && *existing->child != child;
    if (moved) {
      // Read before this batch writes to it, like every child it changes.
      RETURN_IF_ERROR(Cluster(*existing->child).status());
    }
    if (!created) RETURN_IF_ERROR(Cluster(child).status());
    storage::SourceRecord stored;
    stored.source = header_.source;
    stored.key = record.key;
    stored.child = child;
    stored.state = state;
    stored.batch = header_.batch;
    stored.extracted_at = header_.extracted_at;
    stored.received_at = received_at_;
    stored.decision = std::move(decision);
    // A record set apart as a twin may show which of the other child's
    // records is its twin's (ReopenTwinMembers).
    std::optional<linkage::LinkageRecord> probe;
    if (!twins_apart.empty()) {
      probe = placed ? std::move(*placed) : linker_.builder().Build(record.child);
    }
    // Queued before the record's data and events join it: the write takes
    // them from `view`, and copying them would be wasted.
    RETURN_IF_ERROR(WriteRecord(stored, std::move(*view)));
    stored.data = std::move(record.child);
    stored.events = std::move(record.events);
    Written(stored.key, child);
    Touch(child);
    if (created) {
      // The new child's records are this one: nothing to read back later.
      Keep(child, OnlyRecord(std::move(stored)));
    } else {
      Remember(std::move(stored));
    }
    if (moved) {
      // The record left its child (a post-adoption identity under a key
      // that was linked before): that child is rebuilt without it.
      Touch(*existing->child);
      Forget(*existing->child, *existing);
      RETURN_IF_ERROR(RebuildBestView(*existing->child));
    }
    if (!created) RETURN_IF_ERROR(RebuildBestView(child));
    if (probe) {
      for (const domain::ContactPointId& twin : twins_apart) {
        if (twin != child) RETURN_IF_ERROR(ReopenTwinMembers(twin, *probe));
      }
    }
    return Status::Ok();
  }

  // A record (`probe`) was just set apart from `child` as its twin, or
  // asked about as one. A record the matcher linked to `child` only through
  // a middle name, a variant of its first name or its first name alone,
  // that the probe shows to be the other twin's (matching::RegisterTwins:
  // the same national register lists the child again under its own name,
  // "Joseph George" beside the child's "Joseph George" and "George",
  // "Isabelle" beside the child's "Isabelle" and "Isabella"; or the probe is
  // called what that record is called and nothing the child is called,
  // "Charlotte" beside the child's "Eliza" and "Charlotte Eliza"; or the
  // record that made the child has the probe's given names in another
  // order, "Hannah Alexa" beside the probe's "Alexa Hannah", and the record
  // has a given name the probe lacks or is not called by the probe's first
  // name, "Hannah Rosemary", "Hannah") goes back to review, on a provisional
  // child of its own with `child` as its candidate ("twin_reopened"). The
  // record that made the child, and a person's decisions, stand; a shielded
  // child is left as it is (its records' whereabouts stay with its shield).
  Status ReopenTwinMembers(const domain::ContactPointId& child,
                           const linkage::LinkageRecord& probe) {
    ASSIGN_OR_RETURN(std::optional<storage::ShieldEntry> shield, ShieldOf(child));
    if (shield && shield->state == storage::ShieldState::kInForce) return Status::Ok();
    ASSIGN_OR_RETURN(const std::vector<storage::SourceRecord>* records, Cluster(child));
    std::vector<const storage::SourceRecord*> current;
    std::vector<linkage::LinkageRecord> members;
    std::vector<bool> same_register;
    std::vector<bool> movable;  // linked by the matcher, not the child's first record
    for (const storage::SourceRecord& r : *records) {
      if (r.state != storage::LinkState::kLinked && r.state != storage::LinkState::kReview) continue;
      current.push_back(&r);
      members.push_back(linker_.builder().Build(r.data));
      same_register.push_back(register_of_persons_ && r.source == header_.source);
      movable.push_back(r.state == storage::LinkState::kLinked && r.decision &&
                        r.decision->decided_by == "matcher" &&
                        r.decision->decision ==
                            matching::DecisionName(matching::Decision::kLink));
    }
    std::vector<storage::SourceRecord> reopen;
    for (const std::size_t i : matching::RegisterTwins(linker_.comparator(), probe, members,
                                                       same_register, movable)) {
      reopen.push_back(*current[i]);
    }
    if (reopen.empty() || reopen.size() >= current.size()) return Status::Ok();
    for (storage::SourceRecord& r : reopen) {
      const SourceView only{&r.data,         r.source,      r.key, r.batch,
                            r.extracted_at, r.received_at, priorities_.Of(r.source)};
      ASSIGN_OR_RETURN(domain::ContactPointId provisional, StartChild(only));
      Forget(child, r);
      storage::LinkDecision d = linker_.Unmatched("twin_reopened", received_at_);
      d.decision = std::string(matching::DecisionName(matching::Decision::kReview));
      d.candidate = child;
      d.score = r.decision->score;
      d.vector = r.decision->vector;
      r.state = storage::LinkState::kReview;
      r.child = provisional;
      r.decision = std::move(d);
      RETURN_IF_ERROR(writer_.Post([record = r](storage::Transaction& tx) {
        return tx.PutSourceRecord(record);
      }));
      Touch(provisional);
      if (r.source == header_.source) Written(r.key, provisional);
      Keep(provisional, OnlyRecord(std::move(r)));
      ++reopened_;
    }
    Touch(child);
    return RebuildBestView(child);
  }

  // A new child whose best view is one record's view: indexed, and its
  // write queued.
  StatusOr<domain::ContactPointId> StartChild(const SourceView& only) {
    ASSIGN_OR_RETURN(domain::ContactPointId child, NewChildId());
    domain::Child view = MergeSourceViews(child, {&only, 1});
    linker_.AssignAuthority(view);
    RETURN_IF_ERROR(linker_.Reindex(view));
    RETURN_IF_ERROR(writer_.Post([view = std::move(view)](storage::Transaction& tx) {
      return tx.PutChild(view);
    }));
    return child;
  }

  Status Withdraw(const domain::SourceKey& key, bool seen_before) {
    ASSIGN_OR_RETURN(auto existing, Existing(key, seen_before));
    // Withdrawing what is not held, or already withdrawn, changes nothing.
    if (!existing || existing->state == storage::LinkState::kWithdrawn ||
        existing->state == storage::LinkState::kSealed) {
      return Status::Ok();
    }
    const std::optional<domain::ContactPointId> former = existing->child;
    // Read before this batch writes to it, like every child it changes.
    if (former) RETURN_IF_ERROR(Cluster(*former).status());
    existing->state = storage::LinkState::kWithdrawn;
    existing->child.reset();
    Written(key, std::nullopt);
    existing->batch = header_.batch;
    existing->extracted_at = header_.extracted_at;
    existing->received_at = received_at_;
    if (former) {
      Touch(*former);
      Forget(*former, *existing);
    }
    RETURN_IF_ERROR(writer_.Post([record = std::move(*existing)](storage::Transaction& tx) {
      return tx.PutSourceRecord(record);
    }));
    ++receipt_.withdrawn;
    return former ? RebuildBestView(*former) : Status::Ok();
  }

  // Rebuilds the child's best view from every source's current view. A child
  // no source supplies any more keeps its last best view (written again, so
  // that the change log names it): its lifecycle (archive, destruction) is
  // decided elsewhere.
  Status RebuildBestView(domain::ContactPointId child) {
    ASSIGN_OR_RETURN(const std::vector<storage::SourceRecord>* records, Cluster(child));
    std::optional<domain::Child> merged = MergedBestView(linker_, priorities_, child, *records);
    if (merged) {
      RETURN_IF_ERROR(linker_.Reindex(*merged));
    } else {
      linker_.Forget(child);  // no source supplies the child: it leaves the index
    }
    return writer_.Post([child, merged = std::move(merged)](storage::Transaction& tx) {
      return WriteBestView(tx, child, merged);
    });
  }

  // An unused ContactPoint ID. IDs are issued in blocks by the writer, each
  // block twice the last, up to kMaxIdBlock. The next block is asked for
  // (queued, not waited for) once half of the last one is given out, so it
  // is usually issued before it is needed: waiting for the writer would stop
  // this thread until every write queued before had run. Those left over are
  // the next load's (Linker::spare_ids; see KeepUnusedIds).
  StatusOr<domain::ContactPointId> NewChildId() {
    std::vector<domain::ContactPointId>& spare = linker_.spare_ids();
    if (spare.empty()) RETURN_IF_ERROR(TakeIssuedIds(spare));
    const domain::ContactPointId id = spare.back();
    spare.pop_back();
    if (!next_ids_ && spare.size() <= last_id_block_ / 2) RETURN_IF_ERROR(IssueIds());
    return id;
  }

  // A block of IDs, issued on the writer's thread: empty until then.
  struct IssuedIds {
    std::mutex mu;
    std::vector<domain::ContactPointId> ids;  // GUARDED_BY(mu), in the order issued
  };

  // Queues the issue of the next block.
  Status IssueIds() {
    const std::size_t count = next_id_block_;
    next_id_block_ = std::min(next_id_block_ * 2, kMaxIdBlock);
    next_ids_ = std::make_shared<IssuedIds>();
    return writer_.Post([block = next_ids_, count, &random = random_](storage::Transaction& tx) {
      std::vector<domain::ContactPointId> ids;
      ids.reserve(count);
      core::BufferedRandom buffered(random);  // a system call per 32 IDs, not per ID
      for (std::size_t i = 0; i < count; ++i) {
        ASSIGN_OR_RETURN(domain::ContactPointId id, tx.AllocateChildId(buffered));
        ids.push_back(id);
      }
      std::lock_guard<std::mutex> lock(block->mu);
      block->ids = std::move(ids);
      return Status::Ok();
    });
  }

  // Moves the queued block into `spare`, waiting for the writer if it has
  // not issued it yet.
  Status TakeIssuedIds(std::vector<domain::ContactPointId>& spare) {
    if (!next_ids_) RETURN_IF_ERROR(IssueIds());
    std::vector<domain::ContactPointId> ids = TakeIfIssued();
    if (ids.empty()) {
      // Runs after the queued issue: if that failed, so does this.
      RETURN_IF_ERROR(writer_.Call([](storage::Transaction&) { return Status::Ok(); }));
      ids = TakeIfIssued();
      if (ids.empty()) {
        return Status(ErrorCode::kInternal, "a block of ContactPoint IDs was not issued");
      }
    }
    last_id_block_ = ids.size();
    spare.assign(ids.rbegin(), ids.rend());  // given out in the order issued
    return Status::Ok();
  }

  // The queued block's IDs if the writer has issued them (the block is then
  // no longer queued), else none.
  std::vector<domain::ContactPointId> TakeIfIssued() {
    std::vector<domain::ContactPointId> ids;
    {
      std::lock_guard<std::mutex> lock(next_ids_->mu);
      if (next_ids_->ids.empty()) return ids;
      ids = std::move(next_ids_->ids);
    }
    next_ids_.reset();
    return ids;
  }

  // A child's shield as the transaction now has it.
  StatusOr<std::optional<storage::ShieldEntry>> ShieldOf(const domain::ContactPointId& child) {
    auto it = shields_.find(child);
    if (it != shields_.end()) return std::optional<storage::ShieldEntry>(it->second);
    return before_.GetShield(child);
  }

  // The source records of a child, from the Linker's cache of them (see
  // Linker::clusters), or read once and then kept in step with every write:
  // from the store as the batch found it, or through the writer for a child
  // this batch has written to (its cluster was dropped from the cache).
  StatusOr<const std::vector<storage::SourceRecord>*> Cluster(const domain::ContactPointId& child) {
    auto it = clusters_.find(child);
    if (it != clusters_.end()) return &it->second;
    StatusOr<std::vector<storage::SourceRecord>> records =
        Status(ErrorCode::kInternal, "not read");
    if (auto touched = touched_.find(child); touched != touched_.end()) {
      // Read after the writes of the record that last wrote to it, and
      // of those before (not after every write queued since: a wait for
      // thousands of other children's writes).
      const std::size_t last = touched->second;
      const std::uint64_t after = last < posted_after_record_.size()
                                      ? posted_after_record_[last]
                                      : writer_.posted();
      RETURN_IF_ERROR(writer_.CallAfter(after, [&](storage::Transaction& tx) -> Status {
        records = tx.SourceRecordsOf(child);
        return Status::Ok();
      }));
    } else {
      records = before_.SourceRecordsOf(child);
    }
    RETURN_IF_ERROR(records.status());
    return Keep(child, std::move(*records));
  }

  // Caches `records` as the child's whole cluster. The cache is bounded:
  // when full, the children this batch has not touched are dropped first.
  const std::vector<storage::SourceRecord>* Keep(const domain::ContactPointId& child,
                                                  std::vector<storage::SourceRecord> records) {
    const std::size_t limit = linker_.cluster_cache_limit();
    if (clusters_.size() >= limit) {
      std::erase_if(clusters_, [&](const auto& entry) { return !touched_.contains(entry.first); });
      // Still full of children this batch wrote to: those it wrote longest
      // ago go, and the newer half stays. A national feed lists a
      // household's children together, so a child written is met again (a
      // sibling's or twin's candidate), if at all, soon after; a dropped one
      // is read back through the writer (in a 1M birth batch, 5,796 such
      // reads against 6,559 when they were all dropped).
      if (clusters_.size() >= limit) {
        while (clusters_.size() > limit / 2 && !touch_order_.empty()) {
          clusters_.erase(touch_order_.front());
          touch_order_.pop_front();
        }
        // Every touched child in the cache is listed in touch_order_, so
        // the loop above always gets it to half; this only bounds memory
        // should that ever stop holding.
        if (clusters_.size() >= limit) clusters_.clear();
      }
    }
    if (touched_.contains(child)) touch_order_.push_back(child);
    auto& slot = clusters_[child];
    slot = std::move(records);
    return &slot;
  }

  // This batch writes to `child`: its cluster is kept in step with the
  // writes from now on, or read back through the writer if dropped.
  void Touch(const domain::ContactPointId& child) {
    const bool first = touched_.insert_or_assign(child, posted_after_record_.size()).second;
    if (first && clusters_.contains(child)) touch_order_.push_back(child);
  }

  // A cluster of one record, moved in (a braced list would copy it).
  static std::vector<storage::SourceRecord> OnlyRecord(storage::SourceRecord record) {
    std::vector<storage::SourceRecord> records;
    records.push_back(std::move(record));
    return records;
  }

  static bool SameRecord(const storage::SourceRecord& a, const storage::SourceRecord& b) {
    return a.source == b.source && a.key == b.key;
  }

  // `record` was written: its child's cached cluster holds it as written.
  void Remember(storage::SourceRecord record) {
    if (!record.child) return;
    auto it = clusters_.find(*record.child);
    if (it == clusters_.end()) return;  // read from the store when needed
    // In the store's order, (source, key), so that the best view is the same
    // whether the cluster was read or remembered.
    auto& records = it->second;
    auto at = std::lower_bound(records.begin(), records.end(), record, [](const auto& a,
                                                                          const auto& b) {
      return std::tie(a.source.value(), a.key.value()) < std::tie(b.source.value(), b.key.value());
    });
    if (at != records.end() && SameRecord(*at, record)) {
      *at = std::move(record);
    } else {
      records.insert(at, std::move(record));
    }
  }

  // `record` no longer belongs to `child`.
  void Forget(const domain::ContactPointId& child, const storage::SourceRecord& record) {
    auto it = clusters_.find(child);
    if (it == clusters_.end()) return;
    std::erase_if(it->second, [&](const storage::SourceRecord& r) { return SameRecord(r, record); });
  }

  // With blocks of 8,192 the next is asked for 4,096 new children ahead,
  // more than the writer's queue holds (StoreWriter::kMaxChunks), so it is
  // issued before it is needed; with 1,024 the school census batch at 1M
  // waited for about 170 blocks.
  static constexpr std::size_t kMaxIdBlock = 8192;

  StoreWriter& writer_;
  storage::Transaction& before_;
  Linker& linker_;
  Linker::ClusterCache& clusters_;
  const SourcePriorities priorities_;
  core::Random& random_;
  const BatchHeader& header_;
  const bool register_of_persons_;
  const core::Timestamp received_at_;
  Receipt& receipt_;
  // The keys of this batch's records so far, each with the child its record
  // was last written to (unassigned: none), to find it again in the cache.
  std::unordered_map<std::string, domain::ContactPointId> seen_;
  // The children this batch writes to ("touched"), each with the record
  // (its number, counted from 0 in the order applied) that last wrote to
  // it: every write to a child's records or best view is posted while
  // applying a record that touches it.
  std::unordered_map<domain::ContactPointId, std::size_t> touched_;
  // How many writes had been posted when each record was applied, in order.
  std::vector<std::uint64_t> posted_after_record_;
  // Touched children as their clusters entered the cache (or were touched
  // there), oldest first; a child may be listed twice (Keep drops the
  // oldest when the cache is full of touched children).
  std::deque<domain::ContactPointId> touch_order_;
  std::unordered_map<domain::ContactPointId, storage::ShieldEntry> shields_;
  std::size_t next_id_block_ = 16;
  std::size_t last_id_block_ = 16;       // the size of the block last taken
  std::shared_ptr<IssuedIds> next_ids_;  // the block queued, if any
  std::int64_t held_shielded_ = 0;
  std::int64_t reopened_ = 0;
};

}  // namespace

BatchLoader::BatchLoader(storage::Store& store, audit::AuditLog& audit, const core::Clock& clock,
                         core::Random& random, Linker& linker)
    : store_(store), audit_(audit), clock_(clock), random_(random), linker_(linker) {}

StatusOr<BatchHeader> ReadBatchHeader(const std::string& path) {
  ASSIGN_OR_RETURN(std::string header_line, ReadHeaderLine(path));
  if (header_line.empty()) {
    return Status(ErrorCode::kInvalidBatchHeader,
                  "'" + path + "' has no header line: a batch starts with its header");
  }
  LineParser parser;
  return parser.ParseHeader(header_line);
}

StatusOr<LoadResult> BatchLoader::LoadFile(const domain::SourceId& source, const std::string& path,
                                           const ProgressSink& progress) {
  ASSIGN_OR_RETURN(BatchHeader header, ReadBatchHeader(path));
  // The digest comes from the pass that applies the batch; only a batch ID
  // seen before needs it first, to compare.
  return Load(
      source, header, std::nullopt, [&] { return ReadDigest(path); },
      [&](const RecordSink& on_record, const RejectionSink& on_rejection) {
        return CheckBatchFile(path, on_record, on_rejection, progress);
      });
}

StatusOr<LoadResult> BatchLoader::LoadCsvFile(const domain::SourceId& source,
                                              const std::string& path, const BatchHeader& header,
                                              const ProgressSink& progress) {
  ASSIGN_OR_RETURN(std::string digest, ReadDigest(path));
  return Load(
      source, header, digest, [&] { return digest; },
      [&](const RecordSink& on_record, const RejectionSink& on_rejection) {
        return ImportCsvFile(path, header, on_record, on_rejection, progress);
      });
}

StatusOr<LoadResult> BatchLoader::Load(const domain::SourceId& source, const BatchHeader& header,
                                       std::optional<std::string> digest,
                                       const Digester& digest_file, const Reader& read) {
  std::lock_guard<core::SharedGate> one_load_at_a_time(linker_.load_mutex());
  StatusOr<LoadResult> result = LoadOnce(source, header, std::move(digest), digest_file, read);
  // The index may hold what was rolled back: rebuilt before the next load.
  if (!result.ok()) linker_.Invalidate();
  return result;
}

StatusOr<LoadResult> BatchLoader::LoadOnce(const domain::SourceId& source,
                                           const BatchHeader& header,
                                           std::optional<std::string> digest,
                                           const Digester& digest_file, const Reader& read) {
  const core::Seconds started = core::MonotonicNow();
  const core::Seconds cpu_started = core::ThreadCpuTime();
  ASSIGN_OR_RETURN(auto tx, store_.Begin(storage::TxMode::kAllOrNothing));
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
    if (!digest) {
      ASSIGN_OR_RETURN(digest, digest_file());
    }
    if (previous->content_digest != *digest) {
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
  receipt.mode = header.mode;
  receipt.sequence = header.sequence;
  receipt.extracted_at = header.extracted_at;
  receipt.received_at = clock_.Now();
  ASSIGN_OR_RETURN(std::optional<std::int64_t> last, tx->LastBatchSequence(source));
  if (header.sequence && last && *header.sequence != *last + 1) {
    receipt.expected_sequence = *last + 1;
  }

  // One thread reads and parses the batch while this one, which owns the
  // transaction, applies it line by line in file order.
  Handoff handoff;
  StatusOr<CheckSummary> read_result = Status(ErrorCode::kInternal, "the batch was not read");
  // The Linker's builder once it has Synced (a Sync may replace it); until
  // then the records read are built on this thread, when placed.
  std::atomic<const linkage::RecordBuilder*> builder{nullptr};
  LoadTimings timings;
  std::thread reader([&] {
    pthread_setname_np(pthread_self(), "cp-feed-reader");
    read_result = read(
        [&](FeedRecord&& record) -> Status {
          const bool upsert = record.op == RecordOp::kUpsert;
          StatusOr<storage::EncodedSourceView> view =
              upsert ? storage::EncodeSourceView(record.child, record.events)
                     : StatusOr<storage::EncodedSourceView>(storage::EncodedSourceView());
          std::optional<linkage::LinkageRecord> built;
          if (const linkage::RecordBuilder* b = builder.load(std::memory_order_acquire);
              b != nullptr && upsert) {
            built = b->Build(record.child);
          }
          if (handoff.Put(EncodedRecord{std::move(record), std::move(view), std::move(built)})) {
            return Status::Ok();
          }
          return Status(ErrorCode::kAborted, "applying the batch stopped");
        },
        [&](const Rejection& rejection, std::string_view raw_line) {
          (void)handoff.Put(RejectedLine{rejection, std::string(raw_line)});
        });
    timings.reading_cpu = core::ThreadCpuTime();  // read after join
    handoff.Close();
  });
  // However this function is left, the reader stops before what it uses goes.
  struct StopReader {
    Handoff& handoff;
    std::thread& thread;
    ~StopReader() {
      if (!thread.joinable()) return;
      handoff.Cancel();
      thread.join();
    }
  } stop_reader{handoff, reader};
  // The index catches up with the store while the reader starts parsing.
  RETURN_IF_ERROR(linker_.Sync(store_, *tx));
  builder.store(&linker_.builder(), std::memory_order_release);
  ASSIGN_OR_RETURN(SourcePriorities priorities, SourcePriorities::Read(*tx));
  // The store as it was when the batch began (this transaction holds the
  // write lock, so nothing else can have committed since): what the Applier
  // reads, while the writer's thread owns `tx` until writer.Finish().
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Transaction> before,
                   store_.Begin(storage::TxMode::kReadOnly));
  Status applied;
  Status written;
  CheckSummary summary;
  std::int64_t held_shielded = 0;
  std::int64_t reopened = 0;
  {
    StoreWriter writer(*tx);
    Applier applier(writer, *before, linker_, std::move(priorities), random_, header,
                    entry.kind == domain::SourceKind::kNational, receipt.received_at, receipt);
    auto apply = [&](ReadItem& item) -> Status {
      if (auto* encoded = std::get_if<EncodedRecord>(&item)) {
        return applier.Apply(std::move(encoded->record), std::move(encoded->view),
                             std::move(encoded->built));
      }
      RejectedLine& rejected = std::get<RejectedLine>(item);
      const Rejection& rejection = rejected.rejection;
      receipt.rejections.push_back(rejection);
      return writer.Post(
          [entry = storage::QuarantineEntry{
               source, header.batch, rejection.line, rejection.field, rejection.code,
               rejection.reason, core::Sensitive<std::string>(std::move(rejected.raw_line))}](
              storage::Transaction& t) { return t.AddQuarantine(entry); });
    };
    std::vector<ReadItem> chunk;
    while (applied.ok() && handoff.Take(chunk)) {
      for (ReadItem& item : chunk) {
        applied = apply(item);
        if (!applied.ok()) break;
      }
    }
    if (!applied.ok()) handoff.Cancel();
    reader.join();
    if (applied.ok()) applied = read_result.status();
    if (applied.ok()) {
      summary = std::move(*read_result);
      if (digest ? summary.content_digest != *digest : !SameHeader(summary.header, header)) {
        // What was applied must be the batch whose header was checked above.
        applied = Status(ErrorCode::kAborted,
                         "the batch file changed while it was being loaded; nothing was "
                         "applied. Load it again once it is complete");
      } else if (header.mode == BatchMode::kFull && summary.rejected == 0) {
        // A full extract withdraws what it no longer lists, but a rejected
        // line may be a record the source still holds: then nothing is
        // withdrawn.
        applied = applier.WithdrawUnlisted();
      }
    }
    // Every write runs (or, after a failure, none more) before `tx` is used
    // here again or dropped.
    written = applied.ok() ? writer.Finish() : Status::Ok();
    if (applied.ok() && written.ok()) applier.KeepUnusedIds();
    if (applied.ok()) {
      // Finish has joined the writer's thread: its CPU time is final.
      timings.writing_cpu = writer.cpu();
      timings.writer_calls = writer.calls();
      timings.writer_call_wait = writer.call_wait();
      timings.writer_queue_wait = writer.full_wait();
    }
    held_shielded = applier.held_shielded();
    reopened = applier.reopened();
  }
  RETURN_IF_ERROR(applied);
  RETURN_IF_ERROR(written);
  const core::Seconds applied_at = core::MonotonicNow();
  timings.applying = applied_at - started;
  timings.matching_cpu = core::ThreadCpuTime() - cpu_started;
  before.reset();
  receipt.content_digest = summary.content_digest;
  if (header.mode == BatchMode::kFull && summary.rejected != 0) {
    receipt.full_withdrawal_skipped = true;
  }
  receipt.records = summary.records;
  receipt.accepted = summary.accepted;
  receipt.rejected = summary.rejected;

  storage::BatchEntry batch{source,          header.batch,        receipt.content_digest,
                            header.sequence, receipt.received_at, ReceiptToJson(receipt)};
  RETURN_IF_ERROR(tx->PutBatch(batch));

  audit::Event event;
  event.actor = audit::Principal{audit::PrincipalKind::kSourceSystem, source.value(), "", ""};
  event.action = audit::Action::kApplyFeed;
  event.subject = header.batch.value();
  event.counts = {{"accepted", receipt.accepted}, {"created", receipt.created},
                  {"held_shielded", held_shielded},
                  {"linked", receipt.linked},     {"records", receipt.records},
                  {"rejected", receipt.rejected}, {"reopened", reopened},
                  {"review", receipt.review},     {"withdrawn", receipt.withdrawn}};
  RETURN_IF_ERROR(audit_.AppendIn(*tx, event));
  ASSIGN_OR_RETURN(const std::int64_t last_change, tx->LastChange());
  RETURN_IF_ERROR(tx->Commit());
  linker_.Committed(last_change);
  (void)audit_.MaybeCheckpoint();  // a missed checkpoint is made by the next one
  timings.committing = core::MonotonicNow() - applied_at;
  return LoadResult{std::move(receipt), false, timings};
}

}  // namespace cp::ingest
