#include "access/policy.h"

#include <algorithm>
#include <array>
#include <string>

#include "access/management_scope.h"
#include "domain/validation.h"

namespace cp::access {
namespace {

using domain::ServiceClass;

// In declaration order.
constexpr std::array kActions{
    Action::kSearch,
    Action::kViewRecord,
    Action::kAddOwnInvolvement,
    Action::kEndOwnInvolvement,
    Action::kMarkSelfLeadProfessional,
    Action::kRecordCaf,
    Action::kRequestShield,
    Action::kReviewShield,
    Action::kReviewMatch,
    Action::kMerge,
    Action::kSplit,
    Action::kViewChildAudit,
    Action::kExport,
};
static_assert(static_cast<std::size_t>(Action::kExport) + 1 == kActions.size());

constexpr std::array kFieldGroups{
    FieldGroup::kIdentityCore,      FieldGroup::kAliases,
    FieldGroup::kSourceIdentifiers, FieldGroup::kDateOfDeath,
    FieldGroup::kAddress,           FieldGroup::kCarers,
    FieldGroup::kUniversalServices, FieldGroup::kServicesInvolved,
    FieldGroup::kLeadProfessional,  FieldGroup::kCaf,
};
static_assert(kFieldGroups.size() == kFieldGroupCount);
static_assert(static_cast<std::size_t>(FieldGroup::kCaf) + 1 == kFieldGroupCount);

constexpr std::array kSearchCriteria{
    SearchCriterion::kName,           SearchCriterion::kAlias,
    SearchCriterion::kDateOfBirth,    SearchCriterion::kGender,
    SearchCriterion::kContactPointId, SearchCriterion::kSourceIdentifier,
    SearchCriterion::kPostcode,       SearchCriterion::kAddress,
    SearchCriterion::kSchool,         SearchCriterion::kGp,
};
static_assert(kSearchCriteria.size() == kSearchCriterionCount);
static_assert(static_cast<std::size_t>(SearchCriterion::kGp) + 1 == kSearchCriterionCount);

constexpr std::array kRefusals{
    Refusal::kRoleNotAllowedInOrganisation,
    Refusal::kNoChildRecordAccess,
    Refusal::kRecordSealed,
    Refusal::kRecordArchived,
    Refusal::kRecordNotArchived,
    Refusal::kActionNotForRole,
    Refusal::kNotAccountableAuthority,
    Refusal::kNoAccountableAuthority,
    Refusal::kNoOwnInvolvement,
    Refusal::kRecordNotShielded,
};

bool HasChildData(Role role) {
  return Describe(role).is_practitioner || role == Role::kContactPointManager ||
         role == Role::kDataAdministrator || role == Role::kArchiveReviewer;
}

bool InAccountableAuthority(const Viewer& viewer, const RecordFacts& record) {
  return record.accountable_authority.has_value() &&
         viewer.organisation == *record.accountable_authority;
}

bool IsAccountableTeam(const Viewer& viewer, const RecordFacts& record) {
  return (viewer.role == Role::kContactPointManager || viewer.role == Role::kDataAdministrator) &&
         InAccountableAuthority(viewer, record);
}

bool Owns(const Viewer& viewer, const InvolvementFacts& involvement) {
  return involvement.practitioner.has_value() && *involvement.practitioner == viewer.user;
}

bool HasOwnInvolvement(const Viewer& viewer, const RecordFacts& record) {
  return std::ranges::any_of(record.involvements, [&viewer](const InvolvementFacts& involvement) {
    return Owns(viewer, involvement);
  });
}

// Rule 4 of the header: the archive is read, by its own authority's reviewer.
Refusal CheckArchived(const Viewer& viewer, const RecordFacts& record, Action action) {
  if (viewer.role != Role::kArchiveReviewer) return Refusal::kRecordArchived;
  if (action != Action::kSearch && action != Action::kViewRecord && action != Action::kExport) {
    return Refusal::kRecordArchived;
  }
  if (record.accountable_authority.has_value() && !InAccountableAuthority(viewer, record)) {
    return Refusal::kNotAccountableAuthority;
  }
  return Refusal::kNone;
}

// An action reserved to the accountable team, or to one role of it.
Refusal CheckTeamOnly(const Viewer& viewer, const RecordFacts& record, bool contactpoint_manager,
                      bool data_administrator) {
  const bool role_fits = (contactpoint_manager && viewer.role == Role::kContactPointManager) ||
                         (data_administrator && viewer.role == Role::kDataAdministrator);
  if (!role_fits) return Refusal::kActionNotForRole;
  if (!record.accountable_authority.has_value()) return Refusal::kNoAccountableAuthority;
  if (!InAccountableAuthority(viewer, record)) return Refusal::kNotAccountableAuthority;
  return Refusal::kNone;
}

// Rule 5 of the header.
Refusal CheckLive(const Viewer& viewer, const RecordFacts& record, Action action) {
  if (viewer.role == Role::kArchiveReviewer) return Refusal::kRecordNotArchived;
  const bool practitioner = Describe(viewer.role).is_practitioner;
  switch (action) {
    case Action::kSearch:
    case Action::kViewRecord:
      return Refusal::kNone;  // every remaining role has child data
    case Action::kAddOwnInvolvement:
      return practitioner ? Refusal::kNone : Refusal::kActionNotForRole;
    case Action::kEndOwnInvolvement:
    case Action::kMarkSelfLeadProfessional:
    case Action::kRecordCaf:
      if (!practitioner) return Refusal::kActionNotForRole;
      return HasOwnInvolvement(viewer, record) ? Refusal::kNone : Refusal::kNoOwnInvolvement;
    case Action::kRequestShield:
      if (practitioner) return Refusal::kNone;
      return CheckTeamOnly(viewer, record, /*contactpoint_manager=*/true,
                           /*data_administrator=*/true);
    case Action::kReviewShield: {
      const Refusal refusal = CheckTeamOnly(viewer, record, true, true);
      if (refusal != Refusal::kNone) return refusal;
      return record.shielded ? Refusal::kNone : Refusal::kRecordNotShielded;
    }
    case Action::kReviewMatch:
    case Action::kMerge:
    case Action::kSplit:
      if (viewer.role != Role::kDataAdministrator) return Refusal::kActionNotForRole;
      // A record in a national queue is any Data Administrator's to resolve.
      if (!record.accountable_authority.has_value()) return Refusal::kNone;
      return InAccountableAuthority(viewer, record) ? Refusal::kNone
                                                    : Refusal::kNotAccountableAuthority;
    case Action::kViewChildAudit:
      return CheckTeamOnly(viewer, record, /*contactpoint_manager=*/true,
                           /*data_administrator=*/false);
    case Action::kExport:
      return CheckTeamOnly(viewer, record, true, true);
  }
  return Refusal::kActionNotForRole;
}

Refusal Check(const Viewer& viewer, const RecordFacts& record, Action action) {
  if (!RoleAllowedIn(viewer.role, viewer.organisation_type)) {
    return Refusal::kRoleNotAllowedInOrganisation;
  }
  if (!HasChildData(viewer.role)) return Refusal::kNoChildRecordAccess;
  if (record.sealed) return Refusal::kRecordSealed;
  if (record.archived) return CheckArchived(viewer, record, action);
  return CheckLive(viewer, record, action);
}

std::string_view WhoMay(Action action) {
  switch (action) {
    case Action::kSearch:
    case Action::kViewRecord:
      return "only practitioners, ContactPoint Managers and Data Administrators may search for "
             "or open a child's record";
    case Action::kAddOwnInvolvement:
    case Action::kEndOwnInvolvement:
    case Action::kMarkSelfLeadProfessional:
    case Action::kRecordCaf:
      return "only a practitioner may record their own involvement, lead professional role or "
             "CAF";
    case Action::kRequestShield:
      return "only a practitioner, or the ContactPoint Manager or Data Administrator of the "
             "record's local authority, may request a shield";
    case Action::kReviewShield:
      return "only the ContactPoint Manager or Data Administrator of the record's local "
             "authority may review a shield";
    case Action::kReviewMatch:
    case Action::kMerge:
    case Action::kSplit:
      return "only a Data Administrator may review matches, merge or split records";
    case Action::kViewChildAudit:
      return "only the ContactPoint Manager of the record's local authority may see who viewed "
             "a child's record";
    case Action::kExport:
      return "only the ContactPoint Manager or Data Administrator of the record's local "
             "authority may export a record";
  }
  return "your role may not do this";
}

core::Status StatusOf(Refusal refusal, Action action) {
  using core::ErrorCode;
  switch (refusal) {
    case Refusal::kNone:
      return core::Status::Ok();
    case Refusal::kRoleNotAllowedInOrganisation:
      return core::Status(ErrorCode::kNotEligible,
                          "your role cannot be held in your organisation: your User Manager can "
                          "see why");
    case Refusal::kNoChildRecordAccess:
      return core::Status(ErrorCode::kPermissionDenied,
                          "your role gives no access to children's records");
    case Refusal::kRecordSealed:
      return core::Status(ErrorCode::kChildNotFound, "no child record matches");
    case Refusal::kRecordArchived:
      return core::Status(ErrorCode::kPermissionDenied,
                          "this record is archived: only an archive reviewer of its local "
                          "authority may read it, for a serious case review");
    case Refusal::kRecordNotArchived:
      return core::Status(ErrorCode::kPermissionDenied,
                          "archive reviewers may open archived records only");
    case Refusal::kActionNotForRole:
      return core::Status(ErrorCode::kPermissionDenied, std::string(WhoMay(action)));
    case Refusal::kNotAccountableAuthority:
      return core::Status(ErrorCode::kOutsideManagementScope,
                          "only the record's accountable local authority may do this: contact "
                          "its ContactPoint team");
    case Refusal::kNoAccountableAuthority:
      return core::Status(ErrorCode::kFailedPrecondition,
                          "the record has no accountable local authority yet: it must first be "
                          "assigned one from the national queue");
    case Refusal::kNoOwnInvolvement:
      return core::Status(ErrorCode::kFailedPrecondition,
                          "you have no involvement on this record: record your involvement first");
    case Refusal::kRecordNotShielded:
      return core::Status(ErrorCode::kFailedPrecondition,
                          "the record is not shielded: there is no shield to review");
  }
  return core::Internal("unknown access refusal");
}

void Set(std::bitset<kFieldGroupCount>& fields, FieldGroup group) {
  fields.set(static_cast<std::size_t>(group));
}

void Reset(std::bitset<kSearchCriterionCount>& criteria, SearchCriterion criterion) {
  criteria.reset(static_cast<std::size_t>(criterion));
}

InvolvementVisibility VisibilityOf(const Viewer& viewer, const InvolvementFacts& involvement,
                                   bool sees_everything, bool shielded) {
  if (sees_everything || Owns(viewer, involvement)) return InvolvementVisibility::kFull;
  if (shielded) return InvolvementVisibility::kHidden;
  return involvement.service_class == ServiceClass::kSensitive ? InvolvementVisibility::kUnspecified
                                                               : InvolvementVisibility::kFull;
}

}  // namespace

InvolvementFacts InvolvementFactsOf(const domain::Involvement& involvement,
                                    std::optional<UserId> practitioner) {
  return InvolvementFacts{domain::ClassOf(involvement.type), practitioner};
}

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kSearch: return "search";
    case Action::kViewRecord: return "view_record";
    case Action::kAddOwnInvolvement: return "add_own_involvement";
    case Action::kEndOwnInvolvement: return "end_own_involvement";
    case Action::kMarkSelfLeadProfessional: return "mark_self_lead_professional";
    case Action::kRecordCaf: return "record_caf";
    case Action::kRequestShield: return "request_shield";
    case Action::kReviewShield: return "review_shield";
    case Action::kReviewMatch: return "review_match";
    case Action::kMerge: return "merge";
    case Action::kSplit: return "split";
    case Action::kViewChildAudit: return "view_child_audit";
    case Action::kExport: return "export";
  }
  return "unknown";
}

std::span<const Action> AllActions() { return kActions; }

std::string_view FieldGroupName(FieldGroup group) {
  switch (group) {
    case FieldGroup::kIdentityCore: return "identity_core";
    case FieldGroup::kAliases: return "aliases";
    case FieldGroup::kSourceIdentifiers: return "source_identifiers";
    case FieldGroup::kDateOfDeath: return "date_of_death";
    case FieldGroup::kAddress: return "address";
    case FieldGroup::kCarers: return "carers";
    case FieldGroup::kUniversalServices: return "universal_services";
    case FieldGroup::kServicesInvolved: return "services_involved";
    case FieldGroup::kLeadProfessional: return "lead_professional";
    case FieldGroup::kCaf: return "caf";
  }
  return "unknown";
}

std::span<const FieldGroup> AllFieldGroups() { return kFieldGroups; }

std::string_view InvolvementVisibilityName(InvolvementVisibility visibility) {
  switch (visibility) {
    case InvolvementVisibility::kHidden: return "hidden";
    case InvolvementVisibility::kUnspecified: return "unspecified";
    case InvolvementVisibility::kFull: return "full";
  }
  return "unknown";
}

std::string_view SearchCriterionName(SearchCriterion criterion) {
  switch (criterion) {
    case SearchCriterion::kName: return "name";
    case SearchCriterion::kAlias: return "alias";
    case SearchCriterion::kDateOfBirth: return "date_of_birth";
    case SearchCriterion::kGender: return "gender";
    case SearchCriterion::kContactPointId: return "contactpoint_id";
    case SearchCriterion::kSourceIdentifier: return "source_identifier";
    case SearchCriterion::kPostcode: return "postcode";
    case SearchCriterion::kAddress: return "address";
    case SearchCriterion::kSchool: return "school";
    case SearchCriterion::kGp: return "gp";
  }
  return "unknown";
}

std::span<const SearchCriterion> AllSearchCriteria() { return kSearchCriteria; }

std::string_view RefusalName(Refusal refusal) {
  switch (refusal) {
    case Refusal::kNone: return "";
    case Refusal::kRoleNotAllowedInOrganisation: return "role_not_allowed_in_organisation";
    case Refusal::kNoChildRecordAccess: return "no_child_record_access";
    case Refusal::kRecordSealed: return "record_sealed";
    case Refusal::kRecordArchived: return "record_archived";
    case Refusal::kRecordNotArchived: return "record_not_archived";
    case Refusal::kActionNotForRole: return "action_not_for_role";
    case Refusal::kNotAccountableAuthority: return "not_accountable_authority";
    case Refusal::kNoAccountableAuthority: return "no_accountable_authority";
    case Refusal::kNoOwnInvolvement: return "no_own_involvement";
    case Refusal::kRecordNotShielded: return "record_not_shielded";
  }
  return "unknown";
}

std::span<const Refusal> AllRefusals() { return kRefusals; }

Decision Decide(const Viewer& viewer, const RecordFacts& record, Action action) {
  Decision decision;
  decision.refusal = Check(viewer, record, action);
  decision.status = StatusOf(decision.refusal, action);
  if (!decision.allowed()) {
    decision.involvements.assign(record.involvements.size(), InvolvementVisibility::kHidden);
    return decision;
  }

  // Past Check, an archived record is open only to its archive reviewer, who
  // reads it for the serious case review in full, as the accountable team would.
  const bool sees_everything = record.archived || IsAccountableTeam(viewer, record);
  const bool shielded_from_viewer = record.shielded && !sees_everything;

  if (shielded_from_viewer) {
    Set(decision.fields, FieldGroup::kIdentityCore);
  } else {
    decision.fields.set();
  }
  decision.involvements.reserve(record.involvements.size());
  for (const InvolvementFacts& involvement : record.involvements) {
    decision.involvements.push_back(
        VisibilityOf(viewer, involvement, sees_everything, shielded_from_viewer));
  }

  if (action == Action::kSearch) {
    decision.search_criteria.set();
    if (shielded_from_viewer) {
      // Matched only on what the viewer is shown (the identity core): never
      // on its whereabouts, nor on a former name or a source identifier,
      // which would tie the hidden to the shown.
      for (SearchCriterion hidden :
           {SearchCriterion::kPostcode, SearchCriterion::kAddress, SearchCriterion::kSchool,
            SearchCriterion::kGp, SearchCriterion::kAlias, SearchCriterion::kSourceIdentifier}) {
        Reset(decision.search_criteria, hidden);
      }
    }
  }
  decision.reason_required =
      action == Action::kViewRecord || action == Action::kExport || record.archived;
  decision.serious_case_review_required = record.archived;
  return decision;
}

// ---- Oversight ------------------------------------------------------------------

namespace {

constexpr std::array kOversightActions = {OversightAction::kReviewUserActivity,
                                          OversightAction::kReviewMisuseAlerts,
                                          OversightAction::kMissingEducationReport};
static_assert(static_cast<std::size_t>(OversightAction::kMissingEducationReport) + 1 ==
              kOversightActions.size());

Decision Refused(Refusal refusal, core::ErrorCode code, std::string message) {
  Decision d;
  d.refusal = refusal;
  d.status = core::Status(code, std::move(message));
  return d;
}

}  // namespace

std::string_view OversightActionName(OversightAction action) {
  switch (action) {
    case OversightAction::kReviewUserActivity:
      return "review_user_activity";
    case OversightAction::kReviewMisuseAlerts:
      return "review_misuse_alerts";
    case OversightAction::kMissingEducationReport:
      return "missing_education_report";
  }
  return "unknown";
}

std::span<const OversightAction> AllOversightActions() { return kOversightActions; }

Decision DecideOversight(const Overseer& overseer, OversightAction action,
                         const OversightSubject* subject) {
  using core::ErrorCode;
  if (!RoleAllowedIn(overseer.role, overseer.organisation.type)) {
    return Refused(Refusal::kRoleNotAllowedInOrganisation, ErrorCode::kNotEligible,
                   "your role cannot be held in your organisation: your User Manager can see "
                   "why");
  }
  if (overseer.mediated) {
    return Refused(Refusal::kActionNotForRole, ErrorCode::kPermissionDenied,
                   "the audit trail, misuse alerts and reports are for the management team: "
                   "end mediated access first");
  }
  const bool manager = overseer.role == Role::kContactPointManager;
  switch (action) {
    case OversightAction::kReviewUserActivity:
      if (!manager) {
        return Refused(Refusal::kActionNotForRole, ErrorCode::kPermissionDenied,
                       "only a ContactPoint Manager may review what a user did");
      }
      break;
    case OversightAction::kReviewMisuseAlerts:
      if (!manager) {
        return Refused(Refusal::kActionNotForRole, ErrorCode::kPermissionDenied,
                       "misuse alerts are for ContactPoint Managers");
      }
      break;
    case OversightAction::kMissingEducationReport:
      if ((!manager && overseer.role != Role::kDataAdministrator) ||
          overseer.organisation.type != OrganisationType::kLocalAuthority) {
        return Refused(Refusal::kActionNotForRole, ErrorCode::kPermissionDenied,
                       "the missing-education report is for a local authority's ContactPoint "
                       "Manager and Data Administrator");
      }
      break;
  }
  if (subject != nullptr) {
    const bool own_record = action == OversightAction::kReviewMisuseAlerts &&
                            subject->names_own_authority_record;
    if (!own_record &&
        !CanManage(Manager{overseer.role, overseer.organisation}, subject->organisation)) {
      return Refused(Refusal::kNotAccountableAuthority, ErrorCode::kOutsideManagementScope,
                     "this user's organisation is outside your management scope");
    }
    if (subject->user && *subject->user == overseer.user) {
      return Refused(Refusal::kActionNotForRole, ErrorCode::kPermissionDenied,
                     action == OversightAction::kReviewMisuseAlerts
                         ? "nobody reviews an alert about themselves: ask another ContactPoint "
                           "Manager"
                         : "nobody reviews their own activity: ask another ContactPoint Manager");
    }
  }
  return Decision{};
}

}  // namespace cp::access
