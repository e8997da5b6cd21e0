// The Data Administrator's match review pages (review_pages.cc) over a real
// store: records go to review through the loader, as in the review tests.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ingest/loader.h"
#include "review/review_fixture.h"
#include "web/testing/web_fixture.h"

namespace cp::web {
namespace {

using namespace testing;  // NOLINT: the web fixture
using review::testing::Header;
using review::testing::Upsert;
using storage::LinkState;

class ReviewPagesTest : public WebPagesTest {
 protected:
  // Batches load through a Linker of their own: a load's Sync rebuilds its
  // Linker's parts, and the fixture's review::Operations holds a reference
  // to the model inside the fixture's Linker (as `serve` gives the pages a
  // Linker and model that no load touches).
  static void SetUpTestSuite() {
    auto linker = ingest::Linker::Load(CP_LINKAGE_DATA_DIR);
    ASSERT_TRUE(linker.ok()) << linker.status().ToString();
    loader_linker_ = linker->release();
  }
  static void TearDownTestSuite() {
    delete loader_linker_;
    loader_linker_ = nullptr;
  }

  void SetUp() override {
    WebPagesTest::SetUp();
    loader_linker_->Invalidate();  // each test has a store of its own
    AddUser(admin_, "leeds.da", Role::kDataAdministrator);
    Register("nhs-pds");
  }

  void Register(const std::string& id) { review::testing::RegisterSource(*store_, id, clock_.Now()); }

  // Loads one batch of `lines` as `source` through the real loader.
  ingest::Receipt Load(const std::string& source, const std::string& lines) {
    ++batches_;
    return review::testing::LoadBatch({*store_, *audit_, clock_, random_, *loader_linker_, dir_},
                                      source, "w" + std::to_string(batches_), batches_, lines);
  }

  // gro-births G1 "Amelia Smith"; nhs-pds P1 "Amelie Smith" waits for
  // review with G1's child as its candidate.
  void LoadDoubtfulPair() {
    Load("gro-births", Upsert("G1", "Amelia", "Smith"));
    ASSERT_EQ(Load("nhs-pds", Upsert("P1", "Amelie", "Smith")).review, 1);
  }

  storage::SourceRecord Record(const std::string& source, const std::string& key) {
    auto tx = store_->Begin(storage::TxMode::kReadOnly);
    auto record = (*tx)->GetSourceRecord(domain::SourceId(source), domain::SourceKey(key));
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? *record : storage::SourceRecord{};
  }

  std::string ChildOf(const std::string& source, const std::string& key) {
    const storage::SourceRecord r = Record(source, key);
    return r.child ? r.child->ToString() : "";
  }

  // Every record's place: what a refused or forged request must not change.
  std::string State() {
    return review::testing::RecordPlaces(*store_);
  }

  inline static ingest::Linker* loader_linker_ = nullptr;
  int batches_ = 0;
};

TEST_F(ReviewPagesTest, OnlyADataAdministratorSeesTheQueueOrItsLink) {
  LoadDoubtfulPair();
  const std::string sam = SignIn();
  EXPECT_EQ(Get("/search", sam)->body.find("href=\"/review\""), std::string::npos);
  auto queue = Get("/review", sam);
  EXPECT_EQ(queue->status, 403);
  EXPECT_NE(queue->body.find("Data Administrator"), std::string::npos) << "the service's words";
  EXPECT_EQ(queue->body.find("nhs-pds:P1"), std::string::npos);
  const std::string csrf = Hidden(Get("/search", sam)->body, "csrf");
  const std::string before = State();
  auto show = PostForm("/review/show", Form({{"csrf", csrf}, {"record", "nhs-pds:P1"}}), sam);
  EXPECT_EQ(show->status, 403);
  EXPECT_EQ(show->body.find("Amelie"), std::string::npos);
  auto link = PostForm("/review/link",
                       Form({{"csrf", csrf}, {"record", "nhs-pds:P1"},
                             {"reason", "duplicate_confirmed"}}),
                       sam);
  EXPECT_EQ(link->status, 403);
  auto child = PostForm("/review/child",
                        Form({{"csrf", csrf}, {"contactpoint_id", ChildOf("gro-births", "G1")}}),
                        sam);
  EXPECT_EQ(child->status, 403);
  EXPECT_EQ(State(), before);

  const std::string da = SignIn("leeds.da");
  EXPECT_NE(Get("/search", da)->body.find("href=\"/review\""), std::string::npos);
}

TEST_F(ReviewPagesTest, TheQueueListsARecordInReviewAndShowPutsItBesideItsCandidate) {
  std::string da = SignIn("leeds.da");
  auto empty = Get("/review", da);
  ASSERT_EQ(empty->status, 200) << empty->body;
  EXPECT_NE(empty->body.find("id=\"no-reviews\""), std::string::npos);

  LoadDoubtfulPair();
  clock_.Advance(std::chrono::hours(30));  // the session has ended meanwhile
  EXPECT_EQ(Get("/review", da)->status, 303);
  da = SignIn("leeds.da");
  auto queue = Get("/review", da);
  ASSERT_EQ(queue->status, 200);
  EXPECT_NE(queue->body.find("1 record waiting for review"), std::string::npos);
  EXPECT_NE(queue->body.find("30 hours"), std::string::npos);
  EXPECT_NE(queue->body.find(ChildOf("gro-births", "G1")), std::string::npos) << "the candidate";
  EXPECT_EQ(Hidden(queue->body, "record"), "nhs-pds:P1");
  // Nothing identifying a record or child travels in a URL.
  EXPECT_EQ(queue->body.find("action=\"/review/show?"), std::string::npos);

  const std::string csrf = Hidden(queue->body, "csrf");
  auto show = PostForm("/review/show", Form({{"csrf", csrf}, {"record", "nhs-pds:P1"}}), da);
  ASSERT_EQ(show->status, 200) << show->body;
  EXPECT_NE(show->body.find("Is this the same child?"), std::string::npos);
  EXPECT_NE(show->body.find("<td class=\"govuk-table__cell\">Amelie</td>"), std::string::npos);
  EXPECT_NE(show->body.find("<td class=\"govuk-table__cell\">Amelia</td>"), std::string::npos);
  EXPECT_NE(show->body.find("Child " + ChildOf("gro-births", "G1")), std::string::npos);
  EXPECT_NE(show->body.find("How each field of the record compares"), std::string::npos);
  EXPECT_NE(show->body.find("Family name</th>"), std::string::npos);
  EXPECT_NE(show->body.find(">The same</strong>"), std::string::npos) << "worded levels";
  EXPECT_NE(show->body.find("action=\"/review/link\""), std::string::npos);
  EXPECT_NE(show->body.find("action=\"/review/separate\""), std::string::npos);
  const auto views = Events(audit::Action::kViewRecord);
  ASSERT_FALSE(views.empty());
  EXPECT_EQ(views.back().event.reason, "review_show");

  // A record not in review: the service's words, and a way back.
  auto linked = PostForm("/review/show", Form({{"csrf", csrf}, {"record", "gro-births:G1"}}), da);
  EXPECT_EQ(linked->status, 409);
  EXPECT_NE(linked->body.find("href=\"/review\""), std::string::npos);
}

TEST_F(ReviewPagesTest, LinkingThroughThePageJoinsTheCandidateAndAForgedFormChangesNothing) {
  LoadDoubtfulPair();
  const std::string candidate = ChildOf("gro-births", "G1");
  const std::string da = SignIn("leeds.da");
  const std::string csrf = Hidden(Get("/review", da)->body, "csrf");
  const std::string before = State();

  auto forged = PostForm("/review/link",
                         Form({{"csrf", "0000"}, {"record", "nhs-pds:P1"},
                               {"reason", "duplicate_confirmed"}}),
                         da);
  EXPECT_EQ(forged->status, 400);
  const std::string sam_csrf = Hidden(Get("/search", SignIn())->body, "csrf");
  auto other_session = PostForm("/review/link",
                                Form({{"csrf", sam_csrf}, {"record", "nhs-pds:P1"},
                                      {"reason", "duplicate_confirmed"}}),
                                da);
  EXPECT_EQ(other_session->status, 400) << "another session's token";
  auto no_reason = PostForm("/review/link", Form({{"csrf", csrf}, {"record", "nhs-pds:P1"}}), da);
  EXPECT_EQ(no_reason->status, 400);
  EXPECT_NE(no_reason->body.find("href=\"#link-reason\""), std::string::npos);
  EXPECT_NE(no_reason->body.find("Select why you are linking this record"), std::string::npos);
  auto bad_id = PostForm("/review/link",
                         Form({{"csrf", csrf}, {"record", "nhs-pds:P1"},
                               {"reason", "duplicate_confirmed"}, {"to", "12345"}}),
                         da);
  EXPECT_EQ(bad_id->status, 400);
  EXPECT_NE(bad_id->body.find("href=\"#link-to\""), std::string::npos);
  EXPECT_NE(bad_id->body.find("value=\"12345\""), std::string::npos) << "kept as typed";
  EXPECT_EQ(State(), before);
  EXPECT_EQ(Record("nhs-pds", "P1").state, LinkState::kReview);

  auto linked = PostForm("/review/link",
                         Form({{"csrf", csrf}, {"record", "nhs-pds:P1"},
                               {"reason", "duplicate_confirmed"}}),
                         da);
  ASSERT_EQ(linked->status, 200) << linked->body;
  EXPECT_NE(linked->body.find("Record nhs-pds:P1 is linked to child " + candidate),
            std::string::npos);
  EXPECT_NE(linked->body.find("id=\"no-reviews\""), std::string::npos) << "back at the queue";
  const storage::SourceRecord p1 = Record("nhs-pds", "P1");
  EXPECT_EQ(p1.state, LinkState::kLinked);
  EXPECT_EQ(p1.child->ToString(), candidate);
  ASSERT_TRUE(p1.decision.has_value());
  EXPECT_EQ(p1.decision->decision, "manual_link");
  EXPECT_EQ(p1.decision->reason, "duplicate_confirmed");
  EXPECT_EQ(p1.decision->decided_by, "leeds.da");

  // Sent again (a reload): refused by the service, nothing changes.
  const std::string after = State();
  auto again = PostForm("/review/link",
                        Form({{"csrf", csrf}, {"record", "nhs-pds:P1"},
                              {"reason", "duplicate_confirmed"}}),
                        da);
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(State(), after);
}

TEST_F(ReviewPagesTest, KeepingApartThroughThePageLeavesTheRecordAChildOfItsOwn) {
  LoadDoubtfulPair();
  const std::string provisional = ChildOf("nhs-pds", "P1");
  const std::string da = SignIn("leeds.da");
  const std::string csrf = Hidden(Get("/review", da)->body, "csrf");
  auto none = PostForm("/review/separate", Form({{"csrf", csrf}, {"record", "nhs-pds:P1"}}), da);
  EXPECT_EQ(none->status, 400);
  EXPECT_NE(none->body.find("href=\"#separate-reason\""), std::string::npos);
  EXPECT_EQ(Record("nhs-pds", "P1").state, LinkState::kReview);

  auto kept = PostForm("/review/separate",
                       Form({{"csrf", csrf}, {"record", "nhs-pds:P1"},
                             {"reason", "twin_or_sibling"}}),
                       da);
  ASSERT_EQ(kept->status, 200) << kept->body;
  EXPECT_NE(kept->body.find("Record nhs-pds:P1 is kept apart: it is child " + provisional),
            std::string::npos);
  const storage::SourceRecord p1 = Record("nhs-pds", "P1");
  EXPECT_EQ(p1.state, LinkState::kLinked);
  EXPECT_EQ(p1.child->ToString(), provisional);
  EXPECT_EQ(p1.decision->decision, "separate");
  EXPECT_EQ(p1.decision->reason, "twin_or_sibling");
  EXPECT_NE(ChildOf("gro-births", "G1"), provisional);
}

TEST_F(ReviewPagesTest, MergingAndSplittingThroughTheChildPage) {
  Load("gro-births", Upsert("G1", "Amelia", "Smith"));
  Load("nhs-pds", Upsert("P5", "Amelia", "Smith", "2015-03-09"));  // a child of its own
  const std::string survivor = ChildOf("gro-births", "G1");
  const std::string other = ChildOf("nhs-pds", "P5");
  ASSERT_NE(survivor, other);
  const std::string da = SignIn("leeds.da");
  const std::string csrf = Hidden(Get("/review", da)->body, "csrf");

  // Finding the child: an empty, malformed or unknown ID is an error by the field.
  auto empty = PostForm("/review/child", Form({{"csrf", csrf}, {"contactpoint_id", ""}}), da);
  EXPECT_EQ(empty->status, 400);
  EXPECT_NE(empty->body.find("href=\"#contactpoint_id\""), std::string::npos);
  EXPECT_NE(empty->body.find("Enter the ContactPoint ID of the child"), std::string::npos);
  auto malformed = PostForm("/review/child", Form({{"csrf", csrf}, {"contactpoint_id", "12"}}), da);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_NE(malformed->body.find("is not a ContactPoint ID"), std::string::npos);
  core::SeededRandom elsewhere{99};
  const std::string unknown = domain::ContactPointId::Generate(elsewhere).ToString();
  auto missing =
      PostForm("/review/child", Form({{"csrf", csrf}, {"contactpoint_id", unknown}}), da);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("href=\"#contactpoint_id\""), std::string::npos);

  auto page = PostForm("/review/child", Form({{"csrf", csrf}, {"contactpoint_id", survivor}}), da);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_NE(page->body.find("Child " + survivor), std::string::npos);
  EXPECT_NE(page->body.find("gro-births:G1"), std::string::npos);
  EXPECT_NE(page->body.find("Where each field of the best view comes from"), std::string::npos);
  EXPECT_NE(page->body.find("id=\"cannot-split\""), std::string::npos) << "one record only";
  EXPECT_EQ(Events(audit::Action::kViewRecord).back().event.reason, "child_explain");

  // Merge: a forged form and a missing reason change nothing.
  const std::string before = State();
  EXPECT_EQ(PostForm("/review/merge",
                     Form({{"csrf", "0000"}, {"contactpoint_id", survivor}, {"other", other},
                           {"reason", "duplicate_confirmed"}}),
                     da)->status,
            400);
  auto no_reason = PostForm(
      "/review/merge", Form({{"csrf", csrf}, {"contactpoint_id", survivor}, {"other", other}}), da);
  EXPECT_EQ(no_reason->status, 400);
  EXPECT_NE(no_reason->body.find("href=\"#merge-reason\""), std::string::npos);
  auto itself = PostForm("/review/merge",
                         Form({{"csrf", csrf}, {"contactpoint_id", survivor}, {"other", survivor},
                               {"reason", "duplicate_confirmed"}}),
                         da);
  EXPECT_EQ(itself->status, 400) << "the same child twice";
  EXPECT_NE(itself->body.find("href=\"#other\""), std::string::npos);
  EXPECT_EQ(State(), before);

  auto merged = PostForm("/review/merge",
                         Form({{"csrf", csrf}, {"contactpoint_id", survivor}, {"other", other},
                               {"reason", "duplicate_confirmed"}}),
                         da);
  ASSERT_EQ(merged->status, 200) << merged->body;
  EXPECT_NE(merged->body.find("Child " + other + " is merged into child " + survivor +
                              ": 1 record moved"),
            std::string::npos);
  EXPECT_EQ(ChildOf("nhs-pds", "P5"), survivor);
  EXPECT_EQ(Record("nhs-pds", "P5").decision->decision, "merge");
  EXPECT_NE(merged->body.find("value=\"nhs-pds:P5\""), std::string::npos) << "now splittable";

  // Split: at least one record ticked, and one must stay.
  auto nothing = PostForm("/review/split",
                          Form({{"csrf", csrf}, {"contactpoint_id", survivor},
                                {"reason", "wrongly_merged"}}),
                          da);
  EXPECT_EQ(nothing->status, 400);
  EXPECT_NE(nothing->body.find("href=\"#split-record\""), std::string::npos);
  const std::string merged_state = State();
  auto all = PostForm("/review/split",
                      "csrf=" + csrf + "&contactpoint_id=" + survivor +
                          "&record=gro-births%3AG1&record=nhs-pds%3AP5&reason=wrongly_merged",
                      da);
  EXPECT_EQ(all->status, 400);
  EXPECT_NE(all->body.find("at least one current record"), std::string::npos);
  EXPECT_EQ(State(), merged_state);

  auto split = PostForm("/review/split",
                        Form({{"csrf", csrf}, {"contactpoint_id", survivor},
                              {"record", "nhs-pds:P5"}, {"reason", "wrongly_merged"}}),
                        da);
  ASSERT_EQ(split->status, 200) << split->body;
  const std::string new_child = ChildOf("nhs-pds", "P5");
  EXPECT_NE(new_child, survivor);
  EXPECT_NE(split->body.find("1 record moved from child " + survivor +
                             " to a new child, ContactPoint ID " + new_child),
            std::string::npos);
  EXPECT_EQ(Record("nhs-pds", "P5").decision->decision, "split");
  EXPECT_EQ(ChildOf("gro-births", "G1"), survivor);
  EXPECT_EQ(Events(audit::Action::kSplitRecord).back().event.outcome, audit::Outcome::kAllowed);
}

TEST_F(ReviewPagesTest, ACannotLinkRefusalShowsTheServicesMessageAndChangesNothing) {
  LoadDoubtfulPair();
  Load("gro-births", Upsert("G2", "Oliver", "Smith"));  // a sibling: same date of birth
  const std::string oliver = ChildOf("gro-births", "G2");
  const std::string amelia = ChildOf("gro-births", "G1");
  const std::string da = SignIn("leeds.da");
  const std::string csrf = Hidden(Get("/review", da)->body, "csrf");
  const std::string before = State();

  auto merge = PostForm("/review/merge",
                        Form({{"csrf", csrf}, {"contactpoint_id", oliver}, {"other", amelia},
                              {"reason", "duplicate_confirmed"}}),
                        da);
  EXPECT_EQ(merge->status, 409) << merge->body;
  EXPECT_NE(merge->body.find("govuk-error-summary"), std::string::npos);
  EXPECT_NE(merge->body.find("href=\"#other\""), std::string::npos);
  EXPECT_NE(merge->body.find("rule"), std::string::npos) << "the service's message";
  EXPECT_EQ(Events(audit::Action::kMergeRecords).back().event.outcome, audit::Outcome::kRefused);

  auto link = PostForm("/review/link",
                       Form({{"csrf", csrf}, {"record", "nhs-pds:P1"}, {"to", oliver},
                             {"reason", "duplicate_confirmed"}}),
                       da);
  EXPECT_EQ(link->status, 409) << link->body;
  EXPECT_NE(link->body.find("href=\"#link-to\""), std::string::npos);
  EXPECT_NE(link->body.find("rule"), std::string::npos);
  EXPECT_EQ(State(), before);
  EXPECT_EQ(Record("nhs-pds", "P1").state, LinkState::kReview);
}

TEST_F(ReviewPagesTest, AHostileNameIsEscaped) {
  // The fixture's second child (gro-births K2) is named with a script tag.
  const std::string child = ChildOf("gro-births", "K2");
  ASSERT_FALSE(child.empty());
  const std::string da = SignIn("leeds.da");
  const std::string csrf = Hidden(Get("/review", da)->body, "csrf");
  auto page = PostForm("/review/child", Form({{"csrf", csrf}, {"contactpoint_id", child}}), da);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_EQ(page->body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(page->body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  // And what is typed into a form comes back escaped.
  auto typed = PostForm("/review/merge",
                        Form({{"csrf", csrf}, {"contactpoint_id", child},
                              {"other", "\"><script>x()</script>"},
                              {"reason", "duplicate_confirmed"}}),
                        da);
  EXPECT_EQ(typed->status, 400);
  EXPECT_EQ(typed->body.find("<script>x()"), std::string::npos);
}

}  // namespace
}  // namespace cp::web
