#include "ingest/store_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "storage/sqlite/sqlite_store.h"

namespace cp::ingest {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::Status;

class StoreWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cp_store_writer_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::move(*storage::SqliteStore::Open((dir_ / "store.db").string(), clock_));
    auto tx = store_->Begin(storage::TxMode::kAllOrNothing);
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    tx_ = std::move(*tx);
  }
  void TearDown() override {
    tx_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  storage::SourceEntry Source(const std::string& id) const {
    storage::SourceEntry s;
    s.id = domain::SourceId(id);
    s.name = "Test " + id;
    s.kind = domain::SourceKind::kLocal;
    s.state = domain::SourceState::kRegistered;
    s.created_at = s.updated_at = clock_.Now();
    return s;
  }

  // Sources committed by the writer's transaction, read afterwards.
  std::vector<std::string> CommittedSources() {
    std::vector<std::string> out;
    auto tx = store_->Begin(storage::TxMode::kReadOnly);
    auto sources = (*tx)->ListSources();
    for (const auto& s : *sources) out.push_back(s.id.value());
    return out;
  }

  core::FakeClock clock_{core::FromUnixMillis(1700000000000)};
  fs::path dir_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::unique_ptr<storage::Transaction> tx_;
};

TEST_F(StoreWriterTest, RunsWritesInOrderOnAnotherThreadAndACallSeesThem) {
  const std::thread::id poster = std::this_thread::get_id();
  std::vector<int> order;
  std::atomic<bool> elsewhere{true};
  {
    StoreWriter writer(*tx_);
    // More than a chunk's worth, so that several chunks travel.
    for (int i = 0; i < 3 * static_cast<int>(StoreWriter::kChunkOps) + 5; ++i) {
      ASSERT_TRUE(writer.Post([&, i](storage::Transaction&) {
        if (std::this_thread::get_id() == poster) elsewhere = false;
        order.push_back(i);
        return Status::Ok();
      }).ok());
    }
    ASSERT_TRUE(writer.Post([this](storage::Transaction& tx) {
      return tx.PutSource(Source("la-one"));
    }).ok());
    // A read queued after the write runs after it, on the same transaction.
    std::string seen;
    ASSERT_TRUE(writer.Call([&](storage::Transaction& tx) -> Status {
      ASSIGN_OR_RETURN(storage::SourceEntry s, tx.GetSource(domain::SourceId("la-one")));
      seen = s.name;
      return Status::Ok();
    }).ok());
    EXPECT_EQ(seen, "Test la-one");
    // A failing read is the caller's: the writer goes on.
    Status missing = writer.Call(
        [](storage::Transaction& tx) { return tx.GetSource(domain::SourceId("la-none")).status(); });
    EXPECT_FALSE(missing.ok());
    ASSERT_TRUE(writer.Post([this](storage::Transaction& tx) {
      return tx.PutSource(Source("la-two"));
    }).ok());
    ASSERT_TRUE(writer.Finish().ok());
  }
  ASSERT_EQ(order.size(), 3 * StoreWriter::kChunkOps + 5);
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], static_cast<int>(i));
  EXPECT_TRUE(elsewhere);
  ASSERT_TRUE(tx_->Commit().ok());
  EXPECT_EQ(CommittedSources(), (std::vector<std::string>{"la-one", "la-two"}));
}

// A Call waits for every write queued before it, and that wait is counted:
// behind a write that takes 100 ms, a Call waits at least that long. Posting
// into a full queue waits for the writer, and that is counted apart. The
// writer's thread reports the CPU time it used, not the time it slept.
TEST_F(StoreWriterTest, WaitsForTheWriterAreCountedAndItsCpuTimeReported) {
  auto nothing = [](storage::Transaction&) { return Status::Ok(); };
  auto sleep = [](int ms) {
    return [ms](storage::Transaction&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return Status::Ok();
    };
  };
  StoreWriter writer(*tx_);
  EXPECT_EQ(writer.calls(), 0);
  ASSERT_TRUE(writer.Call(nothing).ok());
  ASSERT_TRUE(writer.Post(sleep(100)).ok());
  ASSERT_TRUE(writer.Call(nothing).ok());
  EXPECT_EQ(writer.calls(), 2);
  EXPECT_GE(writer.call_wait().count(), 0.1);
  EXPECT_EQ(writer.full_wait().count(), 0);  // the queue was never full
  // The writer asleep in the first chunk while more chunks than the queue
  // holds are posted: the last of them waits for room.
  ASSERT_TRUE(writer.Post(sleep(300)).ok());
  for (std::size_t i = 0; i < (StoreWriter::kMaxChunks + 2) * StoreWriter::kChunkOps; ++i) {
    ASSERT_TRUE(writer.Post(nothing).ok());
  }
  EXPECT_GT(writer.full_wait().count(), 0);
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_LT(writer.cpu().count(), 0.2);  // it slept through 400 ms
}

TEST_F(StoreWriterTest, AFailedWriteStopsEverythingAfterItAndIsReportedToEachLaterCall) {
  std::vector<int> ran;
  StoreWriter writer(*tx_);
  ASSERT_TRUE(writer.Post([&](storage::Transaction&) {
    ran.push_back(1);
    return Status::Ok();
  }).ok());
  ASSERT_TRUE(writer.Post([&](storage::Transaction&) {
    ran.push_back(2);
    return Status(ErrorCode::kStoreIo, "disk on fire");
  }).ok());  // its own failure surfaces later
  ASSERT_TRUE(writer.Post([&](storage::Transaction&) {
    ran.push_back(3);
    return Status::Ok();
  }).ok());
  // The Call waits for the queue: the failure is there by then.
  Status call = writer.Call([&](storage::Transaction&) {
    ran.push_back(4);
    return Status::Ok();
  });
  EXPECT_EQ(call.code(), ErrorCode::kStoreIo);
  EXPECT_EQ(call.message(), "disk on fire");
  EXPECT_EQ(writer.Post([&](storage::Transaction&) {
    ran.push_back(5);
    return Status::Ok();
  }).code(), ErrorCode::kStoreIo);
  EXPECT_EQ(writer.Finish().code(), ErrorCode::kStoreIo);
  EXPECT_EQ(ran, (std::vector<int>{1, 2}));
}

// A write that fails on the writer's thread rolls the transaction back
// there; the store's writer lock stays with the thread that began the
// transaction until that thread drops it (a std::mutex is released by its
// owner), and then the store is free again.
TEST_F(StoreWriterTest, AWriteFailingOnTheWritersThreadLeavesTheLockToTheThreadThatBegan) {
  {
    StoreWriter writer(*tx_);
    ASSERT_TRUE(writer.Post([this](storage::Transaction& tx) {
      return tx.PutSource(Source("la-one"));
    }).ok());
    ASSERT_TRUE(writer.Post([](storage::Transaction& tx) {
      domain::Child never_issued;
      never_issued.id = *domain::ContactPointId::Parse("123456789018");
      return tx.PutChild(never_issued);  // fails: an ID this store never issued
    }).ok());
    EXPECT_FALSE(writer.Finish().ok());
  }
  auto again = store_->Begin(storage::TxMode::kReadWrite);
  EXPECT_EQ(again.status().code(), ErrorCode::kFailedPrecondition);  // not yet dropped
  tx_.reset();
  again = store_->Begin(storage::TxMode::kReadWrite);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE((*again)->Commit().ok());
  EXPECT_TRUE(CommittedSources().empty());  // the failed transaction's write is gone
}

TEST_F(StoreWriterTest, DroppedBeforeFinishItRunsNothingMoreAndItsThreadIsGone) {
  std::atomic<int> ran{0};
  std::atomic<bool> started{false};
  std::atomic<bool> release{false};
  std::thread releaser;
  {
    StoreWriter writer(*tx_);
    // The first op holds the thread until the writer is being destroyed.
    ASSERT_TRUE(writer.Post([&](storage::Transaction&) {
      started = true;
      while (!release.load()) std::this_thread::yield();
      ++ran;
      return Status::Ok();
    }).ok());
    for (int i = 0; i < 5 * static_cast<int>(StoreWriter::kChunkOps); ++i) {
      ASSERT_TRUE(writer.Post([&](storage::Transaction&) {
        ++ran;
        return Status::Ok();
      }).ok());
    }
    while (!started.load()) std::this_thread::yield();
    releaser = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      release = true;
    });
  }  // ~StoreWriter: cancels while the first op runs, then joins
  releaser.join();
  // The op that was running finishes; nothing queued after it runs.
  EXPECT_EQ(ran.load(), 1);
}

// A CallAfter runs as soon as the writes it waits for have run, before the
// writes queued after them; it sees the ones it waited for.
TEST_F(StoreWriterTest, ACallAfterRunsOnceItsWritesHaveRunAheadOfLaterOnes) {
  std::vector<int> order;  // the writer's thread only, read after Finish
  std::size_t seen = 0;
  std::optional<StoreWriter> writer(std::in_place, *tx_);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(writer->Post([&, i](storage::Transaction&) {
      order.push_back(i);
      return Status::Ok();
    }).ok());
  }
  const std::uint64_t after = writer->posted();
  EXPECT_EQ(after, 3u);
  // The fourth write holds the writer until the call waits (or 10 s pass),
  // and many more are queued behind it.
  ASSERT_TRUE(writer->Post([&](storage::Transaction&) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!writer->HasWaitingCall() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    order.push_back(3);
    return Status::Ok();
  }).ok());
  const int later = 4 * static_cast<int>(StoreWriter::kChunkOps);
  for (int i = 4; i < 4 + later; ++i) {
    ASSERT_TRUE(writer->Post([&, i](storage::Transaction&) {
      order.push_back(i);
      return Status::Ok();
    }).ok());
  }
  ASSERT_TRUE(writer->CallAfter(after, [&](storage::Transaction&) {
    seen = order.size();
    return Status(ErrorCode::kSourceRecordNotFound, "a read's own failure");
  }).code() == ErrorCode::kSourceRecordNotFound);
  EXPECT_FALSE(writer->HasWaitingCall());
  // It ran after the three writes it waited for, and at the latest right
  // after the one that held the writer (if that began first): ahead of the
  // many queued behind.
  EXPECT_GE(seen, 3u);
  EXPECT_LE(seen, 4u);
  EXPECT_EQ(writer->calls(), 1);
  ASSERT_TRUE(writer->Finish().ok());
  ASSERT_EQ(order.size(), static_cast<std::size_t>(4 + later));
  for (int i = 0; i < 4 + later; ++i) EXPECT_EQ(order[i], i);
}

// A CallAfter for writes still waiting in the chunk being filled hands them
// over and waits for them; one made when the writer is idle runs at once.
TEST_F(StoreWriterTest, ACallAfterWaitsForWritesNotYetHandedOver) {
  std::atomic<int> ran{0};
  StoreWriter writer(*tx_);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(writer.Post([&](storage::Transaction&) {
      ++ran;
      return Status::Ok();
    }).ok());
  }
  int seen = -1;
  ASSERT_TRUE(writer.CallAfter(writer.posted(), [&](storage::Transaction&) {
    seen = ran.load();
    return Status::Ok();
  }).ok());
  EXPECT_EQ(seen, 2);
  ASSERT_TRUE(writer.CallAfter(0, [&](storage::Transaction&) {
    seen = -2;
    return Status::Ok();
  }).ok());
  EXPECT_EQ(seen, -2);
  EXPECT_TRUE(writer.Finish().ok());
}

// A write failing before the writes a CallAfter waits for have run: the call
// returns that failure, and its op never runs.
TEST_F(StoreWriterTest, ACallAfterReportsAnEarlierWriteFailure) {
  StoreWriter writer(*tx_);
  ASSERT_TRUE(writer.Post([](storage::Transaction&) {
    return Status(ErrorCode::kStoreIo, "disk full");
  }).ok());
  bool ran = false;
  const Status status = writer.CallAfter(writer.posted(), [&](storage::Transaction&) {
    ran = true;
    return Status::Ok();
  });
  EXPECT_EQ(status.code(), ErrorCode::kStoreIo) << status.ToString();
  EXPECT_FALSE(ran);
  EXPECT_EQ(writer.Finish().code(), ErrorCode::kStoreIo);
}

}  // namespace
}  // namespace cp::ingest
