#include "ingest/store_writer.h"

#include <pthread.h>

#include <utility>

namespace cp::ingest {

using core::Status;

namespace {

// Counts a call to the writer and adds the time until it returns to the
// posting thread's wait.
class CallTimer {
 public:
  CallTimer(std::int64_t& calls, core::Seconds& waited)
      : waited_(waited), started_(core::MonotonicNow()) {
    ++calls;
  }
  ~CallTimer() { waited_ += core::MonotonicNow() - started_; }
  CallTimer(const CallTimer&) = delete;
  CallTimer& operator=(const CallTimer&) = delete;

 private:
  core::Seconds& waited_;
  core::Seconds started_;
};

}  // namespace

StoreWriter::StoreWriter(storage::Transaction& tx) : tx_(tx), thread_([this] { Run(); }) {
  pending_.reserve(kChunkOps);
}

StoreWriter::~StoreWriter() { Stop(); }

Status StoreWriter::Failure() {
  if (!failed_.load(std::memory_order_acquire)) return Status::Ok();
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

Status StoreWriter::Post(Op op) {
  if (failed_.load(std::memory_order_acquire)) return Failure();
  ++posted_;
  pending_.push_back(std::move(op));
  if (pending_.size() < kChunkOps) return Status::Ok();
  return Flush();
}

Status StoreWriter::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  if (chunks_.size() >= kMaxChunks) {
    const core::Seconds started = core::MonotonicNow();
    space_.wait(lock, [&] { return chunks_.size() < kMaxChunks || failed_.load(); });
    full_wait_ += core::MonotonicNow() - started;
  }
  if (failed_.load()) {
    pending_.clear();
    return failure_;
  }
  if (!pending_.empty()) {
    chunks_.push_back(std::move(pending_));
    pending_ = std::vector<Op>();
    pending_.reserve(kChunkOps);
    ready_.notify_one();
  }
  return Status::Ok();
}

Status StoreWriter::Call(const Op& op) { return CallAfter(posted_, op); }

Status StoreWriter::CallAfter(std::uint64_t after, const Op& op) {
  const CallTimer timer(calls_, call_wait_);
  // The writes waited for may still be in the chunk being filled.
  if (after > posted_ - pending_.size()) RETURN_IF_ERROR(Flush());
  Status result = Status::Ok();
  const Op run = [&](storage::Transaction& tx) {
    result = op(tx);
    return Status::Ok();
  };
  std::unique_lock<std::mutex> lock(mu_);
  if (failed_.load()) return failure_;
  urgent_ = &run;
  urgent_after_ = after;
  urgent_done_ = false;
  urgent_waiting_.store(true, std::memory_order_release);
  ready_.notify_all();  // a writer waiting for work runs it at once
  done_.wait(lock, [&] { return urgent_done_ || failed_.load(); });
  const bool ran = urgent_done_;
  urgent_ = nullptr;
  urgent_done_ = false;
  urgent_waiting_.store(false, std::memory_order_release);
  if (!ran) return failure_;  // the writer stopped before reaching it
  return result;
}

bool StoreWriter::RunCallIfDue() {
  if (urgent_ == nullptr || urgent_done_ || run_ops_ < urgent_after_) return false;
  (void)(*urgent_)(tx_);  // a read: its status goes to the caller
  urgent_done_ = true;
  urgent_waiting_.store(false, std::memory_order_release);
  done_.notify_all();
  return true;
}

Status StoreWriter::Finish() {
  Status flushed = Flush();
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    ready_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  RETURN_IF_ERROR(flushed);
  return Failure();
}

void StoreWriter::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_.store(true);
    chunks_.clear();
    ready_.notify_all();
  }
  thread_.join();
}

void StoreWriter::Run() {
  std::vector<Op> chunk;
  // Named for top -H and perf: one feed load runs three threads.
  pthread_setname_np(pthread_self(), "cp-feed-writer");
  // However the loop ends, the thread's CPU time is noted (read after join).
  struct NoteCpu {
    core::Seconds& cpu;
    ~NoteCpu() { cpu = core::ThreadCpuTime(); }
  } note_cpu{cpu_};
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [&] {
        return !chunks_.empty() || closed_ || cancelled_.load() ||
               (urgent_ != nullptr && !urgent_done_ && run_ops_ >= urgent_after_);
      });
      if (cancelled_.load()) return;
      if (RunCallIfDue()) continue;
      if (chunks_.empty()) return;
      chunk = std::move(chunks_.front());
      chunks_.pop_front();
      space_.notify_one();
    }
    for (Op& op : chunk) {
      if (cancelled_.load(std::memory_order_relaxed)) return;
      if (urgent_waiting_.load(std::memory_order_acquire)) {
        std::lock_guard<std::mutex> lock(mu_);
        RunCallIfDue();
      }
      Status status = op(tx_);
      ++run_ops_;
      if (!status.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        failure_ = std::move(status);
        failed_.store(true);
        chunks_.clear();
        space_.notify_all();
        done_.notify_all();
        return;
      }
    }
    chunk.clear();
  }
}

}  // namespace cp::ingest
