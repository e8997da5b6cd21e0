// Feed parsing and validation throughput (issue: data supply target
// >= 200,000 records/s on one core). Measures LineParser alone on in-memory
// lines, and CheckBatchFile reading a plain and a gzip batch from disk.
#include <cstdio>
#include <cstdlib>
#include <benchmark/benchmark.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/random.h"
#include "ingest/check.h"
#include "ingest/loader.h"
#include "ingest/parser.h"
#include "storage/sqlite/sqlite_store.h"
#include "synth/identifiers.h"

namespace cp::ingest {
namespace {

constexpr const char* kHeader =
    R"({"contactpoint_feed": 1, "source": "dcsf-census", "batch": "b1", "extracted_at": "2026-11-21T02:00:00Z", "mode": "delta"})";

// A realistic school-census-like record (~850 bytes). Record i is a child
// of its own, as a real feed's new records are: 20 given names x 20 family
// names x 5,712 dates of birth (2008-2024), spread so that records sharing
// names are born years apart and the few sharing a date of birth (5,712
// apart) have other names; every NHS number and UPN differs. (Blocks of
// look-alike children are the matcher tests' business.)
std::string Record(int i) {
  static const char* kGiven[] = {"Amelia Rose", "Oliver", "Isla",   "Noah James", "Ava",
                                 "Leo",         "Freya",  "Arthur", "Ivy Grace",  "Muhammad",
                                 "Olivia",      "George", "Lily",   "Harry",      "Sophia",
                                 "Jack Thomas", "Mia",    "Oscar",  "Evie",       "Theo"};
  static const char* kFamily[] = {"Smith",  "Jones",    "Taylor",    "Brown",  "Williams",
                                  "O'Neill", "Patel",   "Evans",     "Walker", "Wright",
                                  "Thompson", "Hughes", "Khan",      "Green",  "Hall",
                                  "Wood",   "Clarke",   "Lloyd-Owen", "Begum", "Murphy"};
  const int d = (i * 5) % 5712;
  char dob[11];
  std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", 2008 + d % 17, 1 + (d / 17) % 12,
                1 + (d / 204) % 28);
  static const char* kCarer[] = {"Jane", "Sarah", "Michael", "Aisha", "David", "Emma", "Tom"};
  static constexpr char kUnitLetters[] = "ABDEFGHJLNPQRSTUWXYZ";
  const std::string postcode = "LS" + std::to_string(1 + i % 28) + " " +
                               std::to_string((i / 28) % 10) + kUnitLetters[(i / 280) % 20] +
                               kUnitLetters[(i / 5600) % 20];
  char phone[16];
  std::snprintf(phone, sizeof phone, "0113 496 0%03d", i % 1000);
  const auto u = static_cast<std::uint64_t>(i);
  return std::string(R"({"key": "K-)") + std::to_string(i) + R"(", "op": "upsert", "child": {"given_names": ")" +
         kGiven[i % 20] + R"(", "family_name": ")" + kFamily[(i / 20) % 20] +
         R"(", "other_names": [], "gender": "female", "date_of_birth": ")" +
         dob + R"(", "address": {"lines": [")" + std::to_string(1 + i % 97) +
         R"( High Street", "Leeds"], "postcode": ")" + postcode +
         R"("}, "identifiers": {"nhs_number": ")" + synth::SyntheticNhsNumber(u) +
         R"(", "upn": ")" + synth::SyntheticUpn(383, u) +
         R"("}, "date_of_death": null}, "carers": [{"given_names": ")" + kCarer[i % 7] +
         R"(", "family_name": ")" + kFamily[(i / 20) % 20] +
         R"(", "relationship": "mother", "parental_responsibility": true, "phone": ")" +
         phone +
         R"(", "email": null, "address": null}], "services": [{"type": "school", "organisation": {"name": "Leeds Primary", "code": "URN:107999", "phone": "0113 496 0001", "email": null, "address": {"lines": ["1 School Lane", "Leeds"], "postcode": "LS2 9JT"}}, "practitioner": null, "start": "2020-09-01", "end": null, "lead_professional": false, "caf_holder": false, "sensitive_consent": null}], "events": []})";
}

void BM_ParseRecord(benchmark::State& state) {
  LineParser parser;
  const BatchHeader header = *parser.ParseHeader(kHeader);
  std::vector<std::string> lines;
  for (int i = 0; i < 1000; ++i) lines.push_back(Record(i));
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& line = lines[i++ % lines.size()];
    auto result = parser.ParseRecord(line, 2, header);
    if (!std::holds_alternative<FeedRecord>(result)) state.SkipWithError("record rejected");
    bytes += line.size();
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_ParseRecord);

void BM_CheckBatchFile(benchmark::State& state) {
  const bool gzip = state.range(0) == 1;
  const int n = 100000;
  const auto path = std::filesystem::temp_directory_path() /
                    ("cp_ingest_bench_" + std::to_string(::getpid()) + (gzip ? ".jsonl.gz" : ".jsonl"));
  std::string content = std::string(kHeader) + "\n";
  for (int i = 0; i < n; ++i) content += Record(i) + "\n";
  if (gzip) {
    gzFile f = gzopen(path.c_str(), "wb6");
    gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary) << content;
  }
  for (auto _ : state) {
    auto summary = CheckBatchFile(
        path.string(), [](FeedRecord&&) { return core::Status::Ok(); }, [](const Rejection&, std::string_view) {});
    if (!summary.ok() || summary->accepted != n) state.SkipWithError("check failed");
  }
  state.SetItemsProcessed(state.iterations() * n);
  std::filesystem::remove(path);
}
BENCHMARK(BM_CheckBatchFile)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// A batch of `source` with `n` records: Record(0) to Record(n - 1).
void WriteBatch(const std::filesystem::path& path, const std::string& source, int n) {
  std::ofstream out(path, std::ios::binary);
  out << R"({"contactpoint_feed": 1, "source": ")" << source
      << R"(", "batch": "b1", "extracted_at": "2026-11-21T02:00:00Z", "mode": "delta"})" << "\n";
  for (int i = 0; i < n; ++i) out << Record(i) << "\n";
}

// One Linker for every load of the run (loading its name tables takes a
// while); each new store makes it rebuild its index at the first load.
Linker& SharedLinker() {
  static Linker* linker = [] {
    auto loaded = Linker::Load(CP_LINKAGE_BENCH_DATA_DIR);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
      std::abort();
    }
    return loaded->release();
  }();
  return *linker;
}

// A new store at `path` with the active sources `ids`.
std::unique_ptr<storage::SqliteStore> NewStore(const std::filesystem::path& path,
                                               const core::Clock& clock,
                                               const std::vector<std::string>& ids) {
  auto store = storage::SqliteStore::Open(path.string(), clock);
  if (!store.ok()) return nullptr;
  auto tx = (*store)->Begin(storage::TxMode::kReadWrite);
  for (const std::string& id : ids) {
    storage::SourceEntry source;
    source.id = domain::SourceId(id);
    source.name = "bench";
    source.state = domain::SourceState::kActive;
    (void)(*tx)->PutSource(source);
  }
  (void)(*tx)->Commit();
  return std::move(*store);
}

// Where a timed load's time went, per record, as counters beside the
// throughput (LoadTimings): microseconds of each thread's CPU, the commit,
// and the loading thread's waits for the writer.
void ReportTimings(benchmark::State& state, const LoadTimings& t, int n) {
  const auto per_record = [n](core::Seconds s) { return s.count() * 1e6 / n; };
  state.counters["read_us"] = per_record(t.reading_cpu);
  state.counters["match_us"] = per_record(t.matching_cpu);
  state.counters["write_us"] = per_record(t.writing_cpu);
  state.counters["apply_us"] = per_record(t.applying);  // wall time until every record was written
  state.counters["commit_us"] = per_record(t.committing);
  state.counters["wait_us"] = per_record(t.writer_call_wait + t.writer_queue_wait);
}

// Closes the store a load used, outside the timed region: a load ends when
// its receipt is durable; closing the store then (as `feed load` does on
// exit, and a server does not) finishes the background checkpoint and runs
// SQLite's last one. Reported apart as close_us, per record.
void CloseUntimed(benchmark::State& state, std::unique_ptr<storage::SqliteStore>& store,
                  std::optional<audit::AuditLog>& log, std::optional<BatchLoader>& loader,
                  int n) {
  state.PauseTiming();
  const core::Seconds closing = core::MonotonicNow();
  loader.reset();
  log.reset();
  store.reset();
  state.counters["close_us"] = (core::MonotonicNow() - closing).count() * 1e6 / n;
  state.ResumeTiming();
}

// End to end: parse, validate, match (the Linker), write children, source
// records, receipt and audit event in one transaction; one child per record.
void BM_LoadBatch(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cp_load_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto batch = dir / "batch.jsonl";
  WriteBatch(batch, "nhs-pds", n);
  core::SystemClock clock;
  core::SecureRandom random;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = NewStore(dir / ("store" + std::to_string(round++) + ".db"), clock, {"nhs-pds"});
    if (store == nullptr) {
      state.SkipWithError("cannot open the store");
      break;
    }
    std::optional<audit::AuditLog> log(std::in_place, *store, clock);
    SharedLinker().Invalidate();
    std::optional<BatchLoader> loader(std::in_place, *store, *log, clock, random, SharedLinker());
    state.ResumeTiming();
    auto result = loader->LoadFile(domain::SourceId("nhs-pds"), batch.string());
    // Every record a new child: anything else measures another workload.
    if (!result.ok() || result->receipt.created != n) {
      state.SkipWithError("load failed");
      break;
    }
    ReportTimings(state, result->timings, n);
    CloseUntimed(state, store, log, loader, n);
  }
  state.SetItemsProcessed(state.iterations() * n);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_LoadBatch)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();

// End to end when every record links to a child another source created: the
// second source's batch is timed (each record is matched to a child and its
// child's best view rebuilt from both sources).
void BM_LinkBatch(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cp_link_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto first = dir / "first.jsonl";
  const auto second = dir / "second.jsonl";
  WriteBatch(first, "nhs-pds", n);
  WriteBatch(second, "dcsf-census", n);
  core::SystemClock clock;
  core::SecureRandom random;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = NewStore(dir / ("store" + std::to_string(round++) + ".db"), clock,
                          {"nhs-pds", "dcsf-census"});
    if (store == nullptr) {
      state.SkipWithError("cannot open the store");
      break;
    }
    std::optional<audit::AuditLog> log(std::in_place, *store, clock);
    SharedLinker().Invalidate();
    std::optional<BatchLoader> loader(std::in_place, *store, *log, clock, random, SharedLinker());
    auto created = loader->LoadFile(domain::SourceId("nhs-pds"), first.string());
    if (!created.ok() || created->receipt.accepted != n) {
      state.SkipWithError("the first load failed");
      break;
    }
    state.ResumeTiming();
    auto result = loader->LoadFile(domain::SourceId("dcsf-census"), second.string());
    // Every record linked to the first source's child.
    if (!result.ok() || result->receipt.linked != n) {
      state.SkipWithError("load failed");
      break;
    }
    ReportTimings(state, result->timings, n);
    CloseUntimed(state, store, log, loader, n);
  }
  state.SetItemsProcessed(state.iterations() * n);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_LinkBatch)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace cp::ingest

BENCHMARK_MAIN();
