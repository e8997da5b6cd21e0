#include "ingest/loader.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <shared_mutex>
#include <thread>

#include "ingest/parser.h"
#include "ingest/testing/linker_suite.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/testing/fault_injecting_store.h"

namespace cp::ingest {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;

constexpr const char* kNhsA = "9434765919";
constexpr const char* kNhsB = "4010232137";

std::string Header(const std::string& source, const std::string& batch, const std::string& mode,
                   int sequence) {
  return "{\"contactpoint_feed\": 1, \"source\": \"" + source + "\", \"batch\": \"" + batch +
         "\", \"sequence\": " + std::to_string(sequence) +
         ", \"extracted_at\": \"2026-11-21T02:00:00Z\", \"mode\": \"" + mode + "\"}\n";
}

// A boy "GIVEN Hynd" born 2012-03-12 at 4 Mill Lane, Borehamwood; with an
// NHS number if one is given.
std::string AtHome(const std::string& key, const std::string& given,
                   const std::string& nhs = "") {
  return "{\"key\": \"" + key + "\", \"op\": \"upsert\", \"child\": {\"given_names\": \"" +
         given + "\", \"family_name\": \"Hynd\", " +
         (nhs.empty() ? std::string() : "\"identifiers\": {\"nhs_number\": \"" + nhs + "\"}, ") +
         "\"gender\": \"male\", \"date_of_birth\": \"2012-03-12\", \"address\": {\"lines\": "
         "[\"4 Mill Lane\", \"Borehamwood\"], \"postcode\": \"WD6 5GJ\"}}}\n";
}

std::string Upsert(const std::string& key, const std::string& given, const std::string& family,
                   const std::string& nhs, const std::string& events = "[]") {
  std::string ids = nhs.empty() ? "{}" : "{\"nhs_number\": \"" + nhs + "\"}";
  return "{\"key\": \"" + key + "\", \"op\": \"upsert\", \"child\": {\"given_names\": \"" + given +
         "\", \"family_name\": \"" + family +
         "\", \"gender\": \"female\", \"date_of_birth\": \"2015-03-02\", \"identifiers\": " + ids +
         "}, \"events\": " + events + "}\n";
}

// Record i of a batch of distinct children: each its own date of birth, so
// that the matcher makes one child per record.
std::string Distinct(int i, const std::string& nhs = "") {
  static const char* kGiven[] = {"Amelia", "Oscar", "Isla", "Noah", "Freya", "Arthur"};
  static const char* kFamily[] = {"Patel", "Evans", "Walker", "Wright", "Thompson"};
  char dob[40];  // room for any int, so the compiler can see nothing is cut
  std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", 2008 + i % 10, 1 + (i / 10) % 12,
                1 + (i / 120) % 28);
  std::string line = Upsert("K" + std::to_string(i), kGiven[i % 6], kFamily[i % 5], nhs);
  line.replace(line.find("2015-03-02"), 10, dob);
  return line;
}

// The store's logical content, to compare before and after a failed load.
struct Snapshot {
  storage::StoreInfo info;
  std::int64_t audit_size = 0;
  std::vector<std::string> links;
  std::vector<std::string> sources;
  bool operator==(const Snapshot& o) const {
    return info.children == o.info.children && info.source_records == o.info.source_records &&
           info.last_change == o.info.last_change && audit_size == o.audit_size &&
           links == o.links && sources == o.sources;
  }
};

Snapshot Take(storage::Store& store) {
  Snapshot s;
  s.info = *store.Info();
  s.audit_size = *store.AuditLogSize();
  auto tx = store.Begin(storage::TxMode::kReadOnly);
  EXPECT_TRUE(tx.ok());
  EXPECT_TRUE((*tx)->ForEachSourceLink(std::nullopt, [&](const storage::SourceLink& l) {
    s.links.push_back(l.source.value() + "/" + l.key.value() + "/" +
                      (l.child ? l.child->ToString() : "-") + "/" +
                      std::string(storage::LinkStateName(l.state)));
    return core::Status::Ok();
  }).ok());
  auto sources = (*tx)->ListSources();
  EXPECT_TRUE(sources.ok());
  for (const auto& src : *sources) {
    s.sources.push_back(src.id.value() + "/" + std::string(domain::SourceStateName(src.state)));
  }
  return s;
}

class LoaderTest : public testing::LinkerSuite {
 protected:
  void SetUp() override {
    linker_->Invalidate();  // each test has a store of its own
    linker_->set_cluster_cache_limit(Linker::kDefaultClusterCacheLimit);
    linker_->set_rebuild_chunk(Linker::kDefaultRebuildChunk);
    // A parameterised test's name has a '/' in it ("Name/Default"): one
    // directory, so that TearDown removes all of it.
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = fs::temp_directory_path() / ("cp_loader_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "store.db").string();
    store_ = std::move(*storage::SqliteStore::Open(path_, clock_));
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    Register("gro-births", domain::SourceState::kActive);
    Register("nhs-pds", domain::SourceState::kActive);
    Register("la-new", domain::SourceState::kInstanceAccredited);
  }
  void TearDown() override {
    audit_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  void Register(const std::string& id, domain::SourceState state,
                domain::SourceKind kind = domain::SourceKind::kNational) {
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    storage::SourceEntry s;
    s.id = domain::SourceId(id);
    s.name = "Test " + id;
    s.kind = kind;
    s.state = state;
    s.created_at = s.updated_at = clock_.Now();
    ASSERT_TRUE((*tx)->PutSource(s).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  // Loads one gro-births batch of Distinct(i, nhs[i]) for each number:
  // one new child each.
  void LoadDistinctChildren(const std::vector<std::string>& nhs) {
    std::string batch = Header("gro-births", "b1", "delta", 1);
    for (std::size_t i = 0; i < nhs.size(); ++i) batch += Distinct(static_cast<int>(i), nhs[i]);
    auto loaded = Load("gro-births", Write("1.jsonl", batch));
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    ASSERT_EQ(loaded->receipt.created, static_cast<std::int64_t>(nhs.size()));
  }

  // The stored record SOURCE:KEY (a default one, and a failure, if none).
  storage::SourceRecord Record(const char* source, const char* key) {
    auto tx = store_->Begin(storage::TxMode::kReadOnly);
    EXPECT_TRUE(tx.ok());
    if (!tx.ok()) return {};
    auto r = (*tx)->GetSourceRecord(domain::SourceId(source), domain::SourceKey(key));
    EXPECT_TRUE(r.ok()) << source << ":" << key << " " << r.status().ToString();
    return r.ok() ? *r : storage::SourceRecord{};
  }

  // A count read straight from the store's file (committed data only).
  std::int64_t QueryCount(const char* sql) {
    sqlite3* db = nullptr;
    std::int64_t count = -1;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
          sqlite3_step(stmt) == SQLITE_ROW) {
        count = sqlite3_column_int64(stmt, 0);
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    EXPECT_GE(count, 0) << sql;
    return count;
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  core::StatusOr<LoadResult> Load(const std::string& source, const std::string& file,
                                  storage::Store* store = nullptr) {
    storage::Store& s = store ? *store : *store_;
    audit::AuditLog log(s, clock_);
    BatchLoader loader(s, log, clock_, random_, *linker_);
    return loader.LoadFile(domain::SourceId(source), file);
  }

  // Loads `file` through a Linker of its own, as another process would.
  core::StatusOr<LoadResult> LoadElsewhere(const std::string& source, const std::string& file) {
    ASSIGN_OR_RETURN(std::unique_ptr<Linker> other, Linker::Load(CP_LINKAGE_DATA_DIR));
    audit::AuditLog log(*store_, clock_);
    BatchLoader loader(*store_, log, clock_, random_, *other);
    return loader.LoadFile(domain::SourceId(source), file);
  }

  fs::path dir_;
  std::string path_;
  core::FakeClock clock_{core::FromUnixMillis(1'790'000'000'000)};
  core::SeededRandom random_{42};
  std::unique_ptr<storage::SqliteStore> store_;
  std::unique_ptr<audit::AuditLog> audit_;
};

// The tests of what a batch writes and reads back, run twice: with the
// Linker's cluster cache as it is, and holding one child, so that nearly
// every child a batch writes to is dropped from the cache before it is met
// again and is read back through the writer (loader.cc, Applier::Cluster).
class LoaderCacheTest : public LoaderTest, public ::testing::WithParamInterface<std::size_t> {
 protected:
  void SetUp() override {
    LoaderTest::SetUp();
    linker_->set_cluster_cache_limit(GetParam());
  }
};

INSTANTIATE_TEST_SUITE_P(ClusterCache, LoaderCacheTest,
                         ::testing::Values(Linker::kDefaultClusterCacheLimit, 1),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return std::string(info.param == 1 ? "OneChild" : "Default");
                         });

TEST_P(LoaderCacheTest, LoadsABatchLinkingSameNhsNumberAcrossSources) {
  const std::string gro = Write("gro.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                 Upsert("G1", "Amelia", "Smith", kNhsA) +
                                                 Upsert("G2", "Bella", "Jones", kNhsB) +
                                                 Upsert("G3", "Cara", "Khan", ""));
  auto first = Load("gro-births", gro);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->already_loaded);
  EXPECT_EQ(first->receipt.records, 3);
  EXPECT_EQ(first->receipt.accepted, 3);
  EXPECT_EQ(first->receipt.created, 3);
  EXPECT_EQ(first->receipt.linked, 0);

  const std::string pds = Write("pds.jsonl", Header("nhs-pds", "p1", "delta", 1) +
                                                 Upsert("P1", "Amy", "Smith", kNhsA) +
                                                 Upsert("P2", "Dan", "Wu", ""));
  auto second = Load("nhs-pds", pds);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->receipt.linked, 1);
  EXPECT_EQ(second->receipt.created, 1);
  EXPECT_EQ(store_->Info()->children, 4);

  // The linked child's best view keeps both names: the newest wins, the other is an alias.
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto pds_record = (*tx)->GetSourceRecord(domain::SourceId("nhs-pds"), domain::SourceKey("P1"));
  auto gro_record = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G1"));
  ASSERT_TRUE(pds_record.ok() && gro_record.ok());
  EXPECT_EQ(pds_record->child, gro_record->child);
  auto child = (*tx)->GetChild(*pds_record->child);
  ASSERT_TRUE(child.ok());
  ASSERT_EQ(child->other_names.size(), 1u);

  // Every load is audited with its source, batch and counts.
  auto events = audit_->Query(audit::AuditQuery{});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].event.action, audit::Action::kApplyFeed);
  EXPECT_EQ((*events)[0].event.actor.id, "nhs-pds");
  EXPECT_EQ((*events)[0].event.subject, "p1");
}

TEST_F(LoaderTest, IdenticalResubmissionChangesNothingAndReturnsTheOriginalReceipt) {
  const std::string content = Header("gro-births", "b1", "delta", 1) +
                              Upsert("G1", "Amelia", "Smith", kNhsA) + "not json\n";
  const std::string file = Write("b1.jsonl", content);
  auto first = Load("gro-births", file);
  ASSERT_TRUE(first.ok());
  const Snapshot before = Take(*store_);
  clock_.Advance(std::chrono::hours(1));
  auto again = Load("gro-births", Write("b1-again.jsonl", content));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_loaded);
  EXPECT_EQ(ReceiptToJson(again->receipt), ReceiptToJson(first->receipt));
  EXPECT_EQ(Take(*store_), before);
}

// A load reports where its time went: each thread's CPU time within the
// time it took (a thread cannot use more CPU than the time it ran), every
// thread having done some work; a batch loaded before reports nothing.
TEST_F(LoaderTest, ALoadReportsItsTimings) {
  std::string content = Header("gro-births", "b1", "delta", 1);
  for (int i = 0; i < 200; ++i) {
    content += Upsert("G" + std::to_string(i), "Amelia", "Smith", "");
  }
  const std::string file = Write("b1.jsonl", content);
  auto loaded = Load("gro-births", file);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const LoadTimings& t = loaded->timings;
  EXPECT_GT(t.applying.count(), 0);
  EXPECT_GT(t.committing.count(), 0);
  EXPECT_GE(t.writer_calls, 1);  // at least the first block of new IDs
  EXPECT_LE(t.writer_call_wait.count() + t.writer_queue_wait.count(), t.applying.count());
  for (const core::Seconds cpu : {t.reading_cpu, t.matching_cpu, t.writing_cpu}) {
    EXPECT_GT(cpu.count(), 0);
    EXPECT_LE(cpu.count(), t.applying.count() + 0.01);
  }
  auto again = Load("gro-births", file);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_loaded);
  EXPECT_EQ(again->timings.applying.count(), 0);
  EXPECT_EQ(again->timings.writing_cpu.count(), 0);
}

TEST_F(LoaderTest, SameBatchIdWithDifferentContentIsRefused) {
  ASSERT_TRUE(Load("gro-births", Write("a.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA)))
                  .ok());
  const Snapshot before = Take(*store_);
  auto changed = Load("gro-births", Write("b.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                         Upsert("G1", "Amelia", "Smyth", kNhsA)));
  EXPECT_EQ(changed.status().code(), ErrorCode::kBatchConflict);
  Snapshot after = Take(*store_);
  EXPECT_EQ(after.audit_size, before.audit_size + 1);  // the refusal is audited
  after.audit_size = before.audit_size;
  EXPECT_EQ(after, before);
  auto refusals = audit_->Query(audit::AuditQuery{});
  ASSERT_TRUE(refusals.ok());
  EXPECT_EQ((*refusals)[0].event.outcome, audit::Outcome::kRefused);
  EXPECT_EQ((*refusals)[0].event.refusal, "batch_conflict");
}

TEST_F(LoaderTest, SequenceGapsAreReportedNotFatal) {
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 41) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA)))
                  .ok());
  auto next = Load("gro-births", Write("2.jsonl", Header("gro-births", "b2", "delta", 42) +
                                                      Upsert("G2", "Bo", "Smith", "")));
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->receipt.expected_sequence.has_value());
  auto gap = Load("gro-births", Write("3.jsonl", Header("gro-births", "b3", "delta", 45) +
                                                     Upsert("G3", "Cy", "Smith", "")));
  ASSERT_TRUE(gap.ok());
  EXPECT_EQ(gap->receipt.expected_sequence, 43);
  EXPECT_NE(ReceiptToText(gap->receipt, 10).find("sequence gap"), std::string::npos);
}

TEST_F(LoaderTest, OnlyAnActiveSourceMayLoadAndOnlyItsOwnBatches) {
  const std::string batch = Header("la-new", "b1", "delta", 1) + Upsert("L1", "Ann", "Lee", "");
  const Snapshot before = Take(*store_);
  EXPECT_EQ(Load("la-new", Write("l.jsonl", batch)).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Load("nobody", Write("n.jsonl", batch)).status().code(), ErrorCode::kSourceNotFound);
  auto other = Load("gro-births", Write("o.jsonl", batch));
  EXPECT_EQ(other.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(other.status().message().find("its own batches"), std::string::npos);
  Snapshot after = Take(*store_);
  EXPECT_EQ(after.audit_size, before.audit_size + 2);  // both refusals are audited
  after.audit_size = before.audit_size;
  EXPECT_EQ(after, before);
}

TEST_F(LoaderTest, RejectedLinesAreQuarantinedWithTheBatch) {
  const std::string bad = "{\"key\": \"G9\", \"op\": \"upsert\", \"child\": {\"family_name\": "
                          "\"Smith\", \"date_of_birth\": \"2015-03-02\", \"notes\": \"x\"}}";
  auto result = Load("gro-births", Write("q.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                        Upsert("G1", "Amelia", "Smith", kNhsA) +
                                                        bad + "\n"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->receipt.rejected, 1);
  ASSERT_EQ(result->receipt.rejections.size(), 1u);
  EXPECT_EQ(result->receipt.rejections[0].line, 3);
  EXPECT_EQ(result->receipt.rejections[0].field, "child.notes");
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto quarantine = (*tx)->QuarantineOf(domain::SourceId("gro-births"), domain::BatchId("b1"));
  ASSERT_TRUE(quarantine.ok());
  ASSERT_EQ(quarantine->size(), 1u);
  EXPECT_EQ((*quarantine)[0].raw_line.Reveal(), bad);
  EXPECT_EQ((*quarantine)[0].field, "child.notes");
}

TEST_P(LoaderCacheTest, FullModeWithdrawsWhatIsNoLongerSuppliedAndWithdrawOpsWork) {
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA) +
                                                      Upsert("G2", "Bo", "Smith", "") +
                                                      Upsert("G3", "Cy", "Smith", "")))
                  .ok());
  auto full = Load("gro-births", Write("2.jsonl", Header("gro-births", "b2", "full", 2) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA) +
                                                      "{\"key\": \"G2\", \"op\": \"withdraw\"}\n"));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->receipt.withdrawn, 2);  // G2 by op, G3 by absence
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  for (const char* key : {"G2", "G3"}) {
    auto r = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey(key));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->state, storage::LinkState::kWithdrawn) << key;
  }
  auto g1 = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G1"));
  EXPECT_EQ(g1->state, storage::LinkState::kLinked);
}

// A full batch that no longer lists two records of one child withdraws
// both, though another child's record is withdrawn between them: the child
// is left with no current record and leaves the index.
TEST_P(LoaderCacheTest, AFullBatchWithdrawsEveryUnlistedRecordOfAChild) {
  Register("la-visits", domain::SourceState::kActive, domain::SourceKind::kLocal);
  auto first = Load("la-visits", Write("1.jsonl", Header("la-visits", "v1", "delta", 1) +
                                                      Upsert("V0", "Cy", "Ng", "") +
                                                      Upsert("V1", "Amelia", "Smith", kNhsA) +
                                                      Upsert("V2", "Bo", "Khan", "") +
                                                      Upsert("V3", "Amelia", "Smith", kNhsA)));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(Record("la-visits", "V3").child, Record("la-visits", "V1").child);
  ASSERT_EQ(linker_->indexed_children(), 3u);
  auto full = Load("la-visits", Write("2.jsonl", Header("la-visits", "v2", "full", 2) +
                                                     Upsert("V0", "Cy", "Ng", "")));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->receipt.withdrawn, 3);
  EXPECT_EQ(linker_->indexed_children(), 1u);  // V0's child only
}

// `n` distinct valid NHS numbers (mod-11 check digit; stems whose check
// digit would be 10 are skipped).
std::vector<std::string> NhsNumbers(int n) {
  std::vector<std::string> out;
  for (int stem = 0; static_cast<int>(out.size()) < n; ++stem) {
    const std::string first9 = std::to_string(400000000 + stem * 7);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (first9[i] - '0') * (10 - i);
    const int check = (11 - sum % 11) % 11;
    if (check != 10) out.push_back(first9 + static_cast<char>('0' + check));
  }
  return out;
}

// A load the index was not built for (a new process, or after a failed
// load) rebuilds it from every current child in the store: here from more
// than twice the children handed at once from the store's reader to the
// index's builder, so the last child of a part-filled last hand-over must be
// found too.
TEST_F(LoaderTest, AnIndexRebuiltFromTheStoreHoldsEveryCurrentChild) {
  constexpr int kChildren = 3000;
  linker_->set_rebuild_chunk(1024);
  const std::vector<std::string> nhs = NhsNumbers(kChildren);
  ASSERT_NO_FATAL_FAILURE(LoadDistinctChildren(nhs));
  linker_->Invalidate();
  const int last = kChildren - 1;
  auto second = Load("nhs-pds", Write("2.jsonl", Header("nhs-pds", "p1", "delta", 1) +
                                                     Distinct(last, nhs[last])));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->receipt.linked, 1);
  EXPECT_EQ(linker_->indexed_children(), static_cast<std::size_t>(kChildren));
  const std::string key = "K" + std::to_string(last);
  EXPECT_EQ(Record("nhs-pds", key.c_str()).child, Record("gro-births", key.c_str()).child);
}

// A store read failing part way through that rebuild fails the load, which
// applies nothing; the next load rebuilds the index whole.
TEST_F(LoaderTest, AnIndexRebuildThatFailsPartWayFailsTheLoadAndIsDoneAgain) {
  constexpr int kChildren = 2148;
  linker_->set_rebuild_chunk(1024);
  const std::vector<std::string> nhs = NhsNumbers(kChildren);
  ASSERT_NO_FATAL_FAILURE(LoadDistinctChildren(nhs));
  const std::string file =
      Write("2.jsonl", Header("nhs-pds", "p1", "delta", 1) + Distinct(7, nhs[7]));
  const Snapshot before = Take(*store_);
  storage::testing::FaultInjectingStore faulty(*store_);
  for (int after : {1, 1500}) {  // in the first hand-over, and in the second
    linker_->Invalidate();
    faulty.FailCurrentChildrenAfter(after);
    EXPECT_EQ(Load("nhs-pds", file, &faulty).status().code(), ErrorCode::kStoreIo) << after;
    EXPECT_EQ(Take(*store_), before) << after;
  }
  faulty.FailCurrentChildrenAfter(0);
  auto loaded = Load("nhs-pds", file, &faulty);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->receipt.linked, 1);
  EXPECT_EQ(linker_->indexed_children(), static_cast<std::size_t>(kChildren));
}

// The store writes run on a writer thread while the loader reads the store
// as the batch found it: what the batch itself wrote must still be what a
// later record of the same batch sees (a key repeated, a child created or
// emptied earlier in the batch).
TEST_P(LoaderCacheTest, ALaterRecordOfABatchSeesWhatEarlierRecordsOfItWrote) {
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA) +
                                                      Upsert("G2", "Bo", "Smith", "")))
                  .ok());
  ASSERT_EQ(linker_->indexed_children(), 2u);
  auto second = Load(
      "gro-births",
      Write("2.jsonl", Header("gro-births", "b2", "delta", 2) + Upsert("G3", "Cara", "Khan", "") +
                           "{\"key\": \"G3\", \"op\": \"withdraw\"}\n" +
                           Upsert("G3", "Cara", "Khan", "") +
                           Upsert("G1", "Amelia Rose", "Smith", kNhsA) +
                           "{\"key\": \"G2\", \"op\": \"withdraw\"}\n" +
                           Upsert("P9", "Amelia Rose", "Smith", kNhsA)));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  // G3 made a child, left it and made another (the first, with no current
  // record, keeps its last best view out of the index); G2 left its child.
  EXPECT_EQ(second->receipt.records, 6);
  EXPECT_EQ(second->receipt.withdrawn, 2);
  EXPECT_EQ(second->receipt.created, 2);
  EXPECT_EQ(store_->Info()->children, 4);
  EXPECT_EQ(linker_->indexed_children(), 2u);  // G1's child and G3's second
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto record = [&](const char* key) {
    return *(*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey(key));
  };
  EXPECT_EQ(record("G2").state, storage::LinkState::kWithdrawn);
  const storage::SourceRecord g3 = record("G3");
  ASSERT_EQ(g3.state, storage::LinkState::kLinked);
  EXPECT_EQ((*tx)->GetChild(*g3.child)->name.given_names.Reveal(), "Cara");
  // P9 (same NHS number) joined G1's child, whose best view has G1's new name.
  const storage::SourceRecord g1 = record("G1");
  EXPECT_EQ(record("P9").child, g1.child);
  auto child = (*tx)->GetChild(*g1.child);
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->name.given_names.Reveal(), "Amelia Rose");
  auto records = (*tx)->SourceRecordsOf(*g1.child);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->size(), 2u);
}

// A child this batch wrote to, met again after another child's records
// took its place in the cache, is as the batch left it: P9 joins G1's
// child, whose best view keeps the name G1 gave earlier in the batch beside
// P9's.
TEST_P(LoaderCacheTest, AChildThisBatchWroteToIsMetAgainAsWritten) {
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA) +
                                                      Upsert("G2", "Bo", "Khan", "")))
                  .ok());
  auto second = Load("gro-births",
                     Write("2.jsonl", Header("gro-births", "b2", "delta", 2) +
                                          Upsert("G1", "Amelia Rose", "Smith", kNhsA) +
                                          Upsert("G2", "Bo", "Khan", "") +
                                          Upsert("P9", "Amelia", "Smith", kNhsA)));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->receipt.linked, 3);
  const storage::SourceRecord g1 = Record("gro-births", "G1");
  ASSERT_TRUE(g1.child.has_value());
  EXPECT_EQ(Record("gro-births", "P9").child, g1.child);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  ASSERT_TRUE(tx.ok());
  auto child = (*tx)->GetChild(*g1.child);
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  std::vector<std::string> names = {child->name.given_names.Reveal()};
  for (const domain::PersonName& other : child->other_names) {
    names.push_back(other.given_names.Reveal());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"Amelia", "Amelia Rose"}));
}

// A cluster cache full of children the batch wrote to keeps those it wrote
// last: a child met again soon after it was written (a household's next
// record) is found there, not read back through the writer, which waits for
// every write queued before. Dropping them all made those reads too.
TEST_F(LoaderTest, AFullClusterCacheKeepsTheChildrenWrittenLast) {
  linker_->set_cluster_cache_limit(4);
  // Five new children, then the record of one of them again; the load's
  // calls to the writer.
  auto calls = [&](const std::string& batch, int sequence, int first,
                   int again) -> std::int64_t {
    std::string content = Header("gro-births", batch, "delta", sequence);
    for (int i = first; i < first + 5; ++i) content += Distinct(i);
    content += Distinct(again);
    auto loaded = Load("gro-births", Write(batch + ".jsonl", content));
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    if (!loaded.ok()) return -1;
    EXPECT_EQ(loaded->receipt.created, 5);
    linker_->Invalidate();  // the next load starts as this one did
    return loaded->timings.writer_calls;
  };
  // The fifth child fills the cache: the first two written are dropped.
  const std::int64_t fourth_again = calls("b1", 1, 0, 3);
  const std::int64_t first_again = calls("b2", 2, 10, 10);
  EXPECT_GE(fourth_again, 0);
  EXPECT_LT(fourth_again, first_again);
}

// A record that a later line of the same batch changes (same batch, same
// time) is compared as changed when it is a later record's candidate: what
// the loader keeps of a batch's records (its cluster cache, anything built
// from them) follows every write.
TEST_P(LoaderCacheTest, ACandidatesRecordIsComparedAsItWasLastWritten) {
  auto first = Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                       AtHome("G1", "Oscar") +
                                                       AtHome("G1", "Tobias")));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->receipt.created, 1);
  // As "Oscar" the record would be Tobias's twin (same birth, family and
  // home, another name), never linked to him.
  auto second = Load("nhs-pds", Write("2.jsonl", Header("nhs-pds", "p1", "delta", 1) +
                                                     AtHome("P1", "Tobias")));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->receipt.linked, 1);
  EXPECT_EQ(second->receipt.created, 0);
  EXPECT_EQ(Record("nhs-pds", "P1").child, Record("gro-births", "G1").child);
}

// New children's IDs are issued in blocks, the next block queued before the
// last runs out; a block issued but not given out is the next load's.
TEST_F(LoaderTest, ContactPointIdsIssuedButNotGivenOutAreTheNextLoads) {
  std::string first = Header("gro-births", "b1", "delta", 1);
  for (int i = 0; i < 40; ++i) first += Distinct(i);
  auto a = Load("gro-births", Write("1.jsonl", first));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->receipt.created, 40);
  // 16, then 32 (queued when 8 were left), then 64 (queued when 16 of the
  // 32 were left, and not given out).
  const std::int64_t after_first = QueryCount("SELECT count(*) FROM issued_ids");
  EXPECT_EQ(after_first, 16 + 32 + 64);
  auto b = Load("gro-births",
                Write("2.jsonl", Header("gro-births", "b2", "delta", 2) + Distinct(40)));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->receipt.created, 1);
  EXPECT_EQ(QueryCount("SELECT count(*) FROM issued_ids"), after_first);  // none issued
  // Every child has an ID of its own, issued by the store.
  EXPECT_EQ(QueryCount("SELECT count(DISTINCT contactpoint_id) FROM children"), 41);
  EXPECT_EQ(QueryCount("SELECT count(*) FROM children WHERE contactpoint_id NOT IN "
                       "(SELECT contactpoint_id FROM issued_ids)"),
            0);
}

TEST_P(LoaderCacheTest, APostAdoptionIdentityNeverLinksToAnExistingChild) {
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA)))
                  .ok());
  auto adopted = Load("gro-births",
                      Write("2.jsonl", Header("gro-births", "b2", "delta", 2) +
                                           "{\"key\": \"G1\", \"op\": \"withdraw\"}\n" +
                                           Upsert("G1A", "Amelia", "Brown", kNhsA,
                                                  "[{\"type\": \"adoption\"}]")));
  ASSERT_TRUE(adopted.ok()) << adopted.status().ToString();
  EXPECT_EQ(adopted->receipt.created, 1);
  EXPECT_EQ(adopted->receipt.linked, 0);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto post = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G1A"));
  ASSERT_TRUE(post.ok());
  ASSERT_EQ(post->events.size(), 1u);
  EXPECT_EQ(post->events[0].type, domain::SourceEvent::Type::kAdoption);
}

TEST_F(LoaderTest, AFullBatchWithRejectedLinesWithdrawsNothing) {
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA) +
                                                      Upsert("G2", "Bo", "Jones", "")))
                  .ok());
  // G2's line is broken this time: it may still be held, so it must not be withdrawn.
  auto full = Load("gro-births", Write("2.jsonl", Header("gro-births", "b2", "full", 2) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA) +
                                                      "{\"key\": \"G2\", \"op\": \"upsert\"}\n"));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->receipt.rejected, 1);
  EXPECT_EQ(full->receipt.withdrawn, 0);
  EXPECT_TRUE(full->receipt.full_withdrawal_skipped);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto g2 = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G2"));
  ASSERT_TRUE(g2.ok());
  EXPECT_EQ(g2->state, storage::LinkState::kLinked);
}

// Also when the same batch updated the record on its child first (the
// record then leaves a child this batch has written to).
TEST_P(LoaderCacheTest, AnAdoptionEventUnderAnExistingKeyStartsANewChild) {
  for (const bool updated_first : {false, true}) {
    SCOPED_TRACE(updated_first ? "updated first" : "adoption only");
    TearDown();
    SetUp();
    ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                        Upsert("G1", "Amelia", "Smith", kNhsA)))
                    .ok());
    auto tx0 = store_->Begin(storage::TxMode::kReadOnly);
    const auto before =
        (*tx0)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G1"))->child;
    tx0->reset();
    auto adopted = Load(
        "gro-births",
        Write("2.jsonl", Header("gro-births", "b2", "delta", 2) +
                             (updated_first ? Upsert("G1", "Amelia Jane", "Smith", kNhsA) : "") +
                             Upsert("G1", "Amelia", "Brown", kNhsA, "[{\"type\": \"adoption\"}]")));
    ASSERT_TRUE(adopted.ok()) << adopted.status().ToString();
    EXPECT_EQ(adopted->receipt.created, 1);
    auto tx = store_->Begin(storage::TxMode::kReadOnly);
    const auto after =
        (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G1"))->child;
    EXPECT_NE(after, before);
    // The pre-adoption child, which no source supplies now, keeps its last
    // best view but leaves the index: only the new child can be matched.
    auto old = (*tx)->GetChild(*before);
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    EXPECT_EQ(old->name.family_name.Reveal(), "Smith");
    EXPECT_EQ(linker_->indexed_children(), 1u);
  }
}

TEST_P(LoaderCacheTest, ASealedRecordStaysSealedAndAttachedToNoChild) {
  {
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    storage::SourceRecord sealed;
    sealed.source = domain::SourceId("gro-births");
    sealed.key = domain::SourceKey("G1");
    sealed.state = storage::LinkState::kSealed;
    sealed.batch = domain::BatchId("b0");
    sealed.data.name = {domain::PersonalText("Amelia"), domain::PersonalText("Smith")};
    sealed.data.date_of_birth =
        core::Sensitive<domain::Date>(std::chrono::year{2015} / 3 / 2);
    ASSERT_TRUE((*tx)->PutSourceRecord(sealed).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto result = Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                        Upsert("G1", "Amelia", "Smith", kNhsA) +
                                                        "{\"key\": \"G1\", \"op\": \"withdraw\"}\n"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->receipt.created + result->receipt.linked + result->receipt.withdrawn, 0);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto record = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G1"));
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->state, storage::LinkState::kSealed);
  EXPECT_FALSE(record->child.has_value());
  EXPECT_EQ(store_->Info()->children, 0);
}

// A national source is a register of persons: a second key of it is another
// child (twins under variants of one name, no identifier) or the register's
// own duplicate, for a person to decide. A local system's duplicates merge.
TEST_P(LoaderCacheTest, ASecondRecordOfANationalRegisterNeverJoinsItsFirstChildAutomatically) {
  auto national = Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                          Upsert("G1", "Isabella", "Browne", "") +
                                                          Upsert("G2", "Isabelle", "Browne", "")));
  ASSERT_TRUE(national.ok()) << national.status().ToString();
  EXPECT_EQ(national->receipt.created, 2);
  EXPECT_EQ(national->receipt.review, 1);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto g1 = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G1"));
  auto g2 = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G2"));
  ASSERT_TRUE(g1.ok() && g2.ok());
  EXPECT_EQ(g2->state, storage::LinkState::kReview);
  EXPECT_NE(g2->child, g1->child);
  ASSERT_TRUE(g2->decision.has_value());
  EXPECT_EQ(g2->decision->reason, "another_register_record");
  EXPECT_EQ(g2->decision->candidate, g1->child);
  tx->reset();

  Register("la-visits", domain::SourceState::kActive, domain::SourceKind::kLocal);
  auto local = Load("la-visits", Write("2.jsonl", Header("la-visits", "v1", "delta", 1) +
                                                      Upsert("L1", "Cara", "Khan", "") +
                                                      Upsert("L2", "Cara", "Khan", "")));
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(local->receipt.created, 1);
  EXPECT_EQ(local->receipt.linked, 1);
  EXPECT_EQ(local->receipt.review, 0);
}

// Records of one child that go to review one after another wait on one
// provisional child: one question for the data administrator, not several.
TEST_P(LoaderCacheTest, RecordsInReviewThatAreOneChildWaitOnOneProvisionalChild) {
  // One home; the first source spells the child "Mac", so each record
  // calling him "Max" is a twin question.
  Register("la-visits", domain::SourceState::kActive, domain::SourceKind::kLocal);
  ASSERT_TRUE(
      Load("nhs-pds", Write("1.jsonl", Header("nhs-pds", "p1", "delta", 1) + AtHome("P1", "Mac")))
          .ok());
  ASSERT_TRUE(Load("gro-births",
                   Write("2.jsonl", Header("gro-births", "b1", "delta", 1) + AtHome("G1", "Max")))
                  .ok());
  auto visits = Load("la-visits", Write("3.jsonl", Header("la-visits", "v1", "delta", 1) +
                                                       AtHome("V1", "Max")));
  ASSERT_TRUE(visits.ok()) << visits.status().ToString();
  EXPECT_EQ(visits->receipt.review, 1);
  EXPECT_EQ(visits->receipt.created, 0);  // no provisional child of its own
  const storage::SourceRecord p1 = Record("nhs-pds", "P1");
  const storage::SourceRecord g1 = Record("gro-births", "G1");
  const storage::SourceRecord v1 = Record("la-visits", "V1");
  ASSERT_EQ(g1.state, storage::LinkState::kReview);
  ASSERT_EQ(v1.state, storage::LinkState::kReview);
  EXPECT_EQ(g1.decision->reason, "twin_rule_close_names");
  EXPECT_EQ(g1.decision->candidate, p1.child);
  EXPECT_EQ(v1.decision->candidate, p1.child);  // the question stays the same
  EXPECT_EQ(v1.child, g1.child);                // and waits with G1
  EXPECT_NE(v1.child, p1.child);
  EXPECT_EQ(store_->Info()->children, 2);
}

// Twins "Joseph George" and "George" at one home. The register's "George"
// joins Joseph's child through his middle name (a child called by a middle
// name looks the same); when the register's "Joseph George" arrives, called
// what the child's records call it, the register lists two children there:
// "George" goes back to review as Joseph's twin. The same for twins
// "William" and "Bill", whose register record "Bill" joins William's child
// through a variant of one name. A twin with another name ("Thomas") shows
// nothing of the kind: the register's first record stays.
TEST_P(LoaderCacheTest,
       ARegisterRecordOfTheChildSendsItsTwinLinkedThroughAMiddleNameOrAVariantBackToReview) {
  struct Twins {
    const char* child;
    const char* twin;
  };
  for (const Twins names : {Twins{"Joseph George", "George"}, Twins{"William", "Bill"}})
  for (const bool telling : {true, false}) {
    SCOPED_TRACE(std::string(names.child) + (telling ? " listed" : ", Thomas listed"));
    TearDown();
    SetUp();
    ASSERT_TRUE(Load("nhs-pds", Write("1.jsonl", Header("nhs-pds", "p1", "delta", 1) +
                                                     AtHome("P1", names.child, kNhsA)))
                    .ok());
    ASSERT_TRUE(Load("gro-births", Write("2.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                        AtHome("G1", names.twin)))
                    .ok());
    const storage::SourceRecord p1 = Record("nhs-pds", "P1");
    ASSERT_EQ(Record("gro-births", "G1").child, p1.child);  // through the name
    auto second = Load("gro-births", Write("3.jsonl", Header("gro-births", "b2", "delta", 2) +
                                                          AtHome("G2", telling ? names.child
                                                                               : "Thomas")));
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    const storage::SourceRecord g1 = Record("gro-births", "G1");
    const storage::SourceRecord g2 = Record("gro-births", "G2");
    EXPECT_NE(g2.child, p1.child);
    EXPECT_EQ(Record("nhs-pds", "P1").child, p1.child);
    auto events = audit_->Query(audit::AuditQuery{});
    ASSERT_TRUE(events.ok());
    auto b2 = std::find_if(events->begin(), events->end(),
                           [](const auto& e) { return e.event.subject == "b2"; });
    ASSERT_NE(b2, events->end());
    const auto reopened = std::find(b2->event.counts.begin(), b2->event.counts.end(),
                                    std::pair<std::string, std::int64_t>("reopened", 1));
    if (telling) {
      EXPECT_EQ(g2.state, storage::LinkState::kReview);
      EXPECT_EQ(g2.decision->reason, "another_register_record");
      ASSERT_EQ(g1.state, storage::LinkState::kReview);
      ASSERT_TRUE(g1.decision.has_value());
      EXPECT_EQ(g1.decision->reason, "twin_reopened");
      EXPECT_EQ(g1.decision->decision, "review");
      EXPECT_EQ(g1.decision->candidate, p1.child);
      EXPECT_NE(g1.child, p1.child);
      EXPECT_NE(g1.child, g2.child);
      EXPECT_NE(reopened, b2->event.counts.end());
      // The child's best view no longer holds the twin's name.
      auto tx = store_->Begin(storage::TxMode::kReadOnly);
      ASSERT_TRUE(tx.ok());
      auto child = (*tx)->GetChild(*p1.child);
      ASSERT_TRUE(child.ok());
      EXPECT_TRUE(child->other_names.empty());
    } else {
      EXPECT_EQ(g1.state, storage::LinkState::kLinked);
      EXPECT_EQ(g1.child, p1.child);
      EXPECT_EQ(reopened, b2->event.counts.end());
    }
  }
}

// Twins "Oliver" and "Finley Oliver": Oliver's local record made a child,
// and Finley's birth registration joined it through his middle name. Oliver's
// own registration, under another NHS number, is kept apart from the child
// (two NHS numbers are two children) and shows the register lists two
// children there: Finley's record goes back to review. In the same way a
// registration under another NHS number with the given names of the record
// that made the child in another order ("Alexa Hannah" beside that record's
// "Hannah Alexa") sends back a record with a given name it lacks ("Hannah Rosemary"),
// or one called by its second name alone ("Sophie" beside "Sophie Myla" and
// the registration's "Myla Sophie").
TEST_P(LoaderCacheTest, ATwinsRecordUnderAnotherNhsNumberSendsTheTwinsRecordBackToReview) {
  struct Twins {
    const char* first;   // the record that made the child
    const char* joined;  // the twin's register record, linked by the matcher
    const char* own;     // the child's own register record, another NHS number
  };
  for (const Twins names : {Twins{"Oliver", "Finley Oliver", "Oliver"},
                            Twins{"Hannah Alexa", "Hannah Rosemary", "Alexa Hannah"},
                            Twins{"Sophie Myla", "Sophie", "Myla Sophie"}}) {
    for (const bool telling : {true, false}) {
      SCOPED_TRACE(std::string(names.joined) + (telling ? "" : ", Thomas listed"));
      TearDown();
      SetUp();
      Register("la-visits", domain::SourceState::kActive, domain::SourceKind::kLocal);
      ASSERT_TRUE(Load("la-visits", Write("1.jsonl", Header("la-visits", "v1", "delta", 1) +
                                                         AtHome("V1", names.first)))
                      .ok());
      ASSERT_TRUE(Load("gro-births", Write("2.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                          AtHome("G1", names.joined, kNhsA)))
                      .ok());
      const storage::SourceRecord v1 = Record("la-visits", "V1");
      ASSERT_EQ(Record("gro-births", "G1").child, v1.child);
      auto second = Load("gro-births",
                         Write("3.jsonl", Header("gro-births", "b2", "delta", 2) +
                                              AtHome("G2", telling ? names.own : "Thomas", kNhsB)));
      ASSERT_TRUE(second.ok()) << second.status().ToString();
      const storage::SourceRecord g1 = Record("gro-births", "G1");
      const storage::SourceRecord g2 = Record("gro-births", "G2");
      EXPECT_NE(g2.child, v1.child);
      EXPECT_EQ(Record("la-visits", "V1").child, v1.child);
      // Kept apart by the NHS number, "Thomas" too: the child was examined.
      EXPECT_EQ(g2.decision->reason, "other_nhs_number");
      if (telling) {
        ASSERT_EQ(g1.state, storage::LinkState::kReview);
        EXPECT_EQ(g1.decision->reason, "twin_reopened");
        EXPECT_EQ(g1.decision->candidate, v1.child);
        EXPECT_NE(g1.child, v1.child);
        EXPECT_NE(g1.child, g2.child);
      } else {
        EXPECT_EQ(g1.state, storage::LinkState::kLinked);
        EXPECT_EQ(g1.child, v1.child);
      }
    }
  }
}

// Twins "Ellie" and "Ella Tiana": a local record of Ellie's made the child,
// and two records of Ella's, one of them the birth register's, joined it
// through the variant of the name. The birth register then lists "Ellie"
// too: two children there, the child Ellie's, and both of Ella's records go
// back to review.
TEST_P(LoaderCacheTest, ARegisterListingTheChildsOwnNameSendsItsOtherNamesRecordsBackToReview) {
  Register("la-visits", domain::SourceState::kActive, domain::SourceKind::kLocal);
  Register("la-health", domain::SourceState::kActive, domain::SourceKind::kLocal);
  ASSERT_TRUE(Load("la-visits", Write("1.jsonl", Header("la-visits", "v1", "delta", 1) +
                                                     AtHome("V1", "Ellie")))
                  .ok());
  ASSERT_TRUE(Load("la-health", Write("2.jsonl", Header("la-health", "h1", "delta", 1) +
                                                     AtHome("H1", "Ella Tiana")))
                  .ok());
  ASSERT_TRUE(Load("gro-births", Write("3.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      AtHome("G1", "Ella Tiana")))
                  .ok());
  const storage::SourceRecord v1 = Record("la-visits", "V1");
  ASSERT_EQ(Record("la-health", "H1").child, v1.child);
  ASSERT_EQ(Record("gro-births", "G1").child, v1.child);
  auto second = Load("gro-births", Write("4.jsonl", Header("gro-births", "b2", "delta", 2) +
                                                        AtHome("G2", "Ellie")));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(Record("gro-births", "G2").decision->reason, "another_register_record");
  for (const storage::SourceRecord& r : {Record("la-health", "H1"), Record("gro-births", "G1")}) {
    ASSERT_EQ(r.state, storage::LinkState::kReview) << r.source.value();
    EXPECT_EQ(r.decision->reason, "twin_reopened");
    EXPECT_EQ(r.decision->candidate, v1.child);
    EXPECT_NE(r.child, v1.child);
  }
  EXPECT_EQ(Record("la-visits", "V1").child, v1.child);
}

// Twins "Eliza" and "Charlotte Eliza": Charlotte's register record joins
// Eliza's child through her middle name. A local record of "Charlotte", set
// apart from Eliza's child as her twin, is called what that record is
// called and nothing Eliza's records call her: the record goes back to
// review.
TEST_P(LoaderCacheTest, ARecordCalledWhatATwinsRecordIsCalledSendsItBackToReview) {
  Register("la-visits", domain::SourceState::kActive, domain::SourceKind::kLocal);
  ASSERT_TRUE(Load("nhs-pds", Write("1.jsonl", Header("nhs-pds", "p1", "delta", 1) +
                                                   AtHome("P1", "Eliza", kNhsA)))
                  .ok());
  ASSERT_TRUE(Load("gro-births", Write("2.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      AtHome("G1", "Charlotte Eliza")))
                  .ok());
  const storage::SourceRecord p1 = Record("nhs-pds", "P1");
  ASSERT_EQ(Record("gro-births", "G1").child, p1.child);  // through the middle name
  auto visits = Load("la-visits", Write("3.jsonl", Header("la-visits", "v1", "delta", 1) +
                                                       AtHome("V1", "Charlotte")));
  ASSERT_TRUE(visits.ok()) << visits.status().ToString();
  EXPECT_EQ(visits->receipt.review, 0);  // the receipt shows the source's own records only
  const storage::SourceRecord g1 = Record("gro-births", "G1");
  ASSERT_EQ(g1.state, storage::LinkState::kReview);
  EXPECT_EQ(g1.decision->reason, "twin_reopened");
  EXPECT_EQ(g1.decision->candidate, p1.child);
  EXPECT_NE(Record("la-visits", "V1").child, p1.child);
}

// A record whose only match is a provisional child, as a link would be, is
// that child's record: linked to it, not another question in the queue.
TEST_P(LoaderCacheTest, ARecordMatchingOnlyAProvisionalChildJoinsIt) {
  Register("la-visits", domain::SourceState::kActive, domain::SourceKind::kLocal);
  Register("la-health", domain::SourceState::kActive, domain::SourceKind::kLocal);
  // "Mac", numbered; then "Max" without a number: a twin question.
  ASSERT_TRUE(Load("nhs-pds", Write("1.jsonl", Header("nhs-pds", "p1", "delta", 1) +
                                                   AtHome("P1", "Mac", kNhsA)))
                  .ok());
  ASSERT_TRUE(Load("gro-births", Write("2.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      AtHome("G1", "Max", "")))
                  .ok());
  // "Max" with another NHS number than Mac's: only G1's provisional child
  // can be his.
  auto visits = Load("la-visits", Write("3.jsonl", Header("la-visits", "v1", "delta", 1) +
                                                       AtHome("V1", "Max", kNhsB)));
  ASSERT_TRUE(visits.ok()) << visits.status().ToString();
  ASSERT_EQ(visits->receipt.rejected, 0);
  EXPECT_EQ(visits->receipt.review, 0);
  EXPECT_EQ(visits->receipt.linked, 1);
  EXPECT_EQ(visits->receipt.created, 0);
  // A child with a linked record is no longer provisional: the next record
  // links to it as to any child.
  auto health = Load("la-health", Write("4.jsonl", Header("la-health", "h1", "delta", 1) +
                                                       AtHome("H1", "Max", kNhsB)));
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  EXPECT_EQ(health->receipt.linked, 1);
  const storage::SourceRecord p1 = Record("nhs-pds", "P1");
  const storage::SourceRecord g1 = Record("gro-births", "G1");
  const storage::SourceRecord v1 = Record("la-visits", "V1");
  const storage::SourceRecord h1 = Record("la-health", "H1");
  ASSERT_EQ(g1.state, storage::LinkState::kReview);  // the question stands
  EXPECT_EQ(g1.decision->candidate, p1.child);
  EXPECT_EQ(v1.state, storage::LinkState::kLinked);
  EXPECT_EQ(v1.child, g1.child);
  ASSERT_TRUE(v1.decision.has_value());
  EXPECT_EQ(v1.decision->decision, "link");
  EXPECT_EQ(v1.decision->reason, "provisional_match");
  EXPECT_FALSE(v1.decision->candidate.has_value());
  EXPECT_EQ(h1.child, g1.child);
  EXPECT_EQ(h1.decision->reason, "match");
  EXPECT_EQ(store_->Info()->children, 2);
}

TEST_F(LoaderTest, EachRecordKeepsTheDecisionThatPlacedIt) {
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA)))
                  .ok());
  auto pds = Load("nhs-pds", Write("p.jsonl", Header("nhs-pds", "p1", "delta", 1) +
                                                  Upsert("P1", "Amelia", "Smith", kNhsA)));
  ASSERT_TRUE(pds.ok()) << pds.status().ToString();
  EXPECT_EQ(pds->receipt.linked, 1);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto g1 = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G1"));
  auto p1 = (*tx)->GetSourceRecord(domain::SourceId("nhs-pds"), domain::SourceKey("P1"));
  ASSERT_TRUE(g1.ok() && p1.ok());
  EXPECT_EQ(p1->child, g1->child);
  ASSERT_TRUE(g1->decision.has_value());
  EXPECT_EQ(g1->decision->decision, "new");
  EXPECT_EQ(g1->decision->reason, "no_candidate");
  ASSERT_TRUE(p1->decision.has_value());
  const storage::LinkDecision& d = *p1->decision;
  EXPECT_EQ(d.decision, "link");
  EXPECT_EQ(d.reason, "match");
  EXPECT_GT(d.score, 20);
  EXPECT_NE(d.vector.find("nhs_number=agree"), std::string::npos) << d.vector;
  EXPECT_NE(d.vector.find("given_name=exact"), std::string::npos) << d.vector;
  EXPECT_EQ(d.model_version, linker_->model_version());
  EXPECT_EQ(d.model_version.rfind("model-", 0), 0u);
  EXPECT_EQ(d.decided_by, "matcher");
  EXPECT_FALSE(d.candidate.has_value());
}

TEST_F(LoaderTest, ADoubtfulRecordWaitsForReviewOnAChildOfItsOwn) {
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", "")))
                  .ok());
  // Same family name, date of birth and gender, a given name one letter
  // apart, no address or identifier: the same child, or someone else?
  auto pds = Load("nhs-pds", Write("p.jsonl", Header("nhs-pds", "p1", "delta", 1) +
                                                  Upsert("P1", "Amelie", "Smith", "")));
  ASSERT_TRUE(pds.ok()) << pds.status().ToString();
  EXPECT_EQ(pds->receipt.review, 1);
  EXPECT_EQ(pds->receipt.linked, 0);
  EXPECT_EQ(pds->receipt.created, 1);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto g1 = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G1"));
  auto p1 = (*tx)->GetSourceRecord(domain::SourceId("nhs-pds"), domain::SourceKey("P1"));
  ASSERT_TRUE(g1.ok() && p1.ok());
  EXPECT_EQ(p1->state, storage::LinkState::kReview);
  ASSERT_TRUE(p1->child.has_value());
  EXPECT_NE(p1->child, g1->child);  // never shown as part of the other child
  ASSERT_TRUE(p1->decision.has_value());
  EXPECT_EQ(p1->decision->decision, "review");
  EXPECT_EQ(p1->decision->candidate, g1->child);
  // The other child's best view is untouched.
  auto view = (*tx)->GetChild(*g1->child);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->name.given_names.Reveal(), "Amelia");
}

TEST_F(LoaderTest, ARecordThatMayBeAShieldedChildsIsHeldShieldedForReview) {
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA)))
                  .ok());
  domain::ContactPointId shielded;
  {
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    auto g1 = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey("G1"));
    ASSERT_TRUE(g1.ok() && g1->child.has_value());
    shielded = *g1->child;
    storage::ShieldEntry shield;
    shield.child = shielded;
    shield.ground = "adoption_placement";
    shield.requested_by = 7;
    shield.requested_at = clock_.Now();
    shield.review_due_at = clock_.Now() + std::chrono::days(7);
    ASSERT_TRUE((*tx)->PutShield(shield).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  clock_.Advance(std::chrono::hours(1));
  // The same child, described by another source: it would link, but the
  // child is shielded, so a person decides; meanwhile the record waits on a
  // provisional child that is itself shielded (its address never shows).
  auto pds = Load("nhs-pds", Write("p.jsonl", Header("nhs-pds", "p1", "delta", 1) +
                                                  Upsert("P1", "Amelia", "Smith", kNhsA) +
                                                  Upsert("P2", "Oscar", "Jones", kNhsB)));
  ASSERT_TRUE(pds.ok()) << pds.status().ToString();
  EXPECT_EQ(pds->receipt.review, 1);
  EXPECT_EQ(pds->receipt.created, 2);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto p1 = (*tx)->GetSourceRecord(domain::SourceId("nhs-pds"), domain::SourceKey("P1"));
  ASSERT_TRUE(p1.ok() && p1->child.has_value());
  EXPECT_EQ(p1->state, storage::LinkState::kReview);
  EXPECT_NE(*p1->child, shielded);
  ASSERT_TRUE(p1->decision.has_value());
  EXPECT_EQ(p1->decision->reason, "shielded_candidate");
  EXPECT_EQ(p1->decision->candidate, shielded);
  auto held = (*tx)->GetShield(*p1->child);
  ASSERT_TRUE(held.ok());
  ASSERT_TRUE(held->has_value()) << "an unshielded duplicate of a shielded child";
  EXPECT_EQ((*held)->state, storage::ShieldState::kInForce);
  EXPECT_EQ((*held)->ground, "adoption_placement");
  EXPECT_EQ((*held)->requested_by, 0);  // the matcher
  EXPECT_EQ((*held)->requested_at, clock_.Now());
  EXPECT_EQ((*held)->review_due_at, clock_.Now() + storage::kFirstShieldReview);
  // Someone else in the same batch is no one's duplicate: not shielded.
  auto p2 = (*tx)->GetSourceRecord(domain::SourceId("nhs-pds"), domain::SourceKey("P2"));
  ASSERT_TRUE(p2.ok() && p2->child.has_value());
  EXPECT_EQ(p2->state, storage::LinkState::kLinked);
  auto unheld = (*tx)->GetShield(*p2->child);
  ASSERT_TRUE(unheld.ok());
  EXPECT_FALSE(unheld->has_value());
  // The load's audit event counts it; the source's receipt never says so.
  auto events = audit_->Query(audit::AuditQuery{});
  ASSERT_TRUE(events.ok());
  auto p1_load = std::find_if(events->begin(), events->end(),
                              [](const auto& e) { return e.event.subject == "p1"; });
  ASSERT_NE(p1_load, events->end());
  const audit::Event& load = p1_load->event;
  EXPECT_NE(std::find(load.counts.begin(), load.counts.end(),
                      std::pair<std::string, std::int64_t>("held_shielded", 1)),
            load.counts.end());
  EXPECT_EQ(ReceiptToJson(pds->receipt).find("shield"), std::string::npos);
}

TEST_F(LoaderTest, EachChildIsGivenItsAccountableAuthorityOrANamedQueue) {
  auto with_postcode = [](const std::string& key, const std::string& given,
                          const std::string& postcode) {
    std::string line = Upsert(key, given, "Okafor", "");
    const std::string ids = "\"identifiers\": {}";
    line.replace(line.find(ids), ids.size(),
                 ids + ", \"address\": {\"lines\": [\"1 Park Row\"], \"postcode\": \"" +
                     postcode + "\"}");
    return line;
  };
  auto loaded = Load("gro-births",
                     Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                          with_postcode("L1", "Ada", "ls1 4ab") +
                                          with_postcode("L2", "Ben", "ZZ9 9ZZ") +
                                          Upsert("L3", "Cleo", "Okafor", "")));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->receipt.created, 3);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto authority_of = [&](const std::string& key) {
    auto record = (*tx)->GetSourceRecord(domain::SourceId("gro-births"), domain::SourceKey(key));
    EXPECT_TRUE(record.ok());
    auto child = (*tx)->GetChild(*record->child);
    EXPECT_TRUE(child.ok());
    return child->accountable ? child->accountable->assignee : std::string("(none)");
  };
  EXPECT_EQ(authority_of("L1"), "la:E08000035");  // Leeds
  EXPECT_EQ(authority_of("L2"), "national:unknown-postcode");
  EXPECT_EQ(authority_of("L3"), "national:no-postcode");
}

TEST_F(LoaderTest, ALaterBatchMatchesAChildAnotherProcessCreated) {
  // Two loaders with two Linkers over one store: the second Linker's index
  // must learn of the first's child from the change log.
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA)))
                  .ok());
  ASSERT_TRUE(LoadElsewhere("nhs-pds", Write("p0.jsonl", Header("nhs-pds", "p0", "delta", 1) +
                                                             Upsert("P0", "Oscar", "Evans", kNhsB)))
                  .ok());
  // Now the first Linker (already synced once) sees a record of the child
  // the second one created.
  auto linked = Load("gro-births", Write("2.jsonl", Header("gro-births", "b2", "delta", 2) +
                                                        Upsert("G2", "Oscar", "Evans", kNhsB)));
  ASSERT_TRUE(linked.ok()) << linked.status().ToString();
  EXPECT_EQ(linked->receipt.linked, 1);
  EXPECT_EQ(linked->receipt.created, 0);
}

TEST_F(LoaderTest, AfterACommittedLoadOnlyOtherWritersChangesAreSyncedAgain) {
  // The load's own changes are in the index already: once committed, the
  // Linker is up to date without re-deriving them at the next Sync.
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA)))
                  .ok());
  {
    std::shared_lock<core::SharedGate> reading(linker_->load_mutex());
    auto up_to_date = linker_->UpToDate(*store_);
    ASSERT_TRUE(up_to_date.ok());
    EXPECT_TRUE(*up_to_date);
  }
  // Another writer's change is not in the index until the next Sync.
  ASSERT_TRUE(LoadElsewhere("nhs-pds", Write("p0.jsonl", Header("nhs-pds", "p0", "delta", 1) +
                                                             Upsert("P0", "Oscar", "Evans", kNhsB)))
                  .ok());
  {
    std::shared_lock<core::SharedGate> reading(linker_->load_mutex());
    EXPECT_FALSE(*linker_->UpToDate(*store_));
  }
  auto linked = Load("gro-births", Write("2.jsonl", Header("gro-births", "b2", "delta", 2) +
                                                        Upsert("G2", "Oscar", "Evans", kNhsB)));
  ASSERT_TRUE(linked.ok()) << linked.status().ToString();
  EXPECT_EQ(linked->receipt.linked, 1);
  EXPECT_EQ(linker_->indexed_children(), 2u);
  std::shared_lock<core::SharedGate> reading(linker_->load_mutex());
  EXPECT_TRUE(*linker_->UpToDate(*store_));
}

TEST_F(LoaderTest, ARecordAnotherWriterAddedBetweenLoadsIsInTheNextBestView) {
  // This Linker keeps the children it wrote from load to load (their
  // records, as written); another process adding a record to one of them in
  // between must not be missed when the next load rebuilds that child.
  Register("la-social", domain::SourceState::kActive);
  ASSERT_TRUE(Load("gro-births", Write("1.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                      Upsert("G1", "Amelia", "Smith", kNhsA)))
                  .ok());
  std::string addressed = Upsert("P1", "Amelia", "Smith", kNhsA);
  const std::string ids = "\"identifiers\":";
  addressed.replace(addressed.find(ids), ids.size(),
                    "\"address\": {\"lines\": [\"1 Park Row\"], \"postcode\": \"LS1 4AB\"}, " +
                        ids);
  auto elsewhere =
      LoadElsewhere("nhs-pds", Write("p.jsonl", Header("nhs-pds", "p1", "delta", 1) + addressed));
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status().ToString();
  ASSERT_EQ(elsewhere->receipt.linked, 1);
  auto later = Load("la-social", Write("s.jsonl", Header("la-social", "s1", "delta", 1) +
                                                      Upsert("S1", "Amelia", "Smith", kNhsA)));
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  ASSERT_EQ(later->receipt.linked, 1);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto s1 = (*tx)->GetSourceRecord(domain::SourceId("la-social"), domain::SourceKey("S1"));
  ASSERT_TRUE(s1.ok() && s1->child.has_value());
  auto view = (*tx)->GetChild(*s1->child);
  ASSERT_TRUE(view.ok());
  ASSERT_TRUE(view->address.has_value()) << "the other process's record was left out";
  ASSERT_TRUE(view->address->postcode.has_value());
  EXPECT_EQ(view->address->postcode->Reveal(), "LS1 4AB");
  auto records = (*tx)->SourceRecordsOf(*s1->child);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->size(), 3u);
}

TEST_F(LoaderTest, AStoreFailureAtAnyPointLeavesNothingBehind) {
  const std::string file = Write("f.jsonl", Header("gro-births", "b1", "full", 1) +
                                                Upsert("G1", "Amelia", "Smith", kNhsA) +
                                                Upsert("G2", "Bo", "Smith", kNhsA) + "oops\n");
  const Snapshot before = Take(*store_);
  storage::testing::FaultInjectingStore faulty(*store_);
  faulty.FailOnCommit(true);
  EXPECT_EQ(Load("gro-births", file, &faulty).status().code(), ErrorCode::kStoreIo);
  EXPECT_EQ(Take(*store_), before);
  faulty.FailOnCommit(false);
  int failures = 0;
  for (int n = 1; n < 100; ++n) {
    faulty.FailAtCall(n);
    auto result = Load("gro-births", file, &faulty);
    if (result.ok()) {  // n is past the last write: the load went through
      EXPECT_EQ(result->receipt.accepted, 2);
      break;
    }
    ++failures;
    EXPECT_EQ(result.status().code(), ErrorCode::kStoreIo) << n;
    EXPECT_EQ(Take(*store_), before) << "failure at write " << n << " left something behind";
  }
  EXPECT_GT(failures, 5);
}

TEST_F(LoaderTest, AFailedLoadLeavesNoChildInTheIndex) {
  // The batch fails at commit after its child was indexed; the next load of
  // the same child by another source must make a new child, not link to one
  // that was rolled back.
  const std::string file = Write("f.jsonl", Header("gro-births", "b1", "delta", 1) +
                                                Upsert("G1", "Amelia", "Smith", kNhsA));
  ASSERT_TRUE(Load("gro-births", Write("0.jsonl", Header("gro-births", "b0", "delta", 1) +
                                                      Distinct(1)))
                  .ok());  // the index is built and in use
  storage::testing::FaultInjectingStore faulty(*store_);
  faulty.FailOnCommit(true);
  ASSERT_FALSE(Load("gro-births", file, &faulty).ok());
  auto pds = Load("nhs-pds", Write("p.jsonl", Header("nhs-pds", "p1", "delta", 1) +
                                                  Upsert("P1", "Amelia", "Smith", kNhsA)));
  ASSERT_TRUE(pds.ok()) << pds.status().ToString();
  EXPECT_EQ(pds->receipt.created, 1);
  EXPECT_EQ(pds->receipt.linked, 0);
}

// SIGKILL at random points during a load (DATA-SUPPLY.md: a crash mid-batch
// leaves the store as before the batch), then the same batch loads cleanly.
TEST_F(LoaderTest, KillingTheLoaderAtRandomPointsLeavesTheStoreAsBefore) {
  std::string content = Header("gro-births", "big", "delta", 1);
  for (int i = 0; i < 3000; ++i) {
    content += Distinct(i, i == 7 ? kNhsA : "");
  }
  const std::string file = Write("big.jsonl", content);
  const Snapshot before = Take(*store_);
  audit_.reset();
  store_.reset();
  core::SeededRandom delays(7);
  int killed_mid_load = 0;
  for (int round = 0; round < 5; ++round) {
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(ready[0]);
      core::SystemClock clock;
      core::SecureRandom random;
      auto store = storage::SqliteStore::Open(path_, clock);
      if (!store.ok()) ::_exit(2);
      audit::AuditLog log(**store, clock);
      BatchLoader loader(**store, log, clock, random, *linker_);
      bool told = false;
      auto result = loader.LoadFile(domain::SourceId("gro-births"), file,
                                    [&](std::uint64_t, std::uint64_t) {
                                      if (!told) {
                                        told = true;
                                        (void)!::write(ready[1], "x", 1);
                                      }
                                    });
      ::_exit(result.ok() ? 0 : 1);
    }
    ::close(ready[1]);
    char byte;
    const bool started = ::read(ready[0], &byte, 1) == 1;  // applying has begun
    ::close(ready[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(delays.Uniform(150)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (started && WIFSIGNALED(status)) ++killed_mid_load;
    auto reopened = storage::SqliteStore::Open(path_, clock_);
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
    if (WIFSIGNALED(status)) {
      EXPECT_EQ(Take(**reopened), before) << "round " << round;
    } else {
      break;  // the load finished before the kill: nothing more to prove
    }
  }
  EXPECT_GE(killed_mid_load, 3) << "the kills should land while the batch is being applied";
  store_ = std::move(*storage::SqliteStore::Open(path_, clock_));
  audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
  auto clean = Load("gro-births", file);
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_EQ(clean->receipt.accepted, 3000);
}

TEST_F(LoaderTest, CsvBatchesLoadThroughTheSamePipeline) {
  const std::string csv = Write("m.csv",
                                "key,given_names,family_name,date_of_birth,nhs_number\n"
                                "M1,Amelia,Smith,2015-03-02,9434765919\n"
                                "M2,Bo,Smith,2015-02-30,\n");
  Register("la-manual", domain::SourceState::kActive);
  BatchHeader header;
  header.source = domain::SourceId("la-manual");
  header.batch = domain::BatchId("m1");
  header.extracted_at = clock_.Now();
  BatchLoader loader(*store_, *audit_, clock_, random_, *linker_);
  auto result = loader.LoadCsvFile(domain::SourceId("la-manual"), csv, header);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->receipt.accepted, 1);
  EXPECT_EQ(result->receipt.rejected, 1);
  EXPECT_EQ(result->receipt.rejections[0].field, "date_of_birth");
  auto again = loader.LoadCsvFile(domain::SourceId("la-manual"), csv, header);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_loaded);
}

}  // namespace
}  // namespace cp::ingest
