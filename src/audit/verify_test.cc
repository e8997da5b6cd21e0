// VerifyLog against logs tampered with through a raw sqlite3 connection to
// the store's file, as someone with the file (but not the signing key) would.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/testing/audit_fixture.h"

namespace cp::audit {
namespace {

using core::ErrorCode;
using testing::AuditFixture;

// Tree sizes that are, and mostly are not, powers of two.
const std::vector<std::int64_t> kSizes = {1, 2, 3, 5, 6, 7, 9, 17};

// Positions worth tampering with in a log of `size`: first, middle, last.
std::vector<std::int64_t> Positions(std::int64_t size) {
  std::vector<std::int64_t> out = {0};
  if (size > 2) out.push_back(size / 2);
  if (size > 1) out.push_back(size - 1);
  return out;
}

// A log of `size` entries with a checkpoint over all of them.
void Build(AuditFixture& f, std::int64_t size) {
  f.AppendSamples(0, size);
  auto cp = f.log_->Checkpoint();
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  ASSERT_TRUE(cp->has_value());
}

::testing::AssertionResult Tampered(const core::StatusOr<VerifyReport>& report,
                                    const std::string& wanted_words) {
  if (report.ok()) return ::testing::AssertionFailure() << "verification passed";
  if (report.status().code() != ErrorCode::kAuditTampered) {
    return ::testing::AssertionFailure() << "wrong code: " << report.status().ToString();
  }
  if (report.status().message().find(wanted_words) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "message lacks '" << wanted_words << "': " << report.status().message();
  }
  return ::testing::AssertionSuccess();
}

TEST(VerifyTest, AnIntactLogPassesAtEverySizeWithEveryCheckpointChecked) {
  for (std::int64_t size : {0, 1, 2, 3, 5, 6, 7, 9, 17}) {
    SCOPED_TRACE("size " + std::to_string(size));
    AuditFixture f;
    std::int64_t checkpoints = 0;
    for (std::int64_t i = 0; i < size; ++i) {
      f.AppendSamples(i, 1);
      if (i % 3 == 2 || i == size - 1) {  // checkpoints at 3, 6, 9... and the end
        ASSERT_TRUE(f.log_->Checkpoint().ok());
        ++checkpoints;
      }
    }
    auto report = f.Verify();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->entries, size);
    EXPECT_EQ(report->checkpoints, checkpoints);
    EXPECT_EQ(report->covered, size);
    EXPECT_EQ(report->root, *f.log_->RootAt(size));
  }
}

TEST(VerifyTest, DetectsAFlippedByte) {
  for (std::int64_t size : kSizes) {
    for (std::int64_t at : Positions(size)) {
      SCOPED_TRACE("entry " + std::to_string(at) + " of " + std::to_string(size));
      AuditFixture f;
      Build(f, size);
      std::string leaf = f.LeafAt(at);
      leaf[leaf.size() / 2] ^= 0x01;
      f.ReplaceLeaf(at, leaf);
      EXPECT_TRUE(Tampered(f.Verify(), "does not match the log"));
    }
  }
}

TEST(VerifyTest, DetectsADeletedEntry) {
  for (std::int64_t size : kSizes) {
    for (std::int64_t at : Positions(size)) {
      if (at == size - 1) continue;  // removing the last is truncation, below
      SCOPED_TRACE("entry " + std::to_string(at) + " of " + std::to_string(size));
      AuditFixture f;
      Build(f, size);
      f.Tamper("DELETE FROM audit_children WHERE leaf_index = " + std::to_string(at) +
               "; DELETE FROM audit_log WHERE leaf_index = " + std::to_string(at));
      EXPECT_TRUE(Tampered(f.Verify(), "entry " + std::to_string(at) + " is missing"));
    }
  }
}

TEST(VerifyTest, DetectsADeletedEntryWhoseGapWasClosed) {
  for (std::int64_t size : kSizes) {
    if (size < 2) continue;
    SCOPED_TRACE("size " + std::to_string(size));
    AuditFixture f;
    Build(f, size);
    // Remove entry 0 and renumber the rest down, so the indices stay dense;
    // the checkpoint's size is reached no more.
    f.Tamper(
        "PRAGMA foreign_keys = OFF; DELETE FROM audit_children; DELETE FROM audit_log WHERE "
        "leaf_index = 0; UPDATE audit_log SET leaf_index = leaf_index + 1000000; UPDATE audit_log "
        "SET leaf_index = leaf_index - 1000001");
    // And re-append one, so the log has the checkpoint's size again.
    f.AppendSamples(1000, 1);
    EXPECT_TRUE(Tampered(f.Verify(), "does not match the log"));
  }
}

TEST(VerifyTest, DetectsAnInsertedEntry) {
  for (std::int64_t size : kSizes) {
    for (std::int64_t at : Positions(size)) {
      SCOPED_TRACE("before entry " + std::to_string(at) + " of " + std::to_string(size));
      AuditFixture f;
      Build(f, size);
      const std::string forged =
          EncodeLeaf(core::FromUnixMillis(1'760'000'000'000), testing::SampleEvent(500));
      // Make room at `at` (two steps: the primary key must stay unique), then
      // drop the newest entry so the log keeps the checkpoint's size.
      f.Tamper(
          "PRAGMA foreign_keys = OFF; DELETE FROM audit_children;"
          "UPDATE audit_log SET leaf_index = leaf_index + 1000001 WHERE leaf_index >= " +
          std::to_string(at) +
          "; UPDATE audit_log SET leaf_index = leaf_index - 1000000 "
          "WHERE leaf_index >= 1000000;"
          "DELETE FROM audit_log WHERE leaf_index = " +
          std::to_string(size) +
          "; INSERT INTO audit_log (leaf_index, at_ms, actor, action, leaf) VALUES (" +
          std::to_string(at) + ", 0, 'u', 'search', x'00')");
      f.ReplaceLeaf(at, forged);
      EXPECT_TRUE(Tampered(f.Verify(), "does not match the log"));
    }
  }
}

TEST(VerifyTest, DetectsReorderedEntries) {
  for (std::int64_t size : kSizes) {
    if (size < 2) continue;
    for (std::int64_t at : Positions(size)) {
      if (at == size - 1) at = size - 2;
      SCOPED_TRACE("entries " + std::to_string(at) + " and " + std::to_string(at + 1) + " of " +
                   std::to_string(size));
      AuditFixture f;
      Build(f, size);
      const std::string a = f.LeafAt(at);
      const std::string b = f.LeafAt(at + 1);
      ASSERT_NE(a, b);
      f.ReplaceLeaf(at, b);
      f.ReplaceLeaf(at + 1, a);
      EXPECT_TRUE(Tampered(f.Verify(), "does not match the log"));
    }
  }
}

TEST(VerifyTest, DetectsATruncatedLog) {
  for (std::int64_t size : kSizes) {
    for (std::int64_t keep : {std::int64_t{0}, size / 2, size - 1}) {
      SCOPED_TRACE("keeping " + std::to_string(keep) + " of " + std::to_string(size));
      AuditFixture f;
      Build(f, size);
      f.Tamper("DELETE FROM audit_children WHERE leaf_index >= " + std::to_string(keep) +
               "; DELETE FROM audit_criteria WHERE leaf_index >= " + std::to_string(keep) +
               "; DELETE FROM audit_log WHERE leaf_index >= " + std::to_string(keep));
      EXPECT_TRUE(Tampered(f.Verify(), "covers more entries than the log holds"));
    }
  }
}

TEST(VerifyTest, DetectsAForgedCheckpoint) {
  struct Case {
    std::string name;
    std::string sql;
  };
  const std::vector<Case> cases = {
      {"root replaced", "UPDATE audit_checkpoints SET root_hash = zeroblob(32)"},
      {"size changed", "UPDATE audit_checkpoints SET tree_size = tree_size - 1"},
      {"time changed", "UPDATE audit_checkpoints SET at_ms = at_ms + 1"},
      {"signature replaced", "UPDATE audit_checkpoints SET signature = zeroblob(64)"},
  };
  for (std::int64_t size : {3, 6, 9}) {
    for (const Case& c : cases) {
      SCOPED_TRACE(c.name + " at size " + std::to_string(size));
      AuditFixture f;
      Build(f, size);
      f.Tamper(c.sql);
      EXPECT_TRUE(Tampered(f.Verify(), "invalid signature"));
    }
  }
}

TEST(VerifyTest, DetectsACheckpointSignedWithAnotherKey) {
  AuditFixture f;
  f.AppendSamples(0, 5);
  // Someone with the store but not the key rewrites an entry and signs a
  // matching checkpoint with a key of their own.
  const SigningKey intruder = SigningKey::Generate();
  std::string leaf = f.LeafAt(2);
  leaf[10] ^= 0x04;
  f.ReplaceLeaf(2, leaf);
  AuditLog forged(*f.store_, f.clock_, &intruder);
  ASSERT_TRUE(forged.Checkpoint().ok());
  auto report = f.Verify();
  EXPECT_TRUE(Tampered(report, "signed by another key"));
  EXPECT_TRUE(Tampered(report, intruder.public_key().id()));
}

TEST(VerifyTest, EntriesAfterTheNewestCheckpointAreCountedAsNotYetCovered) {
  AuditFixture f;
  Build(f, 5);
  f.AppendSamples(5, 3);
  auto report = f.Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, 8);
  EXPECT_EQ(report->covered, 5);
  EXPECT_EQ(report->checkpoints, 1);
}

TEST(VerifyTest, ALaterCheckpointCatchesTamperingAnEarlierOneMissed) {
  // Tampering after checkpoint 3 but before checkpoint 7 in entries 3..6.
  AuditFixture f;
  Build(f, 3);
  f.AppendSamples(3, 4);
  ASSERT_TRUE(f.log_->Checkpoint().ok());
  std::string leaf = f.LeafAt(4);
  leaf[5] ^= 0x20;
  f.ReplaceLeaf(4, leaf);
  EXPECT_TRUE(Tampered(f.Verify(), "tree size 7"));
}

}  // namespace
}  // namespace cp::audit
