// Linkage benchmarks: the per-pair comparator (comparisons per second on
// pairs that match and pairs that do not), the string comparators, the
// phonetic key, record building, scoring, and name normalisation under the
// two thread-safety designs for ICU transliterators (a pool of clones, as
// NameNormaliser does, against one transliterator behind a mutex). Figures
// feed docs/linkage.md; they never fail a build.
#include <benchmark/benchmark.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "linkage/comparator.h"
#include "linkage/linkage_data.h"
#include "linkage/normalise.h"
#include "linkage/phonetic.h"
#include "linkage/record.h"
#include "linkage/string_similarity.h"

namespace cp::linkage {
namespace {

using domain::PersonalText;

constexpr std::array<const char*, 24> kGiven = {
    "Oliver", "Amelia", "George",  "Isla", "Harry",  "Ava",      "Noah",     "Mia",
    "Jack",   "Ivy",    "Leo",     "Lily", "Arthur", "Freya",    "Muhammad", "Grace",
    "Oscar",  "Sophia", "Charlie", "Evie", "Jacob",  "Florence", "Thomas",   "Zoë"};
constexpr std::array<const char*, 24> kFamily = {
    "Smith", "Jones",    "Taylor", "Brown",    "Williams", "Wilson",  "Johnson",     "Davies",
    "Patel", "Robinson", "Wright", "Thompson", "Evans",    "Walker",  "White",       "Roberts",
    "Green", "Hall",     "Wood",   "Jackson",  "Clarke",   "O'Brien", "Smith-Jones", "Nguyễn"};
constexpr std::array<const char*, 8> kStreets = {"High Street", "Station Road", "Church Lane",
                                                 "Mill Lane",   "Park Road",    "Victoria Road",
                                                 "Green Lane",  "Manor Road"};

struct Fixture {
  std::unique_ptr<NameNormaliser> normaliser;
  LinkageData data;
  std::vector<LinkageRecord> records;
  std::vector<LinkageRecord> variants;  // records[i] as another source wrote it
};

domain::Child RandomChild(std::mt19937_64& rng) {
  auto pick = [&rng](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  domain::Child child;
  child.name = {
      PersonalText(std::string(kGiven[pick(kGiven.size())]) + " " + kGiven[pick(kGiven.size())]),
      PersonalText(kFamily[pick(kFamily.size())])};
  child.gender = pick(2) ? domain::Gender::kFemale : domain::Gender::kMale;
  child.date_of_birth = core::Sensitive<domain::Date>(
      domain::Date{std::chrono::year(2008 + static_cast<int>(pick(18))),
                   std::chrono::month(static_cast<unsigned>(1 + pick(12))),
                   std::chrono::day(static_cast<unsigned>(1 + pick(28)))});
  domain::Address address;
  address.lines = core::Sensitive<std::vector<std::string>>(
      {std::to_string(1 + pick(200)) + " " + kStreets[pick(kStreets.size())], "Leeds"});
  address.postcode =
      PersonalText("LS" + std::to_string(1 + pick(20)) + " " + std::to_string(pick(10)) + "AB");
  child.address = address;
  if (pick(2))
    child.identifiers.nhs_number = PersonalText(std::to_string(9000000000 + pick(999999999)));
  domain::Carer carer;
  carer.name = {PersonalText(kGiven[pick(kGiven.size())]), child.name.family_name};
  carer.contact.phone = PersonalText("0113 496 " + std::to_string(1000 + pick(8999)));
  child.carers.push_back(carer);
  return child;
}

// The same child with the errors feeds make: a typo in the given name, a
// day/month swap or moved house.
domain::Child Variant(domain::Child child, std::mt19937_64& rng) {
  std::string given = child.name.given_names.Reveal();
  if (given.size() > 3) std::swap(given[1], given[2]);
  child.name.given_names = PersonalText(given);
  if (rng() % 3 == 0) {
    const domain::Date dob = child.date_of_birth.Reveal();
    if (static_cast<unsigned>(dob.day()) <= 12) {
      child.date_of_birth = core::Sensitive<domain::Date>(
          domain::Date{dob.year(), std::chrono::month(static_cast<unsigned>(dob.day())),
                       std::chrono::day(static_cast<unsigned>(dob.month()))});
    }
  }
  if (rng() % 4 == 0) child.address.reset();
  return child;
}

const Fixture& GetFixture() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture{NameNormaliser::Create().value(),
                          LoadLinkageData(CP_LINKAGE_BENCH_DATA_DIR).value(),
                          {},
                          {}};
    RecordBuilder builder(*f->normaliser, f->data.given_name_variants,
                          f->data.family_name_variants);
    std::mt19937_64 rng(42);
    for (int i = 0; i < 4096; ++i) {
      domain::Child child = RandomChild(rng);
      f->records.push_back(builder.Build(child));
      f->variants.push_back(builder.Build(Variant(child, rng)));
    }
    return f;
  }();
  return *fixture;
}

// Pairs of one child as two sources wrote it, or of two different children.
void BM_Compare(benchmark::State& state, bool same_child) {
  const Fixture& f = GetFixture();
  const Comparator comparator;
  const std::vector<LinkageRecord>& others = same_child ? f.variants : f.records;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t j = same_child ? i : (i * 7 + 13) % f.records.size();
    benchmark::DoNotOptimize(comparator.Compare(f.records[i], others[j]));
    i = (i + 1) % f.records.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_Compare, true_matches, true);
BENCHMARK_CAPTURE(BM_Compare, non_matches, false);

void BM_CompareAndScore(benchmark::State& state) {
  const Fixture& f = GetFixture();
  const Comparator comparator;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t j = (i & 1) ? i : (i * 7 + 13) % f.records.size();
    benchmark::DoNotOptimize(f.data.model.Score(comparator.Compare(f.records[i], f.variants[j])));
    i = (i + 1) % f.records.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_CompareAndScore)->Threads(1)->Threads(2)->UseRealTime();

void BM_Explain(benchmark::State& state) {
  const Fixture& f = GetFixture();
  const ComparisonVector v = Comparator().Compare(f.records[0], f.variants[0]);
  for (auto _ : state) benchmark::DoNotOptimize(f.data.model.Explain(v));
}
BENCHMARK(BM_Explain);

void BM_JaroWinkler(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(JaroWinkler("catherine", "kathryn"));
}
BENCHMARK(BM_JaroWinkler);

void BM_DamerauLevenshtein(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(DamerauLevenshteinDistance("catherine", "kathryn"));
}
BENCHMARK(BM_DamerauLevenshtein);

void BM_Nysiis(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Nysiis("macintosh"));
}
BENCHMARK(BM_Nysiis);

void BM_BuildRecord(benchmark::State& state) {
  const Fixture& f = GetFixture();
  RecordBuilder builder(*f.normaliser, f.data.given_name_variants, f.data.family_name_variants);
  std::mt19937_64 rng(7);
  std::vector<domain::Child> children;
  for (int i = 0; i < 256; ++i) children.push_back(RandomChild(rng));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(builder.Build(children[i]));
    i = (i + 1) % children.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_BuildRecord);

constexpr std::array<const char*, 4> kNonAscii = {"Nguyễn Thị", "Zoë Brontë", "Анна Петрова",
                                                  "Łukasz Wróbel"};

void BM_NormaliseAscii(benchmark::State& state) {
  const Fixture& f = GetFixture();
  for (auto _ : state) benchmark::DoNotOptimize(f.normaliser->Tokens("Mary-Jane O'Brien"));
}
BENCHMARK(BM_NormaliseAscii);

// The chosen design: NameNormaliser's pool of transliterator clones.
void BM_NormaliseNonAsciiPool(benchmark::State& state) {
  const Fixture& f = GetFixture();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.normaliser->Tokens(kNonAscii[i++ % kNonAscii.size()]));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_NormaliseNonAsciiPool)->Threads(1)->Threads(2)->UseRealTime();

constexpr char kTransliteratorId[] = "Any-Latin; Latin-ASCII; NFD; [:Nonspacing Mark:] Remove; NFC";

icu::Transliterator* NewTransliterator() {
  UErrorCode error = U_ZERO_ERROR;
  UParseError parse_error;
  return icu::Transliterator::createInstance(icu::UnicodeString::fromUTF8(kTransliteratorId),
                                             UTRANS_FORWARD, parse_error, error);
}

// The alternative: one transliterator shared behind a mutex.
void BM_NormaliseNonAsciiSharedMutex(benchmark::State& state) {
  static std::mutex mu;
  static icu::Transliterator* shared = NewTransliterator();
  std::size_t i = 0;
  for (auto _ : state) {
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(kNonAscii[i++ % kNonAscii.size()]);
    {
      std::lock_guard<std::mutex> lock(mu);
      shared->transliterate(text);
    }
    text.foldCase();
    std::string out;
    benchmark::DoNotOptimize(text.toUTF8String(out));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_NormaliseNonAsciiSharedMutex)->Threads(1)->Threads(2)->UseRealTime();

// What building or cloning a transliterator costs (why neither is per call).
void BM_TransliteratorCreate(benchmark::State& state) {
  for (auto _ : state) delete NewTransliterator();
}
BENCHMARK(BM_TransliteratorCreate)->Unit(benchmark::kMicrosecond);

void BM_TransliteratorClone(benchmark::State& state) {
  std::unique_ptr<icu::Transliterator> prototype(NewTransliterator());
  for (auto _ : state) delete prototype->clone();
}
BENCHMARK(BM_TransliteratorClone)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cp::linkage

BENCHMARK_MAIN();
