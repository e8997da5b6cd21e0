// Audit trail benchmarks: durable appends (one transaction per event, and
// batched commits) and streaming verification of a whole log. Targets
// (DESIGN.md): >= 10,000 durable appends/s on 2 cores; 10 M entries verified
// in <= 60 s. Figures feed the issue notes; they never fail a build.
//
// BM_AuditVerify runs on 1 M generated entries; set CP_AUDIT_BENCH_ENTRIES
// (e.g. 10000000) for another size. Rates are wall-clock (UseRealTime): a
// durable commit waits for fsync, which CPU time does not see. The store is generated once per
// process in a temporary directory and removed at exit.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/signing.h"
#include "core/clock.h"
#include "core/random.h"
#include "storage/sqlite/sqlite_store.h"

namespace cp {
namespace {

namespace fs = std::filesystem;

// A scratch directory for this process's stores, removed at exit.
const fs::path& BenchDir() {
  static const fs::path* dir = [] {
    auto* d =
        new fs::path(fs::temp_directory_path() / ("cp_audit_bench_" + std::to_string(::getpid())));
    fs::create_directories(*d);
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(BenchDir(), ignored);
    });
    return d;
  }();
  return *dir;
}

// A typical event: a practitioner viewing one child for a stated reason.
audit::Event SampleEvent(std::uint64_t n) {
  core::SeededRandom random(n % 100'000 + 1);
  audit::Event e;
  e.actor = audit::Principal{audit::PrincipalKind::kUser, "user-" + std::to_string(n % 5000),
                             "practitioner", "la-" + std::to_string(n % 150)};
  e.action = audit::Action::kViewRecord;
  e.children = {domain::ContactPointId::Generate(random)};
  e.reason = "child_protection";
  return e;
}

// A fresh store with a signing key; checkpoints every 10,000 entries.
struct Log {
  core::SystemClock clock;
  std::unique_ptr<storage::SqliteStore> store;
  std::unique_ptr<audit::SigningKey> key;
  std::unique_ptr<audit::AuditLog> log;
};

std::unique_ptr<Log> NewLog(const std::string& name) {
  auto log = std::make_unique<Log>();
  const std::string path = (BenchDir() / (name + ".db")).string();
  auto store = storage::SqliteStore::Open(path, log->clock);
  if (!store.ok()) return nullptr;
  log->store = std::move(*store);
  log->key = std::make_unique<audit::SigningKey>(audit::SigningKey::Generate());
  log->log = std::make_unique<audit::AuditLog>(*log->store, log->clock, log->key.get());
  return log;
}

// One durable transaction (fsync) per event: the worst case.
void BM_AuditAppendSingle(benchmark::State& state) {
  static int run = 0;
  auto log = NewLog("single-" + std::to_string(run++));
  if (log == nullptr) {
    state.SkipWithError("cannot open the store");
    return;
  }
  std::uint64_t n = 0;
  for (auto _ : state) {
    if (!log->log->Append(SampleEvent(n++)).ok()) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AuditAppendSingle)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime();

// state.range(0) events per durable commit.
void BM_AuditAppendBatched(benchmark::State& state) {
  static int run = 0;
  auto log = NewLog("batched-" + std::to_string(run++));
  if (log == nullptr) {
    state.SkipWithError("cannot open the store");
    return;
  }
  const auto per_batch = static_cast<std::size_t>(state.range(0));
  std::vector<audit::Event> batch;
  std::uint64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    batch.clear();
    for (std::size_t i = 0; i < per_batch; ++i) batch.push_back(SampleEvent(n++));
    state.ResumeTiming();
    if (!log->log->AppendBatch(batch).ok()) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(per_batch));
}
BENCHMARK(BM_AuditAppendBatched)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

std::int64_t VerifyEntries() {
  const char* env = std::getenv("CP_AUDIT_BENCH_ENTRIES");
  return env != nullptr ? std::atoll(env) : 1'000'000;
}

// The log to verify, generated once per process (batched appends, then a
// final checkpoint so every entry is covered).
Log* VerifyLog() {
  static Log* log = [] {
    auto made = NewLog("verify");
    if (made == nullptr) return static_cast<Log*>(nullptr);
    const std::int64_t total = VerifyEntries();
    std::vector<audit::Event> batch;
    for (std::int64_t done = 0; done < total;) {
      batch.clear();
      const std::int64_t n = std::min<std::int64_t>(10'000, total - done);
      for (std::int64_t i = 0; i < n; ++i) {
        batch.push_back(SampleEvent(static_cast<std::uint64_t>(done + i)));
      }
      if (!made->log->AppendBatch(batch).ok()) return static_cast<Log*>(nullptr);
      done += n;
    }
    if (!made->log->Checkpoint().ok()) return static_cast<Log*>(nullptr);
    return made.release();
  }();
  return log;
}

void BM_AuditVerify(benchmark::State& state) {
  Log* log = VerifyLog();
  if (log == nullptr) {
    state.SkipWithError("cannot generate the log");
    return;
  }
  std::int64_t entries = 0;
  for (auto _ : state) {
    auto report = audit::VerifyLog(*log->store, log->key->public_key());
    if (!report.ok()) {
      state.SkipWithError(report.status().ToString().c_str());
      return;
    }
    entries = report->entries;
  }
  state.SetItemsProcessed(state.iterations() * entries);
  state.counters["entries"] = static_cast<double>(entries);
}
BENCHMARK(BM_AuditVerify)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace cp

BENCHMARK_MAIN();
