// What the audit trail records: one Event per decision of the system (DOMAIN.md
// section 6: searches, views, changes, sign-ins, administration, exports, and
// refusals of any of them), and its canonical byte encoding, the leaf the
// Merkle tree hashes.
//
// An event says who acted (a user with role and organisation, or a source
// system), for whom (mediated access), what they did, to which children (by
// ContactPoint ID only), for which stated reason, with which outcome, and
// when. It carries no other personal data: identifiers, roles,
// organisations, reasons and refusal grounds are codes, validated as short
// tokens, so a name or an address cannot slip into the permanent log. Search
// criteria, which are personal data, go to a separate table (audit_log.h).
//
// Value types and pure functions; thread-safe.
#ifndef CP_AUDIT_EVENT_H_
#define CP_AUDIT_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "domain/ids.h"

namespace cp::audit {

// What was done. The names are stable: they are stored in the log.
enum class Action {
  kSignIn,
  kSignOut,
  kSearch,
  kViewRecord,
  kCreateRecord,
  kUpdateRecord,
  kMergeRecords,
  kSplitRecord,
  kShieldRecord,
  kArchiveRecord,
  kDestroyRecord,
  kExport,
  kApplyFeed,
  kManageUser,
  kManageSource,
  kViewAuditTrail,
  kOverrideConsent,
  // A practitioner's own entries (practice/): their involvement, its end,
  // marking themselves lead professional, recording a CAF; a shield review
  // (the request itself is kShieldRecord).
  kRecordInvolvement,
  kEndInvolvement,
  kMarkLeadProfessional,
  kRecordCaf,
  kReviewShield,
  // A ContactPoint Manager's finding on a misuse alert
  // (practice/oversight_service.h).
  kReviewMisuseAlert,
};

std::string_view ActionName(Action action);
// kInvalidAuditEvent for a name that is not an action.
core::StatusOr<Action> ParseAction(std::string_view name);
// Every action, in declaration order (for help texts and tests).
const std::vector<Action>& AllActions();

enum class PrincipalKind { kUser, kSourceSystem, kSystem };
std::string_view PrincipalKindName(PrincipalKind kind);

// Someone or something that acts, or for whom an action is done. `id` is an
// identifier (a user ID, a source system ID, a practitioner's professional
// reference), never a name.
struct Principal {
  PrincipalKind kind = PrincipalKind::kUser;
  std::string id;
  std::string role;          // e.g. "practitioner", "contactpoint_manager"; may be empty
  std::string organisation;  // e.g. a local authority code; may be empty
  friend bool operator==(const Principal&, const Principal&) = default;
};

enum class Outcome { kAllowed, kRefused };
std::string_view OutcomeName(Outcome outcome);

struct Event {
  Principal actor;
  std::optional<Principal> on_behalf_of;  // mediated access: who asked
  Action action = Action::kViewRecord;
  std::vector<domain::ContactPointId> children;
  std::string reason;  // the stated reason's code, e.g. "child_protection"; may be empty
  Outcome outcome = Outcome::kAllowed;
  std::string refusal;  // why it was refused, as a code; empty exactly when allowed
  // What the action was about when that is not a child: a batch ID, a user ID,
  // a source ID (an identifier token); may be empty.
  std::string subject;
  // Figures of the action as (code, count), sorted by code without repeats:
  // e.g. a batch load's accepted, rejected, created... counts.
  std::vector<std::pair<std::string, std::int64_t>> counts;
  friend bool operator==(const Event&, const Event&) = default;
};

// An event as the log holds it: where and when.
struct LoggedEvent {
  std::int64_t index = 0;
  core::Timestamp at;
  Event event;
  friend bool operator==(const LoggedEvent&, const LoggedEvent&) = default;
};

// kInvalidAuditEvent naming the field and the rule (never the value) when an
// event would carry something the log must not hold.
core::Status Validate(const Event& event);

// The canonical leaf: compact JSON with keys in sorted order, no insignificant
// whitespace, integers in decimal, optional fields omitted when empty,
// children in the given order. The same event and time always give the same
// bytes. The event must be valid.
std::string EncodeLeaf(core::Timestamp at, const Event& event);

// Reads a leaf back. kAuditTampered when the bytes are not a canonical
// encoding of a valid event (re-encoding must give the same bytes).
core::StatusOr<LoggedEvent> DecodeLeaf(std::int64_t index, std::string_view leaf);

}  // namespace cp::audit

#endif  // CP_AUDIT_EVENT_H_
