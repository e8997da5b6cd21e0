#include "ingest/store_writer.h"

#include <pthread.h>

#include <utility>

namespace cp::ingest {

using core::Status;

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
    ++queued_chunks_;
    ready_.notify_one();
  }
  return Status::Ok();
}

Status StoreWriter::Call(const Op& op) {
  ++calls_;
  const core::Seconds started = core::MonotonicNow();
  struct NoteWait {
    core::Seconds& waited;
    core::Seconds started;
    ~NoteWait() { waited += core::MonotonicNow() - started; }
  } note_wait{call_wait_, started};
  Status result = Status::Ok();
  pending_.push_back([&](storage::Transaction& tx) {
    result = op(tx);
    return Status::Ok();  // the caller judges its own read; a failed write is seen below
  });
  RETURN_IF_ERROR(Flush());
  std::unique_lock<std::mutex> lock(mu_);
  const std::uint64_t mine = queued_chunks_;
  done_.wait(lock, [&] { return run_chunks_ >= mine || failed_.load(); });
  if (run_chunks_ < mine) return failure_;  // the writer stopped before reaching it
  return result;
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
      ready_.wait(lock, [&] { return !chunks_.empty() || closed_ || cancelled_.load(); });
      if (cancelled_.load() || chunks_.empty()) return;
      chunk = std::move(chunks_.front());
      chunks_.pop_front();
      space_.notify_one();
    }
    for (Op& op : chunk) {
      if (cancelled_.load(std::memory_order_relaxed)) return;
      Status status = op(tx_);
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
    std::lock_guard<std::mutex> lock(mu_);
    ++run_chunks_;
    done_.notify_all();
  }
}

}  // namespace cp::ingest
