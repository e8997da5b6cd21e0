// practice: what a practitioner records on a child's record themselves
// (issue 8 item 4; DOMAIN.md sections 2, 8 and 10 cases 5 and 6), and the
// shield reviews of the accountable authority's team.
//
//   RecordInvolvement     their own involvement: service type, their
//                         organisation, a phone and/or email (validated),
//                         a start date; no free text anywhere;
//   EndInvolvement        an end date on their own entry (an ended entry
//                         is no longer lead professional);
//   MarkLeadProfessional  their own current entry becomes THE lead: any
//                         other practitioner's lead mark on the child is
//                         cleared in the same transaction (at most one
//                         current lead per child), and while it holds, a
//                         lead flag a feed supplied is not shown
//                         (search/masking.h);
//   RecordCaf             a Common Assessment exists, with the holder's
//                         phone and/or email, on their own current entry;
//   RequestShield         any practitioner (or the team): hidden at once,
//                         review due 7 days later;
//   ReviewShield          the accountable team: keep (next review in 6
//                         calendar months) or lift;
//   ShieldReviewsDue      the team's list of shields in force on their
//                         authority's records, earliest due first.
//
// Every decision goes through access::Decide: for the practitioner's own
// entries it is asked for the practitioner whose entry it is (with mediated
// access, the practitioner acted for; the colleague acting must themselves
// be allowed kAddOwnInvolvement on the record); for shields, for both
// people (search::DecideFor). A sealed record answers as not found.
//
// Entries live in the store apart from the best view (storage/practice.h),
// which is rebuilt from the feeds. A merged-away ContactPoint ID is resolved
// to the survivor first: writes land on the live record and the answer says
// so (`redirected`).
//
// Audit: each change and its audit event are one store transaction (no
// change without its entry); every refusal, bad input included, is audited
// with its code and changes nothing. Events carry IDs and codes only.
//
// Borrows its dependencies, which must outlive it. Thread-safe (the store
// serialises transactions; nothing here is mutable).
#ifndef CP_PRACTICE_PRACTICE_SERVICE_H_
#define CP_PRACTICE_PRACTICE_SERVICE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/status.h"
#include "domain/ids.h"
#include "identity/sign_in.h"
#include "search/masking.h"
#include "storage/store.h"

namespace cp::practice {

// The grounds for a shield (DOMAIN.md section 8), as stable codes.
struct ShieldGround {
  std::string_view code;
  std::string_view description;
};
std::span<const ShieldGround> ShieldGrounds();

using storage::kFirstShieldReview;
inline constexpr std::chrono::months kShieldReviewInterval{6};

// `at` plus `months` calendar months, the day clamped to the month's last
// (31 August + 6 months = 28 or 29 February), at the same time of day.
core::Timestamp AddMonths(core::Timestamp at, std::chrono::months months);

struct PracticeDeps {
  storage::Store& store;
  audit::AuditLog& audit;
  const core::Clock& clock;
  const search::RecordStates& states;
};

// Inputs as the API received them (all optional; the service checks them).
struct InvolvementInput {
  std::optional<std::string> service_type;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::optional<std::string> start_date;  // YYYY-MM-DD; default today
  // Required for a sensitive service (and refused for any other): who gave
  // explicit consent to record it ("child" or "parent") and when.
  std::optional<std::string> consent_given_by;
  std::optional<std::string> consent_date;  // YYYY-MM-DD, not in the future
};

struct EntryAnswer {
  domain::ContactPointId requested;
  domain::ContactPointId id;  // the live record
  storage::PractitionerInvolvementEntry entry;
  std::int64_t leads_cleared = 0;  // other practitioners' lead marks cleared
  std::int64_t audit_index = 0;
  bool redirected() const { return requested != id; }
};

struct ShieldAnswer {
  domain::ContactPointId requested;
  domain::ContactPointId id;
  storage::ShieldEntry shield;
  std::int64_t audit_index = 0;
  bool redirected() const { return requested != id; }
};

struct ShieldDue {
  storage::ShieldEntry shield;
  bool overdue = false;
};

struct ShieldReviewList {
  std::vector<ShieldDue> due;  // earliest first
  std::int64_t audit_index = 0;
};

class PracticeService {
 public:
  explicit PracticeService(PracticeDeps deps) : d_(deps) {}

  // Errors (each audited): kInvalidContactPointId, kChildNotFound (also
  // sealed), kInvalidServiceType, kInvalidContactDetails, kInvalidDate, the
  // policy's refusal, kAlreadyExists (a current involvement of this service
  // already yours), kSecretsMustChange.
  core::StatusOr<EntryAnswer> RecordInvolvement(const identity::SessionContext& session,
                                                std::string_view child,
                                                const InvolvementInput& input);
  // kInvolvementNotFound when `involvement` is not the practitioner's entry
  // on this record; kInvolvementEnded; kInvalidDate (before the start, or in
  // the future).
  core::StatusOr<EntryAnswer> EndInvolvement(const identity::SessionContext& session,
                                             std::string_view child, std::int64_t involvement,
                                             const std::optional<std::string>& end_date);
  core::StatusOr<EntryAnswer> MarkLeadProfessional(const identity::SessionContext& session,
                                                   std::string_view child,
                                                   std::int64_t involvement);
  core::StatusOr<EntryAnswer> RecordCaf(const identity::SessionContext& session,
                                        std::string_view child, std::int64_t involvement,
                                        const std::optional<std::string>& holder_phone,
                                        const std::optional<std::string>& holder_email);

  // kInvalidShieldGround; kAlreadyExists when a shield is in force.
  core::StatusOr<ShieldAnswer> RequestShield(const identity::SessionContext& session,
                                             std::string_view child,
                                             const std::optional<std::string>& ground);
  // `decision`: "keep" or "lift" (kInvalidShieldDecision);
  // kFailedPrecondition (record_not_shielded) when none is in force.
  core::StatusOr<ShieldAnswer> ReviewShield(const identity::SessionContext& session,
                                            std::string_view child,
                                            const std::optional<std::string>& decision);
  // Refused (audited) unless the policy would let the user review a shield
  // on a record of their own authority.
  core::StatusOr<ShieldReviewList> ShieldReviewsDue(const identity::SessionContext& session);

 private:
  struct Target;
  template <typename Answer, typename Body>
  core::StatusOr<Answer> Run(const identity::SessionContext& session, std::string_view child,
                             access::Action policy_action, audit::Action audit_action,
                             const core::Status& input, Body&& body);

  PracticeDeps d_;
};

}  // namespace cp::practice

#endif  // CP_PRACTICE_PRACTICE_SERVICE_H_
