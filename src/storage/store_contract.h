// The Store contract suite: every behaviour store.h promises, written once
// against the Store interface and run against every backend.
//
// A backend joins with one test file that describes how to make its stores
// and instantiates the suite, e.g. for SQLite (sqlite/sqlite_store_test.cc):
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
//                            ::testing::Values(SqliteStoreFactory()),
//                            StoreFactoryName);
//
// PostgreSQL will add postgres/postgres_store_pgtest.cc doing the same. The
// suite covers every Store operation including its failure paths, rollback
// of dropped transactions, the change log's ordering guarantees, a second
// connection's view, concurrent transactions, and fault injection
// (testing/fault_injecting_store.h) at every write of a unit of work.
//
// Test-only: links GoogleTest. The builders and assertion helpers below are
// shared with the backends' own tests.
#ifndef CP_STORAGE_STORE_CONTRACT_H_
#define CP_STORAGE_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "domain/ids.h"
#include "domain/model.h"
#include "storage/store.h"

namespace cp::storage {

// How the suite gets stores of one backend.
struct StoreFactory {
  // The backend's name in test names: letters and digits only.
  std::string name;
  // A new, empty store with a database of its own. Reports a failure through
  // GoogleTest and returns null when it cannot make one.
  std::function<std::unique_ptr<Store>(const core::Clock&)> make;
  // A second, independent connection to the database behind `store` (a store
  // `make` returned), as another process would open it.
  std::function<std::unique_ptr<Store>(Store& store, const core::Clock&)> connect;
};

void PrintTo(const StoreFactory& factory, std::ostream* os);
std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info);

// The fixture: a fresh store per test on a fake clock.
class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  StoreContractTest();
  void SetUp() override;

  // Allocates an ID (drawn from `random`), puts `child` under it and commits.
  domain::ContactPointId CreateChild(core::Random& random, domain::Child child);
  // Same, with a minimal child and a scripted draw of `value`.
  domain::ContactPointId CreateChild(std::uint64_t value);
  // Puts `record` and commits.
  void CreateSourceRecord(const SourceRecord& record);
  // Every change-log entry.
  std::vector<Change> AllChanges(Store& store);

  core::FakeClock clock_;
  std::unique_ptr<Store> store_;
};

namespace contract {

// A child with every field set, several aliases (with non-ASCII names),
// carers and involvements with every optional part present.
domain::Child FullChild(domain::ContactPointId id);
// A child with only the required fields.
domain::Child MinimalChild(domain::ContactPointId id);
// A linked source record for `child` with data and events fully populated.
SourceRecord FullSourceRecord(std::string source, std::string key,
                              std::optional<domain::ContactPointId> child);

// The record as "path=value" lines, for readable comparisons in tests only
// (reveals the synthetic personal data of test records).
std::vector<std::string> DescribeForTest(const domain::Child& child);
std::vector<std::string> DescribeForTest(const SourceRecord& record);

// Succeeds when both are equal; otherwise names the fields that differ.
::testing::AssertionResult SameChild(const domain::Child& want, const domain::Child& got);
::testing::AssertionResult SameSourceRecord(const SourceRecord& want, const SourceRecord& got);

inline ::testing::AssertionResult IsOk(const core::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status.ToString();
}
template <typename T>
::testing::AssertionResult IsOk(const core::StatusOr<T>& status_or) {
  return IsOk(status_or.status());
}

// Succeeds when `status` failed with `code`.
::testing::AssertionResult HasCode(const core::Status& status, core::ErrorCode code);
template <typename T>
::testing::AssertionResult HasCode(const core::StatusOr<T>& status_or, core::ErrorCode code) {
  if (status_or.ok()) {
    return ::testing::AssertionFailure() << "succeeded; expected " << core::ErrorCodeName(code);
  }
  return HasCode(status_or.status(), code);
}

}  // namespace contract

void PrintTo(const Change& change, std::ostream* os);
void PrintTo(const StoreInfo& info, std::ostream* os);
void PrintTo(LinkState state, std::ostream* os);
void PrintTo(ChangeKind kind, std::ostream* os);

}  // namespace cp::storage

// ASSERT that a Status or StatusOr is OK, printing the error otherwise.
#define CP_ASSERT_OK(expr) ASSERT_TRUE(::cp::storage::contract::IsOk(expr))
#define CP_EXPECT_OK(expr) EXPECT_TRUE(::cp::storage::contract::IsOk(expr))

// `CP_ASSERT_OK_AND_ASSIGN(auto x, MakeX());` in a test body.
#define CP_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  CP_ASSERT_OK_AND_ASSIGN_IMPL(CP_STATUS_CONCAT(cp_contract_or_, __LINE__), lhs, expr)
#define CP_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr)                  \
  auto tmp = (expr);                                                  \
  ASSERT_TRUE(::cp::storage::contract::IsOk(tmp.status()));           \
  lhs = std::move(tmp).value()

#endif  // CP_STORAGE_STORE_CONTRACT_H_
