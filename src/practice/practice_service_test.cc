#include "practice/practice_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "access/roles.h"
#include "ingest/cluster.h"
#include "ingest/testing/linker_suite.h"
#include "practice/oversight_service.h"
#include "search/search_service.h"
#include "storage/sqlite/sqlite_store.h"

namespace cp::practice {
namespace {

namespace fs = std::filesystem;
using access::Role;
using core::ErrorCode;
using domain::ContactPointId;
using std::chrono::January;

const std::string kLeeds = "la:E08000035";
const std::string kYork = "la:E06000014";
const std::string kSchool = "org:leeds-primary";

core::Sensitive<std::string> S(const char* text) { return core::Sensitive<std::string>(text); }

domain::Child Child(const std::string& given, const std::string& family) {
  domain::Child c;
  c.name = domain::PersonName{domain::PersonalText(given), domain::PersonalText(family)};
  c.gender = domain::Gender::kFemale;
  c.date_of_birth = core::Sensitive<domain::Date>(std::chrono::year{2015} / January /
                                                  std::chrono::day{2});
  c.address = domain::Address{core::Sensitive<std::vector<std::string>>({"1 Park Row", "Leeds"}),
                              domain::PersonalText("LS1 5AB")};
  return c;
}

InvolvementInput Social(std::optional<std::string> phone = "0113 496 0000") {
  return InvolvementInput{"social_care", std::move(phone), "worker@example.org", std::nullopt};
}

class PracticeServiceTest : public ingest::testing::LinkerSuite {
 protected:

  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cp_practice_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::move(*storage::SqliteStore::Open((dir_ / "cp.db").string(), clock_));
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    linker_->Invalidate();
    auto tx = *store_->Begin(storage::TxMode::kReadWrite);
    storage::SourceEntry s;
    s.id = domain::SourceId("gro-births");
    s.name = "Test source";
    s.state = domain::SourceState::kActive;
    ASSERT_TRUE(tx->PutSource(s).ok());
    for (const auto& [id, type, parent] :
         {std::tuple{kLeeds, "local_authority", std::optional<std::string>()},
          std::tuple{kYork, "local_authority", std::optional<std::string>()},
          std::tuple{kSchool, "accredited_organisation", std::optional<std::string>(kLeeds)}}) {
      ASSERT_TRUE(tx->PutOrganisation(storage::OrganisationEntry{id, "Org " + id, type,
                                                                 "accredited", parent,
                                                                 clock_.Now()})
                      .ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
    sw_ = User(Role::kSocialWorker, kLeeds, "sw");
    nurse_ = User(Role::kSchoolNurse, kSchool, "nurse");
    cpm_ = User(Role::kContactPointManager, kLeeds, "cpm");
    admin_ = User(Role::kDataAdministrator, kLeeds, "admin");
    user_manager_ = User(Role::kUserManager, kLeeds, "um");
    york_cpm_ = User(Role::kContactPointManager, kYork, "ycpm");
    york_sw_ = User(Role::kSocialWorker, kYork, "ysw");
    service_ = std::make_unique<PracticeService>(PracticeDeps{*store_, *audit_, clock_, states_});
    oversight_ =
        std::make_unique<OversightService>(PracticeDeps{*store_, *audit_, clock_, states_});
    search::SearchOptions options;
    options.limits = {10'000, 10'000};
    search_ = std::make_unique<search::SearchService>(
        search::SearchDeps{*store_, *audit_, clock_, *linker_, states_}, options);
    child_ = Add(Child("Ann", "Lee"));
  }
  void TearDown() override {
    search_.reset();
    service_.reset();
    oversight_.reset();
    audit_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  identity::SessionContext User(Role role, const std::string& organisation,
                                const std::string& name) {
    storage::UserEntry user;
    user.username = "user." + name;
    user.display_name = "Display " + name;
    user.organisation = organisation;
    user.role = std::string(access::Describe(role).code);
    user.created_at = user.updated_at = clock_.Now();
    auto tx = *store_->Begin(storage::TxMode::kReadWrite);
    auto id = tx->PutUser(user);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_TRUE(tx->Commit().ok());
    identity::SessionContext s;
    s.account.user = user;
    s.account.user.id = *id;
    s.account.role = role;
    s.account.organisation.id = access::OrganisationId(organisation);
    s.account.organisation.type = organisation.starts_with("la:")
                                      ? access::OrganisationType::kLocalAuthority
                                      : access::OrganisationType::kAccreditedOrganisation;
    if (!organisation.starts_with("la:")) {
      s.account.organisation.accountable_authority = access::OrganisationId(kLeeds);
    }
    s.account.organisation.accreditation = access::AccreditationState::kAccredited;
    return s;
  }

  storage::SourceRecord Record(const domain::Child& child, ContactPointId id) {
    storage::SourceRecord r;
    r.source = domain::SourceId("gro-births");
    r.key = domain::SourceKey("K" + std::to_string(++keys_));
    r.child = id;
    r.state = storage::LinkState::kLinked;
    r.batch = domain::BatchId("b1");
    r.extracted_at = r.received_at = clock_.Now();
    r.data = child;
    return r;
  }

  ContactPointId Add(domain::Child child) {
    auto tx = *store_->Begin(storage::TxMode::kReadWrite);
    auto id = tx->AllocateChildId(random_);
    EXPECT_TRUE(id.ok());
    child.id = *id;
    child.accountable = domain::Accountability{kLeeds, false};
    EXPECT_TRUE(tx->PutChild(child).ok());
    child.accountable.reset();
    EXPECT_TRUE(tx->PutSourceRecord(Record(child, *id)).ok());
    EXPECT_TRUE(tx->Commit().ok());
    return *id;
  }

  search::ReasonInput Reason() { return {"child_protection", std::nullopt, std::nullopt}; }

  // The last audit event of `action`.
  audit::LoggedEvent Last(audit::Action action) {
    audit::AuditQuery query;
    query.action = action;
    query.limit = 1;
    auto events = audit_->Query(query);
    EXPECT_TRUE(events.ok() && !events->empty());
    return events->front();
  }

  std::string Id() const { return child_.ToString(); }

  fs::path dir_;
  core::FakeClock clock_{core::FromUnixMillis(1'795'000'000'000)};  // 2026-11
  core::SecureRandom random_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  search::StoredRecordStates states_;
  std::unique_ptr<PracticeService> service_;
  std::unique_ptr<OversightService> oversight_;
  std::unique_ptr<search::SearchService> search_;
  ContactPointId child_;
  int keys_ = 0;
  identity::SessionContext sw_, nurse_, cpm_, admin_, user_manager_, york_cpm_, york_sw_;
};

TEST_F(PracticeServiceTest, APractitionerRecordsTheirInvolvementAndItShowsInTheView) {
  auto added = service_->RecordInvolvement(nurse_, Id(), Social());
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_GT(added->entry.id, 0);
  EXPECT_EQ(added->entry.organisation, kSchool);
  const audit::LoggedEvent event = Last(audit::Action::kRecordInvolvement);
  EXPECT_EQ(event.index, added->audit_index);
  EXPECT_EQ(event.event.outcome, audit::Outcome::kAllowed);
  EXPECT_EQ(event.event.children, std::vector<ContactPointId>{child_});
  EXPECT_EQ(event.event.subject, "involvement:" + std::to_string(added->entry.id));

  auto view = search_->View(sw_, Id(), Reason());
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  ASSERT_EQ(view->shown.involvements.size(), 1u);
  const search::ShownInvolvement& shown = view->shown.involvements[0];
  EXPECT_EQ(shown.visibility, access::InvolvementVisibility::kFull);
  EXPECT_EQ(shown.entry_id, added->entry.id);
  EXPECT_EQ(shown.entry.type, domain::ServiceType::kSocialCare);
  EXPECT_EQ(shown.entry.organisation.name, "Org " + kSchool);
  EXPECT_EQ(shown.entry.practitioner->family_name.Reveal(), "Display nurse");
}

TEST_F(PracticeServiceTest, ASensitiveServiceIsRecordedWithConsentAndShownUnspecified) {
  auto added = service_->RecordInvolvement(
      nurse_, Id(), InvolvementInput{"sexual_health", "0113 496 0000", std::nullopt, std::nullopt,
                                     "child", "2026-11-01"});
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  ASSERT_TRUE(added->entry.consent.has_value());
  EXPECT_EQ(added->entry.consent->given_by, domain::SensitiveConsent::GivenBy::kChild);
  // Another practitioner is told only that an unspecified service is involved.
  auto other = search_->View(sw_, Id(), Reason());
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->shown.involvements.size(), 1u);
  EXPECT_EQ(other->shown.involvements[0].visibility, access::InvolvementVisibility::kUnspecified);
  EXPECT_EQ(other->shown.involvements[0].entry, domain::Involvement{});
  // The practitioner whose involvement it is, and the accountable team, see it.
  auto own = search_->View(nurse_, Id(), Reason());
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->shown.involvements[0].visibility, access::InvolvementVisibility::kFull);
  EXPECT_EQ(own->shown.involvements[0].entry.type, domain::ServiceType::kSexualHealth);
  auto team = search_->View(cpm_, Id(), Reason());
  ASSERT_TRUE(team.ok());
  EXPECT_EQ(team->shown.involvements[0].visibility, access::InvolvementVisibility::kFull);
}

TEST_F(PracticeServiceTest, OnlyPractitionersRecordInvolvementsAsThePolicySays) {
  struct Case {
    const identity::SessionContext* who;
    bool allowed;
    std::string refusal;
  };
  for (const Case& c : {Case{&sw_, true, ""}, Case{&york_sw_, true, ""},
                        Case{&cpm_, false, "action_not_for_role"},
                        Case{&admin_, false, "action_not_for_role"},
                        Case{&user_manager_, false, "no_child_record_access"}}) {
    auto added = service_->RecordInvolvement(*c.who, Id(), Social());
    EXPECT_EQ(added.ok(), c.allowed) << c.who->account.user.username;
    const audit::LoggedEvent event = Last(audit::Action::kRecordInvolvement);
    EXPECT_EQ(event.event.outcome,
              c.allowed ? audit::Outcome::kAllowed : audit::Outcome::kRefused);
    EXPECT_EQ(event.event.refusal, c.refusal) << c.who->account.user.username;
  }
  auto tx = *store_->Begin(storage::TxMode::kReadOnly);
  EXPECT_EQ(tx->PractitionerInvolvementsOf(child_)->size(), 2u);
}

TEST_F(PracticeServiceTest, BadInputIsRefusedNamingTheFieldAndAudited) {
  auto no_contact = service_->RecordInvolvement(
      sw_, Id(), InvolvementInput{"social_care", std::nullopt, std::nullopt, std::nullopt});
  ASSERT_FALSE(no_contact.ok());
  EXPECT_EQ(no_contact.status().code(), ErrorCode::kInvalidContactDetails);
  EXPECT_NE(no_contact.status().message().find("'phone'"), std::string::npos);
  auto bad_phone = service_->RecordInvolvement(sw_, Id(), Social("call me"));
  ASSERT_FALSE(bad_phone.ok());
  EXPECT_NE(bad_phone.status().message().find("phone"), std::string::npos);
  EXPECT_EQ(Last(audit::Action::kRecordInvolvement).event.refusal, "invalid_contact_details");
  auto bad_type = service_->RecordInvolvement(
      sw_, Id(), InvolvementInput{"gossip", "0113 496 0000", std::nullopt, std::nullopt});
  EXPECT_EQ(bad_type.status().code(), ErrorCode::kInvalidServiceType);
  auto sensitive = service_->RecordInvolvement(
      sw_, Id(), InvolvementInput{"sexual_health", "0113 496 0000", std::nullopt, std::nullopt});
  EXPECT_EQ(sensitive.status().code(), ErrorCode::kInvalidConsent);
  EXPECT_EQ(Last(audit::Action::kRecordInvolvement).event.refusal, "invalid_consent");
  auto consent_elsewhere = service_->RecordInvolvement(
      sw_, Id(), InvolvementInput{"social_care", "0113 496 0000", std::nullopt, std::nullopt,
                                  "child", "2026-11-01"});
  EXPECT_EQ(consent_elsewhere.status().code(), ErrorCode::kInvalidConsent);
  auto bad_giver = service_->RecordInvolvement(
      sw_, Id(), InvolvementInput{"sexual_health", "0113 496 0000", std::nullopt, std::nullopt,
                                  "neighbour", "2026-11-01"});
  EXPECT_EQ(bad_giver.status().code(), ErrorCode::kInvalidConsent);
  auto future_consent = service_->RecordInvolvement(
      sw_, Id(), InvolvementInput{"sexual_health", "0113 496 0000", std::nullopt, std::nullopt,
                                  "child", "2030-01-01"});
  EXPECT_EQ(future_consent.status().code(), ErrorCode::kInvalidDate);
  auto future = service_->RecordInvolvement(
      sw_, Id(), InvolvementInput{"social_care", "0113 496 0000", std::nullopt, "2030-01-01"});
  EXPECT_EQ(future.status().code(), ErrorCode::kInvalidDate);
  auto bad_id = service_->RecordInvolvement(sw_, "123", Social());
  EXPECT_EQ(bad_id.status().code(), ErrorCode::kInvalidContactPointId);
  auto tx = *store_->Begin(storage::TxMode::kReadOnly);
  EXPECT_TRUE(tx->PractitionerInvolvementsOf(child_)->empty());
}

TEST_F(PracticeServiceTest, OnlyTheOwnerEndsAnInvolvementAndAnEndedOneIsNoLongerLead) {
  auto mine = service_->RecordInvolvement(sw_, Id(), Social());
  ASSERT_TRUE(mine.ok());
  ASSERT_TRUE(service_->MarkLeadProfessional(sw_, Id(), mine->entry.id).ok());
  auto theirs = service_->EndInvolvement(nurse_, Id(), mine->entry.id, std::nullopt);
  ASSERT_FALSE(theirs.ok());
  EXPECT_EQ(Last(audit::Action::kEndInvolvement).event.refusal, "no_own_involvement");
  ASSERT_TRUE(service_->RecordInvolvement(nurse_, Id(), Social()).ok());
  auto not_hers = service_->EndInvolvement(nurse_, Id(), mine->entry.id, std::nullopt);
  EXPECT_EQ(not_hers.status().code(), ErrorCode::kInvolvementNotFound);
  auto early = service_->EndInvolvement(sw_, Id(), mine->entry.id, "2020-01-01");
  EXPECT_EQ(early.status().code(), ErrorCode::kInvalidDate);
  auto ended = service_->EndInvolvement(sw_, Id(), mine->entry.id, std::nullopt);
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_TRUE(ended->entry.end.has_value());
  EXPECT_FALSE(ended->entry.lead_professional);
  auto again = service_->EndInvolvement(sw_, Id(), mine->entry.id, std::nullopt);
  EXPECT_EQ(again.status().code(), ErrorCode::kInvolvementEnded);
  EXPECT_EQ(Last(audit::Action::kEndInvolvement).event.refusal, "involvement_ended");
}

TEST_F(PracticeServiceTest, MarkingALeadClearsAnyOtherAndHidesAFeedLead) {
  // A feed says a family support worker is lead.
  {
    auto tx = *store_->Begin(storage::TxMode::kReadWrite);
    domain::Child child = *tx->GetChild(child_);
    domain::Involvement feed;
    feed.type = domain::ServiceType::kFamilySupport;
    feed.organisation.name = "Family support";
    feed.lead_professional = true;
    child.involvements.push_back(feed);
    ASSERT_TRUE(tx->PutChild(child).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto a = service_->RecordInvolvement(sw_, Id(), Social());
  auto b = service_->RecordInvolvement(nurse_, Id(), Social());
  ASSERT_TRUE(a.ok() && b.ok());
  auto refused = service_->MarkLeadProfessional(cpm_, Id(), a->entry.id);
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(Last(audit::Action::kMarkLeadProfessional).event.refusal, "action_not_for_role");
  auto first = service_->MarkLeadProfessional(sw_, Id(), a->entry.id);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->leads_cleared, 0);
  auto second = service_->MarkLeadProfessional(nurse_, Id(), b->entry.id);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->leads_cleared, 1);
  const audit::LoggedEvent event = Last(audit::Action::kMarkLeadProfessional);
  EXPECT_EQ(event.event.counts,
            (std::vector<std::pair<std::string, std::int64_t>>{{"leads_cleared", 1}}));

  auto view = search_->View(cpm_, Id(), Reason());
  ASSERT_TRUE(view.ok());
  int leads = 0;
  for (const search::ShownInvolvement& s : view->shown.involvements) {
    if (s.entry.lead_professional) {
      ++leads;
      EXPECT_EQ(s.entry_id, b->entry.id);
    }
  }
  EXPECT_EQ(leads, 1) << "one current lead: the feed's flag gives way";
  EXPECT_TRUE(view->shown.lead_professional);
}

TEST_F(PracticeServiceTest, RecordingACafNeedsTheHoldersContactAndAnInvolvement) {
  auto none = service_->RecordCaf(sw_, Id(), 1, "0113 496 0001", std::nullopt);
  EXPECT_FALSE(none.ok());
  EXPECT_EQ(Last(audit::Action::kRecordCaf).event.refusal, "no_own_involvement");
  auto mine = service_->RecordInvolvement(sw_, Id(), Social());
  ASSERT_TRUE(mine.ok());
  auto no_holder = service_->RecordCaf(sw_, Id(), mine->entry.id, std::nullopt, std::nullopt);
  ASSERT_FALSE(no_holder.ok());
  EXPECT_NE(no_holder.status().message().find("holder_phone"), std::string::npos);
  auto caf = service_->RecordCaf(sw_, Id(), mine->entry.id, "0113 496 0001", std::nullopt);
  ASSERT_TRUE(caf.ok()) << caf.status().ToString();
  EXPECT_TRUE(caf->entry.caf);
  auto view = search_->View(nurse_, Id(), Reason());
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->shown.caf);
  ASSERT_EQ(view->shown.involvements.size(), 1u);
  EXPECT_EQ(view->shown.involvements[0].caf_holder_contact.phone->Reveal(), "0113 496 0001");
}

TEST_F(PracticeServiceTest, AShieldHidesTheRecordAtOnceAndIsDueForReviewInSevenDays) {
  auto mine = service_->RecordInvolvement(nurse_, Id(), Social());
  ASSERT_TRUE(mine.ok());
  const core::Timestamp requested_at = clock_.Now();
  auto bad = service_->RequestShield(sw_, Id(), "because");
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidShieldGround);
  auto shield = service_->RequestShield(sw_, Id(), "risk_of_harm");
  ASSERT_TRUE(shield.ok()) << shield.status().ToString();
  EXPECT_EQ(shield->shield.review_due_at, requested_at + std::chrono::days(7));
  EXPECT_EQ(Last(audit::Action::kShieldRecord).event.reason, "risk_of_harm");
  EXPECT_EQ(service_->RequestShield(sw_, Id(), "risk_of_harm").status().code(),
            ErrorCode::kAlreadyExists);

  // Another practitioner: the identity core only.
  auto other = search_->View(york_sw_, Id(), Reason());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->shown.field_groups, std::vector<std::string>{"identity_core"});
  EXPECT_FALSE(other->shown.child.address.has_value());
  EXPECT_TRUE(other->shown.involvements.empty());
  // The practitioner whose involvement it is: plus their own entry.
  auto owner = search_->View(nurse_, Id(), Reason());
  ASSERT_TRUE(owner.ok());
  EXPECT_FALSE(owner->shown.child.address.has_value());
  ASSERT_EQ(owner->shown.involvements.size(), 1u);
  EXPECT_EQ(owner->shown.involvements[0].entry_id, mine->entry.id);
  // The accountable team: everything.
  auto team = search_->View(cpm_, Id(), Reason());
  ASSERT_TRUE(team.ok());
  EXPECT_TRUE(team->shown.child.address.has_value());

  // Never found through the postcode, except by the team.
  const search::SearchCriteria by_postcode{.family_name = S("Lee"), .postcode = S("LS1 5AB")};
  auto hidden = search_->Search(york_sw_, by_postcode);
  ASSERT_TRUE(hidden.ok());
  EXPECT_TRUE(hidden->hits.empty());
  auto found = search_->Search(cpm_, by_postcode);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->hits.size(), 1u);

  // The review appears for the team, due at exactly +7 days.
  auto due = service_->ShieldReviewsDue(cpm_);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  ASSERT_EQ(due->due.size(), 1u);
  EXPECT_EQ(due->due[0].shield.child, child_);
  EXPECT_FALSE(due->due[0].overdue);
  clock_.Advance(std::chrono::days(7) - std::chrono::milliseconds(1));
  EXPECT_FALSE(service_->ShieldReviewsDue(admin_)->due[0].overdue);
  clock_.Advance(std::chrono::milliseconds(1));
  EXPECT_TRUE(service_->ShieldReviewsDue(cpm_)->due[0].overdue);
  EXPECT_TRUE(service_->ShieldReviewsDue(york_cpm_)->due.empty());
  EXPECT_EQ(service_->ShieldReviewsDue(sw_).status().code(), ErrorCode::kPermissionDenied);
}

TEST_F(PracticeServiceTest, TheAccountableTeamKeepsAShieldForSixMonthsOrLiftsIt) {
  ASSERT_TRUE(service_->RequestShield(sw_, Id(), "serious_crime").ok());
  EXPECT_FALSE(service_->ReviewShield(sw_, Id(), "keep").ok());
  EXPECT_EQ(Last(audit::Action::kReviewShield).event.refusal, "action_not_for_role");
  EXPECT_EQ(service_->ReviewShield(york_cpm_, Id(), "keep").status().code(),
            ErrorCode::kOutsideManagementScope);
  EXPECT_EQ(service_->ReviewShield(cpm_, Id(), "maybe").status().code(),
            ErrorCode::kInvalidShieldDecision);
  auto kept = service_->ReviewShield(cpm_, Id(), "keep");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->shield.review_due_at, AddMonths(clock_.Now(), std::chrono::months(6)));
  EXPECT_EQ(Last(audit::Action::kReviewShield).event.reason, "shield_kept");
  auto lifted = service_->ReviewShield(admin_, Id(), "lift");
  ASSERT_TRUE(lifted.ok());
  EXPECT_EQ(lifted->shield.state, storage::ShieldState::kLifted);
  auto view = search_->View(york_sw_, Id(), Reason());
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->shown.child.address.has_value());
  EXPECT_EQ(service_->ReviewShield(cpm_, Id(), "keep").status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Last(audit::Action::kReviewShield).event.refusal, "record_not_shielded");
}

TEST_F(PracticeServiceTest, AddMonthsClampsToTheMonthsLastDay) {
  using namespace std::chrono;
  const core::Timestamp aug31 =
      time_point_cast<milliseconds>(sys_days(year{2026} / August / 31)) + hours(9);
  EXPECT_EQ(AddMonths(aug31, months(6)),
            time_point_cast<milliseconds>(sys_days(year{2027} / February / 28)) + hours(9));
}

TEST_F(PracticeServiceTest, InvolvementsAndShieldsSurviveAFeedRebuildOfTheBestView) {
  auto mine = service_->RecordInvolvement(sw_, Id(), Social());
  ASSERT_TRUE(mine.ok());
  ASSERT_TRUE(service_->RequestShield(sw_, Id(), "risk_of_harm").ok());
  {
    // A new source record for the child, and the rebuild a feed load does.
    auto tx = *store_->Begin(storage::TxMode::kReadWrite);
    domain::Child update = Child("Ann", "Lee");
    update.address->postcode = domain::PersonalText("LS2 7HY");
    ASSERT_TRUE(tx->PutSourceRecord(Record(update, child_)).ok());
    auto records = tx->SourceRecordsOf(child_);
    ASSERT_TRUE(records.ok());
    auto rebuilt = ingest::RebuildBestView(*tx, *linker_, ingest::SourcePriorities{}, child_,
                                           *records);
    ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto view = search_->View(sw_, Id(), Reason());
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->shown.involvements.size(), 1u);
  EXPECT_EQ(view->shown.involvements[0].entry_id, mine->entry.id);
  EXPECT_EQ(view->shown.field_groups, std::vector<std::string>{"identity_core"})
      << "still shielded";
}

TEST_F(PracticeServiceTest, AMergedAwayIdWritesToTheSurvivorAndEntriesFollowAMerge) {
  const ContactPointId other = Add(Child("Anne", "Lee"));
  auto on_other = service_->RecordInvolvement(sw_, other.ToString(), Social());
  ASSERT_TRUE(on_other.ok());
  ASSERT_TRUE(service_->RequestShield(sw_, other.ToString(), "risk_of_harm").ok());
  {
    // What review::Operations::Merge does.
    auto tx = *store_->Begin(storage::TxMode::kReadWrite);
    ASSERT_TRUE(tx->MoveManualEntries(other, child_).ok());
    ASSERT_TRUE(tx->DeleteChild(other).ok());
    ASSERT_TRUE(tx->AddRedirect(other, child_).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto caf = service_->RecordCaf(sw_, other.ToString(), on_other->entry.id, "0113 496 0002",
                                 std::nullopt);
  ASSERT_TRUE(caf.ok()) << caf.status().ToString();
  EXPECT_TRUE(caf->redirected());
  EXPECT_EQ(caf->id, child_);
  EXPECT_EQ(Last(audit::Action::kRecordCaf).event.children,
            (std::vector<ContactPointId>{child_, other}));
  auto due = service_->ShieldReviewsDue(cpm_);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->due.size(), 1u);
  EXPECT_EQ(due->due[0].shield.child, child_);
}

TEST_F(PracticeServiceTest, MediatedAccessRecordsForThePractitionerActedFor) {
  identity::SessionContext mediated = sw_;
  mediated.acting_for = nurse_.account;
  auto added = service_->RecordInvolvement(mediated, Id(), Social());
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->entry.user_id, nurse_.account.user.id);
  const audit::LoggedEvent event = Last(audit::Action::kRecordInvolvement);
  ASSERT_TRUE(event.event.on_behalf_of.has_value());
  EXPECT_TRUE(service_->EndInvolvement(nurse_, Id(), added->entry.id, std::nullopt).ok());
}

TEST_F(PracticeServiceTest, OnlyTheAuthoritysManagerSeesWhoViewedAChild) {
  ASSERT_TRUE(search_->View(sw_, Id(), Reason()).ok());
  ASSERT_TRUE(search_->View(nurse_, Id(), Reason()).ok());
  auto page = oversight_->WhoViewed(cpm_, Id());
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].event.actor.id, "user:" + std::to_string(nurse_.account.user.id));
  EXPECT_EQ(Last(audit::Action::kViewAuditTrail).index, page->audit_index);
  for (const identity::SessionContext* who : {&sw_, &admin_, &york_cpm_}) {
    EXPECT_FALSE(oversight_->WhoViewed(*who, Id()).ok()) << who->account.user.username;
    EXPECT_EQ(Last(audit::Action::kViewAuditTrail).event.outcome, audit::Outcome::kRefused);
  }
}

TEST_F(PracticeServiceTest, AManagerInScopeSeesWhatAUserDid) {
  ASSERT_TRUE(service_->RecordInvolvement(nurse_, Id(), Social()).ok());
  auto page = oversight_->UserActivity(cpm_, nurse_.account.user.id);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].event.action, audit::Action::kRecordInvolvement);
  EXPECT_EQ(oversight_->UserActivity(york_cpm_, nurse_.account.user.id).status().code(),
            ErrorCode::kOutsideManagementScope);
  EXPECT_EQ(oversight_->UserActivity(sw_, nurse_.account.user.id).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(oversight_->UserActivity(cpm_, cpm_.account.user.id).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(oversight_->UserActivity(cpm_, 99'999).status().code(), ErrorCode::kUserNotFound);
  EXPECT_EQ(Last(audit::Action::kViewAuditTrail).event.refusal, "user_not_found");
}

TEST_F(PracticeServiceTest, AContactPointManagerSeesAndReviewsTheAlertsInTheirScope) {
  {
    auto tx = *store_->Begin(storage::TxMode::kReadWrite);
    storage::ShieldEntry shield;
    shield.child = child_;
    shield.ground = "risk_of_harm";
    shield.requested_by = sw_.account.user.id;
    shield.requested_at = clock_.Now();
    shield.review_due_at = clock_.Now() + std::chrono::days(7);
    ASSERT_TRUE(tx->PutShield(shield).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  // York's social worker opens Leeds's shielded record; the Leeds school
  // nurse and the Leeds manager each search their own family name.
  ASSERT_TRUE(search_->View(york_sw_, Id(), Reason()).ok());
  ASSERT_TRUE(search_->Search(nurse_, {.given_names = core::Sensitive<std::string>("Ann"),
                                       .family_name = core::Sensitive<std::string>("NURSE")})
                  .ok());
  ASSERT_TRUE(search_->Search(cpm_, {.given_names = core::Sensitive<std::string>("Ann"),
                                     .family_name = core::Sensitive<std::string>("Cpm")})
                  .ok());

  auto leeds = oversight_->Alerts(cpm_);
  ASSERT_TRUE(leeds.ok()) << leeds.status().ToString();
  ASSERT_EQ(leeds->alerts.size(), 2u) << "the nurse's (in scope) and the shielded record's";
  EXPECT_EQ(leeds->alerts[0].alert.kind, "own_family_name");
  EXPECT_EQ(leeds->alerts[0].username, "user.nurse");
  EXPECT_EQ(leeds->alerts[1].alert.kind, "shielded_access");
  EXPECT_EQ(leeds->alerts[1].alert.child, child_);
  EXPECT_EQ(leeds->alerts[1].alert.organisation, kYork);
  EXPECT_EQ(Last(audit::Action::kViewAuditTrail).index, leeds->audit_index);
  EXPECT_EQ(Last(audit::Action::kViewAuditTrail).event.subject, "misuse_alerts");

  // York's manager sees York's user only; the Leeds manager's own alert is
  // for another manager (none of these two).
  auto york = oversight_->Alerts(york_cpm_);
  ASSERT_TRUE(york.ok());
  ASSERT_EQ(york->alerts.size(), 1u);
  EXPECT_EQ(york->alerts[0].alert.kind, "shielded_access");
  EXPECT_EQ(york->alerts[0].username, "user.ysw");
  EXPECT_EQ(oversight_->Alerts(sw_).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(oversight_->Alerts(cpm_, false, 0).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Last(audit::Action::kViewAuditTrail).event.outcome, audit::Outcome::kRefused);

  // Reviews.
  const std::int64_t nurses = leeds->alerts[0].alert.id;
  EXPECT_EQ(oversight_->ReviewAlert(york_cpm_, nurses, "no_concern").status().code(),
            ErrorCode::kAlertNotFound) << "outside York's scope: as if unknown";
  EXPECT_EQ(oversight_->ReviewAlert(cpm_, nurses + 100, "no_concern").status().code(),
            ErrorCode::kAlertNotFound);
  EXPECT_EQ(oversight_->ReviewAlert(cpm_, nurses, "fine").status().code(),
            ErrorCode::kInvalidAlertFinding);
  EXPECT_EQ(oversight_->ReviewAlert(sw_, nurses, "no_concern").status().code(),
            ErrorCode::kPermissionDenied);
  auto reviewed = oversight_->ReviewAlert(cpm_, nurses, "no_concern");
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().ToString();
  EXPECT_EQ(reviewed->alert.finding, "no_concern");
  EXPECT_EQ(reviewed->alert.reviewed_by, cpm_.account.user.id);
  EXPECT_EQ(reviewed->alert.reviewed_at, clock_.Now());
  const auto event = Last(audit::Action::kReviewMisuseAlert).event;
  EXPECT_EQ(event.outcome, audit::Outcome::kAllowed);
  EXPECT_EQ(event.reason, "no_concern");
  EXPECT_EQ(event.subject, "alert:" + std::to_string(nurses));
  EXPECT_EQ(oversight_->ReviewAlert(cpm_, nurses, "referred").status().code(),
            ErrorCode::kFailedPrecondition);
  // A reviewed alert is listed only when asked for.
  EXPECT_EQ(oversight_->Alerts(cpm_)->alerts.size(), 1u);
  EXPECT_EQ(oversight_->Alerts(cpm_, true)->alerts.size(), 2u);
  // The shielded record's alert is also Leeds's to review (its record).
  EXPECT_TRUE(oversight_->ReviewAlert(cpm_, leeds->alerts[1].alert.id, "referred").ok());
}

TEST(MissingEducationTest, CompulsorySchoolAgeIsFiveToFifteenOnTheDay) {
  using std::chrono::year;
  using std::chrono::day;
  const domain::Date today = year{2026} / std::chrono::September / day{1};
  EXPECT_FALSE(OfCompulsorySchoolAge(year{2021} / std::chrono::September / day{2}, today));  // 4
  EXPECT_TRUE(OfCompulsorySchoolAge(year{2021} / std::chrono::September / day{1}, today));   // 5
  EXPECT_TRUE(OfCompulsorySchoolAge(year{2010} / std::chrono::September / day{2}, today));   // 15
  EXPECT_FALSE(OfCompulsorySchoolAge(year{2010} / std::chrono::September / day{1}, today));  // 16
}

TEST_F(PracticeServiceTest, TheMissingEducationReportListsSchoolAgeChildrenWithNoSetting) {
  using std::chrono::year;
  using std::chrono::day;
  auto with_school = [](domain::Child c, std::optional<domain::Date> end) {
    domain::Involvement school;
    school.type = domain::ServiceType::kSchool;
    school.organisation.name = "Leeds Primary";
    school.end = end;
    c.involvements.push_back(school);
    return c;
  };
  auto born = [](domain::Child c, domain::Date dob) {
    c.date_of_birth = core::Sensitive<domain::Date>(dob);
    return c;
  };
  // child_ (Ann, 11, no school) is listed; so is a child whose school ended.
  const ContactPointId left =
      Add(with_school(Child("Cal", "Lee"), year{2025} / std::chrono::July / day{20}));
  Add(with_school(Child("Bea", "Lee"), std::nullopt));            // at school
  Add(born(Child("Dot", "Lee"), year{2023} / January / day{5}));  // 3: not school age
  Add(born(Child("Eve", "Lee"), year{2009} / January / day{5}));  // 17
  domain::Child dead = Child("Fay", "Lee");
  dead.date_of_death = year{2024} / January / day{1};
  Add(dead);

  auto report = oversight_->MissingEducation(cpm_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::vector<ContactPointId> listed;
  for (const MissingEducationEntry& e : report->children) listed.push_back(e.id);
  std::sort(listed.begin(), listed.end());
  std::vector<ContactPointId> expected = {child_, left};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(listed, expected);
  EXPECT_FALSE(report->truncated);
  const audit::LoggedEvent event = Last(audit::Action::kExport);
  EXPECT_EQ(event.index, report->audit_index);
  EXPECT_EQ(event.event.children.size(), 2u);
  // The authority's Data Administrator too; the limit truncates.
  auto one = oversight_->MissingEducation(admin_, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->children.size(), 1u);
  EXPECT_TRUE(one->truncated);
  // Another authority's manager sees none of Leeds's children.
  auto york = oversight_->MissingEducation(york_cpm_);
  ASSERT_TRUE(york.ok());
  EXPECT_TRUE(york->children.empty());
  // Practitioners and other roles are refused, and the refusal audited.
  for (const identity::SessionContext* who : {&sw_, &nurse_, &user_manager_}) {
    auto refused = oversight_->MissingEducation(*who);
    EXPECT_EQ(refused.status().code(), ErrorCode::kPermissionDenied) << who->account.user.username;
    EXPECT_EQ(Last(audit::Action::kExport).event.outcome, audit::Outcome::kRefused);
  }
  EXPECT_FALSE(oversight_->MissingEducation(cpm_, 0).ok());
}

}  // namespace
}  // namespace cp::practice
