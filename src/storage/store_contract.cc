#include "storage/store_contract.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "core/random.h"
#include "storage/testing/fault_injecting_store.h"
#include "storage/testing/scripted_random.h"

namespace cp::storage {

void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

void PrintTo(const Change& change, std::ostream* os) {
  *os << "{seq " << change.seq << ", at " << core::ToUnixMillis(change.at) << ", "
      << ChangeKindName(change.kind);
  if (change.child) *os << ", child " << change.child->ToString();
  if (change.source) *os << ", source " << change.source->value();
  if (change.key) *os << ", key " << change.key->value();
  *os << "}";
}

void PrintTo(const StoreInfo& info, std::ostream* os) {
  *os << "{" << info.backend << " schema " << info.schema_version << ", children "
      << info.children << ", source records " << info.source_records << ", last change "
      << info.last_change << "}";
}

void PrintTo(LinkState state, std::ostream* os) { *os << LinkStateName(state); }
void PrintTo(ChangeKind kind, std::ostream* os) { *os << ChangeKindName(kind); }

namespace contract {
namespace {

using std::chrono::April;
using std::chrono::December;
using std::chrono::February;
using std::chrono::January;
using std::chrono::July;
using std::chrono::June;
using std::chrono::March;
using std::chrono::May;
using std::chrono::September;
using std::chrono::day;
using std::chrono::year;

domain::Date D(int y, std::chrono::month m, unsigned d) { return year{y} / m / day{d}; }

domain::PersonName Name(std::string given, std::string family) {
  return domain::PersonName{domain::PersonalText(std::move(given)),
                            domain::PersonalText(std::move(family))};
}

domain::Address Address(std::vector<std::string> lines, std::optional<std::string> postcode) {
  domain::Address address;
  address.lines = core::Sensitive<std::vector<std::string>>(std::move(lines));
  if (postcode) address.postcode = domain::PersonalText(std::move(*postcode));
  return address;
}

domain::ContactDetails Contact(std::optional<std::string> phone, std::optional<std::string> email,
                               std::optional<domain::Address> address) {
  domain::ContactDetails contact;
  if (phone) contact.phone = domain::PersonalText(std::move(*phone));
  if (email) contact.email = domain::PersonalText(std::move(*email));
  contact.address = std::move(address);
  return contact;
}

std::string Opt(const std::optional<domain::PersonalText>& text) {
  return text ? "'" + text->Reveal() + "'" : "(none)";
}
std::string Opt(const std::optional<std::string>& text) {
  return text ? "'" + *text + "'" : "(none)";
}
std::string Opt(const std::optional<domain::Date>& date) {
  if (!date) return "(none)";
  std::ostringstream out;
  out << static_cast<int>(date->year()) << "-" << static_cast<unsigned>(date->month()) << "-"
      << static_cast<unsigned>(date->day());
  return out.str();
}

void DescribeName(std::vector<std::string>& out, const std::string& path,
                  const domain::PersonName& name) {
  out.push_back(path + ".given_names='" + name.given_names.Reveal() + "'");
  out.push_back(path + ".family_name='" + name.family_name.Reveal() + "'");
}

void DescribeAddress(std::vector<std::string>& out, const std::string& path,
                     const std::optional<domain::Address>& address) {
  if (!address) {
    out.push_back(path + "=(none)");
    return;
  }
  const auto& lines = address->lines.Reveal();
  out.push_back(path + ".lines.size=" + std::to_string(lines.size()));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out.push_back(path + ".lines[" + std::to_string(i) + "]='" + lines[i] + "'");
  }
  out.push_back(path + ".postcode=" + Opt(address->postcode));
}

void DescribeContact(std::vector<std::string>& out, const std::string& path,
                     const domain::ContactDetails& contact) {
  out.push_back(path + ".phone=" + Opt(contact.phone));
  out.push_back(path + ".email=" + Opt(contact.email));
  DescribeAddress(out, path + ".address", contact.address);
}

void DescribeChild(std::vector<std::string>& out, const std::string& path,
                   const domain::Child& child) {
  out.push_back(path + ".id=" + std::to_string(child.id.number()));
  DescribeName(out, path + ".name", child.name);
  out.push_back(path + ".other_names.size=" + std::to_string(child.other_names.size()));
  for (std::size_t i = 0; i < child.other_names.size(); ++i) {
    DescribeName(out, path + ".other_names[" + std::to_string(i) + "]", child.other_names[i]);
  }
  out.push_back(path + ".gender=" + std::to_string(static_cast<int>(child.gender)));
  out.push_back(path + ".date_of_birth=" + Opt(std::optional(child.date_of_birth.Reveal())));
  DescribeAddress(out, path + ".address", child.address);
  out.push_back(path + ".accountable=" +
                (child.accountable ? child.accountable->assignee +
                                         (child.accountable->provisional ? " (provisional)" : "")
                                   : std::string("(none)")));
  for (const domain::FieldProvenance& p : child.provenance) {
    out.push_back(path + ".provenance." + p.field + "=" + p.source.value() + ":" + p.key.value() +
                  " batch " + p.batch.value() + " at " +
                  std::to_string(core::ToUnixMillis(p.extracted_at)));
  }
  out.push_back(path + ".identifiers.nhs_number=" + Opt(child.identifiers.nhs_number));
  out.push_back(path + ".identifiers.upn=" + Opt(child.identifiers.upn));
  out.push_back(path + ".identifiers.uln=" + Opt(child.identifiers.uln));
  out.push_back(path + ".date_of_death=" + Opt(child.date_of_death));
  out.push_back(path + ".carers.size=" + std::to_string(child.carers.size()));
  for (std::size_t i = 0; i < child.carers.size(); ++i) {
    const std::string p = path + ".carers[" + std::to_string(i) + "]";
    const domain::Carer& c = child.carers[i];
    DescribeName(out, p + ".name", c.name);
    out.push_back(p + ".relationship=" + std::to_string(static_cast<int>(c.relationship)));
    out.push_back(p + ".parental_responsibility=" + std::to_string(c.parental_responsibility));
    DescribeContact(out, p + ".contact", c.contact);
  }
  out.push_back(path + ".involvements.size=" + std::to_string(child.involvements.size()));
  for (std::size_t i = 0; i < child.involvements.size(); ++i) {
    const std::string p = path + ".involvements[" + std::to_string(i) + "]";
    const domain::Involvement& v = child.involvements[i];
    out.push_back(p + ".type=" + std::to_string(static_cast<int>(v.type)));
    out.push_back(p + ".organisation.name='" + v.organisation.name + "'");
    out.push_back(p + ".organisation.code=" + Opt(v.organisation.code));
    DescribeContact(out, p + ".organisation.contact", v.organisation.contact);
    if (v.practitioner) {
      DescribeName(out, p + ".practitioner", *v.practitioner);
    } else {
      out.push_back(p + ".practitioner=(none)");
    }
    DescribeContact(out, p + ".practitioner_contact", v.practitioner_contact);
    out.push_back(p + ".start=" + Opt(v.start));
    out.push_back(p + ".end=" + Opt(v.end));
    out.push_back(p + ".lead_professional=" + std::to_string(v.lead_professional));
    out.push_back(p + ".caf_holder=" + std::to_string(v.caf_holder));
    if (v.consent) {
      out.push_back(p + ".consent.given_by=" +
                    std::to_string(static_cast<int>(v.consent->given_by)));
      out.push_back(p + ".consent.date=" + Opt(std::optional(v.consent->date)));
    } else {
      out.push_back(p + ".consent=(none)");
    }
    out.push_back(p + ".override_ground=" +
                  (v.override_ground ? std::to_string(static_cast<int>(*v.override_ground))
                                     : std::string("(none)")));
  }
}

::testing::AssertionResult SameLines(const std::vector<std::string>& want,
                                     const std::vector<std::string>& got) {
  if (want == got) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  const std::size_t n = std::max(want.size(), got.size());
  int shown = 0;
  for (std::size_t i = 0; i < n && shown < 12; ++i) {
    const std::string w = i < want.size() ? want[i] : "(missing)";
    const std::string g = i < got.size() ? got[i] : "(missing)";
    if (w != g) {
      failure << "\n  want " << w << "\n  got  " << g;
      ++shown;
    }
  }
  return failure;
}

}  // namespace

domain::Child FullChild(domain::ContactPointId id) {
  domain::Child child;
  child.id = id;
  child.name = Name("Zoë Ånne", "O'Brien-Łukasiewicz");
  child.other_names = {Name("Zoe Anne", "O'Brien"), Name("Zoé", "Nguyễn"), Name("", "Smith"),
                       Name("Σοφία", "Παπαδοπούλου")};
  child.gender = domain::Gender::kFemale;
  child.date_of_birth = core::Sensitive<domain::Date>(D(2015, March, 2));
  child.address = Address({"12 High Street", "Flat 2", "Leeds"}, "LS1 4AB");
  child.identifiers.nhs_number = domain::PersonalText("9434765919");
  child.identifiers.upn = domain::PersonalText("A123456789012");
  child.identifiers.uln = domain::PersonalText("1234567890");
  child.date_of_death = D(2023, December, 31);

  domain::Carer mother;
  mother.name = Name("Jane", "Smith");
  mother.relationship = domain::Relationship::kMother;
  mother.parental_responsibility = true;
  mother.contact = Contact("0113 496 0000", "jane.smith@example.org",
                           Address({"12 High Street", "Leeds"}, "LS1 4AB"));
  domain::Carer council;
  council.name = Name("", "Leeds City Council");
  council.relationship = domain::Relationship::kLocalAuthority;
  council.parental_responsibility = true;
  council.contact = Contact(std::nullopt, std::nullopt, Address({}, std::nullopt));
  domain::Carer father;
  father.name = Name("Tomás", "García");
  father.relationship = domain::Relationship::kFather;
  father.parental_responsibility = false;
  child.carers = {mother, council, father};

  domain::Involvement school;
  school.type = domain::ServiceType::kSchool;
  school.organisation.name = "Leeds Primary";
  school.organisation.code = "URN:107999";
  school.organisation.contact = Contact("0113 496 0001", "office@leeds-primary.example",
                                        Address({"1 School Lane", "Leeds"}, "LS2 9JT"));
  school.practitioner = Name("Ann", "Teacher");
  school.practitioner_contact = Contact("0113 496 0002", "ann.teacher@leeds-primary.example",
                                        Address({"1 School Lane"}, std::nullopt));
  school.start = D(2020, September, 1);
  school.end = D(2023, July, 20);
  school.lead_professional = true;
  school.caf_holder = true;
  school.consent = domain::SensitiveConsent{domain::SensitiveConsent::GivenBy::kParent,
                                            D(2021, January, 4)};
  school.override_ground = domain::SensitiveOverride::kChildProtection;
  domain::Involvement sexual_health;
  sexual_health.type = domain::ServiceType::kSexualHealth;
  sexual_health.organisation.name = "Leeds Sexual Health";
  sexual_health.consent = domain::SensitiveConsent{domain::SensitiveConsent::GivenBy::kChild,
                                                   D(2023, April, 30)};
  sexual_health.start = D(2023, May, 1);
  domain::Involvement mental_health;
  mental_health.type = domain::ServiceType::kMentalHealth;
  mental_health.organisation.name = "CAMHS Leeds";
  mental_health.override_ground = domain::SensitiveOverride::kChildProtection;
  domain::Involvement gp;
  gp.type = domain::ServiceType::kGp;
  gp.organisation.name = "Park Surgery";
  gp.organisation.code = "ODS:B86001";
  child.involvements = {school, sexual_health, mental_health, gp};
  // The best view's own field (FullSourceRecord drops it: source views never
  // carry it).
  child.accountable = domain::Accountability{"la:E08000035", true};
  child.provenance = {
      domain::FieldProvenance{"name", domain::SourceId("gro-births"), domain::SourceKey("G-1"),
                              domain::BatchId("b-7"), core::FromUnixMillis(1'700'000'000'123)},
      domain::FieldProvenance{"address", domain::SourceId("la-leeds-csc"),
                              domain::SourceKey("case/42"), domain::BatchId("2026-11-01"),
                              core::FromUnixMillis(1'700'000'500'000)}};
  return child;
}

domain::Child MinimalChild(domain::ContactPointId id) {
  domain::Child child;
  child.id = id;
  child.name = Name("Sam", "Jones");
  child.gender = domain::Gender::kUnknown;
  child.date_of_birth = core::Sensitive<domain::Date>(D(2019, June, 30));
  return child;
}

SourceRecord FullSourceRecord(std::string source, std::string key,
                              std::optional<domain::ContactPointId> child) {
  SourceRecord record;
  record.source = domain::SourceId(std::move(source));
  record.key = domain::SourceKey(std::move(key));
  record.child = child;
  record.state = child ? LinkState::kLinked : LinkState::kSealed;
  record.batch = domain::BatchId("batch-0001");
  record.extracted_at = core::FromUnixMillis(1'700'000'000'123);
  record.received_at = core::FromUnixMillis(1'700'000'360'456);
  record.data = FullChild(domain::ContactPointId());
  record.data.accountable.reset();
  record.data.provenance.clear();
  record.events = {
      domain::SourceEvent{domain::SourceEvent::Type::kDeath, D(2023, December, 31)},
      domain::SourceEvent{domain::SourceEvent::Type::kLeftEngland, D(2022, May, 1)},
      domain::SourceEvent{domain::SourceEvent::Type::kAdoption, std::nullopt},
  };
  record.decision = LinkDecision{"review",        "twin_rule_close_names",
                                 41.25,           "given_name=jaro_winkler;family_name=exact",
                                 "v1 trained 20k", "matcher",
                                 core::FromUnixMillis(1'700'000'360'000), child};
  return record;
}

std::vector<std::string> DescribeForTest(const domain::Child& child) {
  std::vector<std::string> out;
  DescribeChild(out, "child", child);
  return out;
}

std::vector<std::string> DescribeForTest(const SourceRecord& record) {
  std::vector<std::string> out;
  out.push_back("source='" + record.source.value() + "'");
  out.push_back("key='" + record.key.value() + "'");
  out.push_back("child=" + (record.child ? record.child->ToString() : std::string("(none)")));
  out.push_back("state=" + std::string(LinkStateName(record.state)));
  out.push_back("batch='" + record.batch.value() + "'");
  out.push_back("extracted_at=" + std::to_string(core::ToUnixMillis(record.extracted_at)));
  out.push_back("received_at=" + std::to_string(core::ToUnixMillis(record.received_at)));
  DescribeChild(out, "data", record.data);
  out.push_back("events.size=" + std::to_string(record.events.size()));
  for (std::size_t i = 0; i < record.events.size(); ++i) {
    out.push_back("events[" + std::to_string(i) + "].type=" +
                  std::to_string(static_cast<int>(record.events[i].type)));
    out.push_back("events[" + std::to_string(i) + "].date=" + Opt(record.events[i].date));
  }
  if (record.decision) {
    const LinkDecision& d = *record.decision;
    out.push_back("decision=" + d.decision + " reason=" + d.reason + " score=" +
                  std::to_string(d.score) + " vector=" + d.vector + " model=" + d.model_version +
                  " by=" + d.decided_by + " at=" + std::to_string(core::ToUnixMillis(d.at)) +
                  " candidate=" + (d.candidate ? d.candidate->ToString() : "(none)"));
  } else {
    out.push_back("decision=(none)");
  }
  return out;
}

::testing::AssertionResult SameChild(const domain::Child& want, const domain::Child& got) {
  auto lines = SameLines(DescribeForTest(want), DescribeForTest(got));
  if (lines && !(want == got)) {
    return ::testing::AssertionFailure() << "descriptions match but the records differ";
  }
  return lines;
}

::testing::AssertionResult SameSourceRecord(const SourceRecord& want, const SourceRecord& got) {
  auto lines = SameLines(DescribeForTest(want), DescribeForTest(got));
  if (lines && !(want == got)) {
    return ::testing::AssertionFailure() << "descriptions match but the records differ";
  }
  return lines;
}

::testing::AssertionResult HasCode(const core::Status& status, core::ErrorCode code) {
  if (status.code() == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << core::ErrorCodeName(code) << ", got " << status.ToString();
}

}  // namespace contract

// ---- Fixture ------------------------------------------------------------------

StoreContractTest::StoreContractTest() : clock_(core::FromUnixMillis(1'760'000'000'000)) {}

void StoreContractTest::SetUp() {
  store_ = GetParam().make(clock_);
  ASSERT_NE(store_, nullptr) << "the " << GetParam().name << " factory made no store";
}

domain::ContactPointId StoreContractTest::CreateChild(core::Random& random, domain::Child child) {
  auto tx = store_->Begin(TxMode::kReadWrite);
  EXPECT_TRUE(contract::IsOk(tx));
  if (!tx.ok()) return {};
  auto id = (*tx)->AllocateChildId(random);
  EXPECT_TRUE(contract::IsOk(id));
  if (!id.ok()) return {};
  child.id = *id;
  EXPECT_TRUE(contract::IsOk((*tx)->PutChild(child)));
  EXPECT_TRUE(contract::IsOk((*tx)->Commit()));
  return *id;
}

domain::ContactPointId StoreContractTest::CreateChild(std::uint64_t value) {
  testing::ScriptedRandom random({value});
  return CreateChild(random, contract::MinimalChild({}));
}

void StoreContractTest::CreateSourceRecord(const SourceRecord& record) {
  auto tx = store_->Begin(TxMode::kReadWrite);
  ASSERT_TRUE(contract::IsOk(tx));
  EXPECT_TRUE(contract::IsOk((*tx)->PutSourceRecord(record)));
  EXPECT_TRUE(contract::IsOk((*tx)->Commit()));
}

std::vector<Change> StoreContractTest::AllChanges(Store& store) {
  auto changes = store.ReadChanges(0, 1'000'000);
  EXPECT_TRUE(contract::IsOk(changes));
  return changes.ok() ? *changes : std::vector<Change>();
}

namespace {

using contract::FullChild;
using contract::FullSourceRecord;
using contract::HasCode;
using contract::IsOk;
using contract::MinimalChild;
using contract::SameChild;
using contract::SameSourceRecord;
using core::ErrorCode;
using domain::ContactPointId;
using domain::SourceId;
using domain::SourceKey;
using testing::ScriptedId;
using testing::ScriptedRandom;

std::vector<std::int64_t> Seqs(const std::vector<Change>& changes) {
  std::vector<std::int64_t> seqs;
  for (const Change& c : changes) seqs.push_back(c.seq);
  return seqs;
}

bool StrictlyIncreasing(const std::vector<std::int64_t>& seqs) {
  return std::adjacent_find(seqs.begin(), seqs.end(),
                            [](std::int64_t a, std::int64_t b) { return a >= b; }) == seqs.end();
}

// Everything a client can observe about the given IDs and source keys, as
// text, so two observations compare (and print) easily.
struct Observation {
  std::vector<Change> changes;
  std::string info;
  std::vector<std::string> facts;
  friend bool operator==(const Observation&, const Observation&) = default;
};

void PrintTo(const Observation& o, std::ostream* os) {
  *os << o.info << " with " << o.changes.size() << " changes";
  for (const std::string& fact : o.facts) *os << "\n    " << fact;
}

template <typename T>
std::string CodeOf(const core::StatusOr<T>& s) {
  return s.ok() ? "ok" : std::string(core::ErrorCodeName(s.status().code()));
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "; ";
  return out;
}

Observation Observe(Store& store, const std::vector<ContactPointId>& ids,
                    const std::vector<std::pair<SourceId, SourceKey>>& keys) {
  Observation o;
  auto changes = store.ReadChanges(0, 1'000'000);
  EXPECT_TRUE(IsOk(changes));
  if (changes.ok()) o.changes = *changes;
  auto info = store.Info();
  EXPECT_TRUE(IsOk(info));
  if (info.ok()) {
    std::ostringstream out;
    PrintTo(*info, &out);
    o.info = out.str();
  }
  {
    auto tx = store.Begin(TxMode::kReadOnly);
    EXPECT_TRUE(IsOk(tx));
    if (!tx.ok()) return o;
    for (ContactPointId id : ids) {
      const std::string name = id.ToString();
      auto child = (*tx)->GetChild(id);
      o.facts.push_back(name + " get=" + CodeOf(child) +
                        (child.ok() ? " " + Joined(contract::DescribeForTest(*child)) : ""));
      auto resolved = (*tx)->Resolve(id);
      o.facts.push_back(name + " resolve=" + CodeOf(resolved) +
                        (resolved.ok() ? " " + resolved->ToString() : ""));
      auto records = (*tx)->SourceRecordsOf(id);
      std::string keys_of = name + " records=" + CodeOf(records);
      if (records.ok()) {
        for (const auto& r : *records) keys_of += " " + r.source.value() + "/" + r.key.value();
      }
      o.facts.push_back(keys_of);
    }
    for (const auto& [source, key] : keys) {
      auto record = (*tx)->GetSourceRecord(source, key);
      o.facts.push_back(source.value() + "/" + key.value() + "=" + CodeOf(record) +
                        (record.ok() ? " " + Joined(contract::DescribeForTest(*record)) : ""));
    }
    CP_EXPECT_OK((*tx)->Commit());
  }
  // Whether each ID is issued shows only through a write: probe with PutChild
  // in a transaction that is then dropped.
  {
    auto tx = store.Begin(TxMode::kReadWrite);
    EXPECT_TRUE(IsOk(tx));
    if (!tx.ok()) return o;
    for (ContactPointId id : ids) {
      const core::Status put = (*tx)->PutChild(MinimalChild(id));
      o.facts.push_back(id.ToString() + (put.ok() ? " issued" : " not issued (" +
                                                                    std::string(core::ErrorCodeName(
                                                                        put.code())) +
                                                                    ")"));
    }
  }
  return o;
}

// ---- Children -------------------------------------------------------------------

TEST_P(StoreContractTest, PutThenGetReturnsAFullyPopulatedChildUnchanged) {
  ScriptedRandom random({11});
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, tx->AllocateChildId(random));
  const domain::Child child = FullChild(id);
  CP_ASSERT_OK(tx->PutChild(child));
  {
    CP_ASSERT_OK_AND_ASSIGN(domain::Child in_tx, tx->GetChild(id));
    EXPECT_TRUE(SameChild(child, in_tx));
  }
  CP_ASSERT_OK(tx->Commit());

  CP_ASSERT_OK_AND_ASSIGN(auto reader, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(domain::Child got, reader->GetChild(id));
  EXPECT_TRUE(SameChild(child, got));
}

TEST_P(StoreContractTest, PutReplacesTheWholeRecordAndShrinksItsLists) {
  ScriptedRandom random({12});
  const ContactPointId id = CreateChild(random, FullChild({}));
  domain::Child smaller = FullChild(id);
  smaller.other_names.resize(1);
  smaller.carers.resize(1);
  smaller.involvements = {smaller.involvements[3]};
  smaller.address.reset();
  smaller.identifiers.upn.reset();
  smaller.date_of_death.reset();
  smaller.gender = domain::Gender::kUnspecified;
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->PutChild(smaller));
    CP_ASSERT_OK(tx->Commit());
  }
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
    CP_ASSERT_OK_AND_ASSIGN(domain::Child got, tx->GetChild(id));
    EXPECT_TRUE(SameChild(smaller, got));
  }
  // And back to a minimal record with no lists at all.
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->PutChild(MinimalChild(id)));
    CP_ASSERT_OK_AND_ASSIGN(domain::Child got, tx->GetChild(id));
    EXPECT_TRUE(SameChild(MinimalChild(id), got));
    CP_ASSERT_OK(tx->Commit());
  }
}

// A best view is rewritten whenever a record joins its child, mostly
// unchanged or changed in one value: every such put leaves exactly what was
// put, in either write mode (an all-or-nothing transaction defers its rows).
TEST_P(StoreContractTest, PutAgainUnchangedOrWithOneValueChangedLeavesExactlyWhatWasPut) {
  ScriptedRandom random({14});
  const ContactPointId id = CreateChild(random, FullChild({}));
  std::vector<domain::Child> versions;
  versions.push_back(FullChild(id));  // unchanged
  versions.push_back(versions.back());
  versions.back().involvements[1].organisation.name = "Leeds Sexual Health Service";  // text
  versions.push_back(versions.back());
  versions.back().involvements[0].lead_professional = false;  // integer
  versions.push_back(versions.back());
  versions.back().carers[0].contact.phone.reset();  // text to NULL
  versions.push_back(versions.back());
  versions.back().other_names[2] = domain::PersonName{domain::PersonalText(""), domain::PersonalText("Smyth")};  // a name in the middle
  versions.push_back(versions.back());
  std::swap(versions.back().involvements[2], versions.back().involvements[3]);  // reordered
  versions.push_back(versions.back());
  versions.back().provenance.pop_back();  // the child row alone
  versions.push_back(versions.back());  // unchanged again
  for (TxMode mode : {TxMode::kReadWrite, TxMode::kAllOrNothing}) {
    for (const domain::Child& version : versions) {
      CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(mode));
      CP_ASSERT_OK(tx->PutChild(version));
      CP_ASSERT_OK(tx->PutChild(version));  // twice in one transaction
      CP_ASSERT_OK_AND_ASSIGN(domain::Child in_tx, tx->GetChild(id));
      EXPECT_TRUE(SameChild(version, in_tx));
      CP_ASSERT_OK(tx->Commit());
      CP_ASSERT_OK_AND_ASSIGN(auto reader, store_->Begin(TxMode::kReadOnly));
      CP_ASSERT_OK_AND_ASSIGN(domain::Child got, reader->GetChild(id));
      EXPECT_TRUE(SameChild(version, got));
    }
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(mode));
    CP_ASSERT_OK(tx->PutChild(FullChild(id)));  // back to the start for the other mode
    CP_ASSERT_OK(tx->Commit());
  }
}

TEST_P(StoreContractTest, GetOfAnIdWithNoRecordIsChildNotFound) {
  const ContactPointId issued = CreateChild(13);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  EXPECT_TRUE(HasCode(tx->GetChild(ScriptedId(14)), ErrorCode::kChildNotFound));
  EXPECT_TRUE(IsOk(tx->GetChild(issued)));
  EXPECT_TRUE(HasCode(tx->GetChild(ContactPointId()), ErrorCode::kInvalidContactPointId));
}

TEST_P(StoreContractTest, PutRefusesAnUnassignedOrNeverIssuedId) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  EXPECT_TRUE(HasCode(tx->PutChild(MinimalChild(ContactPointId())),
                      ErrorCode::kInvalidContactPointId));
  EXPECT_TRUE(HasCode(tx->PutChild(MinimalChild(ScriptedId(15))),
                      ErrorCode::kInvalidContactPointId));
  CP_ASSERT_OK(tx->Commit());
  EXPECT_TRUE(AllChanges(*store_).empty());
}

TEST_P(StoreContractTest, PutRefusesAnImpossibleDate) {
  ScriptedRandom random({16});
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, tx->AllocateChildId(random));
  domain::Child child = MinimalChild(id);
  child.date_of_birth = core::Sensitive<domain::Date>(domain::Date{});  // never set
  const core::Status status = tx->PutChild(child);
  EXPECT_TRUE(HasCode(status, ErrorCode::kInvalidDate));
  EXPECT_NE(status.message().find("date_of_birth"), std::string::npos) << status.ToString();
  EXPECT_TRUE(HasCode(tx->GetChild(id), ErrorCode::kChildNotFound));
}

TEST_P(StoreContractTest, AFailedPutLeavesThePreviousVersionIntact) {
  ScriptedRandom random({17});
  const ContactPointId id = CreateChild(random, FullChild({}));
  const std::size_t changes_before = AllChanges(*store_).size();
  domain::Child broken = FullChild(id);
  broken.other_names.clear();
  broken.carers.clear();
  // Only the last list item is wrong, so a backend writing item by item has
  // already replaced names and carers when it finds out.
  broken.involvements.back().end = std::chrono::year{2020} / 2 / 30;
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    EXPECT_TRUE(HasCode(tx->PutChild(broken), ErrorCode::kInvalidDate));
    CP_ASSERT_OK_AND_ASSIGN(domain::Child in_tx, tx->GetChild(id));
    EXPECT_TRUE(SameChild(FullChild(id), in_tx));
    // The transaction is still usable and commits nothing of the failed call.
    CP_ASSERT_OK(tx->Commit());
  }
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(domain::Child got, tx->GetChild(id));
  EXPECT_TRUE(SameChild(FullChild(id), got));
  EXPECT_EQ(AllChanges(*store_).size(), changes_before);
}

TEST_P(StoreContractTest, AFailedCallKeepsTheEarlierWritesOfItsTransaction) {
  ScriptedRandom random({18});
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, tx->AllocateChildId(random));
  CP_ASSERT_OK(tx->PutChild(MinimalChild(id)));
  EXPECT_TRUE(HasCode(tx->PutChild(MinimalChild(ScriptedId(19))),
                      ErrorCode::kInvalidContactPointId));
  EXPECT_TRUE(HasCode(tx->DeleteChild(ScriptedId(19)), ErrorCode::kChildNotFound));
  CP_ASSERT_OK(tx->Commit());
  const auto changes = AllChanges(*store_);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kChildPut);
  CP_ASSERT_OK_AND_ASSIGN(auto reader, store_->Begin(TxMode::kReadOnly));
  EXPECT_TRUE(IsOk(reader->GetChild(id)));
}

// ---- Allocation -------------------------------------------------------------------

TEST_P(StoreContractTest, AllocateDrawsTheScriptedIdAndRecordsItAsIssued) {
  ScriptedRandom random({20});
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, tx->AllocateChildId(random));
  EXPECT_EQ(id.number(), ScriptedId(20).number());
  EXPECT_TRUE(id.assigned());
  // Issued, so it may now be put.
  CP_EXPECT_OK(tx->PutChild(MinimalChild(id)));
  CP_ASSERT_OK(tx->Commit());
}

TEST_P(StoreContractTest, AllocateDrawsAgainWhenTheIdWasIssuedInTheSameTransaction) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  ScriptedRandom first({21});
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId a, tx->AllocateChildId(first));
  ScriptedRandom second({21, 21, 22});
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId b, tx->AllocateChildId(second));
  EXPECT_EQ(a.number(), ScriptedId(21).number());
  EXPECT_EQ(b.number(), ScriptedId(22).number());
  CP_ASSERT_OK(tx->Commit());
}

TEST_P(StoreContractTest, AllocateNeverReissuesTheIdOfADeletedChild) {
  ScriptedRandom first({23});
  const ContactPointId id = CreateChild(first, FullChild({}));
  ASSERT_EQ(id.number(), ScriptedId(23).number());
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->DeleteChild(id));
    CP_ASSERT_OK(tx->Commit());
  }
  // The random source offers the deleted child's ID twice before a new one.
  ScriptedRandom again({23, 23, 24});
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId next, tx->AllocateChildId(again));
  EXPECT_EQ(next.number(), ScriptedId(24).number());
  EXPECT_EQ(again.draws(), 3u);
  CP_ASSERT_OK(tx->Commit());
}

TEST_P(StoreContractTest, AllocateGivesUpWhenEveryDrawCollides) {
  const ContactPointId id = CreateChild(25);
  ASSERT_TRUE(id.assigned());
  ScriptedRandom stuck({25});  // repeats forever
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  EXPECT_TRUE(HasCode(tx->AllocateChildId(stuck), ErrorCode::kInternal));
  EXPECT_GT(stuck.draws(), 1u);
  EXPECT_LE(stuck.draws(), 10'000u);  // bounded, however it is counted
  // The transaction survives the failure.
  ScriptedRandom fine({26});
  CP_EXPECT_OK(tx->AllocateChildId(fine));
  CP_ASSERT_OK(tx->Commit());
}

// ---- Deletion -----------------------------------------------------------------------

TEST_P(StoreContractTest, DeleteRemovesTheRecordAndEverythingAttached) {
  ScriptedRandom random({27});
  const ContactPointId id = CreateChild(random, FullChild({}));
  const ContactPointId other = CreateChild(28);
  CreateSourceRecord(FullSourceRecord("gro-births", "GRO-1", id));
  CreateSourceRecord(FullSourceRecord("leeds-schools", "S-9", id));
  CreateSourceRecord(FullSourceRecord("leeds-schools", "S-10", other));
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->DeleteChild(id));
    EXPECT_TRUE(HasCode(tx->GetChild(id), ErrorCode::kChildNotFound));
    CP_ASSERT_OK(tx->Commit());
  }
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  EXPECT_TRUE(HasCode(tx->GetChild(id), ErrorCode::kChildNotFound));
  EXPECT_TRUE(HasCode(tx->Resolve(id), ErrorCode::kChildNotFound));
  CP_ASSERT_OK_AND_ASSIGN(auto records, tx->SourceRecordsOf(id));
  EXPECT_TRUE(records.empty());
  EXPECT_TRUE(HasCode(tx->GetSourceRecord(SourceId("gro-births"), SourceKey("GRO-1")),
                      ErrorCode::kSourceRecordNotFound));
  EXPECT_TRUE(HasCode(tx->GetSourceRecord(SourceId("leeds-schools"), SourceKey("S-9")),
                      ErrorCode::kSourceRecordNotFound));
  // Another child's records stay.
  EXPECT_TRUE(IsOk(tx->GetSourceRecord(SourceId("leeds-schools"), SourceKey("S-10"))));
  EXPECT_TRUE(IsOk(tx->GetChild(other)));
  // The ID stays issued: a record may be put under it again, and it starts
  // empty (nothing of the old names, carers or involvements survived).
  CP_ASSERT_OK(tx->PutChild(MinimalChild(id)));
  CP_ASSERT_OK_AND_ASSIGN(domain::Child again, tx->GetChild(id));
  EXPECT_TRUE(SameChild(MinimalChild(id), again));
}

TEST_P(StoreContractTest, DeleteLogsTheAttachedSourceRecordsAndThenTheChild) {
  const ContactPointId id = CreateChild(29);
  CreateSourceRecord(FullSourceRecord("b-source", "k", id));
  CreateSourceRecord(FullSourceRecord("a-source", "k", id));
  const std::int64_t last = AllChanges(*store_).back().seq;
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->DeleteChild(id));
    CP_ASSERT_OK(tx->Commit());
  }
  CP_ASSERT_OK_AND_ASSIGN(auto changes, store_->ReadChanges(last, 100));
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kSourceRecordDeleted);
  EXPECT_EQ(changes[0].source, SourceId("a-source"));
  EXPECT_EQ(changes[1].kind, ChangeKind::kSourceRecordDeleted);
  EXPECT_EQ(changes[1].source, SourceId("b-source"));
  EXPECT_EQ(changes[2].kind, ChangeKind::kChildDeleted);
  for (const Change& c : changes) EXPECT_EQ(c.child, id);
}

TEST_P(StoreContractTest, LastChangeCountsTheTransactionsOwnWritesAndMatchesTheCommittedLog) {
  const ContactPointId id = CreateChild(33);
  for (TxMode mode : {TxMode::kReadWrite, TxMode::kAllOrNothing}) {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(mode));
    CP_ASSERT_OK_AND_ASSIGN(const std::int64_t start, tx->LastChange());
    EXPECT_EQ(start, AllChanges(*store_).back().seq);
    CP_ASSERT_OK(tx->PutChild(MinimalChild(id)));  // kAllOrNothing keeps its rows waiting
    CP_ASSERT_OK_AND_ASSIGN(const std::int64_t mine, tx->LastChange());
    EXPECT_GT(mine, start);
    CP_ASSERT_OK(tx->Commit());
    EXPECT_EQ(AllChanges(*store_).back().seq, mine);
    CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, store_->Info());
    EXPECT_EQ(info.last_change, mine);
  }
}

TEST_P(StoreContractTest, DeleteOfAMissingChildIsChildNotFound) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  EXPECT_TRUE(HasCode(tx->DeleteChild(ScriptedId(30)), ErrorCode::kChildNotFound));
  ScriptedRandom random({31});
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId issued, tx->AllocateChildId(random));
  EXPECT_TRUE(HasCode(tx->DeleteChild(issued), ErrorCode::kChildNotFound));
}

// ---- Redirects ----------------------------------------------------------------------

// Merges `from` into `to`: deletes the record `from` and redirects its ID.
core::Status Merge(Transaction& tx, ContactPointId from, ContactPointId to) {
  RETURN_IF_ERROR(tx.DeleteChild(from));
  return tx.AddRedirect(from, to);
}

TEST_P(StoreContractTest, AMergedIdResolvesToTheSurvivor) {
  const ContactPointId merged = CreateChild(32);
  const ContactPointId survivor = CreateChild(33);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(Merge(*tx, merged, survivor));
    CP_ASSERT_OK(tx->Commit());
  }
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId resolved, tx->Resolve(merged));
  EXPECT_EQ(resolved.number(), survivor.number());
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId itself, tx->Resolve(survivor));
  EXPECT_EQ(itself.number(), survivor.number());
  // GetChild does not follow redirects.
  EXPECT_TRUE(HasCode(tx->GetChild(merged), ErrorCode::kChildNotFound));
  EXPECT_TRUE(HasCode(tx->Resolve(ScriptedId(34)), ErrorCode::kChildNotFound));
}

TEST_P(StoreContractTest, ResolveFollowsAChainOfMerges) {
  const ContactPointId a = CreateChild(35);
  const ContactPointId b = CreateChild(36);
  const ContactPointId c = CreateChild(37);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(Merge(*tx, a, b));
    CP_ASSERT_OK(tx->Commit());
  }
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(Merge(*tx, b, c));
    CP_ASSERT_OK(tx->Commit());
  }
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId from_a, tx->Resolve(a));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId from_b, tx->Resolve(b));
  EXPECT_EQ(from_a.number(), c.number());
  EXPECT_EQ(from_b.number(), c.number());
}

TEST_P(StoreContractTest, ARedirectThatWouldMakeACycleIsRefused) {
  const ContactPointId a = CreateChild(38);
  const ContactPointId b = CreateChild(39);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  EXPECT_TRUE(HasCode(tx->AddRedirect(b, b), ErrorCode::kRedirectCycle));
  // a -> b; then a's record comes back (a split) and b is merged into a.
  CP_ASSERT_OK(Merge(*tx, a, b));
  CP_ASSERT_OK(tx->PutChild(MinimalChild(a)));
  CP_ASSERT_OK(tx->DeleteChild(b));
  EXPECT_TRUE(HasCode(tx->AddRedirect(b, a), ErrorCode::kRedirectCycle));
  CP_ASSERT_OK(tx->Commit());
}

TEST_P(StoreContractTest, ARedirectFromALiveRecordIsRefused) {
  const ContactPointId a = CreateChild(40);
  const ContactPointId b = CreateChild(41);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  EXPECT_TRUE(HasCode(tx->AddRedirect(a, b), ErrorCode::kFailedPrecondition));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId still_a, tx->Resolve(a));
  EXPECT_EQ(still_a.number(), a.number());
}

TEST_P(StoreContractTest, ARedirectNeedsAnIssuedSourceAndALiveTarget) {
  const ContactPointId live = CreateChild(42);
  const ContactPointId gone = CreateChild(43);
  const ContactPointId merged = CreateChild(44);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->DeleteChild(gone));
    CP_ASSERT_OK(tx->DeleteChild(merged));
    CP_ASSERT_OK(tx->Commit());
  }
  const std::size_t changes_before = AllChanges(*store_).size();
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  EXPECT_TRUE(HasCode(tx->AddRedirect(ScriptedId(45), live), ErrorCode::kInvalidContactPointId));
  EXPECT_TRUE(HasCode(tx->AddRedirect(merged, gone), ErrorCode::kChildNotFound));
  EXPECT_TRUE(HasCode(tx->AddRedirect(merged, ScriptedId(46)), ErrorCode::kChildNotFound));
  EXPECT_TRUE(HasCode(tx->AddRedirect(ContactPointId(), live), ErrorCode::kInvalidContactPointId));
  CP_ASSERT_OK(tx->Commit());
  EXPECT_EQ(AllChanges(*store_).size(), changes_before);
}

// ---- Source records -------------------------------------------------------------------

TEST_P(StoreContractTest, SourceRecordsRoundTripWithTheirEvents) {
  const ContactPointId id = CreateChild(47);
  const SourceRecord record = FullSourceRecord("gro-births", "GRO-1978-000123", id);
  CreateSourceRecord(record);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(SourceRecord got,
                          tx->GetSourceRecord(record.source, record.key));
  EXPECT_TRUE(SameSourceRecord(record, got));
}

TEST_P(StoreContractTest, KeysAreValuesNeverSql) {
  const ContactPointId id = CreateChild(48);
  SourceRecord record = FullSourceRecord("src'); DROP TABLE children; --", "k' OR '1'='1", id);
  record.batch = domain::BatchId("\"; DELETE FROM change_log; --");
  CreateSourceRecord(record);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(SourceRecord got, tx->GetSourceRecord(record.source, record.key));
  EXPECT_TRUE(SameSourceRecord(record, got));
  EXPECT_TRUE(HasCode(tx->GetSourceRecord(record.source, SourceKey("k")),
                      ErrorCode::kSourceRecordNotFound));
  EXPECT_TRUE(IsOk(tx->GetChild(id)));
  EXPECT_EQ(AllChanges(*store_).size(), 2u);
}

TEST_P(StoreContractTest, PutSourceRecordReplacesTheRecordWithTheSameKey) {
  const ContactPointId first = CreateChild(49);
  const ContactPointId second = CreateChild(50);
  CreateSourceRecord(FullSourceRecord("leeds-schools", "S-1", first));
  SourceRecord replacement = FullSourceRecord("leeds-schools", "S-1", second);
  replacement.state = LinkState::kReview;
  replacement.batch = domain::BatchId("batch-0002");
  replacement.data = MinimalChild({});
  replacement.events.clear();
  replacement.received_at += std::chrono::hours(24);
  CreateSourceRecord(replacement);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(SourceRecord got, tx->GetSourceRecord(replacement.source,
                                                                replacement.key));
  EXPECT_TRUE(SameSourceRecord(replacement, got));
  CP_ASSERT_OK_AND_ASSIGN(auto of_first, tx->SourceRecordsOf(first));
  EXPECT_TRUE(of_first.empty());
  CP_ASSERT_OK_AND_ASSIGN(auto of_second, tx->SourceRecordsOf(second));
  ASSERT_EQ(of_second.size(), 1u);
  EXPECT_TRUE(SameSourceRecord(replacement, of_second[0]));
}

TEST_P(StoreContractTest, DeleteSourceRecordRemovesItOnce) {
  const ContactPointId id = CreateChild(51);
  CreateSourceRecord(FullSourceRecord("gp-feed", "P-1", id));
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK(tx->DeleteSourceRecord(SourceId("gp-feed"), SourceKey("P-1")));
  EXPECT_TRUE(HasCode(tx->GetSourceRecord(SourceId("gp-feed"), SourceKey("P-1")),
                      ErrorCode::kSourceRecordNotFound));
  EXPECT_TRUE(HasCode(tx->DeleteSourceRecord(SourceId("gp-feed"), SourceKey("P-1")),
                      ErrorCode::kSourceRecordNotFound));
  EXPECT_TRUE(HasCode(tx->DeleteSourceRecord(SourceId("other"), SourceKey("P-1")),
                      ErrorCode::kSourceRecordNotFound));
  CP_ASSERT_OK(tx->Commit());
  // The child is untouched.
  CP_ASSERT_OK_AND_ASSIGN(auto reader, store_->Begin(TxMode::kReadOnly));
  EXPECT_TRUE(IsOk(reader->GetChild(id)));
}

TEST_P(StoreContractTest, SourceRecordsOfListsAChildsRecordsBySourceThenKey) {
  const ContactPointId id = CreateChild(52);
  const ContactPointId other = CreateChild(53);
  // Inserted out of order; byte order puts upper case before lower case.
  for (const auto& [source, key] : std::vector<std::pair<std::string, std::string>>{
           {"schools", "k2"}, {"gro", "b"}, {"schools", "K9"}, {"gro", "a"}, {"gp", "z"}}) {
    CreateSourceRecord(FullSourceRecord(source, key, id));
  }
  CreateSourceRecord(FullSourceRecord("gro", "aa", other));
  SourceRecord sealed = FullSourceRecord("gro", "ab", std::nullopt);
  CreateSourceRecord(sealed);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(auto records, tx->SourceRecordsOf(id));
  std::vector<std::string> order;
  for (const auto& r : records) order.push_back(r.source.value() + "/" + r.key.value());
  EXPECT_EQ(order, (std::vector<std::string>{"gp/z", "gro/a", "gro/b", "schools/K9",
                                             "schools/k2"}));
  CP_ASSERT_OK_AND_ASSIGN(auto none, tx->SourceRecordsOf(ScriptedId(54)));
  EXPECT_TRUE(none.empty());
  // The link states alone, in the same order.
  CP_ASSERT_OK_AND_ASSIGN(auto states, tx->LinkStatesOf(id));
  ASSERT_EQ(states.size(), records.size());
  for (std::size_t i = 0; i < states.size(); ++i) EXPECT_EQ(states[i], records[i].state);
  CP_ASSERT_OK_AND_ASSIGN(auto no_states, tx->LinkStatesOf(ScriptedId(54)));
  EXPECT_TRUE(no_states.empty());
}

TEST_P(StoreContractTest, OnlySealedOrWithdrawnRecordsMayLackAChild) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  SourceRecord sealed = FullSourceRecord("adoptions", "pre-1", std::nullopt);
  sealed.state = LinkState::kSealed;
  CP_ASSERT_OK(tx->PutSourceRecord(sealed));
  SourceRecord withdrawn = FullSourceRecord("schools", "left-1", std::nullopt);
  withdrawn.state = LinkState::kWithdrawn;
  CP_ASSERT_OK(tx->PutSourceRecord(withdrawn));
  for (LinkState state : {LinkState::kLinked, LinkState::kReview}) {
    SourceRecord orphan = FullSourceRecord("schools", "orphan", std::nullopt);
    orphan.state = state;
    EXPECT_TRUE(HasCode(tx->PutSourceRecord(orphan), ErrorCode::kInvalidRecord))
        << LinkStateName(state);
  }
  CP_ASSERT_OK_AND_ASSIGN(SourceRecord got, tx->GetSourceRecord(sealed.source, sealed.key));
  EXPECT_TRUE(SameSourceRecord(sealed, got));
  CP_ASSERT_OK(tx->Commit());
}

TEST_P(StoreContractTest, ASourceRecordMustNameALiveChildAndHaveAKey) {
  const ContactPointId deleted = CreateChild(55);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->DeleteChild(deleted));
    CP_ASSERT_OK(tx->Commit());
  }
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  EXPECT_TRUE(HasCode(tx->PutSourceRecord(FullSourceRecord("gro", "x", deleted)),
                      ErrorCode::kChildNotFound));
  EXPECT_TRUE(HasCode(tx->PutSourceRecord(FullSourceRecord("gro", "x", ScriptedId(56))),
                      ErrorCode::kChildNotFound));
  EXPECT_TRUE(HasCode(tx->PutSourceRecord(FullSourceRecord("gro", "", std::nullopt)),
                      ErrorCode::kInvalidRecord));
  EXPECT_TRUE(HasCode(tx->PutSourceRecord(FullSourceRecord("", "x", std::nullopt)),
                      ErrorCode::kInvalidRecord));
  EXPECT_TRUE(HasCode(tx->GetSourceRecord(SourceId("gro"), SourceKey("x")),
                      ErrorCode::kSourceRecordNotFound));
}

// ---- Transactions ---------------------------------------------------------------------

TEST_P(StoreContractTest, ADroppedTransactionLeavesNothingBehind) {
  const ContactPointId kept = CreateChild(57);
  CreateSourceRecord(FullSourceRecord("gro", "kept", kept));
  const std::vector<ContactPointId> ids = {kept, ScriptedId(58), ScriptedId(59)};
  const std::vector<std::pair<SourceId, SourceKey>> keys = {
      {SourceId("gro"), SourceKey("kept")}, {SourceId("gro"), SourceKey("new")}};
  const Observation before = Observe(*store_, ids, keys);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    ScriptedRandom random({58, 59});
    CP_ASSERT_OK_AND_ASSIGN(ContactPointId a, tx->AllocateChildId(random));
    CP_ASSERT_OK_AND_ASSIGN(ContactPointId b, tx->AllocateChildId(random));
    CP_ASSERT_OK(tx->PutChild(FullChild(a)));
    CP_ASSERT_OK(tx->PutChild(MinimalChild(b)));
    CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "new", a)));
    CP_ASSERT_OK(tx->DeleteSourceRecord(SourceId("gro"), SourceKey("kept")));
    CP_ASSERT_OK(tx->PutChild(FullChild(kept)));
    CP_ASSERT_OK(tx->DeleteChild(b));
    CP_ASSERT_OK(tx->AddRedirect(b, a));
    // Dropped here without Commit.
  }
  EXPECT_EQ(Observe(*store_, ids, keys), before);
  // The IDs drawn in the dropped transaction were never issued: the same
  // draws give them out again.
  ScriptedRandom random({58});
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId again, tx->AllocateChildId(random));
  EXPECT_EQ(again.number(), ScriptedId(58).number());
}

TEST_P(StoreContractTest, ACommittedTransactionIsClosed) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  ScriptedRandom random({60});
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, tx->AllocateChildId(random));
  CP_ASSERT_OK(tx->PutChild(MinimalChild(id)));
  CP_ASSERT_OK(tx->Commit());
  const ErrorCode closed = ErrorCode::kTransactionClosed;
  EXPECT_TRUE(HasCode(tx->Commit(), closed));
  EXPECT_TRUE(HasCode(tx->AllocateChildId(random), closed));
  EXPECT_TRUE(HasCode(tx->PutChild(MinimalChild(id)), closed));
  EXPECT_TRUE(HasCode(tx->GetChild(id), closed));
  EXPECT_TRUE(HasCode(tx->DeleteChild(id), closed));
  EXPECT_TRUE(HasCode(tx->AddRedirect(id, id), closed));
  EXPECT_TRUE(HasCode(tx->Resolve(id), closed));
  EXPECT_TRUE(HasCode(tx->PutSourceRecord(FullSourceRecord("s", "k", id)), closed));
  EXPECT_TRUE(HasCode(tx->GetSourceRecord(SourceId("s"), SourceKey("k")), closed));
  EXPECT_TRUE(HasCode(tx->SourceRecordsOf(id), closed));
  EXPECT_TRUE(HasCode(tx->DeleteSourceRecord(SourceId("s"), SourceKey("k")), closed));
  tx.reset();
  // The store is free for the next transaction.
  CP_ASSERT_OK_AND_ASSIGN(auto next, store_->Begin(TxMode::kReadOnly));
  EXPECT_TRUE(IsOk(next->GetChild(id)));
}

TEST_P(StoreContractTest, AReadOnlyTransactionRefusesWrites) {
  const ContactPointId id = CreateChild(61);
  CreateSourceRecord(FullSourceRecord("s", "k", id));
  const std::size_t changes_before = AllChanges(*store_).size();
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  ScriptedRandom random({62});
  const ErrorCode refused = ErrorCode::kFailedPrecondition;
  EXPECT_TRUE(HasCode(tx->AllocateChildId(random), refused));
  EXPECT_TRUE(HasCode(tx->PutChild(MinimalChild(id)), refused));
  EXPECT_TRUE(HasCode(tx->DeleteChild(id), refused));
  EXPECT_TRUE(HasCode(tx->AddRedirect(ScriptedId(62), id), refused));
  EXPECT_TRUE(HasCode(tx->PutSourceRecord(FullSourceRecord("s", "k2", id)), refused));
  EXPECT_TRUE(HasCode(tx->DeleteSourceRecord(SourceId("s"), SourceKey("k")), refused));
  EXPECT_TRUE(IsOk(tx->GetChild(id)));
  EXPECT_TRUE(IsOk(tx->Resolve(id)));
  EXPECT_TRUE(IsOk(tx->GetSourceRecord(SourceId("s"), SourceKey("k"))));
  EXPECT_TRUE(IsOk(tx->SourceRecordsOf(id)));
  CP_ASSERT_OK(tx->Commit());
  EXPECT_EQ(AllChanges(*store_).size(), changes_before);
}

TEST_P(StoreContractTest, ConcurrentTransactionsAreSerialised) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 8;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      core::SeededRandom random(1000 + static_cast<std::uint64_t>(t));
      for (int i = 0; i < kPerThread; ++i) {
        auto tx = store_->Begin(TxMode::kReadWrite);
        if (!tx.ok()) {
          ++failures;
          continue;
        }
        auto id = (*tx)->AllocateChildId(random);
        if (!id.ok() || !(*tx)->PutChild(MinimalChild(*id)).ok() || !(*tx)->Commit().ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, store_->Info());
  EXPECT_EQ(info.children, kThreads * kPerThread);
  const auto changes = AllChanges(*store_);
  EXPECT_EQ(changes.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_TRUE(StrictlyIncreasing(Seqs(changes)));
}

// ---- Change log ------------------------------------------------------------------------

TEST_P(StoreContractTest, EveryWriteAppendsOneChangeNamingWhatChanged) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  ScriptedRandom random({63, 64});
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId a, tx->AllocateChildId(random));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId b, tx->AllocateChildId(random));
  const core::Timestamp t0 = clock_.Now();
  CP_ASSERT_OK(tx->PutChild(FullChild(a)));
  clock_.Advance(std::chrono::milliseconds(5));
  CP_ASSERT_OK(tx->PutChild(MinimalChild(b)));
  clock_.Advance(std::chrono::milliseconds(5));
  CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "k1", a)));
  CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "sealed", std::nullopt)));
  clock_.Advance(std::chrono::milliseconds(5));
  CP_ASSERT_OK(tx->DeleteSourceRecord(SourceId("gro"), SourceKey("k1")));
  CP_ASSERT_OK(tx->DeleteChild(b));
  CP_ASSERT_OK(tx->AddRedirect(b, a));
  // Reads write nothing.
  CP_ASSERT_OK(tx->GetChild(a));
  CP_ASSERT_OK(tx->Resolve(b));
  CP_ASSERT_OK(tx->SourceRecordsOf(a));
  CP_ASSERT_OK(tx->Commit());

  const auto changes = AllChanges(*store_);
  ASSERT_EQ(changes.size(), 7u);
  const auto at = [&](int ms) { return t0 + std::chrono::milliseconds(ms); };
  const SourceId gro("gro");
  std::vector<Change> want = {
      {0, at(0), ChangeKind::kChildPut, a, std::nullopt, std::nullopt},
      {0, at(5), ChangeKind::kChildPut, b, std::nullopt, std::nullopt},
      {0, at(10), ChangeKind::kSourceRecordPut, a, gro, SourceKey("k1")},
      {0, at(10), ChangeKind::kSourceRecordPut, std::nullopt, gro, SourceKey("sealed")},
      {0, at(15), ChangeKind::kSourceRecordDeleted, a, gro, SourceKey("k1")},
      {0, at(15), ChangeKind::kChildDeleted, b, std::nullopt, std::nullopt},
      {0, at(15), ChangeKind::kChildRedirected, b, std::nullopt, std::nullopt},
  };
  for (std::size_t i = 0; i < want.size(); ++i) {
    want[i].seq = changes[i].seq;
    EXPECT_EQ(changes[i], want[i]) << "entry " << i;
  }
  EXPECT_TRUE(StrictlyIncreasing(Seqs(changes)));
}

// ---- All-or-nothing transactions ---------------------------------------------------

// Many children, each with a source record, reads in between, and one child
// replaced: what an all-or-nothing transaction writes reads back, in the
// transaction and after it, exactly as with per-call isolation, and the
// change log lists the writes in call order.
TEST_P(StoreContractTest, AnAllOrNothingTransactionWritesAndLogsLikeAReadWriteOne) {
  constexpr int kChildren = 40;  // several statements' worth for batching backends
  std::vector<std::uint64_t> draws;
  for (int i = 0; i < kChildren; ++i) draws.push_back(200 + static_cast<std::uint64_t>(i));
  ScriptedRandom random(draws);
  std::vector<ContactPointId> ids;
  std::vector<Change> want;
  const SourceId gro("gro");
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kAllOrNothing));
    for (int i = 0; i < kChildren; ++i) {
      CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, tx->AllocateChildId(random));
      ids.push_back(id);
      CP_ASSERT_OK(tx->PutChild(FullChild(id)));
      const SourceRecord record = FullSourceRecord("gro", "k" + std::to_string(i), id);
      CP_ASSERT_OK(tx->PutSourceRecord(record));
      want.push_back({0, clock_.Now(), ChangeKind::kChildPut, id, std::nullopt, std::nullopt});
      want.push_back({0, clock_.Now(), ChangeKind::kSourceRecordPut, id, gro, record.key});
      // The transaction sees its own writes at once.
      CP_ASSERT_OK_AND_ASSIGN(SourceRecord got, tx->GetSourceRecord(record.source, record.key));
      EXPECT_TRUE(SameSourceRecord(record, got));
      if (i % 7 == 0) {
        CP_ASSERT_OK_AND_ASSIGN(domain::Child written, tx->GetChild(id));
        EXPECT_TRUE(SameChild(FullChild(id), written)) << "after child " << i;
      }
      if (i == kChildren / 2) {
        CP_ASSERT_OK(tx->PutChild(MinimalChild(ids[3])));  // replaces its names and lists
        want.push_back({0, clock_.Now(), ChangeKind::kChildPut, ids[3], std::nullopt,
                        std::nullopt});
        CP_ASSERT_OK_AND_ASSIGN(domain::Child replaced, tx->GetChild(ids[3]));
        EXPECT_TRUE(SameChild(MinimalChild(ids[3]), replaced));
      }
    }
    CP_ASSERT_OK(tx->Commit());
  }
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  for (int i = 0; i < kChildren; ++i) {
    CP_ASSERT_OK_AND_ASSIGN(domain::Child child, tx->GetChild(ids[i]));
    EXPECT_TRUE(SameChild(i == 3 ? MinimalChild(ids[i]) : FullChild(ids[i]), child)) << i;
    CP_ASSERT_OK_AND_ASSIGN(SourceRecord record,
                            tx->GetSourceRecord(gro, SourceKey("k" + std::to_string(i))));
    EXPECT_TRUE(SameSourceRecord(FullSourceRecord("gro", "k" + std::to_string(i), ids[i]), record));
  }
  const auto changes = AllChanges(*store_);
  ASSERT_EQ(changes.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    want[i].seq = changes[i].seq;
    EXPECT_EQ(changes[i], want[i]) << "entry " << i;
  }
  EXPECT_TRUE(StrictlyIncreasing(Seqs(changes)));
}

// A child put twice with nothing read in between: the second version is the
// one kept, whichever is the larger (a batching backend may write both
// waiting versions in one statement: 16 puts here, the first and the last of
// the same child).
TEST_P(StoreContractTest, OfTwoVersionsOfAChildPutInARowTheSecondIsKept) {
  for (const bool full_first : {true, false}) {
    std::vector<std::uint64_t> draws;
    for (int i = 0; i < 15; ++i) {
      draws.push_back((full_first ? 300 : 400) + static_cast<std::uint64_t>(i));
    }
    ScriptedRandom random(draws);
    ContactPointId twice;
    {
      CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kAllOrNothing));
      for (int i = 0; i < 15; ++i) {
        CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, tx->AllocateChildId(random));
        if (i == 0) twice = id;
        const bool full = (i == 0) == full_first;
        CP_ASSERT_OK(tx->PutChild(full ? FullChild(id) : MinimalChild(id)));
      }
      CP_ASSERT_OK(tx->PutChild(full_first ? MinimalChild(twice) : FullChild(twice)));
      CP_ASSERT_OK(tx->Commit());
    }
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
    CP_ASSERT_OK_AND_ASSIGN(domain::Child child, tx->GetChild(twice));
    EXPECT_TRUE(SameChild(full_first ? MinimalChild(twice) : FullChild(twice), child))
        << "full first: " << full_first;
  }
}

TEST_P(StoreContractTest, AnAllOrNothingTransactionReadsEachChildsRecordsAsItsWritesLeftThem) {
  ScriptedRandom random({300, 301, 302, 303});
  ContactPointId a, b, c, d;
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    for (ContactPointId* id : {&a, &b, &c, &d}) {
      CP_ASSERT_OK_AND_ASSIGN(*id, tx->AllocateChildId(random));
      CP_ASSERT_OK(tx->PutChild(MinimalChild(*id)));
    }
    CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "moves", a)));
    CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "stays", a)));
    CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "sealed", c)));
    CP_ASSERT_OK(tx->Commit());
  }
  std::unique_ptr<Transaction> tx;
  // The keys of the records; LinkStatesOf must agree with them.
  auto keys = [&tx](const std::vector<SourceRecord>& records) {
    std::vector<std::string> out;
    for (const SourceRecord& r : records) out.push_back(r.key.value());
    if (tx && !records.empty() && records.front().child) {
      auto states = tx->LinkStatesOf(*records.front().child);
      EXPECT_TRUE(states.ok() && states->size() == records.size());
    }
    return out;
  };
  using Keys = std::vector<std::string>;
  CP_ASSERT_OK_AND_ASSIGN(tx, store_->Begin(TxMode::kAllOrNothing));
  CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "moves", b)));         // A -> B
  CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "sealed", std::nullopt)));  // C -> none
  CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "elsewhere", d)));     // new, on D
  CP_ASSERT_OK_AND_ASSIGN(auto of_a, tx->SourceRecordsOf(a));
  EXPECT_EQ(keys(of_a), Keys{"stays"});
  CP_ASSERT_OK_AND_ASSIGN(auto of_c, tx->SourceRecordsOf(c));
  EXPECT_EQ(keys(of_c), Keys{});
  CP_ASSERT_OK_AND_ASSIGN(auto states_of_c, tx->LinkStatesOf(c));
  EXPECT_TRUE(states_of_c.empty()) << "the waiting row moved it away";
  CP_ASSERT_OK_AND_ASSIGN(auto of_b, tx->SourceRecordsOf(b));
  EXPECT_EQ(keys(of_b), Keys{"moves"});
  CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "moves", a)));  // and back
  CP_ASSERT_OK_AND_ASSIGN(of_a, tx->SourceRecordsOf(a));
  EXPECT_EQ(keys(of_a), (Keys{"moves", "stays"}));
  CP_ASSERT_OK_AND_ASSIGN(of_b, tx->SourceRecordsOf(b));
  EXPECT_EQ(keys(of_b), Keys{});
  CP_ASSERT_OK_AND_ASSIGN(auto of_d, tx->SourceRecordsOf(d));
  EXPECT_EQ(keys(of_d), Keys{"elsewhere"});
  CP_ASSERT_OK(tx->Commit());
  tx.reset();
  CP_ASSERT_OK_AND_ASSIGN(auto read, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(of_a, read->SourceRecordsOf(a));
  EXPECT_EQ(keys(of_a), (Keys{"moves", "stays"}));
  CP_ASSERT_OK_AND_ASSIGN(of_c, read->SourceRecordsOf(c));
  EXPECT_TRUE(of_c.empty());
}

TEST_P(StoreContractTest, AFailedWriteRollsBackAWholeAllOrNothingTransaction) {
  const ContactPointId kept = CreateChild(70);
  CreateSourceRecord(FullSourceRecord("gro", "kept", kept));
  const std::vector<ContactPointId> ids = {kept, ScriptedId(71), ScriptedId(72)};
  const std::vector<std::pair<SourceId, SourceKey>> keys = {
      {SourceId("gro"), SourceKey("kept")}, {SourceId("gro"), SourceKey("new")}};
  const Observation before = Observe(*store_, ids, keys);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kAllOrNothing));
    ScriptedRandom random({71});
    CP_ASSERT_OK_AND_ASSIGN(ContactPointId a, tx->AllocateChildId(random));
    CP_ASSERT_OK(tx->PutChild(FullChild(a)));
    CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "new", a)));
    CP_ASSERT_OK(tx->PutChild(MinimalChild(kept)));
    // A write that fails ends the transaction: nothing of it stays. The ID
    // never issued may show only when the child's row is written (here by
    // the read that follows, which writes the waiting rows first).
    core::Status status = tx->PutChild(MinimalChild(ScriptedId(72)));
    if (status.ok()) status = tx->GetChild(kept).status();
    EXPECT_TRUE(HasCode(status, ErrorCode::kInvalidContactPointId)) << status.ToString();
    EXPECT_NE(status.message().find("never issued"), std::string::npos) << status.ToString();
    const ErrorCode closed = ErrorCode::kTransactionClosed;
    EXPECT_TRUE(HasCode(tx->GetChild(kept), closed));
    EXPECT_TRUE(HasCode(tx->PutSourceRecord(FullSourceRecord("gro", "late", kept)), closed));
    EXPECT_TRUE(HasCode(tx->Commit(), closed));
  }
  EXPECT_EQ(Observe(*store_, ids, keys), before);
  // The store is free, and the ID drawn in the rolled-back transaction was
  // never issued.
  ScriptedRandom random({71});
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kAllOrNothing));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId again, tx->AllocateChildId(random));
  EXPECT_EQ(again.number(), ScriptedId(71).number());
}

// In kAllOrNothing mode the missing child may show only when the record's
// row is written (at the latest, by Commit): still kChildNotFound, and
// nothing of the transaction stays.
TEST_P(StoreContractTest, AllOrNothingRefusesASourceRecordOfNoChildAndKeepsNothing) {
  const ContactPointId deleted = CreateChild(510);
  const ContactPointId live = CreateChild(511);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->DeleteChild(deleted));
    CP_ASSERT_OK(tx->Commit());
  }
  for (const ContactPointId& missing : {deleted, ScriptedId(512)}) {
    {
      CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kAllOrNothing));
      CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "good", live)));
      const SourceRecord bad = FullSourceRecord("gro", "bad", missing);
      CP_ASSERT_OK_AND_ASSIGN(EncodedSourceView encoded, EncodeSourceView(bad.data, bad.events));
      core::Status status = tx->PutEncodedSourceRecord(bad, encoded);
      if (status.ok()) status = tx->Commit();
      EXPECT_TRUE(HasCode(status, ErrorCode::kChildNotFound)) << status.ToString();
    }
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
    EXPECT_TRUE(HasCode(tx->GetSourceRecord(SourceId("gro"), SourceKey("good")),
                        ErrorCode::kSourceRecordNotFound));
    EXPECT_TRUE(HasCode(tx->GetSourceRecord(SourceId("gro"), SourceKey("bad")),
                        ErrorCode::kSourceRecordNotFound));
  }
}

TEST_P(StoreContractTest, AnEncodedSourceRecordIsStoredAsThePlainOne) {
  const ContactPointId id = CreateChild(73);
  for (TxMode mode : {TxMode::kReadWrite, TxMode::kAllOrNothing}) {
    const SourceRecord record =
        FullSourceRecord("gro", mode == TxMode::kReadWrite ? "rw" : "aon", id);
    {
      CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(mode));
      CP_ASSERT_OK_AND_ASSIGN(EncodedSourceView encoded,
                              EncodeSourceView(record.data, record.events));
      CP_ASSERT_OK(tx->PutEncodedSourceRecord(record, encoded));
      CP_ASSERT_OK(tx->Commit());
    }
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
    CP_ASSERT_OK_AND_ASSIGN(SourceRecord got, tx->GetSourceRecord(record.source, record.key));
    EXPECT_TRUE(SameSourceRecord(record, got));
  }
  // The record's checks still apply.
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  EXPECT_TRUE(HasCode(tx->PutEncodedSourceRecord(FullSourceRecord("gro", "", id),
                                                 EncodedSourceView()),
                      ErrorCode::kInvalidRecord));
}

TEST_P(StoreContractTest, ChangeSeqsOnlyIncreaseAcrossRollbacksAndDeletes) {
  std::vector<std::int64_t> committed;
  auto commit_one = [&](std::uint64_t value) {
    const ContactPointId id = CreateChild(value);
    committed = Seqs(AllChanges(*store_));
    return id;
  };
  const ContactPointId a = commit_one(65);
  // A rolled-back transaction with several writes.
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    ScriptedRandom random({66});
    CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, tx->AllocateChildId(random));
    CP_ASSERT_OK(tx->PutChild(MinimalChild(id)));
    CP_ASSERT_OK(tx->PutChild(FullChild(a)));
    CP_ASSERT_OK(tx->DeleteChild(id));
  }
  EXPECT_EQ(Seqs(AllChanges(*store_)), committed);
  const std::int64_t before_b = committed.back();
  const ContactPointId b = commit_one(67);
  EXPECT_GT(committed.back(), before_b);
  // Deleting records never rewinds the log.
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->DeleteChild(a));
    CP_ASSERT_OK(tx->DeleteChild(b));
    CP_ASSERT_OK(tx->Commit());
  }
  commit_one(68);
  EXPECT_TRUE(StrictlyIncreasing(committed)) << ::testing::PrintToString(committed);
  const std::set<std::int64_t> unique(committed.begin(), committed.end());
  EXPECT_EQ(unique.size(), committed.size());
  EXPECT_EQ(committed.size(), 5u);
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, store_->Info());
  EXPECT_EQ(info.last_change, committed.back());
}

TEST_P(StoreContractTest, ReadChangesPagesByAfterAndLimit) {
  for (std::uint64_t v = 69; v < 74; ++v) CreateChild(v);
  const auto all = AllChanges(*store_);
  ASSERT_EQ(all.size(), 5u);
  CP_ASSERT_OK_AND_ASSIGN(auto page1, store_->ReadChanges(0, 2));
  ASSERT_EQ(page1.size(), 2u);
  EXPECT_EQ(page1[0], all[0]);
  EXPECT_EQ(page1[1], all[1]);
  CP_ASSERT_OK_AND_ASSIGN(auto page2, store_->ReadChanges(page1.back().seq, 2));
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_EQ(page2[0], all[2]);
  CP_ASSERT_OK_AND_ASSIGN(auto page3, store_->ReadChanges(page2.back().seq, 2));
  ASSERT_EQ(page3.size(), 1u);
  EXPECT_EQ(page3[0], all[4]);
  CP_ASSERT_OK_AND_ASSIGN(auto end, store_->ReadChanges(all.back().seq, 10));
  EXPECT_TRUE(end.empty());
  CP_ASSERT_OK_AND_ASSIGN(auto none, store_->ReadChanges(0, 0));
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(HasCode(store_->ReadChanges(0, -1), ErrorCode::kInvalidArgument));
}

TEST_P(StoreContractTest, InfoCountsRecordsAndTheLastChange) {
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo empty, store_->Info());
  EXPECT_FALSE(empty.backend.empty());
  EXPECT_GE(empty.schema_version, 1);
  EXPECT_EQ(empty.children, 0);
  EXPECT_EQ(empty.source_records, 0);
  EXPECT_EQ(empty.last_change, 0);
  const ContactPointId a = CreateChild(74);
  CreateChild(75);
  CreateSourceRecord(FullSourceRecord("gro", "1", a));
  CreateSourceRecord(FullSourceRecord("gro", "2", std::nullopt));
  CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, store_->Info());
  EXPECT_EQ(info.backend, empty.backend);
  EXPECT_EQ(info.schema_version, empty.schema_version);
  EXPECT_EQ(info.children, 2);
  EXPECT_EQ(info.source_records, 2);
  EXPECT_EQ(info.last_change, AllChanges(*store_).back().seq);
}

// ---- Another connection ------------------------------------------------------------------

TEST_P(StoreContractTest, AnotherConnectionSeesCommittedChangesOnly) {
  ASSERT_TRUE(GetParam().connect) << "the factory must say how to open a second connection";
  std::unique_ptr<Store> other = GetParam().connect(*store_, clock_);
  ASSERT_NE(other, nullptr);
  ScriptedRandom random({76});
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId id, tx->AllocateChildId(random));
  CP_ASSERT_OK(tx->PutChild(FullChild(id)));
  CP_ASSERT_OK(tx->PutSourceRecord(FullSourceRecord("gro", "k", id)));
  {
    CP_ASSERT_OK_AND_ASSIGN(auto unseen, other->ReadChanges(0, 100));
    EXPECT_TRUE(unseen.empty());
    CP_ASSERT_OK_AND_ASSIGN(auto reader, other->Begin(TxMode::kReadOnly));
    EXPECT_TRUE(HasCode(reader->GetChild(id), ErrorCode::kChildNotFound));
    CP_ASSERT_OK(reader->Commit());
    CP_ASSERT_OK_AND_ASSIGN(StoreInfo info, other->Info());
    EXPECT_EQ(info.children, 0);
  }
  CP_ASSERT_OK(tx->Commit());
  tx.reset();

  CP_ASSERT_OK_AND_ASSIGN(auto seen, other->ReadChanges(0, 100));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].kind, ChangeKind::kChildPut);
  EXPECT_EQ(seen[0].child, id);
  EXPECT_EQ(seen[1].kind, ChangeKind::kSourceRecordPut);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto reader, other->Begin(TxMode::kReadOnly));
    CP_ASSERT_OK_AND_ASSIGN(domain::Child got, reader->GetChild(id));
    EXPECT_TRUE(SameChild(FullChild(id), got));
  }
  // And the other way round, continuing the same sequence.
  {
    CP_ASSERT_OK_AND_ASSIGN(auto writer, other->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(writer->DeleteSourceRecord(SourceId("gro"), SourceKey("k")));
    CP_ASSERT_OK(writer->Commit());
  }
  CP_ASSERT_OK_AND_ASSIGN(auto next, store_->ReadChanges(seen.back().seq, 100));
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].kind, ChangeKind::kSourceRecordDeleted);
  EXPECT_GT(next[0].seq, seen.back().seq);
  // Issued IDs are shared too: the other connection will not reissue this one.
  ScriptedRandom same({76, 77});
  CP_ASSERT_OK_AND_ASSIGN(auto writer, other->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId fresh, writer->AllocateChildId(same));
  EXPECT_EQ(fresh.number(), ScriptedId(77).number());
}

// ---- Fault injection ------------------------------------------------------------------------

// A unit of work touching every kind of write: nine mutating calls, then
// Commit. Returns the first failure.
constexpr int kUnitOfWorkCalls = 9;

core::Status UnitOfWork(Store& store, ContactPointId existing) {
  ASSIGN_OR_RETURN(auto tx, store.Begin(TxMode::kReadWrite));
  ScriptedRandom random({101, 102});
  ASSIGN_OR_RETURN(ContactPointId a, tx->AllocateChildId(random));                      // 1
  RETURN_IF_ERROR(tx->PutChild(FullChild(a)));                                           // 2
  ASSIGN_OR_RETURN(ContactPointId b, tx->AllocateChildId(random));                      // 3
  RETURN_IF_ERROR(tx->PutChild(MinimalChild(b)));                                        // 4
  RETURN_IF_ERROR(tx->PutSourceRecord(FullSourceRecord("gro", "new", a)));               // 5
  RETURN_IF_ERROR(tx->DeleteSourceRecord(SourceId("gro"), SourceKey("existing")));       // 6
  RETURN_IF_ERROR(tx->PutChild(FullChild(existing)));                                    // 7
  RETURN_IF_ERROR(tx->DeleteChild(b));                                                   // 8
  RETURN_IF_ERROR(tx->AddRedirect(b, a));                                                // 9
  return tx->Commit();
}

TEST_P(StoreContractTest, AFaultAtAnyWriteOrAtCommitLeavesTheStoreAsItWas) {
  const ContactPointId existing = CreateChild(100);
  CreateSourceRecord(FullSourceRecord("gro", "existing", existing));
  const std::vector<ContactPointId> ids = {existing, ScriptedId(101), ScriptedId(102)};
  const std::vector<std::pair<SourceId, SourceKey>> keys = {
      {SourceId("gro"), SourceKey("existing")}, {SourceId("gro"), SourceKey("new")}};
  const Observation before = Observe(*store_, ids, keys);

  testing::FaultInjectingStore faulty(*store_);
  for (testing::FaultTiming timing :
       {testing::FaultTiming::kBeforeCall, testing::FaultTiming::kAfterCall}) {
    for (int n = 1; n <= kUnitOfWorkCalls; ++n) {
      SCOPED_TRACE("fault at call " + std::to_string(n) +
                   (timing == testing::FaultTiming::kAfterCall ? " (after it ran)" : ""));
      faulty.FailAtCall(n, timing);
      const core::Status status = UnitOfWork(faulty, existing);
      EXPECT_TRUE(HasCode(status, ErrorCode::kStoreIo));
      EXPECT_EQ(status.message(), "injected fault");
      EXPECT_EQ(faulty.mutating_calls(), n);
      EXPECT_EQ(Observe(*store_, ids, keys), before);
    }
  }
  faulty.FailAtCall(0);
  faulty.FailOnCommit(true);
  {
    SCOPED_TRACE("fault at commit");
    EXPECT_TRUE(HasCode(UnitOfWork(faulty, existing), ErrorCode::kStoreIo));
    EXPECT_EQ(faulty.mutating_calls(), kUnitOfWorkCalls);
    EXPECT_EQ(Observe(*store_, ids, keys), before);
  }
  // Without faults the same unit of work applies, drawing the same IDs: no
  // failed attempt left one of them issued.
  faulty.FailOnCommit(false);
  CP_ASSERT_OK(UnitOfWork(faulty, existing));
  const Observation after = Observe(*store_, ids, keys);
  EXPECT_NE(after, before);
  EXPECT_EQ(after.changes.size(), before.changes.size() + 7);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(ContactPointId resolved, tx->Resolve(ScriptedId(102)));
  EXPECT_EQ(resolved.number(), ScriptedId(101).number());
  EXPECT_GE(faulty.faults_injected(), 2 * kUnitOfWorkCalls + 1);
}

// ---- The audit trail's storage ---------------------------------------------------------

AuditEntry Entry(std::int64_t index, std::int64_t at_ms, std::string actor, std::string action,
                 std::vector<ContactPointId> children) {
  AuditEntry entry;
  entry.index = index;
  entry.at = core::FromUnixMillis(at_ms);
  entry.actor = std::move(actor);
  entry.action = std::move(action);
  entry.children = std::move(children);
  entry.leaf = "leaf " + std::to_string(index) + std::string(1, '\0') + "binary";
  return entry;
}

std::vector<std::int64_t> Indices(const std::vector<AuditLeaf>& leaves) {
  std::vector<std::int64_t> out;
  for (const AuditLeaf& leaf : leaves) out.push_back(leaf.index);
  return out;
}

TEST_P(StoreContractTest, AuditEntriesAreDenseAndReadBackByteForByte) {
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    for (std::int64_t i = 0; i < 7; ++i) {
      CP_ASSERT_OK_AND_ASSIGN(std::int64_t next, tx->NextAuditIndex());
      EXPECT_EQ(next, i);
      CP_ASSERT_OK(tx->AppendAuditEntry(Entry(i, 1000 + i, "u-1", "view_record", {})));
    }
    // An entry prepared for a stale index is refused, not renumbered.
    EXPECT_TRUE(HasCode(tx->AppendAuditEntry(Entry(3, 0, "u-1", "x", {})), ErrorCode::kAborted));
    EXPECT_TRUE(HasCode(tx->AppendAuditEntry(Entry(9, 0, "u-1", "x", {})), ErrorCode::kAborted));
    CP_ASSERT_OK(tx->Commit());
  }
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t size, store_->AuditLogSize());
  EXPECT_EQ(size, 7);
  CP_ASSERT_OK_AND_ASSIGN(auto page, store_->ReadAuditEntries(2, 3));
  EXPECT_EQ(Indices(page), (std::vector<std::int64_t>{2, 3, 4}));
  EXPECT_EQ(page[0].leaf, Entry(2, 0, "", "", {}).leaf);  // the NUL byte survives
  CP_ASSERT_OK_AND_ASSIGN(auto rest, store_->ReadAuditEntries(5, 100));
  EXPECT_EQ(Indices(rest), (std::vector<std::int64_t>{5, 6}));
  CP_ASSERT_OK_AND_ASSIGN(auto none, store_->ReadAuditEntries(7, 100));
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(store_->ReadAuditEntries(0, -1).ok());
}

TEST_P(StoreContractTest, ADroppedTransactionLeavesNoAuditEntryAndNoGap) {
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->AppendAuditEntry(Entry(0, 1, "u-1", "search", {})));
  }
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t next, tx->NextAuditIndex());
  EXPECT_EQ(next, 0);
}

TEST_P(StoreContractTest, AuditWritesNeedAReadWriteTransactionAndAValidEntry) {
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
    EXPECT_TRUE(HasCode(tx->AppendAuditEntry(Entry(0, 1, "u-1", "search", {})),
                        ErrorCode::kFailedPrecondition));
    EXPECT_TRUE(HasCode(tx->PutAuditCheckpoint(AuditCheckpoint()), ErrorCode::kFailedPrecondition));
  }
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  EXPECT_TRUE(HasCode(tx->AppendAuditEntry(Entry(0, 1, "", "search", {})),
                      ErrorCode::kInvalidRecord));
  EXPECT_TRUE(HasCode(tx->AppendAuditEntry(Entry(0, 1, "u-1", "search", {ContactPointId()})),
                      ErrorCode::kInvalidContactPointId));
  // The failed calls left nothing: the next index is still 0.
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t next, tx->NextAuditIndex());
  EXPECT_EQ(next, 0);
}

TEST_P(StoreContractTest, AuditQueriesSelectByChildActorActionAndTimeNewestFirst) {
  const ContactPointId amy = ScriptedId(1);
  const ContactPointId ben = ScriptedId(2);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->AppendAuditEntry(Entry(0, 100, "u-1", "view_record", {amy})));
    CP_ASSERT_OK(tx->AppendAuditEntry(Entry(1, 200, "u-2", "search", {amy, ben, amy})));
    CP_ASSERT_OK(tx->AppendAuditEntry(Entry(2, 300, "u-1", "view_record", {ben})));
    CP_ASSERT_OK(tx->AppendAuditEntry(Entry(3, 400, "u-3", "sign_in", {})));
    CP_ASSERT_OK(tx->Commit());
  }
  using V = std::vector<std::int64_t>;
  auto query = [&](AuditFilter filter) {
    auto leaves = store_->QueryAudit(filter);
    EXPECT_TRUE(IsOk(leaves));
    return leaves.ok() ? Indices(*leaves) : V{};
  };
  EXPECT_EQ(query({.child = amy}), (V{1, 0}));
  EXPECT_EQ(query({.child = ben}), (V{2, 1}));
  EXPECT_EQ(query({.actor = "u-1"}), (V{2, 0}));
  EXPECT_EQ(query({.action = "view_record"}), (V{2, 0}));
  EXPECT_EQ(query({.from = core::FromUnixMillis(200), .to = core::FromUnixMillis(400)}),
            (V{2, 1}));
  EXPECT_EQ(query({.child = amy, .actor = "u-2"}), (V{1}));
  EXPECT_EQ(query({.child = ben, .action = "view_record", .from = core::FromUnixMillis(300)}),
            (V{2}));
  EXPECT_EQ(query({.actor = "u-1", .to = core::FromUnixMillis(300)}), (V{0}));
  EXPECT_EQ(query({}), (V{3, 2, 1, 0}));
  EXPECT_EQ(query({.limit = 1}), (V{3}));
  EXPECT_EQ(query({.before = 2, .limit = 10}), (V{1, 0}));
  EXPECT_EQ(query({.actor = "' OR 1=1 --"}), V{});  // values, never SQL
  EXPECT_TRUE(HasCode(store_->QueryAudit({.limit = 0}), ErrorCode::kInvalidArgument));
}

TEST_P(StoreContractTest, SearchCriteriaAreKeptByEntryAndDestroyedWithTheChild) {
  const ContactPointId child = CreateChild(7);
  const ContactPointId other = CreateChild(8);
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->AppendAuditEntry(Entry(0, 1, "u-1", "search", {child})));
    CP_ASSERT_OK(tx->AppendAuditEntry(Entry(1, 2, "u-1", "search", {other})));
    CP_ASSERT_OK(tx->AppendAuditEntry(Entry(2, 3, "u-1", "search", {child, other})));
    for (std::int64_t i = 0; i < 3; ++i) {
      CP_ASSERT_OK(tx->PutAuditCriteria(i, AuditCriteria("criteria " + std::to_string(i))));
    }
    EXPECT_TRUE(HasCode(tx->PutAuditCriteria(0, AuditCriteria("again")), ErrorCode::kAlreadyExists));
    CP_ASSERT_OK(tx->Commit());
  }
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK_AND_ASSIGN(auto criteria, tx->GetAuditCriteria(0));
    ASSERT_TRUE(criteria.has_value());
    EXPECT_EQ(criteria->Reveal(), "criteria 0");
    CP_ASSERT_OK_AND_ASSIGN(std::int64_t destroyed, tx->DeleteAuditCriteriaOf(other));
    EXPECT_EQ(destroyed, 2);  // entries 1 and 2
    CP_ASSERT_OK(tx->Commit());
  }
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    CP_ASSERT_OK(tx->DeleteChild(child));  // takes entry 0's criteria with it
    CP_ASSERT_OK(tx->Commit());
  }
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  for (std::int64_t i = 0; i < 3; ++i) {
    CP_ASSERT_OK_AND_ASSIGN(auto criteria, tx->GetAuditCriteria(i));
    EXPECT_FALSE(criteria.has_value()) << i;
  }
  tx.reset();
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t size, store_->AuditLogSize());
  EXPECT_EQ(size, 3);  // the entries stay
}

TEST_P(StoreContractTest, AuditCheckpointsAreKeptOncePerSizeAndListedBySize) {
  auto checkpoint = [](std::int64_t size) {
    AuditCheckpoint cp;
    cp.tree_size = size;
    cp.at = core::FromUnixMillis(size * 10);
    cp.root_hash = std::string(32, static_cast<char>(size));
    cp.key_id = "key";
    cp.signature = std::string(64, 's');
    cp.right_edge = std::string(32, 'e');
    return cp;
  };
  CP_ASSERT_OK_AND_ASSIGN(auto none, store_->LatestAuditCheckpoint());
  EXPECT_FALSE(none.has_value());
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    for (std::int64_t size : {4, 1, 9}) CP_ASSERT_OK(tx->PutAuditCheckpoint(checkpoint(size)));
    EXPECT_TRUE(HasCode(tx->PutAuditCheckpoint(checkpoint(4)), ErrorCode::kAlreadyExists));
    AuditCheckpoint bad = checkpoint(5);
    bad.root_hash = "short";
    EXPECT_FALSE(tx->PutAuditCheckpoint(bad).ok());
    CP_ASSERT_OK(tx->Commit());
  }
  CP_ASSERT_OK_AND_ASSIGN(auto all, store_->ReadAuditCheckpoints(0, 10));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], checkpoint(1));
  EXPECT_EQ(all[1], checkpoint(4));
  EXPECT_EQ(all[2], checkpoint(9));
  CP_ASSERT_OK_AND_ASSIGN(auto after, store_->ReadAuditCheckpoints(1, 1));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].tree_size, 4);
  CP_ASSERT_OK_AND_ASSIGN(auto latest, store_->LatestAuditCheckpoint());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(*latest, checkpoint(9));
}

TEST_P(StoreContractTest, AuditReadsSeeOnlyCommittedEntries) {
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
  CP_ASSERT_OK(tx->AppendAuditEntry(Entry(0, 1, "u-1", "search", {})));
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t during, store_->AuditLogSize());
  EXPECT_EQ(during, 0);
  CP_ASSERT_OK(tx->Commit());
  CP_ASSERT_OK_AND_ASSIGN(std::int64_t after, store_->AuditLogSize());
  EXPECT_EQ(after, 1);
}

}  // namespace
}  // namespace cp::storage

// ---- Data supply -------------------------------------------------------------

namespace cp::storage {
namespace {

using contract::HasCode;
using contract::IsOk;

SourceEntry Source(const std::string& id, domain::SourceState state) {
  SourceEntry s;
  s.id = domain::SourceId(id);
  s.name = "Test source " + id;
  s.kind = domain::SourceKind::kNational;
  s.state = state;
  s.credential_hash = std::string(64, 'c');
  s.created_at = core::FromUnixMillis(1'760'000'000'000);
  s.updated_at = s.created_at;
  return s;
}

BatchEntry Batch(const std::string& source, const std::string& batch, std::int64_t sequence) {
  BatchEntry b;
  b.source = domain::SourceId(source);
  b.batch = domain::BatchId(batch);
  b.content_digest = std::string(64, 'a');
  b.sequence = sequence;
  b.received_at = core::FromUnixMillis(1'760'000'000'500);
  b.receipt_json = "{\"counts\": {}}";
  return b;
}

TEST_P(StoreContractTest, SourcesArePutReplacedListedAndMissingOnesNamed) {
  {
    auto tx = store_->Begin(TxMode::kReadWrite);
    ASSERT_TRUE(IsOk(tx));
    EXPECT_TRUE(IsOk((*tx)->PutSource(Source("gro-births", domain::SourceState::kRegistered))));
    EXPECT_TRUE(IsOk((*tx)->PutSource(Source("dwp-child-benefit", domain::SourceState::kActive))));
    SourceEntry bad = Source("Not An Id", domain::SourceState::kActive);
    EXPECT_FALSE((*tx)->PutSource(bad).ok());
    ASSERT_TRUE(IsOk((*tx)->Commit()));
  }
  auto tx = store_->Begin(TxMode::kReadWrite);
  ASSERT_TRUE(IsOk(tx));
  SourceEntry updated = Source("gro-births", domain::SourceState::kTypeAccredited);
  updated.updated_at = core::FromUnixMillis(1'760'000'009'000);
  updated.priority = 1;
  ASSERT_TRUE(IsOk((*tx)->PutSource(updated)));
  for (const int out_of_range : {0, 10}) {
    SourceEntry bad = updated;
    bad.priority = out_of_range;
    EXPECT_TRUE(HasCode((*tx)->PutSource(bad), core::ErrorCode::kInvalidArgument)) << out_of_range;
  }
  auto got = (*tx)->GetSource(domain::SourceId("gro-births"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, updated);
  auto all = (*tx)->ListSources();
  ASSERT_TRUE(IsOk(all));
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id.value(), "dwp-child-benefit");  // ordered by ID
  EXPECT_TRUE(HasCode((*tx)->GetSource(domain::SourceId("nope")), core::ErrorCode::kSourceNotFound));
}

TEST_P(StoreContractTest, BatchesAreRecordedOnceWithTheirLastSequence) {
  auto tx = store_->Begin(TxMode::kReadWrite);
  ASSERT_TRUE(IsOk(tx));
  ASSERT_TRUE(IsOk((*tx)->PutSource(Source("gro-births", domain::SourceState::kActive))));
  auto none = (*tx)->LastBatchSequence(domain::SourceId("gro-births"));
  ASSERT_TRUE(IsOk(none));
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(IsOk((*tx)->PutBatch(Batch("gro-births", "b1", 7))));
  ASSERT_TRUE(IsOk((*tx)->PutBatch(Batch("gro-births", "b2", 9))));
  EXPECT_TRUE(HasCode((*tx)->PutBatch(Batch("gro-births", "b1", 10)), core::ErrorCode::kBatchConflict));
  auto last = (*tx)->LastBatchSequence(domain::SourceId("gro-births"));
  ASSERT_TRUE(IsOk(last));
  EXPECT_EQ(*last, 9);
  auto b1 = (*tx)->GetBatch(domain::SourceId("gro-births"), domain::BatchId("b1"));
  ASSERT_TRUE(IsOk(b1));
  ASSERT_TRUE(b1->has_value());
  EXPECT_EQ(**b1, Batch("gro-births", "b1", 7));  // the conflicting put changed nothing
  auto missing = (*tx)->GetBatch(domain::SourceId("gro-births"), domain::BatchId("b3"));
  ASSERT_TRUE(IsOk(missing));
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreContractTest, QuarantineKeepsRejectedLinesInOrder) {
  auto tx = store_->Begin(TxMode::kReadWrite);
  ASSERT_TRUE(IsOk(tx));
  ASSERT_TRUE(IsOk((*tx)->PutSource(Source("gro-births", domain::SourceState::kActive))));
  QuarantineEntry second{domain::SourceId("gro-births"), domain::BatchId("b1"), 9,
                         "child.gender", core::ErrorCode::kInvalidGender, "must be one of male",
                         core::Sensitive<std::string>("{\"key\": \"K9\"}")};
  QuarantineEntry first = second;
  first.line = 4;
  first.field = "";
  ASSERT_TRUE(IsOk((*tx)->AddQuarantine(second)));
  ASSERT_TRUE(IsOk((*tx)->AddQuarantine(first)));
  ASSERT_TRUE(IsOk((*tx)->PutBatch(Batch("gro-births", "b1", 1))));
  ASSERT_TRUE(IsOk((*tx)->Commit()));
  auto read = store_->Begin(TxMode::kReadOnly);
  ASSERT_TRUE(IsOk(read));
  auto lines = (*read)->QuarantineOf(domain::SourceId("gro-births"), domain::BatchId("b1"));
  ASSERT_TRUE(IsOk(lines));
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0], first);
  EXPECT_EQ((*lines)[1], second);
}

TEST_P(StoreContractTest, CurrentKeysAndSourceLinksAreListed) {
  core::SeededRandom random(5);
  domain::Child child = contract::MinimalChild(domain::ContactPointId());
  child.identifiers.nhs_number = domain::PersonalText("9434765919");
  const domain::ContactPointId id = CreateChild(random, child);
  CreateSourceRecord(contract::FullSourceRecord("gro-births", "K2", id));
  CreateSourceRecord(contract::FullSourceRecord("gro-births", "K1", id));
  SourceRecord withdrawn = contract::FullSourceRecord("nhs-pds", "P1", std::nullopt);
  withdrawn.state = LinkState::kWithdrawn;
  CreateSourceRecord(withdrawn);

  auto tx = store_->Begin(TxMode::kReadOnly);
  ASSERT_TRUE(IsOk(tx));
  auto keys = (*tx)->CurrentKeysOf(domain::SourceId("gro-births"));
  ASSERT_TRUE(IsOk(keys));
  EXPECT_EQ(*keys, (std::vector<domain::SourceKey>{domain::SourceKey("K1"), domain::SourceKey("K2")}));
  auto pds_keys = (*tx)->CurrentKeysOf(domain::SourceId("nhs-pds"));
  ASSERT_TRUE(IsOk(pds_keys));
  EXPECT_TRUE(pds_keys->empty());  // withdrawn records are not current

  std::vector<std::string> rows;
  auto collect = [&](const SourceLink& link) {
    rows.push_back(link.source.value() + "," + link.key.value() + "," +
                   (link.child ? link.child->ToString() : "") + "," +
                   std::string(LinkStateName(link.state)));
    return core::Status::Ok();
  };
  ASSERT_TRUE(IsOk((*tx)->ForEachSourceLink(std::nullopt, collect)));
  EXPECT_EQ(rows, (std::vector<std::string>{"gro-births,K1," + id.ToString() + ",linked",
                                            "gro-births,K2," + id.ToString() + ",linked",
                                            "nhs-pds,P1,,withdrawn"}));
  rows.clear();
  ASSERT_TRUE(IsOk((*tx)->ForEachSourceLink(domain::SourceId("nhs-pds"), collect)));
  EXPECT_EQ(rows.size(), 1u);
  const core::Status stop(core::ErrorCode::kStoreIo, "stop");
  int calls = 0;
  EXPECT_EQ((*tx)->ForEachSourceLink(std::nullopt, [&](const SourceLink&) {
              ++calls;
              return stop;
            }),
            stop);
  EXPECT_EQ(calls, 1);
}

TEST_P(StoreContractTest, AnAuthoritysCurrentChildrenAreFoundByItsId) {
  auto child_of = [](std::optional<std::string> accountable) {
    domain::Child child = contract::MinimalChild(domain::ContactPointId());
    if (accountable) child.accountable = domain::Accountability{*accountable, false};
    return child;
  };
  ScriptedRandom random({91, 92, 93, 94, 95, 96});
  const ContactPointId leeds_a = CreateChild(random, child_of("la:E08000035"));
  const ContactPointId leeds_b = CreateChild(random, child_of("la:E08000035"));
  const ContactPointId york = CreateChild(random, child_of("la:E06000014"));
  const ContactPointId queued = CreateChild(random, child_of("national:no-postcode"));
  const ContactPointId none = CreateChild(random, child_of(std::nullopt));
  CreateChild(random, child_of("la:E08000035"));  // Leeds's, but no source supplies it
  CreateSourceRecord(FullSourceRecord("gro-births", "A", leeds_a));
  CreateSourceRecord(FullSourceRecord("nhs-pds", "A", leeds_a));  // listed once
  SourceRecord in_review = FullSourceRecord("gro-births", "B", leeds_b);
  in_review.state = LinkState::kReview;
  CreateSourceRecord(in_review);
  CreateSourceRecord(FullSourceRecord("gro-births", "C", york));
  CreateSourceRecord(FullSourceRecord("gro-births", "D", queued));
  CreateSourceRecord(FullSourceRecord("gro-births", "E", none));

  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  auto listed = [&](const std::string& accountable) {
    std::vector<ContactPointId> seen;
    EXPECT_TRUE(IsOk(tx->ForEachCurrentChildOf(accountable, [&](const domain::Child& child) {
      EXPECT_EQ(child.accountable->assignee, accountable);
      seen.push_back(child.id);
      return core::Status::Ok();
    })));
    return seen;
  };
  std::vector<ContactPointId> leeds = {leeds_a, leeds_b};
  std::sort(leeds.begin(), leeds.end(),
            [](const auto& a, const auto& b) { return a.number() < b.number(); });
  EXPECT_EQ(listed("la:E08000035"), leeds);
  EXPECT_EQ(listed("la:E06000014"), std::vector<ContactPointId>{york});
  EXPECT_EQ(listed("national:no-postcode"), std::vector<ContactPointId>{queued});
  EXPECT_TRUE(listed("la:E09000001").empty());
  const core::Status stop(core::ErrorCode::kStoreIo, "stop");
  EXPECT_EQ(tx->ForEachCurrentChildOf("la:E08000035", [&](const domain::Child&) { return stop; }),
            stop);
}

// The accountable authority is part of every rewrite of a child, whatever
// else changes or stays, and the authority's list follows it.
TEST_P(StoreContractTest, AChildsAuthorityFollowsEachRewrite) {
  ScriptedRandom random({97});
  domain::Child child = contract::MinimalChild(domain::ContactPointId());
  child.accountable = domain::Accountability{"la:E08000035", true};
  const ContactPointId id = CreateChild(random, child);
  child.id = id;
  CreateSourceRecord(FullSourceRecord("gro-births", "F", id));
  auto listed_under = [&](const std::string& accountable) {
    auto tx = store_->Begin(TxMode::kReadOnly);
    std::vector<ContactPointId> seen;
    if (!tx.ok()) {
      ADD_FAILURE() << tx.status().ToString();
      return seen;
    }
    EXPECT_TRUE(IsOk((*tx)->ForEachCurrentChildOf(accountable, [&](const domain::Child& c) {
      seen.push_back(c.id);
      return core::Status::Ok();
    })));
    return seen;
  };
  const std::vector<ContactPointId> just = {id};
  struct Step {
    std::optional<domain::Accountability> accountable;
    std::string family_name;
  };
  const Step steps[] = {
      {domain::Accountability{"la:E06000014", true}, "Smith"},   // only the authority
      {domain::Accountability{"la:E06000014", false}, "Smith"},  // only provisional
      {domain::Accountability{"la:E06000014", false}, "Jones"},  // all but the authority
      {std::nullopt, "Jones"},                                   // none
      {domain::Accountability{"national:no-postcode", false}, "Jones"},
  };
  for (TxMode mode : {TxMode::kReadWrite, TxMode::kAllOrNothing}) {
    for (const Step& step : steps) {
      child.accountable = step.accountable;
      child.name.family_name = domain::PersonalText(step.family_name);
      {
        CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(mode));
        CP_ASSERT_OK(tx->PutChild(child));
        CP_ASSERT_OK(tx->Commit());
      }
      CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
      CP_ASSERT_OK_AND_ASSIGN(domain::Child got, tx->GetChild(id));
      EXPECT_TRUE(SameChild(child, got));
      EXPECT_EQ(got.accountable, step.accountable);
      for (const char* authority : {"la:E08000035", "la:E06000014", "national:no-postcode"}) {
        const bool here = step.accountable && step.accountable->assignee == authority;
        EXPECT_EQ(listed_under(authority), here ? just : std::vector<ContactPointId>{})
            << authority;
      }
    }
    // Back to the start for the other mode.
    child.accountable = domain::Accountability{"la:E08000035", true};
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(mode));
    CP_ASSERT_OK(tx->PutChild(child));
    CP_ASSERT_OK(tx->Commit());
  }
  // Two versions in one all-or-nothing transaction: the second's authority.
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kAllOrNothing));
    child.accountable = domain::Accountability{"la:E06000014", false};
    CP_ASSERT_OK(tx->PutChild(child));
    child.accountable = domain::Accountability{"la:E08000035", false};
    CP_ASSERT_OK(tx->PutChild(child));
    CP_ASSERT_OK(tx->Commit());
  }
  EXPECT_EQ(listed_under("la:E08000035"), just);
  EXPECT_TRUE(listed_under("la:E06000014").empty());
}

TEST_P(StoreContractTest, CurrentChildrenAreThoseASourceStillSupplies) {
  const ContactPointId linked = CreateChild(71);
  const ContactPointId review = CreateChild(72);
  const ContactPointId gone = CreateChild(73);
  CreateChild(74);  // no source record at all
  CreateSourceRecord(FullSourceRecord("gro-births", "A", linked));
  CreateSourceRecord(FullSourceRecord("nhs-pds", "A", linked));  // two records, one child
  SourceRecord in_review = FullSourceRecord("gro-births", "B", review);
  in_review.state = LinkState::kReview;
  CreateSourceRecord(in_review);
  SourceRecord withdrawn = FullSourceRecord("gro-births", "C", std::nullopt);
  withdrawn.state = LinkState::kWithdrawn;
  CreateSourceRecord(withdrawn);
  CreateSourceRecord(FullSourceRecord("gro-births", "D", std::nullopt));  // sealed
  (void)gone;

  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  std::vector<ContactPointId> seen;
  ASSERT_TRUE(IsOk(tx->ForEachCurrentChild([&](const domain::Child& child) {
    seen.push_back(child.id);
    return core::Status::Ok();
  })));
  std::vector<ContactPointId> want = {linked, review};
  std::sort(want.begin(), want.end(),
            [](const auto& a, const auto& b) { return a.number() < b.number(); });
  EXPECT_EQ(seen, want);
  const core::Status stop(core::ErrorCode::kStoreIo, "stop");
  EXPECT_EQ(tx->ForEachCurrentChild([&](const domain::Child&) { return stop; }), stop);

  CP_ASSERT_OK_AND_ASSIGN(std::vector<SourceRecord> queue,
                          tx->SourceRecordsInState(LinkState::kReview, 10));
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_TRUE(SameSourceRecord(in_review, queue[0]));
  CP_ASSERT_OK_AND_ASSIGN(std::vector<SourceRecord> linked_records,
                          tx->SourceRecordsInState(LinkState::kLinked, 1));
  EXPECT_EQ(linked_records.size(), 1u);  // the limit holds
  EXPECT_TRUE(HasCode(tx->SourceRecordsInState(LinkState::kReview, 0).status(),
                      core::ErrorCode::kInvalidArgument));
}

// Enough children for a store that reads them in pages to need several, with
// the rows of children no source supplies any more among theirs: each child
// listed is the one GetChild reads, whole, and only current ones are listed.
TEST_P(StoreContractTest, CurrentChildrenAreReadWholeHoweverMany) {
  constexpr int kChildren = 2200;
  core::SecureRandom random;
  std::vector<ContactPointId> current;
  {
    CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadWrite));
    for (int i = 0; i < kChildren; ++i) {
      domain::Child child = i % 3 == 0 ? FullChild({}) : MinimalChild({});
      child.name.family_name = domain::PersonalText("Family" + std::to_string(i));
      if (i % 3 == 1) {
        child.other_names = {domain::PersonName{domain::PersonalText("Alias"),
                                                domain::PersonalText(std::to_string(i))}};
      }
      CP_ASSERT_OK_AND_ASSIGN(child.id, tx->AllocateChildId(random));
      ASSERT_TRUE(IsOk(tx->PutChild(child)));
      const bool supplied = i % 5 != 0;
      SourceRecord record =
          FullSourceRecord("gro-births", "K" + std::to_string(i),
                           supplied ? std::optional<ContactPointId>(child.id) : std::nullopt);
      record.state = supplied ? (i % 7 == 0 ? LinkState::kReview : LinkState::kLinked)
                              : LinkState::kWithdrawn;
      ASSERT_TRUE(IsOk(tx->PutSourceRecord(record)));
      if (supplied) current.push_back(child.id);
    }
    ASSERT_TRUE(IsOk(tx->Commit()));
  }
  std::sort(current.begin(), current.end(),
            [](const auto& a, const auto& b) { return a.number() < b.number(); });
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  std::vector<domain::Child> seen;
  ASSERT_TRUE(IsOk(tx->ForEachCurrentChild([&](const domain::Child& child) {
    seen.push_back(child);
    return core::Status::Ok();
  })));
  ASSERT_EQ(seen.size(), current.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    ASSERT_EQ(seen[i].id, current[i]) << i;
    CP_ASSERT_OK_AND_ASSIGN(domain::Child stored, tx->GetChild(current[i]));
    ASSERT_TRUE(SameChild(stored, seen[i])) << i;
  }
}

TEST_P(StoreContractTest, ARecordWithoutADecisionKeepsNone) {
  const ContactPointId id = CreateChild(75);
  SourceRecord record = FullSourceRecord("gro-births", "no-decision", id);
  record.decision.reset();
  CreateSourceRecord(record);
  CP_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kReadOnly));
  CP_ASSERT_OK_AND_ASSIGN(SourceRecord got, tx->GetSourceRecord(record.source, record.key));
  EXPECT_FALSE(got.decision.has_value());
}

}  // namespace
}  // namespace cp::storage
