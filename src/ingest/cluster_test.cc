#include "ingest/cluster.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/random.h"

namespace cp::ingest {
namespace {

using std::chrono::March;

storage::SourceRecord Record(const std::string& source, const std::string& given,
                             storage::LinkState state, std::int64_t extracted_ms) {
  storage::SourceRecord r;
  r.source = domain::SourceId(source);
  r.key = domain::SourceKey("K");
  r.state = state;
  r.extracted_at = core::FromUnixMillis(extracted_ms);
  r.received_at = core::FromUnixMillis(extracted_ms);
  r.data.name.given_names = domain::PersonalText(given);
  r.data.name.family_name = domain::PersonalText("Smith");
  r.data.date_of_birth = core::Sensitive<domain::Date>(std::chrono::year{2015} / March / 2);
  return r;
}

TEST(ClusterTest, OnlyLinkedAndReviewRecordsAreCurrent) {
  EXPECT_TRUE(IsCurrent(Record("a", "Amelia", storage::LinkState::kLinked, 1)));
  EXPECT_TRUE(IsCurrent(Record("a", "Amelia", storage::LinkState::kReview, 1)));
  EXPECT_FALSE(IsCurrent(Record("a", "Amelia", storage::LinkState::kSealed, 1)));
  EXPECT_FALSE(IsCurrent(Record("a", "Amelia", storage::LinkState::kWithdrawn, 1)));
}

TEST(ClusterTest, BestViewTakesTheNewestCurrentRecordAndIgnoresTheRest) {
  core::SeededRandom random(1);
  const auto id = domain::ContactPointId::Generate(random);
  std::vector<storage::SourceRecord> records = {
      Record("a", "Amelia", storage::LinkState::kLinked, 1000),
      Record("b", "Amy", storage::LinkState::kReview, 3000),
      Record("c", "Withdrawn", storage::LinkState::kWithdrawn, 9000),
  };
  const auto view = BestViewOf(id, records, SourcePriorities());
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->id, id);
  EXPECT_EQ(view->name.given_names.Reveal(), "Amy");
  ASSERT_EQ(view->other_names.size(), 1u);
  EXPECT_EQ(view->other_names[0].given_names.Reveal(), "Amelia");
}

TEST(ClusterTest, AChildWithNoCurrentRecordHasNoBestView) {
  core::SeededRandom random(1);
  const auto id = domain::ContactPointId::Generate(random);
  EXPECT_FALSE(BestViewOf(id, {}, SourcePriorities()).has_value());
  EXPECT_FALSE(
      BestViewOf(id, {Record("a", "A", storage::LinkState::kWithdrawn, 1)}, SourcePriorities())
          .has_value());
}

TEST(ClusterTest, ARegisteredSourcesPriorityOutranksANewerLocalRecord) {
  core::SeededRandom random(1);
  const auto id = domain::ContactPointId::Generate(random);
  std::vector<storage::SourceRecord> records = {
      Record("gro", "Amelia", storage::LinkState::kLinked, 1000),
      Record("la-csc", "Amy", storage::LinkState::kLinked, 3000),
  };
  SourcePriorities priorities;
  priorities.Set(domain::SourceId("gro"), kNationalSourcePriority);
  EXPECT_EQ(priorities.Of(domain::SourceId("la-csc")), kLocalSourcePriority);  // unregistered
  const auto view = BestViewOf(id, records, priorities);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->name.given_names.Reveal(), "Amelia");
  ASSERT_FALSE(view->provenance.empty());
  EXPECT_EQ(view->provenance[0].field, "name");
  EXPECT_EQ(view->provenance[0].source.value(), "gro");
  // Without the priority, the newer record wins.
  EXPECT_EQ(BestViewOf(id, records, SourcePriorities())->name.given_names.Reveal(), "Amy");
}

TEST(ClusterTest, VectorTextNamesEveryField) {
  linkage::ComparisonVector vector;
  const std::string text = VectorText(vector);
  EXPECT_EQ(std::count(text.begin(), text.end(), '='), static_cast<long>(linkage::kFieldCount));
  EXPECT_EQ(text.rfind("given_name=", 0), 0u);
}

}  // namespace
}  // namespace cp::ingest
