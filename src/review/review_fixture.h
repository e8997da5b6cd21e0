// Test fixture of the review tests: the identity fixture's store, audit log
// and users, plus a data administrator, a ContactPoint Manager, two active
// sources, the Linker and its model, and helpers to load small batches.
#ifndef CP_REVIEW_REVIEW_FIXTURE_H_
#define CP_REVIEW_REVIEW_FIXTURE_H_

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "identity/identity_fixture.h"
#include "ingest/linker.h"
#include "ingest/loader.h"
#include "linkage/linkage_data.h"
#include "review/operations.h"

namespace cp::review::testing {

// A batch header line.
inline std::string Header(const std::string& source, const std::string& batch, int sequence) {
  return "{\"contactpoint_feed\": 1, \"source\": \"" + source + "\", \"batch\": \"" + batch +
         "\", \"sequence\": " + std::to_string(sequence) +
         ", \"extracted_at\": \"2026-11-21T02:00:00Z\", \"mode\": \"delta\"}\n";
}

// One upsert line: no address, no carers.
inline std::string Upsert(const std::string& key, const std::string& given,
                          const std::string& family, const std::string& dob = "2015-03-02",
                          const std::string& nhs = "", const std::string& events = "[]",
                          const std::string& postcode = "") {
  const std::string ids = nhs.empty() ? "{}" : "{\"nhs_number\": \"" + nhs + "\"}";
  const std::string address =
      postcode.empty() ? ""
                       : ", \"address\": {\"lines\": [\"1 Mill Lane\"], \"postcode\": \"" +
                             postcode + "\"}";
  return "{\"key\": \"" + key + "\", \"op\": \"upsert\", \"child\": {\"given_names\": \"" + given +
         "\", \"family_name\": \"" + family + "\", \"gender\": \"female\", \"date_of_birth\": \"" +
         dob + "\", \"identifiers\": " + ids + address + "}, \"events\": " + events + "}\n";
}

inline constexpr const char* kAdopted = "[{\"type\": \"adoption\"}]";

// Registers `id` as an active national source.
inline void RegisterSource(storage::Store& store, const std::string& id, core::Timestamp now) {
  auto tx = store.Begin(storage::TxMode::kReadWrite);
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  storage::SourceEntry s;
  s.id = domain::SourceId(id);
  s.name = "Test " + id;
  s.kind = domain::SourceKind::kNational;
  s.state = domain::SourceState::kActive;
  s.created_at = s.updated_at = now;
  ASSERT_TRUE((*tx)->PutSource(s).ok());
  ASSERT_TRUE((*tx)->Commit().ok());
}

// Every source record's place ("SOURCE:KEY=CHILD/STATE;..."), in order: what
// a refused or forged operation must leave as it was.
inline std::string RecordPlaces(storage::Store& store) {
  std::string out;
  auto tx = store.Begin(storage::TxMode::kReadOnly);
  EXPECT_TRUE(tx.ok());
  if (!tx.ok()) return out;
  EXPECT_TRUE((*tx)->ForEachSourceLink(std::nullopt, [&](const storage::SourceLink& l) {
    out += l.source.value() + ":" + l.key.value() + "=" + (l.child ? l.child->ToString() : "-") +
           "/" + std::string(storage::LinkStateName(l.state)) + ";";
    return core::Status::Ok();
  }).ok());
  return out;
}

// What a test load goes through: the real loader over these.
struct LoadContext {
  storage::Store& store;
  audit::AuditLog& audit;
  const core::Clock& clock;
  core::Random& random;
  ingest::Linker& linker;
  std::filesystem::path dir;  // where batch files are written
};

// Loads one batch `batch` (sequence `sequence`) of `lines` as `source`
// through the real loader; returns the receipt's counts.
inline ingest::Receipt LoadBatch(const LoadContext& c, const std::string& source,
                                 const std::string& batch, int sequence,
                                 const std::string& lines) {
  const std::filesystem::path path = c.dir / (batch + ".jsonl");
  std::ofstream(path, std::ios::binary) << Header(source, batch, sequence) << lines;
  ingest::BatchLoader loader(c.store, c.audit, c.clock, c.random, c.linker);
  auto loaded = loader.LoadFile(domain::SourceId(source), path.string());
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
  return loaded.ok() ? loaded->receipt : ingest::Receipt{};
}

class ReviewTest : public identity::testing::IdentityTest {
 protected:
  static void SetUpTestSuite() {
    auto linker = ingest::Linker::Load(CP_LINKAGE_DATA_DIR);
    ASSERT_TRUE(linker.ok()) << linker.status().ToString();
    linker_ = linker->release();
    auto data = linkage::LoadLinkageData(CP_LINKAGE_DATA_DIR);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    model_ = new linkage::Model(std::move(data->model));
  }

  static void TearDownTestSuite() {
    delete linker_;
    linker_ = nullptr;
    delete model_;
    model_ = nullptr;
  }

  void SetUp() override {
    IdentityTest::SetUp();
    linker_->Invalidate();  // each test has a store of its own
    MakeEligible(admin_, "data.admin", access::Role::kDataAdministrator,
                 identity::testing::kLeeds);
    MakeEligible(admin_, "cp.manager", access::Role::kContactPointManager,
                 identity::testing::kLeeds);
    ops_ = std::make_unique<Operations>(
        Services{*store_, *audit_, clock_, random_, *linker_, *model_});
    da_ = *ops_->Actor("data.admin");
    Register("gro-births");
    Register("nhs-pds");
  }

  void Register(const std::string& id) { RegisterSource(*store_, id, clock_.Now()); }

  // Loads one batch of `lines` as `source`; returns the receipt's counts.
  ingest::Receipt Load(const std::string& source, const std::string& lines) {
    ++batches_;
    return LoadBatch({*store_, *audit_, clock_, random_, *linker_, dir_}, source,
                     "b" + std::to_string(batches_), batches_, lines);
  }

  storage::SourceRecord Record(const std::string& source, const std::string& key) {
    auto tx = store_->Begin(storage::TxMode::kReadOnly);
    auto record = (*tx)->GetSourceRecord(domain::SourceId(source), domain::SourceKey(key));
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? *record : storage::SourceRecord{};
  }

  domain::ContactPointId ChildOf(const std::string& source, const std::string& key) {
    const storage::SourceRecord r = Record(source, key);
    return r.child.value_or(domain::ContactPointId());
  }

  static RecordRef Ref(const std::string& source, const std::string& key) {
    return RecordRef{domain::SourceId(source), domain::SourceKey(key)};
  }

  inline static ingest::Linker* linker_ = nullptr;
  inline static linkage::Model* model_ = nullptr;
  std::unique_ptr<Operations> ops_;
  identity::Account da_;
  int batches_ = 0;
};

}  // namespace cp::review::testing

#endif  // CP_REVIEW_REVIEW_FIXTURE_H_
