// The store writes of one feed batch, run in order on a thread of their own
// while the loading thread goes on matching the next records (DESIGN.md:
// parse, match and write on separate threads with bounded queues).
//
// Between construction and Finish the writer's thread is the only user of
// the transaction; the caller must not touch it. Writes are queued (Post)
// and run in the order queued; a read that must see them runs after them
// (Call) while the caller waits. After the first write that fails (in
// kAllOrNothing mode it has rolled the whole transaction back) nothing more
// runs: every later Post, Call or Finish returns that failure.
//
// Destroying the writer before Finish stops it: queued writes are dropped
// and its thread is joined (the transaction is then dropped by its owner,
// which rolls it back). One thread posts; the writer's own thread runs.
#ifndef CP_INGEST_STORE_WRITER_H_
#define CP_INGEST_STORE_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "storage/store.h"

namespace cp::ingest {

class StoreWriter {
 public:
  using Op = std::function<core::Status(storage::Transaction&)>;

  // Ops travel in chunks, so the lock is taken once per chunk; at most
  // kMaxChunks chunks wait, so the caller runs ahead of the store by a
  // bounded amount of memory.
  static constexpr std::size_t kChunkOps = 32;
  static constexpr std::size_t kMaxChunks = 128;

  explicit StoreWriter(storage::Transaction& tx);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // Queues a write. Returns the failure of an earlier write, if any (the
  // op is then dropped), else Ok: this op's own failure surfaces later.
  core::Status Post(Op op);

  // Runs `op` on the writer's thread after everything posted before it and
  // returns its status: CallAfter(posted(), op). A failing Call does not
  // stop the writer (a read may fail normally, as a record not found).
  core::Status Call(const Op& op);

  // Like Call, but waits only for the first `after` writes posted (a count
  // from posted()), not for those queued since: `op` runs on the writer's
  // thread as soon as those have run, before the next write. For a read of
  // something only those writes changed (a child whose last write was
  // posted long ago); a later write it would not see must not matter to it.
  core::Status CallAfter(std::uint64_t after, const Op& op);

  // Writes posted so far: the `after` of a later CallAfter that must see
  // everything posted until now.
  std::uint64_t posted() const { return posted_; }

  // Whether a CallAfter is waiting for its turn (for tests).
  bool HasWaitingCall() const { return urgent_waiting_.load(std::memory_order_acquire); }

  // Runs everything queued, stops the thread and returns the first failure.
  core::Status Finish();

  // The CPU time the writer's thread used; complete once Finish returned.
  core::Seconds cpu() const { return cpu_; }
  // Calls made, and the time the posting thread spent waiting for them
  // (each waits for every write queued before it).
  std::int64_t calls() const { return calls_; }
  core::Seconds call_wait() const { return call_wait_; }
  // The time the posting thread spent waiting for room in a full queue:
  // how far the writer held it back.
  core::Seconds full_wait() const { return full_wait_; }

 private:
  void Run();
  // Runs the waiting CallAfter's op if the writes it waits for have run.
  // Writer's thread, holding mu_.
  bool RunCallIfDue();
  core::Status Flush();      // hands the chunk being filled to the thread
  core::Status Failure();    // the failure recorded, or Ok
  void Stop();               // drops what is queued and joins

  storage::Transaction& tx_;
  std::vector<Op> pending_;  // the chunk being filled; posting thread only

  std::mutex mu_;
  std::condition_variable ready_;  // a chunk or a call was queued, or closed_/cancelled_
  std::condition_variable space_;  // a chunk was taken, or the writer failed
  std::condition_variable done_;   // a call was run, or the writer failed
  std::deque<std::vector<Op>> chunks_;  // GUARDED_BY(mu_)
  core::Status failure_;                // GUARDED_BY(mu_)
  bool closed_ = false;                 // GUARDED_BY(mu_)
  std::atomic<bool> failed_{false};     // written under mu_
  std::atomic<bool> cancelled_{false};  // written under mu_
  core::Seconds cpu_{0};                // the thread's, set as it ends; read after join
  // The waiting CallAfter, if any: its op and the writes it waits for.
  const Op* urgent_ = nullptr;              // GUARDED_BY(mu_)
  std::uint64_t urgent_after_ = 0;          // GUARDED_BY(mu_)
  bool urgent_done_ = false;                // GUARDED_BY(mu_)
  std::atomic<bool> urgent_waiting_{false};  // written under mu_
  std::uint64_t posted_ = 0;                // posting thread only
  std::uint64_t run_ops_ = 0;               // writer's thread only
  std::int64_t calls_ = 0;              // posting thread only
  core::Seconds call_wait_{0};          // posting thread only
  core::Seconds full_wait_{0};          // posting thread only
  std::thread thread_;                  // last: starts once the rest exists
};

}  // namespace cp::ingest

#endif  // CP_INGEST_STORE_WRITER_H_
