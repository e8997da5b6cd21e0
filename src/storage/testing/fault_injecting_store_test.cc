#include "storage/testing/fault_injecting_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "storage/store_contract.h"
#include "storage/testing/scripted_random.h"

namespace cp::storage::testing {
namespace {

using contract::HasCode;
using contract::MinimalChild;
using core::ErrorCode;

// A Store whose transactions record which calls reached them.
class RecordingStore final : public Store {
 public:
  std::vector<std::string> calls;

  core::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode) override {
    return std::unique_ptr<Transaction>(std::make_unique<Tx>(calls));
  }
  core::StatusOr<std::vector<Change>> ReadChanges(std::int64_t, int) override {
    calls.push_back("ReadChanges");
    return std::vector<Change>();
  }
  core::StatusOr<StoreInfo> Info() override {
    calls.push_back("Info");
    return StoreInfo();
  }
  core::StatusOr<std::vector<AuditLeaf>> ReadAuditEntries(std::int64_t, int) override {
    calls.push_back("ReadAuditEntries");
    return std::vector<AuditLeaf>();
  }
  core::StatusOr<std::int64_t> AuditLogSize() override {
    calls.push_back("AuditLogSize");
    return 0;
  }
  core::StatusOr<std::vector<AuditLeaf>> QueryAudit(const AuditFilter&) override {
    calls.push_back("QueryAudit");
    return std::vector<AuditLeaf>();
  }
  core::StatusOr<std::vector<AuditCheckpoint>> ReadAuditCheckpoints(std::int64_t, int) override {
    calls.push_back("ReadAuditCheckpoints");
    return std::vector<AuditCheckpoint>();
  }
  core::StatusOr<std::optional<AuditCheckpoint>> LatestAuditCheckpoint() override {
    calls.push_back("LatestAuditCheckpoint");
    return std::optional<AuditCheckpoint>();
  }

 private:
  class Tx final : public Transaction {
   public:
    explicit Tx(std::vector<std::string>& calls) : calls_(calls) {}
    core::StatusOr<domain::ContactPointId> AllocateChildId(core::Random& random) override {
      calls_.push_back("AllocateChildId");
      return domain::ContactPointId::Generate(random);
    }
    core::Status PutChild(const domain::Child&) override { return Record("PutChild"); }
    core::StatusOr<domain::Child> GetChild(domain::ContactPointId id) override {
      calls_.push_back("GetChild");
      return MinimalChild(id);
    }
    core::Status DeleteChild(domain::ContactPointId) override { return Record("DeleteChild"); }
    core::Status AddRedirect(domain::ContactPointId, domain::ContactPointId) override {
      return Record("AddRedirect");
    }
    core::StatusOr<domain::ContactPointId> Resolve(domain::ContactPointId id) override {
      calls_.push_back("Resolve");
      return id;
    }
    core::Status PutSourceRecord(const SourceRecord&) override {
      return Record("PutSourceRecord");
    }
    core::Status PutEncodedSourceRecord(const SourceRecord&, const EncodedSourceView&) override {
      return Record("PutEncodedSourceRecord");
    }
    core::StatusOr<SourceRecord> GetSourceRecord(const domain::SourceId&,
                                                 const domain::SourceKey&) override {
      calls_.push_back("GetSourceRecord");
      return SourceRecord();
    }
    core::StatusOr<std::vector<SourceRecord>> SourceRecordsOf(domain::ContactPointId) override {
      calls_.push_back("SourceRecordsOf");
      return std::vector<SourceRecord>();
    }
    core::StatusOr<std::vector<LinkState>> LinkStatesOf(domain::ContactPointId) override {
      calls_.push_back("LinkStatesOf");
      return std::vector<LinkState>();
    }
    core::Status DeleteSourceRecord(const domain::SourceId&, const domain::SourceKey&) override {
      return Record("DeleteSourceRecord");
    }
    core::StatusOr<std::int64_t> NextAuditIndex() override {
      calls_.push_back("NextAuditIndex");
      return 0;
    }
    core::Status AppendAuditEntry(const AuditEntry&) override {
      return Record("AppendAuditEntry");
    }
    core::Status PutAuditCriteria(std::int64_t, const AuditCriteria&) override {
      return Record("PutAuditCriteria");
    }
    core::StatusOr<std::optional<AuditCriteria>> GetAuditCriteria(std::int64_t) override {
      calls_.push_back("GetAuditCriteria");
      return std::optional<AuditCriteria>();
    }
    core::StatusOr<std::int64_t> DeleteAuditCriteriaOf(domain::ContactPointId) override {
      calls_.push_back("DeleteAuditCriteriaOf");
      return 0;
    }
    core::Status PutAuditCheckpoint(const AuditCheckpoint&) override {
      return Record("PutAuditCheckpoint");
    }
    core::Status PutSource(const SourceEntry&) override { return Record("PutSource"); }
    core::StatusOr<SourceEntry> GetSource(const domain::SourceId&) override {
      calls_.push_back("GetSource");
      return SourceEntry();
    }
    core::StatusOr<std::vector<SourceEntry>> ListSources() override {
      calls_.push_back("ListSources");
      return std::vector<SourceEntry>();
    }
    core::StatusOr<std::optional<BatchEntry>> GetBatch(const domain::SourceId&,
                                                       const domain::BatchId&) override {
      calls_.push_back("GetBatch");
      return std::optional<BatchEntry>();
    }
    core::StatusOr<std::optional<std::int64_t>> LastBatchSequence(
        const domain::SourceId&) override {
      calls_.push_back("LastBatchSequence");
      return std::optional<std::int64_t>();
    }
    core::Status PutBatch(const BatchEntry&) override { return Record("PutBatch"); }
    core::Status AddQuarantine(const QuarantineEntry&) override {
      return Record("AddQuarantine");
    }
    core::StatusOr<std::vector<QuarantineEntry>> QuarantineOf(const domain::SourceId&,
                                                              const domain::BatchId&) override {
      calls_.push_back("QuarantineOf");
      return std::vector<QuarantineEntry>();
    }
    core::StatusOr<std::vector<domain::SourceKey>> CurrentKeysOf(
        const domain::SourceId&) override {
      calls_.push_back("CurrentKeysOf");
      return std::vector<domain::SourceKey>();
    }
    core::Status ForEachSourceLink(const std::optional<domain::SourceId>&,
                                   const std::function<core::Status(const SourceLink&)>&) override {
      return Record("ForEachSourceLink");
    }
    core::Status ForEachCurrentChild(
        const std::function<core::Status(const domain::Child&)>&) override {
      return Record("ForEachCurrentChild");
    }
    core::Status ForEachCurrentChildOf(
        const std::string&, const std::function<core::Status(const domain::Child&)>&) override {
      return Record("ForEachCurrentChildOf");
    }
    core::StatusOr<std::vector<SourceRecord>> SourceRecordsInState(LinkState, int) override {
      calls_.push_back("SourceRecordsInState");
      return std::vector<SourceRecord>();
    }
    core::Status PutOrganisation(const OrganisationEntry&) override {
      return Record("PutOrganisation");
    }
    core::StatusOr<OrganisationEntry> GetOrganisation(const std::string&) override {
      calls_.push_back("GetOrganisation");
      return OrganisationEntry();
    }
    core::StatusOr<std::vector<OrganisationEntry>> ListOrganisations() override {
      calls_.push_back("ListOrganisations");
      return std::vector<OrganisationEntry>();
    }
    core::StatusOr<std::int64_t> PutUser(const UserEntry&) override {
      calls_.push_back("PutUser");
      return 1;
    }
    core::StatusOr<UserEntry> GetUser(std::int64_t) override {
      calls_.push_back("GetUser");
      return UserEntry();
    }
    core::StatusOr<std::optional<UserEntry>> FindUser(const std::string&) override {
      calls_.push_back("FindUser");
      return std::optional<UserEntry>();
    }
    core::StatusOr<std::vector<UserEntry>> ListUsers(const std::optional<std::string>&) override {
      calls_.push_back("ListUsers");
      return std::vector<UserEntry>();
    }
    core::Status PutSession(const SessionEntry&) override { return Record("PutSession"); }
    core::StatusOr<std::optional<SessionEntry>> GetSession(const std::string&) override {
      calls_.push_back("GetSession");
      return std::optional<SessionEntry>();
    }
    core::Status DeleteSession(const std::string&) override { return Record("DeleteSession"); }
    core::StatusOr<std::int64_t> DeleteSessionsOf(std::int64_t) override {
      calls_.push_back("DeleteSessionsOf");
      return 0;
    }
    core::StatusOr<std::int64_t> PutPractitionerInvolvement(
        const PractitionerInvolvementEntry&) override {
      calls_.push_back("PutPractitionerInvolvement");
      return 1;
    }
    core::StatusOr<std::vector<PractitionerInvolvementEntry>> PractitionerInvolvementsOf(
        domain::ContactPointId) override {
      calls_.push_back("PractitionerInvolvementsOf");
      return std::vector<PractitionerInvolvementEntry>();
    }
    core::Status PutShield(const ShieldEntry&) override { return Record("PutShield"); }
    core::StatusOr<std::optional<ShieldEntry>> GetShield(domain::ContactPointId) override {
      calls_.push_back("GetShield");
      return std::optional<ShieldEntry>();
    }
    core::StatusOr<std::vector<ShieldEntry>> ShieldsInForceFor(const std::string&) override {
      calls_.push_back("ShieldsInForceFor");
      return std::vector<ShieldEntry>();
    }
    core::Status MoveManualEntries(domain::ContactPointId, domain::ContactPointId) override {
      return Record("MoveManualEntries");
    }
    core::StatusOr<std::int64_t> PutMisuseAlert(const MisuseAlertEntry&) override {
      calls_.push_back("PutMisuseAlert");
      return 1;
    }
    core::StatusOr<MisuseAlertEntry> GetMisuseAlert(std::int64_t) override {
      calls_.push_back("GetMisuseAlert");
      return MisuseAlertEntry();
    }
    core::StatusOr<std::optional<MisuseAlertEntry>> OpenMisuseAlert(
        std::int64_t, const std::string&, const std::optional<domain::ContactPointId>&) override {
      calls_.push_back("OpenMisuseAlert");
      return std::optional<MisuseAlertEntry>();
    }
    core::StatusOr<std::vector<MisuseAlertEntry>> ListMisuseAlerts(
        const MisuseAlertFilter&) override {
      calls_.push_back("ListMisuseAlerts");
      return std::vector<MisuseAlertEntry>();
    }
    core::StatusOr<std::int64_t> LastChange() override {
      calls_.push_back("LastChange");
      return std::int64_t{0};
    }
    core::Status Commit() override { return Record("Commit"); }

   private:
    core::Status Record(std::string call) {
      calls_.push_back(std::move(call));
      return core::Status::Ok();
    }
    std::vector<std::string>& calls_;
  };
};

TEST(FaultInjectingStoreTest, ForwardsEverythingWhenNoFaultIsSet) {
  RecordingStore inner;
  FaultInjectingStore store(inner);
  auto tx = store.Begin(TxMode::kReadWrite);
  ASSERT_TRUE(tx.ok());
  ScriptedRandom random({1});
  const domain::ContactPointId id = ScriptedId(1);
  EXPECT_TRUE((*tx)->AllocateChildId(random).ok());
  EXPECT_TRUE((*tx)->PutChild(MinimalChild(id)).ok());
  EXPECT_TRUE((*tx)->GetChild(id).ok());
  EXPECT_TRUE((*tx)->DeleteChild(id).ok());
  EXPECT_TRUE((*tx)->AddRedirect(id, id).ok());
  EXPECT_TRUE((*tx)->Resolve(id).ok());
  EXPECT_TRUE((*tx)->PutSourceRecord(SourceRecord()).ok());
  EXPECT_TRUE((*tx)->PutEncodedSourceRecord(SourceRecord(), EncodedSourceView()).ok());
  EXPECT_TRUE((*tx)->GetSourceRecord(domain::SourceId("s"), domain::SourceKey("k")).ok());
  EXPECT_TRUE((*tx)->SourceRecordsOf(id).ok());
  EXPECT_TRUE((*tx)->DeleteSourceRecord(domain::SourceId("s"), domain::SourceKey("k")).ok());
  EXPECT_TRUE((*tx)->NextAuditIndex().ok());
  EXPECT_TRUE((*tx)->AppendAuditEntry(AuditEntry()).ok());
  EXPECT_TRUE((*tx)->PutAuditCriteria(0, AuditCriteria("c")).ok());
  EXPECT_TRUE((*tx)->GetAuditCriteria(0).ok());
  EXPECT_TRUE((*tx)->DeleteAuditCriteriaOf(id).ok());
  EXPECT_TRUE((*tx)->PutAuditCheckpoint(AuditCheckpoint()).ok());
  const domain::SourceId source("s");
  const domain::BatchId batch("b");
  EXPECT_TRUE((*tx)->PutSource(SourceEntry()).ok());
  EXPECT_TRUE((*tx)->GetSource(source).ok());
  EXPECT_TRUE((*tx)->ListSources().ok());
  EXPECT_TRUE((*tx)->GetBatch(source, batch).ok());
  EXPECT_TRUE((*tx)->LastBatchSequence(source).ok());
  EXPECT_TRUE((*tx)->PutBatch(BatchEntry()).ok());
  EXPECT_TRUE((*tx)->AddQuarantine(QuarantineEntry()).ok());
  EXPECT_TRUE((*tx)->QuarantineOf(source, batch).ok());
  EXPECT_TRUE((*tx)->CurrentKeysOf(source).ok());
  EXPECT_TRUE((*tx)->ForEachSourceLink(std::nullopt, [](const SourceLink&) {
    return core::Status::Ok();
  }).ok());
  EXPECT_TRUE((*tx)->ForEachCurrentChild([](const domain::Child&) {
    return core::Status::Ok();
  }).ok());
  EXPECT_TRUE((*tx)->ForEachCurrentChildOf("la:E08000035", [](const domain::Child&) {
    return core::Status::Ok();
  }).ok());
  EXPECT_TRUE((*tx)->SourceRecordsInState(LinkState::kReview, 5).ok());
  EXPECT_TRUE((*tx)->PutOrganisation(OrganisationEntry()).ok());
  EXPECT_TRUE((*tx)->GetOrganisation("la:E06000001").ok());
  EXPECT_TRUE((*tx)->ListOrganisations().ok());
  EXPECT_TRUE((*tx)->PutUser(UserEntry()).ok());
  EXPECT_TRUE((*tx)->GetUser(1).ok());
  EXPECT_TRUE((*tx)->FindUser("alex").ok());
  EXPECT_TRUE((*tx)->ListUsers(std::nullopt).ok());
  EXPECT_TRUE((*tx)->PutSession(SessionEntry()).ok());
  EXPECT_TRUE((*tx)->GetSession("h").ok());
  EXPECT_TRUE((*tx)->DeleteSession("h").ok());
  EXPECT_TRUE((*tx)->DeleteSessionsOf(1).ok());
  EXPECT_TRUE((*tx)->LastChange().ok());
  EXPECT_TRUE((*tx)->Commit().ok());
  EXPECT_TRUE(store.ReadChanges(0, 1).ok());
  EXPECT_TRUE(store.Info().ok());
  EXPECT_TRUE(store.ReadAuditEntries(0, 1).ok());
  EXPECT_TRUE(store.AuditLogSize().ok());
  EXPECT_TRUE(store.QueryAudit(AuditFilter()).ok());
  EXPECT_TRUE(store.ReadAuditCheckpoints(0, 1).ok());
  EXPECT_TRUE(store.LatestAuditCheckpoint().ok());
  EXPECT_EQ(inner.calls,
            (std::vector<std::string>{
                "AllocateChildId", "PutChild", "GetChild", "DeleteChild", "AddRedirect",
                "Resolve", "PutSourceRecord", "PutEncodedSourceRecord", "GetSourceRecord",
                "SourceRecordsOf",
                "DeleteSourceRecord", "NextAuditIndex", "AppendAuditEntry", "PutAuditCriteria",
                "GetAuditCriteria", "DeleteAuditCriteriaOf", "PutAuditCheckpoint", "PutSource",
                "GetSource", "ListSources", "GetBatch", "LastBatchSequence", "PutBatch",
                "AddQuarantine", "QuarantineOf", "CurrentKeysOf",
                "ForEachSourceLink", "ForEachCurrentChild", "ForEachCurrentChildOf", "SourceRecordsInState", "PutOrganisation", "GetOrganisation",
                "ListOrganisations", "PutUser", "GetUser", "FindUser", "ListUsers", "PutSession",
                "GetSession", "DeleteSession", "DeleteSessionsOf", "LastChange", "Commit",
                "ReadChanges", "Info", "ReadAuditEntries", "AuditLogSize", "QueryAudit",
                "ReadAuditCheckpoints", "LatestAuditCheckpoint"}));
  EXPECT_EQ(store.mutating_calls(), 19);
  EXPECT_EQ(store.faults_injected(), 0);
}

TEST(FaultInjectingStoreTest, FailsOnlyTheNthMutatingCallCountedAcrossTransactions) {
  RecordingStore inner;
  FaultInjectingStore store(inner);
  store.FailAtCall(3);
  const domain::ContactPointId id = ScriptedId(1);
  {
    auto tx = store.Begin(TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok());
    EXPECT_TRUE((*tx)->PutChild(MinimalChild(id)).ok());   // 1
    EXPECT_TRUE((*tx)->GetChild(id).ok());                 // reads are not counted
    EXPECT_TRUE((*tx)->DeleteChild(id).ok());              // 2
  }
  auto tx = store.Begin(TxMode::kReadWrite);
  ASSERT_TRUE(tx.ok());
  const core::Status third = (*tx)->AddRedirect(id, id);  // 3
  EXPECT_TRUE(HasCode(third, ErrorCode::kStoreIo));
  EXPECT_EQ(third.message(), "injected fault");
  EXPECT_TRUE((*tx)->AddRedirect(id, id).ok());  // 4: only the third fails
  EXPECT_EQ(inner.calls, (std::vector<std::string>{"PutChild", "GetChild", "DeleteChild",
                                                   "AddRedirect"}));
  EXPECT_EQ(store.faults_injected(), 1);
}

TEST(FaultInjectingStoreTest, AFaultAfterTheCallLetsTheInnerCallRun) {
  RecordingStore inner;
  FaultInjectingStore store(inner);
  store.FailAtCall(1, FaultTiming::kAfterCall);
  auto tx = store.Begin(TxMode::kReadWrite);
  ASSERT_TRUE(tx.ok());
  ScriptedRandom random({1});
  EXPECT_TRUE(HasCode((*tx)->AllocateChildId(random), ErrorCode::kStoreIo));
  EXPECT_EQ(inner.calls, std::vector<std::string>{"AllocateChildId"});
}

TEST(FaultInjectingStoreTest, ACommitFaultNeverCommits) {
  RecordingStore inner;
  FaultInjectingStore store(inner);
  store.FailOnCommit(true);
  auto tx = store.Begin(TxMode::kReadWrite);
  ASSERT_TRUE(tx.ok());
  EXPECT_TRUE(HasCode((*tx)->Commit(), ErrorCode::kStoreIo));
  EXPECT_TRUE(inner.calls.empty());
  store.FailOnCommit(false);
  EXPECT_TRUE((*tx)->Commit().ok());
  EXPECT_EQ(inner.calls, std::vector<std::string>{"Commit"});
}

TEST(ScriptedRandomTest, PlaysTheScriptThenRepeatsTheLastValue) {
  ScriptedRandom random({5, 6});
  EXPECT_EQ(random.Uniform(100), 5u);
  EXPECT_EQ(random.Uniform(100), 6u);
  EXPECT_EQ(random.Uniform(100), 6u);
  EXPECT_EQ(random.draws(), 3u);
  EXPECT_EQ(ScriptedId(5), ScriptedId(5));
  EXPECT_NE(ScriptedId(5), ScriptedId(6));
  EXPECT_TRUE(ScriptedId(5).assigned());
}

}  // namespace
}  // namespace cp::storage::testing
