// Synthetic England throughput: children per second for the population model
// alone, for the population rendered into every source's records, and for the
// whole run written to files. Figures feed the closing notes of issues; they
// never fail a build.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "synth/population.h"
#include "synth/sources.h"
#include "synth/synth.h"

namespace cp {
namespace {

const synth::ReferenceData* Data() {
  static const synth::ReferenceData* data = [] {
    auto loaded = synth::ReferenceData::Load(CP_SYNTH_BENCH_DATA_DIR);
    return loaded.ok() ? loaded->release() : nullptr;
  }();
  return data;
}

void BM_SynthPopulation(benchmark::State& state) {
  if (Data() == nullptr) return state.SkipWithError("synthetic data folder missing");
  synth::Rates rates;
  synth::PopulationGenerator population(*Data(), rates, 1, synth::kDefaultAsOf, 1'000'000);
  std::uint64_t children = 0;
  for (auto _ : state) {
    synth::Household h = population.Next(10);
    children += h.children.size();
    benchmark::DoNotOptimize(h);
  }
  state.counters["children/s"] =
      benchmark::Counter(static_cast<double>(children), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SynthPopulation);

// Counts records without writing them.
class CountingSink final : public synth::RecordSink {
 public:
  core::Status Write(synth::SourceKind, const synth::FeedRecord& record,
                     const synth::Person&) override {
    line_.clear();
    synth::AppendRecordLine(record, line_);
    bytes_ += line_.size();
    ++records_;
    return core::Status::Ok();
  }
  std::uint64_t records_ = 0;
  std::uint64_t bytes_ = 0;
  std::string line_;
};

void BM_SynthRenderRecords(benchmark::State& state) {
  if (Data() == nullptr) return state.SkipWithError("synthetic data folder missing");
  synth::Rates rates;
  synth::PopulationGenerator population(*Data(), rates, 1, synth::kDefaultAsOf, 1'000'000);
  synth::SourceRenderer renderer(population, 1);
  CountingSink sink;
  std::uint64_t children = 0;
  for (auto _ : state) {
    const synth::Household h = population.Next(10);
    children += h.children.size();
    if (!renderer.Render(h, sink).ok()) state.SkipWithError("render failed");
  }
  state.counters["children/s"] =
      benchmark::Counter(static_cast<double>(children), benchmark::Counter::kIsRate);
  state.counters["records/child"] =
      static_cast<double>(sink.records_) / static_cast<double>(children);
  state.SetBytesProcessed(static_cast<std::int64_t>(sink.bytes_));
}
BENCHMARK(BM_SynthRenderRecords);

// A whole run of state.range(0) children to files (batches, truth, people).
void BM_SynthGenerateFiles(benchmark::State& state) {
  if (Data() == nullptr) return state.SkipWithError("synthetic data folder missing");
  const auto dir =
      std::filesystem::temp_directory_path() / ("cp_synth_bench_" + std::to_string(::getpid()));
  synth::Options options;
  options.children = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    auto summary = synth::Generate(*Data(), options, dir);
    if (!summary.ok()) state.SkipWithError(summary.status().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["children/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SynthGenerateFiles)->Arg(20000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cp

BENCHMARK_MAIN();
