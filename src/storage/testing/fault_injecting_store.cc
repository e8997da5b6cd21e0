#include "storage/testing/fault_injecting_store.h"

#include <utility>

namespace cp::storage::testing {

// Forwards to the inner transaction, failing where the store says to.
// Owned by the caller of FaultInjectingStore::Begin; used by one thread.
class FaultInjectingTransaction final : public Transaction {
 public:
  FaultInjectingTransaction(FaultInjectingStore& store, std::unique_ptr<Transaction> inner)
      : store_(store), inner_(std::move(inner)) {}

  core::StatusOr<domain::ContactPointId> AllocateChildId(core::Random& random) override {
    return Mutate([&] { return inner_->AllocateChildId(random); });
  }
  core::Status PutChild(const domain::Child& child) override {
    return Mutate([&] { return inner_->PutChild(child); });
  }
  core::StatusOr<domain::Child> GetChild(domain::ContactPointId id) override {
    return inner_->GetChild(id);
  }
  core::Status DeleteChild(domain::ContactPointId id) override {
    return Mutate([&] { return inner_->DeleteChild(id); });
  }
  core::Status AddRedirect(domain::ContactPointId from, domain::ContactPointId to) override {
    return Mutate([&] { return inner_->AddRedirect(from, to); });
  }
  core::StatusOr<domain::ContactPointId> Resolve(domain::ContactPointId id) override {
    return inner_->Resolve(id);
  }
  core::Status PutSourceRecord(const SourceRecord& record) override {
    return Mutate([&] { return inner_->PutSourceRecord(record); });
  }
  core::Status PutEncodedSourceRecord(const SourceRecord& record,
                                      const EncodedSourceView& encoded) override {
    return Mutate([&] { return inner_->PutEncodedSourceRecord(record, encoded); });
  }
  core::StatusOr<SourceRecord> GetSourceRecord(const domain::SourceId& source,
                                               const domain::SourceKey& key) override {
    return inner_->GetSourceRecord(source, key);
  }
  core::StatusOr<std::vector<SourceRecord>> SourceRecordsOf(
      domain::ContactPointId child) override {
    return inner_->SourceRecordsOf(child);
  }
  core::StatusOr<std::vector<LinkState>> LinkStatesOf(domain::ContactPointId child) override {
    return inner_->LinkStatesOf(child);
  }
  core::Status DeleteSourceRecord(const domain::SourceId& source,
                                  const domain::SourceKey& key) override {
    return Mutate([&] { return inner_->DeleteSourceRecord(source, key); });
  }
  core::StatusOr<std::int64_t> NextAuditIndex() override { return inner_->NextAuditIndex(); }
  core::Status AppendAuditEntry(const AuditEntry& entry) override {
    return Mutate([&] { return inner_->AppendAuditEntry(entry); });
  }
  core::Status PutAuditCriteria(std::int64_t index, const AuditCriteria& criteria) override {
    return Mutate([&] { return inner_->PutAuditCriteria(index, criteria); });
  }
  core::StatusOr<std::optional<AuditCriteria>> GetAuditCriteria(std::int64_t index) override {
    return inner_->GetAuditCriteria(index);
  }
  core::StatusOr<std::int64_t> DeleteAuditCriteriaOf(domain::ContactPointId child) override {
    return Mutate([&] { return inner_->DeleteAuditCriteriaOf(child); });
  }
  core::Status PutAuditCheckpoint(const AuditCheckpoint& checkpoint) override {
    return Mutate([&] { return inner_->PutAuditCheckpoint(checkpoint); });
  }
  core::Status PutSource(const SourceEntry& source) override {
    return Mutate([&] { return inner_->PutSource(source); });
  }
  core::StatusOr<SourceEntry> GetSource(const domain::SourceId& id) override {
    return inner_->GetSource(id);
  }
  core::StatusOr<std::vector<SourceEntry>> ListSources() override { return inner_->ListSources(); }
  core::StatusOr<std::optional<BatchEntry>> GetBatch(const domain::SourceId& source,
                                                     const domain::BatchId& batch) override {
    return inner_->GetBatch(source, batch);
  }
  core::StatusOr<std::optional<std::int64_t>> LastBatchSequence(
      const domain::SourceId& source) override {
    return inner_->LastBatchSequence(source);
  }
  core::Status PutBatch(const BatchEntry& batch) override {
    return Mutate([&] { return inner_->PutBatch(batch); });
  }
  core::Status AddQuarantine(const QuarantineEntry& entry) override {
    return Mutate([&] { return inner_->AddQuarantine(entry); });
  }
  core::StatusOr<std::vector<QuarantineEntry>> QuarantineOf(const domain::SourceId& source,
                                                            const domain::BatchId& batch) override {
    return inner_->QuarantineOf(source, batch);
  }
  core::StatusOr<std::vector<domain::SourceKey>> CurrentKeysOf(
      const domain::SourceId& source) override {
    return inner_->CurrentKeysOf(source);
  }
  core::Status PutOrganisation(const OrganisationEntry& organisation) override {
    return Mutate([&] { return inner_->PutOrganisation(organisation); });
  }
  core::StatusOr<OrganisationEntry> GetOrganisation(const std::string& id) override {
    return inner_->GetOrganisation(id);
  }
  core::StatusOr<std::vector<OrganisationEntry>> ListOrganisations() override {
    return inner_->ListOrganisations();
  }
  core::StatusOr<std::int64_t> PutUser(const UserEntry& user) override {
    return Mutate([&] { return inner_->PutUser(user); });
  }
  core::StatusOr<UserEntry> GetUser(std::int64_t id) override { return inner_->GetUser(id); }
  core::StatusOr<std::optional<UserEntry>> FindUser(const std::string& username) override {
    return inner_->FindUser(username);
  }
  core::StatusOr<std::vector<UserEntry>> ListUsers(
      const std::optional<std::string>& organisation) override {
    return inner_->ListUsers(organisation);
  }
  core::Status PutSession(const SessionEntry& session) override {
    return Mutate([&] { return inner_->PutSession(session); });
  }
  core::StatusOr<std::optional<SessionEntry>> GetSession(const std::string& token_hash) override {
    return inner_->GetSession(token_hash);
  }
  core::Status DeleteSession(const std::string& token_hash) override {
    return Mutate([&] { return inner_->DeleteSession(token_hash); });
  }
  core::StatusOr<std::int64_t> DeleteSessionsOf(std::int64_t user_id) override {
    return Mutate([&] { return inner_->DeleteSessionsOf(user_id); });
  }
  core::StatusOr<std::int64_t> PutPractitionerInvolvement(
      const PractitionerInvolvementEntry& entry) override {
    return Mutate([&] { return inner_->PutPractitionerInvolvement(entry); });
  }
  core::StatusOr<std::vector<PractitionerInvolvementEntry>> PractitionerInvolvementsOf(
      domain::ContactPointId child) override {
    return inner_->PractitionerInvolvementsOf(child);
  }
  core::Status PutShield(const ShieldEntry& shield) override {
    return Mutate([&] { return inner_->PutShield(shield); });
  }
  core::StatusOr<std::optional<ShieldEntry>> GetShield(domain::ContactPointId child) override {
    return inner_->GetShield(child);
  }
  core::StatusOr<std::vector<ShieldEntry>> ShieldsInForceFor(
      const std::string& accountable) override {
    return inner_->ShieldsInForceFor(accountable);
  }
  core::StatusOr<std::int64_t> PutMisuseAlert(const MisuseAlertEntry& alert) override {
    return Mutate([&] { return inner_->PutMisuseAlert(alert); });
  }
  core::StatusOr<MisuseAlertEntry> GetMisuseAlert(std::int64_t id) override {
    return inner_->GetMisuseAlert(id);
  }
  core::StatusOr<std::optional<MisuseAlertEntry>> OpenMisuseAlert(
      std::int64_t user_id, const std::string& kind,
      const std::optional<domain::ContactPointId>& child) override {
    return inner_->OpenMisuseAlert(user_id, kind, child);
  }
  core::StatusOr<std::vector<MisuseAlertEntry>> ListMisuseAlerts(
      const MisuseAlertFilter& filter) override {
    return inner_->ListMisuseAlerts(filter);
  }
  core::Status MoveManualEntries(domain::ContactPointId from, domain::ContactPointId to) override {
    return Mutate([&] { return inner_->MoveManualEntries(from, to); });
  }
  core::Status ForEachSourceLink(
      const std::optional<domain::SourceId>& source,
      const std::function<core::Status(const SourceLink&)>& fn) override {
    return inner_->ForEachSourceLink(source, fn);
  }
  core::Status ForEachCurrentChild(
      const std::function<core::Status(const domain::Child&)>& fn) override {
    const int limit = store_.fail_children_after_.load();
    if (limit <= 0) return inner_->ForEachCurrentChild(fn);
    int passed = 0;
    return inner_->ForEachCurrentChild([&](const domain::Child& child) -> core::Status {
      if (passed == limit) {
        ++store_.faults_;
        return FaultInjectingStore::InjectedFault();
      }
      ++passed;
      return fn(child);
    });
  }
  core::Status ForEachCurrentChildOf(
      const std::string& accountable,
      const std::function<core::Status(const domain::Child&)>& fn) override {
    return inner_->ForEachCurrentChildOf(accountable, fn);
  }
  core::StatusOr<std::vector<SourceRecord>> SourceRecordsInState(LinkState state,
                                                                 int limit) override {
    return inner_->SourceRecordsInState(state, limit);
  }
  core::StatusOr<std::int64_t> LastChange() override { return inner_->LastChange(); }
  core::Status Commit() override {
    if (store_.CheckCommitFault()) return FaultInjectingStore::InjectedFault();
    return inner_->Commit();
  }

 private:
  template <typename Call>
  auto Mutate(Call&& call) -> decltype(call()) {
    if (!store_.CountCallAndCheckFault()) return call();
    if (store_.timing_.load() == FaultTiming::kAfterCall) {
      auto ignored = call();
      (void)ignored;
    }
    return FaultInjectingStore::InjectedFault();
  }

  FaultInjectingStore& store_;
  std::unique_ptr<Transaction> inner_;
};

core::Status FaultInjectingStore::InjectedFault() {
  return core::Status(core::ErrorCode::kStoreIo, "injected fault");
}

void FaultInjectingStore::FailAtCall(int n, FaultTiming timing) {
  timing_.store(timing);
  calls_.store(0);
  fail_at_.store(n);
}

bool FaultInjectingStore::CountCallAndCheckFault() {
  const int call = calls_.fetch_add(1) + 1;
  const int fail_at = fail_at_.load();
  if (fail_at <= 0 || call != fail_at) return false;
  faults_.fetch_add(1);
  return true;
}

bool FaultInjectingStore::CheckCommitFault() {
  if (!fail_on_commit_.load()) return false;
  faults_.fetch_add(1);
  return true;
}

core::StatusOr<std::unique_ptr<Transaction>> FaultInjectingStore::Begin(TxMode mode) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> inner, inner_.Begin(mode));
  return std::unique_ptr<Transaction>(
      std::make_unique<FaultInjectingTransaction>(*this, std::move(inner)));
}

}  // namespace cp::storage::testing
