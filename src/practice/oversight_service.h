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
//                 covers the user's organisation (access::MayReviewActivity:
//                 access/management_scope.h), never their own.
//
// Each read is itself audited (view_audit_trail), allowed or refused, in
// the transaction that decided it. Borrows its dependencies; thread-safe.
#ifndef CP_PRACTICE_OVERSIGHT_SERVICE_H_
#define CP_PRACTICE_OVERSIGHT_SERVICE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "core/status.h"
#include "identity/sign_in.h"
#include "practice/practice_service.h"

namespace cp::practice {

struct AuditPage {
  std::vector<audit::LoggedEvent> events;  // newest first
  std::int64_t audit_index = 0;            // the entry recording this read
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

 private:
  PracticeDeps d_;
};

}  // namespace cp::practice

#endif  // CP_PRACTICE_OVERSIGHT_SERVICE_H_
