#include "practice/oversight_service.h"

#include <spdlog/spdlog.h>

#include "access/management_scope.h"
#include "identity/directory.h"

namespace cp::practice {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using domain::ContactPointId;

Status CheckLimit(int limit) {
  if (limit >= 1 && limit <= 500) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument, "'limit' must be between 1 and 500");
}

}  // namespace

StatusOr<AuditPage> OversightService::WhoViewed(const identity::SessionContext& session,
                                                std::string_view child, int limit) {
  audit::Event event;
  identity::SetActors(session, event);
  event.action = audit::Action::kViewAuditTrail;
  event.subject = "who_viewed";
  auto refuse = [&](const Status& why, std::string_view code) -> Status {
    event.outcome = audit::Outcome::kRefused;
    event.refusal = std::string(code.empty() ? core::ErrorCodeName(why.code()) : code);
    auto appended = d_.audit.Append(event);
    if (!appended.ok()) {
      spdlog::error("oversight: cannot audit a refusal: {}", appended.status().ToString());
      return appended.status();
    }
    return why;
  };
  if (Status ready = identity::SignInService::RequireReady(session); !ready.ok()) {
    return refuse(ready, {});
  }
  if (Status ok = CheckLimit(limit); !ok.ok()) return refuse(ok, {});
  auto requested = ContactPointId::Parse(child);
  if (!requested.ok()) {
    return refuse(Status(ErrorCode::kInvalidContactPointId,
                         "a ContactPoint ID is 12 digits, the last a check digit: check the "
                         "number"),
                  {});
  }
  event.children = {*requested};
  const Status not_found(ErrorCode::kChildNotFound,
                         "no child has this ContactPoint ID: check the number");
  AuditPage page;
  ContactPointId live;
  Status failure;
  std::string failure_code;
  {
    ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadWrite));
    auto resolved = tx->Resolve(*requested);
    if (!resolved.ok()) {
      if (resolved.status().code() != ErrorCode::kChildNotFound) return resolved.status();
      failure = not_found;
    } else {
      live = *resolved;
      event.children = {live};
      if (live != *requested) event.children.push_back(*requested);
      ASSIGN_OR_RETURN(domain::Child record, tx->GetChild(live));
      ASSIGN_OR_RETURN(search::RecordState state, d_.states.StateOf(*tx, record));
      const access::Decision decision =
          search::DecideFor(search::ViewersOf(session), search::FactsOf(record, state),
                            access::Action::kViewChildAudit);
      if (decision.allowed()) {
        ASSIGN_OR_RETURN(page.audit_index, d_.audit.AppendIn(*tx, event));
        RETURN_IF_ERROR(tx->Commit());
      } else {
        failure = decision.refusal == access::Refusal::kRecordSealed ? not_found : decision.status;
        failure_code = std::string(access::RefusalName(decision.refusal));
      }
    }
  }
  if (!failure.ok()) return refuse(failure, failure_code);
  (void)d_.audit.MaybeCheckpoint();
  audit::AuditQuery query;
  query.child = live;
  query.action = audit::Action::kViewRecord;
  query.limit = limit;
  ASSIGN_OR_RETURN(page.events, d_.audit.Query(query));
  return page;
}

StatusOr<AuditPage> OversightService::UserActivity(const identity::SessionContext& session,
                                                   std::int64_t user_id, int limit) {
  audit::Event event;
  identity::SetActors(session, event);
  event.action = audit::Action::kViewAuditTrail;
  event.subject = "user:" + std::to_string(user_id);
  auto refuse = [&](const Status& why) -> Status {
    event.outcome = audit::Outcome::kRefused;
    event.refusal = std::string(core::ErrorCodeName(why.code()));
    auto appended = d_.audit.Append(event);
    if (!appended.ok()) {
      spdlog::error("oversight: cannot audit a refusal: {}", appended.status().ToString());
      return appended.status();
    }
    return why;
  };
  if (Status ready = identity::SignInService::RequireReady(session); !ready.ok()) {
    return refuse(ready);
  }
  if (Status ok = CheckLimit(limit); !ok.ok()) return refuse(ok);
  if (session.acting_for) {
    return refuse(Status(ErrorCode::kPermissionDenied,
                         "a user's activity is for the management team: end mediated access "
                         "first"));
  }
  AuditPage page;
  Status failure;
  {
    ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadWrite));
    auto target = tx->GetUser(user_id);
    if (!target.ok()) {
      if (target.status().code() != ErrorCode::kUserNotFound) return target.status();
      failure = Status(ErrorCode::kUserNotFound,
                       "no user has the ID " + std::to_string(user_id) + ": check the number");
    } else {
      ASSIGN_OR_RETURN(storage::OrganisationEntry entry,
                       tx->GetOrganisation(target->organisation));
      ASSIGN_OR_RETURN(access::Organisation organisation, identity::OrganisationOf(entry));
      const access::Manager manager{session.account.role, session.account.organisation};
      if (user_id == session.account.user.id) {
        failure = Status(ErrorCode::kPermissionDenied,
                         "nobody reviews their own activity: ask another ContactPoint Manager");
      } else if (!access::MayReviewActivity(manager, organisation)) {
        if (session.account.role == access::Role::kContactPointManager) {
          failure = Status(ErrorCode::kOutsideManagementScope,
                           "this user's organisation is outside your management scope");
        } else {
          failure = Status(ErrorCode::kPermissionDenied,
                           "only a ContactPoint Manager may review what a user did");
        }
      } else {
        ASSIGN_OR_RETURN(page.audit_index, d_.audit.AppendIn(*tx, event));
        RETURN_IF_ERROR(tx->Commit());
      }
    }
  }
  if (!failure.ok()) return refuse(failure);
  (void)d_.audit.MaybeCheckpoint();
  audit::AuditQuery query;
  query.user = "user:" + std::to_string(user_id);
  query.limit = limit;
  ASSIGN_OR_RETURN(page.events, d_.audit.Query(query));
  return page;
}

}  // namespace cp::practice
