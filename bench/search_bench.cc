// Practitioners' search against issue 8's targets, measured server-side:
// search::SearchService::Search called in-process (no HTTP), on a
// Synthetic England population in a real SQLite store.
//
// Population ("store" path, printed in the output): tools/synth generates
// the people and every source's records about them; each person's current
// records (withdrawals applied, so an adopted child's birth identity is not
// there) are merged into the best view by ingest::MergeSourceViews, as the
// pipeline would with perfect linkage, and written to the store as one child
// with all its source records (state linked). The Linker then builds its
// candidate index from the store (Linker::Sync, the start-up path); that
// time is reported. Feed loads are not run: search quality is measured
// apart from linkage quality (scripts/linkage_eval.sh measures that).
//
// Queries: what a practitioner would type, made from the synthetic TRUTH
// (the person, not a source's possibly mistyped record), in a fixed mix of
// kinds (kKinds below). Every query meets the minimum criteria.
//
// Measured, per query kind and overall:
//   latency p50/p95/p99 of Search() (criteria checks, volume limit, index,
//   scoring, store reads, access policy, audit append and commit);
//   searches/s with 1 thread, then 2 threads (sessions of many practitioners,
//   100 searches each; searches share the index and read on store readers of
//   their own, only the audit append takes the store's writer; each commit's
//   fsync is shared with the commits made meanwhile: group commit, "fsyncs
//   per search");
//   volume limits are raised for the benchmark;
//   hit = the person's child among the results; too_many = "too many
//   matches" (no list); no_match = no result; other = results without it.
// Misses are explained with comparison levels only (no personal data).
//
// Usage: search_bench [--children N] [--queries N] [--seed S]
//                     [--workdir DIR] [--json FILE] [--keep-store]
//                     [--serve PATH/TO/contactpoint [--http-connections N (8)]
//                      [--http-rounds R (1): the HTTP runs R times, the median round shown]]
// Numbers only; never pass/fail.
#include <httplib.h>
#include <malloc.h>
#include <nlohmann/json.hpp>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "access/roles.h"
#include "audit/audit_log.h"
#include "audit/signing.h"
#include "core/clock.h"
#include "core/random.h"
#include "domain/ids.h"
#include "index/candidate_index.h"
#include "ingest/best_view.h"
#include "ingest/linker.h"
#include "linkage/comparison.h"
#include "search/criteria.h"
#include "search/masking.h"
#include "search/search_service.h"
#include "served_product.h"
#include "http/server.h"
#include "storage/sqlite/sqlite_store.h"
#include "synth/population.h"
#include "synth/sources.h"
#include "synth/synth.h"

namespace cp {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using domain::ContactPointId;

// ---- Query kinds and their share of the mix ---------------------------------

enum class Kind {
  kNameDob,        // family + given + date of birth
  kFamilyDob,      // family + date of birth
  kNamePostcode,   // family + given + postcode
  kNicknameDob,    // family + a short form of the given name + date of birth
  kTypoDob,        // family + given + date of birth, one name with one typing error
  kTransposedDob,  // family + given + date of birth with day and month swapped
  kYearPostcode,   // family + given + year of birth + postcode
  kNhsNumber,      // NHS number only
  kContactPointId, // ContactPoint ID only
};
constexpr int kKindCount = 9;

struct KindInfo {
  Kind kind;
  const char* name;
  int percent;
};
constexpr KindInfo kKinds[kKindCount] = {
    {Kind::kNameDob, "name_dob", 20},          {Kind::kFamilyDob, "family_dob", 10},
    {Kind::kNamePostcode, "name_postcode", 10}, {Kind::kNicknameDob, "nickname_dob", 10},
    {Kind::kTypoDob, "typo_dob", 15},           {Kind::kTransposedDob, "transposed_dob", 5},
    {Kind::kYearPostcode, "year_postcode", 10}, {Kind::kNhsNumber, "nhs_number", 10},
    {Kind::kContactPointId, "contactpoint_id", 10},
};

// Common English short forms, written for this benchmark (independent of the
// linkage variant tables, so the test does not grade itself).
const std::multimap<std::string, std::string>& ShortForms() {
  static const auto* forms = new std::multimap<std::string, std::string>{
      {"Alexander", "Alex"},   {"Alexandra", "Alex"},  {"Alexander", "Sandy"},
      {"Abigail", "Abi"},      {"Abigail", "Abby"},    {"Benjamin", "Ben"},
      {"Benjamin", "Benji"},   {"Charlotte", "Lottie"}, {"Charlotte", "Charlie"},
      {"Christopher", "Chris"}, {"Daniel", "Dan"},      {"Daniel", "Danny"},
      {"Edward", "Ed"},        {"Edward", "Ted"},      {"Eleanor", "Ellie"},
      {"Elizabeth", "Beth"},   {"Elizabeth", "Liz"},   {"Elizabeth", "Lizzie"},
      {"Emily", "Em"},         {"Frederick", "Freddie"}, {"Florence", "Flo"},
      {"Gabriel", "Gabe"},     {"Harrison", "Harry"},  {"Henry", "Harry"},
      {"Isabella", "Bella"},   {"Isabella", "Izzy"},   {"Isabelle", "Izzy"},
      {"James", "Jamie"},      {"James", "Jim"},       {"Jessica", "Jess"},
      {"Jonathan", "Jon"},     {"Joseph", "Joe"},      {"Joshua", "Josh"},
      {"Katherine", "Kate"},   {"Katie", "Kate"},      {"Catherine", "Cathy"},
      {"Matthew", "Matt"},     {"Michael", "Mike"},    {"Nathan", "Nate"},
      {"Nicholas", "Nick"},    {"Oliver", "Ollie"},    {"Rebecca", "Becky"},
      {"Robert", "Rob"},       {"Robert", "Bobby"},    {"Samuel", "Sam"},
      {"Samantha", "Sam"},     {"Sophie", "Soph"},     {"Theodore", "Theo"},
      {"Thomas", "Tom"},       {"Thomas", "Tommy"},    {"Victoria", "Vicky"},
      {"William", "Will"},     {"William", "Billy"},   {"Zachary", "Zach"},
      {"Jacob", "Jake"},       {"Anthony", "Tony"},    {"Margaret", "Maggie"},
      {"Penelope", "Penny"},   {"Rosalind", "Rosie"},  {"Georgina", "Georgie"},
      {"Olivia", "Liv"},       {"Amelia", "Millie"},   {"Madison", "Maddie"},
      {"Matilda", "Tilly"},    {"Harriet", "Hattie"},  {"Archibald", "Archie"},
      {"Alfred", "Alfie"},     {"Stanley", "Stan"},    {"Maximilian", "Max"},
      {"Maxwell", "Max"},      {"Lucas", "Luke"},      {"Evelyn", "Evie"},
  };
  return *forms;
}

// ---- Small helpers -------------------------------------------------------------

struct Rng {
  explicit Rng(std::uint64_t seed) : random(seed) {}
  std::uint64_t Below(std::uint64_t n) { return random.Uniform(n); }
  bool Chance(int percent) { return Below(100) < static_cast<std::uint64_t>(percent); }
  core::SeededRandom random;
};

std::string FormatDate(domain::Date d) {
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return out;
}

std::size_t ResidentKiB(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::strtoull(line.c_str() + std::strlen(field), nullptr, 10);
  }
  return 0;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(at, values.size() - 1)];
}

[[noreturn]] void Fail(const std::string& what, const core::Status& status) {
  std::fprintf(stderr, "[search_bench] %s: %s\n", what.c_str(), status.ToString().c_str());
  std::exit(1);
}

void Check(const std::string& what, const core::Status& status) {
  if (!status.ok()) Fail(what, status);
}

// ---- The population --------------------------------------------------------------

// What the benchmark keeps of a sampled person: the truth a practitioner
// could know, and the child the person is in the store.
struct Truth {
  ContactPointId child;
  std::string given;  // first given name ("" for an unnamed newborn)
  std::string family;
  domain::Date dob;
  std::string postcode;  // the current home
  std::string nhs_number;
};

struct Population {
  std::vector<Truth> sample;
  std::uint64_t people = 0;
  std::uint64_t children_written = 0;
  std::uint64_t source_records = 0;
  double generate_and_write_seconds = 0;
};

// One household's current records, per source key.
class HouseholdSink final : public synth::RecordSink {
 public:
  struct Kept {
    synth::SourceKind source;
    synth::FeedRecord record;
    std::uint64_t person;
  };
  core::Status Write(synth::SourceKind source, const synth::FeedRecord& record,
                     const synth::Person& person) override {
    std::string key = std::string(synth::SourceName(source)) + "/" + record.key;
    if (record.op == synth::FeedRecord::Op::kWithdraw) {
      records.erase(key);
    } else {
      records.insert_or_assign(std::move(key), Kept{source, record, person.index});
    }
    return core::Status::Ok();
  }
  std::map<std::string, Kept> records;
};

bool IsNational(synth::SourceKind kind) {
  return kind == synth::SourceKind::kGroBirths || kind == synth::SourceKind::kDwpChildBenefit ||
         kind == synth::SourceKind::kSchoolCensus || kind == synth::SourceKind::kNhsPds;
}

constexpr core::Timestamp kExtractedAt{std::chrono::sys_days(synth::kDefaultAsOf).time_since_epoch() +
                                       std::chrono::hours(2)};

void RegisterSources(storage::Store& store) {
  auto tx = store.Begin(storage::TxMode::kReadWrite);
  if (!tx.ok()) Fail("begin", tx.status());
  for (int k = 0; k < synth::kSourceCount; ++k) {
    const auto kind = static_cast<synth::SourceKind>(k);
    storage::SourceEntry s;
    s.id = domain::SourceId(std::string(synth::SourceName(kind)));
    s.name = "Synthetic " + std::string(synth::SourceName(kind));
    s.kind = IsNational(kind) ? domain::SourceKind::kNational : domain::SourceKind::kLocal;
    s.state = domain::SourceState::kActive;
    s.priority = IsNational(kind) ? ingest::kNationalSourcePriority : ingest::kLocalSourcePriority;
    s.created_at = s.updated_at = kExtractedAt;
    Check("source", (*tx)->PutSource(s));
  }
  Check("commit sources", (*tx)->Commit());
}

// Generates `children` people and writes their best views and source
// records; keeps about `sample_size` people's truth for the queries.
Population Build(const synth::ReferenceData& data, const ingest::Linker& linker,
                 storage::Store& store, std::uint64_t children, std::uint64_t seed,
                 std::uint64_t sample_size) {
  const auto start = Clock::now();
  Population population;
  RegisterSources(store);
  synth::Rates rates;
  synth::PopulationGenerator generator(data, rates, seed, synth::kDefaultAsOf, children);
  synth::SourceRenderer renderer(generator, seed);
  core::SeededRandom id_random(seed * 7919 + 1);
  const std::uint64_t sample_every = std::max<std::uint64_t>(1, children / sample_size);
  const domain::BatchId batch("synth-" + std::to_string(seed) + "-2025-03-31");
  std::map<synth::SourceKind, int> priority;
  for (int k = 0; k < synth::kSourceCount; ++k) {
    const auto kind = static_cast<synth::SourceKind>(k);
    priority[kind] = IsNational(kind) ? ingest::kNationalSourcePriority
                                      : ingest::kLocalSourcePriority;
  }
  constexpr std::uint64_t kChildrenPerTx = 5000;
  std::unique_ptr<storage::Transaction> tx;
  std::uint64_t in_tx = 0;
  std::uint64_t done = 0;
  while (done < children) {
    const synth::Household household = generator.Next(std::min<std::uint64_t>(10, children - done));
    done += household.children.size();
    population.people += household.children.size();
    HouseholdSink sink;
    Check("render", renderer.Render(household, sink));
    std::map<std::uint64_t, std::vector<const HouseholdSink::Kept*>> by_person;
    for (const auto& [key, kept] : sink.records) by_person[kept.person].push_back(&kept);
    for (const auto& [person_index, kept] : by_person) {
      if (tx == nullptr) {
        auto begun = store.Begin(storage::TxMode::kAllOrNothing);
        if (!begun.ok()) Fail("begin", begun.status());
        tx = std::move(*begun);
      }
      auto id = tx->AllocateChildId(id_random);
      if (!id.ok()) Fail("allocate", id.status());
      std::vector<ingest::SourceView> views;
      for (const HouseholdSink::Kept* k : kept) {
        ingest::SourceView v;
        v.data = &k->record.child;
        v.source = domain::SourceId(std::string(synth::SourceName(k->source)));
        v.key = domain::SourceKey(k->record.key);
        v.batch = batch;
        v.extracted_at = v.received_at = kExtractedAt;
        v.priority = priority[k->source];
        views.push_back(v);
      }
      domain::Child best = ingest::MergeSourceViews(*id, views);
      linker.AssignAuthority(best);
      Check("put child", tx->PutChild(best));
      for (const HouseholdSink::Kept* k : kept) {
        storage::SourceRecord r;
        r.source = domain::SourceId(std::string(synth::SourceName(k->source)));
        r.key = domain::SourceKey(k->record.key);
        r.child = *id;
        r.state = storage::LinkState::kLinked;
        r.batch = batch;
        r.extracted_at = r.received_at = kExtractedAt;
        r.data = k->record.child;
        r.data.id = ContactPointId();
        r.events = k->record.events;
        storage::LinkDecision d;
        d.decision = "link";
        d.reason = "bench_truth";
        d.decided_by = "search_bench";
        d.at = kExtractedAt;
        r.decision = d;
        Check("put source record", tx->PutSourceRecord(r));
        ++population.source_records;
      }
      ++population.children_written;
      if (person_index % sample_every == 0) {
        const synth::Person* person = nullptr;
        for (const synth::Person& p : household.children) {
          if (p.index == person_index) person = &p;
        }
        if (person != nullptr) {
          population.sample.push_back(Truth{*id, person->given.empty() ? "" : person->given.front(),
                                            person->family, person->dob, household.home.postcode,
                                            person->nhs_number});
        }
      }
      if (++in_tx == kChildrenPerTx) {
        Check("commit", tx->Commit());
        tx.reset();
        in_tx = 0;
      }
    }
    if (isatty(STDERR_FILENO) && done % 10000 < household.children.size()) {
      std::fprintf(stderr, "\r[search_bench] %llu / %llu people", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(children));
    }
  }
  if (tx != nullptr) Check("commit", tx->Commit());
  if (isatty(STDERR_FILENO)) std::fprintf(stderr, "\n");
  population.generate_and_write_seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  return population;
}

// ---- Queries ----------------------------------------------------------------------

struct BenchQuery {
  Kind kind;
  std::size_t truth;  // index into Population::sample
  search::SearchCriteria criteria;
};

search::Criterion C(const std::string& value) { return core::Sensitive<std::string>(value); }

// QWERTY neighbours, for a substituted letter.
char Neighbour(char c, Rng& rng) {
  static const char* rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
  const bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
  const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* row : rows) {
    const char* at = std::strchr(row, lower);
    if (at == nullptr) continue;
    const std::size_t i = static_cast<std::size_t>(at - row);
    const std::size_t n = std::strlen(row);
    std::size_t j = i == 0 ? 1 : (i + 1 == n ? i - 1 : (rng.Chance(50) ? i - 1 : i + 1));
    const char out = row[j];
    return upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(out))) : out;
  }
  return c == 'a' ? 'e' : 'a';
}

// One typing error (substitution by a neighbouring key, deletion, doubled
// letter, or two adjacent letters swapped), never on the first letter.
// nullopt when the name is too short or has no letter to change.
std::optional<std::string> Typo(const std::string& name, Rng& rng) {
  std::vector<std::size_t> letters;
  for (std::size_t i = 1; i < name.size(); ++i) {
    if (std::isalpha(static_cast<unsigned char>(name[i]))) letters.push_back(i);
  }
  if (name.size() < 3 || letters.empty()) return std::nullopt;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const std::size_t i = letters[rng.Below(letters.size())];
    std::string out = name;
    switch (rng.Below(4)) {
      case 0:
        out[i] = Neighbour(name[i], rng);
        break;
      case 1:
        out.erase(i, 1);
        break;
      case 2:
        out.insert(i, 1, static_cast<char>(std::tolower(static_cast<unsigned char>(name[i]))));
        break;
      default:
        if (i + 1 >= name.size() || !std::isalpha(static_cast<unsigned char>(name[i + 1]))) continue;
        std::swap(out[i], out[i + 1]);
        break;
    }
    if (out != name) return out;
  }
  return std::nullopt;
}

// A query of `kind` for `t`, or nullopt when this person cannot give one
// (no NHS number; a date whose day and month cannot be swapped; a name with
// no short form in the list).
std::optional<search::SearchCriteria> MakeQuery(Kind kind, const Truth& t, Rng& rng) {
  search::SearchCriteria c;
  const std::string dob = FormatDate(t.dob);
  switch (kind) {
    case Kind::kNameDob:
      if (t.given.empty()) return std::nullopt;
      c = {.given_names = C(t.given), .family_name = C(t.family), .date_of_birth = C(dob)};
      break;
    case Kind::kFamilyDob:
      c = {.family_name = C(t.family), .date_of_birth = C(dob)};
      break;
    case Kind::kNamePostcode:
      if (t.given.empty() || t.postcode.empty()) return std::nullopt;
      c = {.given_names = C(t.given), .family_name = C(t.family), .postcode = C(t.postcode)};
      break;
    case Kind::kNicknameDob: {
      const auto [from, to] = ShortForms().equal_range(t.given);
      const auto n = static_cast<std::uint64_t>(std::distance(from, to));
      if (n == 0) return std::nullopt;
      auto it = from;
      std::advance(it, static_cast<std::ptrdiff_t>(rng.Below(n)));
      c = {.given_names = C(it->second), .family_name = C(t.family), .date_of_birth = C(dob)};
      break;
    }
    case Kind::kTypoDob: {
      if (t.given.empty()) return std::nullopt;
      const bool in_family = rng.Chance(50);
      const auto typed = Typo(in_family ? t.family : t.given, rng);
      if (!typed) return std::nullopt;
      c = {.given_names = C(in_family ? t.given : *typed),
           .family_name = C(in_family ? *typed : t.family), .date_of_birth = C(dob)};
      break;
    }
    case Kind::kTransposedDob: {
      const unsigned day = static_cast<unsigned>(t.dob.day());
      const unsigned month = static_cast<unsigned>(t.dob.month());
      if (t.given.empty() || day > 12 || day == month) return std::nullopt;
      const domain::Date swapped{t.dob.year(), std::chrono::month{day}, std::chrono::day{month}};
      // A date after the extracts is refused as in the future: nobody types it.
      if (std::chrono::sys_days(swapped) > std::chrono::sys_days(synth::kDefaultAsOf)) {
        return std::nullopt;
      }
      c = {.given_names = C(t.given), .family_name = C(t.family),
           .date_of_birth = C(FormatDate(swapped))};
      break;
    }
    case Kind::kYearPostcode:
      if (t.given.empty() || t.postcode.empty()) return std::nullopt;
      c = {.given_names = C(t.given), .family_name = C(t.family),
           .date_of_birth = C(std::to_string(static_cast<int>(t.dob.year()))),
           .postcode = C(t.postcode)};
      break;
    case Kind::kNhsNumber:
      if (t.nhs_number.empty()) return std::nullopt;
      c = {.nhs_number = C(t.nhs_number)};
      break;
    case Kind::kContactPointId:
      c = {.contactpoint_id = C(t.child.ToString())};
      break;
  }
  return c;
}

std::vector<BenchQuery> MakeQueries(const Population& population, std::size_t total,
                                    std::uint64_t seed) {
  Rng rng(seed * 31 + 17);
  std::vector<BenchQuery> queries;
  for (const KindInfo& k : kKinds) {
    const std::size_t wanted = total * static_cast<std::size_t>(k.percent) / 100;
    std::size_t made = 0;
    // Random people from the sample; a kind that does not apply to a person
    // draws another (at most 50 tries per query).
    for (std::size_t tries = 0; made < wanted && tries < wanted * 50; ++tries) {
      const std::size_t i = rng.Below(population.sample.size());
      auto c = MakeQuery(k.kind, population.sample[i], rng);
      if (!c) continue;
      queries.push_back(BenchQuery{k.kind, i, std::move(*c)});
      ++made;
    }
  }
  // Interleave the kinds, as real traffic would.
  for (std::size_t i = queries.size(); i > 1; --i) std::swap(queries[i - 1], queries[rng.Below(i)]);
  return queries;
}

// ---- Running ---------------------------------------------------------------------

enum class Outcome { kHit, kTooMany, kNoMatch, kOther, kError };

struct Run {
  std::vector<double> micros;  // per query, in query order
  std::vector<Outcome> outcomes;
  std::vector<int> rank;       // 1-based rank of the right child; 0 if absent
  std::vector<std::size_t> shown;
  std::vector<std::int64_t> audit_index;  // of a "too many matches" answer, else -1
  double wall_seconds = 0;
  Run() = default;
  explicit Run(std::size_t queries)
      : micros(queries, 0), outcomes(queries, Outcome::kError), rank(queries, 0),
        shown(queries, 0), audit_index(queries, -1) {}
};

identity::SessionContext Practitioner(std::int64_t user_id) {
  identity::SessionContext s;
  s.account.user.id = user_id;
  s.account.user.username = "bench" + std::to_string(user_id);
  s.account.role = access::Role::kSocialWorker;
  s.account.organisation.id = access::OrganisationId("la:E08000035");
  s.account.organisation.type = access::OrganisationType::kLocalAuthority;
  s.account.organisation.accreditation = access::AccreditationState::kAccredited;
  return s;
}

void RunOne(search::SearchService& service, const identity::SessionContext& session,
            const Population& population, const BenchQuery& q, Run& run, std::size_t slot) {
  const auto start = Clock::now();
  auto answer = service.Search(session, q.criteria);
  run.micros[slot] = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  if (!answer.ok()) {
    run.outcomes[slot] = Outcome::kError;
    static std::atomic<int> shown{0};
    if (shown++ < 5) {
      std::fprintf(stderr, "[search_bench] search error (%s): %s\n", kKinds[static_cast<int>(q.kind)].name,
                   std::string(core::ErrorCodeName(answer.status().code())).c_str());
    }
    return;
  }
  if (answer->outcome == search::SearchAnswer::Outcome::kTooManyMatches) {
    run.outcomes[slot] = Outcome::kTooMany;
    run.audit_index[slot] = answer->audit_index;
    return;
  }
  run.shown[slot] = answer->hits.size();
  const ContactPointId& truth = population.sample[q.truth].child;
  for (std::size_t i = 0; i < answer->hits.size(); ++i) {
    if (answer->hits[i].child == truth) {
      run.outcomes[slot] = Outcome::kHit;
      run.rank[slot] = static_cast<int>(i + 1);
      return;
    }
  }
  run.outcomes[slot] = answer->hits.empty() ? Outcome::kNoMatch : Outcome::kOther;
}

std::atomic<std::int64_t> next_user{1'000};

Run RunAll(search::SearchService& service, const Population& population,
           const std::vector<BenchQuery>& queries, int threads) {
  Run run(queries.size());
  std::atomic<std::size_t> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      // Many practitioners, 100 searches each (traffic at 2,000/s comes from
      // many users; one user's rolling window would grow without end).
      const std::int64_t first_user = next_user.fetch_add(1'000'000) + 1'000 * t;
      for (std::size_t i = next++; i < queries.size(); i = next++) {
        const identity::SessionContext session =
            Practitioner(first_user + static_cast<std::int64_t>(i / 100));
        RunOne(service, session, population, queries[i], run, i);
      }
    });
  }
  for (std::thread& w : workers) w.join();
  run.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

// ---- Over HTTP: `contactpoint serve` and practitioners' clients ---------------

// The request body of POST /api/v1/searches for `c`.
std::string SearchBody(const search::SearchCriteria& c) {
  nlohmann::json body = nlohmann::json::object();
  const std::pair<const char*, const search::Criterion*> fields[] = {
      {"given_names", &c.given_names},         {"family_name", &c.family_name},
      {"date_of_birth", &c.date_of_birth},     {"postcode", &c.postcode},
      {"nhs_number", &c.nhs_number},           {"contactpoint_id", &c.contactpoint_id}};
  for (const auto& [name, value] : fields) {
    if (value->has_value()) body[name] = (*value)->Reveal();
  }
  return body.dump();
}

void RunOneHttp(httplib::Client& client, const httplib::Headers& headers, const std::string& body,
                const Population& population, const BenchQuery& q, Run& run, std::size_t slot) {
  const auto start = Clock::now();
  auto res = client.Post("/api/v1/searches", headers, body, "application/json");
  run.micros[slot] = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  if (!res || res->status != 200) {
    run.outcomes[slot] = Outcome::kError;
    static std::atomic<int> shown{0};
    if (shown++ < 5) {
      std::string code = res ? std::to_string(res->status) : httplib::to_string(res.error());
      if (res) {
        const auto json = nlohmann::json::parse(res->body, nullptr, false);
        if (json.is_object() && json.contains("error")) {
          code += " " + json["error"].value("code", std::string());
        }
      }
      std::fprintf(stderr, "[search_bench] HTTP search error (%s): %s\n",
                   kKinds[static_cast<int>(q.kind)].name, code.c_str());
    }
    return;
  }
  const auto answer = nlohmann::json::parse(res->body, nullptr, false);
  if (!answer.is_object()) {
    run.outcomes[slot] = Outcome::kError;
    return;
  }
  if (answer.value("outcome", std::string()) == "too_many_matches") {
    run.outcomes[slot] = Outcome::kTooMany;
    run.audit_index[slot] = answer.value("audit_entry", std::int64_t{-1});
    return;
  }
  const std::string truth = population.sample[q.truth].child.ToString();
  const auto& results = answer["results"];
  run.shown[slot] = results.size();
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].value("contactpoint_id", std::string()) == truth) {
      run.outcomes[slot] = Outcome::kHit;
      run.rank[slot] = static_cast<int>(i + 1);
      return;
    }
  }
  run.outcomes[slot] = results.empty() ? Outcome::kNoMatch : Outcome::kOther;
}

// The queries over `connections` kept-alive connections to 127.0.0.1:`port`,
// connection c signed in as tokens[c % tokens.size()]. The bodies are made
// before the clock starts.
Run RunHttp(int port, const std::vector<std::string>& tokens, const Population& population,
            const std::vector<BenchQuery>& queries, const std::vector<std::string>& bodies,
            int connections) {
  Run run(queries.size());
  std::atomic<std::size_t> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int c = 0; c < connections; ++c) {
    workers.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);  // as a browser does: no Nagle delay on the body
      client.set_read_timeout(60, 0);
      const httplib::Headers headers = {
          {"Authorization", "Bearer " + tokens[static_cast<std::size_t>(c) % tokens.size()]}};
      for (std::size_t i = next++; i < queries.size(); i = next++) {
        RunOneHttp(client, headers, bodies[i], population, queries[i], run, i);
      }
    });
  }
  for (std::thread& w : workers) w.join();
  run.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

struct HttpResult {
  int connections = 0;
  double ready_seconds = 0;  // serve started until listening (the index is built by
                             // the first search, in the warm-up)
  std::vector<std::string> users;
  // The round whose throughput on `connections` is the median of the rounds
  // run (all of them the same queries against the same server).
  Run one;
  Run many;
  // CPU seconds used during that round's run on `connections` by the server
  // and by this process (the clients), which share the machine's cores.
  double server_cpu_seconds = 0;
  double client_cpu_seconds = 0;
  // Searches/s of every round, in the order run.
  std::vector<double> one_rates;
  std::vector<double> many_rates;
};

// Serves the benchmark's store with the product binary and runs the same
// queries over HTTP: makes the store servable (`init`: keys, organisations),
// creates the demonstration users (`demo-users`), starts `serve` with the
// volume limits raised (the benchmark's few users make all the traffic),
// signs the practitioners in, then runs the queries on 1 connection and on
// `connections`, `rounds` times (the median round is kept).
HttpResult RunOverHttp(const fs::path& binary, const fs::path& workdir,
                       const Population& population, const std::vector<BenchQuery>& queries,
                       int connections, int rounds) {
  HttpResult result;
  result.connections = connections;
  const fs::path store = workdir / "cp.db";
  const fs::path log = workdir / "serve.log";
  Check("contactpoint init", bench::RunToCompletion({binary.string(), "init", "--store",
                                                      store.string()}, log));
  Check("contactpoint demo-users",
        bench::RunToCompletion({binary.string(), "demo-users", "--store", store.string(), "--out",
                                (workdir / "credentials.txt").string()},
                               log));
  auto users = bench::ReadDemoCredentials(workdir / "credentials.txt");
  if (!users.ok()) Fail("credentials", users.status());
  std::fprintf(stderr, "[search_bench] starting %s serve...\n", binary.c_str());
  const auto start = Clock::now();
  auto served = bench::ServedStore::Start(
      binary, store,
      {"--searches-per-hour", "999999999", "--searches-per-day", "999999999", "--suspend-at",
       "1000000000", "--alert-searches-without-view", "1000000000"},
      log);
  if (!served.ok()) Fail("serve", served.status());
  result.ready_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<std::string> tokens;
  for (const bench::DemoCredential& user : *users) {
    // Practitioners who find children (DOMAIN.md section 10 cases 1-6).
    if (user.role != "social_worker" && user.role != "health_visitor") continue;
    auto token = bench::SignIn((*served)->port(), user);
    if (!token.ok()) Fail("sign-in", token.status());
    tokens.push_back(std::move(*token));
    result.users.push_back(user.username);
  }
  if (tokens.empty()) Fail("sign-in", core::Status(core::ErrorCode::kNotFound, "no practitioner"));
  std::vector<std::string> bodies;
  bodies.reserve(queries.size());
  for (const BenchQuery& q : queries) bodies.push_back(SearchBody(q.criteria));
  {
    const std::size_t n = std::min<std::size_t>(500, queries.size());
    const std::vector<BenchQuery> warm(queries.begin(), queries.begin() + static_cast<std::ptrdiff_t>(n));
    const std::vector<std::string> warm_bodies(bodies.begin(),
                                               bodies.begin() + static_cast<std::ptrdiff_t>(n));
    RunHttp((*served)->port(), tokens, population, warm, warm_bodies, 1);
  }
  struct Round {
    Run one;
    Run many;
    double server_cpu = 0;
    double client_cpu = 0;
  };
  std::vector<Round> done;
  const double n = static_cast<double>(queries.size());
  for (int r = 0; r < rounds; ++r) {
    if (rounds > 1) std::fprintf(stderr, "[search_bench] HTTP round %d of %d...\n", r + 1, rounds);
    Round round;
    round.one = RunHttp((*served)->port(), tokens, population, queries, bodies, 1);
    const double server_cpu = (*served)->CpuSeconds();
    const double client_cpu = bench::ProcessCpuSeconds(::getpid());
    round.many = RunHttp((*served)->port(), tokens, population, queries, bodies, connections);
    round.server_cpu = (*served)->CpuSeconds() - server_cpu;
    round.client_cpu = bench::ProcessCpuSeconds(::getpid()) - client_cpu;
    result.one_rates.push_back(n / round.one.wall_seconds);
    result.many_rates.push_back(n / round.many.wall_seconds);
    done.push_back(std::move(round));
  }
  std::vector<std::size_t> order(done.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return result.many_rates[a] < result.many_rates[b];
  });
  Round& median = done[order[order.size() / 2]];
  result.one = std::move(median.one);
  result.many = std::move(median.many);
  result.server_cpu_seconds = median.server_cpu;
  result.client_cpu_seconds = median.client_cpu;
  return result;
}

// ---- Why a query missed (comparison levels only) ------------------------------

// How many children matched a "too many matches" search, from its audit
// event's "matched" count (bucketed).
std::string TooManyPattern(audit::AuditLog& audit_log, std::int64_t audit_index) {
  audit::AuditQuery query;
  query.action = audit::Action::kSearch;
  query.before = audit_index + 1;
  query.limit = 1;
  auto events = audit_log.Query(query);
  if (!events.ok() || events->empty() || events->front().index != audit_index) {
    return "too_many_matches";
  }
  for (const auto& [name, count] : events->front().event.counts) {
    if (name != "matched") continue;
    if (count <= 20) return "too_many_matches (11-20 matched)";
    if (count <= 50) return "too_many_matches (21-50 matched)";
    if (count <= 100) return "too_many_matches (51-100 matched)";
    return "too_many_matches (over 100 matched)";
  }
  return "too_many_matches";
}

std::string MissPattern(ingest::Linker& linker, const Population& population,
                        const BenchQuery& q, const core::Clock& clock) {
  const auto today =
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(clock.Now()));
  auto query = search::ValidateCriteria(q.criteria, today);
  if (!query.ok()) return "invalid_query";
  std::lock_guard<core::SharedGate> lock(linker.load_mutex());
  const ContactPointId& truth = population.sample[q.truth].child;
  const auto row = linker.candidate_index().Lookup(truth);
  if (!row) return "child_not_indexed";
  const linkage::LinkageRecord probe = linker.builder().Build(query->probe);
  const linkage::ComparisonVector v = linker.comparator().Compare(probe, *row);
  std::string out;
  for (linkage::Field f : {linkage::Field::kFamilyName, linkage::Field::kGivenName,
                           linkage::Field::kOtherNames, linkage::Field::kDateOfBirth,
                           linkage::Field::kPostcode}) {
    const std::uint8_t level = v.level(f);
    if (level == linkage::MissingLevel(f)) continue;
    if (!out.empty()) out += ' ';
    out += std::string(linkage::FieldName(f)) + "=" +
           std::string(linkage::LevelNames(f)[level]);
  }
  if (query->birth_year && !query->exact_date_of_birth) {
    const bool same = static_cast<int>(row->date_of_birth / 10000) == *query->birth_year;
    out += same ? " year=agree" : " year=disagree";
  }
  return out;
}

// Where the store lives: on tmpfs a commit's fsync costs nothing, so the
// figures show the CPU cost alone (not what a deployment gets).
std::string FileSystemOf(const fs::path& dir) {
  struct statfs info {};
  if (::statfs(dir.c_str(), &info) != 0) return "unknown";
  return info.f_type == 0x01021994 ? "tmpfs" : "disk";
}

// ---- Report --------------------------------------------------------------------

struct KindStats {
  std::size_t n = 0, hit = 0, too_many = 0, no_match = 0, other = 0, error = 0, top1 = 0;
  std::vector<double> micros;
};

std::vector<KindStats> Tally(const std::vector<BenchQuery>& queries, const Run& run) {
  std::vector<KindStats> stats(kKindCount + 1);  // last: overall
  for (std::size_t i = 0; i < queries.size(); ++i) {
    for (KindStats* s : {&stats[static_cast<int>(queries[i].kind)], &stats[kKindCount]}) {
      ++s->n;
      s->micros.push_back(run.micros[i]);
      switch (run.outcomes[i]) {
        case Outcome::kHit: ++s->hit; s->top1 += run.rank[i] == 1 ? 1 : 0; break;
        case Outcome::kTooMany: ++s->too_many; break;
        case Outcome::kNoMatch: ++s->no_match; break;
        case Outcome::kOther: ++s->other; break;
        case Outcome::kError: ++s->error; break;
      }
    }
  }
  return stats;
}

double Share(std::size_t part, std::size_t whole) {
  return whole == 0 ? 0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

void AppendKindJson(std::string& json, const char* name, const KindStats& s,
                    const std::vector<double>& micros_2t) {
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "{\"kind\": \"%s\", \"queries\": %zu, \"p50_ms\": %.3f, \"p95_ms\": %.3f, "
                "\"p99_ms\": %.3f, \"max_ms\": %.3f, \"p99_ms_2_threads\": %.3f, "
                "\"hit_pct\": %.3f, \"top1_pct\": %.3f, \"too_many_pct\": %.3f, "
                "\"no_match_pct\": %.3f, \"other_pct\": %.3f, \"errors\": %zu}",
                name, s.n, Percentile(s.micros, 0.50) / 1000, Percentile(s.micros, 0.95) / 1000,
                Percentile(s.micros, 0.99) / 1000, Percentile(s.micros, 1.0) / 1000,
                Percentile(micros_2t, 0.99) / 1000, Share(s.hit, s.n), Share(s.top1, s.n),
                Share(s.too_many, s.n), Share(s.no_match, s.n), Share(s.other, s.n), s.error);
  json += buf;
}

struct Args {
  std::uint64_t children = 100'000;
  std::size_t queries = 10'000;
  std::uint64_t seed = 202;  // never used for training or tuning (as linkage_eval)
  fs::path workdir;
  std::string json;
  bool keep_store = false;
  fs::path serve;  // the contactpoint binary: also measure over HTTP
  int http_connections = 8;
  int http_rounds = 1;
};

Args Parse(int argc, char** argv) {
  Args a;
  a.workdir = fs::temp_directory_path() / ("cp-search-bench-" + std::to_string(::getpid()));
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "search_bench: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--children") a.children = std::stoull(value());
    else if (arg == "--queries") a.queries = std::stoull(value());
    else if (arg == "--seed") a.seed = std::stoull(value());
    else if (arg == "--workdir") a.workdir = value();
    else if (arg == "--json") a.json = value();
    else if (arg == "--keep-store") a.keep_store = true;
    else if (arg == "--serve") a.serve = value();
    else if (arg == "--http-connections") a.http_connections = std::max(1, std::stoi(value()));
    else if (arg == "--http-rounds") a.http_rounds = std::max(1, std::stoi(value()));
    else {
      std::fprintf(stderr,
                   "usage: search_bench [--children N] [--queries N] [--seed S] "
                   "[--workdir DIR] [--json FILE] [--keep-store]\n"
                   "                    [--serve PATH/TO/contactpoint [--http-connections N] "
                   "[--http-rounds R]]\n");
      std::exit(arg == "--help" ? 0 : 2);
    }
  }
  return a;
}

int Main(int argc, char** argv) {
  const Args args = Parse(argc, argv);
  fs::remove_all(args.workdir);
  fs::create_directories(args.workdir);
  // The day after the extracts: ages and "not in the future" as the data has them.
  core::FakeClock clock(kExtractedAt + std::chrono::hours(24));

  auto data = synth::ReferenceData::Load(CP_SEARCH_BENCH_SYNTH_DIR);
  if (!data.ok()) Fail("synthetic data", data.status());
  auto linker = ingest::Linker::Load(CP_SEARCH_BENCH_LINKAGE_DIR);
  if (!linker.ok()) Fail("linkage data", linker.status());
  auto store = storage::SqliteStore::Open((args.workdir / "cp.db").string(), clock);
  if (!store.ok()) Fail("store", store.status());

  std::fprintf(stderr, "[search_bench] building %llu children (store path)...\n",
               static_cast<unsigned long long>(args.children));
  const Population population =
      Build(**data, **linker, **store, args.children, args.seed, std::max<std::size_t>(args.queries, 20'000));
  data->reset();
  ::malloc_trim(0);
  const std::size_t rss_before_index = ResidentKiB("VmRSS:");

  // The index from the store, as at start-up (Linker::Sync's rebuild).
  const auto index_start = Clock::now();
  {
    std::lock_guard<core::SharedGate> lock((*linker)->load_mutex());
    auto tx = (*store)->Begin(storage::TxMode::kReadWrite);
    if (!tx.ok()) Fail("begin", tx.status());
    (*linker)->Invalidate();
    Check("index sync", (*linker)->Sync(**store, **tx));
    Check("commit", (*tx)->Commit());
  }
  const double index_seconds = std::chrono::duration<double>(Clock::now() - index_start).count();
  ::malloc_trim(0);
  const std::size_t rss_after_index = ResidentKiB("VmRSS:");

  // Checkpoints signed as `serve` signs them.
  const audit::SigningKey key = audit::SigningKey::Generate();
  std::optional<audit::AuditLog> audit_log;
  audit_log.emplace(**store, clock, &key);
  const search::StoredRecordStates states;
  search::SearchOptions options;
  options.limits = {1 << 30, 1 << 30};  // the benchmark is one heavy user
  options.misuse = {1 << 30, 1 << 30};  // ... whose pattern raises no alert
  std::optional<search::SearchService> service;
  service.emplace(search::SearchDeps{**store, *audit_log, clock, **linker, states}, options);

  const std::vector<BenchQuery> queries = MakeQueries(population, args.queries, args.seed);
  std::fprintf(stderr,
               "[search_bench] %llu children, %llu source records written in %.1f s; index "
               "built from the store in %.1f s; %zu queries\n",
               static_cast<unsigned long long>(population.children_written),
               static_cast<unsigned long long>(population.source_records),
               population.generate_and_write_seconds, index_seconds, queries.size());

  // Warm-up (page cache, allocator), not counted.
  {
    std::vector<BenchQuery> warm(queries.begin(),
                                 queries.begin() + static_cast<std::ptrdiff_t>(
                                                       std::min<std::size_t>(500, queries.size())));
    RunAll(*service, population, warm, 1);
  }
  const std::uint64_t syncs_start = (*store)->durability_syncs();
  const Run one = RunAll(*service, population, queries, 1);
  const std::uint64_t syncs_one = (*store)->durability_syncs() - syncs_start;
  const Run two = RunAll(*service, population, queries, 2);
  const std::uint64_t syncs_two = (*store)->durability_syncs() - syncs_start - syncs_one;
  const std::vector<KindStats> stats = Tally(queries, one);
  const std::vector<KindStats> stats_2t = Tally(queries, two);

  // Misses, by comparison levels (single-thread run).
  std::map<int, std::map<std::string, int>> misses;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    if (one.outcomes[i] == Outcome::kHit) continue;
    ++misses[static_cast<int>(queries[i].kind)]
            [one.outcomes[i] == Outcome::kTooMany
                 ? TooManyPattern(*audit_log, one.audit_index[i])
                 : MissPattern(**linker, population, queries[i], clock)];
  }

  // Over HTTP: the in-process service, store and index are released first,
  // so that the server has the machine (and the memory) to itself.
  std::optional<HttpResult> http;
  if (!args.serve.empty()) {
    service.reset();
    audit_log.reset();
    store->reset();
    linker->reset();
    ::malloc_trim(0);
    http = RunOverHttp(args.serve, args.workdir, population, queries, args.http_connections,
                       args.http_rounds);
  }

  std::printf("\nsearch_bench: %llu children (store path: synthetic best views + source records "
              "in SQLite, index by Linker::Sync), seed %llu\n",
              static_cast<unsigned long long>(population.children_written),
              static_cast<unsigned long long>(args.seed));
  const std::string store_fs = FileSystemOf(args.workdir);
  std::printf("store on %s (SQLite WAL, group commit: every search's commit durable before it "
              "answers)\n",
              store_fs.c_str());
  std::printf("fsyncs per search: %.2f (1 thread), %.2f (2 threads)\n",
              static_cast<double>(syncs_one) / static_cast<double>(queries.size()),
              static_cast<double>(syncs_two) / static_cast<double>(queries.size()));
  std::printf("index build %.1f s; RSS %.0f MiB before index, %.0f MiB after (peak %.0f MiB)\n",
              index_seconds, rss_before_index / 1024.0, rss_after_index / 1024.0,
              ResidentKiB("VmHWM:") / 1024.0);
  std::printf("throughput: %.0f searches/s (1 thread), %.0f searches/s (2 threads)\n\n",
              static_cast<double>(queries.size()) / one.wall_seconds,
              static_cast<double>(queries.size()) / two.wall_seconds);
  std::printf("%-16s %6s %5s %8s %8s %8s %9s %7s %7s %8s %8s %7s\n", "kind", "n", "mix%",
              "p50 ms", "p95 ms", "p99 ms", "p99 2t", "hit%", "top1%", "toomany%", "nomatch%",
              "other%");
  for (int k = 0; k <= kKindCount; ++k) {
    const KindStats& s = stats[k];
    std::printf("%-16s %6zu %5.1f %8.2f %8.2f %8.2f %9.2f %7.2f %7.2f %8.2f %8.2f %7.2f\n",
                k == kKindCount ? "overall" : kKinds[k].name, s.n, Share(s.n, queries.size()),
                Percentile(s.micros, 0.50) / 1000, Percentile(s.micros, 0.95) / 1000,
                Percentile(s.micros, 0.99) / 1000, Percentile(stats_2t[k].micros, 0.99) / 1000,
                Share(s.hit, s.n), Share(s.top1, s.n), Share(s.too_many, s.n),
                Share(s.no_match, s.n), Share(s.other, s.n));
  }
  if (http) {
    const std::vector<KindStats> h1 = Tally(queries, http->one);
    const std::vector<KindStats> hn = Tally(queries, http->many);
    std::printf("\nover HTTP on loopback: `contactpoint serve` (its own process, %d worker threads; "
                "listening after %.1f s, index built at its first search, in the warm-up), POST /api/v1/searches as %zu "
                "signed-in practitioners; latency = client round trip\n",
                http::ServerOptions().worker_threads, http->ready_seconds, http->users.size());
    const double server_ms = 1000 * http->server_cpu_seconds / static_cast<double>(queries.size());
    std::printf("throughput: %.0f searches/s (1 connection), %.0f searches/s (%d connections)\n",
                static_cast<double>(queries.size()) / http->one.wall_seconds,
                static_cast<double>(queries.size()) / http->many.wall_seconds, http->connections);
    std::printf("CPU per search on %d connections: server %.3f ms, clients %.3f ms (the clients "
                "share the cores; on 2 cores of its own the server could do at most %.0f searches/s)\n\n",
                http->connections, server_ms,
                1000 * http->client_cpu_seconds / static_cast<double>(queries.size()),
                server_ms > 0 ? 2000 / server_ms : 0.0);
    if (http->many_rates.size() > 1) {
      auto list = [](const std::vector<double>& rates) {
        std::string out;
        for (double r : rates) out += (out.empty() ? "" : ", ") + std::to_string(std::lround(r));
        return out;
      };
      std::printf("%zu rounds, the median one (by %d connections) shown: searches/s on %d "
                  "connections %s; on 1 connection %s\n\n",
                  http->many_rates.size(), http->connections, http->connections,
                  list(http->many_rates).c_str(), list(http->one_rates).c_str());
    }
    std::printf("%-16s %6s %8s %8s %8s %9s %7s %7s %7s\n", "kind", "n", "p50 ms", "p95 ms",
                "p99 ms", "p99 Nc", "hit%", "hit%Nc", "errors");
    for (int k = 0; k <= kKindCount; ++k) {
      std::printf("%-16s %6zu %8.2f %8.2f %8.2f %9.2f %7.2f %7.2f %7zu\n",
                  k == kKindCount ? "overall" : kKinds[k].name, h1[k].n,
                  Percentile(h1[k].micros, 0.50) / 1000, Percentile(h1[k].micros, 0.95) / 1000,
                  Percentile(h1[k].micros, 0.99) / 1000, Percentile(hn[k].micros, 0.99) / 1000,
                  Share(h1[k].hit, h1[k].n), Share(hn[k].hit, hn[k].n),
                  h1[k].error + hn[k].error);
    }
  }
  std::printf("\nmisses by comparison levels of the query against the right child's index row:\n");
  for (const auto& [kind, patterns] : misses) {
    std::vector<std::pair<int, std::string>> sorted;
    for (const auto& [p, n] : patterns) sorted.emplace_back(n, p);
    std::sort(sorted.rbegin(), sorted.rend());
    std::printf("  %s:\n", kKinds[kind].name);
    for (std::size_t i = 0; i < std::min<std::size_t>(6, sorted.size()); ++i) {
      std::printf("    %5d  %s\n", sorted[i].first, sorted[i].second.c_str());
    }
  }

  if (!args.json.empty()) {
    std::string json;
    char buf[1024];
    std::snprintf(buf, sizeof buf,
                  "{\"benchmark\": \"search_bench\", \"population\": \"store\", \"store_fs\": \"%s\", "
                  "\"children\": %llu, "
                  "\"source_records\": %llu, \"seed\": %llu, \"queries\": %zu, "
                  "\"populate_seconds\": %.2f, \"index_build_seconds\": %.2f, "
                  "\"rss_mib_before_index\": %.1f, \"rss_mib_after_index\": %.1f, "
                  "\"rss_mib_peak\": %.1f, \"searches_per_s_1_thread\": %.1f, "
                  "\"searches_per_s_2_threads\": %.1f, \"fsyncs_per_search_1_thread\": %.3f, "
                  "\"fsyncs_per_search_2_threads\": %.3f, \"kinds\": [",
                  store_fs.c_str(), static_cast<unsigned long long>(population.children_written),
                  static_cast<unsigned long long>(population.source_records),
                  static_cast<unsigned long long>(args.seed), queries.size(),
                  population.generate_and_write_seconds, index_seconds, rss_before_index / 1024.0,
                  rss_after_index / 1024.0, ResidentKiB("VmHWM:") / 1024.0,
                  static_cast<double>(queries.size()) / one.wall_seconds,
                  static_cast<double>(queries.size()) / two.wall_seconds,
                  static_cast<double>(syncs_one) / static_cast<double>(queries.size()),
                  static_cast<double>(syncs_two) / static_cast<double>(queries.size()));
    json += buf;
    for (int k = 0; k <= kKindCount; ++k) {
      if (k > 0) json += ", ";
      AppendKindJson(json, k == kKindCount ? "overall" : kKinds[k].name, stats[k],
                     stats_2t[k].micros);
    }
    json += "], \"misses\": {";
    bool first_kind = true;
    for (const auto& [kind, patterns] : misses) {
      json += std::string(first_kind ? "" : ", ") + "\"" + kKinds[kind].name + "\": {";
      first_kind = false;
      bool first = true;
      for (const auto& [p, n] : patterns) {
        json += std::string(first ? "" : ", ") + "\"" + p + "\": " + std::to_string(n);
        first = false;
      }
      json += "}";
    }
    json += "}";
    if (http) {
      const KindStats h1 = Tally(queries, http->one)[kKindCount];
      const KindStats hn = Tally(queries, http->many)[kKindCount];
      std::snprintf(buf, sizeof buf,
                    ", \"http\": {\"connections\": %d, \"server_threads\": %d, "
                    "\"ready_seconds\": %.2f, \"users\": %zu, "
                    "\"searches_per_s_1_connection\": %.1f, \"searches_per_s_n_connections\": %.1f, "
                    "\"p50_ms\": %.3f, \"p95_ms\": %.3f, \"p99_ms\": %.3f, "
                    "\"p99_ms_n_connections\": %.3f, \"hit_pct\": %.3f, "
                    "\"hit_pct_n_connections\": %.3f, \"errors\": %zu, "
                    "\"server_cpu_ms_per_search\": %.4f, \"client_cpu_ms_per_search\": %.4f",
                    http->connections, http::ServerOptions().worker_threads, http->ready_seconds,
                    http->users.size(), static_cast<double>(queries.size()) / http->one.wall_seconds,
                    static_cast<double>(queries.size()) / http->many.wall_seconds,
                    Percentile(h1.micros, 0.50) / 1000, Percentile(h1.micros, 0.95) / 1000,
                    Percentile(h1.micros, 0.99) / 1000, Percentile(hn.micros, 0.99) / 1000,
                    Share(h1.hit, h1.n), Share(hn.hit, hn.n), h1.error + hn.error,
                    1000 * http->server_cpu_seconds / static_cast<double>(queries.size()),
                    1000 * http->client_cpu_seconds / static_cast<double>(queries.size()));
      json += buf;
      auto array = [](const std::vector<double>& rates) {
        std::string out = "[";
        for (std::size_t i = 0; i < rates.size(); ++i) {
          out += (i ? ", " : "") + std::to_string(std::lround(rates[i]));
        }
        return out + "]";
      };
      json += ", \"rounds_searches_per_s_n_connections\": " + array(http->many_rates) +
              ", \"rounds_searches_per_s_1_connection\": " + array(http->one_rates) + "}";
    }
    json += "}\n";
    std::ofstream(args.json) << json;
  }
  if (!args.keep_store) fs::remove_all(args.workdir);
  return 0;
}

}  // namespace
}  // namespace cp

int main(int argc, char** argv) { return cp::Main(argc, argv); }
