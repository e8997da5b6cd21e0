#include "review/operations.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "review/review_fixture.h"

namespace cp::review {
namespace {

using core::ErrorCode;
using storage::LinkState;
using testing::kAdopted;
using testing::Upsert;

class OperationsTest : public testing::ReviewTest {
 protected:
  // gro-births G1 "Amelia Smith"; nhs-pds P1 "Amelie Smith" waits for review
  // on a provisional child of its own with G1's child as candidate.
  void LoadDoubtfulPair() {
    Load("gro-births", Upsert("G1", "Amelia", "Smith"));
    const ingest::Receipt receipt = Load("nhs-pds", Upsert("P1", "Amelie", "Smith"));
    ASSERT_EQ(receipt.review, 1);
    ASSERT_EQ(Record("nhs-pds", "P1").state, LinkState::kReview);
  }

  // The store's logical state: change-log end and every record's place.
  std::string State() {
    return std::to_string(store_->Info()->last_change) + "|" + testing::RecordPlaces(*store_);
  }

  // The newest audit event.
  audit::LoggedEvent LastEvent() {
    audit::AuditQuery query;
    query.limit = 1;
    auto events = audit_->Query(query);
    EXPECT_TRUE(events.ok() && !events->empty());
    return events->front();
  }

  void ExpectRefusedAndAudited(const core::Status& status, ErrorCode code,
                               audit::Action action) {
    EXPECT_EQ(status.code(), code) << status.ToString();
    const audit::LoggedEvent event = LastEvent();
    EXPECT_EQ(event.event.action, action);
    EXPECT_EQ(event.event.outcome, audit::Outcome::kRefused);
    EXPECT_EQ(event.event.refusal, core::ErrorCodeName(code));
  }
};

TEST_F(OperationsTest, ListShowsTheDoubtfulRecordWithItsCandidate) {
  LoadDoubtfulPair();
  clock_.Advance(std::chrono::hours(30));
  auto list = ops_->List(da_, 50);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  const QueueEntry& entry = list->front();
  EXPECT_EQ(entry.record, Ref("nhs-pds", "P1"));
  EXPECT_EQ(entry.child, ChildOf("nhs-pds", "P1"));
  EXPECT_EQ(entry.candidate, ChildOf("gro-births", "G1"));
  EXPECT_FALSE(entry.reason.empty());
  EXPECT_GE(entry.waiting, std::chrono::hours(30));
  const audit::LoggedEvent event = LastEvent();
  EXPECT_EQ(event.event.action, audit::Action::kViewRecord);
  EXPECT_EQ(event.event.reason, "review_list");
  EXPECT_EQ(event.event.actor.id, "user:" + std::to_string(da_.user.id));
  EXPECT_EQ(event.event.children.size(), 2u);
}

TEST_F(OperationsTest, ShowGivesTheDecisionAndTheCandidatesBestView) {
  LoadDoubtfulPair();
  auto shown = ops_->Show(da_, Ref("nhs-pds", "P1"));
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  ASSERT_TRUE(shown->record.decision.has_value());
  EXPECT_EQ(shown->record.decision->decision, "review");
  EXPECT_EQ(SplitVector(shown->record.decision->vector).size(), linkage::kFieldCount);
  ASSERT_TRUE(shown->candidate_view.has_value());
  EXPECT_EQ(shown->candidate_view->name.given_names.Reveal(), "Amelia");
  const audit::LoggedEvent event = LastEvent();
  EXPECT_EQ(event.event.reason, "review_show");
  EXPECT_EQ(event.event.children.size(), 2u);
}

TEST_F(OperationsTest, LinkJoinsTheCandidateAndMergesTheProvisionalChildAway) {
  LoadDoubtfulPair();
  const auto provisional = ChildOf("nhs-pds", "P1");
  const auto candidate = ChildOf("gro-births", "G1");
  const storage::LinkDecision matcher = *Record("nhs-pds", "P1").decision;
  auto linked = ops_->Link(da_, Ref("nhs-pds", "P1"), std::nullopt, "duplicate_confirmed");
  ASSERT_TRUE(linked.ok()) << linked.status().ToString();
  EXPECT_EQ(linked->target.id, candidate);
  EXPECT_TRUE(linked->provisional_merged_away);
  const storage::SourceRecord p1 = Record("nhs-pds", "P1");
  EXPECT_EQ(p1.state, LinkState::kLinked);
  EXPECT_EQ(p1.child, candidate);
  ASSERT_TRUE(p1.decision.has_value());
  EXPECT_EQ(p1.decision->decision, "manual_link");
  EXPECT_EQ(p1.decision->reason, "duplicate_confirmed");
  EXPECT_EQ(p1.decision->decided_by, "data.admin");
  // The matcher's comparison with this very child is kept.
  EXPECT_EQ(p1.decision->score, matcher.score);
  EXPECT_EQ(p1.decision->vector, matcher.vector);
  EXPECT_EQ(p1.decision->model_version, matcher.model_version);
  // The provisional child is gone and its ID redirects to the candidate.
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  EXPECT_EQ((*tx)->GetChild(provisional).status().code(), ErrorCode::kChildNotFound);
  EXPECT_EQ(*(*tx)->Resolve(provisional), candidate);
  auto view = (*tx)->GetChild(candidate);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->other_names.size(), 1u);  // Amelia and Amelie, one child
  tx->reset();
  const audit::LoggedEvent event = LastEvent();
  EXPECT_EQ(event.event.action, audit::Action::kMergeRecords);
  EXPECT_EQ(event.event.outcome, audit::Outcome::kAllowed);
  EXPECT_EQ(event.event.reason, "review_link");
  EXPECT_EQ(event.event.children, (std::vector{provisional, candidate}));
  // A later load of the same record keeps it where the administrator put it.
  Load("nhs-pds", Upsert("P1", "Amelie", "Smith"));
  EXPECT_EQ(Record("nhs-pds", "P1").child, candidate);
  EXPECT_EQ(Record("nhs-pds", "P1").state, LinkState::kLinked);
}

// Records linked to the provisional child are the same child as the record
// in review: a link takes them along, and the provisional child goes.
TEST_F(OperationsTest, LinkTakesTheRecordsLinkedToTheProvisionalChildAlong) {
  LoadDoubtfulPair();
  const auto provisional = ChildOf("nhs-pds", "P1");
  const auto candidate = ChildOf("gro-births", "G1");
  Register("dwp-child-benefit");
  ASSERT_EQ(Load("dwp-child-benefit", Upsert("C1", "Amelie", "Smith")).review, 1);
  ASSERT_EQ(ChildOf("dwp-child-benefit", "C1"), provisional);  // waits with P1
  ASSERT_TRUE(ops_->Separate(da_, Ref("dwp-child-benefit", "C1"), "same_child").ok());
  auto shown = ops_->Show(da_, Ref("nhs-pds", "P1"));
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  EXPECT_EQ(shown->linked_with, 1);
  auto linked = ops_->Link(da_, Ref("nhs-pds", "P1"), std::nullopt, "duplicate_confirmed");
  ASSERT_TRUE(linked.ok()) << linked.status().ToString();
  EXPECT_EQ(linked->records_moved, 2);
  EXPECT_TRUE(linked->provisional_merged_away);
  const storage::SourceRecord c1 = Record("dwp-child-benefit", "C1");
  EXPECT_EQ(c1.child, candidate);
  EXPECT_EQ(c1.state, LinkState::kLinked);
  EXPECT_EQ(c1.decision->decision, "manual_link");
  EXPECT_EQ(c1.decision->reason, "duplicate_confirmed");
  EXPECT_EQ(c1.decision->decided_by, "data.admin");
  EXPECT_EQ(Record("nhs-pds", "P1").child, candidate);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  EXPECT_EQ(*(*tx)->Resolve(provisional), candidate);
  tx->reset();
  const audit::LoggedEvent event = LastEvent();
  EXPECT_EQ(event.event.reason, "review_link");
  EXPECT_NE(std::find(event.event.counts.begin(), event.event.counts.end(),
                      std::pair<std::string, std::int64_t>{"records", 2}),
            event.event.counts.end());
}

TEST_F(OperationsTest, LinkToAnotherChildComparesAfresh) {
  LoadDoubtfulPair();
  Load("gro-births", Upsert("G9", "Amelie", "Smith", "2015-03-03"));
  const auto other = ChildOf("gro-births", "G9");
  auto linked = ops_->Link(da_, Ref("nhs-pds", "P1"), other);
  ASSERT_TRUE(linked.ok()) << linked.status().ToString();
  EXPECT_EQ(linked->target.id, other);
  const storage::LinkDecision d = *Record("nhs-pds", "P1").decision;
  EXPECT_EQ(d.reason, "administrator_decision");
  EXPECT_NE(d.vector.find("given_name=exact"), std::string::npos) << d.vector;
  EXPECT_EQ(d.model_version, linker_->model_version());
}

TEST_F(OperationsTest, LinkFollowsARedirectedCandidateAndSaysSo) {
  LoadDoubtfulPair();
  Load("gro-births", Upsert("G9", "Amelia", "Smith", "2015-03-09"));
  const auto g1 = ChildOf("gro-births", "G1");
  const auto g9 = ChildOf("gro-births", "G9");
  ASSERT_NE(g1, g9);
  ASSERT_TRUE(ops_->Merge(da_, g9, g1).ok());  // the candidate is merged away
  auto linked = ops_->Link(da_, Ref("nhs-pds", "P1"), std::nullopt);
  ASSERT_TRUE(linked.ok()) << linked.status().ToString();
  EXPECT_TRUE(linked->target.redirected());
  EXPECT_EQ(linked->target.requested, g1);
  EXPECT_EQ(linked->target.id, g9);
  EXPECT_EQ(Record("nhs-pds", "P1").child, g9);
  // Not the very child the matcher compared with: a fresh comparison.
  EXPECT_EQ(Record("nhs-pds", "P1").decision->model_version, linker_->model_version());
}

TEST_F(OperationsTest, SeparateKeepsTheRecordOnAChildOfItsOwn) {
  LoadDoubtfulPair();
  const auto provisional = ChildOf("nhs-pds", "P1");
  const auto candidate = ChildOf("gro-births", "G1");
  auto separated = ops_->Separate(da_, Ref("nhs-pds", "P1"), "different_child");
  ASSERT_TRUE(separated.ok()) << separated.status().ToString();
  const storage::SourceRecord p1 = Record("nhs-pds", "P1");
  EXPECT_EQ(p1.state, LinkState::kLinked);
  EXPECT_EQ(p1.child, provisional);
  EXPECT_EQ(p1.decision->decision, "separate");
  EXPECT_EQ(p1.decision->decided_by, "data.admin");
  EXPECT_EQ(p1.decision->candidate, candidate);  // decided against
  EXPECT_FALSE(p1.decision->vector.empty());
  EXPECT_EQ(LastEvent().event.action, audit::Action::kUpdateRecord);
  auto list = ops_->List(da_, 10);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

TEST_F(OperationsTest, AnUnknownRecordIsRefusedAndAudited) {
  LoadDoubtfulPair();
  const std::string before = State();
  ExpectRefusedAndAudited(ops_->Link(da_, Ref("nhs-pds", "NOPE"), std::nullopt).status(),
                          ErrorCode::kSourceRecordNotFound, audit::Action::kMergeRecords);
  EXPECT_EQ(State(), before);
}

TEST_F(OperationsTest, ALinkedRecordIsNotInReview) {
  LoadDoubtfulPair();
  const std::string before = State();
  ExpectRefusedAndAudited(ops_->Separate(da_, Ref("gro-births", "G1")).status(),
                          ErrorCode::kSourceRecordNotInReview, audit::Action::kUpdateRecord);
  ExpectRefusedAndAudited(ops_->Show(da_, Ref("gro-births", "G1")).status(),
                          ErrorCode::kSourceRecordNotInReview, audit::Action::kViewRecord);
  EXPECT_EQ(State(), before);
}

TEST_F(OperationsTest, AnotherAuthoritysRecordAnswersAsIfItDidNotExist) {
  // Leeds children (LS1): a York administrator may not review them.
  Load("gro-births", Upsert("G1", "Amelia", "Smith", "2015-03-02", "", "[]", "LS1 4AB"));
  Load("nhs-pds", Upsert("P1", "Amelie", "Smith", "2015-03-02", "", "[]", "LS1 4AB"));
  ASSERT_EQ(Record("nhs-pds", "P1").state, LinkState::kReview) << "expected a doubtful pair";
  MakeEligible(admin_, "york.da", access::Role::kDataAdministrator, identity::testing::kYork);
  auto york = ops_->Actor("york.da");
  ASSERT_TRUE(york.ok()) << york.status().ToString();
  const std::string before = State();
  // Neither the record in review nor the linked one shows that it exists.
  for (const char* key : {"P1", "NOPE"}) {
    auto shown = ops_->Show(*york, Ref("nhs-pds", key));
    ExpectRefusedAndAudited(shown.status(), ErrorCode::kSourceRecordNotFound,
                            audit::Action::kViewRecord);
  }
  auto linked = ops_->Separate(*york, Ref("gro-births", "G1"));
  ExpectRefusedAndAudited(linked.status(), ErrorCode::kSourceRecordNotFound,
                          audit::Action::kUpdateRecord);
  // The same words as for a record that does not exist.
  std::string unknown(ops_->Show(*york, Ref("nhs-pds", "NOPE")).status().message());
  unknown.replace(unknown.find("NOPE"), 4, "P1");
  EXPECT_EQ(ops_->Show(*york, Ref("nhs-pds", "P1")).status().message(), unknown);
  EXPECT_EQ(State(), before);
  // Leeds's own administrator sees it.
  EXPECT_TRUE(ops_->Show(da_, Ref("nhs-pds", "P1")).ok());
}

TEST_F(OperationsTest, EachAuthoritySeesItsOwnQueueHoweverLongTheOthers) {
  for (int i = 0; i < 5; ++i) {  // five older Leeds reviews
    const std::string dob = "2015-03-1" + std::to_string(i);
    Load("gro-births", Upsert("G" + std::to_string(i), "Amelia", "Smith", dob, "", "[]", "LS1 4AB"));
    Load("nhs-pds", Upsert("P" + std::to_string(i), "Amelie", "Smith", dob, "", "[]", "LS1 4AB"));
    clock_.Advance(std::chrono::minutes(1));
  }
  Load("gro-births", Upsert("GY", "Amelia", "Brown", "2014-05-06", "", "[]", "YO1 7HH"));
  Load("nhs-pds", Upsert("PY", "Amelie", "Brown", "2014-05-06", "", "[]", "YO1 7HH"));
  ASSERT_EQ(Record("nhs-pds", "PY").state, LinkState::kReview) << "expected a doubtful pair";
  MakeEligible(admin_, "york.da", access::Role::kDataAdministrator, identity::testing::kYork);
  auto york = ops_->Actor("york.da");
  ASSERT_TRUE(york.ok());
  auto list = ops_->List(*york, 1);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().record, Ref("nhs-pds", "PY"));
  auto leeds = ops_->List(da_, 3);
  ASSERT_TRUE(leeds.ok());
  EXPECT_EQ(leeds->size(), 3u);
}

TEST_F(OperationsTest, OnlyADataAdministratorMayActAndARefusalIsAudited) {
  LoadDoubtfulPair();
  const std::string before = State();
  auto manager = ops_->Actor("cp.manager");
  ASSERT_TRUE(manager.ok()) << manager.status().ToString();
  auto linked = ops_->Link(*manager, Ref("nhs-pds", "P1"), std::nullopt);
  ExpectRefusedAndAudited(linked.status(), ErrorCode::kPermissionDenied,
                          audit::Action::kMergeRecords);
  EXPECT_NE(linked.status().message().find("Data Administrator"), std::string::npos);
  EXPECT_EQ(LastEvent().event.actor.id, "user:" + std::to_string(manager->user.id));
  ExpectRefusedAndAudited(ops_->List(*manager, 10).status(), ErrorCode::kPermissionDenied,
                          audit::Action::kViewRecord);
  EXPECT_EQ(State(), before);
  EXPECT_EQ(ops_->Actor("nobody.here").status().code(), ErrorCode::kUserNotFound);
}

TEST_F(OperationsTest, SiblingsAreNeverLinkedAndNothingChanges) {
  LoadDoubtfulPair();
  Load("gro-births", Upsert("G2", "Oliver", "Smith"));  // same date of birth
  const auto oliver = ChildOf("gro-births", "G2");
  const std::string before = State();
  auto linked = ops_->Link(da_, Ref("nhs-pds", "P1"), oliver);
  ExpectRefusedAndAudited(linked.status(), ErrorCode::kCannotLink, audit::Action::kMergeRecords);
  EXPECT_NE(linked.status().message().find("rule"), std::string::npos);
  EXPECT_EQ(linked.status().message().find("Oliver"), std::string::npos);  // no personal data
  auto merged = ops_->Merge(da_, oliver, ChildOf("gro-births", "G1"));
  ExpectRefusedAndAudited(merged.status(), ErrorCode::kCannotLink, audit::Action::kMergeRecords);
  EXPECT_EQ(State(), before);
}

TEST_F(OperationsTest, APostAdoptionIdentityIsNeverJoinedWithAnother) {
  Load("gro-births", Upsert("G3", "Jack", "Brown", "2012-01-01"));
  Load("nhs-pds", Upsert("P3", "Jack", "Green", "2012-01-01", "", kAdopted));
  const auto before_adoption = ChildOf("gro-births", "G3");
  const auto after_adoption = ChildOf("nhs-pds", "P3");
  ASSERT_NE(before_adoption, after_adoption);
  const std::string before = State();
  auto merged = ops_->Merge(da_, before_adoption, after_adoption);
  ExpectRefusedAndAudited(merged.status(), ErrorCode::kCannotLink, audit::Action::kMergeRecords);
  EXPECT_NE(merged.status().message().find("adoption rule"), std::string::npos);
  EXPECT_EQ(State(), before);
}

TEST_F(OperationsTest, MergeMovesEveryRecordAndTheMergedIdRedirects) {
  Load("gro-births", Upsert("G1", "Amelia", "Smith"));
  Load("nhs-pds", Upsert("P5", "Amelia", "Smith", "2015-03-09"));  // its own child
  const auto survivor = ChildOf("gro-births", "G1");
  const auto other = ChildOf("nhs-pds", "P5");
  ASSERT_NE(survivor, other);
  auto merged = ops_->Merge(da_, survivor, other, "duplicate_confirmed");
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->records_moved, 1);
  const storage::SourceRecord p5 = Record("nhs-pds", "P5");
  EXPECT_EQ(p5.child, survivor);
  EXPECT_EQ(p5.decision->decision, "merge");
  EXPECT_EQ(p5.decision->decided_by, "data.admin");
  EXPECT_FALSE(p5.decision->vector.empty());
  EXPECT_EQ(LastEvent().event.action, audit::Action::kMergeRecords);
  EXPECT_EQ(LastEvent().event.reason, "child_merge");
  // The merged-away ID is followed, and the answer says so.
  auto explained = ops_->Explain(da_, other);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  EXPECT_TRUE(explained->child.redirected());
  EXPECT_EQ(explained->child.id, survivor);
  EXPECT_EQ(explained->records.size(), 2u);
  // Merging it again is the same child.
  EXPECT_EQ(ops_->Merge(da_, survivor, other).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(OperationsTest, SplitMovesTheNamedRecordsToANewChild) {
  Load("gro-births", Upsert("G1", "Amelia", "Smith"));
  Load("nhs-pds", Upsert("P5", "Amelia", "Smith", "2015-03-09"));
  const auto child = ChildOf("gro-births", "G1");
  ASSERT_TRUE(ops_->Merge(da_, child, ChildOf("nhs-pds", "P5")).ok());
  // Every record may not leave; an unknown one is refused.
  EXPECT_EQ(ops_->Split(da_, child, {Ref("gro-births", "G1"), Ref("nhs-pds", "P5")})
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  ExpectRefusedAndAudited(ops_->Split(da_, child, {Ref("nhs-pds", "P9")}).status(),
                          ErrorCode::kSourceRecordNotFound, audit::Action::kSplitRecord);
  auto split = ops_->Split(da_, child, {Ref("nhs-pds", "P5")}, "wrongly_merged");
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  EXPECT_EQ(split->records_moved, 1);
  EXPECT_NE(split->new_child, child);
  const storage::SourceRecord p5 = Record("nhs-pds", "P5");
  EXPECT_EQ(p5.child, split->new_child);
  EXPECT_EQ(p5.decision->decision, "split");
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto new_view = (*tx)->GetChild(split->new_child);
  ASSERT_TRUE(new_view.ok());
  EXPECT_EQ(new_view->date_of_birth.Reveal(), (std::chrono::year{2015} / 3 / 9));
  auto old_view = (*tx)->GetChild(child);
  ASSERT_TRUE(old_view.ok());
  EXPECT_EQ(old_view->date_of_birth.Reveal(), (std::chrono::year{2015} / 3 / 2));
  tx->reset();
  const audit::LoggedEvent event = LastEvent();
  EXPECT_EQ(event.event.action, audit::Action::kSplitRecord);
  EXPECT_EQ(event.event.children, (std::vector{child, split->new_child}));
}

TEST_F(OperationsTest, ExplainNamesTheRecordThatSuppliedEachField) {
  Load("gro-births", Upsert("G1", "Amelia", "Smith"));
  clock_.Advance(std::chrono::hours(1));
  Load("nhs-pds", Upsert("P1", "Amelia", "Smith", "2015-03-02", "9434765919"));
  const auto child = ChildOf("gro-births", "G1");
  ASSERT_EQ(ChildOf("nhs-pds", "P1"), child) << "expected the matcher to link them";
  auto explained = ops_->Explain(da_, child);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  EXPECT_FALSE(explained->child.redirected());
  EXPECT_TRUE(explained->best_view_up_to_date);
  EXPECT_EQ(explained->records.size(), 2u);
  bool nhs_found = false;
  for (const FieldSource& f : explained->provenance) {
    if (f.field == "nhs_number") {
      nhs_found = true;
      EXPECT_EQ(f.source.value(), "nhs-pds");
    }
  }
  EXPECT_TRUE(nhs_found);
  EXPECT_EQ(LastEvent().event.reason, "child_explain");
}

TEST_F(OperationsTest, AReasonMustBeACode) {
  LoadDoubtfulPair();
  EXPECT_EQ(ops_->Separate(da_, Ref("nhs-pds", "P1"), "Amelia is not Amelie").status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(RecordRefTest, ParsesSourceColonKey) {
  auto ref = ParseRecordRef("gro-births:G:1");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->source.value(), "gro-births");
  EXPECT_EQ(ref->key.value(), "G:1");
  EXPECT_FALSE(ParseRecordRef("gro-births").ok());
  EXPECT_FALSE(ParseRecordRef(":G1").ok());
  EXPECT_FALSE(ParseRecordRef("gro-births:").ok());
}

TEST(SplitVectorTest, SplitsFieldsAndLevels) {
  const auto levels = SplitVector("given_name=exact;family_name=missing");
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_EQ(levels[1].field, "family_name");
  EXPECT_EQ(levels[1].level, "missing");
  EXPECT_TRUE(SplitVector("").empty());
}

}  // namespace
}  // namespace cp::review
