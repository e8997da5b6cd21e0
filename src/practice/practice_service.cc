#include "practice/practice_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <utility>

#include "domain/validation.h"

namespace cp::practice {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using domain::ContactPointId;

constexpr std::array kGrounds = {
    ShieldGround{"risk_of_harm", "increased risk of significant harm to a child or adult"},
    ShieldGround{"adoption_placement", "an adoption placement would be put at risk"},
    ShieldGround{"serious_crime", "prejudice to preventing or detecting serious crime"},
    ShieldGround{"adoption_identity_link",
                 "a link between pre- and post-adoption identities could be made"},
};

domain::Date Today(const core::Clock& clock) {
  return domain::Date(std::chrono::floor<std::chrono::days>(clock.Now()));
}

access::Viewer ViewerOf(const identity::Account& account) {
  return access::Viewer{account.role, account.organisation.id, account.organisation.type,
                        access::UserId(account.user.id)};
}

// The practitioner whose own entries these are: with mediated access, the
// practitioner acted for.
const identity::Account& OwnerOf(const identity::SessionContext& session) {
  return session.acting_for ? *session.acting_for : session.account;
}

bool OwnEntryAction(access::Action action) {
  return action == access::Action::kAddOwnInvolvement ||
         action == access::Action::kEndOwnInvolvement ||
         action == access::Action::kMarkSelfLeadProfessional ||
         action == access::Action::kRecordCaf;
}

// The policy's answer for this session (see the header).
access::Decision DecideForSession(const identity::SessionContext& session,
                                  const access::RecordFacts& facts, access::Action action) {
  if (!OwnEntryAction(action)) return search::DecideFor(search::ViewersOf(session), facts, action);
  if (session.acting_for) {
    access::Decision mediator =
        access::Decide(ViewerOf(session.account), facts, access::Action::kAddOwnInvolvement);
    if (!mediator.allowed()) return mediator;
  }
  return access::Decide(ViewerOf(OwnerOf(session)), facts, action);
}

Status CheckContact(std::string_view phone_field, const std::optional<std::string>& phone,
                    std::string_view email_field, const std::optional<std::string>& email) {
  if (!phone && !email) {
    return Status(ErrorCode::kInvalidContactDetails,
                  "give '" + std::string(phone_field) + "' or '" + std::string(email_field) +
                      "' (or both): how other practitioners can contact you");
  }
  if (phone) RETURN_IF_ERROR(domain::ValidatePhone(phone_field, *phone));
  if (email) RETURN_IF_ERROR(domain::ValidateEmail(email_field, *email));
  return Status::Ok();
}

std::optional<domain::PersonalText> Personal(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return domain::PersonalText(*text);
}

StatusOr<domain::Date> DateOrToday(std::string_view field, const std::optional<std::string>& text,
                                   domain::Date today) {
  if (!text) return today;
  ASSIGN_OR_RETURN(domain::Date date, domain::ParseDate(field, *text));
  if (date > today) {
    return Status(ErrorCode::kInvalidDate,
                  "'" + std::string(field) + "' is in the future: give today's date or an "
                  "earlier one");
  }
  return date;
}

std::string InvolvementSubject(std::int64_t id) { return "involvement:" + std::to_string(id); }

}  // namespace

std::span<const ShieldGround> ShieldGrounds() { return kGrounds; }

core::Timestamp AddMonths(core::Timestamp at, std::chrono::months months) {
  using namespace std::chrono;
  const sys_days day = floor<days>(at);
  const milliseconds time_of_day = at - time_point_cast<milliseconds>(day);
  year_month_day ymd = year_month_day(day) + months;
  if (!ymd.ok()) ymd = ymd.year() / ymd.month() / last;
  return time_point_cast<milliseconds>(sys_days(ymd)) + time_of_day;
}

struct PracticeService::Target {
  storage::Transaction& tx;
  ContactPointId requested;
  ContactPointId live;
  const domain::Child& child;
  const search::RecordState& state;
  audit::Event& event;
};

template <typename Answer, typename Body>
StatusOr<Answer> PracticeService::Run(const identity::SessionContext& session,
                                      std::string_view child, access::Action policy_action,
                                      audit::Action audit_action, const Status& input,
                                      Body&& body) {
  audit::Event event;
  identity::SetActors(session, event);
  event.action = audit_action;
  auto refuse = [&](const Status& why, std::string_view code) -> Status {
    event.outcome = audit::Outcome::kRefused;
    event.refusal = std::string(code.empty() ? core::ErrorCodeName(why.code()) : code);
    event.counts.clear();
    auto appended = d_.audit.Append(event);
    if (!appended.ok()) {
      spdlog::error("practice: cannot audit a refusal: {}", appended.status().ToString());
      return appended.status();
    }
    return why;
  };
  if (Status ready = identity::SignInService::RequireReady(session); !ready.ok()) {
    return refuse(ready, {});
  }
  auto requested = ContactPointId::Parse(child);
  if (!requested.ok()) {
    return refuse(Status(ErrorCode::kInvalidContactPointId,
                         "a ContactPoint ID is 12 digits, the last a check digit: check the "
                         "number"),
                  {});
  }
  event.children = {*requested};
  if (!input.ok()) return refuse(input, {});

  const Status not_found(ErrorCode::kChildNotFound,
                         "no child has this ContactPoint ID: check the number");
  Status failure;
  std::string failure_code;
  {
    ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadWrite));
    auto live = tx->Resolve(*requested);
    if (!live.ok()) {
      if (live.status().code() != ErrorCode::kChildNotFound) return live.status();
      failure = not_found;
    } else {
      event.children = {*live};
      if (*live != *requested) event.children.push_back(*requested);
      ASSIGN_OR_RETURN(domain::Child record, tx->GetChild(*live));
      ASSIGN_OR_RETURN(search::RecordState state, d_.states.StateOf(*tx, record));
      const access::Decision decision =
          DecideForSession(session, search::FactsOf(record, state), policy_action);
      if (!decision.allowed()) {
        // A sealed record answers exactly as a missing one.
        failure = decision.refusal == access::Refusal::kRecordSealed ? not_found : decision.status;
        failure_code = std::string(access::RefusalName(decision.refusal));
      } else {
        Target target{*tx, *requested, *live, record, state, event};
        StatusOr<Answer> answer = body(target);
        if (answer.ok()) {
          ASSIGN_OR_RETURN(answer->audit_index, d_.audit.AppendIn(*tx, event));
          RETURN_IF_ERROR(tx->Commit());
          (void)d_.audit.MaybeCheckpoint();
          return answer;
        }
        failure = answer.status();  // the transaction is dropped: nothing is kept
      }
    }
  }
  return refuse(failure, failure_code);
}

namespace {

// The practitioner's own entry `id` on the record.
StatusOr<storage::PractitionerInvolvementEntry> OwnEntry(const search::RecordState& state,
                                                         const identity::Account& owner,
                                                         std::int64_t id) {
  for (const search::PractitionerEntry& e : state.practitioner_involvements) {
    if (e.row.id == id && e.row.user_id == owner.user.id) return e.row;
  }
  return Status(ErrorCode::kInvolvementNotFound,
                "no involvement " + std::to_string(id) +
                    " of yours is recorded on this child: open the record to see your entries' "
                    "IDs");
}

Status RequireCurrent(const storage::PractitionerInvolvementEntry& entry) {
  if (!entry.end) return Status::Ok();
  return Status(ErrorCode::kInvolvementEnded,
                "involvement " + std::to_string(entry.id) + " has ended (" +
                    domain::FormatDate(*entry.end) + "): record a new involvement first");
}

}  // namespace

StatusOr<EntryAnswer> PracticeService::RecordInvolvement(const identity::SessionContext& session,
                                                         std::string_view child,
                                                         const InvolvementInput& input) {
  const domain::Date today = Today(d_.clock);
  domain::ServiceType type = domain::ServiceType::kSocialCare;
  domain::Date start = today;
  std::optional<domain::SensitiveConsent> consent;
  Status checked = [&]() -> Status {
    if (!input.service_type) {
      return Status(ErrorCode::kInvalidServiceType,
                    "'service_type' is required: the service you provide (e.g. social_care)");
    }
    ASSIGN_OR_RETURN(type, domain::ParseServiceType("service_type", *input.service_type));
    const bool sensitive = domain::ClassOf(type) == domain::ServiceClass::kSensitive;
    const bool given = input.consent_given_by || input.consent_date;
    if (sensitive && !(input.consent_given_by && input.consent_date)) {
      return Status(ErrorCode::kInvalidConsent,
                    "a sensitive service is recorded only with explicit consent: give "
                    "'consent_given_by' (child or parent) and 'consent_date' (YYYY-MM-DD)");
    }
    if (!sensitive && given) {
      return Status(ErrorCode::kInvalidConsent,
                    "'consent_given_by' and 'consent_date' are for a sensitive service only "
                    "(sexual health, mental health, substance misuse): leave them out");
    }
    if (sensitive) {
      domain::SensitiveConsent c;
      if (*input.consent_given_by == "child") {
        c.given_by = domain::SensitiveConsent::GivenBy::kChild;
      } else if (*input.consent_given_by == "parent") {
        c.given_by = domain::SensitiveConsent::GivenBy::kParent;
      } else {
        return Status(ErrorCode::kInvalidConsent,
                      "'consent_given_by' must be 'child' or 'parent'");
      }
      ASSIGN_OR_RETURN(c.date, DateOrToday("consent_date", input.consent_date, today));
      consent = c;
    }
    RETURN_IF_ERROR(CheckContact("phone", input.phone, "email", input.email));
    ASSIGN_OR_RETURN(start, DateOrToday("start_date", input.start_date, today));
    return Status::Ok();
  }();
  const identity::Account& owner = OwnerOf(session);
  return Run<EntryAnswer>(
      session, child, access::Action::kAddOwnInvolvement, audit::Action::kRecordInvolvement,
      checked, [&](Target& t) -> StatusOr<EntryAnswer> {
        for (const search::PractitionerEntry& e : t.state.practitioner_involvements) {
          if (e.row.user_id == owner.user.id && !e.row.end && e.row.service_type == type) {
            return Status(ErrorCode::kAlreadyExists,
                          "you already have a current involvement of this service on this "
                          "record (involvement " +
                              std::to_string(e.row.id) + "): end it first to record a new one");
          }
        }
        storage::PractitionerInvolvementEntry entry;
        entry.child = t.live;
        entry.user_id = owner.user.id;
        entry.organisation = owner.organisation.id.value();
        entry.service_type = type;
        entry.phone = Personal(input.phone);
        entry.email = Personal(input.email);
        entry.start = start;
        entry.consent = consent;
        entry.recorded_at = d_.clock.Now();
        entry.updated_at = entry.recorded_at;
        ASSIGN_OR_RETURN(entry.id, t.tx.PutPractitionerInvolvement(entry));
        t.event.subject = InvolvementSubject(entry.id);
        return EntryAnswer{t.requested, t.live, std::move(entry), 0, 0};
      });
}

StatusOr<EntryAnswer> PracticeService::EndInvolvement(const identity::SessionContext& session,
                                                      std::string_view child,
                                                      std::int64_t involvement,
                                                      const std::optional<std::string>& end_date) {
  const domain::Date today = Today(d_.clock);
  domain::Date end = today;
  Status checked = [&]() -> Status {
    ASSIGN_OR_RETURN(end, DateOrToday("end_date", end_date, today));
    return Status::Ok();
  }();
  const identity::Account& owner = OwnerOf(session);
  return Run<EntryAnswer>(
      session, child, access::Action::kEndOwnInvolvement, audit::Action::kEndInvolvement, checked,
      [&](Target& t) -> StatusOr<EntryAnswer> {
        t.event.subject = InvolvementSubject(involvement);
        ASSIGN_OR_RETURN(storage::PractitionerInvolvementEntry entry,
                         OwnEntry(t.state, owner, involvement));
        RETURN_IF_ERROR(RequireCurrent(entry));
        if (end < entry.start) {
          return Status(ErrorCode::kInvalidDate,
                        "'end_date' is before the involvement's start (" +
                            domain::FormatDate(entry.start) + "): give a later date");
        }
        const bool was_lead = entry.lead_professional;
        entry.end = end;
        entry.lead_professional = false;  // an ended involvement is never lead
        entry.lead_marked_at.reset();
        entry.updated_at = d_.clock.Now();
        RETURN_IF_ERROR(t.tx.PutPractitionerInvolvement(entry).status());
        if (was_lead) t.event.counts = {{"lead_ended", 1}};
        return EntryAnswer{t.requested, t.live, std::move(entry), 0, 0};
      });
}

StatusOr<EntryAnswer> PracticeService::MarkLeadProfessional(
    const identity::SessionContext& session, std::string_view child, std::int64_t involvement) {
  const identity::Account& owner = OwnerOf(session);
  return Run<EntryAnswer>(
      session, child, access::Action::kMarkSelfLeadProfessional,
      audit::Action::kMarkLeadProfessional, Status::Ok(),
      [&](Target& t) -> StatusOr<EntryAnswer> {
        t.event.subject = InvolvementSubject(involvement);
        ASSIGN_OR_RETURN(storage::PractitionerInvolvementEntry entry,
                         OwnEntry(t.state, owner, involvement));
        RETURN_IF_ERROR(RequireCurrent(entry));
        const core::Timestamp now = d_.clock.Now();
        std::int64_t cleared = 0;
        for (const search::PractitionerEntry& other : t.state.practitioner_involvements) {
          if (other.row.id == entry.id || !other.row.lead_professional) continue;
          storage::PractitionerInvolvementEntry row = other.row;
          row.lead_professional = false;
          row.lead_marked_at.reset();
          row.updated_at = now;
          RETURN_IF_ERROR(t.tx.PutPractitionerInvolvement(row).status());
          ++cleared;
        }
        entry.lead_professional = true;
        entry.lead_marked_at = now;
        entry.updated_at = now;
        RETURN_IF_ERROR(t.tx.PutPractitionerInvolvement(entry).status());
        t.event.counts = {{"leads_cleared", cleared}};
        return EntryAnswer{t.requested, t.live, std::move(entry), cleared, 0};
      });
}

StatusOr<EntryAnswer> PracticeService::RecordCaf(const identity::SessionContext& session,
                                                 std::string_view child, std::int64_t involvement,
                                                 const std::optional<std::string>& holder_phone,
                                                 const std::optional<std::string>& holder_email) {
  const Status checked = CheckContact("holder_phone", holder_phone, "holder_email", holder_email);
  const identity::Account& owner = OwnerOf(session);
  return Run<EntryAnswer>(
      session, child, access::Action::kRecordCaf, audit::Action::kRecordCaf, checked,
      [&](Target& t) -> StatusOr<EntryAnswer> {
        t.event.subject = InvolvementSubject(involvement);
        ASSIGN_OR_RETURN(storage::PractitionerInvolvementEntry entry,
                         OwnEntry(t.state, owner, involvement));
        RETURN_IF_ERROR(RequireCurrent(entry));
        entry.caf = true;
        entry.caf_holder_phone = Personal(holder_phone);
        entry.caf_holder_email = Personal(holder_email);
        entry.updated_at = d_.clock.Now();
        RETURN_IF_ERROR(t.tx.PutPractitionerInvolvement(entry).status());
        return EntryAnswer{t.requested, t.live, std::move(entry), 0, 0};
      });
}

StatusOr<ShieldAnswer> PracticeService::RequestShield(const identity::SessionContext& session,
                                                      std::string_view child,
                                                      const std::optional<std::string>& ground) {
  Status checked = Status::Ok();
  if (!ground) {
    checked = Status(ErrorCode::kInvalidShieldGround,
                     "'ground' is required: risk_of_harm, adoption_placement, serious_crime or "
                     "adoption_identity_link");
  } else if (std::none_of(kGrounds.begin(), kGrounds.end(),
                          [&](const ShieldGround& g) { return g.code == *ground; })) {
    checked = Status(ErrorCode::kInvalidShieldGround,
                     "'ground' must be one of risk_of_harm, adoption_placement, serious_crime, "
                     "adoption_identity_link");
  }
  return Run<ShieldAnswer>(
      session, child, access::Action::kRequestShield, audit::Action::kShieldRecord, checked,
      [&](Target& t) -> StatusOr<ShieldAnswer> {
        if (t.state.shielded) {
          return Status(ErrorCode::kAlreadyExists,
                        "this record is already shielded: its accountable local authority "
                        "reviews it");
        }
        storage::ShieldEntry shield;
        shield.child = t.live;
        shield.state = storage::ShieldState::kInForce;
        shield.ground = *ground;
        shield.requested_by = session.account.user.id;
        shield.requested_at = d_.clock.Now();
        shield.review_due_at = shield.requested_at + kFirstShieldReview;
        RETURN_IF_ERROR(t.tx.PutShield(shield));
        t.event.reason = *ground;
        return ShieldAnswer{t.requested, t.live, std::move(shield), 0};
      });
}

StatusOr<ShieldAnswer> PracticeService::ReviewShield(const identity::SessionContext& session,
                                                     std::string_view child,
                                                     const std::optional<std::string>& decision) {
  Status checked = Status::Ok();
  if (!decision || (*decision != "keep" && *decision != "lift")) {
    checked = Status(ErrorCode::kInvalidShieldDecision,
                     "'decision' must be \"keep\" (next review in 6 months) or \"lift\"");
  }
  return Run<ShieldAnswer>(
      session, child, access::Action::kReviewShield, audit::Action::kReviewShield, checked,
      [&](Target& t) -> StatusOr<ShieldAnswer> {
        storage::ShieldEntry shield = *t.state.shield;  // in force: the policy checked
        const core::Timestamp now = d_.clock.Now();
        shield.reviewed_by = session.account.user.id;
        shield.reviewed_at = now;
        if (*decision == "keep") {
          shield.review_due_at = AddMonths(now, kShieldReviewInterval);
        } else {
          shield.state = storage::ShieldState::kLifted;
          shield.review_due_at.reset();
        }
        RETURN_IF_ERROR(t.tx.PutShield(shield));
        t.event.reason = *decision == "keep" ? "shield_kept" : "shield_lifted";
        return ShieldAnswer{t.requested, t.live, std::move(shield), 0};
      });
}

StatusOr<ShieldReviewList> PracticeService::ShieldReviewsDue(
    const identity::SessionContext& session) {
  audit::Event event;
  identity::SetActors(session, event);
  event.action = audit::Action::kReviewShield;
  event.subject = "shield_reviews_due";
  auto refuse = [&](const Status& why, std::string_view code) -> Status {
    event.outcome = audit::Outcome::kRefused;
    event.refusal = std::string(code.empty() ? core::ErrorCodeName(why.code()) : code);
    auto appended = d_.audit.Append(event);
    return appended.ok() ? why : appended.status();
  };
  if (Status ready = identity::SignInService::RequireReady(session); !ready.ok()) {
    return refuse(ready, {});
  }
  // Could this user review a shield on a record of their own authority?
  const std::vector<access::Viewer> viewers = search::ViewersOf(session);
  access::RecordFacts own;
  own.shielded = true;
  own.accountable_authority = session.account.organisation.id;
  const access::Decision may = search::DecideFor(viewers, own, access::Action::kReviewShield);
  if (!may.allowed()) return refuse(may.status, access::RefusalName(may.refusal));

  ShieldReviewList list;
  const core::Timestamp now = d_.clock.Now();
  ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(std::vector<storage::ShieldEntry> shields,
                   tx->ShieldsInForceFor(session.account.organisation.id.value()));
  for (storage::ShieldEntry& shield : shields) {
    // Each record is asked of the policy too (a sealed one is left out).
    ASSIGN_OR_RETURN(domain::Child record, tx->GetChild(shield.child));
    ASSIGN_OR_RETURN(search::RecordState state, d_.states.StateOf(*tx, record));
    if (!search::DecideFor(viewers, search::FactsOf(record, state), access::Action::kReviewShield)
             .allowed()) {
      continue;
    }
    event.children.push_back(shield.child);
    const bool overdue = shield.review_due_at && *shield.review_due_at <= now;
    list.due.push_back(ShieldDue{std::move(shield), overdue});
  }
  event.counts = {{"listed", static_cast<std::int64_t>(list.due.size())}};
  ASSIGN_OR_RETURN(list.audit_index, d_.audit.AppendIn(*tx, event));
  RETURN_IF_ERROR(tx->Commit());
  (void)d_.audit.MaybeCheckpoint();
  return list;
}

}  // namespace cp::practice
