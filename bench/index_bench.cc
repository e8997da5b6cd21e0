// Candidate index benchmarks on Synthetic England (tools/synth): for 100k and
// 1M children (CP_INDEX_BENCH_SIZES=100000,1000000,3000000 adds a scaling
// point), the time to build the index from LinkageRecords (the start-up
// rebuild), its resident bytes per child, Candidates() latency (p50/p99 as
// counters) and candidate-list size, the whole Matcher decision per record
// (BM_Match, p50/p99), and blocking recall.
//
// Each person of the synthetic population is indexed once, as a best view
// would hold them: the NHS PDS record (else GRO's, else the first), with the
// identifiers the person's other records carry; every
// other current record of a sampled person (one in kSampleEvery) is a probe,
// as a feed record from another source would be. Records withdrawn in the same
// batch (the pre-adoption identity) are left out: they must never be linked.
//   recall          share of probes whose person comes back from Candidates()
//   recall_no_ids   the same with the identifier keys switched off (a local
//                   source without NHS number, UPN or ULN)
//   pair_recall     share of pairs of one person's records (indexed record and
//                   probes, all pairs) whose stored keys intersect, without the
//                   probe-side expansions: the keys' own coverage
// Figures feed docs/index.md; they never fail a build.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/random.h"
#include "domain/ids.h"
#include "index/blocking_keys.h"
#include "index/candidate_index.h"
#include "linkage/comparator.h"
#include "linkage/linkage_data.h"
#include "linkage/normalise.h"
#include "linkage/record.h"
#include "matching/matcher.h"
#include "synth/population.h"
#include "synth/sources.h"
#include "synth/synth.h"

namespace cp {
namespace {

constexpr std::uint64_t kSampleEvery = 10;  // persons whose other records are probes

std::size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  std::size_t resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

struct Probe {
  linkage::LinkageRecord record;
  std::uint32_t person = 0;  // index into Population::indexed
  synth::SourceKind source = synth::SourceKind::kNhsPds;
};

struct Population {
  std::vector<index::IndexEntry> indexed;  // one per person
  std::vector<Probe> probes;
  double generate_seconds = 0;
};

// Collects one household's current upserts, per person.
class HouseholdSink final : public synth::RecordSink {
 public:
  struct Kept {
    synth::SourceKind source;
    domain::Child child;
    std::uint64_t person;
  };
  core::Status Write(synth::SourceKind source, const synth::FeedRecord& record,
                     const synth::Person& person) override {
    const std::string key = std::string(synth::SourceName(source)) + "/" + record.key;
    if (record.op == synth::FeedRecord::Op::kWithdraw) {
      records_.erase(key);
    } else {
      records_[key] = Kept{source, record.child, person.index};
    }
    return core::Status::Ok();
  }
  std::map<std::string, Kept> records_;
};

struct Linkage {
  std::unique_ptr<linkage::NameNormaliser> normaliser;
  linkage::LinkageData data;
  std::unique_ptr<linkage::RecordBuilder> builder;
};

const Linkage* LinkageParts() {
  static const Linkage* parts = []() -> const Linkage* {
    auto normaliser = linkage::NameNormaliser::Create();
    auto data = linkage::LoadLinkageData(CP_INDEX_BENCH_LINKAGE_DIR);
    if (!normaliser.ok() || !data.ok()) return nullptr;
    auto* built = new Linkage{std::move(*normaliser), std::move(*data), nullptr};
    // As the Linker builds them (term frequencies, established names), so
    // that BM_Match scores as a load does.
    built->builder = std::make_unique<linkage::RecordBuilder>(
        *built->normaliser, built->data.given_name_variants, built->data.family_name_variants,
        &built->data.given_name_frequencies, &built->data.family_name_frequencies,
        &built->data.known_given_names);
    return built;
  }();
  return parts;
}

const synth::ReferenceData* SynthData() {
  static const synth::ReferenceData* data = [] {
    auto loaded = synth::ReferenceData::Load(CP_INDEX_BENCH_SYNTH_DIR);
    return loaded.ok() ? loaded->release() : nullptr;
  }();
  return data;
}

int Preference(synth::SourceKind source) {
  switch (source) {
    case synth::SourceKind::kNhsPds:
      return 0;
    case synth::SourceKind::kGroBirths:
      return 1;
    default:
      return 2;
  }
}

std::unique_ptr<Population> Generate(std::uint64_t children) {
  const auto start = std::chrono::steady_clock::now();
  const Linkage& parts = *LinkageParts();
  auto population = std::make_unique<Population>();
  synth::Rates rates;
  synth::PopulationGenerator generator(*SynthData(), rates, 1, synth::kDefaultAsOf, children);
  synth::SourceRenderer renderer(generator, 1);
  core::SeededRandom ids(7);
  std::unordered_set<std::uint64_t> issued;
  population->indexed.reserve(children);
  std::uint64_t done = 0;
  while (done < children) {
    const synth::Household household = generator.Next(std::min<std::uint64_t>(10, children - done));
    done += household.children.size();
    HouseholdSink sink;
    if (!renderer.Render(household, sink).ok()) return nullptr;
    std::map<std::uint64_t, std::vector<const HouseholdSink::Kept*>> by_person;
    for (const auto& [key, kept] : sink.records_) by_person[kept.person].push_back(&kept);
    for (auto& [person, records] : by_person) {
      std::stable_sort(records.begin(), records.end(), [](const auto* a, const auto* b) {
        return Preference(a->source) < Preference(b->source);
      });
      const auto slot = static_cast<std::uint32_t>(population->indexed.size());
      // The best view: the preferred record, with the identifiers the other
      // sources know (UPN and ULN come from the school census).
      domain::Child best = records.front()->child;
      for (const HouseholdSink::Kept* other : records) {
        const domain::Identifiers& known = other->child.identifiers;
        if (!best.identifiers.nhs_number && known.nhs_number) {
          best.identifiers.nhs_number = known.nhs_number;
        }
        if (!best.identifiers.upn && known.upn) best.identifiers.upn = known.upn;
        if (!best.identifiers.uln && known.uln) best.identifiers.uln = known.uln;
      }
      // Random IDs collide now and then (as the store's would, which redraws).
      domain::ContactPointId id = domain::ContactPointId::Generate(ids);
      while (!issued.insert(id.number()).second) id = domain::ContactPointId::Generate(ids);
      population->indexed.push_back(index::IndexEntry{id, parts.builder->Build(best)});
      if (person % kSampleEvery != 0) continue;
      for (std::size_t i = 1; i < records.size(); ++i) {
        population->probes.push_back(
            Probe{parts.builder->Build(records[i]->child), slot, records[i]->source});
      }
    }
  }
  population->generate_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "[index_bench] %llu children: %zu indexed, %zu probes, %.1f s to generate\n",
               static_cast<unsigned long long>(children), population->indexed.size(),
               population->probes.size(), population->generate_seconds);
  return population;
}

const Population* PopulationOf(std::uint64_t children) {
  static std::map<std::uint64_t, std::unique_ptr<Population>> cache;
  auto& slot = cache[children];
  if (slot == nullptr) slot = Generate(children);
  return slot.get();
}

// How BM_Build loads: one Upsert per child, growing the tables as it goes;
// the same after Reserve; UpsertBatch in chunks of kChunk after Reserve (the
// start-up rebuild, reading the store a chunk at a time).
enum class LoadMode { kUpsert = 0, kReserveUpsert = 1, kReserveBatch = 2 };
constexpr std::size_t kChunk = 10'000;

void Check(const core::Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "[index_bench] %s\n", status.ToString().c_str());
  std::abort();
}

std::unique_ptr<index::CandidateIndex> Load(const Population& population, LoadMode mode) {
  const std::vector<index::IndexEntry>& entries = population.indexed;
  auto index = std::make_unique<index::CandidateIndex>();
  if (mode != LoadMode::kUpsert) index->Reserve(entries.size());
  if (mode == LoadMode::kReserveBatch) {
    for (std::size_t i = 0; i < entries.size(); i += kChunk) {
      const std::size_t n = std::min(kChunk, entries.size() - i);
      Check(index->UpsertBatch(std::span(entries).subspan(i, n)));
    }
    return index;
  }
  for (const index::IndexEntry& entry : entries) Check(index->Upsert(entry.child, entry.record));
  return index;
}

// The built index per size, for the query benchmarks.
const index::CandidateIndex* IndexOf(std::uint64_t children) {
  static std::map<std::uint64_t, std::unique_ptr<index::CandidateIndex>> cache;
  auto& slot = cache[children];
  if (slot == nullptr) {
    slot = Load(*PopulationOf(children), LoadMode::kReserveBatch);
    const auto kinds = slot->KeyStats();
    std::fprintf(stderr, "[index_bench] %llu children, blocks by kind:\n",
                 static_cast<unsigned long long>(children));
    std::fprintf(stderr, "  %-16s %10s %10s %8s %8s\n", "kind", "keys", "postings", "largest",
                 ">512");
    for (std::size_t k = 0; k < index::kKeyKindCount; ++k) {
      std::fprintf(stderr, "  %-16s %10zu %10zu %8u %8zu\n",
                   std::string(index::KeyKindName(static_cast<index::KeyKind>(k))).c_str(),
                   kinds[k].keys, kinds[k].postings, kinds[k].largest_block,
                   kinds[k].blocks_over_512);
    }
  }
  return slot.get();
}

bool Ready(benchmark::State& state) {
  if (SynthData() == nullptr) {
    state.SkipWithError("synthetic data folder missing");
    return false;
  }
  if (LinkageParts() == nullptr) {
    state.SkipWithError("linkage data folder missing");
    return false;
  }
  if (PopulationOf(static_cast<std::uint64_t>(state.range(0))) == nullptr) {
    state.SkipWithError("synthetic population failed");
    return false;
  }
  return true;
}

// Building the whole index from LinkageRecords, as at start-up; range(1) is
// the LoadMode.
void BM_Build(benchmark::State& state) {
  if (!Ready(state)) return;
  const Population& population = *PopulationOf(static_cast<std::uint64_t>(state.range(0)));
  const auto mode = static_cast<LoadMode>(state.range(1));
  const double children = static_cast<double>(population.indexed.size());
  index::IndexStats stats;
  double resident = 0;
  for (auto _ : state) {
    ::malloc_trim(0);
    const std::size_t before = ResidentBytes();
    std::unique_ptr<index::CandidateIndex> index = Load(population, mode);
    ::malloc_trim(0);  // count what the index holds, not freed scratch space
    resident = static_cast<double>(ResidentBytes() - before);
    stats = index->Stats();
    state.PauseTiming();
    index.reset();
    state.ResumeTiming();
  }
  state.counters["children/s"] = benchmark::Counter(
      children * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["rss_B/child"] = resident / children;
  state.counters["held_B/child"] = static_cast<double>(stats.memory.total()) / children;
  state.counters["rows_B/child"] =
      static_cast<double>(stats.memory.rows + stats.memory.row_tails) / children;
  state.counters["keys_B/child"] =
      static_cast<double>(stats.memory.directory + stats.memory.posting_lists) / children;
  state.counters["keys/child"] = static_cast<double>(stats.distinct_keys) / children;
  state.counters["postings/child"] = static_cast<double>(stats.postings) / children;
  state.counters["names"] = static_cast<double>(stats.given_names + stats.family_names);
  state.counters["tail_words/child"] = static_cast<double>(stats.tail_words) / children;
  state.counters["list_words/child"] = static_cast<double>(stats.list_words) / children;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

// One Candidates() call per iteration over the probes in turn. range(1):
// 0 default options; 1 also rebuilds every candidate's LinkageRecord with
// Lookup(), the matcher's whole index-side cost before scoring; 2 without
// swapped names; 3 without name variants (max_name_variants = 1).
void BM_Candidates(benchmark::State& state) {
  if (!Ready(state)) return;
  const Population& population = *PopulationOf(static_cast<std::uint64_t>(state.range(0)));
  const index::CandidateIndex& index = *IndexOf(static_cast<std::uint64_t>(state.range(0)));
  const bool lookup = state.range(1) == 1;
  index::CandidateOptions options;
  if (state.range(1) == 2) options.swapped_names = false;
  if (state.range(1) == 3) options.max_name_variants = 1;
  std::vector<double> micros;
  std::vector<double> sizes;
  micros.reserve(1 << 20);
  sizes.reserve(1 << 20);
  std::size_t next = 0;
  double candidates = 0;
  double largest = 0;
  double incomplete = 0;
  double keys = 0;
  for (auto _ : state) {
    const Probe& probe = population.probes[next];
    next = next + 1 == population.probes.size() ? 0 : next + 1;
    const auto start = std::chrono::steady_clock::now();
    index::CandidateResult result = index.Candidates(probe.record, options);
    if (lookup) {
      for (const index::Candidate& candidate : result.candidates) {
        benchmark::DoNotOptimize(index.Lookup(candidate.child));
      }
    }
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
    candidates += static_cast<double>(result.candidates.size());
    sizes.push_back(static_cast<double>(result.candidates.size()));
    largest = std::max(largest, static_cast<double>(result.candidates.size()));
    incomplete += result.complete() ? 0 : 1;
    keys += result.keys_looked_up;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.counters["p999_us"] = Percentile(micros, 0.999);
  state.counters["cands_mean"] = candidates / n;
  state.counters["cands_p99"] = Percentile(sizes, 0.99);
  state.counters["cands_max"] = largest;
  state.counters["capped_share"] = incomplete / n;
  state.counters["keys_mean"] = keys / n;
}

// The incremental match of one feed record (issue 6 target: p99 <= 5 ms per
// record at 1 M children): Matcher::Match over the built index, every
// cannot-link check included, one probe per iteration. A candidate's records
// (ChildFacts) are its indexed best view, held in memory here; a load reads
// them from its cluster cache or the store (one indexed query per candidate
// examined, usually one or two, not measured here). Counters: latency
// percentiles and the share of each decision.
void BM_Match(benchmark::State& state) {
  if (!Ready(state)) return;
  const Population& population = *PopulationOf(static_cast<std::uint64_t>(state.range(0)));
  const index::CandidateIndex& index = *IndexOf(static_cast<std::uint64_t>(state.range(0)));
  const Linkage& parts = *LinkageParts();
  const linkage::Comparator comparator;
  const matching::Matcher matcher(index, comparator, parts.data.model);
  auto facts = [&](const domain::ContactPointId& child) {
    matching::ChildFacts f;
    if (auto view = index.Lookup(child)) f.members.push_back(std::move(*view));
    return f;
  };
  std::vector<double> micros;
  micros.reserve(1 << 20);
  std::size_t next = 0;
  double linked = 0;
  double right = 0;
  double review = 0;
  for (auto _ : state) {
    const Probe& probe = population.probes[next];
    next = next + 1 == population.probes.size() ? 0 : next + 1;
    const auto start = std::chrono::steady_clock::now();
    const matching::MatchOutcome outcome = matcher.Match(probe.record, facts);
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
    linked += outcome.decision == matching::Decision::kLink ? 1 : 0;
    right += outcome.decision == matching::Decision::kLink &&
                     outcome.child == population.indexed[probe.person].child
                 ? 1
                 : 0;
    review += outcome.decision == matching::Decision::kReview ? 1 : 0;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.counters["p999_us"] = Percentile(micros, 0.999);
  state.counters["linked"] = linked / n;
  state.counters["linked_right"] = right / n;
  state.counters["review"] = review / n;
}

bool Intersect(const index::KeyList& a, const index::KeyList& b) {
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i == *j) return true;
    *i < *j ? ++i : ++j;
  }
  return false;
}

// Blocking recall (see the top of this file). Timing is incidental.
void BM_Recall(benchmark::State& state) {
  if (!Ready(state)) return;
  const Population& population = *PopulationOf(static_cast<std::uint64_t>(state.range(0)));
  const index::CandidateIndex& index = *IndexOf(static_cast<std::uint64_t>(state.range(0)));
  index::CandidateOptions no_ids;
  no_ids.keys = index::kAllKeys & ~index::kIdentifierKeys;
  double found = 0;
  double found_no_ids = 0;
  double candidates_no_ids = 0;
  double pairs = 0;
  double pairs_sharing = 0;
  std::array<double, synth::kSourceCount> by_source{};
  std::array<double, synth::kSourceCount> found_by_source{};
  // Report misses and recall by source once per size, not per repetition.
  static std::set<std::int64_t> reported;
  const bool report = reported.insert(state.range(0)).second;
  const linkage::Comparator comparator;
  int misses_shown = 0;
  for (auto _ : state) {
    found = found_no_ids = candidates_no_ids = pairs = pairs_sharing = 0;
    by_source.fill(0);
    found_by_source.fill(0);
    for (const Probe& probe : population.probes) {
      const domain::ContactPointId& truth = population.indexed[probe.person].child;
      auto contains = [&truth](const index::CandidateResult& result) {
        return std::any_of(result.candidates.begin(), result.candidates.end(),
                           [&truth](const index::Candidate& c) { return c.child == truth; });
      };
      found += contains(index.Candidates(probe.record)) ? 1 : 0;
      const index::CandidateResult without = index.Candidates(probe.record, no_ids);
      const bool hit = contains(without);
      if (!hit && report && misses_shown < 10) {
        // How the missed record differs from the indexed one, as comparison
        // levels (no personal data), to see which errors the keys miss.
        ++misses_shown;
        const linkage::ComparisonVector v =
            comparator.Compare(probe.record, population.indexed[probe.person].record);
        std::string levels;
        for (linkage::Field field : {linkage::Field::kGivenName, linkage::Field::kFamilyName,
                                     linkage::Field::kDateOfBirth, linkage::Field::kPostcode}) {
          levels += ' ';
          levels += linkage::FieldName(field);
          levels += '=';
          levels += linkage::LevelNames(field)[v.level(field)];
        }
        std::fprintf(stderr, "[index_bench] missed (%s):%s\n",
                     std::string(synth::SourceName(probe.source)).c_str(), levels.c_str());
      }
      found_no_ids += hit ? 1 : 0;
      candidates_no_ids += static_cast<double>(without.candidates.size());
      by_source[static_cast<std::size_t>(probe.source)] += 1;
      found_by_source[static_cast<std::size_t>(probe.source)] += hit ? 1 : 0;
    }
    // All pairs among each sampled person's records, stored keys only.
    std::size_t i = 0;
    while (i < population.probes.size()) {
      std::size_t end = i;
      while (end < population.probes.size() &&
             population.probes[end].person == population.probes[i].person) {
        ++end;
      }
      std::vector<index::KeyList> keys;
      keys.push_back(index::StoredKeys(
          index::KeyFieldsOf(population.indexed[population.probes[i].person].record)));
      for (std::size_t p = i; p < end; ++p) {
        keys.push_back(index::StoredKeys(index::KeyFieldsOf(population.probes[p].record)));
      }
      for (std::size_t a = 0; a < keys.size(); ++a) {
        for (std::size_t b = a + 1; b < keys.size(); ++b) {
          pairs += 1;
          pairs_sharing += Intersect(keys[a], keys[b]) ? 1 : 0;
        }
      }
      i = end;
    }
  }
  const double probes = static_cast<double>(population.probes.size());
  state.counters["probes"] = probes;
  state.counters["recall"] = found / probes;
  state.counters["recall_no_ids"] = found_no_ids / probes;
  state.counters["cands_no_ids"] = candidates_no_ids / probes;
  state.counters["pairs"] = pairs;
  state.counters["pair_recall"] = pairs_sharing / pairs;
  if (!report) return;
  std::fprintf(stderr, "[index_bench] %lld children, recall without identifier keys by source:\n",
               static_cast<long long>(state.range(0)));
  for (int s = 0; s < synth::kSourceCount; ++s) {
    if (by_source[s] == 0) continue;
    std::fprintf(stderr, "  %-22s %8.0f probes  %.4f\n",
                 std::string(synth::SourceName(static_cast<synth::SourceKind>(s))).c_str(),
                 by_source[s], found_by_source[s] / by_source[s]);
  }
}

// Population sizes: CP_INDEX_BENCH_SIZES (comma-separated), default
// 100000,1000000. The load-mode and option variants run at the largest size
// only.
std::vector<std::int64_t> Sizes() {
  const char* text = std::getenv("CP_INDEX_BENCH_SIZES");
  std::string list = text != nullptr && *text != '\0' ? text : "100000,1000000";
  std::vector<std::int64_t> sizes;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) sizes.push_back(std::stoll(list.substr(start, comma - start)));
    start = comma + 1;
  }
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

void Register() {
  const std::vector<std::int64_t> sizes = Sizes();
  if (sizes.empty()) return;
  const std::int64_t largest = sizes.back();
  auto* build = benchmark::RegisterBenchmark("BM_Build", BM_Build);
  for (std::int64_t n : sizes) build->Args({n, static_cast<std::int64_t>(LoadMode::kReserveBatch)});
  for (LoadMode mode : {LoadMode::kReserveUpsert, LoadMode::kUpsert}) {
    build->Args({largest, static_cast<std::int64_t>(mode)});
  }
  build->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

  auto* candidates = benchmark::RegisterBenchmark("BM_Candidates", BM_Candidates);
  for (std::int64_t n : sizes) candidates->Args({n, 0});
  for (std::int64_t variant : {1, 2, 3}) candidates->Args({largest, variant});
  candidates->Unit(benchmark::kMicrosecond)->MinTime(3.0)->UseRealTime();

  auto* match = benchmark::RegisterBenchmark("BM_Match", BM_Match);
  for (std::int64_t n : sizes) match->Arg(n);
  match->Unit(benchmark::kMicrosecond)->MinTime(3.0)->UseRealTime();

  auto* recall = benchmark::RegisterBenchmark("BM_Recall", BM_Recall);
  for (std::int64_t n : sizes) recall->Arg(n);
  recall->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
}

}  // namespace
}  // namespace cp

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  cp::Register();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
