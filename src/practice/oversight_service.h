// practice: oversight — reading the audit trail for the management team
// (issue 8 item 5; DOMAIN.md section 10 case 9).
//
//   WhoViewed     every view of a child's record (allowed or refused),
//                 newest first: for the accountable authority's
//                 ContactPoint Manager (access::Decide, kViewChildAudit);
//                 views of a merged-away ID are found through the survivor
//                 only for views made after the merge (they name both);
//   UserActivity  everything one user did (as the acting user), newest
//                 first: for a ContactPoint Manager whose management scope
//                 covers the user's organisation, never their own.
//                 (These, alerts and the report are decided by
//                 access::DecideOversight: access/policy.h.)
//   Alerts        misuse alerts (search/misuse_monitor.h), latest first: for
//                 a ContactPoint Manager, those about users their management
//                 scope covers and those naming a shielded record of their
//                 own authority; never alerts about themselves.
//   ReviewableUsers  the users whose activity a ContactPoint Manager may
//                 review (UserActivity's scope), to choose one from; names
//                 of staff, not a child's data, so not audited.
//   MissingEducation  DOMAIN.md section 10 case 2: the children of the
//                 user's own local authority of compulsory school age (5
//                 to 15 years old today) whose best view has no current
//                 school, early-years setting or college, for its
//                 ContactPoint Manager or Data Administrator (each child
//                 through access::Decide, kExport); archived, deceased and
//                 sealed records are left out. The authority's current
//                 children, found by their accountable authority (an
//                 index), read in a read-only transaction (the store's
//                 writer is not held meanwhile).
//                 Audited as an export naming the children listed, written
//                 just after: no report is returned without its event.
//   ReviewAlert   closes one of those alerts with a finding (AlertFindings);
//                 an alert outside the reviewer's scope answers as an
//                 unknown one. Reinstating a suspended user is the User
//                 Manager's (identity/directory.h).
//
// Each read is itself audited (view_audit_trail), allowed or refused, in
// the transaction that decided it; a review is audited as
// review_misuse_alert. Borrows its dependencies; thread-safe.
#ifndef CP_PRACTICE_OVERSIGHT_SERVICE_H_
#define CP_PRACTICE_OVERSIGHT_SERVICE_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "core/status.h"
#include "identity/sign_in.h"
#include "practice/practice_service.h"

namespace cp::practice {

// A misuse alert with who it is about (their account, not a child's data).
struct AlertView {
  storage::MisuseAlertEntry alert;
  std::string username;
  std::string display_name;
  std::string role;
};

struct AlertPage {
  std::vector<AlertView> alerts;  // latest occurrence first
  std::int64_t audit_index = 0;   // the entry recording this read
};

// The findings a review may record: "no_concern" (the use was proper),
// "referred" (referred for investigation under the misuse procedures).
std::span<const std::string_view> AlertFindings();

// A user an audit page names, as people know them.
struct UserName {
  std::string username;
  std::string display_name;
};

// One child of the missing-education report, masked as the policy decided.
struct MissingEducationEntry {
  domain::ContactPointId id;
  search::MaskedChild shown;
};

struct MissingEducationReport {
  std::vector<MissingEducationEntry> children;  // by ContactPoint ID
  bool truncated = false;                       // more than the limit
  std::int64_t audit_index = 0;
};

// Compulsory school age as the report counts it: 5 to 15 years old on `today`.
bool OfCompulsorySchoolAge(domain::Date date_of_birth, domain::Date today);
// A current school, early-years setting or college among the involvements.
bool HasEducationSetting(const domain::Child& child, domain::Date today);

struct AuditPage {
  std::vector<audit::LoggedEvent> events;  // newest first
  std::int64_t audit_index = 0;            // the entry recording this read
  // The users the events name (actor, and who was acted for), by principal
  // ID ("user:12"); a principal not found is left out.
  std::map<std::string, UserName> users;
};

// A user whose activity may be reviewed.
struct ReviewableUser {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string role;
  std::string organisation;
};

class OversightService {
 public:
  explicit OversightService(PracticeDeps deps) : d_(deps) {}

  // `limit` 1..500 (kInvalidArgument). Errors (audited): kInvalidContactPointId,
  // kChildNotFound (also sealed), the policy's refusal.
  core::StatusOr<AuditPage> WhoViewed(const identity::SessionContext& session,
                                      std::string_view child, int limit = 100);
  // Errors (audited): kUserNotFound, kOutsideManagementScope,
  // kPermissionDenied.
  core::StatusOr<AuditPage> UserActivity(const identity::SessionContext& session,
                                         std::int64_t user_id, int limit = 100);
  // By username; never the manager themselves. Errors: kSecretsMustChange,
  // kPermissionDenied (not a ContactPoint Manager, or in mediated access).
  core::StatusOr<std::vector<ReviewableUser>> ReviewableUsers(
      const identity::SessionContext& session);
  // `limit` 1..500. Errors (audited): kPermissionDenied (not a ContactPoint
  // Manager, or in mediated access).
  core::StatusOr<AlertPage> Alerts(const identity::SessionContext& session,
                                   bool include_reviewed = false, int limit = 100);
  // `limit` 1..500. Errors (audited): kPermissionDenied (not the management
  // team of a local authority, or mediated access).
  core::StatusOr<MissingEducationReport> MissingEducation(const identity::SessionContext& session,
                                                          int limit = 500);
  // Errors (audited): kInvalidAlertFinding, kAlertNotFound (also outside the
  // reviewer's scope), kPermissionDenied (their own alert, not a ContactPoint
  // Manager), kFailedPrecondition (already reviewed).
  core::StatusOr<AlertView> ReviewAlert(const identity::SessionContext& session,
                                        std::int64_t alert_id, std::string_view finding);

 private:
  // Audits `event` as refused for `why` (its code, or `code` when given) in
  // a transaction of its own; answers `why`, or the audit's failure.
  core::Status Refuse(audit::Event event, const core::Status& why, std::string_view code = {});
  // The management scope of a ContactPoint Manager, as an alert filter.
  core::StatusOr<storage::MisuseAlertFilter> AlertScope(storage::Transaction& tx,
                                                        const identity::SessionContext& session);
  core::StatusOr<AlertView> ViewOf(storage::Transaction& tx, storage::MisuseAlertEntry alert);
  // Fills `page.users` from the store.
  core::Status NameUsers(AuditPage& page);

  PracticeDeps d_;
};

}  // namespace cp::practice

#endif  // CP_PRACTICE_OVERSIGHT_SERVICE_H_
