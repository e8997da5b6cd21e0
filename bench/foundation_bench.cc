// Foundation benchmarks: identifier validation and the embedded store's
// write/read paths. Figures feed the closing notes of issues; they never fail
// a build.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "domain/ids.h"
#include "domain/validation.h"
#include "storage/internal/record_json.h"
#include "storage/sqlite/sqlite_store.h"

namespace cp {
namespace {

void BM_ContactPointIdGenerate(benchmark::State& state) {
  core::SecureRandom random;
  for (auto _ : state) benchmark::DoNotOptimize(domain::ContactPointId::Generate(random));
}
BENCHMARK(BM_ContactPointIdGenerate);

void BM_ContactPointIdParse(benchmark::State& state) {
  core::SecureRandom random;
  const std::string text = domain::ContactPointId::Generate(random).ToString();
  for (auto _ : state) benchmark::DoNotOptimize(domain::ContactPointId::Parse(text));
}
BENCHMARK(BM_ContactPointIdParse);

void BM_NhsNumberValidate(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(domain::ValidateNhsNumber("nhs_number", "9434765919"));
  }
}
BENCHMARK(BM_NhsNumberValidate);

void BM_PostcodeNormalise(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(domain::NormalisePostcode("postcode", "ls14ab"));
}
BENCHMARK(BM_PostcodeNormalise);

domain::Child SampleChild() {
  domain::Child child;
  child.name = {domain::PersonalText("Amelia Rose"), domain::PersonalText("Smith")};
  child.other_names.push_back({domain::PersonalText("Amy"), domain::PersonalText("Jones")});
  child.gender = domain::Gender::kFemale;
  child.date_of_birth = core::Sensitive<domain::Date>(
      std::chrono::year{2015} / std::chrono::March / std::chrono::day{2});
  domain::Address address;
  address.lines = core::Sensitive<std::vector<std::string>>({"12 High Street", "Leeds"});
  address.postcode = domain::PersonalText("LS1 4AB");
  child.address = address;
  domain::Carer mother;
  mother.name = {domain::PersonalText("Jane"), domain::PersonalText("Smith")};
  mother.relationship = domain::Relationship::kMother;
  mother.parental_responsibility = true;
  mother.contact.phone = domain::PersonalText("0113 496 0000");
  child.carers.push_back(mother);
  domain::Involvement school;
  school.type = domain::ServiceType::kSchool;
  school.organisation.name = "Leeds Primary";
  school.organisation.code = "URN:107999";
  child.involvements.push_back(school);
  return child;
}

// A fresh SQLite store in its own temporary directory, removed afterwards.
class BenchStore {
 public:
  explicit BenchStore(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() /
             ("cp_bench_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
    auto store = storage::SqliteStore::Open((dir_ / "bench.db").string(), clock_);
    if (store.ok()) store_ = std::move(*store);
    else error_ = store.status().ToString();
  }
  ~BenchStore() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Null (and `error()` says why) when the store could not be opened.
  storage::SqliteStore* get() { return store_.get(); }
  const std::string& error() const { return error_; }

 private:
  std::filesystem::path dir_;
  core::SystemClock clock_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::string error_;
};

// Writes state.range(0) children per transaction (one batch slice).
void BM_SqlitePutChildren(benchmark::State& state) {
  BenchStore bench("put");
  if (bench.get() == nullptr) {
    state.SkipWithError(bench.error().c_str());
    return;
  }
  core::SecureRandom random;
  domain::Child child = SampleChild();
  const int per_tx = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto tx = bench.get()->Begin(storage::TxMode::kReadWrite);
    for (int i = 0; i < per_tx; ++i) {
      child.id = *(*tx)->AllocateChildId(random);
      if (!(*tx)->PutChild(child).ok()) state.SkipWithError("PutChild failed");
    }
    if (!(*tx)->Commit().ok()) state.SkipWithError("Commit failed");
  }
  state.SetItemsProcessed(state.iterations() * per_tx);
}
BENCHMARK(BM_SqlitePutChildren)->Arg(1)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_SqliteGetChild(benchmark::State& state) {
  BenchStore bench("get");
  if (bench.get() == nullptr) {
    state.SkipWithError(bench.error().c_str());
    return;
  }
  core::SecureRandom random;
  std::vector<domain::ContactPointId> ids;
  {
    auto tx = bench.get()->Begin(storage::TxMode::kReadWrite);
    domain::Child child = SampleChild();
    for (int i = 0; i < 10000; ++i) {
      child.id = *(*tx)->AllocateChildId(random);
      (void)(*tx)->PutChild(child);
      ids.push_back(child.id);
    }
    (void)(*tx)->Commit();
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto tx = bench.get()->Begin(storage::TxMode::kReadOnly);
    benchmark::DoNotOptimize((*tx)->GetChild(ids[i++ % ids.size()]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SqliteGetChild)->Unit(benchmark::kMicrosecond);

// Decoding a stored source record's view of its child (the loading thread of
// a feed load decodes every current record of each candidate child it reads
// from the store).
void BM_DecodeStoredChild(benchmark::State& state) {
  auto json = storage::internal::EncodeChildJson(SampleChild());
  if (!json.ok()) {
    state.SkipWithError(json.status().ToString().c_str());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(storage::internal::DecodeChildJson(*json));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(json->size()));
}
BENCHMARK(BM_DecodeStoredChild);

}  // namespace
}  // namespace cp

BENCHMARK_MAIN();
