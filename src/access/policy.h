// access: policy.h — the one access policy: who may do what with a child's
// record, and what they then see (DOMAIN.md sections 6-8; issue #8).
//
// Decide(viewer, record, action) is asked before every API response and every
// export that touches a child record; the caller shows only what the Decision
// allows. It decides from facts the caller gathers (the viewer's role and
// organisation, the record's state, whose each involvement is); it reads
// nothing, validates no stated reason, and writes no audit event (the caller
// audits the decision, with RefusalName as the refusal code).
//
// Who has child data at all: every practitioner role; of the management team
// only the ContactPoint Manager and the Data Administrator (the User Manager
// and the Trainer manage people, not records); the archive reviewer for
// archived records only. Helpdesk and national administrator: none.
// "The accountable team" is a ContactPoint Manager or Data Administrator whose
// organisation IS the record's accountable local authority; a record in a
// national queue (no accountable authority) has no team.
//
// Rules, the first that applies wins:
//   1. A role held in an organisation that may not give it (RoleAllowedIn):
//      nothing.
//   2. A role without child data: nothing.
//   3. A sealed pre-adoption identity: nothing for anybody, for any action; it
//      answers as not found, so a refusal reveals no adoption.
//   4. An archived record: only an archive reviewer of its accountable
//      authority (any archive reviewer when it has none) may search for, view
//      or export it, each with a stated reason and a serious-case-review
//      reference; archive reviewers see no live record.
//   5. A live record, by action:
//        search, view record ....... practitioners, ContactPoint Managers and
//                                     Data Administrators
//        add own involvement ....... practitioners
//        end own involvement,
//        mark self lead professional,
//        record CAF ................ practitioners with an involvement of
//                                     their own on the record (lead and CAF
//                                     holder are flags on an involvement)
//        request shield ............ practitioners (section 8: any) and the
//                                     accountable team
//        review shield ............. the accountable team, of a shielded record
//        review match, merge, split  a Data Administrator of the accountable
//                                     authority; any Data Administrator when
//                                     the record has no accountable authority
//        view who viewed the child . the accountable authority's ContactPoint
//                                     Manager
//        export .................... the accountable team (subject access
//                                     copies, the authority's reports)
//      The other actions of the accountable team are refused on a record in a
//      national queue until it is given an authority.
//
// What an allowed viewer sees (section 7) does not depend on the action:
//   - the accountable team, and an archive reviewer allowed an archived
//     record: every field group, every involvement in full;
//   - anyone else, ordinary record: every field group; a sensitive service is
//     shown only as kUnspecifiedServiceText, except to the practitioner whose
//     involvement it is;
//   - anyone else, shielded record (from the moment a shield is requested):
//     the identity core only (names, date of birth, gender, ContactPoint ID),
//     plus the viewer's own involvement entries in full.
// A search may match a shielded record through a field the viewer is not
// shown (postcode, address, school, GP, former names, NHS number, UPN, ULN)
// only for the accountable team: others match it on its identity core. A stated reason is required to
// view or export a record, and for every action on an archived record.
//
// Pure functions of values; thread-safe.
#ifndef CP_ACCESS_POLICY_H_
#define CP_ACCESS_POLICY_H_

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "access/organisation.h"
#include "access/roles.h"
#include "core/status.h"
#include "core/strong_id.h"
#include "domain/model.h"

namespace cp::access {

// A ContactPoint user, as the store numbers them; also names the practitioner
// whose involvement an entry is.
struct UserIdTag {};
using UserId = core::StrongId<UserIdTag, std::int64_t>;

// Who asks.
struct Viewer {
  Role role = Role::kHeadTeacher;
  OrganisationId organisation;
  OrganisationType organisation_type = OrganisationType::kAccreditedOrganisation;
  UserId user;
};

struct InvolvementFacts {
  domain::ServiceClass service_class = domain::ServiceClass::kAdditional;
  // The user whose involvement this is; absent for one a source supplied.
  std::optional<UserId> practitioner;
};

// The facts of one involvement: its class from its service type.
InvolvementFacts InvolvementFactsOf(const domain::Involvement& involvement,
                                    std::optional<UserId> practitioner);

struct RecordFacts {
  bool shielded = false;  // a shield is requested or in force
  bool archived = false;
  bool sealed = false;  // a sealed pre-adoption identity
  // The accountable local authority ("la:E08000035"); absent while the record
  // waits in a national queue (accountable_authority.h).
  std::optional<OrganisationId> accountable_authority;
  std::vector<InvolvementFacts> involvements;  // in the record's order
};

enum class Action {
  // Asked of each candidate record: may it appear in the results, and which
  // criteria may have matched it (Decision::search_criteria).
  kSearch,
  kViewRecord,
  kAddOwnInvolvement,
  kEndOwnInvolvement,
  kMarkSelfLeadProfessional,
  kRecordCaf,
  kRequestShield,
  kReviewShield,
  kReviewMatch,
  kMerge,
  kSplit,
  kViewChildAudit,  // who viewed this child
  kExport,
};
std::string_view ActionName(Action action);  // stable, e.g. "view_record"
std::span<const Action> AllActions();        // in declaration order

enum class FieldGroup {
  kIdentityCore,       // names, date of birth, gender, ContactPoint ID
  kAliases,            // other names
  kSourceIdentifiers,  // NHS number, UPN, ULN
  kDateOfDeath,
  kAddress,            // address and postcode
  kCarers,             // parents and carers, and their contact details
  kUniversalServices,  // school, early years, college, GP, midwife, health visitor, school nurse
  kServicesInvolved,   // additional and sensitive services, and their contacts
  kLeadProfessional,   // that there is a lead professional
  kCaf,                // that a Common Assessment exists
};
inline constexpr std::size_t kFieldGroupCount = 10;
std::string_view FieldGroupName(FieldGroup group);  // stable, e.g. "identity_core"
std::span<const FieldGroup> AllFieldGroups();

// How one involvement entry is shown. kFull: the entry as held, with its
// lead-professional and CAF-holder flags; kUnspecified: kUnspecifiedServiceText
// only (no service type, organisation, practitioner, contact, dates or
// flags); kHidden: not at all.
enum class InvolvementVisibility { kHidden, kUnspecified, kFull };
std::string_view InvolvementVisibilityName(InvolvementVisibility visibility);

inline constexpr std::string_view kUnspecifiedServiceText =
    "an unspecified service is involved \u2014 contact the local authority ContactPoint team";

enum class SearchCriterion {
  kName,
  kAlias,
  kDateOfBirth,
  kGender,
  kContactPointId,
  kSourceIdentifier,  // NHS number, UPN, ULN
  kPostcode,
  kAddress,
  kSchool,  // any education setting
  kGp,
};
inline constexpr std::size_t kSearchCriterionCount = 10;
std::string_view SearchCriterionName(SearchCriterion criterion);  // e.g. "postcode"
std::span<const SearchCriterion> AllSearchCriteria();

// Why an action is refused: stable codes, audited. What the user is told is
// Decision::status.
enum class Refusal {
  kNone,
  kRoleNotAllowedInOrganisation,  // kNotEligible
  kNoChildRecordAccess,           // kPermissionDenied
  kRecordSealed,                  // kChildNotFound: the seal is not revealed
  kRecordArchived,                // kPermissionDenied
  kRecordNotArchived,             // kPermissionDenied: archive reviewers
  kActionNotForRole,              // kPermissionDenied
  kNotAccountableAuthority,       // kOutsideManagementScope
  kNoAccountableAuthority,        // kFailedPrecondition: in a national queue
  kNoOwnInvolvement,              // kFailedPrecondition: record one first
  kRecordNotShielded,             // kFailedPrecondition: nothing to review
};
std::string_view RefusalName(Refusal refusal);  // "" for kNone, e.g. "record_sealed"
std::span<const Refusal> AllRefusals();         // kNone excluded

struct Decision {
  Refusal refusal = Refusal::kNone;
  // OK when allowed; otherwise the code and message to answer with.
  core::Status status;
  // Nothing when refused.
  std::bitset<kFieldGroupCount> fields;
  // One per RecordFacts::involvements, in order; all kHidden when refused.
  std::vector<InvolvementVisibility> involvements;
  // For an allowed kSearch only: what may match this record.
  std::bitset<kSearchCriterionCount> search_criteria;
  // What the caller must have collected before acting (it checks them and
  // audits them; the policy does not validate them).
  bool reason_required = false;
  bool serious_case_review_required = false;

  bool allowed() const { return refusal == Refusal::kNone; }
  bool Shows(FieldGroup group) const { return fields.test(static_cast<std::size_t>(group)); }
  bool MayMatchOn(SearchCriterion criterion) const {
    return search_criteria.test(static_cast<std::size_t>(criterion));
  }
};

Decision Decide(const Viewer& viewer, const RecordFacts& record, Action action);

// ---- Oversight: the management team's acts about users, not one record ----
//
// Reading what a user did, misuse alerts, and the missing-education report
// (DOMAIN.md section 10 cases 2 and 9) concern users and an authority's
// caseload rather than one child's record; the same module decides them.
// The report's children are each still asked of Decide (kExport).
//
// Rules, the first that applies wins:
//   1. A role held in an organisation that may not give it: nothing.
//   2. Under mediated access (acting for a practitioner): nothing.
//   3. By action:
//        review a user's activity ... ContactPoint Managers
//        misuse alerts (list, review) ContactPoint Managers
//        missing-education report ... a local authority's ContactPoint Manager
//                                     or Data Administrator
//   4. When the act concerns a user (OversightSubject): that user's
//      organisation within the overseer's management scope (CanManage,
//      management_scope.h), or, for a misuse alert, a shielded record of the
//      overseer's own authority named in it; and never the overseer
//      themselves.
enum class OversightAction {
  kReviewUserActivity,
  kReviewMisuseAlerts,
  kMissingEducationReport,
};
std::string_view OversightActionName(OversightAction action);  // e.g. "review_user_activity"
std::span<const OversightAction> AllOversightActions();

// Who asks, with their whole organisation (the scope depends on its type,
// accreditation and the authority that accredited it).
struct Overseer {
  Role role = Role::kHeadTeacher;
  Organisation organisation;
  UserId user;
  bool mediated = false;  // acting for a practitioner
};

// The user an act concerns, where there is one: the organisation always, the
// user when known (an organisation's users, listed to choose from, have no
// one user yet).
struct OversightSubject {
  Organisation organisation;
  std::optional<UserId> user;
  // A misuse alert naming a shielded record of the overseer's own local
  // authority: in its ContactPoint Manager's scope whoever raised it.
  bool names_own_authority_record = false;
};

// Refusals: kRoleNotAllowedInOrganisation, kActionNotForRole (rules 2, 3 and
// oneself) and kNotAccountableAuthority (outside the management scope:
// kOutsideManagementScope). Decision::fields and involvements stay empty.
Decision DecideOversight(const Overseer& overseer, OversightAction action,
                         const OversightSubject* subject = nullptr);

}  // namespace cp::access

#endif  // CP_ACCESS_POLICY_H_
