#include "practice/oversight_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "access/management_scope.h"
#include "identity/directory.h"

namespace cp::practice {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using domain::ContactPointId;

constexpr std::array<std::string_view, 2> kFindings = {"no_concern", "referred"};

Status CheckLimit(int limit) {
  if (limit >= 1 && limit <= 500) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument, "'limit' must be between 1 and 500");
}

audit::Event EventFor(const identity::SessionContext& session, audit::Action action,
                      std::string subject) {
  audit::Event event;
  identity::SetActors(session, event);
  event.action = action;
  event.subject = std::move(subject);
  return event;
}

// The overseer's side of access::DecideOversight.
access::Overseer OverseerOf(const identity::SessionContext& session) {
  return access::Overseer{session.account.role, session.account.organisation,
                          access::UserId(session.account.user.id),
                          session.acting_for.has_value()};
}

// The decision for `action`, with the subject `organisation` (and `user`).
access::Decision DecideAbout(const identity::SessionContext& session,
                             access::OversightAction action,
                             const access::Organisation& organisation,
                             std::optional<std::int64_t> user = std::nullopt) {
  access::OversightSubject subject{organisation, std::nullopt};
  if (user) subject.user = access::UserId(*user);
  return access::DecideOversight(OverseerOf(session), action, &subject);
}

// The decision for `action` before anything is looked up.
access::Decision Decide(const identity::SessionContext& session, access::OversightAction action) {
  return access::DecideOversight(OverseerOf(session), action);
}

}  // namespace

std::span<const std::string_view> AlertFindings() { return kFindings; }

bool OfCompulsorySchoolAge(domain::Date date_of_birth, domain::Date today) {
  using namespace std::chrono;
  // Whole years of age on `today`.
  int age = static_cast<int>(today.year()) - static_cast<int>(date_of_birth.year());
  if (month_day(today.month(), today.day()) < month_day(date_of_birth.month(), date_of_birth.day())) {
    --age;
  }
  return age >= 5 && age <= 15;
}

bool HasEducationSetting(const domain::Child& child, domain::Date today) {
  return std::any_of(child.involvements.begin(), child.involvements.end(),
                     [&](const domain::Involvement& i) {
                       const bool education = i.type == domain::ServiceType::kSchool ||
                                              i.type == domain::ServiceType::kEarlyYears ||
                                              i.type == domain::ServiceType::kCollege;
                       return education && (!i.end || *i.end >= today);
                     });
}

StatusOr<MissingEducationReport> OversightService::MissingEducation(
    const identity::SessionContext& session, int limit) {
  audit::Event event = EventFor(session, audit::Action::kExport, "missing_education");
  auto refuse = [&](const Status& why) { return Refuse(event, why, {}); };
  if (Status ready = identity::SignInService::RequireReady(session); !ready.ok()) {
    return refuse(ready);
  }
  if (Status ok = CheckLimit(limit); !ok.ok()) return refuse(ok);
  if (const access::Decision may =
          Decide(session, access::OversightAction::kMissingEducationReport);
      !may.allowed()) {
    return refuse(may.status);
  }
  const identity::Account& me = session.account;
  const domain::Date today(std::chrono::floor<std::chrono::days>(d_.clock.Now()));
  const std::vector<access::Viewer> viewers = search::ViewersOf(session);
  MissingEducationReport report;
  // A whole scan: on a reader, so that the store's writer (every search's
  // audit append) is not held meanwhile. The event is written just after.
  ASSIGN_OR_RETURN(auto read, d_.store.Begin(storage::TxMode::kReadOnly));
  const std::string& authority = me.organisation.id.value();
  RETURN_IF_ERROR(read->ForEachCurrentChildOf(authority, [&](const domain::Child& child) -> Status {
    if (!child.accountable || child.accountable->assignee != authority ||
        child.date_of_death || !OfCompulsorySchoolAge(child.date_of_birth.Reveal(), today) ||
        HasEducationSetting(child, today)) {
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(search::RecordState state, d_.states.StateOf(*read, child));
    const access::Decision decision =
        search::DecideFor(viewers, search::FactsOf(child, state), access::Action::kExport);
    if (!decision.allowed()) return Status::Ok();  // archived, sealed, another authority's
    if (static_cast<int>(report.children.size()) == limit) {
      report.truncated = true;
      return Status::Ok();
    }
    report.children.push_back({child.id, search::Mask(child, state, decision)});
    return Status::Ok();
  }));
  for (const MissingEducationEntry& e : report.children) event.children.push_back(e.id);
  event.counts = {{"listed", static_cast<std::int64_t>(report.children.size())}};
  RETURN_IF_ERROR(read->Commit());
  read.reset();
  ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(report.audit_index, d_.audit.AppendIn(*tx, event));
  RETURN_IF_ERROR(tx->Commit());
  (void)d_.audit.MaybeCheckpoint();
  return report;
}

Status OversightService::Refuse(audit::Event event, const Status& why, std::string_view code) {
  event.outcome = audit::Outcome::kRefused;
  event.refusal = std::string(code.empty() ? core::ErrorCodeName(why.code()) : code);
  auto appended = d_.audit.Append(event);
  if (!appended.ok()) {
    spdlog::error("oversight: cannot audit a refusal: {}", appended.status().ToString());
    return appended.status();
  }
  return why;
}

StatusOr<AuditPage> OversightService::WhoViewed(const identity::SessionContext& session,
                                                std::string_view child, int limit) {
  audit::Event event = EventFor(session, audit::Action::kViewAuditTrail, "who_viewed");
  auto refuse = [&](const Status& why, std::string_view code) {
    return Refuse(event, why, code);
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
  RETURN_IF_ERROR(NameUsers(page));
  return page;
}

StatusOr<AuditPage> OversightService::UserActivity(const identity::SessionContext& session,
                                                   std::int64_t user_id, int limit) {
  audit::Event event =
      EventFor(session, audit::Action::kViewAuditTrail, "user:" + std::to_string(user_id));
  auto refuse = [&](const Status& why) { return Refuse(event, why); };
  if (Status ready = identity::SignInService::RequireReady(session); !ready.ok()) {
    return refuse(ready);
  }
  if (Status ok = CheckLimit(limit); !ok.ok()) return refuse(ok);
  if (const access::Decision may = Decide(session, access::OversightAction::kReviewUserActivity);
      !may.allowed()) {
    return refuse(may.status);
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
      const access::Decision may =
          DecideAbout(session, access::OversightAction::kReviewUserActivity, organisation, user_id);
      if (!may.allowed()) {
        failure = may.status;
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
  RETURN_IF_ERROR(NameUsers(page));
  return page;
}

Status OversightService::NameUsers(AuditPage& page) {
  constexpr std::string_view kUser = "user:";
  ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadOnly));
  auto name = [&](const audit::Principal& p) -> Status {
    if (p.kind != audit::PrincipalKind::kUser || !p.id.starts_with(kUser) ||
        page.users.contains(p.id)) {
      return Status::Ok();
    }
    std::int64_t id = 0;
    const std::string_view digits = std::string_view(p.id).substr(kUser.size());
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || end != digits.data() + digits.size()) return Status::Ok();
    auto user = tx->GetUser(id);
    if (!user.ok()) {
      return user.status().code() == ErrorCode::kUserNotFound ? Status::Ok() : user.status();
    }
    page.users[p.id] = UserName{user->username, user->display_name};
    return Status::Ok();
  };
  for (const audit::LoggedEvent& logged : page.events) {
    RETURN_IF_ERROR(name(logged.event.actor));
    if (logged.event.on_behalf_of) RETURN_IF_ERROR(name(*logged.event.on_behalf_of));
  }
  return Status::Ok();
}

StatusOr<std::vector<ReviewableUser>> OversightService::ReviewableUsers(
    const identity::SessionContext& session) {
  // Refusals are audited (the audit page itself is refused through here).
  audit::Event event = EventFor(session, audit::Action::kViewAuditTrail, "reviewable_users");
  if (Status ready = identity::SignInService::RequireReady(session); !ready.ok()) {
    return Refuse(event, ready, {});
  }
  if (const access::Decision may = Decide(session, access::OversightAction::kReviewUserActivity);
      !may.allowed()) {
    return Refuse(event, may.status, {});
  }
  ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadOnly));
  ASSIGN_OR_RETURN(std::vector<storage::OrganisationEntry> organisations,
                   tx->ListOrganisations());
  std::vector<ReviewableUser> users;
  for (const storage::OrganisationEntry& entry : organisations) {
    ASSIGN_OR_RETURN(access::Organisation organisation, identity::OrganisationOf(entry));
    if (!DecideAbout(session, access::OversightAction::kReviewUserActivity, organisation)
             .allowed()) {
      continue;
    }
    ASSIGN_OR_RETURN(std::vector<storage::UserEntry> members, tx->ListUsers(entry.id));
    for (const storage::UserEntry& user : members) {
      if (!DecideAbout(session, access::OversightAction::kReviewUserActivity, organisation,
                       user.id)
               .allowed()) {
        continue;  // oneself
      }
      users.push_back(ReviewableUser{user.id, user.username, user.display_name, user.role,
                                     user.organisation});
    }
  }
  std::sort(users.begin(), users.end(), [](const ReviewableUser& a, const ReviewableUser& b) {
    return a.username < b.username;
  });
  return users;
}

StatusOr<storage::MisuseAlertFilter> OversightService::AlertScope(
    storage::Transaction& tx, const identity::SessionContext& session) {
  storage::MisuseAlertFilter filter;
  filter.organisations.emplace();
  ASSIGN_OR_RETURN(std::vector<storage::OrganisationEntry> all, tx.ListOrganisations());
  for (const storage::OrganisationEntry& entry : all) {
    ASSIGN_OR_RETURN(access::Organisation organisation, identity::OrganisationOf(entry));
    if (DecideAbout(session, access::OversightAction::kReviewMisuseAlerts, organisation).allowed()) {
      filter.organisations->push_back(entry.id);
    }
  }
  if (session.account.organisation.type == access::OrganisationType::kLocalAuthority) {
    filter.accountable = session.account.organisation.id.value();
  }
  return filter;
}

StatusOr<AlertView> OversightService::ViewOf(storage::Transaction& tx,
                                             storage::MisuseAlertEntry alert) {
  AlertView view;
  ASSIGN_OR_RETURN(storage::UserEntry user, tx.GetUser(alert.user_id));
  view.username = user.username;
  view.display_name = user.display_name;
  view.role = user.role;
  view.alert = std::move(alert);
  return view;
}

StatusOr<AlertPage> OversightService::Alerts(const identity::SessionContext& session,
                                             bool include_reviewed, int limit) {
  audit::Event event = EventFor(session, audit::Action::kViewAuditTrail, "misuse_alerts");
  if (Status ready = identity::SignInService::RequireReady(session); !ready.ok()) {
    return Refuse(event, ready);
  }
  if (Status ok = CheckLimit(limit); !ok.ok()) return Refuse(event, ok);
  if (const access::Decision may = Decide(session, access::OversightAction::kReviewMisuseAlerts);
      !may.allowed()) {
    return Refuse(event, may.status);
  }
  AlertPage page;
  ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(storage::MisuseAlertFilter filter, AlertScope(*tx, session));
  filter.include_reviewed = include_reviewed;
  filter.limit = limit;
  filter.exclude_user = session.account.user.id;  // never one's own
  ASSIGN_OR_RETURN(std::vector<storage::MisuseAlertEntry> found, tx->ListMisuseAlerts(filter));
  for (storage::MisuseAlertEntry& alert : found) {
    // The records the listed alerts name.
    if (alert.child && std::find(event.children.begin(), event.children.end(), *alert.child) ==
                           event.children.end()) {
      event.children.push_back(*alert.child);
    }
    ASSIGN_OR_RETURN(AlertView view, ViewOf(*tx, std::move(alert)));
    page.alerts.push_back(std::move(view));
  }
  event.counts = {{"listed", static_cast<std::int64_t>(page.alerts.size())}};
  ASSIGN_OR_RETURN(page.audit_index, d_.audit.AppendIn(*tx, event));
  RETURN_IF_ERROR(tx->Commit());
  (void)d_.audit.MaybeCheckpoint();
  return page;
}

StatusOr<AlertView> OversightService::ReviewAlert(const identity::SessionContext& session,
                                                  std::int64_t alert_id,
                                                  std::string_view finding) {
  audit::Event event = EventFor(session, audit::Action::kReviewMisuseAlert,
                                "alert:" + std::to_string(alert_id));
  if (Status ready = identity::SignInService::RequireReady(session); !ready.ok()) {
    return Refuse(event, ready);
  }
  if (session.acting_for) {
    return Refuse(event, Decide(session, access::OversightAction::kReviewMisuseAlerts).status);
  }
  if (std::find(kFindings.begin(), kFindings.end(), finding) == kFindings.end()) {
    return Refuse(event, Status(ErrorCode::kInvalidAlertFinding,
                                "'finding' must be 'no_concern' (the use was proper) or "
                                "'referred' (referred for investigation)"));
  }
  event.reason = std::string(finding);
  if (const access::Decision may = Decide(session, access::OversightAction::kReviewMisuseAlerts);
      !may.allowed()) {
    return Refuse(event, may.status);
  }
  const Status unknown(ErrorCode::kAlertNotFound,
                       "no misuse alert in your scope has the ID " + std::to_string(alert_id) +
                           ": check the number");
  Status failure;
  AlertView view;
  {
    ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadWrite));
    auto alert = tx->GetMisuseAlert(alert_id);
    if (!alert.ok()) {
      if (alert.status().code() != ErrorCode::kAlertNotFound) return alert.status();
      failure = unknown;
    } else {
      // The organisation of the user it is about; one no longer known is
      // managed by nobody (the alert may still name the overseer's record).
      access::Organisation organisation{access::OrganisationId(alert->organisation), "",
                                        access::OrganisationType::kAccreditedOrganisation,
                                        access::AccreditationState::kPending, std::nullopt};
      auto entry = tx->GetOrganisation(alert->organisation);
      if (entry.ok()) {
        ASSIGN_OR_RETURN(organisation, identity::OrganisationOf(*entry));
      } else if (entry.status().code() != ErrorCode::kOrganisationNotFound) {
        return entry.status();
      }
      access::OversightSubject subject{organisation, access::UserId(alert->user_id)};
      subject.names_own_authority_record =
          session.account.organisation.type == access::OrganisationType::kLocalAuthority &&
          alert->accountable == session.account.organisation.id.value();
      const access::Decision may = access::DecideOversight(
          OverseerOf(session), access::OversightAction::kReviewMisuseAlerts, &subject);
      if (alert->child) event.children = {*alert->child};
      if (may.refusal == access::Refusal::kNotAccountableAuthority) {
        failure = unknown;  // outside the scope: as if there were no such alert
      } else if (!may.allowed()) {
        failure = may.status;
      } else if (!alert->open()) {
        failure = Status(ErrorCode::kFailedPrecondition,
                         "this alert has already been reviewed (finding: " + alert->finding + ")");
      } else {
        alert->reviewed_by = session.account.user.id;
        alert->reviewed_at = d_.clock.Now();
        alert->finding = std::string(finding);
        RETURN_IF_ERROR(tx->PutMisuseAlert(*alert).status());
        RETURN_IF_ERROR(d_.audit.AppendIn(*tx, event).status());
        ASSIGN_OR_RETURN(view, ViewOf(*tx, std::move(*alert)));
        RETURN_IF_ERROR(tx->Commit());
      }
    }
  }
  if (!failure.ok()) return Refuse(event, failure);
  (void)d_.audit.MaybeCheckpoint();
  return view;
}

}  // namespace cp::practice
