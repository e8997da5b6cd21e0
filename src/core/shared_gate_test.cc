#include "core/shared_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <thread>

namespace cp::core {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(SharedGateTest, SharedHoldersShareAndExcludeAWriter) {
  SharedGate gate;
  std::shared_lock<SharedGate> first(gate);
  ASSERT_TRUE(gate.try_lock_shared());  // a second reader gets in
  EXPECT_FALSE(gate.try_lock());        // a writer does not
  gate.unlock_shared();
  first.unlock();
  EXPECT_TRUE(gate.try_lock());
  EXPECT_FALSE(gate.try_lock_shared());
  gate.unlock();
}

// The reason it exists: once a writer waits, a new reader waits behind it,
// even though only readers hold the lock (std::shared_mutex lets it in).
TEST(SharedGateTest, AWaitingWriterHoldsBackNewReaders) {
  SharedGate gate;
  std::shared_lock<SharedGate> reader(gate);
  std::atomic<bool> writer_in{false};
  std::thread writer([&] {
    std::lock_guard<SharedGate> hold(gate);
    writer_in = true;
  });
  // Wait (up to 10 s) until the writer is queued: new readers are refused.
  bool held_back = false;
  for (const auto until = steady_clock::now() + std::chrono::seconds(10);
       !held_back && steady_clock::now() < until;) {
    if (gate.try_lock_shared()) {
      gate.unlock_shared();
      std::this_thread::sleep_for(milliseconds(1));
    } else {
      held_back = true;
    }
  }
  EXPECT_TRUE(held_back) << "a reader got in ahead of a waiting writer for 10 s";
  EXPECT_FALSE(writer_in.load());
  reader.unlock();
  writer.join();
  EXPECT_TRUE(writer_in.load());
  EXPECT_TRUE(gate.try_lock_shared());  // free again
  gate.unlock_shared();
}

}  // namespace
}  // namespace cp::core
