// FaultInjectingStore: a Store wrapper that fails chosen calls, to prove that
// a failure anywhere in a unit of work leaves nothing behind.
//
// It forwards everything to an inner Store. Mutating calls (AllocateChildId
// and every Put*, Add*, Append* and Delete* call of a Transaction) are
// counted across all transactions of the wrapper; the Nth (FailAtCall)
// fails with kStoreIo "injected fault", either before reaching the inner
// store or after the inner call succeeded (a write that happened but whose
// success was lost, as with an I/O error on the reply). Commit can be made to
// fail too (FailOnCommit), in which case the inner transaction is not
// committed and rolls back when dropped. Reads (ReadChanges, Info, the audit
// reads) are never failed.
//
// In the spirit of leveldb's SpecialEnv (db/db_test.cc). The wrapper borrows
// the inner store, which must outlive it and its transactions. Thread-safe:
// the configuration and the counter are atomics, so the fault point can be
// changed while other threads run transactions.
#ifndef CP_STORAGE_TESTING_FAULT_INJECTING_STORE_H_
#define CP_STORAGE_TESTING_FAULT_INJECTING_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/status.h"
#include "storage/store.h"

namespace cp::storage::testing {

// When an injected failure strikes a mutating call.
enum class FaultTiming {
  kBeforeCall,  // the inner store never sees the call
  kAfterCall,   // the inner call ran (and may have succeeded); its result is replaced
};

class FaultInjectingStore final : public Store {
 public:
  explicit FaultInjectingStore(Store& inner) : inner_(inner) {}

  // Fails the nth mutating call from now on (1 is the next one), and only
  // that one; 0 disables call faults. Resets the call counter.
  void FailAtCall(int n, FaultTiming timing = FaultTiming::kBeforeCall);

  // When set, every Commit fails without committing.
  void FailOnCommit(bool fail) { fail_on_commit_.store(fail); }

  // When n > 0, each ForEachCurrentChild fails after passing n children on
  // (a store read failing part way); 0 disables.
  void FailCurrentChildrenAfter(int n) { fail_children_after_.store(n); }

  // Mutating calls counted since the last FailAtCall (or construction).
  int mutating_calls() const { return calls_.load(); }

  // Faults injected so far (calls and commits).
  int faults_injected() const { return faults_.load(); }

  core::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) override;
  core::StatusOr<std::vector<Change>> ReadChanges(std::int64_t after, int limit) override {
    return inner_.ReadChanges(after, limit);
  }
  core::StatusOr<StoreInfo> Info() override { return inner_.Info(); }
  core::StatusOr<std::vector<AuditLeaf>> ReadAuditEntries(std::int64_t from, int limit) override {
    return inner_.ReadAuditEntries(from, limit);
  }
  core::StatusOr<std::int64_t> AuditLogSize() override { return inner_.AuditLogSize(); }
  core::StatusOr<std::vector<AuditLeaf>> QueryAudit(const AuditFilter& filter) override {
    return inner_.QueryAudit(filter);
  }
  core::StatusOr<std::vector<AuditCheckpoint>> ReadAuditCheckpoints(std::int64_t after_size,
                                                                    int limit) override {
    return inner_.ReadAuditCheckpoints(after_size, limit);
  }
  core::StatusOr<std::optional<AuditCheckpoint>> LatestAuditCheckpoint() override {
    return inner_.LatestAuditCheckpoint();
  }

  // The status every injected fault returns.
  static core::Status InjectedFault();

 private:
  friend class FaultInjectingTransaction;

  // Counts one mutating call; true when it is the one to fail.
  bool CountCallAndCheckFault();
  bool CheckCommitFault();

  Store& inner_;
  std::atomic<int> fail_at_{0};
  std::atomic<FaultTiming> timing_{FaultTiming::kBeforeCall};
  std::atomic<bool> fail_on_commit_{false};
  std::atomic<int> fail_children_after_{0};
  std::atomic<int> calls_{0};
  std::atomic<int> faults_{0};
};

}  // namespace cp::storage::testing

#endif  // CP_STORAGE_TESTING_FAULT_INJECTING_STORE_H_
