#include "matching/matcher.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "core/random.h"
#include "linkage/linkage_data.h"
#include "linkage/normalise.h"
#include "linkage/testing/child_spec.h"
#include "synth/identifiers.h"

namespace cp::matching {
namespace {

using domain::ContactPointId;
using linkage::testing::ChildOf;
using linkage::testing::ChildSpec;

ChildSpec Registered() {
  ChildSpec spec;
  spec.nhs = "9434765919";
  return spec;
}

class MatcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto normaliser = linkage::NameNormaliser::Create();
    ASSERT_TRUE(normaliser.ok());
    normaliser_ = std::move(*normaliser).release();
    auto data = linkage::LoadLinkageData(CP_LINKAGE_DATA_DIR);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    data_ = new linkage::LinkageData(std::move(*data));
    builder_ = new linkage::RecordBuilder(*normaliser_, data_->given_name_variants,
                                          data_->family_name_variants, nullptr, nullptr,
                                          &data_->known_given_names);
  }

  void SetUp() override {
    matcher_ = std::make_unique<Matcher>(index_, comparator_, data_->model);
    // A population around the target: same surname elsewhere, same date of
    // birth elsewhere, neighbours.
    core::SeededRandom pick(5);
    const char* given[] = {"Amelia", "Oscar", "Isla", "Noah", "Freya", "Arthur", "Ivy", "Leo"};
    const char* family[] = {"Patel", "Evans", "Walker", "Wright", "Thompson", "Hughes"};
    for (int i = 0; i < 200; ++i) {
      ChildSpec spec;
      spec.given = given[pick.Uniform(std::size(given))];
      spec.family = family[pick.Uniform(std::size(family))];
      spec.dob = "201" + std::to_string(pick.Uniform(10)) + "-0" +
                 std::to_string(1 + pick.Uniform(9)) + "-1" + std::to_string(pick.Uniform(10));
      spec.postcode = "LS" + std::to_string(2 + pick.Uniform(20)) + " 1AA";
      spec.address = {std::to_string(1 + i) + " Other Street", "Leeds"};
      spec.carers = {{"Jane", spec.family}};
      spec.phones = {};
      Add(spec);
    }
  }

  ContactPointId Add(const ChildSpec& spec, bool shielded = false) {
    const ContactPointId id = ContactPointId::Generate(random_);
    EXPECT_TRUE(index_.Upsert(id, builder_->Build(ChildOf(spec))).ok());
    if (shielded) shielded_[id.number()] = true;
    return id;
  }

  MatchOutcome Match(const ChildSpec& spec) {
    return matcher_->Match(builder_->Build(ChildOf(spec)), [this](const ContactPointId& id) {
      ChildFacts facts;
      facts.shielded = shielded_.contains(id.number());
      facts.provisional = provisional_.contains(id.number());
      facts.register_holds_another = register_holds_another_.contains(id.number());
      auto members = members_.find(id.number());
      if (members != members_.end()) facts.members = members->second;
      return facts;
    });
  }

  // Comparison records of a child's members, each (given names, NHS number).
  std::vector<linkage::LinkageRecord> Members(
      const std::vector<std::pair<std::string, std::string>>& names) {
    std::vector<linkage::LinkageRecord> out;
    for (const auto& [given, nhs] : names) {
      ChildSpec spec{.given = given};
      spec.nhs = nhs;
      out.push_back(builder_->Build(ChildOf(spec)));
    }
    return out;
  }

  static linkage::NameNormaliser* normaliser_;
  static linkage::LinkageData* data_;
  static linkage::RecordBuilder* builder_;
  core::SeededRandom random_{11};
  index::CandidateIndex index_;
  linkage::Comparator comparator_;
  std::unique_ptr<Matcher> matcher_;
  std::map<std::uint64_t, bool> shielded_;
  std::map<std::uint64_t, bool> provisional_;
  std::map<std::uint64_t, bool> register_holds_another_;
  std::map<std::uint64_t, std::vector<linkage::LinkageRecord>> members_;
};
linkage::NameNormaliser* MatcherTest::normaliser_ = nullptr;
linkage::LinkageData* MatcherTest::data_ = nullptr;
linkage::RecordBuilder* MatcherTest::builder_ = nullptr;

TEST_F(MatcherTest, ThresholdsLieWhereTheirProbabilitiesSay) {
  EXPECT_NEAR(data_->model.MatchProbability(matcher_->link_score()), 0.9999, 1e-9);
  EXPECT_NEAR(data_->model.MatchProbability(matcher_->review_score()), 0.5, 1e-9);
  EXPECT_GT(matcher_->link_score(), matcher_->review_score());
}

TEST_F(MatcherTest, TheSameChildDescribedAgainLinks) {
  const ContactPointId target = Add(Registered());
  const MatchOutcome same = Match(Registered());
  EXPECT_EQ(same.decision, Decision::kLink);
  EXPECT_EQ(same.child, target);
  EXPECT_EQ(same.reason, "match");
  ASSERT_FALSE(same.best.empty());
  EXPECT_EQ(same.best.front().child, target);
}

TEST_F(MatcherTest, ALocalSourceWithoutIdentifiersButWithANicknameAndTypoStillLinks) {
  const ContactPointId target = Add(Registered());
  ChildSpec local;  // no NHS number
  local.given = "Bill";
  local.address = {"12 Church Rd", "Leeds"};
  local.carers = {{"Sara", "Thompson"}};
  const MatchOutcome outcome = Match(local);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, target);
}

TEST_F(MatcherTest, SomeoneNewIsANewChild) {
  Add(Registered());
  ChildSpec other;
  other.given = "Priya";
  other.family = "Okafor";
  other.dob = "2012-11-30";
  other.postcode = "M1 1AE";
  other.address = {"3 Mill Lane", "Manchester"};
  other.carers = {{"Ngozi", "Okafor"}};
  other.phones = {};
  const MatchOutcome outcome = Match(other);
  EXPECT_EQ(outcome.decision, Decision::kNew);
  EXPECT_FALSE(outcome.child.has_value());
}

TEST_F(MatcherTest, ATwinIsNeverMergedWithTheOther) {
  ChildSpec first = Registered();
  const ContactPointId william = Add(first);
  ChildSpec twin;  // same birth, family, address and mother; another name and NHS number
  twin.given = "Harry Edward";
  twin.nhs = "4010232137";
  const MatchOutcome outcome = Match(twin);
  EXPECT_EQ(outcome.decision, Decision::kNew) << outcome.reason;
  EXPECT_EQ(outcome.reason, "other_nhs_number");  // settled before the names are looked at
  // Without an NHS number (a local source), the twin rule keeps them apart.
  twin.nhs.clear();
  const MatchOutcome local = Match(twin);
  EXPECT_EQ(local.decision, Decision::kNew);
  EXPECT_EQ(local.reason, "twin_rule");
  // Once the twin has a record of their own, the twin's records go there.
  const ContactPointId harry = Add(ChildSpec{.given = "Harry Edward", .nhs = "4010232137"});
  const MatchOutcome again = Match(twin);
  EXPECT_EQ(again.decision, Decision::kLink) << again.reason;
  EXPECT_EQ(again.child, harry);
  EXPECT_NE(again.child, william);
}

TEST_F(MatcherTest, TwinsWithCloseNamesGoToReview) {
  Add(ChildSpec{.given = "Jayden"});
  // "Jaydon": a typo, or a twin called something close? Both are names.
  ChildSpec close{.given = "Jaydon"};
  ASSERT_TRUE(data_->known_given_names.Contains("jayden"));
  ASSERT_TRUE(data_->known_given_names.Contains("jaydon"));
  const MatchOutcome outcome = Match(close);
  EXPECT_EQ(outcome.decision, Decision::kReview);
  EXPECT_EQ(outcome.reason, "twin_rule_close_names");
}

TEST_F(MatcherTest, AFirstNameOneKeystrokeFromTheChildsAndNoOnesNameIsATypo) {
  // No identifier on either record. "Willian" is no registered name: the
  // record is William's, mistyped.
  ASSERT_FALSE(data_->known_given_names.Contains("willian"));
  const ContactPointId william = Add(ChildSpec{});
  MatchOutcome outcome = Match(ChildSpec{.given = "Willian"});
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, william);
  // A transposition is one keystroke too.
  EXPECT_EQ(Match(ChildSpec{.given = "Willaim"}).decision, Decision::kLink);
  // Two keystrokes away is no longer plainly a typo.
  outcome = Match(ChildSpec{.given = "Wlliiam"});
  EXPECT_NE(outcome.decision, Decision::kLink) << outcome.reason;
  // However short the name: Jaro-Winkler alone would call these different.
  const ContactPointId orla =
      Add(ChildSpec{.given = "Orla", .family = "Ash", .gender = domain::Gender::kFemale});
  outcome = Match(ChildSpec{.given = "Orlq", .family = "Ash", .gender = domain::Gender::kFemale});
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, orla);
  // Genders that disagree make it a twin question again.
  outcome = Match(ChildSpec{.given = "Willian", .gender = domain::Gender::kFemale});
  EXPECT_NE(outcome.decision, Decision::kLink) << outcome.reason;
}

TEST_F(MatcherTest, AChildRecordedUnderAMisspellingTakesTheRightSpelling) {
  // The child's best view came from a source that mistyped the name; a
  // later record spells it right.
  const ContactPointId child = Add(ChildSpec{.given = "Willian"});
  const MatchOutcome outcome = Match(ChildSpec{.given = "William"});
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, child);
}

TEST_F(MatcherTest, AFirstNameTypoWithTheSameMiddleNameIsNotATwin) {
  // Two registered names a keystroke apart, no identifier on either record.
  const ContactPointId id = Add(ChildSpec{.given = "Jayden James"});
  ChildSpec typo{.given = "Jaydon James"};
  MatchOutcome outcome = Match(typo);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, id);
  // Without the middle name it stays a question for a person.
  typo.given = "Jaydon";
  outcome = Match(typo);
  EXPECT_EQ(outcome.decision, Decision::kReview);
  EXPECT_EQ(outcome.reason, "twin_rule_close_names");
  // A different middle name does not help either.
  typo.given = "Jaydon Henry";
  EXPECT_EQ(Match(typo).reason, "twin_rule_close_names");
}

TEST_F(MatcherTest, VariantFirstNamesWithSecondNamesThatDisagreeAreATwinQuestion) {
  // Same birth, family and home, no identifier: "Bill" is a variant of
  // "William" (the default child is William James).
  const ContactPointId william = Add(ChildSpec{});
  MatchOutcome outcome = Match(ChildSpec{.given = "Bill Oscar"});
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "twin_rule_close_names");
  EXPECT_EQ(outcome.child, william);
  // The same first name is left alone: a hyphenated name ("Daisy-Mae")
  // reads as a first name and a second.
  outcome = Match(ChildSpec{.given = "William Oscar"});
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  // Two second names against one, none agreeing: the same question; and so
  // when one of the child's records carries the record's first name.
  EXPECT_EQ(Match(ChildSpec{.given = "Bill Oscar Leo"}).reason, "twin_rule_close_names");
  members_[william.number()] = {builder_->Build(ChildOf(ChildSpec{})),
                                builder_->Build(ChildOf(ChildSpec{.given = "Bill"}))};
  EXPECT_EQ(Match(ChildSpec{.given = "Bill Oscar"}).reason, "twin_rule_close_names");
  members_.clear();
  // A second name that agrees (the same, a keystroke apart, an initial of
  // it), none on one side, or only a name the child is known by ("William
  // Bill"), leaves the variant the same child's.
  for (const char* given :
       {"Bill", "Bill James", "Bill Jmaes", "Bill J", "Bill Oscar James", "William Bill"}) {
    outcome = Match(ChildSpec{.given = given});
    EXPECT_EQ(outcome.decision, Decision::kLink) << given << ": " << outcome.reason;
    EXPECT_EQ(outcome.child, william) << given;
  }
  // Second names with one sound (NYSIIS) agree: transliterations.
  const ContactPointId benjamin =
      Add(ChildSpec{.given = "Benjamin Yusuf", .family = "Barakat"});
  outcome = Match(ChildSpec{.given = "Ben Yousef", .family = "Barakat"});
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, benjamin);
  // A record of the child that has the record's first and second names (a
  // person may have put it there) answers the question.
  members_[william.number()] = {builder_->Build(ChildOf(ChildSpec{})),
                                builder_->Build(ChildOf(ChildSpec{.given = "Bill Oscar"}))};
  outcome = Match(ChildSpec{.given = "Bill Oscar"});
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, william);
  members_.clear();
  // Somewhere else, not living together: no twin question.
  outcome = Match(ChildSpec{.given = "Bill Oscar", .postcode = "LS9 9ZZ",
                            .address = {"1 Far Street", "Leeds"}, .carers = {}, .phones = {}});
  EXPECT_NE(outcome.reason, "twin_rule_close_names");
  // An identifier shared settles it.
  const ContactPointId numbered =
      Add(ChildSpec{.given = "Benjamin Luke", .family = "Barclay", .nhs = "9434765919"});
  outcome = Match(ChildSpec{.given = "Ben Jesse", .family = "Barclay", .nhs = "9434765919"});
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, numbered);
}

TEST_F(MatcherTest, AMembersMisspellingRaisesNoTwinQuestionWhenTheChildHasTheName) {
  // The child is William; one of its records (a local source, no
  // identifier) says "Wiliam", a registered name a keystroke away.
  const ContactPointId child = Add(ChildSpec{});
  members_[child.number()] = {builder_->Build(ChildOf(ChildSpec{.given = "Wiliam"})),
                              builder_->Build(ChildOf(ChildSpec{}))};
  MatchOutcome outcome = Match(ChildSpec{});
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, child);
  // A member with another name altogether still keeps a twin out.
  members_[child.number()] = {builder_->Build(ChildOf(ChildSpec{.given = "Harry"})),
                              builder_->Build(ChildOf(ChildSpec{}))};
  outcome = Match(ChildSpec{.given = "Harry"});
  EXPECT_NE(outcome.child, child) << outcome.reason;
}

TEST_F(MatcherTest, AChildCalledByAMiddleNameIsTheSameChildButATwinSharingOneIsAQuestion) {
  // Same birth, family and home, no identifier shared.
  const ContactPointId jack = Add(ChildSpec{.given = "Jack Leo"});
  MatchOutcome outcome = Match(ChildSpec{.given = "Leo"});
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, jack);
  EXPECT_EQ(Match(ChildSpec{.given = "Leo Jack"}).child, jack);
  // Names that only cross ("Daisy Poppy", "Abbie Daisy"): perhaps twins.
  const ContactPointId abbie = Add(ChildSpec{.given = "Abbie Daisy", .family = "Laver",
                                             .gender = domain::Gender::kFemale});
  outcome = Match(ChildSpec{.given = "Daisy Poppy", .family = "Laver",
                            .gender = domain::Gender::kFemale});
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "twin_rule_close_names");
  EXPECT_EQ(outcome.child, abbie);
  // Nested names, but each record has its own pupil number: another pupil.
  const ContactPointId pupil =
      Add(ChildSpec{.given = "Jack", .family = "Lowbridge", .upn = "B797232619908"});
  outcome = Match(ChildSpec{.given = "Mitchel Jack", .family = "Lowbridge",
                            .upn = "K797620040411"});
  EXPECT_NE(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.reason, "twin_rule_close_names");
  EXPECT_EQ(outcome.child, pupil);
}

TEST_F(MatcherTest, VariantFirstNamesWithTwoPupilNumbersAreATwinQuestion) {
  // "Isabella" and "Isabelle" are one name in the variant table; twins at
  // one home with a pupil number each are two children, or a question.
  const ContactPointId isabella =
      Add(ChildSpec{.given = "Isabella Elsa", .family = "Browne", .upn = "C761466590440",
                    .gender = domain::Gender::kFemale});
  MatchOutcome outcome = Match(ChildSpec{.given = "Isabelle Matilda Mia", .family = "Browne",
                                         .upn = "H761854010943",
                                         .gender = domain::Gender::kFemale});
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "twin_rule_close_names");
  EXPECT_EQ(outcome.child, isabella);
  // Without the second pupil number it is the same child spelt another way.
  outcome = Match(ChildSpec{.given = "Isabelle Elsa", .family = "Browne",
                            .gender = domain::Gender::kFemale});
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, isabella);
}

TEST_F(MatcherTest, ARecordNeverJoinsAChildHoldingAnotherNhsNumber) {
  constexpr const char* kOtherNhs = "4010232137";
  // Everything agrees but the NHS number: another child (twins, or a child
  // and the twin's records that once met in one child).
  const ContactPointId registered = Add(Registered());
  ChildSpec probe = Registered();
  probe.nhs = kOtherNhs;
  MatchOutcome outcome = Match(probe);
  EXPECT_EQ(outcome.decision, Decision::kNew) << outcome.reason;
  EXPECT_EQ(outcome.reason, "other_nhs_number");
  // Born the same day at the same home: the child's twin, whose record may
  // show which of the child's records is its own (RegisterTwins).
  EXPECT_EQ(outcome.twins_apart, std::vector<ContactPointId>{registered});
  // Not a twin when born on another day (a digit apart: still examined).
  ChildSpec another_day = probe;
  another_day.dob = "2015-03-08";
  outcome = Match(another_day);
  EXPECT_EQ(outcome.reason, "other_nhs_number");
  EXPECT_TRUE(outcome.twins_apart.empty());
  // The same when only one of the child's records carries the other number.
  ChildSpec unnumbered = Registered();
  unnumbered.nhs.clear();
  unnumbered.given = "Jack Tommy";
  unnumbered.family = "Duncan";
  const ContactPointId jack = Add(unnumbered);
  ChildSpec numbered = unnumbered;
  numbered.nhs = kOtherNhs;
  members_[jack.number()] = {builder_->Build(ChildOf(unnumbered)),
                             builder_->Build(ChildOf(numbered))};
  ChildSpec twin = unnumbered;
  twin.nhs = Registered().nhs;
  outcome = Match(twin);
  EXPECT_NE(outcome.child, jack) << outcome.reason;
  // It links where its own number is.
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, registered);
  // A child a data administrator made of two numbered identities (one
  // child, renumbered) still takes the records of either number.
  ChildSpec renumbered{.given = "Oscar", .family = "Hughes", .dob = "2012-05-05",
                       .postcode = "LS9 9ZZ", .address = {"9 Elm Row", "Leeds"},
                       .nhs = "4857773457"};
  const ContactPointId oscar = Add(renumbered);
  ChildSpec old_number = renumbered;
  old_number.nhs = kOtherNhs;
  members_[oscar.number()] = {builder_->Build(ChildOf(renumbered)),
                              builder_->Build(ChildOf(old_number))};
  outcome = Match(old_number);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, oscar);
}

TEST_F(MatcherTest, MoreLookAlikesThanTheMatcherExaminesGoToReview) {
  // Twelve children alike in everything but their NHS numbers (no
  // population has such a block; hostile input might): each would be read
  // and set aside in turn. The Matcher reads at most examined_candidates of
  // them and leaves the record to a person.
  for (std::uint64_t i = 0; i < 12; ++i) {
    ChildSpec look_alike = Registered();
    look_alike.nhs = synth::SyntheticNhsNumber(i);
    Add(look_alike);
  }
  MatchOptions options;
  options.examined_candidates = 8;
  const Matcher bounded(index_, comparator_, data_->model, options);
  int read = 0;
  auto facts = [&](const ContactPointId&) {
    ++read;
    return ChildFacts{};
  };
  ChildSpec probe = Registered();
  probe.nhs = synth::SyntheticNhsNumber(100);
  MatchOutcome outcome = bounded.Match(builder_->Build(ChildOf(probe)), facts);
  EXPECT_EQ(read, 8);
  EXPECT_EQ(outcome.decision, Decision::kReview);
  EXPECT_EQ(outcome.reason, "candidates_capped");
  EXPECT_FALSE(outcome.child.has_value());
  // Below the bound the same block is read in full and decided.
  read = 0;
  options.examined_candidates = 12;
  const Matcher roomy(index_, comparator_, data_->model, options);
  outcome = roomy.Match(builder_->Build(ChildOf(probe)), facts);
  EXPECT_EQ(read, 12);
  EXPECT_EQ(outcome.decision, Decision::kNew);
  EXPECT_EQ(outcome.reason, "other_nhs_number");
  // A shielded child among those read holds the record shielded.
  const ContactPointId guarded = Add(Registered(), /*shielded=*/true);
  outcome = bounded.Match(builder_->Build(ChildOf(Registered())), [&](const ContactPointId& id) {
    ChildFacts f;
    f.shielded = id == guarded;
    return f;
  });
  EXPECT_EQ(outcome.decision, Decision::kReview);
  EXPECT_EQ(outcome.reason, "candidates_capped");
  EXPECT_EQ(outcome.child, guarded);
  EXPECT_TRUE(outcome.hold_shielded);
}

TEST_F(MatcherTest, AChildScoresAsTheBestOfItsRecords) {
  // The child's best view holds the address of the birth registration; its
  // benefit record has the home it moved to. A record with no identifier,
  // the same names and date of birth, at the new home: it describes the
  // child as one of its own records does.
  const ChildSpec birth{.given = "Harry Joshua", .family = "Gordon-McGinty", .dob = "2010-04-18",
                        .postcode = "BH23 7GS", .address = {"4 Mill Lane", "Christchurch"},
                        .carers = {}, .phones = {}};
  ChildSpec moved = birth;
  moved.postcode = "BH21 1ST";
  moved.address = {"17 Wimborne Road", "Wimborne"};
  const ContactPointId child = Add(birth);
  const MatchOutcome against_view = Match(moved);
  ASSERT_NE(against_view.decision, Decision::kLink) << "the case needs the member to decide";
  members_[child.number()] = {builder_->Build(ChildOf(birth)), builder_->Build(ChildOf(moved))};
  const MatchOutcome outcome = Match(moved);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, child);
  ASSERT_FALSE(outcome.best.empty());
  EXPECT_EQ(outcome.best.front().child, child);
  EXPECT_GE(outcome.best.front().score, matcher_->link_score());
  EXPECT_GT(outcome.best.front().score, against_view.best.front().score);
}

TEST_F(MatcherTest, ASiblingCalledByTheSameNameWithAnotherPupilNumberIsANewChild) {
  // Amelia's school record; her sister Freya Amelia, five years younger, at
  // the same home with the same carers, is called by her middle name at
  // school and has a pupil number of her own.
  const ChildSpec amelia{.given = "Amelia Rachel", .family = "Kram", .dob = "2009-01-15",
                         .upn = synth::SyntheticUpn(316, 1)};
  const ContactPointId child = Add(amelia);
  ChildSpec sister = amelia;
  sister.given = "Amelia";
  sister.dob = "2014-01-15";
  sister.upn = synth::SyntheticUpn(316, 2);
  MatchOutcome outcome = Match(sister);
  EXPECT_EQ(outcome.decision, Decision::kNew) << outcome.reason;
  EXPECT_NE(outcome.child, child);
  // Born the same year but months apart: the same.
  sister.dob = "2009-11-02";
  outcome = Match(sister);
  EXPECT_EQ(outcome.decision, Decision::kNew) << outcome.reason;
  // A date typed wrongly (one digit) with the same pupil number is Amelia.
  ChildSpec typo = amelia;
  typo.dob = "2009-01-16";
  outcome = Match(typo);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, child);
}

TEST_F(MatcherTest, VariantsOfOneNameBornMonthsApartAtOneHomeAreAQuestion) {
  // Rose, and her sister Rosie born eleven months later at the same home;
  // neither record has an identifier. Variants of one name and a date far
  // from any typing error: sisters, or one child recorded twice wrongly?
  const ChildSpec rose{.given = "Rose", .family = "Bagshaw", .dob = "2022-01-19",
                       .postcode = "WC1H 8XR", .address = {"3 Tavistock Place", "London"}};
  const ContactPointId child = Add(rose);
  ChildSpec rosie = rose;
  rosie.given = "Rosie";
  rosie.dob = "2022-12-30";
  MatchOutcome outcome = Match(rosie);
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "twin_rule_close_names");
  EXPECT_EQ(outcome.child, child);
  // Rosie on the same day is Rose called by her short name.
  rosie.dob = rose.dob;
  outcome = Match(rosie);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, child);
}

TEST_F(MatcherTest, TheTwinRuleIsCheckedAgainstEveryRecordOfTheChild) {
  // The child's best view has no given name a twin would clash with (only an
  // initial), but one of its source records is "William".
  ChildSpec initial = Registered();
  initial.given = "W";
  const ContactPointId child = Add(initial);
  members_[child.number()] = {builder_->Build(ChildOf(Registered()))};
  ChildSpec twin;
  twin.given = "Harry";
  const MatchOutcome outcome = Match(twin);
  EXPECT_NE(outcome.decision, Decision::kLink);
  EXPECT_NE(outcome.child, child);
}

TEST_F(MatcherTest, ASharedIdentifierSettlesATwinQuestionRaisedByAMember) {
  // The child's school record has no NHS number and a typo in the name; the
  // probe shares the child's NHS number: the same child, not a twin.
  const ContactPointId child = Add(Registered());
  ChildSpec school = Registered();
  school.nhs.clear();
  school.given = "Willaim";
  members_[child.number()] = {builder_->Build(ChildOf(school)),
                              builder_->Build(ChildOf(Registered()))};
  ChildSpec probe = Registered();
  probe.given = "Wiliam";  // close to both, exact to neither
  const MatchOutcome outcome = Match(probe);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, child);
  // Without the identifier the same record is a twin question.
  probe.nhs.clear();
  EXPECT_EQ(Match(probe).reason, "twin_rule_close_names");
}

TEST_F(MatcherTest, AProvisionalChildIsNoRivalAndTakesOnlyARecordThatMatchesNothingElse) {
  const ContactPointId real = Add(Registered());
  ChildSpec doubtful = Registered();  // a near copy, awaiting review
  doubtful.nhs.clear();
  const ContactPointId provisional = Add(doubtful);
  provisional_[provisional.number()] = true;
  ChildSpec probe = Registered();
  probe.nhs.clear();
  MatchOutcome outcome = Match(probe);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, real);
  // Only the provisional child fits: review, never a link to it.
  ChildSpec other = doubtful;
  other.given = "Oliver";
  other.dob = "2016-01-09";
  other.postcode = "LS6 2AA";
  other.address = {"3 Hyde Park Road", "Leeds"};
  other.carers = {{"Ruth", "Thompson"}};
  other.phones = {"0113 496 0999"};
  const ContactPointId lone = Add(other);
  provisional_[lone.number()] = true;
  // Only the provisional child fits, as a link would: the record is that
  // child's (the question about the child stands and covers it).
  outcome = Match(other);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_match");
  EXPECT_EQ(outcome.child, lone);
  EXPECT_FALSE(outcome.wait_with.has_value());
  // Not when another provisional child fits as well: which one?
  const ContactPointId twin_copy = Add(other);
  provisional_[twin_copy.number()] = true;
  outcome = Match(other);
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_candidate");
  EXPECT_TRUE(outcome.wait_with == lone || outcome.wait_with == twin_copy);
  provisional_.erase(twin_copy.number());
  index_.Remove(twin_copy);
  // Not when the provisional child is held shielded (perhaps a shielded
  // child's record): every record waits for a person.
  shielded_[lone.number()] = true;
  outcome = Match(other);
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_candidate");
  EXPECT_TRUE(outcome.hold_shielded);
  (void)provisional;
}

// Twins "Jake Jacob" and "Jack Sonny" at one home: Jake's school record made
// a child; Jack's child-benefit record, a twin question about it, waits in
// review on a provisional child. Jack's NHS record, its family name
// mistyped (so the twin rule's setting no longer holds), would link to
// Jake's child as a plain match ("Jack" and "Jake" are variants), but the
// provisional child holds "Jack" itself: it waits with Jack's record.
TEST_F(MatcherTest, ARecordMoreLikeAProvisionalChildThanTheBestChildWaitsWithIt) {
  ChildSpec jake{.given = "Jake Jacob", .family = "Pollard", .dob = "2007-06-10",
                 .postcode = "GL10 3NH", .address = {"4 Mill Lane", "Stroud"},
                 .upn = "Z757301526637", .carers = {{"Lauren", "Pollard"}}};
  const ContactPointId school = Add(jake);
  ChildSpec jack = jake;
  jack.given = "Jack Sonny";
  jack.upn.clear();
  const ContactPointId waiting = Add(jack);
  provisional_[waiting.number()] = true;
  ChildSpec pds = jack;
  pds.family = "Pollzrd";
  pds.nhs = "9434765919";
  pds.carers.clear();
  pds.phones.clear();
  MatchOutcome outcome = Match(pds);
  ASSERT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_named");
  EXPECT_EQ(outcome.child, school);
  EXPECT_EQ(outcome.wait_with, waiting);
  // Jake's child alone would have taken it.
  provisional_.clear();
  index_.Remove(waiting);
  outcome = Match(pds);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, school);
}

// Twins "Sophie Ella" and "Sofia" at one home. Sophie's school record
// ("Sophie") and child-benefit record ("Sophie Ella") made her child; Sofia's
// child-benefit record waits in review on a provisional child, as the
// register's second child there. Sofia's birth registration matches Sophie's
// child as a link would ("Sofia" and "Sophie" are variants of one name),
// but that child holds only the variant and the provisional child the name
// itself: the record waits with Sofia's.
TEST_F(MatcherTest, AVariantOfTheBestChildsNameWaitsWithAProvisionalChildCalledByTheName) {
  ChildSpec sophie{.given = "Sophie Ella", .family = "Dryden", .dob = "2018-08-15",
                   .postcode = "SO23 8BS", .address = {"245 Orchard Crescent", "Winchester"},
                   .carers = {{"Chelsey", "Woolley"}}, .phones = {"07700 900629"}};
  sophie.gender = domain::Gender::kFemale;
  ChildSpec school = sophie;
  school.given = "Sophie";
  school.upn = "M753526484660";
  const ContactPointId sophies = Add(sophie);
  members_[sophies.number()] = {builder_->Build(ChildOf(school)),
                                builder_->Build(ChildOf(sophie))};
  ChildSpec sofia = sophie;
  sofia.given = "Sofia";
  const ContactPointId waiting = Add(sofia);
  provisional_[waiting.number()] = true;
  members_[waiting.number()] = {builder_->Build(ChildOf(sofia))};
  ChildSpec birth = sofia;
  birth.carers = {{"Chelsey", "Woolley"}, {"George", "Dryden"}};
  birth.phones.clear();
  birth.nhs = "9434765919";
  MatchOutcome outcome = Match(birth);
  ASSERT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_named");
  EXPECT_EQ(outcome.child, sophies);
  EXPECT_EQ(outcome.wait_with, waiting);
  // Held shielded when the provisional child is (perhaps a shielded child's).
  shielded_[waiting.number()] = true;
  outcome = Match(birth);
  EXPECT_EQ(outcome.reason, "provisional_named");
  EXPECT_TRUE(outcome.hold_shielded);
  shielded_.clear();
  // A record called "Sophie" is Sophie's, whatever the provisional child holds.
  ChildSpec sophie_again = birth;
  sophie_again.given = "Sophie";
  outcome = Match(sophie_again);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, sophies);
  // So is one with the pupil number of Sophie's school record.
  ChildSpec numbered = birth;
  numbered.upn = school.upn;
  outcome = Match(numbered);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, sophies);
  // A provisional child holding the record's NHS number ("Sofie", with
  // another address) is the one to wait with, not the one called "Sofia".
  ChildSpec sofie = birth;
  sofie.given = "Sofie";
  sofie.postcode = "SO22 4AA";
  sofie.address = {"1 Other Road", "Winchester"};
  const ContactPointId holder = Add(sofie);
  provisional_[holder.number()] = true;
  outcome = Match(birth);
  EXPECT_NE(outcome.reason, "provisional_named");
  EXPECT_TRUE(outcome.wait_with == holder ||
              (outcome.decision == Decision::kLink && outcome.child == holder))
      << outcome.reason;
  provisional_.erase(holder.number());
  index_.Remove(holder);
  // Sophie's child alone would have taken it: a variant of one name links.
  provisional_.clear();
  index_.Remove(waiting);
  outcome = Match(birth);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, sophies);
}

// Twins "Jac" and "John Wyatt" at one home. A record called "Jac" in review
// (its best child, Jac's, is shielded) never waits with a provisional child
// called only "John", a variant of its name, while a child examined is
// called "Jac" itself: it waits alone. Nor does it join such a child
// automatically when it is the record's only match as a link would be.
TEST_F(MatcherTest, ARecordWaitsOnlyWithAChildCalledByItsNameWhenOneIsAtHand) {
  ChildSpec jac{.given = "Jac", .family = "Brain", .dob = "2023-03-11",
                .postcode = "CT19 4JX", .address = {"38 North Crescent", "Folkestone"},
                .carers = {{"Katie", "Lee"}}, .phones = {"07700 900530"}};
  const ContactPointId jacs = Add(jac, /*shielded=*/true);
  ChildSpec john = jac;
  john.given = "John";
  const ContactPointId waiting = Add(john);
  provisional_[waiting.number()] = true;
  MatchOutcome outcome = Match(jac);
  ASSERT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "shielded_candidate");
  EXPECT_EQ(outcome.child, jacs);
  EXPECT_FALSE(outcome.wait_with.has_value()) << outcome.wait_with->number();
  // Called "Jac" too, the provisional child is one to wait with.
  ChildSpec jac_too = jac;
  jac_too.phones = {"07700 900999"};
  const ContactPointId also = Add(jac_too);
  provisional_[also.number()] = true;
  outcome = Match(jac);
  ASSERT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.wait_with, also);
  provisional_.erase(also.number());
  index_.Remove(also);
  // Jac's child itself provisional and holding a record of the register the
  // record comes from (so no match for it): "John" would be the only match
  // as a link would be, but it is not called "Jac". A question of its own.
  shielded_.clear();
  provisional_[jacs.number()] = true;
  register_holds_another_[jacs.number()] = true;
  outcome = Match(jac);
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_candidate");
  EXPECT_FALSE(outcome.wait_with.has_value());
  // Without Jac's child the record joins "John" as before.
  index_.Remove(jacs);
  outcome = Match(jac);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, waiting);
}

// Twins "Samuel Joshua" and "Joshua" at one home, each in review on a
// provisional child (Samuel's school record with its family name mistyped).
// Samuel's birth registration, its first name mistyped ("Sameul"), would join
// Joshua's child through the middle name; with both twins at hand and
// neither called "Sameul", it waits alone.
TEST_F(MatcherTest, WithTwinsAtHandARecordWaitsOnlyWithAChildCalledByItsName) {
  ChildSpec joshua{.given = "Joshua", .family = "Parker", .dob = "2013-01-31",
                   .postcode = "WN8 0ZY", .address = {"14 Chapel Close", "West Lancashire"},
                   .upn = "Q765500273942", .carers = {{"Rachel", "Parker"}, {"Nico", "Wickers"}},
                   .phones = {"07700 900942", "07700 900024"}};
  const ContactPointId joshuas = Add(joshua);
  provisional_[joshuas.number()] = true;
  ChildSpec birth = joshua;
  birth.given = "Sameul Joshua";
  birth.upn.clear();
  birth.phones.clear();
  birth.nhs = "9434765919";
  // Joshua's child alone: the record is his called by a middle name, as
  // far as anything here says.
  MatchOutcome outcome = Match(birth);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, joshuas);
  // Samuel's child at hand as well: two children born together.
  ChildSpec samuel = joshua;
  samuel.given = "Samuel Joshua";
  samuel.family = "Pakrer";
  samuel.upn = "Z765112853439";
  const ContactPointId samuels = Add(samuel);
  provisional_[samuels.number()] = true;
  outcome = Match(birth);
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_NE(outcome.wait_with, joshuas);
  EXPECT_FALSE(outcome.decision == Decision::kLink && outcome.child == joshuas);
  // So when Samuel's child is set apart by another NHS number instead.
  provisional_.erase(samuels.number());
  index_.Remove(samuels);
  samuel.family = joshua.family;
  samuel.nhs = "4010232137";
  Add(samuel);
  outcome = Match(birth);
  EXPECT_EQ(outcome.twins_apart.size(), 1u);
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_NE(outcome.wait_with, joshuas);
}

// Twins "Jake Oliver" and "Oliver Mohammed" at one home: Oliver's school
// record waits in review on a provisional child. Jake's child-benefit
// record "Oliver Jake" scores better against it (the same first name) than
// against Jake's child, but its second name disagrees with Oliver's: it
// never waits with Oliver's record.
TEST_F(MatcherTest, ARecordNeverWaitsWithAChildWhoseSecondNamesDisagree) {
  ChildSpec jake{.given = "Jake Oliver", .family = "Scales", .dob = "2011-12-23",
                 .postcode = "PO14 9RY", .address = {"78 North Terrace", "Fareham"},
                 .upn = "F753460380225", .carers = {{"Courtney", "Scales"}}, .phones = {}};
  const ContactPointId jakes = Add(jake);
  ChildSpec oliver = jake;
  oliver.given = "Oliver Mohammed";
  oliver.upn = "K753847800728";
  oliver.carers = {{"Courtney", "Scales"}, {"Tyler", "Scales"}};
  oliver.phones = {"07700 900876", "07700 900310"};
  const ContactPointId waiting = Add(oliver);
  provisional_[waiting.number()] = true;
  ChildSpec benefit = oliver;
  benefit.given = "Oliver Jake";
  benefit.upn.clear();
  MatchOutcome outcome = Match(benefit);
  EXPECT_NE(outcome.wait_with, waiting) << outcome.reason;
  EXPECT_FALSE(outcome.decision == Decision::kLink && outcome.child == waiting);
  (void)jakes;
}

// Twins "Darcey Sienna" and "Sienna" at one home, their records in review
// on two provisional children: Darcey's child benefit and birth registration
// (the latter with her NHS number and an old address) on one, Sienna's child
// benefit on the other. Darcey's NHS record "Sienna Darcey" scores higher
// against Sienna's record (the same first name, the same address) than
// against either of Darcey's, but only Darcey's child holds its NHS number:
// it waits with her records, never with Sienna's.
TEST_F(MatcherTest, ARecordWaitsWithTheProvisionalChildHoldingItsNhsNumber) {
  ChildSpec sienna{.given = "Sienna", .family = "Weldon", .dob = "2015-08-10",
                   .postcode = "MK10 7UB", .address = {"9 Brook Place", "Milton Keynes"},
                   .carers = {{"Sanjay", "Weldon"}}, .phones = {"07700 900423"}};
  sienna.gender = domain::Gender::kFemale;
  const ContactPointId siennas = Add(sienna);
  provisional_[siennas.number()] = true;
  ChildSpec darcey = sienna;
  darcey.given = "Darcey Sienna";
  ChildSpec birth = darcey;
  birth.nhs = "9434765919";
  birth.postcode = "MK19 7YD";
  birth.address = {"3 Mill Road", "Milton Keynes"};
  birth.phones.clear();
  const ContactPointId darceys = Add(birth);
  provisional_[darceys.number()] = true;
  members_[darceys.number()] = {builder_->Build(ChildOf(darcey)),
                                builder_->Build(ChildOf(birth))};
  ChildSpec pds = sienna;
  pds.given = "Sienna Darcey";
  pds.nhs = birth.nhs;
  pds.carers.clear();
  pds.phones.clear();
  const MatchOutcome outcome = Match(pds);
  // Sienna's child scores higher: the clause, not the score, decides.
  ASSERT_FALSE(outcome.best.empty());
  EXPECT_EQ(outcome.best.front().child, siennas);
  EXPECT_TRUE(outcome.wait_with == darceys ||
              (outcome.decision == Decision::kLink && outcome.child == darceys))
      << outcome.reason;
}

// Twins "Daniel Alfie" and "Alfie Callum" at one home. Alfie's CAMHS record
// made a child; Daniel's school record waits in review as its twin. Daniel's
// child benefit, his names reversed ("Alfie Daniel"), scores as well
// against Alfie's child as against his own, but its second name disagrees
// with Alfie's and the provisional child holds all its names: it waits with
// Daniel's record.
TEST_F(MatcherTest, ARecordWaitsWithAProvisionalChildHoldingItsNamesReversed) {
  ChildSpec alfie{.given = "Alfie Callum", .family = "White-Gayler", .dob = "2008-07-12",
                  .postcode = "M11 4ST", .address = {"2 Ash Grove", "Manchester"},
                  .nhs = "4010232137", .carers = {{"Gemma", "White"}},
                  .phones = {"07700 900111"}};
  const ContactPointId alfies = Add(alfie);
  ChildSpec daniel = alfie;
  daniel.given = "Daniel Alfie";
  daniel.nhs.clear();
  daniel.upn = "Q461202638832";
  const ContactPointId waiting = Add(daniel);
  provisional_[waiting.number()] = true;
  ChildSpec benefit = alfie;
  benefit.given = "Alfie Daniel";
  benefit.nhs.clear();
  MatchOutcome outcome = Match(benefit);
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.child, alfies);
  EXPECT_EQ(outcome.wait_with, waiting) << outcome.reason;
}

// Twins "Ivy-Mae" and "Ivy Hanna" at one home. Ivy Hanna's child holds her
// school record and child benefit's "Ivy"; Ivy-Mae's school record, at an
// older address, made a child of its own. Ivy-Mae's birth registration
// scores best against Ivy Hanna's child, but only Ivy-Mae's child holds its
// first and second names, and Ivy Hanna's holds a second name that
// disagrees: a question, not a link.
TEST_F(MatcherTest, SecondNamesHeldByAnotherChildMakeAQuestion) {
  ChildSpec hanna{.given = "Ivy Hanna", .family = "Kaur", .dob = "2019-01-14",
                  .postcode = "BL9 8XE", .address = {"7 Bank Street", "Bury"},
                  .upn = "U457846909766", .carers = {{"Priya", "Kaur"}},
                  .phones = {"07700 900222"}};
  hanna.gender = domain::Gender::kFemale;
  ChildSpec benefit = hanna;
  benefit.given = "Ivy";
  benefit.upn.clear();
  const ContactPointId hannas = Add(hanna);
  members_[hannas.number()] = {builder_->Build(ChildOf(hanna)), builder_->Build(ChildOf(benefit))};
  ChildSpec mae = hanna;
  mae.given = "Ivy-Mae";
  mae.upn = "J457459489263";
  mae.postcode = "BL9 5AA";
  mae.address = {"40 Mill Lane", "Bury"};
  const ContactPointId maes = Add(mae);
  ChildSpec birth = benefit;
  birth.given = "Ivy-Mae";
  birth.phones.clear();
  MatchOutcome outcome = Match(birth);
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "second_names_elsewhere");
  EXPECT_EQ(outcome.child, hannas);
  // Not when Ivy Hanna's child holds a record called "Ivy Mae" as well.
  members_[hannas.number()].push_back(builder_->Build(ChildOf(birth)));
  EXPECT_NE(Match(birth).reason, "second_names_elsewhere");
  members_[hannas.number()].pop_back();
  // Without Ivy-Mae's child, Ivy Hanna's takes it: nothing points elsewhere.
  index_.Remove(maes);
  outcome = Match(birth);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, hannas);
}

// Twins at one home: Max's school record "Max Victor", and Timothy's,
// "Timothy Rocco Max", with another pupil number, both carers and a phone.
struct WoodwardTwins {
  ChildSpec max{.given = "Max Victor", .family = "Woodward", .dob = "2017-05-21",
                .postcode = "SY5 6QT", .address = {"51 New Gardens", "Shrewsbury"},
                .upn = "J389308673664", .carers = {{"Chloe", "Woodward"}}, .phones = {}};
  ChildSpec timothy{.given = "Timothy Rocco Max", .family = "Woodward", .dob = "2017-05-21",
                    .postcode = "SY5 6QT", .address = {"51 New Gardens", "Shrewsbury"},
                    .upn = "E389696094167",
                    .carers = {{"Chloe", "Woodward"}, {"Lewis", "Woodward"}},
                    .phones = {"07700 900322"}};
};

// Twins "Max Victor" and "Timothy Rocco Max": Max's school record made a
// child; Timothy's, a twin question about it, waits on a provisional child.
// Max's child-benefit record "Max", its carers and phone those of Timothy's
// record, matches the provisional child better (through the middle name),
// but the child has a record with exactly its first name: it links there.
TEST_F(MatcherTest, AChildCalledByItsFirstNameIsNotTakenByATwinWithItAsAMiddleName) {
  auto [max, timothy] = WoodwardTwins{};
  const ContactPointId school = Add(max);
  const ContactPointId waiting = Add(timothy);
  provisional_[waiting.number()] = true;
  ChildSpec benefit = timothy;
  benefit.given = "Max";
  benefit.upn.clear();
  MatchOutcome outcome = Match(benefit);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, school);
  // Without a record called "Max" in the child ("Maxwell Victor", a variant
  // of the name), the record is more like the records in review; but
  // neither twin is called "Max" itself, so it neither joins nor waits with
  // them: a question of its own.
  index_.Remove(school);
  max.given = "Maxwell Victor";
  const ContactPointId maxwell = Add(max);
  outcome = Match(benefit);
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_rival");
  EXPECT_FALSE(outcome.wait_with.has_value());
  // It joins them when the provisional child has a record called "Max" too.
  index_.Remove(maxwell);
  max.given = "Max Victor";
  Add(max);
  members_[waiting.number()] = {builder_->Build(ChildOf(timothy)),
                                builder_->Build(ChildOf(benefit))};
  outcome = Match(benefit);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_match");
  EXPECT_EQ(outcome.child, waiting);
}

// The first name outweighs a middle name only: a record with a second name
// the best child's record disagrees with, or a provisional child holding
// the record's names reordered or its NHS number, keeps the rule out.
TEST_F(MatcherTest, AFirstNameDoesNotOutweighAProvisionalChildHeldByMoreThanAMiddleName) {
  auto [max, timothy] = WoodwardTwins{};
  ContactPointId school = Add(max);
  timothy.nhs = "9434765919";
  const ContactPointId waiting = Add(timothy);
  provisional_[waiting.number()] = true;
  ChildSpec benefit = timothy;
  benefit.upn.clear();
  benefit.nhs.clear();
  auto not_the_school = [&](const MatchOutcome& outcome) {
    EXPECT_FALSE(outcome.decision == Decision::kLink && outcome.child == school)
        << outcome.reason;
    EXPECT_TRUE(outcome.reason == "provisional_match" || outcome.reason == "provisional_rival")
        << outcome.reason;
  };
  benefit.given = "Max Rocco";  // "Rocco" disagrees with "Victor"
  not_the_school(Match(benefit));
  benefit.given = "Max";
  benefit.nhs = timothy.nhs;  // the provisional child's NHS number
  not_the_school(Match(benefit));
  // The school's "Max" alone, the provisional "Timothy Max": the record "Max
  // Timothy" is the provisional child's names reordered.
  index_.Remove(school);
  max.given = "Max";
  school = Add(max);
  index_.Remove(waiting);
  timothy.given = "Timothy Max";
  timothy.nhs.clear();
  provisional_[Add(timothy).number()] = true;
  benefit.given = "Max Timothy";
  benefit.nhs.clear();
  not_the_school(Match(benefit));
}

// Twins "Alexa Hannah" (the school has "Hannah Alexa") and "Hannah
// Rosemary": the school's "Hannah Alexa" made a child, its "Hannah Rosemary"
// waits in review (a second school record). Child benefit's "Hannah
// Rosemary" scores the same against both (the scores weigh first names),
// but its second name is the provisional child's and disagrees with the
// best child's: it waits with the provisional child, not linked to Alexa's.
TEST_F(MatcherTest, SecondNamesSendARecordToAProvisionalChildWithThemWhateverTheScores) {
  ChildSpec alexa{.given = "Hannah Alexa", .family = "Hanson", .dob = "2012-07-05",
                  .postcode = "CW9 8DB", .address = {"17 Grange Street", "Northwich"},
                  .upn = "N385487309435", .gender = domain::Gender::kFemale,
                  .carers = {{"Olivia", "Ringwood"}}};
  const ContactPointId school = Add(alexa);
  ChildSpec rosemary = alexa;
  rosemary.given = "Hannah Rosemary";
  rosemary.upn = "M385874729938";
  const ContactPointId waiting = Add(rosemary);
  provisional_[waiting.number()] = true;
  ChildSpec benefit = rosemary;
  benefit.upn.clear();
  MatchOutcome outcome = Match(benefit);
  ASSERT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_rival");
  EXPECT_EQ(outcome.child, school);
  EXPECT_EQ(outcome.wait_with, waiting);
  // Not when the record shares an identifier with the best child: one child.
  ChildSpec pupil = benefit;
  pupil.upn = alexa.upn;
  outcome = Match(pupil);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, school);
  // A provisional child without the second name is no such rival.
  index_.Remove(waiting);
  rosemary.given = "Hannah";
  provisional_[Add(rosemary).number()] = true;
  outcome = Match(benefit);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, school);
}

// A record clearly more like a provisional child (by the ambiguity margin)
// than the best child joins it, as a provisional match does, unless that
// child is held shielded or another provisional child is as close.
TEST_F(MatcherTest, ARecordClearlyMoreLikeAProvisionalChildJoinsIt) {
  const ContactPointId real = Add(Registered());
  ChildSpec doubtful = Registered();
  doubtful.nhs.clear();
  doubtful.phones = {"0113 496 0111"};
  const ContactPointId provisional = Add(doubtful);
  provisional_[provisional.number()] = true;
  MatchOutcome outcome = Match(doubtful);
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_match");
  EXPECT_EQ(outcome.child, provisional);
  shielded_[provisional.number()] = true;
  outcome = Match(doubtful);
  ASSERT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_rival");
  EXPECT_EQ(outcome.child, real);
  EXPECT_EQ(outcome.wait_with, provisional);
  EXPECT_TRUE(outcome.hold_shielded);
  shielded_.clear();
  const ContactPointId copy = Add(doubtful);
  provisional_[copy.number()] = true;
  outcome = Match(doubtful);
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "provisional_rival");
}

TEST_F(MatcherTest, OddFirstNamesAreMembersHeldOnlyThroughAMiddleName) {
  using Indexes = std::vector<std::size_t>;
  // Called by a middle name, either way round.
  EXPECT_EQ(OddFirstNames(comparator_, Members({{"Jack", ""}, {"Caspar Jack", ""}})),
            (Indexes{0, 1}));
  EXPECT_EQ(OddFirstNames(comparator_, Members({{"Jack", ""}, {"Caspar Jack", ""}, {"Jack", ""}})),
            (Indexes{1}));
  // One first name (exact or a nickname), names reordered, a typo, an
  // identifier in common, one member: none stands out.
  EXPECT_TRUE(OddFirstNames(comparator_, Members({{"William", ""}, {"Bill James", ""}})).empty());
  EXPECT_TRUE(
      OddFirstNames(comparator_, Members({{"Filip Mason", ""}, {"Mason Filip", ""}})).empty());
  EXPECT_TRUE(OddFirstNames(comparator_, Members({{"Jak", ""}, {"Jack", ""}})).empty());
  EXPECT_TRUE(OddFirstNames(comparator_, Members({{"George", "9434765919"},
                                                  {"Joseph George", "9434765919"}}))
                  .empty());
  EXPECT_TRUE(OddFirstNames(comparator_, Members({{"Caspar Jack", ""}})).empty());

  // A register record called what the child's records call it shows that
  // the register's member held through a middle name is another child.
  const auto child = Members({{"Joseph George", ""}, {"George", ""}});
  const auto joseph = builder_->Build(ChildOf(ChildSpec{.given = "Joseph George"}));
  const auto josef = builder_->Build(ChildOf(ChildSpec{.given = "Josep George"}));  // a typo
  const auto thomas = builder_->Build(ChildOf(ChildSpec{.given = "Thomas"}));
  EXPECT_EQ(RegisterTwins(comparator_, joseph, child, {false, true}, {false, true}), (Indexes{1}));
  EXPECT_EQ(RegisterTwins(comparator_, josef, child, {false, true}, {false, true}), (Indexes{1}));
  EXPECT_TRUE(RegisterTwins(comparator_, thomas, child, {false, true}, {false, true}).empty());
  EXPECT_TRUE(RegisterTwins(comparator_, joseph, child, {false, false}, {false, true}).empty());  // another source
  // The member that made the child never moves.
  EXPECT_TRUE(RegisterTwins(comparator_, joseph, child, {true, true}, {false, false}).empty());
  // The same names in another order are the child's name.
  const auto george_joseph = builder_->Build(ChildOf(ChildSpec{.given = "George Joseph"}));
  EXPECT_EQ(RegisterTwins(comparator_, george_joseph, child, {false, true}, {false, true}), (Indexes{1}));
  // A record of any source called what the member is called, and nothing
  // the child's other records call it, takes the member as its own child.
  const auto eliza = Members({{"Eliza", ""}, {"Charlotte Eliza", ""}});
  const auto charlotte = builder_->Build(ChildOf(ChildSpec{.given = "Charlotte"}));
  EXPECT_EQ(RegisterTwins(comparator_, charlotte, eliza, {false, false}, {false, true}), (Indexes{1}));
  const auto eliza_again = builder_->Build(ChildOf(ChildSpec{.given = "Eliza Rose"}));
  EXPECT_TRUE(RegisterTwins(comparator_, eliza_again, eliza, {false, false}, {false, true}).empty());
  const auto zara_lila = Members({{"Zara Lila", ""}, {"Lila", ""}});
  const auto lila_zara = builder_->Build(ChildOf(ChildSpec{.given = "Lila Zara"}));
  EXPECT_TRUE(RegisterTwins(comparator_, lila_zara, zara_lila, {false, false}, {false, true}).empty());
  // The record that made the child has exactly the record's given names,
  // in another order: the child began as the record's, so a member with a
  // given name the record lacks, or called by the record's second name
  // alone, is the twin; one called by the record's first name, or by all
  // its names, stays.
  const auto hannah = Members({{"Hannah Alexa", ""}, {"Hannah Rosemary", "9434765919"},
                               {"Hannah", ""}, {"Alexa Hannah", ""}, {"Alexa", ""},
                               {"Alexa Rose", ""}});
  const auto alexa = builder_->Build(ChildOf(ChildSpec{.given = "Alexa Hannah"}));
  const std::vector<bool> local(hannah.size(), false);
  EXPECT_EQ(RegisterTwins(comparator_, alexa, hannah, local,
                          {false, true, true, true, true, true}),
            (Indexes{1, 2, 5}));
  // Not when a movable member has them (the child did not begin as the
  // record's), nor when they are in the same order (no name reordered drew
  // the others in), nor for a record with one given name.
  EXPECT_TRUE(
      RegisterTwins(comparator_, alexa, hannah, local, {true, true, false, true, true, true})
          .empty());
  const auto hannah_alexa = builder_->Build(ChildOf(ChildSpec{.given = "Hannah Alexa"}));
  EXPECT_TRUE(RegisterTwins(comparator_, hannah_alexa, hannah, local,
                            {false, true, true, true, true, true})
                  .empty());
  // A variant or a misspelling of the record's names is the record's child;
  // a member sharing an identifier with the record that made the child is
  // that child.
  const auto variant = Members({{"Hannah Alexa", "9434765919"}, {"Alexandra Hannah", ""},
                                {"Hannah Rosemary", "9434765919"}, {"Hannah Rosemary", ""}});
  EXPECT_EQ(RegisterTwins(comparator_, alexa, variant, {false, false, false, false},
                          {false, true, true, true}),
            (Indexes{3}));
  const auto spelt = Members({{"Hannah Alexa", ""}, {"Alexa Hanna", ""}, {"Hannah", ""}});
  EXPECT_EQ(RegisterTwins(comparator_, alexa, spelt, {false, false, false}, {false, true, true}),
            (Indexes{2}));
  const auto just_alexa = builder_->Build(ChildOf(ChildSpec{.given = "Alexa"}));
  const auto alexa_child = Members({{"Alexa", ""}, {"Hannah Rosemary", ""}});
  EXPECT_TRUE(
      RegisterTwins(comparator_, just_alexa, alexa_child, {false, false}, {false, true}).empty());
}

// The child is CAMHS's "Ellie" (the record that made it), the school
// census's and child benefit's "Ella Tiana"; child benefit now lists
// "Ellie" as well: two children there, the child Ellie's, and every record
// called "Ella" (exactly as child benefit's other record is) the twin's.
TEST_F(MatcherTest, ARegisterListingTheChildsOwnNameTakesBackTheRecordsOfItsOtherName) {
  using Indexes = std::vector<std::size_t>;
  const auto child = Members({{"Ellie", "9434765919"}, {"Ella Tiana", ""}, {"Ella Tiana", ""}});
  const auto ellie = builder_->Build(ChildOf(ChildSpec{.given = "Ellie"}));
  const std::vector<bool> benefit = {false, false, true};
  const std::vector<bool> fixed_first = {false, true, true};
  EXPECT_EQ(RegisterTwins(comparator_, ellie, child, benefit, fixed_first), (Indexes{1, 2}));
  // Not from the register of the "Ella" record, not called exactly what the
  // record that made the child is called, or that record movable: nothing.
  EXPECT_TRUE(RegisterTwins(comparator_, ellie, child, {false, false, false}, fixed_first).empty());
  const auto ella = builder_->Build(ChildOf(ChildSpec{.given = "Ella"}));
  EXPECT_TRUE(RegisterTwins(comparator_, ella, child, benefit, fixed_first).empty());
  // (With the first record movable, the record called exactly what that
  // record alone is called takes it as its own, as VariantFirstNames has it.)
  EXPECT_EQ(RegisterTwins(comparator_, ellie, child, benefit, {true, true, true}), (Indexes{0}));
  // A record sharing the NHS number of the child's first record stays.
  const auto numbered =
      Members({{"Ellie", "9434765919"}, {"Ella Tiana", "9434765919"}, {"Ella Tiana", ""}});
  EXPECT_EQ(RegisterTwins(comparator_, ellie, numbered, benefit, fixed_first), (Indexes{2}));
  // Nor one with a second name of that record's: one child's names.
  const auto james = Members({{"Ellie James", ""}, {"Ella James", ""}});
  EXPECT_TRUE(RegisterTwins(comparator_, ellie, james, {false, true}, {false, true}).empty());
  // Nor one sharing an identifier with the record.
  const auto ellie_numbered =
      builder_->Build(ChildOf(ChildSpec{.given = "Ellie", .nhs = "9434765919"}));
  const auto census_numbered =
      Members({{"Ellie", ""}, {"Ella Tiana", "9434765919"}, {"Ella Tiana", ""}});
  EXPECT_EQ(RegisterTwins(comparator_, ellie_numbered, census_numbered, benefit, fixed_first),
            (Indexes{2}));
  // None moves when a member that is not movable (a person's decision, a
  // record in review) is called "Ella" as well.
  const auto decided =
      Members({{"Ellie", ""}, {"Ella Tiana", ""}, {"Ella Tiana", ""}, {"Ella", ""}});
  EXPECT_TRUE(RegisterTwins(comparator_, ellie, decided, {false, false, true, false},
                            {false, true, true, false})
                  .empty());
  // The register lists the child again under all the names of its first
  // record ("Olivia-Rose Eva"), beside its "Olivia Daisy": the twin's, with
  // every movable member of that name; not a member without a second name
  // or with a third ("Olivia Grace"), nor any when a member that is not
  // movable has the twin's names.
  const auto olivia = Members({{"Olivia-Rose Eva", ""}, {"Olivia Daisy", ""},
                               {"Olivia Daisy", ""}, {"Olivia", ""}, {"Olivia Grace", ""}});
  const auto rose = builder_->Build(ChildOf(ChildSpec{.given = "Olivia-Rose Eva"}));
  const std::vector<bool> listed = {false, true, false, true, false};
  EXPECT_EQ(RegisterTwins(comparator_, rose, olivia, listed, {false, true, true, true, true}),
            (Indexes{1, 2}));
  EXPECT_TRUE(
      RegisterTwins(comparator_, rose, olivia, listed, {false, true, false, true, true}).empty());
  EXPECT_TRUE(RegisterTwins(comparator_, rose, olivia, {false, false, false, true, false},
                            {false, true, true, true, true})
                  .empty());
  const auto olivia_only = builder_->Build(ChildOf(ChildSpec{.given = "Olivia"}));
  EXPECT_TRUE(
      RegisterTwins(comparator_, olivia_only, olivia, listed, {false, true, true, true, true})
          .empty());
  // A movable member called "Ellie" stays: it is called as the record is.
  const auto called = Members({{"Ellie", ""}, {"Ellie", ""}, {"Ella Tiana", ""}});
  EXPECT_EQ(RegisterTwins(comparator_, ellie, called, {false, true, true}, {false, true, true}),
            (Indexes{2}));
}

TEST_F(MatcherTest, AMemberHeldThroughAVariantOfItsFirstNameIsMovedWhenItsRegisterListsTheChild) {
  using Indexes = std::vector<std::size_t>;
  // "Bill" is a variant of "William": held only through it.
  EXPECT_EQ(VariantFirstNames(comparator_, Members({{"William", ""}, {"Bill", ""}})),
            (Indexes{0, 1}));
  EXPECT_EQ(
      VariantFirstNames(comparator_, Members({{"William", ""}, {"Bill", ""}, {"William", ""}})),
      (Indexes{1}));
  // The same first name, names reordered, an identifier in common, another
  // name altogether, one member: none is held through a variant.
  EXPECT_TRUE(
      VariantFirstNames(comparator_, Members({{"William", ""}, {"William James", ""}})).empty());
  EXPECT_EQ(VariantFirstNames(comparator_,
                              Members({{"Bill James", ""}, {"James Bill", ""}, {"William", ""}})),
            (Indexes{2}));
  EXPECT_TRUE(
      VariantFirstNames(comparator_, Members({{"William James", ""}, {"Bill James", ""}})).empty());
  EXPECT_TRUE(VariantFirstNames(comparator_, Members({{"William", "9434765919"},
                                                      {"Bill", "9434765919"}}))
                  .empty());
  EXPECT_TRUE(VariantFirstNames(comparator_, Members({{"William", ""}, {"Harry", ""}})).empty());
  EXPECT_TRUE(VariantFirstNames(comparator_, Members({{"Bill", ""}})).empty());

  // The child is the census's "William" and a register's "Bill"; the same
  // register now lists "William": two children there, "Bill" the other.
  const auto child = Members({{"William", ""}, {"Bill", ""}});
  const auto william = builder_->Build(ChildOf(ChildSpec{.given = "William Oscar"}));
  const auto billy = builder_->Build(ChildOf(ChildSpec{.given = "Billy"}));
  const auto bill = builder_->Build(ChildOf(ChildSpec{.given = "Bill"}));
  EXPECT_EQ(RegisterTwins(comparator_, william, child, {false, true}, {false, true}), (Indexes{1}));
  // Not from the member's register, or not called exactly what the child's
  // other record is: nothing moves.
  EXPECT_TRUE(RegisterTwins(comparator_, william, child, {false, false}, {false, true}).empty());
  EXPECT_TRUE(RegisterTwins(comparator_, billy, child, {false, true}, {false, true}).empty());
  // A record of any source called exactly what the member is called, with
  // no second name that disagrees with the member's, takes the member as its
  // own child.
  EXPECT_EQ(RegisterTwins(comparator_, bill, child, {false, false}, {false, true}), (Indexes{1}));
  const auto bill_oscar = builder_->Build(ChildOf(ChildSpec{.given = "Bill Oscar"}));
  EXPECT_EQ(RegisterTwins(comparator_, bill_oscar, child, {false, false}, {false, true}),
            (Indexes{1}));
  const auto henry = Members({{"William", ""}, {"Bill Henry", ""}});
  EXPECT_TRUE(RegisterTwins(comparator_, bill_oscar, henry, {false, false}, {false, true}).empty());
  // A member whose second name the child's other record has is no variant's
  // alone: "Bill James" beside "William James" stays.
  const auto james = Members({{"William James", ""}, {"Bill James", ""}});
  EXPECT_TRUE(RegisterTwins(comparator_, bill_oscar, james, {false, false}, {false, true}).empty());
  const auto william_oscar = builder_->Build(ChildOf(ChildSpec{.given = "William Oscar"}));
  EXPECT_TRUE(
      RegisterTwins(comparator_, william_oscar, james, {false, true}, {false, true}).empty());
  // The member that made the child, or that a person decided, never moves.
  EXPECT_TRUE(RegisterTwins(comparator_, bill, child, {true, true}, {false, false}).empty());
  EXPECT_TRUE(RegisterTwins(comparator_, william, child, {false, true}, {false, false}).empty());
}

// Records of one child sent to review one by one (the school's misspelling
// made the child first: each correct record is a twin question) wait on one
// provisional child, not on one each.
TEST_F(MatcherTest, RecordsInReviewThatAreOneChildWaitTogether) {
  ChildSpec misspelt{.given = "Mac", .family = "Hynd", .dob = "2012-03-12", .upn = "Z757301526637"};
  const ContactPointId school = Add(misspelt);
  ChildSpec right = misspelt;
  right.given = "Max";
  right.upn.clear();
  MatchOutcome first = Match(right);
  ASSERT_EQ(first.decision, Decision::kReview) << first.reason;
  ASSERT_EQ(first.reason, "twin_rule_close_names");
  EXPECT_EQ(first.child, school);
  EXPECT_FALSE(first.wait_with.has_value());  // nothing waits yet
  // The first waits on a provisional child of its own; the second joins it.
  const ContactPointId waiting = Add(right);
  provisional_[waiting.number()] = true;
  MatchOutcome second = Match(right);
  ASSERT_EQ(second.decision, Decision::kReview) << second.reason;
  EXPECT_EQ(second.reason, "twin_rule_close_names");
  EXPECT_EQ(second.child, school);
  EXPECT_EQ(second.wait_with, waiting);
  // Nothing waits with a link.
  provisional_.clear();
  MatchOutcome linked = Match(right);
  ASSERT_EQ(linked.decision, Decision::kLink) << linked.reason;
  EXPECT_FALSE(linked.wait_with.has_value());
}

TEST_F(MatcherTest, APossibleDuplicateOfAShieldedChildIsHeldShieldedForReview) {
  const ContactPointId target = Add(Registered(), /*shielded=*/true);
  const MatchOutcome outcome = Match(Registered());
  EXPECT_EQ(outcome.decision, Decision::kReview);
  EXPECT_EQ(outcome.reason, "shielded_candidate");
  EXPECT_EQ(outcome.child, target);
  EXPECT_TRUE(outcome.hold_shielded);
}

TEST_F(MatcherTest, ASecondRecordFromOneNationalRegisterIsAQuestionUnlessAnIdentifierIsShared) {
  // Twins at one home whose child-benefit records carry no identifier, under
  // variants of one name: the second record of the register is not the
  // first child's, whatever the names say.
  const ContactPointId isabella = Add(ChildSpec{.given = "Isabella Elsa", .family = "Browne",
                                                .gender = domain::Gender::kFemale});
  const ChildSpec isabelle{.given = "Isabelle Elsa", .family = "Browne",
                           .gender = domain::Gender::kFemale};
  MatchOutcome outcome = Match(isabelle);
  ASSERT_EQ(outcome.decision, Decision::kLink) << outcome.reason;  // the rule alone decides
  register_holds_another_[isabella.number()] = true;
  outcome = Match(isabelle);
  EXPECT_EQ(outcome.decision, Decision::kReview) << outcome.reason;
  EXPECT_EQ(outcome.reason, "another_register_record");
  EXPECT_EQ(outcome.child, isabella);
  // An NHS number in common: the register lists one child twice.
  const ContactPointId numbered = Add(Registered());
  register_holds_another_[numbered.number()] = true;
  outcome = Match(Registered());
  EXPECT_EQ(outcome.decision, Decision::kLink) << outcome.reason;
  EXPECT_EQ(outcome.child, numbered);
}

TEST_F(MatcherTest, TwoChildrenBothMatchingIsAmbiguous) {
  // Two records of one child already split in the index (a duplicate).
  Add(Registered());
  Add(Registered());
  const MatchOutcome outcome = Match(Registered());
  EXPECT_EQ(outcome.decision, Decision::kReview);
  EXPECT_EQ(outcome.reason, "ambiguous");
  EXPECT_EQ(outcome.best.size(), 2u);
}

TEST_F(MatcherTest, ScoresBetweenTheThresholdsGoToReview) {
  Add(Registered());
  ChildSpec weak;  // same name and date of birth, nothing else in common
  weak.postcode = "BS1 4DJ";
  weak.address = {"1 Harbour Way", "Bristol"};
  weak.carers = {};
  weak.phones = {};
  const MatchOutcome outcome = Match(weak);
  // Name and date of birth agree (~+30 bits), the address and postcode do
  // not (~-5): likely but not certain.
  ASSERT_FALSE(outcome.best.empty());
  EXPECT_GT(outcome.best.front().score, matcher_->review_score());
  EXPECT_LT(outcome.best.front().score, matcher_->link_score());
  EXPECT_EQ(outcome.decision, Decision::kReview);
  EXPECT_EQ(outcome.reason, "between_thresholds");
}

TEST_F(MatcherTest, APostAdoptionIdentityNeverReachesThePreAdoptionChild) {
  // The birth identity, as the register first held it.
  const ContactPointId birth = Add(Registered());
  // The same child after adoption: the first name and date of birth stay;
  // a new family name, NHS number, parents and home.
  ChildSpec adopted;
  adopted.family = "Okonjo";
  adopted.nhs = "4010232137";
  adopted.postcode = "YO1 7HH";
  adopted.address = {"4 Minster Yard", "York"};
  adopted.carers = {{"Ada", "Okonjo"}};
  adopted.phones = {"01904 000000"};
  const MatchOutcome outcome = Match(adopted);
  EXPECT_EQ(outcome.decision, Decision::kNew) << outcome.reason;
  EXPECT_NE(outcome.child, birth);
  // Even with the old surname kept as another name, it does not link.
  adopted.other_names = {{"William", "Thompson"}};
  EXPECT_NE(Match(adopted).decision, Decision::kLink);
}

TEST(TwinRuleTest, AppliesOnlyWhenEveryConditionHolds) {
  using linkage::Field;
  linkage::ComparisonVector twins;
  twins.Set(Field::kGivenName, linkage::GivenNameLevel::kDisagree);
  twins.Set(Field::kFamilyName, linkage::FamilyNameLevel::kExact);
  twins.Set(Field::kDateOfBirth, linkage::DateOfBirthLevel::kExact);
  twins.Set(Field::kAddress, linkage::AddressLevel::kExact);
  twins.Set(Field::kNhsNumber, linkage::AgreeLevel::kDisagree);
  twins.Set(Field::kUpn, linkage::AgreeLevel::kMissing);
  twins.Set(Field::kUln, linkage::AgreeLevel::kMissing);
  twins.Set(Field::kPostcode, linkage::PostcodeLevel::kDisagree);
  twins.Set(Field::kCarerName, linkage::CarerNameLevel::kMissing);
  twins.Set(Field::kCarerPhone, linkage::AgreeLevel::kMissing);
  EXPECT_EQ(CheckTwinRule(twins), TwinRule::kDifferentNames);

  auto with = [&](auto field, auto level) {
    linkage::ComparisonVector v = twins;
    v.Set(field, level);
    return CheckTwinRule(v);
  };
  EXPECT_EQ(with(Field::kGivenName, linkage::GivenNameLevel::kNickname), TwinRule::kClear);
  EXPECT_EQ(with(Field::kGivenName, linkage::GivenNameLevel::kJaroWinkler), TwinRule::kCloseNames);
  EXPECT_EQ(with(Field::kGivenName, linkage::GivenNameLevel::kInitial),
            TwinRule::kDifferentNames);
  EXPECT_EQ(with(Field::kDateOfBirth, linkage::DateOfBirthLevel::kTransposed), TwinRule::kClear);
  EXPECT_EQ(with(Field::kFamilyName, linkage::FamilyNameLevel::kDisagree), TwinRule::kClear);
  EXPECT_EQ(with(Field::kAddress, linkage::AddressLevel::kDisagree), TwinRule::kClear);
  EXPECT_EQ(with(Field::kNhsNumber, linkage::AgreeLevel::kAgree), TwinRule::kClear);
  EXPECT_EQ(with(Field::kUpn, linkage::AgreeLevel::kAgree), TwinRule::kClear);
  linkage::ComparisonVector carers = twins;  // living together shown by a carer
  carers.Set(Field::kAddress, linkage::AddressLevel::kDisagree);
  carers.Set(Field::kCarerName, linkage::CarerNameLevel::kFullName);
  EXPECT_EQ(CheckTwinRule(carers), TwinRule::kDifferentNames);
}

TEST(SiblingRuleTest, AnotherGivenNameWithoutASharedIdentifierNeverLinks) {
  using linkage::Field;
  // Siblings: everything about the household agrees.
  linkage::ComparisonVector siblings;
  siblings.Set(Field::kGivenName, linkage::GivenNameLevel::kDisagree);
  siblings.Set(Field::kFamilyName, linkage::FamilyNameLevel::kExact);
  siblings.Set(Field::kDateOfBirth, linkage::DateOfBirthLevel::kSameYear);
  siblings.Set(Field::kAddress, linkage::AddressLevel::kExact);
  siblings.Set(Field::kPostcode, linkage::PostcodeLevel::kUnit);
  siblings.Set(Field::kCarerName, linkage::CarerNameLevel::kFullName);
  siblings.Set(Field::kCarerPhone, linkage::AgreeLevel::kAgree);
  siblings.Set(Field::kNhsNumber, linkage::AgreeLevel::kMissing);
  siblings.Set(Field::kUpn, linkage::AgreeLevel::kDisagree);
  siblings.Set(Field::kUln, linkage::AgreeLevel::kMissing);
  EXPECT_EQ(CheckSiblingRule(siblings), TwinRule::kDifferentNames);
  EXPECT_EQ(CheckCannotLink(siblings), TwinRule::kDifferentNames);

  auto with = [&](auto field, auto level) {
    linkage::ComparisonVector v = siblings;
    v.Set(field, level);
    return CheckSiblingRule(v);
  };
  // Whatever the date of birth and family name say (a twin's record with a
  // typo in either is still another child).
  for (auto dob : {linkage::DateOfBirthLevel::kExact, linkage::DateOfBirthLevel::kTransposed,
                   linkage::DateOfBirthLevel::kOneDigit, linkage::DateOfBirthLevel::kDisagree}) {
    EXPECT_EQ(with(Field::kDateOfBirth, dob), TwinRule::kDifferentNames);
  }
  EXPECT_EQ(with(Field::kFamilyName, linkage::FamilyNameLevel::kJaroWinkler),
            TwinRule::kDifferentNames);
  // The same name spelt or shortened otherwise is not another child.
  EXPECT_EQ(with(Field::kGivenName, linkage::GivenNameLevel::kNickname), TwinRule::kClear);
  EXPECT_EQ(with(Field::kGivenName, linkage::GivenNameLevel::kJaroWinkler), TwinRule::kClear);
  EXPECT_EQ(with(Field::kGivenName, linkage::GivenNameLevel::kPhonetic), TwinRule::kClear);
  EXPECT_EQ(with(Field::kGivenName, linkage::GivenNameLevel::kInitial), TwinRule::kClear);
  EXPECT_EQ(with(Field::kGivenName, linkage::GivenNameLevel::kMissing), TwinRule::kClear);
  // A shared identifier outweighs it (the record is the same child's).
  EXPECT_EQ(with(Field::kNhsNumber, linkage::AgreeLevel::kAgree), TwinRule::kClear);
  EXPECT_EQ(with(Field::kUpn, linkage::AgreeLevel::kAgree), TwinRule::kClear);
  EXPECT_EQ(with(Field::kUln, linkage::AgreeLevel::kAgree), TwinRule::kClear);
}

TEST_F(MatcherTest, AnOlderSiblingInTheSameHomeIsANewChild) {
  ChildSpec older;
  older.given = "Ethan";
  older.family = "Pick";
  older.dob = "2015-01-08";
  older.postcode = "M25 9NF";
  older.address = {"4 Mill Lane", "Manchester"};
  older.carers = {{"Joanne", "Pick"}};
  older.phones = {"0161 496 0123"};
  Add(older);
  ChildSpec younger = older;
  younger.given = "Vinnie";
  younger.dob = "2015-12-18";
  const MatchOutcome outcome = Match(younger);
  EXPECT_EQ(outcome.decision, Decision::kNew) << outcome.reason;
  EXPECT_EQ(outcome.reason, "twin_rule");
}

}  // namespace
}  // namespace cp::matching
