#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "audit/testing/audit_fixture.h"
#include "storage/testing/fault_injecting_store.h"
#include "storage/testing/scripted_random.h"

namespace cp::audit {
namespace {

using core::ErrorCode;
using storage::testing::FaultInjectingStore;
using storage::testing::FaultTiming;
using testing::AuditFixture;
using testing::ChildId;
using testing::SampleEvent;
using testing::ViewEvent;

domain::Child MinimalChild(domain::ContactPointId id) {
  domain::Child child;
  child.id = id;
  child.name = {domain::PersonalText("Amelia"), domain::PersonalText("Smith")};
  child.gender = domain::Gender::kFemale;
  child.date_of_birth = core::Sensitive<domain::Date>(std::chrono::year{2015} / std::chrono::March /
                                                      std::chrono::day{2});
  return child;
}

// An audited action as later modules write it: the change and its audit
// event in one transaction; any failure fails the whole action.
core::Status AuditedCreate(storage::Store& store, AuditLog& log, core::Random& random,
                           domain::ContactPointId* created) {
  ASSIGN_OR_RETURN(auto tx, store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(domain::ContactPointId id, tx->AllocateChildId(random));
  RETURN_IF_ERROR(tx->PutChild(MinimalChild(id)));
  Event event = ViewEvent("u-1", id);
  event.action = Action::kCreateRecord;
  RETURN_IF_ERROR(log.AppendIn(*tx, event).status());
  RETURN_IF_ERROR(tx->Commit());
  *created = id;
  return core::Status::Ok();
}

class AuditLogTest : public ::testing::Test {
 protected:
  AuditFixture f_;
};

TEST_F(AuditLogTest, IndicesRunFromZeroWithoutGapsAndTimesComeFromTheClock) {
  for (std::int64_t i = 0; i < 5; ++i) {
    f_.clock_.Advance(std::chrono::milliseconds(10));
    auto index = f_.log_->Append(SampleEvent(i));
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    EXPECT_EQ(*index, i);
  }
  auto events = f_.log_->Query({});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 5u);
  for (std::size_t k = 0; k < 5; ++k) {
    const LoggedEvent& e = (*events)[4 - k];  // newest first
    EXPECT_EQ(e.index, static_cast<std::int64_t>(k));
    EXPECT_EQ(e.event, SampleEvent(static_cast<std::int64_t>(k)));
    EXPECT_EQ(e.at,
              core::FromUnixMillis(1'760'000'000'000 + 10 * (static_cast<std::int64_t>(k) + 1)));
  }
}

TEST_F(AuditLogTest, AnEventCommitsWithTheChangeItRecords) {
  storage::testing::ScriptedRandom random({42});
  domain::ContactPointId id;
  ASSERT_TRUE(AuditedCreate(*f_.store_, *f_.log_, random, &id).ok());
  auto tx = f_.store_->Begin(storage::TxMode::kReadOnly);
  ASSERT_TRUE(tx.ok());
  EXPECT_TRUE((*tx)->GetChild(id).ok());
  (*tx).reset();
  auto events = f_.log_->Query({.child = id});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].event.action, Action::kCreateRecord);
}

TEST_F(AuditLogTest, ADroppedTransactionTakesItsEventWithIt) {
  {
    auto tx = f_.store_->Begin(storage::TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(f_.log_->AppendIn(**tx, SampleEvent(1)).ok());
  }  // dropped uncommitted
  EXPECT_EQ(*f_.store_->AuditLogSize(), 0);
  auto index = f_.log_->Append(SampleEvent(2));
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(*index, 0);  // no gap where the dropped event was
}

// Fail closed: when the audit append fails, the audited change is not
// committed either, whether the fault strikes before the write or after it.
TEST_F(AuditLogTest, AnAppendThatFailsFailsTheActionAndCommitsNothing) {
  FaultInjectingStore faulty(*f_.store_);
  AuditLog log(faulty, f_.clock_, f_.key_.get());
  // Mutating calls of AuditedCreate: 1 AllocateChildId, 2 PutChild, 3 AppendAuditEntry.
  for (FaultTiming timing : {FaultTiming::kBeforeCall, FaultTiming::kAfterCall}) {
    SCOPED_TRACE(timing == FaultTiming::kAfterCall ? "after the write" : "before the write");
    faulty.FailAtCall(3, timing);
    storage::testing::ScriptedRandom random({42});
    domain::ContactPointId id;
    const core::Status s = AuditedCreate(faulty, log, random, &id);
    EXPECT_EQ(s.code(), ErrorCode::kStoreIo) << s.ToString();
    EXPECT_EQ(faulty.faults_injected() > 0, true);
    EXPECT_EQ(*f_.store_->AuditLogSize(), 0);
    auto info = f_.store_->Info();
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->children, 0);
    EXPECT_EQ(info->last_change, 0);
  }
  // A failed commit loses both too.
  faulty.FailAtCall(0);
  faulty.FailOnCommit(true);
  storage::testing::ScriptedRandom random({42});
  domain::ContactPointId id;
  EXPECT_EQ(AuditedCreate(faulty, log, random, &id).code(), ErrorCode::kStoreIo);
  EXPECT_EQ(*f_.store_->AuditLogSize(), 0);
  EXPECT_EQ(f_.store_->Info()->children, 0);
  // Without faults both land.
  faulty.FailOnCommit(false);
  ASSERT_TRUE(AuditedCreate(faulty, log, random, &id).ok());
  EXPECT_EQ(*f_.store_->AuditLogSize(), 1);
  EXPECT_EQ(f_.store_->Info()->children, 1);
}

TEST_F(AuditLogTest, AStandaloneAppendThatFailsReportsTheFailureAndLeavesNoEntry) {
  FaultInjectingStore faulty(*f_.store_);
  AuditLog log(faulty, f_.clock_, f_.key_.get());
  faulty.FailAtCall(1);
  EXPECT_EQ(log.Append(SampleEvent(0)).status().code(), ErrorCode::kStoreIo);
  faulty.FailAtCall(0);
  faulty.FailOnCommit(true);
  EXPECT_EQ(log.Append(SampleEvent(0)).status().code(), ErrorCode::kStoreIo);
  const std::vector<Event> batch = {SampleEvent(0), SampleEvent(1), SampleEvent(2)};
  faulty.FailOnCommit(false);
  faulty.FailAtCall(3);
  EXPECT_EQ(log.AppendBatch(batch).status().code(), ErrorCode::kStoreIo);
  EXPECT_EQ(*f_.store_->AuditLogSize(), 0);
}

TEST_F(AuditLogTest, AnInvalidEventIsRefusedBeforeAnythingIsWritten) {
  Event bad = SampleEvent(0);
  bad.reason = "free text about the child";
  EXPECT_EQ(f_.log_->Append(bad).status().code(), ErrorCode::kInvalidAuditEvent);
  const std::vector<Event> batch = {SampleEvent(0), bad};
  EXPECT_EQ(f_.log_->AppendBatch(batch).status().code(), ErrorCode::kInvalidAuditEvent);
  EXPECT_EQ(*f_.store_->AuditLogSize(), 0);
}

TEST_F(AuditLogTest, ABatchAppendsAllInOrderInOneTransaction) {
  std::vector<Event> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(SampleEvent(i));
  ASSERT_EQ(*f_.log_->Append(SampleEvent(99)), 0);
  auto first = f_.log_->AppendBatch(batch);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(*f_.store_->AuditLogSize(), 51);
  auto page = f_.store_->ReadAuditEntries(1, 50);
  ASSERT_TRUE(page.ok());
  for (int i = 0; i < 50; ++i) {
    auto decoded = DecodeLeaf((*page)[i].index, (*page)[i].leaf);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->event, SampleEvent(i));
  }
  EXPECT_EQ(*f_.log_->AppendBatch({}), 51);
}

TEST_F(AuditLogTest, ConcurrentAppendersGetDistinctDenseIndices) {
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::int64_t>> got(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto index = f_.log_->Append(SampleEvent(t * kEach + i));
        if (index.ok()) got[t].push_back(*index);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<std::int64_t> all;
  for (const auto& g : got) all.insert(all.end(), g.begin(), g.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], static_cast<std::int64_t>(i));
}

TEST_F(AuditLogTest, QueriesSelectByChildUserActionAndTimeNewestFirst) {
  const domain::ContactPointId amy = ChildId(100);
  const domain::ContactPointId ben = ChildId(200);
  struct Row {
    std::string user;
    domain::ContactPointId child;
    Action action;
  };
  const std::vector<Row> rows = {
      {"u-1", amy, Action::kViewRecord},   {"u-2", amy, Action::kSearch},
      {"u-1", ben, Action::kViewRecord},   {"u-3", amy, Action::kViewRecord},
      {"u-2", ben, Action::kUpdateRecord},
  };
  for (const Row& r : rows) {
    f_.clock_.Advance(std::chrono::seconds(1));
    Event e = ViewEvent(r.user, r.child);
    e.action = r.action;
    ASSERT_TRUE(f_.log_->Append(e).ok());
  }
  const core::Timestamp t0 = core::FromUnixMillis(1'760'000'000'000);
  auto indices = [&](const AuditQuery& q) {
    std::vector<std::int64_t> out;
    auto events = f_.log_->Query(q);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    if (events.ok()) {
      for (const LoggedEvent& e : *events) out.push_back(e.index);
    }
    return out;
  };
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(indices({.child = amy}), (V{3, 1, 0}));  // who looked at Amy
  EXPECT_EQ(indices({.child = ben}), (V{4, 2}));
  EXPECT_EQ(indices({.user = "u-1"}), (V{2, 0}));
  EXPECT_EQ(indices({.action = Action::kViewRecord}), (V{3, 2, 0}));
  EXPECT_EQ(indices({.from = t0 + std::chrono::seconds(2), .to = t0 + std::chrono::seconds(4)}),
            (V{2, 1}));
  EXPECT_EQ(indices({.child = amy, .user = "u-3"}), (V{3}));
  EXPECT_EQ(indices({.child = amy, .action = Action::kSearch}), (V{1}));
  EXPECT_EQ(indices({.user = "u-2", .from = t0 + std::chrono::seconds(3)}), (V{4}));
  EXPECT_EQ(indices({.limit = 2}), (V{4, 3}));
  EXPECT_EQ(indices({.before = 3, .limit = 2}), (V{2, 1}));
  EXPECT_EQ(indices({.child = ChildId(999)}), V{});
  EXPECT_EQ(indices({.user = "nobody"}), V{});
  EXPECT_FALSE(f_.log_->Query({.limit = 0}).ok());
}

TEST_F(AuditLogTest, AQueryRefusesAnEntryWhoseColumnsWereAlteredToMisdirectIt) {
  ASSERT_TRUE(f_.log_->Append(ViewEvent("u-1", ChildId(1))).ok());
  f_.Tamper("UPDATE audit_log SET actor = 'u-9' WHERE leaf_index = 0");
  auto events = f_.log_->Query({.user = "u-9"});
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), ErrorCode::kAuditTampered);
}

TEST_F(AuditLogTest, SearchCriteriaAreKeptApartAndDestroyedWithTheChild) {
  storage::testing::ScriptedRandom random({42, 43});
  domain::ContactPointId child;
  ASSERT_TRUE(AuditedCreate(*f_.store_, *f_.log_, random, &child).ok());
  std::int64_t search_index = -1;
  {
    auto tx = f_.store_->Begin(storage::TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok());
    Event search = ViewEvent("u-1", child);
    search.action = Action::kSearch;
    auto index =
        f_.log_->AppendIn(**tx, search, storage::AuditCriteria("{\"family_name\":\"Smith\"}"));
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    search_index = *index;
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  // The criteria are not in the log's leaf.
  auto leaves = f_.store_->ReadAuditEntries(search_index, 1);
  ASSERT_TRUE(leaves.ok());
  EXPECT_EQ((*leaves)[0].leaf.find("Smith"), std::string::npos);
  {
    auto tx = f_.store_->Begin(storage::TxMode::kReadOnly);
    auto criteria = (*tx)->GetAuditCriteria(search_index);
    ASSERT_TRUE(criteria.ok());
    ASSERT_TRUE(criteria->has_value());
    EXPECT_EQ((*criteria)->Reveal(), "{\"family_name\":\"Smith\"}");
  }
  const Hash root_before = *f_.log_->RootAt(2);
  {
    auto tx = f_.store_->Begin(storage::TxMode::kReadWrite);
    ASSERT_TRUE((*tx)->DeleteChild(child).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto tx = f_.store_->Begin(storage::TxMode::kReadOnly);
  auto criteria = (*tx)->GetAuditCriteria(search_index);
  ASSERT_TRUE(criteria.ok());
  EXPECT_FALSE(criteria->has_value());
  (*tx).reset();
  // The log itself is untouched: same entries, same root.
  EXPECT_EQ(*f_.store_->AuditLogSize(), 2);
  EXPECT_EQ(*f_.log_->RootAt(2), root_before);
}

TEST_F(AuditLogTest, CheckpointsCoverTheLogAndResumeFromTheLastOne) {
  f_.AppendSamples(0, 5);
  auto first = f_.log_->Checkpoint();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->tree_size, 5);
  EXPECT_EQ((*first)->key_id, f_.key_->public_key().id());
  // Nothing new: no second checkpoint of the same size.
  auto again = f_.log_->Checkpoint();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  f_.AppendSamples(5, 4);
  auto second = f_.log_->Checkpoint();
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->tree_size, 9);
  Hash root{};
  ASSERT_TRUE(FromBytes((*second)->root_hash, root));
  EXPECT_EQ(root, *f_.log_->RootAt(9));
  auto report = f_.Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->checkpoints, 2);
}

TEST_F(AuditLogTest, CheckpointsAreWrittenEveryNEntriesOrEveryInterval) {
  AuditFixture f(CheckpointPolicy{.every_entries = 4, .every = std::chrono::minutes(10)});
  f.AppendSamples(0, 3);
  EXPECT_FALSE(f.store_->LatestAuditCheckpoint()->has_value());
  f.AppendSamples(3, 1);
  auto latest = f.store_->LatestAuditCheckpoint();
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->tree_size, 4);
  f.AppendSamples(4, 1);
  EXPECT_EQ((*f.store_->LatestAuditCheckpoint())->tree_size, 4);
  f.clock_.Advance(std::chrono::minutes(10));
  f.AppendSamples(5, 1);  // the interval has passed
  EXPECT_EQ((*f.store_->LatestAuditCheckpoint())->tree_size, 6);
  // MaybeCheckpoint with nothing due does nothing.
  auto maybe = f.log_->MaybeCheckpoint();
  ASSERT_TRUE(maybe.ok());
  EXPECT_FALSE(maybe->has_value());
}

// After entries appended in a caller's transaction have committed, the
// caller names the last one: a checkpoint is written when the policy's count
// is reached by then, covering every committed entry.
TEST_F(AuditLogTest, MaybeCheckpointAfterACommittedEntry) {
  AuditFixture f(CheckpointPolicy{.every_entries = 4, .every = std::chrono::minutes(10)});
  auto tx = f.store_->Begin(storage::TxMode::kReadWrite);
  ASSERT_TRUE(tx.ok());
  std::int64_t last = -1;
  for (std::int64_t i = 0; i < 5; ++i) {
    auto index = f.log_->AppendIn(**tx, SampleEvent(i));
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    last = *index;
  }
  ASSERT_TRUE((*tx)->Commit().ok());
  auto early = f.log_->MaybeCheckpointAfter(2);  // 3 entries known: not due
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early->has_value());
  EXPECT_FALSE(f.store_->LatestAuditCheckpoint()->has_value());
  auto due = f.log_->MaybeCheckpointAfter(last);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  ASSERT_TRUE(due->has_value());
  EXPECT_EQ((*due)->tree_size, 5);
  auto again = f.log_->MaybeCheckpointAfter(last);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  auto report = f.Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
}

TEST_F(AuditLogTest, WithoutASigningKeyNoCheckpointCanBeWritten) {
  AuditLog unsigned_log(*f_.store_, f_.clock_);
  ASSERT_TRUE(unsigned_log.Append(SampleEvent(0)).ok());
  EXPECT_EQ(unsigned_log.Checkpoint().status().code(), ErrorCode::kFailedPrecondition);
  auto maybe = unsigned_log.MaybeCheckpoint();
  ASSERT_TRUE(maybe.ok());
  EXPECT_FALSE(maybe->has_value());
}

TEST_F(AuditLogTest, ACheckpointWithForgedResumeStateIsNotBuiltUpon) {
  f_.AppendSamples(0, 3);
  ASSERT_TRUE(f_.log_->Checkpoint().ok());
  f_.Tamper("UPDATE audit_checkpoints SET right_edge = zeroblob(64) WHERE tree_size = 3");
  f_.AppendSamples(3, 1);
  EXPECT_EQ(f_.log_->Checkpoint().status().code(), ErrorCode::kAuditTampered);
}

TEST_F(AuditLogTest, ProofsFromTheStoreVerifyAgainstCheckpointRoots) {
  for (std::int64_t size : {1, 2, 3, 5, 6, 7, 9, 17}) {
    AuditFixture f;
    f.AppendSamples(0, size);
    const Hash root = *f.log_->RootAt(size);
    for (std::int64_t i = 0; i < size; ++i) {
      auto proof = f.log_->ProveInclusion(i, size);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyInclusion(i, size, *f.log_->LeafHashAt(i), *proof, root))
          << i << " in " << size;
    }
    for (std::int64_t old_size = 0; old_size <= size; ++old_size) {
      auto proof = f.log_->ProveConsistency(old_size, size);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyConsistency(old_size, size, *f.log_->RootAt(old_size), root, *proof))
          << old_size << " to " << size;
    }
    EXPECT_FALSE(f.log_->ProveInclusion(size, size).ok());
    EXPECT_FALSE(f.log_->ProveInclusion(0, size + 1).ok());  // past the end of the log
    EXPECT_EQ(f.log_->LeafHashAt(size).status().code(), ErrorCode::kNotFound);
  }
}

}  // namespace
}  // namespace cp::audit
