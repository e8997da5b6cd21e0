#include "index/candidate_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/random.h"
#include "linkage/comparator.h"
#include "linkage/linkage_data.h"
#include "linkage/normalise.h"
#include "linkage/record.h"

namespace cp::index {
namespace {

using domain::ContactPointId;
using domain::PersonalText;

// A child as a source describes it; empty strings are missing fields.
struct Spec {
  std::string given = "William James";
  std::string family = "Thompson";
  std::string dob = "2015-03-07";
  std::string postcode = "LS1 4AB";
  std::vector<std::string> address = {"12 Church Road", "Leeds"};
  std::string nhs;
  std::string upn;
  std::string uln;
  domain::Gender gender = domain::Gender::kMale;
  std::vector<std::pair<std::string, std::string>> other_names;
  std::vector<std::pair<std::string, std::string>> carers = {{"Sarah", "Thompson"}};
  std::vector<std::string> phones = {"0113 496 0000"};
};

// The target of most tests, as the national register holds it.
Spec Target() {
  Spec spec;
  spec.nhs = "9434765919";
  spec.upn = "A123456789012";
  spec.uln = "1234567890";
  spec.other_names = {{"William", "Okafor"}};  // the family name at birth
  return spec;
}

// The same child as a local source without identifiers describes it.
Spec TargetWithoutIdentifiers() { return Spec{}; }

domain::Date ParseDate(const std::string& text) {
  if (text.empty()) return domain::Date{};  // not ok(): missing
  return domain::Date{std::chrono::year{std::stoi(text.substr(0, 4))},
                      std::chrono::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
                      std::chrono::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
}

domain::Child ChildOf(const Spec& spec) {
  domain::Child child;
  child.name = {PersonalText(spec.given), PersonalText(spec.family)};
  for (const auto& [given, family] : spec.other_names) {
    child.other_names.push_back({PersonalText(given), PersonalText(family)});
  }
  child.gender = spec.gender;
  child.date_of_birth = core::Sensitive<domain::Date>(ParseDate(spec.dob));
  if (!spec.postcode.empty() || !spec.address.empty()) {
    domain::Address address;
    address.lines = core::Sensitive<std::vector<std::string>>(spec.address);
    if (!spec.postcode.empty()) address.postcode = PersonalText(spec.postcode);
    child.address = address;
  }
  if (!spec.nhs.empty()) child.identifiers.nhs_number = PersonalText(spec.nhs);
  if (!spec.upn.empty()) child.identifiers.upn = PersonalText(spec.upn);
  if (!spec.uln.empty()) child.identifiers.uln = PersonalText(spec.uln);
  for (std::size_t i = 0; i < spec.carers.size(); ++i) {
    domain::Carer carer;
    carer.name = {PersonalText(spec.carers[i].first), PersonalText(spec.carers[i].second)};
    if (i < spec.phones.size()) carer.contact.phone = PersonalText(spec.phones[i]);
    child.carers.push_back(carer);
  }
  return child;
}

class CandidateIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto normaliser = linkage::NameNormaliser::Create();
    ASSERT_TRUE(normaliser.ok()) << normaliser.status().ToString();
    normaliser_ = std::move(*normaliser).release();
    auto data = linkage::LoadLinkageData(CP_LINKAGE_DATA_DIR);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    data_ = new linkage::LinkageData(std::move(*data));
    builder_ = new linkage::RecordBuilder(*normaliser_, data_->given_name_variants,
                                          data_->family_name_variants);
  }

  static linkage::LinkageRecord RecordOf(const Spec& spec) {
    return builder_->Build(ChildOf(spec));
  }

  ContactPointId NewId() { return ContactPointId::Generate(random_); }

  ContactPointId Add(const Spec& spec) {
    const ContactPointId id = NewId();
    const core::Status status = index_.Upsert(id, RecordOf(spec));
    EXPECT_TRUE(status.ok()) << status.ToString();
    return id;
  }

  // Children who share no field with the target (other names, dates in
  // other years, other postcodes), so that every test runs against a
  // population, not an empty index.
  void AddDistractors(int count, CandidateIndex* into = nullptr) {
    static const char* const kGiven[] = {"Amelia", "Oscar", "Isla", "Noah",   "Freya",
                                         "Arthur", "Ivy",   "Leo",  "Grace",  "Harry",
                                         "Poppy",  "Alfie", "Evie", "Archie", "Ruby"};
    static const char* const kFamily[] = {"Patel",  "Evans",  "Walker", "Wright", "Green",
                                          "Hughes", "Wood",   "Turner", "Hill",   "Clarke",
                                          "Baker",  "Harris", "Lewis",  "Young",  "King"};
    core::SeededRandom pick(99);
    for (int i = 0; i < count; ++i) {
      Spec spec;
      spec.given = kGiven[pick.Uniform(std::size(kGiven))];
      spec.family = kFamily[pick.Uniform(std::size(kFamily))];
      const int year = 2007 + static_cast<int>(pick.Uniform(7));  // never 2015
      spec.dob = std::to_string(year) + "-0" + std::to_string(1 + pick.Uniform(9)) + "-1" +
                 std::to_string(pick.Uniform(10));
      spec.postcode = "M" + std::to_string(1 + pick.Uniform(40)) + " " +
                      std::to_string(pick.Uniform(10)) + "QA";
      spec.address = {std::to_string(1 + pick.Uniform(90)) + " Mill Lane", "Manchester"};
      spec.carers = {{"Helen", spec.family}};
      spec.phones = {"0161 496 0" + std::to_string(100 + pick.Uniform(800))};
      if (pick.Uniform(2) == 0) spec.nhs = std::to_string(9000000000ULL + pick.Uniform(99999999));
      if (into == nullptr) {
        distractors_.push_back(IndexEntry{Add(spec), RecordOf(spec)});
      } else {
        ASSERT_TRUE(into->Upsert(NewId(), RecordOf(spec)).ok());
      }
    }
  }

  static const Candidate* FindIn(const CandidateResult& result, const ContactPointId& child) {
    for (const Candidate& candidate : result.candidates) {
      if (candidate.child == child) return &candidate;
    }
    return nullptr;
  }

  static std::string Kinds(KeyMask mask) {
    std::string names;
    for (std::size_t i = 0; i < kKeyKindCount; ++i) {
      if ((mask & MaskOf(static_cast<KeyKind>(i))) == 0) continue;
      if (!names.empty()) names += ",";
      names += KeyKindName(static_cast<KeyKind>(i));
    }
    return names.empty() ? "none" : names;
  }

  static linkage::NameNormaliser* normaliser_;
  static linkage::LinkageData* data_;
  static linkage::RecordBuilder* builder_;
  core::SeededRandom random_{1};
  CandidateIndex index_;
  std::vector<IndexEntry> distractors_;  // what AddDistractors put in index_
};

linkage::NameNormaliser* CandidateIndexTest::normaliser_ = nullptr;
linkage::LinkageData* CandidateIndexTest::data_ = nullptr;
linkage::RecordBuilder* CandidateIndexTest::builder_ = nullptr;

// For each kind, a probe that shares only that kind's fields with Target().
struct KindCase {
  KeyKind kind;
  std::function<void(Spec&)> shape;
};

std::vector<KindCase> KindCases() {
  // Start from a child who shares nothing with the target...
  const auto stranger = [](Spec& s) {
    s = Spec{};
    s.given = "Zachary";
    s.family = "Kowalski";
    s.dob = "2009-11-23";
    s.postcode = "BS8 1TH";
    s.address = {"4 Park Row", "Bristol"};
    s.carers = {{"Anna", "Kowalski"}};
    s.phones = {"0117 496 0999"};
  };
  // ...then give it the fields of one kind.
  return {
      {KeyKind::kNhsNumber, [=](Spec& s) { stranger(s), s.nhs = Target().nhs; }},
      {KeyKind::kUpn, [=](Spec& s) { stranger(s), s.upn = Target().upn; }},
      {KeyKind::kUln, [=](Spec& s) { stranger(s), s.uln = Target().uln; }},
      {KeyKind::kFamilyDob,
       [=](Spec& s) { stranger(s), s.family = "Thompson", s.dob = "2015-03-07"; }},
      {KeyKind::kGivenDob,
       [=](Spec& s) { stranger(s), s.given = "William", s.dob = "2015-03-07"; }},
      {KeyKind::kNamesYear,
       [=](Spec& s) {
         stranger(s), s.given = "William", s.family = "Thompson", s.dob = "2015-11-23";
       }},
      {KeyKind::kNamesDayMonth,
       [=](Spec& s) {
         stranger(s), s.given = "William", s.family = "Thompson", s.dob = "2009-03-07";
       }},
      {KeyKind::kPostcodeYear,
       [=](Spec& s) { stranger(s), s.postcode = "LS1 4AB", s.dob = "2015-11-23"; }},
      {KeyKind::kOtherNameDob,
       [=](Spec& s) { stranger(s), s.family = "Okafor", s.dob = "2015-03-07"; }},
  };
}

TEST_F(CandidateIndexTest, EachKeyKindAloneFindsTheTarget) {
  AddDistractors(300);
  const ContactPointId target = Add(Target());
  for (const KindCase& c : KindCases()) {
    SCOPED_TRACE(std::string(KeyKindName(c.kind)));
    Spec spec;
    c.shape(spec);
    const linkage::LinkageRecord probe = RecordOf(spec);

    // With every key, the target comes back through exactly this kind: the
    // case shares nothing else.
    const CandidateResult all = index_.Candidates(probe);
    const Candidate* found = FindIn(all, target);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->keys, MaskOf(c.kind)) << Kinds(found->keys);

    CandidateOptions only;
    only.keys = MaskOf(c.kind);
    EXPECT_NE(FindIn(index_.Candidates(probe, only), target), nullptr);

    CandidateOptions without;
    without.keys = kAllKeys & ~MaskOf(c.kind);
    EXPECT_EQ(FindIn(index_.Candidates(probe, without), target), nullptr);
  }
}

struct ErrorCase {
  std::string what;
  std::function<void(Spec&)> change;
};

TEST_F(CandidateIndexTest, OneErrorInAnyFieldStillFindsTheTrueRecord) {
  AddDistractors(300);
  const ContactPointId target = Add(Target());
  const std::vector<ErrorCase> cases = {
      {"no error", [](Spec&) {}},
      {"given name: letter dropped", [](Spec& s) { s.given = "Wiliam James"; }},
      {"given name: keyboard neighbour", [](Spec& s) { s.given = "Qilliam James"; }},
      {"given name: letters transposed", [](Spec& s) { s.given = "Wlliiam James"; }},
      {"given name: nickname", [](Spec& s) { s.given = "Bill"; }},
      {"given name: known by middle name", [](Spec& s) { s.given = "James"; }},
      {"given names reordered", [](Spec& s) { s.given = "James William"; }},
      {"given name missing (newborn)", [](Spec& s) { s.given = ""; }},
      {"family name: keyboard neighbour", [](Spec& s) { s.family = "Thonpson"; }},
      {"family name: letter dropped", [](Spec& s) { s.family = "Thompon"; }},
      {"family name: changed", [](Spec& s) { s.family = "Nakamura"; }},
      {"family name: double-barrelled later", [](Spec& s) { s.family = "Nakamura-Thompson"; }},
      {"date of birth: year units digit", [](Spec& s) { s.dob = "2016-03-07"; }},
      {"date of birth: year tens digit", [](Spec& s) { s.dob = "2005-03-07"; }},
      {"date of birth: year thousands digit", [](Spec& s) { s.dob = "1015-03-07"; }},
      {"date of birth: month digit", [](Spec& s) { s.dob = "2015-08-07"; }},
      {"date of birth: day units digit", [](Spec& s) { s.dob = "2015-03-01"; }},
      {"date of birth: day tens digit", [](Spec& s) { s.dob = "2015-03-27"; }},
      {"date of birth: day and month swapped", [](Spec& s) { s.dob = "2015-07-03"; }},
      {"postcode: another (moved house)", [](Spec& s) { s.postcode = "LS6 2QD"; }},
      {"postcode: typo", [](Spec& s) { s.postcode = "LS1 4AD"; }},
      {"postcode and address missing", [](Spec& s) { s.postcode = "", s.address.clear(); }},
      {"gender unknown", [](Spec& s) { s.gender = domain::Gender::kUnknown; }},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.what);
    Spec spec = TargetWithoutIdentifiers();
    c.change(spec);
    const CandidateResult result = index_.Candidates(RecordOf(spec));
    EXPECT_NE(FindIn(result, target), nullptr);
    EXPECT_TRUE(result.complete());
  }
  // An identifier alone, with everything else wrong, finds the target too.
  Spec wrong_everything;
  KindCases()[0].shape(wrong_everything);
  EXPECT_NE(FindIn(index_.Candidates(RecordOf(wrong_everything)), target), nullptr);
}

TEST_F(CandidateIndexTest, NicknameAndSurnameVariantAreExpandedToIndexedNames) {
  AddDistractors(100);
  Spec stored = Target();
  stored.family = "Smith";
  const ContactPointId target = Add(stored);
  // Two errors: "Bill" for William and "Smyth" for Smith, from another
  // address. Neither phonetic key matches; the variant groups do.
  Spec probe = TargetWithoutIdentifiers();
  probe.given = "Bill";
  probe.family = "Smyth";
  probe.postcode = "LS6 2QD";
  const linkage::LinkageRecord record = RecordOf(probe);

  const CandidateResult result = index_.Candidates(record);
  const Candidate* found = FindIn(result, target);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->keys, MaskOf(KeyKind::kFamilyDob) | MaskOf(KeyKind::kGivenDob))
      << Kinds(found->keys);

  CandidateOptions own_codes_only;
  own_codes_only.max_name_variants = 1;
  EXPECT_EQ(FindIn(index_.Candidates(record, own_codes_only), target), nullptr);
}

TEST_F(CandidateIndexTest, GivenAndFamilyNamesTheWrongWayRoundAreTried) {
  AddDistractors(100);
  const ContactPointId target = Add(Target());
  Spec probe = TargetWithoutIdentifiers();
  probe.given = "Thompson";
  probe.family = "William";
  probe.postcode = "LS6 2QD";
  const linkage::LinkageRecord record = RecordOf(probe);
  EXPECT_NE(FindIn(index_.Candidates(record), target), nullptr);
  CandidateOptions not_swapped;
  not_swapped.swapped_names = false;
  EXPECT_EQ(FindIn(index_.Candidates(record, not_swapped), target), nullptr);
}

TEST_F(CandidateIndexTest, FormerFamilyNameFindsTheChildDespiteAGivenNameTypoAndAMove) {
  AddDistractors(100);
  const ContactPointId target = Add(Target());  // Thompson now, Okafor at birth
  Spec probe = TargetWithoutIdentifiers();
  probe.given = "Qilliam";  // a typo that changes the phonetic key too
  probe.family = "Okafor";
  probe.postcode = "LS6 2QD";
  const linkage::LinkageRecord record = RecordOf(probe);
  const CandidateResult result = index_.Candidates(record);
  const Candidate* found = FindIn(result, target);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->keys, MaskOf(KeyKind::kOtherNameDob)) << Kinds(found->keys);
  CandidateOptions without;
  without.keys = kAllKeys & ~MaskOf(KeyKind::kOtherNameDob);
  EXPECT_EQ(FindIn(index_.Candidates(record, without), target), nullptr);
}

TEST_F(CandidateIndexTest, DoubleBarrelledNameMeetsEitherPartBothWays) {
  CandidateOptions family_only;
  family_only.keys = MaskOf(KeyKind::kFamilyDob);
  Spec barrelled = TargetWithoutIdentifiers();
  barrelled.family = "Smith-Jones";
  Spec jones = TargetWithoutIdentifiers();
  jones.family = "Jones";
  Spec smith = TargetWithoutIdentifiers();
  smith.family = "Smith";

  const ContactPointId stored_barrelled = Add(barrelled);
  EXPECT_NE(FindIn(index_.Candidates(RecordOf(jones), family_only), stored_barrelled), nullptr);
  EXPECT_NE(FindIn(index_.Candidates(RecordOf(smith), family_only), stored_barrelled), nullptr);
  ASSERT_TRUE(index_.Remove(stored_barrelled));

  const ContactPointId stored_jones = Add(jones);
  EXPECT_NE(FindIn(index_.Candidates(RecordOf(barrelled), family_only), stored_jones), nullptr);
}

TEST_F(CandidateIndexTest, TwinsBothComeBackAndTheNamedOneRanksFirst) {
  AddDistractors(200);
  Spec amelia = TargetWithoutIdentifiers();
  amelia.given = "Amelia Rose";
  amelia.family = "Okonkwo";
  amelia.gender = domain::Gender::kFemale;
  Spec oscar = amelia;
  oscar.given = "Oscar";
  oscar.gender = domain::Gender::kMale;
  const ContactPointId stored_amelia = Add(amelia);
  const ContactPointId stored_oscar = Add(oscar);

  Spec probe = amelia;
  probe.given = "Amelia";
  const CandidateResult result = index_.Candidates(RecordOf(probe));
  ASSERT_GE(result.candidates.size(), 2u);
  EXPECT_EQ(result.candidates[0].child, stored_amelia);
  const Candidate* twin = FindIn(result, stored_oscar);
  ASSERT_NE(twin, nullptr);
  EXPECT_EQ(twin->keys, MaskOf(KeyKind::kFamilyDob) | MaskOf(KeyKind::kPostcodeYear))
      << Kinds(twin->keys);
}

// Distinct given names for a crowd: consonant-vowel patterns whose NYSIIS
// codes differ.
std::vector<std::string> CrowdNames(std::size_t count) {
  static const char kConsonants[] = "bdfglnprstv";
  std::vector<std::string> names;
  for (char a : std::string(kConsonants)) {
    for (char b : std::string(kConsonants)) {
      for (char c : std::string(kConsonants)) {
        if (names.size() == count) return names;
        names.push_back(std::string{a} + "a" + b + "o" + c);
      }
    }
  }
  return names;
}

TEST_F(CandidateIndexTest, HugeBlockIsCappedAndReportedAndTheMatchIsFoundThroughAnotherKey) {
  // 600 Smiths born on one day at different addresses: one family_dob block
  // of 601 with the target inserted last, beyond any cap.
  const std::vector<std::string> names = CrowdNames(600);
  for (std::size_t i = 0; i < names.size(); ++i) {
    Spec spec;
    spec.given = names[i];
    spec.family = "Smith";
    spec.postcode = "M" + std::to_string(1 + i % 40) + " " + std::to_string(i % 10) + "QA";
    Add(spec);
  }
  Spec target_spec = TargetWithoutIdentifiers();
  target_spec.given = "Xavier";
  target_spec.family = "Smith";
  target_spec.postcode = "LS1 4AB";
  const ContactPointId target = Add(target_spec);
  const linkage::LinkageRecord probe = RecordOf(target_spec);

  CandidateOptions options;
  options.max_block = 100;
  options.max_candidates = 50;
  const CandidateResult capped = index_.Candidates(probe, options);
  EXPECT_FALSE(capped.complete());
  const auto family_block =
      std::find_if(capped.capped_blocks.begin(), capped.capped_blocks.end(),
                   [](const CappedBlock& b) { return b.kind == KeyKind::kFamilyDob; });
  ASSERT_NE(family_block, capped.capped_blocks.end());
  EXPECT_EQ(family_block->size, 601u);
  EXPECT_EQ(capped.candidates.size(), 50u);
  EXPECT_GT(capped.candidates_dropped, 0u);
  EXPECT_LE(capped.postings_read, capped.keys_looked_up * options.max_block);
  ASSERT_FALSE(capped.candidates.empty());
  EXPECT_EQ(capped.candidates[0].child, target);  // given-name keys, ranked first

  options.max_block = 1000;
  options.max_candidates = 1000;
  const CandidateResult whole = index_.Candidates(probe, options);
  EXPECT_TRUE(whole.complete());
  EXPECT_EQ(whole.candidates.size(), 601u);
  const auto stats = index_.KeyStats();
  EXPECT_EQ(stats[static_cast<std::size_t>(KeyKind::kFamilyDob)].largest_block, 601u);
  EXPECT_EQ(stats[static_cast<std::size_t>(KeyKind::kFamilyDob)].blocks_over_512, 1u);
}

TEST_F(CandidateIndexTest, RemoveMakesAChildUnfindableByEveryKey) {
  AddDistractors(300);
  const IndexStats before = index_.Stats();
  const ContactPointId target = Add(Target());
  std::vector<linkage::LinkageRecord> probes;
  for (const KindCase& c : KindCases()) {
    Spec spec;
    c.shape(spec);
    probes.push_back(RecordOf(spec));
  }
  probes.push_back(RecordOf(Target()));
  for (const linkage::LinkageRecord& probe : probes) {
    ASSERT_NE(FindIn(index_.Candidates(probe), target), nullptr);
  }

  ASSERT_TRUE(index_.Remove(target));
  for (std::size_t i = 0; i < probes.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(FindIn(index_.Candidates(probes[i]), target), nullptr);
  }
  EXPECT_FALSE(index_.Contains(target));
  EXPECT_FALSE(index_.Lookup(target).has_value());
  EXPECT_FALSE(index_.Remove(target));
  const IndexStats after = index_.Stats();
  EXPECT_EQ(after.children, before.children);
  EXPECT_EQ(after.postings, before.postings);
  EXPECT_EQ(after.distinct_keys, before.distinct_keys);
  EXPECT_EQ(after.given_names, before.given_names);    // its names are forgotten
  EXPECT_EQ(after.family_names, before.family_names);  // (no distractor shares them)

  // The slot is reused and the child can come back.
  const ContactPointId again = Add(Target());
  EXPECT_NE(FindIn(index_.Candidates(probes.back()), again), nullptr);
}

TEST_F(CandidateIndexTest, UpsertReplacesEveryOldKey) {
  AddDistractors(100);
  const ContactPointId id = NewId();
  ASSERT_TRUE(index_.Upsert(id, RecordOf(Target())).ok());
  Spec moved;  // another child's details entirely under the same ID
  KindCases()[3].shape(moved);
  moved.family = "Adeyemi";
  moved.nhs = "4010232137";
  ASSERT_TRUE(index_.Upsert(id, RecordOf(moved)).ok());

  EXPECT_EQ(FindIn(index_.Candidates(RecordOf(Target())), id), nullptr);
  EXPECT_NE(FindIn(index_.Candidates(RecordOf(moved)), id), nullptr);
  EXPECT_EQ(index_.Lookup(id)->family_name.keys.full, "adeyemi");
  EXPECT_EQ(index_.size(), 101u);

  // Nothing of the old record is left: the same keys, postings and names as
  // an index that only ever saw the final record.
  CandidateIndex fresh;
  AddDistractors(100, &fresh);
  ASSERT_TRUE(fresh.Upsert(id, RecordOf(moved)).ok());
  const IndexStats replaced = index_.Stats();
  const IndexStats expected = fresh.Stats();
  EXPECT_EQ(replaced.children, expected.children);
  EXPECT_EQ(replaced.distinct_keys, expected.distinct_keys);
  EXPECT_EQ(replaced.postings, expected.postings);
  EXPECT_EQ(replaced.given_names, expected.given_names);
  EXPECT_EQ(replaced.family_names, expected.family_names);
}

void ExpectSameRecord(const linkage::LinkageRecord& a, const linkage::LinkageRecord& b) {
  ASSERT_EQ(a.given_names.size(), b.given_names.size());
  for (std::size_t i = 0; i < a.given_names.size(); ++i) {
    EXPECT_EQ(a.given_names[i].text, b.given_names[i].text);
    EXPECT_EQ(a.given_names[i].phonetic, b.given_names[i].phonetic);
    EXPECT_EQ(a.given_names[i].groups, b.given_names[i].groups);
  }
  EXPECT_EQ(a.family_name.keys, b.family_name.keys);
  EXPECT_EQ(a.family_name.phonetic, b.family_name.phonetic);
  EXPECT_EQ(a.family_name.groups, b.family_name.groups);
  EXPECT_EQ(a.primary_name.full, b.primary_name.full);
  EXPECT_EQ(a.primary_name.family, b.primary_name.family);
  ASSERT_EQ(a.other_names.size(), b.other_names.size());
  for (std::size_t i = 0; i < a.other_names.size(); ++i) {
    EXPECT_EQ(a.other_names[i].full, b.other_names[i].full);
    EXPECT_EQ(a.other_names[i].family, b.other_names[i].family);
  }
  EXPECT_EQ(a.date_of_birth, b.date_of_birth);
  EXPECT_EQ(a.date_of_birth_days, b.date_of_birth_days);
  EXPECT_EQ(a.gender, b.gender);
  EXPECT_EQ(a.postcode_unit, b.postcode_unit);
  EXPECT_EQ(a.postcode_sector, b.postcode_sector);
  EXPECT_EQ(a.postcode_district, b.postcode_district);
  EXPECT_EQ(a.address_words, b.address_words);
  ASSERT_EQ(a.carer_names.size(), b.carer_names.size());
  for (std::size_t i = 0; i < a.carer_names.size(); ++i) {
    EXPECT_EQ(a.carer_names[i].full, b.carer_names[i].full);
    EXPECT_EQ(a.carer_names[i].family, b.carer_names[i].family);
  }
  EXPECT_EQ(a.carer_phones, b.carer_phones);
  EXPECT_EQ(a.nhs_number, b.nhs_number);
  EXPECT_EQ(a.upn, b.upn);
  EXPECT_EQ(a.uln, b.uln);
  EXPECT_EQ(a.given_name_frequency, b.given_name_frequency);
  EXPECT_EQ(a.family_name_frequency, b.family_name_frequency);
}

TEST_F(CandidateIndexTest, LookupRebuildsTheRecordTheComparatorNeeds) {
  AddDistractors(50);
  std::vector<Spec> specs;
  specs.push_back(Target());
  Spec rich = Target();
  rich.given = "Mary-Jane Zoë";
  rich.family = "van der Berg-Smith";
  rich.postcode = "SW1A 1AA";
  rich.other_names = {{"Mary", "Berg"}, {"MJ", "Smith"}};
  rich.carers = {{"Ana", "van der Berg"}, {"Tom", "Smith"}, {"Li", "Wei"}};
  rich.phones = {"+44 113 496 0000", "07700 900123"};
  specs.push_back(rich);
  Spec sparse;
  sparse.given = "";
  sparse.postcode = "";
  sparse.address.clear();
  sparse.carers.clear();
  sparse.phones.clear();
  sparse.gender = domain::Gender::kUnspecified;
  specs.push_back(sparse);

  const linkage::Comparator comparator;
  const linkage::LinkageRecord other = RecordOf(TargetWithoutIdentifiers());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    SCOPED_TRACE(i);
    linkage::LinkageRecord record = RecordOf(specs[i]);
    record.given_name_frequency = 0.01f;
    record.family_name_frequency = 0.002f;
    const ContactPointId id = NewId();
    ASSERT_TRUE(index_.Upsert(id, record).ok());
    const std::optional<linkage::LinkageRecord> rebuilt = index_.Lookup(id);
    ASSERT_TRUE(rebuilt.has_value());
    ExpectSameRecord(record, *rebuilt);
    EXPECT_EQ(comparator.Compare(record, other), comparator.Compare(*rebuilt, other));
    EXPECT_EQ(comparator.Compare(other, record), comparator.Compare(other, *rebuilt));
  }
}

TEST_F(CandidateIndexTest, PartialProbesUseOnlyTheKeysTheirFieldsAllow) {
  AddDistractors(300);
  const ContactPointId target = Add(Target());
  struct PartialCase {
    std::string what;
    linkage::LinkageRecord probe;
    bool finds;
    KeyMask expected_keys;
  };
  const linkage::LinkageRecord full = RecordOf(Target());
  auto only = [&full](const std::function<void(linkage::LinkageRecord&)>& keep) {
    linkage::LinkageRecord probe;
    keep(probe);
    (void)full;
    return probe;
  };
  const std::vector<PartialCase> cases = {
      {"family name and date of birth", only([&](auto& p) {
         p.family_name = full.family_name, p.date_of_birth = full.date_of_birth;
       }),
       true, MaskOf(KeyKind::kFamilyDob)},
      {"given name and date of birth", only([&](auto& p) {
         p.given_names = full.given_names, p.date_of_birth = full.date_of_birth;
       }),
       true, MaskOf(KeyKind::kGivenDob)},
      {"postcode and date of birth", only([&](auto& p) {
         p.postcode_unit = full.postcode_unit, p.date_of_birth = full.date_of_birth;
       }),
       true, MaskOf(KeyKind::kPostcodeYear)},
      {"NHS number alone", only([&](auto& p) { p.nhs_number = full.nhs_number; }), true,
       MaskOf(KeyKind::kNhsNumber)},
      {"names without a date",
       only([&](auto& p) { p.given_names = full.given_names, p.family_name = full.family_name; }),
       false, 0},
      {"postcode without a date", only([&](auto& p) { p.postcode_unit = full.postcode_unit; }),
       false, 0},
      {"nothing", linkage::LinkageRecord{}, false, 0},
  };
  for (const PartialCase& c : cases) {
    SCOPED_TRACE(c.what);
    CandidateOptions options;
    options.swapped_names = false;  // count only the keys the fields name
    const CandidateResult result = index_.Candidates(c.probe, options);
    const Candidate* found = FindIn(result, target);
    EXPECT_EQ(found != nullptr, c.finds);
    if (found != nullptr) {
      EXPECT_EQ(found->keys, c.expected_keys) << Kinds(found->keys);
    }
    if (!c.finds) {
      EXPECT_EQ(result.keys_looked_up, 0u);
      EXPECT_TRUE(result.candidates.empty());
    }
  }
}

TEST_F(CandidateIndexTest, RefusesBadInputAndLeavesTheIndexUnchanged) {
  AddDistractors(20);
  const IndexStats before = index_.Stats();
  const core::Status unassigned = index_.Upsert(ContactPointId(), RecordOf(Target()));
  EXPECT_EQ(unassigned.code(), core::ErrorCode::kInvalidContactPointId);

  linkage::LinkageRecord oversized = RecordOf(Target());
  oversized.address_words.resize(256);
  const core::Status too_long = index_.Upsert(NewId(), oversized);
  EXPECT_EQ(too_long.code(), core::ErrorCode::kInvalidRecord);

  const IndexStats after = index_.Stats();
  EXPECT_EQ(after.children, before.children);
  EXPECT_EQ(after.postings, before.postings);
  EXPECT_EQ(after.given_names, before.given_names);
  EXPECT_EQ(index_.Candidates(RecordOf(Target())).candidates.size(), 0u);
}

// A batch gives the same index as the same upserts one by one: same keys
// and postings, same candidates for every probe.
TEST_F(CandidateIndexTest, UpsertBatchMakesTheSameIndexAsUpsertingOneByOne) {
  std::vector<IndexEntry> entries;
  auto add = [&](const Spec& spec) {
    entries.push_back(IndexEntry{NewId(), RecordOf(spec)});
    return entries.back().child;
  };
  AddDistractors(300);  // into index_, then copied below with their IDs
  for (const Spec& spec : std::vector<Spec>{Target(), TargetWithoutIdentifiers()}) add(spec);
  for (const std::string& name : CrowdNames(40)) {
    Spec spec = TargetWithoutIdentifiers();
    spec.given = name;
    add(spec);
  }
  for (const IndexEntry& entry : entries)
    ASSERT_TRUE(index_.Upsert(entry.child, entry.record).ok());

  CandidateIndex batched;
  std::vector<IndexEntry> everything = distractors_;
  everything.insert(everything.end(), entries.begin(), entries.end());
  ASSERT_TRUE(batched.UpsertBatch(std::span(everything).first(100)).ok());
  ASSERT_TRUE(batched.UpsertBatch(std::span(everything).subspan(100)).ok());

  const IndexStats a = index_.Stats();
  const IndexStats b = batched.Stats();
  EXPECT_EQ(a.children, b.children);
  EXPECT_EQ(a.distinct_keys, b.distinct_keys);
  EXPECT_EQ(a.postings, b.postings);
  EXPECT_EQ(a.given_names, b.given_names);
  EXPECT_EQ(a.family_names, b.family_names);
  const auto kinds_a = index_.KeyStats();
  const auto kinds_b = batched.KeyStats();
  for (std::size_t k = 0; k < kKeyKindCount; ++k) {
    EXPECT_EQ(kinds_a[k].keys, kinds_b[k].keys) << k;
    EXPECT_EQ(kinds_a[k].largest_block, kinds_b[k].largest_block) << k;
  }
  auto sorted = [](CandidateResult result) {
    std::vector<std::pair<std::uint64_t, KeyMask>> out;
    for (const Candidate& c : result.candidates) out.emplace_back(c.child.number(), c.keys);
    std::sort(out.begin(), out.end());
    return out;
  };
  for (const IndexEntry& probe : everything) {
    ASSERT_EQ(sorted(index_.Candidates(probe.record)), sorted(batched.Candidates(probe.record)));
  }
  ExpectSameRecord(*index_.Lookup(entries[0].child), *batched.Lookup(entries[0].child));

  // Emptying the crowd's blocks again leaves what the distractors alone make.
  for (const IndexEntry& entry : entries) {
    ASSERT_TRUE(batched.Remove(entry.child));
    ASSERT_TRUE(index_.Remove(entry.child));
  }
  CandidateIndex distractors_only;
  ASSERT_TRUE(distractors_only.UpsertBatch(distractors_).ok());
  EXPECT_EQ(batched.Stats().postings, distractors_only.Stats().postings);
  EXPECT_EQ(batched.Stats().distinct_keys, distractors_only.Stats().distinct_keys);
  EXPECT_EQ(batched.size(), distractors_.size());
  EXPECT_TRUE(batched.Candidates(RecordOf(TargetWithoutIdentifiers())).candidates.empty());
}

TEST_F(CandidateIndexTest, UpsertBatchStopsAtTheFirstBadEntryKeepingThoseBefore) {
  const std::vector<IndexEntry> batch = {
      IndexEntry{NewId(), RecordOf(Target())},
      IndexEntry{ContactPointId(), RecordOf(Target())},
      IndexEntry{NewId(), RecordOf(TargetWithoutIdentifiers())},
  };
  const core::Status status = index_.UpsertBatch(batch);
  EXPECT_EQ(status.code(), core::ErrorCode::kInvalidContactPointId);
  EXPECT_NE(status.message().find("entry 1"), std::string::npos) << status.message();
  EXPECT_TRUE(index_.Contains(batch[0].child));
  EXPECT_FALSE(index_.Contains(batch[2].child));
  EXPECT_EQ(index_.size(), 1u);
}

TEST_F(CandidateIndexTest, ReadersKeepFindingAStableChildWhileAWriterChurnsItsBlocks) {
  AddDistractors(200);
  const ContactPointId target = Add(Target());
  const linkage::LinkageRecord probe = RecordOf(TargetWithoutIdentifiers());
  const std::uint32_t target_dob = probe.date_of_birth;

  // The writer adds and removes children in the target's own blocks (same
  // family name and date, same postcode), so its lists grow, move and
  // shrink under the readers.
  std::vector<linkage::LinkageRecord> churn;
  for (const std::string& name : CrowdNames(64)) {
    Spec spec = TargetWithoutIdentifiers();
    spec.given = name;
    churn.push_back(RecordOf(spec));
  }
  std::vector<ContactPointId> churn_ids;
  for (std::size_t i = 0; i < churn.size(); ++i) churn_ids.push_back(NewId());

  std::atomic<bool> done{false};
  std::atomic<int> misses{0};
  std::atomic<long> reads{0};
  auto reader = [&] {
    while (!done.load()) {
      const CandidateResult result = index_.Candidates(probe);
      if (FindIn(result, target) == nullptr) ++misses;
      const auto record = index_.Lookup(target);
      if (!record.has_value() || record->date_of_birth != target_dob) ++misses;
      ++reads;
    }
  };
  std::thread first(reader);
  std::thread second(reader);
  core::SeededRandom pick(5);
  for (int round = 0; round < 3000; ++round) {
    const std::size_t i = pick.Uniform(churn.size());
    if (index_.Contains(churn_ids[i])) {
      index_.Remove(churn_ids[i]);
    } else {
      ASSERT_TRUE(index_.Upsert(churn_ids[i], churn[i]).ok());
    }
  }
  while (reads.load() < 100) std::this_thread::yield();
  done = true;
  first.join();
  second.join();
  EXPECT_EQ(misses.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace cp::index
