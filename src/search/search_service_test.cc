#include "search/search_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include "access/roles.h"
#include "domain/validation.h"
#include "ingest/testing/linker_suite.h"
#include "storage/sqlite/sqlite_store.h"

namespace cp::search {
namespace {

namespace fs = std::filesystem;
using access::Role;
using core::ErrorCode;
using domain::ContactPointId;
using std::chrono::January;

const std::string kLeeds = "la:E08000035";
const std::string kYork = "la:E06000014";

core::Sensitive<std::string> S(const char* text) { return core::Sensitive<std::string>(text); }

// Record states set by the test, over what the store says.
class FakeStates final : public RecordStates {
 public:
  core::StatusOr<RecordState> StateOf(storage::Transaction& tx,
                                      const domain::Child& child) const override {
    auto it = states.find(child.id);
    if (it != states.end()) return it->second;
    return StoredRecordStates().StateOf(tx, child);
  }
  std::map<ContactPointId, RecordState> states;
};

domain::Child Child(const std::string& given, const std::string& family,
                    domain::Date dob = std::chrono::year{2015} / January / std::chrono::day{2}) {
  domain::Child c;
  c.name = domain::PersonName{domain::PersonalText(given), domain::PersonalText(family)};
  c.gender = domain::Gender::kFemale;
  c.date_of_birth = core::Sensitive<domain::Date>(dob);
  c.accountable = domain::Accountability{kLeeds, false};
  return c;
}

domain::Involvement Service(domain::ServiceType type, const std::string& name,
                            std::optional<std::string> code = std::nullopt) {
  domain::Involvement inv;
  inv.type = type;
  inv.organisation.name = name;
  inv.organisation.code = std::move(code);
  if (domain::ClassOf(type) == domain::ServiceClass::kSensitive) {
    inv.consent = domain::SensitiveConsent{domain::SensitiveConsent::GivenBy::kChild,
                                           std::chrono::year{2025} / January / std::chrono::day{3}};
  }
  return inv;
}

identity::SessionContext Session(Role role, const std::string& organisation,
                                 std::int64_t user_id) {
  identity::SessionContext s;
  s.account.user.id = user_id;
  s.account.user.username = "user" + std::to_string(user_id);
  s.account.role = role;
  s.account.organisation.id = access::OrganisationId(organisation);
  s.account.organisation.type = organisation.starts_with("la:")
                                    ? access::OrganisationType::kLocalAuthority
                                    : access::OrganisationType::kNationalOperator;
  s.account.organisation.accreditation = access::AccreditationState::kAccredited;
  return s;
}

class SearchServiceTest : public ingest::testing::LinkerSuite {
 protected:

  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cp_search_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::move(*storage::SqliteStore::Open((dir_ / "cp.db").string(), clock_));
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    linker_->Invalidate();  // each test has a store of its own
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    storage::SourceEntry s;
    s.id = domain::SourceId("gro-births");
    s.name = "Test source";
    s.state = domain::SourceState::kActive;
    ASSERT_TRUE((*tx)->PutSource(s).ok());
    for (const std::string& la : {kLeeds, kYork}) {
      ASSERT_TRUE((*tx)->PutOrganisation(storage::OrganisationEntry{la, "Council " + la,
                                                                    "local_authority", "accredited",
                                                                    std::nullopt, clock_.Now()})
                      .ok());
    }
    ASSERT_TRUE((*tx)->Commit().ok());
    sw_ = Registered(Session(Role::kSocialWorker, kLeeds, 0), "Sam Smith");
    team_ = Registered(Session(Role::kContactPointManager, kLeeds, 0), "Kim Jones");
    Reopen({});
  }

  // The session's user, written to the store (alerts name stored users).
  identity::SessionContext Registered(identity::SessionContext s,
                                      const std::string& display_name = "Pat Doe") {
    storage::UserEntry& u = s.account.user;
    u.username = "user" + std::to_string(++users_);
    u.display_name = display_name;
    u.organisation = s.account.organisation.id.value();
    u.role = std::string(access::Describe(s.account.role).code);
    u.created_at = u.updated_at = clock_.Now();
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    auto id = (*tx)->PutUser(u);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_TRUE((*tx)->Commit().ok());
    u.id = id.ok() ? *id : 0;
    return s;
  }

  std::vector<storage::MisuseAlertEntry> Alerts() {
    auto tx = store_->Begin(storage::TxMode::kReadOnly);
    return *(*tx)->ListMisuseAlerts({.include_reviewed = true, .limit = 1000});
  }
  void TearDown() override {
    service_.reset();
    audit_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  void Reopen(SearchOptions options) {
    if (options.limits.per_hour == VolumeLimits{}.per_hour) options.limits = {10'000, 10'000};
    service_ = std::make_unique<SearchService>(
        SearchDeps{*store_, *audit_, clock_, *linker_, states_}, options);
  }

  ContactPointId Add(domain::Child child) {
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    auto id = (*tx)->AllocateChildId(random_);
    EXPECT_TRUE(id.ok());
    child.id = *id;
    EXPECT_TRUE((*tx)->PutChild(child).ok());
    storage::SourceRecord r;
    r.source = domain::SourceId("gro-births");
    r.key = domain::SourceKey("K" + std::to_string(++keys_));
    r.child = *id;
    r.state = storage::LinkState::kLinked;
    r.batch = domain::BatchId("b1");
    r.extracted_at = r.received_at = clock_.Now();
    r.data = child;
    r.data.accountable.reset();
    const core::Status put = (*tx)->PutSourceRecord(r);
    EXPECT_TRUE(put.ok()) << put.ToString();
    EXPECT_TRUE((*tx)->Commit().ok());
    return *id;
  }

  std::vector<audit::LoggedEvent> Events(audit::Action action) {
    audit::AuditQuery query;
    query.action = action;
    query.limit = 1000;
    return *audit_->Query(query);
  }

  std::vector<ContactPointId> Ids(const SearchAnswer& answer) {
    std::vector<ContactPointId> ids;
    for (const SearchHit& hit : answer.hits) ids.push_back(hit.child);
    return ids;
  }

  static bool Has(const std::vector<Agreement>& why, const std::string& criterion) {
    for (const Agreement& a : why) {
      if (a.criterion == criterion) return true;
    }
    return false;
  }

  fs::path dir_;
  core::FakeClock clock_{core::FromUnixMillis(1'795'000'000'000)};  // 2026-11
  core::SecureRandom random_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  FakeStates states_;
  std::unique_ptr<SearchService> service_;
  int keys_ = 0;
  int users_ = 0;
  identity::SessionContext sw_;
  identity::SessionContext team_;
};

TEST_F(SearchServiceTest, TenMatchesAreListedElevenAskToRefine) {
  const std::vector<std::string> names = {"Ann",  "Beth", "Cara", "Dora", "Edna", "Faye",
                                          "Gwen", "Hilda", "Iris", "Judy"};
  for (const std::string& n : names) Add(Child(n, "Lee"));
  Add(Child("Ann", "Okafor"));  // another family: never a match
  const SearchCriteria criteria{.family_name = S("Lee"), .date_of_birth = S("2015-01-02")};
  auto ten = service_->Search(sw_, criteria);
  ASSERT_TRUE(ten.ok()) << ten.status().ToString();
  EXPECT_EQ(ten->outcome, SearchAnswer::Outcome::kResults);
  ASSERT_EQ(ten->hits.size(), 10u);
  for (const SearchHit& hit : ten->hits) {
    EXPECT_TRUE(Has(hit.why, "family_name"));
    EXPECT_TRUE(Has(hit.why, "date_of_birth"));
    EXPECT_FALSE(Has(hit.why, "given_name"));
  }
  Add(Child("Kate", "Lee"));
  auto eleven = service_->Search(sw_, criteria);
  ASSERT_TRUE(eleven.ok());
  EXPECT_EQ(eleven->outcome, SearchAnswer::Outcome::kTooManyMatches);
  EXPECT_TRUE(eleven->hits.empty());
  const auto events = Events(audit::Action::kSearch);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].event.children.empty()) << "no list: no IDs";
  EXPECT_EQ(events[1].event.children, Ids(*ten));
  // Criteria go to the criteria table, as codes into the event.
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto stored = (*tx)->GetAuditCriteria(events[1].index);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->Reveal(), "{\"family_name\":\"Lee\",\"date_of_birth\":\"2015-01-02\"}");
  const auto& counts = events[1].event.counts;
  EXPECT_NE(std::find(counts.begin(), counts.end(),
                      std::pair<std::string, std::int64_t>{"criterion_family_name", 1}),
            counts.end());
  EXPECT_NE(std::find(counts.begin(), counts.end(),
                      std::pair<std::string, std::int64_t>{"shown", 10}),
            counts.end());
}

TEST_F(SearchServiceTest, BestFirstAndEachMinimumCombinationFindsTheChild) {
  domain::Child ann = Child("Ann", "Lee");
  ann.address = domain::Address{core::Sensitive<std::vector<std::string>>({"1 High Street"}),
                                domain::PersonalText("LS1 4AB")};
  const ContactPointId id = Add(ann);
  const ContactPointId sister = Add(Child("Beth", "Lee"));
  struct Case {
    const char* name;
    SearchCriteria criteria;
    bool ann_alone_fits = true;  // else Ann and her sister fit it equally
  };
  const std::vector<Case> cases = {
      {"family+given", {.given_names = S("Ann"), .family_name = S("Lee")}},
      {"family+dob", {.family_name = S("Lee"), .date_of_birth = S("2015-01-02")}, false},
      {"family+year", {.given_names = S("Anne"), .family_name = S("Lee"), .date_of_birth = S("2015")}},
      {"family+postcode", {.family_name = S("Lee"), .postcode = S("ls14ab")}},
      {"full", {.given_names = S("Ann"), .family_name = S("Lee"), .date_of_birth = S("2015-01-02"),
                .gender = S("female"), .postcode = S("LS1 4AB")}},
      {"contactpoint id", {.contactpoint_id = core::Sensitive<std::string>(id.ToString())}},
  };
  for (const Case& c : cases) {
    auto answer = service_->Search(sw_, c.criteria);
    ASSERT_TRUE(answer.ok()) << c.name << ": " << answer.status().ToString();
    ASSERT_FALSE(answer->hits.empty()) << c.name;
    if (c.ann_alone_fits) {
      EXPECT_EQ(answer->hits.front().child, id) << c.name << ": the best match first";
    } else {
      EXPECT_EQ(answer->hits.size(), 2u) << c.name;
      EXPECT_TRUE(answer->hits[0].child == id || answer->hits[1].child == id) << c.name;
    }
    for (std::size_t i = 1; i < answer->hits.size(); ++i) {
      EXPECT_GE(answer->hits[i - 1].score, answer->hits[i].score) << c.name;
    }
  }
  // Ann's given name narrows the search: her sister, whom only the family
  // name and date of birth fit, is far less likely and not a result...
  auto ann_only = service_->Search(sw_, {.given_names = S("Ann"), .family_name = S("Lee"),
                                         .date_of_birth = S("2015-01-02")});
  ASSERT_TRUE(ann_only.ok());
  EXPECT_EQ(Ids(*ann_only), (std::vector<ContactPointId>{id}));
  EXPECT_TRUE(Has(ann_only->hits[0].why, "given_name"));
  // ...but with a relevance margin wide enough she is, below Ann.
  Reopen(SearchOptions{.relevance_bits = 100});
  auto both = service_->Search(sw_, {.given_names = S("Ann"), .family_name = S("Lee"),
                                     .date_of_birth = S("2015-01-02")});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(Ids(*both), (std::vector<ContactPointId>{id, sister}));
  EXPECT_TRUE(Has(both->hits[0].why, "given_name"));
  EXPECT_FALSE(Has(both->hits[1].why, "given_name"));
}

TEST_F(SearchServiceTest, AOneLetterSlipInTheFamilyNameIsForgivenWhenNameAndBirthDateAgree) {
  const ContactPointId id = Add(Child("Olivia", "Hall"));
  Add(Child("Olivia", "Hill", std::chrono::year{2016} / January / std::chrono::day{2}));
  // "Hsll": one letter mistyped, neither close (Jaro-Winkler) nor alike
  // (phonetic) to the comparator.
  auto answer = service_->Search(sw_, {.given_names = S("Olivia"), .family_name = S("Hsll"),
                                       .date_of_birth = S("2015-01-02")});
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_EQ(Ids(*answer), std::vector<ContactPointId>{id});
  // Without the exact date of birth a slip is not enough.
  auto by_year = service_->Search(sw_, {.given_names = S("Olivia"), .family_name = S("Hsll"),
                                        .date_of_birth = S("2015")});
  ASSERT_TRUE(by_year.ok());
  EXPECT_TRUE(by_year->hits.empty());
  // Nor with another given name.
  auto other = service_->Search(sw_, {.given_names = S("Grace"), .family_name = S("Hsll"),
                                      .date_of_birth = S("2015-01-02")});
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->hits.empty());
}

TEST_F(SearchServiceTest, MoreCriteriaNarrowTheResults) {
  // Twelve namesakes: too many for a name alone...
  std::vector<ContactPointId> ids;
  for (int i = 0; i < 12; ++i) {
    domain::Child c = Child("Oliver", "Smith", std::chrono::year{2010 + i % 6} / std::chrono::March /
                                                   std::chrono::day{1 + static_cast<unsigned>(i)});
    c.address = domain::Address{core::Sensitive<std::vector<std::string>>({"1 High Street"}),
                                domain::PersonalText(i == 7 ? "LS6 2AB" : "LS1 4AB")};
    ids.push_back(Add(c));
  }
  auto name = service_->Search(sw_, {.given_names = S("Oliver"), .family_name = S("Smith")});
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->outcome, SearchAnswer::Outcome::kTooManyMatches);
  // ...and the one postcode that only one of them has finds that one.
  auto postcode = service_->Search(
      sw_, {.given_names = S("Oliver"), .family_name = S("Smith"), .postcode = S("LS6 2AB")});
  ASSERT_TRUE(postcode.ok());
  EXPECT_EQ(postcode->outcome, SearchAnswer::Outcome::kResults);
  EXPECT_EQ(Ids(*postcode), std::vector<ContactPointId>{ids[7]});
}

TEST_F(SearchServiceTest, AliasesAreSearched) {
  domain::Child child = Child("Ann", "Lee");
  child.other_names.push_back(
      domain::PersonName{domain::PersonalText("Ann"), domain::PersonalText("Smith")});
  const ContactPointId id = Add(child);
  auto answer = service_->Search(
      sw_, {.given_names = S("Ann"), .family_name = S("Smith"), .date_of_birth = S("2015-01-02")});
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_EQ(Ids(*answer), std::vector<ContactPointId>{id});
  EXPECT_TRUE(Has(answer->hits[0].why, "other_names"));
}

TEST_F(SearchServiceTest, AShieldedChildIsNeverFoundThroughItsPostcodeOrSchoolExceptByTheTeam) {
  domain::Child child = Child("Ann", "Lee");
  child.address = domain::Address{core::Sensitive<std::vector<std::string>>({"1 High Street"}),
                                  domain::PersonalText("LS1 4AB")};
  child.involvements.push_back(Service(domain::ServiceType::kSchool, "Leeds Primary", "URN:107999"));
  const ContactPointId id = Add(child);
  const SearchCriteria by_postcode{.family_name = S("Lee"), .postcode = S("LS1 4AB")};
  const SearchCriteria by_school{.family_name = S("Lee"), .date_of_birth = S("2015"),
                                 .school = S("URN:107999")};
  // Not shielded: found both ways.
  EXPECT_EQ(Ids(*service_->Search(sw_, by_postcode)), std::vector<ContactPointId>{id});
  EXPECT_EQ(Ids(*service_->Search(sw_, by_school)), std::vector<ContactPointId>{id});

  states_.states[id] = RecordState{.shielded = true};
  EXPECT_TRUE(service_->Search(sw_, by_postcode)->hits.empty());
  EXPECT_TRUE(service_->Search(sw_, by_school)->hits.empty());
  EXPECT_TRUE(service_->Search(Session(Role::kSocialWorker, kYork, 103), by_postcode)->hits.empty());
  // The accountable team finds it.
  EXPECT_EQ(Ids(*service_->Search(team_, by_postcode)), std::vector<ContactPointId>{id});
  // By name and date of birth anyone may find it, seeing the identity core only,
  // and the postcode given does not show in why it matched.
  auto by_name = service_->Search(sw_, {.given_names = S("Ann"), .family_name = S("Lee"),
                                        .date_of_birth = S("2015-01-02"),
                                        .postcode = S("LS1 4AB")});
  ASSERT_TRUE(by_name.ok());
  ASSERT_EQ(Ids(*by_name), std::vector<ContactPointId>{id});
  EXPECT_FALSE(Has(by_name->hits[0].why, "postcode"));
  EXPECT_EQ(by_name->hits[0].shown.field_groups, std::vector<std::string>{"identity_core"});
  EXPECT_FALSE(by_name->hits[0].shown.child.address.has_value());
}

TEST_F(SearchServiceTest, AShieldedChildIsNeverFoundThroughAFormerNameOrAnIdentifierItHides) {
  domain::Child child = Child("Ann", "Lee");
  child.other_names.push_back(
      domain::PersonName{domain::PersonalText("Ann"), domain::PersonalText("Smith")});
  child.identifiers.nhs_number = domain::PersonalText("9434765919");
  const ContactPointId id = Add(child);
  const SearchCriteria by_alias{.given_names = S("Ann"), .family_name = S("Smith"),
                                .date_of_birth = S("2015-01-02")};
  const SearchCriteria by_nhs{.nhs_number = S("9434765919")};
  EXPECT_EQ(Ids(*service_->Search(sw_, by_alias)), std::vector<ContactPointId>{id});
  EXPECT_EQ(Ids(*service_->Search(sw_, by_nhs)), std::vector<ContactPointId>{id});
  states_.states[id] = RecordState{.shielded = true};
  EXPECT_TRUE(service_->Search(sw_, by_alias)->hits.empty());
  EXPECT_TRUE(service_->Search(sw_, by_nhs)->hits.empty());
  // The accountable team still does; anyone, by the name shown.
  EXPECT_EQ(Ids(*service_->Search(team_, by_alias)), std::vector<ContactPointId>{id});
  EXPECT_EQ(Ids(*service_->Search(team_, by_nhs)), std::vector<ContactPointId>{id});
  EXPECT_EQ(Ids(*service_->Search(sw_, {.given_names = S("Ann"), .family_name = S("Lee"),
                                        .date_of_birth = S("2015-01-02")})),
            std::vector<ContactPointId>{id});
}

TEST_F(SearchServiceTest, AViewMasksShieldedRecordsAndSensitiveServices) {
  domain::Child child = Child("Ann", "Lee");
  child.address = domain::Address{core::Sensitive<std::vector<std::string>>({"1 High Street"}),
                                  domain::PersonalText("LS1 4AB")};
  child.involvements.push_back(Service(domain::ServiceType::kSchool, "Leeds Primary", "URN:107999"));
  child.involvements.push_back(Service(domain::ServiceType::kMentalHealth, "CAMHS Leeds"));
  const ContactPointId id = Add(child);
  const ReasonInput reason{"child_protection", std::nullopt, std::nullopt};

  auto ordinary = service_->View(sw_, id.ToString(), reason);
  ASSERT_TRUE(ordinary.ok()) << ordinary.status().ToString();
  ASSERT_EQ(ordinary->shown.involvements.size(), 2u);
  EXPECT_EQ(ordinary->shown.involvements[0].visibility, access::InvolvementVisibility::kFull);
  EXPECT_EQ(ordinary->shown.involvements[1].visibility, access::InvolvementVisibility::kUnspecified);
  EXPECT_EQ(ordinary->shown.involvements[1].entry, domain::Involvement{}) << "nothing of it shown";
  EXPECT_TRUE(ordinary->shown.child.address.has_value());

  auto team = service_->View(team_, id.ToString(), reason);
  ASSERT_TRUE(team.ok());
  EXPECT_EQ(team->shown.involvements[1].visibility, access::InvolvementVisibility::kFull);

  states_.states[id] = RecordState{.shielded = true};
  auto shielded = service_->View(sw_, id.ToString(), reason);
  ASSERT_TRUE(shielded.ok());
  EXPECT_EQ(shielded->shown.field_groups, std::vector<std::string>{"identity_core"});
  EXPECT_FALSE(shielded->shown.child.address.has_value());
  EXPECT_TRUE(shielded->shown.involvements.empty());
  EXPECT_EQ(shielded->shown.child.name, child.name);

  const auto events = Events(audit::Action::kViewRecord);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event.children, std::vector<ContactPointId>{id});
  EXPECT_EQ(events[0].event.reason, "child_protection");
  EXPECT_EQ(events[0].event.counts,
            (std::vector<std::pair<std::string, std::int64_t>>{{"alert_shielded_access", 1},
                                                               {"shown_identity_core", 1}}));
  // Opening the shielded record alerted the ContactPoint Manager; the team's
  // own view of it (whereabouts shown) would not have.
  const auto alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, "shielded_access");
  EXPECT_EQ(alerts[0].user_id, sw_.account.user.id);
  EXPECT_EQ(alerts[0].child, id);
  EXPECT_EQ(alerts[0].accountable, kLeeds);
  EXPECT_EQ(alerts[0].audit_index, shielded->audit_index);
  ASSERT_TRUE(service_->View(team_, id.ToString(), reason).ok());
  EXPECT_EQ(Alerts().size(), 1u);
}

TEST_F(SearchServiceTest, AMergedAwayIdRedirectsAndSaysSo) {
  const ContactPointId gone = Add(Child("Ann", "Lee"));
  const ContactPointId survivor = Add(Child("Anne", "Lee"));
  {
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    ASSERT_TRUE((*tx)->DeleteChild(gone).ok());
    ASSERT_TRUE((*tx)->AddRedirect(gone, survivor).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto view = service_->View(sw_, gone.ToString(), {"assessment", std::nullopt, std::nullopt});
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_TRUE(view->redirected());
  EXPECT_EQ(view->id, survivor);
  auto found = service_->Search(sw_, {.contactpoint_id = core::Sensitive(gone.ToString())});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->redirected_from, gone);
  EXPECT_EQ(Ids(*found), std::vector<ContactPointId>{survivor});
  const auto events = Events(audit::Action::kViewRecord);
  EXPECT_EQ(events[0].event.children, (std::vector<ContactPointId>{survivor, gone}));
}

TEST_F(SearchServiceTest, AViewNeedsAValidReasonAndEveryRefusalIsAudited) {
  const ContactPointId id = Add(Child("Ann", "Lee"));
  struct Case {
    ReasonInput reason;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {{std::nullopt, std::nullopt, std::nullopt}, ErrorCode::kReasonRequired},
      {{"nosy", std::nullopt, std::nullopt}, ErrorCode::kInvalidReason},
      {{"assessment", std::string(201, 'x'), std::nullopt}, ErrorCode::kInvalidReason},
      {{"assessment", "two\nlines", std::nullopt}, ErrorCode::kInvalidReason},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(service_->View(sw_, id.ToString(), c.reason).status().code(), c.code);
  }
  EXPECT_EQ(service_->View(sw_, "123", {"assessment", std::nullopt, std::nullopt}).status().code(),
            ErrorCode::kInvalidContactPointId);
  const auto refused = Events(audit::Action::kViewRecord);
  ASSERT_EQ(refused.size(), 5u);
  for (const auto& e : refused) EXPECT_EQ(e.event.outcome, audit::Outcome::kRefused);
  EXPECT_EQ(refused[4].event.refusal, "reason_required");
  EXPECT_EQ(refused[3].event.reason, "") << "an unknown code is not logged";
  // A reason with text: the text is kept in the criteria table only.
  auto ok = service_->View(sw_, id.ToString(), {"assessment", "Home visit", std::nullopt});
  ASSERT_TRUE(ok.ok());
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  auto text = (*tx)->GetAuditCriteria(ok->audit_index);
  ASSERT_TRUE(text.ok() && text->has_value());
  EXPECT_EQ((*text)->Reveal(), "{\"reason_text\":\"Home visit\"}");
}

TEST_F(SearchServiceTest, RefusedSearchesAreAuditedWithTheirCode) {
  Add(Child("Ann", "Lee"));
  EXPECT_EQ(service_->Search(sw_, {.family_name = S("Lee")}).status().code(),
            ErrorCode::kInsufficientSearchCriteria);
  EXPECT_EQ(service_->Search(sw_, {.given_names = S("A%"), .family_name = S("Lee")})
                .status().code(), ErrorCode::kWildcardNotAllowed);
  const auto events = Events(audit::Action::kSearch);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event.outcome, audit::Outcome::kRefused);
  EXPECT_EQ(events[0].event.refusal, "wildcard_not_allowed");
  EXPECT_EQ(events[1].event.refusal, "insufficient_search_criteria");
}

TEST_F(SearchServiceTest, TheVolumeLimitRefusesAtTheBoundaryAndReopensAnHourLater) {
  Reopen(SearchOptions{.limits = {.per_hour = 3, .per_day = 100}});
  Add(Child("Ann", "Lee"));
  const SearchCriteria criteria{.given_names = S("Ann"), .family_name = S("Lee")};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(service_->Search(sw_, criteria).ok()) << i;
    clock_.Advance(std::chrono::minutes(1));
  }
  auto refused = service_->Search(sw_, criteria);
  EXPECT_EQ(refused.status().code(), ErrorCode::kSearchLimitReached);
  EXPECT_TRUE(service_->Search(team_, criteria).ok()) << "per user";
  EXPECT_EQ(Events(audit::Action::kSearch)[1].event.refusal, "search_limit_reached");
  clock_.Advance(std::chrono::minutes(57));
  EXPECT_TRUE(service_->Search(sw_, criteria).ok());
}

TEST_F(SearchServiceTest, EveryViewAttemptCountsAgainstTheViewLimitFoundOrNot) {
  Reopen(SearchOptions{.limits = {.per_hour = 3, .per_day = 100}});
  const ContactPointId id = Add(Child("Ann", "Lee"));
  const ReasonInput reason{"service_delivery", std::nullopt, std::nullopt};
  ASSERT_TRUE(service_->View(sw_, id.ToString(), reason).ok());
  EXPECT_EQ(service_->View(sw_, "123456789018", reason).status().code(),
            ErrorCode::kChildNotFound);  // an unknown ID (valid check digit)
  EXPECT_EQ(service_->View(sw_, "123456789018", reason).status().code(),
            ErrorCode::kChildNotFound);
  EXPECT_EQ(service_->View(sw_, id.ToString(), reason).status().code(),
            ErrorCode::kSearchLimitReached);
  EXPECT_EQ(Events(audit::Action::kViewRecord).front().event.refusal, "search_limit_reached");
  EXPECT_TRUE(service_->Search(sw_, {.given_names = S("Ann"), .family_name = S("Lee")}).ok())
      << "searches are counted apart";
  clock_.Advance(std::chrono::hours(1));
  EXPECT_TRUE(service_->View(sw_, id.ToString(), reason).ok());
}

TEST_F(SearchServiceTest, SearchingOnesOwnFamilyNameOrAddressAlertsAndRepeatsAddOccurrences) {
  {
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    storage::UserEntry user = *(*tx)->GetUser(sw_.account.user.id);
    user.home_postcode = "LS1 4AB";
    ASSERT_TRUE((*tx)->PutUser(user).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
    sw_.account.user = user;
  }
  Add(Child("Ann", "Smith"));
  auto own = service_->Search(sw_, {.given_names = S("Ann"), .family_name = S("SMITH")});
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->hits.size(), 1u) << "the search still answers";
  auto alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, "own_family_name");
  EXPECT_EQ(alerts[0].user_id, sw_.account.user.id);
  EXPECT_EQ(alerts[0].organisation, kLeeds);
  EXPECT_EQ(alerts[0].audit_index, own->audit_index);
  EXPECT_EQ(alerts[0].occurrences, 1);
  EXPECT_FALSE(alerts[0].child.has_value());
  const auto event = Events(audit::Action::kSearch).front().event;
  EXPECT_NE(std::find(event.counts.begin(), event.counts.end(),
                      std::pair<std::string, std::int64_t>{"alert_own_family_name", 1}),
            event.counts.end());

  clock_.Advance(std::chrono::minutes(5));
  auto again = service_->Search(sw_, {.family_name = S("Smith"), .postcode = S("ls1 4ab")});
  ASSERT_TRUE(again.ok());
  alerts = Alerts();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].kind, "own_address");
  EXPECT_EQ(alerts[1].kind, "own_family_name");
  EXPECT_EQ(alerts[1].occurrences, 2);
  EXPECT_EQ(alerts[1].audit_index, again->audit_index) << "names the latest occurrence";
  EXPECT_EQ(alerts[1].last_seen_at, clock_.Now());
  // Someone else searching the same name raises nothing.
  ASSERT_TRUE(service_->Search(team_, {.given_names = S("Ann"), .family_name = S("Smith")}).ok());
  EXPECT_EQ(Alerts().size(), 2u);
}

TEST_F(SearchServiceTest, ManySearchesWithoutOpeningARecordAlert) {
  Reopen(SearchOptions{.misuse = {.hard_per_day = 1000, .searches_without_view = 3}});
  const ContactPointId id = Add(Child("Ann", "Lee"));
  const SearchCriteria criteria{.given_names = S("Ann"), .family_name = S("Lee")};
  const SearchCriteria nobody{.given_names = S("Zed"), .family_name = S("Quill")};
  ASSERT_TRUE(service_->Search(sw_, criteria).ok());
  ASSERT_TRUE(service_->Search(sw_, nobody).ok()) << "a search finding no one does not count";
  ASSERT_TRUE(service_->Search(sw_, criteria).ok());
  ASSERT_TRUE(service_->View(sw_, id.ToString(), {"assessment", std::nullopt, std::nullopt}).ok());
  ASSERT_TRUE(service_->Search(sw_, criteria).ok());
  ASSERT_TRUE(service_->Search(sw_, criteria).ok());
  EXPECT_TRUE(Alerts().empty()) << "a view started the count again";
  auto third = service_->Search(sw_, criteria);
  ASSERT_TRUE(third.ok());
  const auto alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, "searches_without_view");
  EXPECT_EQ(alerts[0].audit_index, third->audit_index);
}

TEST_F(SearchServiceTest, VolumeRefusalsAlertAndTheHardLimitSuspendsTheUser) {
  Reopen(SearchOptions{.limits = {.per_hour = 2, .per_day = 100},
                       .misuse = {.hard_per_day = 4, .searches_without_view = 1000}});
  Add(Child("Ann", "Lee"));
  {
    auto tx = store_->Begin(storage::TxMode::kReadWrite);
    storage::SessionEntry session{std::string(64, 'a'), sw_.account.user.id, std::nullopt,
                                  clock_.Now(), clock_.Now()};
    ASSERT_TRUE((*tx)->PutSession(session).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  const SearchCriteria criteria{.given_names = S("Ann"), .family_name = S("Lee")};
  ASSERT_TRUE(service_->Search(sw_, criteria).ok());
  ASSERT_TRUE(service_->Search(sw_, criteria).ok());
  EXPECT_EQ(service_->Search(sw_, criteria).status().code(), ErrorCode::kSearchLimitReached);
  auto alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, "search_volume");
  EXPECT_FALSE(alerts[0].suspended);
  EXPECT_EQ(alerts[0].audit_index, Events(audit::Action::kSearch).front().index);

  // The fourth attempt in a day reaches the hard limit.
  const auto refused = service_->Search(sw_, criteria);
  EXPECT_EQ(refused.status().code(), ErrorCode::kSuspendedForMisuse);
  EXPECT_NE(refused.status().message().find("User Manager can reinstate"), std::string::npos);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  EXPECT_EQ((*tx)->GetUser(sw_.account.user.id)->account_state, "suspended");
  EXPECT_FALSE((*tx)->GetSession(std::string(64, 'a'))->has_value()) << "its sessions ended";
  tx->reset();
  alerts = Alerts();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].kind, "suspended");
  EXPECT_TRUE(alerts[0].suspended);
  const auto searches = Events(audit::Action::kSearch);
  EXPECT_EQ(searches.front().event.refusal, "suspended_for_misuse");
  EXPECT_EQ(alerts[0].audit_index, searches.front().index);
  const auto managed = Events(audit::Action::kManageUser);
  ASSERT_EQ(managed.size(), 1u);
  EXPECT_EQ(managed[0].event.actor.kind, audit::PrincipalKind::kSystem);
  EXPECT_EQ(managed[0].event.reason, "suspend_automatically");
  EXPECT_EQ(managed[0].event.subject, "user:" + std::to_string(sw_.account.user.id));
  // The team's searches are untouched.
  EXPECT_TRUE(service_->Search(team_, criteria).ok());
}

// A request that could not be read as a search or a view is an attempt
// like any other: audited as refused, and counted towards the hard limit.
TEST_F(SearchServiceTest, UnreadableRequestsAreAuditedAndCountTowardsTheHardLimit) {
  Reopen(SearchOptions{.limits = {.per_hour = 100, .per_day = 100},
                       .misuse = {.hard_per_day = 3, .searches_without_view = 1000}});
  const ContactPointId ann = Add(Child("Ann", "Lee"));
  const core::Status unreadable(ErrorCode::kInvalidArgument, "unknown field 'surname'");
  EXPECT_EQ(service_->RefuseUnreadableSearch(sw_, unreadable).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_->RefuseUnreadableView(sw_, ann.ToString(), unreadable).code(),
            ErrorCode::kInvalidArgument);
  const auto searches = Events(audit::Action::kSearch);
  ASSERT_EQ(searches.size(), 1u);
  EXPECT_EQ(searches[0].event.outcome, audit::Outcome::kRefused);
  EXPECT_EQ(searches[0].event.refusal, "invalid_argument");
  const auto views = Events(audit::Action::kViewRecord);
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].event.refusal, "invalid_argument");
  EXPECT_EQ(views[0].event.children, std::vector<ContactPointId>{ann});
  // Two more unreadable searches: the third search attempt of the day
  // reaches the hard limit (views are counted apart).
  EXPECT_EQ(service_->RefuseUnreadableSearch(sw_, unreadable).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_->RefuseUnreadableSearch(sw_, unreadable).code(),
            ErrorCode::kSuspendedForMisuse);
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  EXPECT_EQ((*tx)->GetUser(sw_.account.user.id)->account_state, "suspended");
}

TEST_F(SearchServiceTest, ViewVolumeRefusalsAlertAndTheHardLimitCountsViewsToo) {
  Reopen(SearchOptions{.limits = {.per_hour = 1, .per_day = 100},
                       .misuse = {.hard_per_day = 3, .searches_without_view = 1000}});
  const ContactPointId id = Add(Child("Ann", "Lee"));
  const ReasonInput reason{"assessment", std::nullopt, std::nullopt};
  ASSERT_TRUE(service_->View(sw_, id.ToString(), reason).ok());
  EXPECT_EQ(service_->View(sw_, id.ToString(), reason).status().code(),
            ErrorCode::kSearchLimitReached);
  auto alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, "view_volume");
  EXPECT_EQ(service_->View(sw_, id.ToString(), reason).status().code(),
            ErrorCode::kSuspendedForMisuse);
  alerts = Alerts();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].kind, "suspended");
  auto tx = store_->Begin(storage::TxMode::kReadOnly);
  EXPECT_EQ((*tx)->GetUser(sw_.account.user.id)->account_state, "suspended");
}

TEST_F(SearchServiceTest, AnAlertThatCannotBeWrittenFailsTheSearchAndWritesNothing) {
  // A session whose user is not in the store: the alert's write fails, so
  // the search's audit event (same transaction) is not written either.
  identity::SessionContext ghost = Session(Role::kSocialWorker, kLeeds, 9999);
  ghost.account.user.display_name = "Ghost Lee";
  Add(Child("Ann", "Lee"));
  auto answer = service_->Search(ghost, {.given_names = S("Ann"), .family_name = S("Lee")});
  EXPECT_EQ(answer.status().code(), ErrorCode::kUserNotFound);
  EXPECT_TRUE(Events(audit::Action::kSearch).empty());
  EXPECT_TRUE(Alerts().empty());
}

// Searches share the index and read on readers of their own: several threads
// search at once while records change (each change makes the next search
// bring the index up to date alone). Every search answers, finds the child,
// and has exactly one audit event; a child added meanwhile is found after.
TEST_F(SearchServiceTest, SearchesRunAtOnceBesideChangesAndEachIsAudited) {
  const ContactPointId ann = Add(Child("Ann", "Lee"));
  const SearchCriteria criteria{.given_names = S("Ann"), .family_name = S("Lee"),
                                .date_of_birth = S("2015-01-02")};
  constexpr int kThreads = 4;
  constexpr int kEach = 15;
  std::atomic<int> found{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> searchers;
  for (int t = 0; t < kThreads; ++t) {
    searchers.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto answer = service_->Search(sw_, criteria);
        if (!answer.ok()) {
          ++failed;
          continue;
        }
        const std::vector<ContactPointId> ids = Ids(*answer);
        if (std::find(ids.begin(), ids.end(), ann) != ids.end()) ++found;
      }
    });
  }
  std::vector<ContactPointId> added;
  for (int i = 0; i < 6; ++i) {
    added.push_back(Add(Child("Bea" + std::string(1, static_cast<char>('a' + i)), "Lee")));
  }
  for (std::thread& t : searchers) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(found.load(), kThreads * kEach);
  EXPECT_EQ(Events(audit::Action::kSearch).size(), static_cast<std::size_t>(kThreads * kEach));
  auto later = service_->Search(sw_, {.given_names = S("Beaf"), .family_name = S("Lee"),
                                      .date_of_birth = S("2015-01-02")});
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_EQ(Ids(*later), std::vector<ContactPointId>{added.back()});
}

TEST_F(SearchServiceTest, MediatedAccessIsAuditedForBothAndShowsNoMoreThanEither) {
  domain::Child child = Child("Ann", "Lee");
  child.involvements.push_back(Service(domain::ServiceType::kMentalHealth, "CAMHS Leeds"));
  const ContactPointId id = Add(child);
  identity::SessionContext mediated = team_;  // the team sees the service in full...
  mediated.acting_for = Session(Role::kHealthVisitor, kLeeds, 201).account;  // ...the HV does not
  auto view = mediated.acting_for ? service_->View(mediated, id.ToString(),
                                                   {"service_delivery", std::nullopt, std::nullopt})
                                  : core::StatusOr<RecordView>(core::Internal("unreachable"));
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->shown.involvements[0].visibility, access::InvolvementVisibility::kUnspecified);
  const auto events = Events(audit::Action::kViewRecord);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].event.on_behalf_of.has_value());
  EXPECT_EQ(events[0].event.on_behalf_of->id, "user:201");
}

// The API's answers agree with the one policy function for every role, in
// the record's authority and another, for every record state, on both
// endpoints.
TEST_F(SearchServiceTest, EveryRoleStateAndEndpointAgreesWithThePolicy) {
  struct State {
    const char* name;
    RecordState state;
    bool sensitive = false;
  };
  const std::vector<State> states = {{"ordinary", {}},
                                     {"shielded", {.shielded = true}},
                                     {"archived", {.archived = true}},
                                     {"sealed", {.sealed = true}},
                                     {"sensitive", {}, true}};
  std::vector<std::pair<std::string, ContactPointId>> children;
  for (const State& s : states) {
    domain::Child child = Child("Ann", std::string("Lee") + s.name);
    child.address = domain::Address{core::Sensitive<std::vector<std::string>>({"1 High Street"}),
                                    domain::PersonalText("LS1 4AB")};
    child.involvements.push_back(Service(domain::ServiceType::kGp, "Park Surgery", "ODS:B86001"));
    if (s.sensitive) child.involvements.push_back(Service(domain::ServiceType::kSexualHealth, "Clinic"));
    const ContactPointId id = Add(child);
    states_.states[id] = s.state;
    children.emplace_back(s.name, id);
  }
  const ReasonInput reason{"serious_case_review", std::nullopt, "SCR-1"};
  int checked = 0;
  for (const access::RoleInfo& role : access::RoleCatalogue()) {
    for (const std::string& org : {kLeeds, kYork}) {
      const identity::SessionContext session = Registered(Session(role.role, org, 0));
      for (std::size_t i = 0; i < states.size(); ++i) {
        const ContactPointId id = children[i].second;
        domain::Child stored;
        {
          auto tx = store_->Begin(storage::TxMode::kReadOnly);
          stored = *(*tx)->GetChild(id);
        }
        const access::RecordFacts facts = FactsOf(stored, states[i].state);
        const std::string label = std::string(role.code) + "@" + org + " " + states[i].name;
        // Search (by ContactPoint ID).
        const access::Decision search = DecideFor(ViewersOf(session), facts, access::Action::kSearch);
        auto found = service_->Search(
            session, {.contactpoint_id = core::Sensitive(id.ToString())}, reason);
        // A role that sees no child's record is refused before any lookup.
        access::RecordFacts archived;
        archived.archived = true;
        const access::Decision gate =
            DecideFor(ViewersOf(session), access::RecordFacts{}, access::Action::kViewRecord);
        const bool has_data =
            gate.allowed() ||
            DecideFor(ViewersOf(session), archived, access::Action::kViewRecord).allowed();
        if (!has_data) {
          EXPECT_FALSE(found.ok()) << label;
          EXPECT_FALSE(search.allowed()) << label;
        } else {
          ASSERT_TRUE(found.ok()) << label << ": " << found.status().ToString();
          ASSERT_EQ(found->hits.size(), search.allowed() ? 1u : 0u) << label << " search";
          if (search.allowed()) {
            EXPECT_EQ(found->hits[0].shown.field_groups, Mask(stored, search).field_groups)
                << label;
          }
        }
        // View.
        const access::Decision view = DecideFor(ViewersOf(session), facts, access::Action::kViewRecord);
        auto shown = service_->View(session, id.ToString(), reason);
        ASSERT_EQ(shown.ok(), view.allowed()) << label << " view: " << shown.status().ToString();
        if (view.allowed()) {
          const MaskedChild expected = Mask(stored, view);
          EXPECT_EQ(shown->shown.field_groups, expected.field_groups) << label;
          ASSERT_EQ(shown->shown.involvements.size(), expected.involvements.size()) << label;
          for (std::size_t k = 0; k < expected.involvements.size(); ++k) {
            EXPECT_EQ(shown->shown.involvements[k].visibility, expected.involvements[k].visibility)
                << label;
          }
        } else {
          // Without child data every ID gets the same answer (the gate's),
          // sealed or not; otherwise a sealed record answers as a missing one.
          const ErrorCode expected = !has_data ? gate.status.code()
                                     : view.refusal == access::Refusal::kRecordSealed
                                         ? ErrorCode::kChildNotFound
                                         : view.status.code();
          EXPECT_EQ(shown.status().code(), expected) << label;
        }
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(access::RoleCatalogue().size() * 2 * states.size()));
  // Every allowed and refused view was audited.
  EXPECT_EQ(Events(audit::Action::kViewRecord).size(), static_cast<std::size_t>(checked));
}

}  // namespace
}  // namespace cp::search
