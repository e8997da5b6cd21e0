// Property: no sequence of link, separate, merge and split ever puts records
// of two identities under a cannot-link constraint on one child, and every
// redirect chain ends at a live child.
//
// A seeded-random property test (rapidcheck is not packaged for our build
// image): each seed builds a small population whose ground truth the test
// knows (twins, a sibling, a pre- and post-adoption identity of one child,
// and unrelated children some of whom may rightly be merged), puts the
// records of half the identities on one child each and every other record
// on a child of its own (most of those waiting for review with a random
// candidate), then applies random operations with random arguments;
// most are refused. After every operation the invariants are checked.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "ingest/best_view.h"
#include "ingest/cluster.h"
#include "review/review_fixture.h"

namespace cp::review {
namespace {

using domain::ContactPointId;
using storage::LinkState;

struct Identity {
  std::string given;
  std::string family;
  std::string dob;  // yyyy-mm-dd
  bool post_adoption = false;
  std::string nhs;  // on the first record only; unique to the identity
  bool household = false;  // lives at the twins' address
};

// Ground truth. Indices matter: kCannotLink lists the pairs that must never
// share a child.
const std::vector<Identity> kPeople = {
    {"Amelia", "Smith", "2015-03-02", false, "9434765919", true},  // 0: twin
    {"Olivia", "Smith", "2015-03-02", false, "4010232137", true},  // 1: her twin
    {"George", "Smith", "2012-06-10", false, "", true},            // 2: their brother
    {"Jack", "Brown", "2012-01-01", false, "", false},              // 3: before adoption
    {"Jack", "Green", "2012-01-01", true, "", false},               // 4: after adoption
    {"Noah", "Patel", "2014-05-05", false, "", false},              // 5
    {"Noah", "Patel", "2014-05-06", false, "", false},              // 6: a look-alike
    {"Amelia", "Jones", "2016-01-01", false, "", false},            // 7
};
const std::set<std::pair<int, int>> kCannotLink = {{0, 1}, {0, 2}, {1, 2}, {3, 4}};

bool Forbidden(int a, int b) {
  return kCannotLink.contains({std::min(a, b), std::max(a, b)});
}

domain::Date ParseDob(const std::string& text) {
  return std::chrono::year{std::stoi(text.substr(0, 4))} /
         std::chrono::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))} /
         std::chrono::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))};
}

class ReviewPropertyTest : public testing::ReviewTest {
 protected:
  struct Rec {
    RecordRef ref;
    int identity = 0;
  };

  // Every identity gets two or three records from different sources, each on
  // a child of its own; about half wait for review.
  void Populate(std::uint64_t seed) {
    rng_ = core::SeededRandom(seed);
    Register("la-social-care");
    const std::vector<std::string> sources = {"gro-births", "nhs-pds", "la-social-care"};
    auto tx = *store_->Begin(storage::TxMode::kReadWrite);
    for (std::size_t p = 0; p < kPeople.size(); ++p) {
      const Identity& who = kPeople[p];
      const int copies = 2 + static_cast<int>(rng_.Next() % 2);
      // Half the identities start as one child (so that splits have work).
      const bool together = rng_.Next() % 2 == 0;
      std::optional<ContactPointId> first;
      for (int c = 0; c < copies; ++c) {
        storage::SourceRecord r;
        r.source = domain::SourceId(sources[c]);
        r.key = domain::SourceKey("I" + std::to_string(p) + "R" + std::to_string(c));
        r.batch = domain::BatchId("seed");
        r.extracted_at = r.received_at = clock_.Now() + std::chrono::seconds(c);
        r.data.name.given_names = domain::PersonalText(who.given);
        r.data.name.family_name = domain::PersonalText(who.family);
        r.data.gender = domain::Gender::kFemale;
        r.data.date_of_birth = core::Sensitive<domain::Date>(ParseDob(who.dob));
        if (c == 0 && !who.nhs.empty()) r.data.identifiers.nhs_number = domain::PersonalText(who.nhs);
        if (who.household) {
          r.data.address = domain::Address{
              core::Sensitive<std::vector<std::string>>({"1 Mill Lane", "Leeds"}), std::nullopt};
        }
        if (who.post_adoption) {
          r.events.push_back(domain::SourceEvent{domain::SourceEvent::Type::kAdoption, std::nullopt});
        }
        if (together && first) {
          r.child = *first;
        } else {
          auto id = tx->AllocateChildId(random_);
          ASSERT_TRUE(id.ok());
          const ingest::SourceView source_view = ingest::ViewOf(r, ingest::SourcePriorities());
          domain::Child view = ingest::MergeSourceViews(*id, {&source_view, 1});
          linker_->AssignAuthority(view);
          ASSERT_TRUE(tx->PutChild(view).ok());
          r.child = *id;
          first = *id;
          ids_.push_back(*id);
        }
        r.decision = storage::LinkDecision{"new", "seed", 0, "", "", "matcher", clock_.Now(), {}};
        records_.push_back(Rec{RecordRef{r.source, r.key}, static_cast<int>(p)});
        pending_.push_back(std::move(r));
      }
    }
    std::map<ContactPointId, int> per_child;
    for (const storage::SourceRecord& r : pending_) ++per_child[*r.child];
    for (storage::SourceRecord& r : pending_) {
      // Only a record alone on its child waits for review, as the loader does.
      if (per_child[*r.child] == 1 && rng_.Next() % 3 != 0) {
        r.state = LinkState::kReview;
        r.decision->decision = "review";
        r.decision->candidate = ids_[rng_.Next() % ids_.size()];
        if (r.decision->candidate == r.child) r.decision->candidate.reset();
      }
      ASSERT_TRUE(tx->PutSourceRecord(r).ok());
    }
    for (const auto& [child, count] : per_child) {
      auto records = tx->SourceRecordsOf(child);
      ASSERT_TRUE(records.ok());
      ASSERT_TRUE(
          ingest::RebuildBestView(*tx, *linker_, ingest::SourcePriorities(), child, *records).ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
  }

  ContactPointId AnyId() { return ids_[rng_.Next() % ids_.size()]; }
  const Rec& AnyRecord() { return records_[rng_.Next() % records_.size()]; }

  // One random operation; returns its name and whether it was done.
  std::pair<std::string, bool> Step() {
    // Weighted: link 35%, separate 10%, merge 30%, split 25%.
    const std::uint64_t pick = rng_.Next() % 20;
    switch (pick < 7 ? 0 : pick < 9 ? 1 : pick < 15 ? 2 : 3) {
      case 0: {
        std::optional<ContactPointId> to;
        if (rng_.Next() % 2) to = AnyId();
        return {"link", ops_->Link(da_, AnyRecord().ref, to).ok()};
      }
      case 1:
        return {"separate", ops_->Separate(da_, AnyRecord().ref).ok()};
      case 2: {
        auto merged = ops_->Merge(da_, AnyId(), AnyId());
        return {"merge", merged.ok()};
      }
      default: {
        // Half the time the records of the child itself, so some splits work.
        const ContactPointId child = AnyId();
        std::vector<RecordRef> refs;
        if (rng_.Next() % 2) {
          for (const Rec& r : records_) {
            if (RecordOnChild(r.ref, child) && rng_.Next() % 2) refs.push_back(r.ref);
          }
        }
        if (refs.empty()) refs.push_back(AnyRecord().ref);
        auto split = ops_->Split(da_, child, refs);
        if (split.ok()) ids_.push_back(split->new_child);
        return {"split", split.ok()};
      }
    }
  }

  bool RecordOnChild(const RecordRef& ref, ContactPointId child) {
    auto tx = *store_->Begin(storage::TxMode::kReadOnly);
    auto live = tx->Resolve(child);
    auto record = tx->GetSourceRecord(ref.source, ref.key);
    return live.ok() && record.ok() && record->child == *live;
  }

  // The invariants; a failure names the step.
  void Check(const std::string& step) {
    auto tx = *store_->Begin(storage::TxMode::kReadOnly);
    std::map<ContactPointId, std::set<int>> identities;
    for (const Rec& r : records_) {
      auto record = tx->GetSourceRecord(r.ref.source, r.ref.key);
      ASSERT_TRUE(record.ok()) << step;
      ASSERT_TRUE(record->child.has_value()) << step;
      ASSERT_TRUE(tx->GetChild(*record->child).ok()) << step << ": a record on a dead child";
      if (ingest::IsCurrent(*record)) identities[*record->child].insert(r.identity);
    }
    for (const auto& [child, who] : identities) {
      for (int a : who) {
        for (int b : who) {
          ASSERT_FALSE(Forbidden(a, b))
              << step << ": child " << child.ToString() << " holds identities " << a << " and "
              << b << ", which must never be linked";
        }
      }
    }
    for (const ContactPointId& id : ids_) {
      auto live = tx->Resolve(id);
      ASSERT_TRUE(live.ok()) << step << ": " << id.ToString() << " resolves to nothing";
      ASSERT_TRUE(tx->GetChild(*live).ok()) << step;
    }
  }

  core::SeededRandom rng_{0};
  std::vector<ContactPointId> ids_;  // every ID ever issued in the test
  std::vector<Rec> records_;
  std::vector<storage::SourceRecord> pending_;
};

TEST_F(ReviewPropertyTest, NoSequenceOfOperationsEverConnectsCannotLinkIdentities) {
  constexpr int kSequences = 16;
  constexpr int kSteps = 40;
  std::map<std::string, int> done;
  for (int seq = 0; seq < kSequences; ++seq) {
    if (seq > 0) {
      TearDown();
      ids_.clear();
      records_.clear();
      pending_.clear();
      SetUp();
    }
    Populate(1000 + seq);
    if (HasFatalFailure()) return;
    Check("seed " + std::to_string(seq) + " initial");
    for (int step = 0; step < kSteps; ++step) {
      const auto [name, ok] = Step();
      if (ok) ++done[name];
      Check("seed " + std::to_string(1000 + seq) + " step " + std::to_string(step) + " (" +
            name + (ok ? ", done)" : ", refused)"));
      if (HasFatalFailure()) return;
    }
  }
  // The sequences did real work, not only refusals.
  EXPECT_GT(done["link"], 0);
  EXPECT_GT(done["separate"], 0);
  EXPECT_GT(done["merge"], 0);
  EXPECT_GT(done["split"], 0);
  for (const auto& [name, count] : done) std::cout << name << ": " << count << " done\n";
}

}  // namespace
}  // namespace cp::review
