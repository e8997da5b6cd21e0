#include "access/policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cp::access {
namespace {

using domain::ServiceClass;
using enum OrganisationType;

const OrganisationId kLeeds("la:E08000035");      // the record's accountable authority
const OrganisationId kWakefield("la:E08000036");  // another authority
const UserId kMe(42);                             // the viewer in every case
const UserId kColleague(7);                       // another practitioner

Viewer As(Role role, const OrganisationId& organisation, OrganisationType type) {
  return Viewer{role, organisation, type, kMe};
}
Viewer LeedsViewer(Role role) { return As(role, kLeeds, kLocalAuthority); }
Viewer WakefieldViewer(Role role) { return As(role, kWakefield, kLocalAuthority); }
Viewer SchoolViewer(Role role) {
  return As(role, OrganisationId("org:urn-107999"), kAccreditedOrganisation);
}

InvolvementFacts Service(ServiceClass service_class, std::optional<UserId> practitioner) {
  return InvolvementFacts{service_class, practitioner};
}

RecordFacts LeedsRecord(std::vector<InvolvementFacts> involvements = {}) {
  RecordFacts record;
  record.accountable_authority = kLeeds;
  record.involvements = std::move(involvements);
  return record;
}
RecordFacts Shielded(RecordFacts record) {
  record.shielded = true;
  return record;
}
RecordFacts Archived(RecordFacts record) {
  record.archived = true;
  return record;
}
RecordFacts InNationalQueue(RecordFacts record) {
  record.accountable_authority.reset();
  return record;
}

std::set<FieldGroup> FieldsOf(const Decision& decision) {
  std::set<FieldGroup> fields;
  for (FieldGroup group : AllFieldGroups()) {
    if (decision.Shows(group)) fields.insert(group);
  }
  return fields;
}

std::set<SearchCriterion> CriteriaOf(const Decision& decision) {
  std::set<SearchCriterion> criteria;
  for (SearchCriterion criterion : AllSearchCriteria()) {
    if (decision.MayMatchOn(criterion)) criteria.insert(criterion);
  }
  return criteria;
}

const std::set<FieldGroup> kEveryField(AllFieldGroups().begin(), AllFieldGroups().end());
const std::set<FieldGroup> kIdentityCoreOnly = {FieldGroup::kIdentityCore};
const std::set<SearchCriterion> kEveryCriterion(AllSearchCriteria().begin(),
                                                AllSearchCriteria().end());
// What a shielded record may be matched on by anyone but its team: what
// they are shown, the identity core.
const std::set<SearchCriterion> kIdentityCoreCriteria = {
    SearchCriterion::kName, SearchCriterion::kDateOfBirth, SearchCriterion::kGender,
    SearchCriterion::kContactPointId};

constexpr auto kFull = InvolvementVisibility::kFull;
constexpr auto kUnspecified = InvolvementVisibility::kUnspecified;
constexpr auto kHidden = InvolvementVisibility::kHidden;

// ---------------------------------------------------------------------------
// The sweep: every role of the catalogue, in every kind of organisation that may
// give it, x every record state x every action, against an expectation written
// as tables a reader can check against DOMAIN.md section 7.

// Who the viewer is to the record.
enum Who {
  kPractitioner,     // P: no involvement of their own on the record
  kOwnPractitioner,  // O: with an involvement of their own
  kTeamManager,      // TC: ContactPoint Manager of the record's accountable authority
  kTeamDataAdmin,    // TD: Data Administrator of it
  kOtherManager,     // OC: any other ContactPoint Manager (or: the record has no authority)
  kOtherDataAdmin,   // OD: any other Data Administrator (or: the record has no authority)
  kArchiveReviewer,  // A
  kNoChildData,      // X: User Manager, Trainer, helpdesk, national administrator
  kWhoCount,
};

// Live (not archived, not sealed) records. 'Y' allowed, '.' refused;
// 's' allowed only on a shielded record; 'q' allowed only on a record with no
// accountable authority (in a national queue).
const std::map<Action, std::string> kLiveRecordTable = {
    //                                     P  O  TC TD OC OD A  X
    {Action::kSearch,                     "Y  Y  Y  Y  Y  Y  .  ."},
    {Action::kViewRecord,                 "Y  Y  Y  Y  Y  Y  .  ."},
    {Action::kAddOwnInvolvement,          "Y  Y  .  .  .  .  .  ."},
    {Action::kEndOwnInvolvement,          ".  Y  .  .  .  .  .  ."},
    {Action::kMarkSelfLeadProfessional,   ".  Y  .  .  .  .  .  ."},
    {Action::kRecordCaf,                  ".  Y  .  .  .  .  .  ."},
    {Action::kRequestShield,              "Y  Y  Y  Y  .  .  .  ."},
    {Action::kReviewShield,               ".  .  s  s  .  .  .  ."},
    {Action::kReviewMatch,                ".  .  .  Y  .  q  .  ."},
    {Action::kMerge,                      ".  .  .  Y  .  q  .  ."},
    {Action::kSplit,                      ".  .  .  Y  .  q  .  ."},
    {Action::kViewChildAudit,             ".  .  Y  .  .  .  .  ."},
    {Action::kExport,                     ".  .  Y  Y  .  .  .  ."},
};

// Archived records: only an archive reviewer of the record's accountable
// authority (any archive reviewer when it has none), and only to read.
const std::set<Action> kArchiveReviewerReads = {Action::kSearch, Action::kViewRecord,
                                                Action::kExport};

char Cell(Action action, Who who) {
  std::string row = kLiveRecordTable.at(action);
  std::erase(row, ' ');
  return row.at(who);
}

// One involvement of a scenario, with what user kMe sees of it as "most
// users" (not the accountable team) on an ordinary and on a shielded record.
struct Entry {
  InvolvementFacts facts;
  InvolvementVisibility ordinary;
  InvolvementVisibility shielded;
};

struct Scenario {
  const char* name;
  bool own;  // the viewer has an involvement of their own on the record
  std::vector<Entry> entries;
};

const std::vector<Scenario>& Scenarios() {
  static const std::vector<Scenario> scenarios = {
      {"no involvements", false, {}},
      {"a colleague's additional service", false,
       {{Service(ServiceClass::kAdditional, kColleague), kFull, kHidden}}},
      {"a colleague's sensitive service", false,
       {{Service(ServiceClass::kSensitive, kColleague), kUnspecified, kHidden}}},
      {"own additional service", true,
       {{Service(ServiceClass::kAdditional, kMe), kFull, kFull}}},
      {"own sensitive service", true, {{Service(ServiceClass::kSensitive, kMe), kFull, kFull}}},
      {"school from a feed, own service, a colleague's sensitive service", true,
       {{Service(ServiceClass::kUniversal, std::nullopt), kFull, kHidden},
        {Service(ServiceClass::kAdditional, kMe), kFull, kFull},
        {Service(ServiceClass::kSensitive, kColleague), kUnspecified, kHidden}}},
  };
  return scenarios;
}

struct Placement {
  const char* name;
  OrganisationId organisation;
  OrganisationType type;
  bool is_leeds;
};

std::vector<Placement> Placements() {
  return {
      {"Leeds", kLeeds, kLocalAuthority, true},
      {"Wakefield", kWakefield, kLocalAuthority, false},
      {"NSPCC", NationalPartners()[5].id, kNationalPartner, false},
      {"a school accredited by Leeds", OrganisationId("org:urn-107999"), kAccreditedOrganisation,
       false},
      {"the national operator", OrganisationId(std::string(kNationalOperatorId)),
       kNationalOperator, false},
  };
}

struct State {
  bool shielded;
  bool archived;
  bool sealed;
  bool has_authority;  // Leeds; otherwise in a national queue
  const Scenario* scenario;

  RecordFacts Facts() const {
    RecordFacts record;
    record.shielded = shielded;
    record.archived = archived;
    record.sealed = sealed;
    if (has_authority) record.accountable_authority = kLeeds;
    for (const Entry& entry : scenario->entries) record.involvements.push_back(entry.facts);
    return record;
  }
  std::string Name() const {
    std::string name = sealed ? "sealed " : "";
    name += archived ? "archived " : "live ";
    name += shielded ? "shielded " : "ordinary ";
    name += has_authority ? "Leeds record, " : "record in a national queue, ";
    return name + scenario->name;
  }
};

std::vector<State> States() {
  std::vector<State> states;
  for (bool shielded : {false, true}) {
    for (bool archived : {false, true}) {
      for (bool sealed : {false, true}) {
        for (bool has_authority : {true, false}) {
          for (const Scenario& scenario : Scenarios()) {
            states.push_back({shielded, archived, sealed, has_authority, &scenario});
          }
        }
      }
    }
  }
  return states;
}

Who WhoIs(Role role, const Placement& placement, const State& state) {
  const bool of_the_authority = placement.is_leeds && state.has_authority;
  switch (role) {
    case Role::kContactPointManager:
      return of_the_authority ? kTeamManager : kOtherManager;
    case Role::kDataAdministrator:
      return of_the_authority ? kTeamDataAdmin : kOtherDataAdmin;
    case Role::kArchiveReviewer:
      return kArchiveReviewer;
    case Role::kUserManager:
    case Role::kTrainer:
    case Role::kHelpdesk:
    case Role::kNationalAdministrator:
      return kNoChildData;
    default:
      return state.scenario->own ? kOwnPractitioner : kPractitioner;
  }
}

bool ExpectedAllowed(Who who, const Placement& placement, const State& state, Action action) {
  if (state.sealed) return false;
  if (state.archived) {
    return who == kArchiveReviewer && (placement.is_leeds || !state.has_authority) &&
           kArchiveReviewerReads.contains(action);
  }
  switch (Cell(action, who)) {
    case 'Y': return true;
    case 's': return state.shielded;
    case 'q': return !state.has_authority;
    default: return false;
  }
}

struct Expected {
  bool allowed = false;
  std::set<FieldGroup> fields;
  std::vector<InvolvementVisibility> involvements;
  std::set<SearchCriterion> criteria;
  bool reason = false;
  bool serious_case_review = false;
};

Expected Expect(Who who, const Placement& placement, const State& state, Action action) {
  Expected expected;
  expected.allowed = ExpectedAllowed(who, placement, state, action);
  if (!expected.allowed) {
    expected.involvements.assign(state.scenario->entries.size(), kHidden);
    return expected;
  }
  const bool everything = state.archived || who == kTeamManager || who == kTeamDataAdmin;
  const bool as_shielded = state.shielded && !everything;
  expected.fields = as_shielded ? kIdentityCoreOnly : kEveryField;
  for (const Entry& entry : state.scenario->entries) {
    expected.involvements.push_back(everything    ? kFull
                                    : as_shielded ? entry.shielded
                                                  : entry.ordinary);
  }
  if (action == Action::kSearch) {
    expected.criteria = as_shielded ? kIdentityCoreCriteria : kEveryCriterion;
  }
  expected.reason =
      state.archived || action == Action::kViewRecord || action == Action::kExport;
  expected.serious_case_review = state.archived;
  return expected;
}

std::string Names(const std::vector<InvolvementVisibility>& involvements) {
  std::string names;
  for (InvolvementVisibility visibility : involvements) {
    names += std::string(InvolvementVisibilityName(visibility)) + " ";
  }
  return names;
}

TEST(PolicyTest, EveryRoleTimesEveryRecordStateTimesEveryActionMatchesTheTables) {
  std::vector<std::string> mismatches;
  std::size_t decisions = 0;
  std::map<Action, std::pair<int, int>> allowed_refused;
  std::set<Refusal> refusals_seen;
  std::set<Role> roles_seen;
  for (const RoleInfo& info : RoleCatalogue()) {
    for (const Placement& placement : Placements()) {
      if (!RoleAllowedIn(info.role, placement.type)) continue;
      roles_seen.insert(info.role);
      const Viewer viewer = As(info.role, placement.organisation, placement.type);
      for (const State& state : States()) {
        const RecordFacts record = state.Facts();
        const Who who = WhoIs(info.role, placement, state);
        for (Action action : AllActions()) {
          const Decision got = Decide(viewer, record, action);
          const Expected want = Expect(who, placement, state, action);
          ++decisions;
          auto& [allowed, refused] = allowed_refused[action];
          ++(got.allowed() ? allowed : refused);
          refusals_seen.insert(got.refusal);
          const bool matches =
              got.allowed() == want.allowed && got.status.ok() == want.allowed &&
              FieldsOf(got) == want.fields && got.involvements == want.involvements &&
              CriteriaOf(got) == want.criteria && got.reason_required == want.reason &&
              got.serious_case_review_required == want.serious_case_review;
          if (!matches) {
            mismatches.push_back(std::string(info.code) + " of " + placement.name + ", " +
                                 state.Name() + ", " + std::string(ActionName(action)) +
                                 ": got " + (got.allowed() ? "allowed" : "refused") + " (" +
                                 std::string(RefusalName(got.refusal)) + ") [" +
                                 Names(got.involvements) + "], want " +
                                 (want.allowed ? "allowed" : "refused") + " [" +
                                 Names(want.involvements) + "]");
          }
        }
      }
    }
  }
  for (std::size_t i = 0; i < mismatches.size() && i < 25; ++i) ADD_FAILURE() << mismatches[i];
  EXPECT_EQ(mismatches.size(), 0u) << "of " << decisions << " decisions";

  // The sweep itself must be able to fail: it covered every role, and every
  // action both ways, and reached every refusal but the misplaced role.
  EXPECT_EQ(roles_seen.size(), RoleCatalogue().size());
  for (Action action : AllActions()) {
    EXPECT_GT(allowed_refused[action].first, 0) << ActionName(action) << " never allowed";
    EXPECT_GT(allowed_refused[action].second, 0) << ActionName(action) << " never refused";
  }
  for (Refusal refusal : AllRefusals()) {
    if (refusal == Refusal::kRoleNotAllowedInOrganisation) continue;
    EXPECT_TRUE(refusals_seen.contains(refusal)) << RefusalName(refusal) << " never reached";
  }
  EXPECT_EQ(decisions, std::size_t{86} * 96 * AllActions().size());
}

TEST(PolicyTest, ARoleHeldWhereItsOrganisationMayNotGiveItGetsNothing) {
  std::size_t refused = 0;
  for (const RoleInfo& info : RoleCatalogue()) {
    for (const Placement& placement : Placements()) {
      if (RoleAllowedIn(info.role, placement.type)) continue;
      for (Action action : AllActions()) {
        const Decision decision =
            Decide(As(info.role, placement.organisation, placement.type), LeedsRecord(), action);
        EXPECT_EQ(decision.refusal, Refusal::kRoleNotAllowedInOrganisation)
            << info.code << " of " << placement.name << ", " << ActionName(action);
        EXPECT_EQ(decision.status.code(), core::ErrorCode::kNotEligible);
        ++refused;
      }
    }
  }
  EXPECT_GT(refused, 0u);
  // E.g. a Data Administrator of a National Partner, which is not a data controller.
  EXPECT_FALSE(Decide(As(Role::kDataAdministrator, NationalPartners()[5].id, kNationalPartner),
                      InNationalQueue(LeedsRecord()), Action::kMerge)
                   .allowed());
}

// ---------------------------------------------------------------------------
// DOMAIN.md section 7, row by row.

TEST(PolicyTest, OrdinaryRecordShowsEveryFieldToEveryoneWithChildData) {
  const RecordFacts record = LeedsRecord({Service(ServiceClass::kUniversal, std::nullopt),
                                          Service(ServiceClass::kAdditional, kColleague)});
  for (const Viewer& viewer :
       {SchoolViewer(Role::kHeadTeacher), WakefieldViewer(Role::kSocialWorker),
        WakefieldViewer(Role::kContactPointManager), LeedsViewer(Role::kDataAdministrator)}) {
    const Decision decision = Decide(viewer, record, Action::kViewRecord);
    ASSERT_TRUE(decision.allowed()) << Describe(viewer.role).code;
    EXPECT_EQ(FieldsOf(decision), kEveryField) << Describe(viewer.role).code;
    EXPECT_EQ(decision.involvements, (std::vector{kFull, kFull})) << Describe(viewer.role).code;
  }
}

TEST(PolicyTest, ShieldedRecordShowsMostUsersOnlyNameDateOfBirthGenderAndId) {
  const RecordFacts record = Shielded(LeedsRecord(
      {Service(ServiceClass::kUniversal, std::nullopt),
       Service(ServiceClass::kAdditional, kColleague)}));
  // Being employed by the accountable authority does not make a practitioner
  // its management team, nor does managing records elsewhere.
  for (const Viewer& viewer :
       {SchoolViewer(Role::kSenco), LeedsViewer(Role::kSocialWorker),
        WakefieldViewer(Role::kContactPointManager), WakefieldViewer(Role::kDataAdministrator)}) {
    const Decision decision = Decide(viewer, record, Action::kViewRecord);
    ASSERT_TRUE(decision.allowed()) << Describe(viewer.role).code;
    EXPECT_EQ(FieldsOf(decision), kIdentityCoreOnly) << Describe(viewer.role).code;
    EXPECT_FALSE(decision.Shows(FieldGroup::kAddress));
    EXPECT_FALSE(decision.Shows(FieldGroup::kCarers));
    EXPECT_FALSE(decision.Shows(FieldGroup::kUniversalServices));
    EXPECT_EQ(decision.involvements, (std::vector{kHidden, kHidden}));
  }
}

TEST(PolicyTest, ShieldedRecordShowsTheAccountableManagementTeamEverything) {
  const RecordFacts record =
      Shielded(LeedsRecord({Service(ServiceClass::kSensitive, kColleague)}));
  for (Role role : {Role::kContactPointManager, Role::kDataAdministrator}) {
    const Decision decision = Decide(LeedsViewer(role), record, Action::kViewRecord);
    ASSERT_TRUE(decision.allowed()) << Describe(role).code;
    EXPECT_EQ(FieldsOf(decision), kEveryField);
    EXPECT_EQ(decision.involvements, std::vector{kFull});
  }
}

TEST(PolicyTest, UserManagerAndTrainerOfTheAccountableAuthoritySeeNoChildRecord) {
  for (Role role : {Role::kUserManager, Role::kTrainer}) {
    for (Action action : AllActions()) {
      const Decision decision = Decide(LeedsViewer(role), Shielded(LeedsRecord()), action);
      EXPECT_EQ(decision.refusal, Refusal::kNoChildRecordAccess) << Describe(role).code;
      EXPECT_EQ(FieldsOf(decision), std::set<FieldGroup>{});
    }
  }
}

TEST(PolicyTest, HelpdeskAndNationalAdministratorSeeNoChildData) {
  const Viewer helpdesk = As(Role::kHelpdesk, OrganisationId(std::string(kNationalOperatorId)),
                             kNationalOperator);
  const Viewer national = As(Role::kNationalAdministrator,
                             OrganisationId(std::string(kNationalOperatorId)), kNationalOperator);
  for (const Viewer& viewer : {helpdesk, national, LeedsViewer(Role::kHelpdesk)}) {
    for (Action action : AllActions()) {
      const Decision decision = Decide(viewer, LeedsRecord(), action);
      EXPECT_EQ(decision.refusal, Refusal::kNoChildRecordAccess) << ActionName(action);
      EXPECT_EQ(decision.status.code(), core::ErrorCode::kPermissionDenied);
      EXPECT_EQ(CriteriaOf(decision), std::set<SearchCriterion>{});
    }
  }
}

TEST(PolicyTest, ShieldedRecordShowsAPractitionerTheirOwnInvolvementEntryAndNoOther) {
  const RecordFacts record = Shielded(LeedsRecord({Service(ServiceClass::kAdditional, kColleague),
                                                   Service(ServiceClass::kAdditional, kMe),
                                                   Service(ServiceClass::kSensitive, kColleague)}));
  const Decision decision =
      Decide(SchoolViewer(Role::kPastoralLead), record, Action::kViewRecord);
  ASSERT_TRUE(decision.allowed());
  EXPECT_EQ(FieldsOf(decision), kIdentityCoreOnly);
  EXPECT_EQ(decision.involvements, (std::vector{kHidden, kFull, kHidden}));
  // The same entry is another practitioner's to everyone else.
  Viewer colleague = SchoolViewer(Role::kPastoralLead);
  colleague.user = UserId(99);
  EXPECT_EQ(Decide(colleague, record, Action::kViewRecord).involvements,
            (std::vector{kHidden, kHidden, kHidden}));
}

TEST(PolicyTest, SensitiveServiceIsAnUnspecifiedServiceForMostUsers) {
  EXPECT_EQ(kUnspecifiedServiceText,
            "an unspecified service is involved \xE2\x80\x94 contact the local authority "
            "ContactPoint team");
  const RecordFacts record = LeedsRecord({Service(ServiceClass::kSensitive, kColleague),
                                          Service(ServiceClass::kAdditional, kColleague)});
  for (const Viewer& viewer :
       {SchoolViewer(Role::kHeadTeacher), LeedsViewer(Role::kSocialWorker),
        WakefieldViewer(Role::kContactPointManager), WakefieldViewer(Role::kDataAdministrator)}) {
    for (Action action : {Action::kSearch, Action::kViewRecord, Action::kAddOwnInvolvement}) {
      const Decision decision = Decide(viewer, record, action);
      if (!decision.allowed()) continue;  // managers add no involvement
      EXPECT_EQ(decision.involvements, (std::vector{kUnspecified, kFull}))
          << Describe(viewer.role).code << " " << ActionName(action);
    }
  }
}

TEST(PolicyTest, SensitiveServiceIsFullForTheAccountableTeamAndItsOwnPractitioner) {
  const RecordFacts record = LeedsRecord({Service(ServiceClass::kSensitive, kMe),
                                          Service(ServiceClass::kSensitive, kColleague)});
  EXPECT_EQ(Decide(SchoolViewer(Role::kSchoolNurse), record, Action::kViewRecord).involvements,
            (std::vector{kFull, kUnspecified}));
  for (Role role : {Role::kContactPointManager, Role::kDataAdministrator}) {
    EXPECT_EQ(Decide(LeedsViewer(role), record, Action::kViewRecord).involvements,
              (std::vector{kFull, kFull}))
        << Describe(role).code;
  }
}

TEST(PolicyTest, ArchivedRecordOnlyForAnArchiveReviewerOfItsAuthorityWithASeriousCaseReview) {
  const RecordFacts record = Archived(Shielded(LeedsRecord(
      {Service(ServiceClass::kSensitive, kColleague), Service(ServiceClass::kUniversal, kMe)})));
  const Decision reviewer =
      Decide(LeedsViewer(Role::kArchiveReviewer), record, Action::kViewRecord);
  ASSERT_TRUE(reviewer.allowed());
  EXPECT_TRUE(reviewer.reason_required);
  EXPECT_TRUE(reviewer.serious_case_review_required);
  EXPECT_EQ(FieldsOf(reviewer), kEveryField);
  EXPECT_EQ(reviewer.involvements, (std::vector{kFull, kFull}));

  EXPECT_EQ(Decide(WakefieldViewer(Role::kArchiveReviewer), record, Action::kViewRecord).refusal,
            Refusal::kNotAccountableAuthority);
  EXPECT_TRUE(Decide(WakefieldViewer(Role::kArchiveReviewer), InNationalQueue(record),
                     Action::kViewRecord)
                  .allowed());
  // Nothing for anyone else: not the accountable team, not its own practitioner.
  for (const Viewer& viewer :
       {LeedsViewer(Role::kContactPointManager), LeedsViewer(Role::kDataAdministrator),
        SchoolViewer(Role::kSchoolNurse)}) {
    for (Action action : AllActions()) {
      const Decision decision = Decide(viewer, record, action);
      EXPECT_EQ(decision.refusal, Refusal::kRecordArchived)
          << Describe(viewer.role).code << " " << ActionName(action);
      EXPECT_EQ(decision.involvements, (std::vector{kHidden, kHidden}));
    }
  }
}

TEST(PolicyTest, ArchiveReviewersReadTheArchiveAndNothingElse) {
  const Viewer reviewer = LeedsViewer(Role::kArchiveReviewer);
  for (Action action : AllActions()) {
    EXPECT_EQ(Decide(reviewer, LeedsRecord(), action).refusal, Refusal::kRecordNotArchived)
        << ActionName(action);
  }
  EXPECT_TRUE(Decide(reviewer, Archived(LeedsRecord()), Action::kSearch).allowed());
  EXPECT_TRUE(Decide(reviewer, Archived(LeedsRecord()), Action::kExport).allowed());
  for (Action change : {Action::kAddOwnInvolvement, Action::kMerge, Action::kRequestShield,
                        Action::kViewChildAudit}) {
    EXPECT_EQ(Decide(reviewer, Archived(LeedsRecord()), change).refusal, Refusal::kRecordArchived)
        << ActionName(change);
  }
}

TEST(PolicyTest, SealedPreAdoptionRecordIsNotFoundForAnybody) {
  RecordFacts sealed = LeedsRecord({Service(ServiceClass::kAdditional, kMe)});
  sealed.sealed = true;
  for (const Viewer& viewer :
       {LeedsViewer(Role::kContactPointManager), LeedsViewer(Role::kDataAdministrator),
        LeedsViewer(Role::kArchiveReviewer), SchoolViewer(Role::kHeadTeacher)}) {
    for (const RecordFacts& record : {sealed, Archived(sealed), InNationalQueue(sealed)}) {
      for (Action action : AllActions()) {
        const Decision decision = Decide(viewer, record, action);
        EXPECT_EQ(decision.refusal, Refusal::kRecordSealed)
            << Describe(viewer.role).code << " " << ActionName(action);
        // Answered as "not found": the refusal does not reveal an adoption.
        EXPECT_EQ(decision.status.code(), core::ErrorCode::kChildNotFound);
        EXPECT_EQ(decision.status.message().find("seal"), std::string::npos);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Searching, reasons and the actions.

TEST(PolicyTest, ShieldedChildIsNeverFoundByWhereaboutsExceptByTheAccountableTeam) {
  const RecordFacts record = Shielded(LeedsRecord());
  for (const Viewer& viewer : {SchoolViewer(Role::kHeadTeacher), LeedsViewer(Role::kSocialWorker),
                               WakefieldViewer(Role::kContactPointManager)}) {
    const Decision decision = Decide(viewer, record, Action::kSearch);
    ASSERT_TRUE(decision.allowed());
    for (SearchCriterion hidden :
         {SearchCriterion::kPostcode, SearchCriterion::kAddress, SearchCriterion::kSchool,
          SearchCriterion::kGp, SearchCriterion::kAlias, SearchCriterion::kSourceIdentifier}) {
      EXPECT_FALSE(decision.MayMatchOn(hidden)) << SearchCriterionName(hidden);
    }
    // Only what the viewer is shown: the identity core.
    EXPECT_EQ(CriteriaOf(decision), kIdentityCoreCriteria);
  }
  EXPECT_EQ(CriteriaOf(Decide(LeedsViewer(Role::kContactPointManager), record, Action::kSearch)),
            kEveryCriterion);
  EXPECT_EQ(CriteriaOf(Decide(SchoolViewer(Role::kHeadTeacher), LeedsRecord(), Action::kSearch)),
            kEveryCriterion);
  // Criteria belong to a search; opening the record matches nothing.
  EXPECT_EQ(CriteriaOf(Decide(SchoolViewer(Role::kHeadTeacher), LeedsRecord(),
                              Action::kViewRecord)),
            std::set<SearchCriterion>{});
}

TEST(PolicyTest, OpeningOrExportingARecordNeedsAStatedReasonSearchingDoesNot) {
  const Viewer head = SchoolViewer(Role::kHeadTeacher);
  EXPECT_FALSE(Decide(head, LeedsRecord(), Action::kSearch).reason_required);
  EXPECT_TRUE(Decide(head, LeedsRecord(), Action::kViewRecord).reason_required);
  EXPECT_FALSE(Decide(head, LeedsRecord(), Action::kViewRecord).serious_case_review_required);
  EXPECT_TRUE(
      Decide(LeedsViewer(Role::kContactPointManager), LeedsRecord(), Action::kExport)
          .reason_required);
  // In the archive even a search needs the reason and the review's reference.
  const Decision archive_search =
      Decide(LeedsViewer(Role::kArchiveReviewer), Archived(LeedsRecord()), Action::kSearch);
  EXPECT_TRUE(archive_search.reason_required);
  EXPECT_TRUE(archive_search.serious_case_review_required);
  // A refusal asks for nothing.
  EXPECT_FALSE(Decide(LeedsViewer(Role::kHelpdesk), LeedsRecord(), Action::kViewRecord)
                   .reason_required);
}

TEST(PolicyTest, PractitionersChangeOnlyTheirOwnInvolvement) {
  const Viewer nurse = SchoolViewer(Role::kSchoolNurse);
  const RecordFacts without = LeedsRecord({Service(ServiceClass::kAdditional, kColleague)});
  const RecordFacts with = LeedsRecord({Service(ServiceClass::kUniversal, kMe)});
  EXPECT_TRUE(Decide(nurse, without, Action::kAddOwnInvolvement).allowed());
  for (Action action :
       {Action::kEndOwnInvolvement, Action::kMarkSelfLeadProfessional, Action::kRecordCaf}) {
    const Decision refused = Decide(nurse, without, action);
    EXPECT_EQ(refused.refusal, Refusal::kNoOwnInvolvement) << ActionName(action);
    EXPECT_EQ(refused.status.code(), core::ErrorCode::kFailedPrecondition);
    EXPECT_TRUE(Decide(nurse, with, action).allowed()) << ActionName(action);
    EXPECT_TRUE(Decide(nurse, Shielded(with), action).allowed()) << ActionName(action);
    // Managers are not practitioners, even with the same user ID on an entry.
    EXPECT_EQ(Decide(LeedsViewer(Role::kContactPointManager), with, action).refusal,
              Refusal::kActionNotForRole)
        << ActionName(action);
  }
}

TEST(PolicyTest, AnyPractitionerRequestsAShieldOnlyTheAccountableTeamReviewsIt) {
  const RecordFacts record = LeedsRecord();
  EXPECT_TRUE(Decide(SchoolViewer(Role::kHeadTeacher), record, Action::kRequestShield).allowed());
  EXPECT_TRUE(
      Decide(WakefieldViewer(Role::kSocialWorker), record, Action::kRequestShield).allowed());
  EXPECT_TRUE(
      Decide(LeedsViewer(Role::kContactPointManager), record, Action::kRequestShield).allowed());
  EXPECT_EQ(Decide(WakefieldViewer(Role::kContactPointManager), record, Action::kRequestShield)
                .refusal,
            Refusal::kNotAccountableAuthority);

  for (Role role : {Role::kContactPointManager, Role::kDataAdministrator}) {
    EXPECT_TRUE(Decide(LeedsViewer(role), Shielded(record), Action::kReviewShield).allowed());
    EXPECT_EQ(Decide(LeedsViewer(role), record, Action::kReviewShield).refusal,
              Refusal::kRecordNotShielded);
    const Decision other = Decide(WakefieldViewer(role), Shielded(record), Action::kReviewShield);
    EXPECT_EQ(other.refusal, Refusal::kNotAccountableAuthority);
    EXPECT_EQ(other.status.code(), core::ErrorCode::kOutsideManagementScope);
    EXPECT_EQ(Decide(LeedsViewer(role), InNationalQueue(Shielded(record)), Action::kReviewShield)
                  .refusal,
              Refusal::kNoAccountableAuthority);
  }
  EXPECT_EQ(Decide(LeedsViewer(Role::kSocialWorker), Shielded(record), Action::kReviewShield)
                .refusal,
            Refusal::kActionNotForRole);
}

TEST(PolicyTest, OnlyADataAdministratorOfTheAccountableAuthorityMatchesMergesAndSplits) {
  for (Action action : {Action::kReviewMatch, Action::kMerge, Action::kSplit}) {
    EXPECT_TRUE(Decide(LeedsViewer(Role::kDataAdministrator), LeedsRecord(), action).allowed());
    EXPECT_EQ(Decide(WakefieldViewer(Role::kDataAdministrator), LeedsRecord(), action).refusal,
              Refusal::kNotAccountableAuthority);
    // A record in a national queue is any Data Administrator's to resolve.
    EXPECT_TRUE(Decide(WakefieldViewer(Role::kDataAdministrator), InNationalQueue(LeedsRecord()),
                       action)
                    .allowed());
    for (const Viewer& viewer :
         {LeedsViewer(Role::kContactPointManager), LeedsViewer(Role::kSocialWorker)}) {
      const Decision refused = Decide(viewer, InNationalQueue(LeedsRecord()), action);
      EXPECT_EQ(refused.refusal, Refusal::kActionNotForRole) << ActionName(action);
      EXPECT_NE(refused.status.message().find("Data Administrator"), std::string::npos);
    }
  }
}

TEST(PolicyTest, WhoViewedThisChildIsForTheAccountableContactPointManager) {
  const Action audit = Action::kViewChildAudit;
  EXPECT_TRUE(Decide(LeedsViewer(Role::kContactPointManager), LeedsRecord(), audit).allowed());
  EXPECT_EQ(Decide(WakefieldViewer(Role::kContactPointManager), LeedsRecord(), audit).refusal,
            Refusal::kNotAccountableAuthority);
  EXPECT_EQ(Decide(LeedsViewer(Role::kDataAdministrator), LeedsRecord(), audit).refusal,
            Refusal::kActionNotForRole);
  EXPECT_EQ(
      Decide(LeedsViewer(Role::kContactPointManager), InNationalQueue(LeedsRecord()), audit)
          .refusal,
      Refusal::kNoAccountableAuthority);
}

TEST(PolicyTest, ExportIsForTheAccountableTeamAndShowsWhatViewingShows) {
  const RecordFacts record = Shielded(LeedsRecord({Service(ServiceClass::kSensitive, kColleague)}));
  const Viewer manager = LeedsViewer(Role::kContactPointManager);
  const Decision exported = Decide(manager, record, Action::kExport);
  const Decision viewed = Decide(manager, record, Action::kViewRecord);
  ASSERT_TRUE(exported.allowed());
  EXPECT_EQ(exported.fields, viewed.fields);
  EXPECT_EQ(exported.involvements, viewed.involvements);
  EXPECT_EQ(Decide(SchoolViewer(Role::kHeadTeacher), record, Action::kExport).refusal,
            Refusal::kActionNotForRole);
  EXPECT_EQ(Decide(WakefieldViewer(Role::kDataAdministrator), record, Action::kExport).refusal,
            Refusal::kNotAccountableAuthority);
}

// ---------------------------------------------------------------------------
// Codes and names.

bool IsSnakeCase(std::string_view name) {
  return !name.empty() && std::islower(static_cast<unsigned char>(name.front())) &&
         std::ranges::all_of(name, [](char c) {
           return std::islower(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c)) || c == '_';
         });
}

template <typename T, typename NameOf>
void ExpectUniqueSnakeCaseNames(std::span<const T> values, NameOf name_of) {
  std::set<std::string_view> names;
  for (const T& value : values) {
    const std::string_view name = name_of(value);
    EXPECT_TRUE(IsSnakeCase(name)) << name;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
}

TEST(PolicyTest, NamesAreUniqueStableSnakeCase) {
  EXPECT_EQ(AllActions().size(), 13u);
  ExpectUniqueSnakeCaseNames(AllActions(), ActionName);
  ExpectUniqueSnakeCaseNames(AllFieldGroups(), FieldGroupName);
  ExpectUniqueSnakeCaseNames(AllSearchCriteria(), SearchCriterionName);
  ExpectUniqueSnakeCaseNames(AllRefusals(), RefusalName);
  EXPECT_EQ(ActionName(Action::kViewChildAudit), "view_child_audit");
  EXPECT_EQ(RefusalName(Refusal::kRecordSealed), "record_sealed");
  EXPECT_EQ(RefusalName(Refusal::kNone), "");
  EXPECT_EQ(InvolvementVisibilityName(kUnspecified), "unspecified");
}

TEST(PolicyTest, EveryRefusalAnswersWithAnAccessOrStateCodeAndAMessage) {
  // Viewers and records that reach each refusal.
  RecordFacts sealed = LeedsRecord();
  sealed.sealed = true;
  const struct {
    Refusal refusal;
    Viewer viewer;
    RecordFacts record;
    Action action;
    core::ErrorCode code;
  } cases[] = {
      {Refusal::kRoleNotAllowedInOrganisation, SchoolViewer(Role::kDataAdministrator),
       LeedsRecord(), Action::kViewRecord, core::ErrorCode::kNotEligible},
      {Refusal::kNoChildRecordAccess, LeedsViewer(Role::kTrainer), LeedsRecord(),
       Action::kViewRecord, core::ErrorCode::kPermissionDenied},
      {Refusal::kRecordSealed, LeedsViewer(Role::kDataAdministrator), sealed, Action::kSplit,
       core::ErrorCode::kChildNotFound},
      {Refusal::kRecordArchived, SchoolViewer(Role::kHeadTeacher), Archived(LeedsRecord()),
       Action::kSearch, core::ErrorCode::kPermissionDenied},
      {Refusal::kRecordNotArchived, LeedsViewer(Role::kArchiveReviewer), LeedsRecord(),
       Action::kViewRecord, core::ErrorCode::kPermissionDenied},
      {Refusal::kActionNotForRole, SchoolViewer(Role::kHeadTeacher), LeedsRecord(),
       Action::kMerge, core::ErrorCode::kPermissionDenied},
      {Refusal::kNotAccountableAuthority, WakefieldViewer(Role::kContactPointManager),
       LeedsRecord(), Action::kExport, core::ErrorCode::kOutsideManagementScope},
      {Refusal::kNoAccountableAuthority, LeedsViewer(Role::kContactPointManager),
       InNationalQueue(LeedsRecord()), Action::kExport, core::ErrorCode::kFailedPrecondition},
      {Refusal::kNoOwnInvolvement, SchoolViewer(Role::kSenco), LeedsRecord(), Action::kRecordCaf,
       core::ErrorCode::kFailedPrecondition},
      {Refusal::kRecordNotShielded, LeedsViewer(Role::kDataAdministrator), LeedsRecord(),
       Action::kReviewShield, core::ErrorCode::kFailedPrecondition},
  };
  ASSERT_EQ(std::size(cases), AllRefusals().size());
  for (const auto& c : cases) {
    const Decision decision = Decide(c.viewer, c.record, c.action);
    EXPECT_EQ(decision.refusal, c.refusal) << RefusalName(c.refusal);
    EXPECT_FALSE(decision.allowed());
    EXPECT_EQ(decision.status.code(), c.code) << RefusalName(c.refusal);
    EXPECT_FALSE(decision.status.message().empty()) << RefusalName(c.refusal);
    EXPECT_EQ(FieldsOf(decision), std::set<FieldGroup>{}) << RefusalName(c.refusal);
  }
  EXPECT_TRUE(Decide(SchoolViewer(Role::kHeadTeacher), LeedsRecord(), Action::kViewRecord)
                  .status.ok());
}

TEST(PolicyTest, InvolvementFactsTakeTheClassOfTheServiceType) {
  domain::Involvement involvement;
  involvement.type = domain::ServiceType::kMentalHealth;
  EXPECT_EQ(InvolvementFactsOf(involvement, kMe).service_class, ServiceClass::kSensitive);
  EXPECT_EQ(InvolvementFactsOf(involvement, kMe).practitioner, kMe);
  involvement.type = domain::ServiceType::kGp;
  EXPECT_EQ(InvolvementFactsOf(involvement, std::nullopt).service_class, ServiceClass::kUniversal);
  involvement.type = domain::ServiceType::kYouthOffending;
  EXPECT_EQ(InvolvementFactsOf(involvement, std::nullopt).service_class,
            ServiceClass::kAdditional);
}

}  // namespace
}  // namespace cp::access

// ---- Oversight ---------------------------------------------------------------------

namespace cp::access {
namespace {

Organisation Org(const OrganisationId& id, OrganisationType type,
                 std::optional<OrganisationId> accountable = std::nullopt) {
  return Organisation{id, "Org", type, AccreditationState::kAccredited, std::move(accountable)};
}
const Organisation kLeedsCouncil = Org(kLeeds, kLocalAuthority);
const Organisation kWakefieldCouncil = Org(kWakefield, kLocalAuthority);
const Organisation kLeedsSchool = Org(OrganisationId("org:urn-107999"), kAccreditedOrganisation,
                                      kLeeds);
const Organisation kCharity = Org(OrganisationId("np:charity"), kNationalPartner);
const Organisation kOperator = Org(OrganisationId("op:national"), kNationalOperator);

// Every role in every kind of organisation, for every oversight action,
// without a subject: allowed exactly where the table says, and never under
// mediated access.
TEST(OversightPolicyTest, EveryRoleAndOrganisationKindAgreesWithTheTable) {
  const std::map<OversightAction, std::set<std::pair<Role, OrganisationType>>> allowed = {
      {OversightAction::kReviewUserActivity,
       {{Role::kContactPointManager, kLocalAuthority},
        {Role::kContactPointManager, kNationalPartner}}},
      {OversightAction::kReviewMisuseAlerts,
       {{Role::kContactPointManager, kLocalAuthority},
        {Role::kContactPointManager, kNationalPartner}}},
      {OversightAction::kMissingEducationReport,
       {{Role::kContactPointManager, kLocalAuthority},
        {Role::kDataAdministrator, kLocalAuthority}}},
  };
  int checked = 0;
  for (OversightAction action : AllOversightActions()) {
    for (const RoleInfo& info : RoleCatalogue()) {
      for (const Organisation& organisation :
           {kLeedsCouncil, kLeedsSchool, kCharity, kOperator}) {
        const Overseer overseer{info.role, organisation, kMe, false};
        const Decision decision = DecideOversight(overseer, action);
        const bool expected = allowed.at(action).contains({info.role, organisation.type});
        EXPECT_EQ(decision.allowed(), expected)
            << OversightActionName(action) << " " << info.code << " in "
            << OrganisationTypeName(organisation.type) << ": " << decision.status.ToString();
        if (!decision.allowed()) {
          EXPECT_FALSE(decision.status.ok());
          EXPECT_FALSE(decision.status.message().empty());
          EXPECT_EQ(decision.status.code(),
                    RoleAllowedIn(info.role, organisation.type) ? core::ErrorCode::kPermissionDenied
                                                                : core::ErrorCode::kNotEligible);
        }
        Overseer mediated = overseer;
        mediated.mediated = true;
        const Decision acting = DecideOversight(mediated, action);
        EXPECT_FALSE(acting.allowed()) << OversightActionName(action) << " " << info.code;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(AllOversightActions().size() * RoleCatalogue().size() * 4));
}

TEST(OversightPolicyTest, ASubjectMustBeInTheManagementScopeAndNeverOneself) {
  const Overseer leeds_cpm{Role::kContactPointManager, kLeedsCouncil, kMe, false};
  auto decide = [&](const Overseer& who, OversightAction action, OversightSubject subject) {
    return DecideOversight(who, action, &subject);
  };
  for (OversightAction action :
       {OversightAction::kReviewUserActivity, OversightAction::kReviewMisuseAlerts}) {
    // Its own authority and the organisations it accredited.
    EXPECT_TRUE(decide(leeds_cpm, action, {kLeedsCouncil, kColleague}).allowed());
    EXPECT_TRUE(decide(leeds_cpm, action, {kLeedsSchool, kColleague}).allowed());
    EXPECT_TRUE(decide(leeds_cpm, action, {kLeedsSchool, std::nullopt}).allowed());
    // Another authority, a National Partner: outside the scope.
    for (const Organisation& other : {kWakefieldCouncil, kCharity}) {
      const Decision outside = decide(leeds_cpm, action, {other, kColleague});
      EXPECT_EQ(outside.refusal, Refusal::kNotAccountableAuthority);
      EXPECT_EQ(outside.status.code(), core::ErrorCode::kOutsideManagementScope);
    }
    // Oneself: never.
    const Decision self = decide(leeds_cpm, action, {kLeedsCouncil, kMe});
    EXPECT_EQ(self.refusal, Refusal::kActionNotForRole);
    EXPECT_NE(self.status.message().find("ask another ContactPoint Manager"), std::string::npos);
  }
  // An alert about a Wakefield user naming a shielded Leeds record is Leeds's;
  // the flag widens alerts only, not a user's activity.
  OversightSubject shielded_access{kWakefieldCouncil, kColleague, true};
  EXPECT_TRUE(decide(leeds_cpm, OversightAction::kReviewMisuseAlerts, shielded_access).allowed());
  EXPECT_FALSE(decide(leeds_cpm, OversightAction::kReviewUserActivity, shielded_access).allowed());
  // A National Partner's manager: its own organisation only.
  const Overseer charity_cpm{Role::kContactPointManager, kCharity, kMe, false};
  EXPECT_TRUE(
      decide(charity_cpm, OversightAction::kReviewUserActivity, {kCharity, kColleague}).allowed());
  EXPECT_FALSE(decide(charity_cpm, OversightAction::kReviewUserActivity, {kLeedsSchool, kColleague})
                   .allowed());
  // The role is asked first: a Data Administrator is refused whatever the subject.
  const Overseer leeds_da{Role::kDataAdministrator, kLeedsCouncil, kMe, false};
  EXPECT_EQ(decide(leeds_da, OversightAction::kReviewUserActivity, {kLeedsCouncil, kColleague})
                .status.code(),
            core::ErrorCode::kPermissionDenied);
  // An organisation not yet accredited manages nothing.
  Organisation pending = kLeedsCouncil;
  pending.accreditation = AccreditationState::kPending;
  const Overseer pending_cpm{Role::kContactPointManager, pending, kMe, false};
  EXPECT_FALSE(
      decide(pending_cpm, OversightAction::kReviewUserActivity, {kLeedsSchool, kColleague})
          .allowed());
}

TEST(OversightPolicyTest, ActionNamesAreUniqueStableSnakeCase) {
  EXPECT_EQ(AllOversightActions().size(), 3u);
  ExpectUniqueSnakeCaseNames(AllOversightActions(), OversightActionName);
  EXPECT_EQ(OversightActionName(OversightAction::kMissingEducationReport),
            "missing_education_report");
}

}  // namespace
}  // namespace cp::access
