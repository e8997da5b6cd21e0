// The store's row for a misuse alert (issue 8 item 6; DOMAIN.md section 6
// "alerts to the ContactPoint Manager on unusual patterns", section 10
// case 9): one unusual pattern in one user's use of ContactPoint, raised by
// the system (search/misuse_monitor.h) and reviewed by a ContactPoint
// Manager (practice/oversight_service.h).
//
// A plain row: codes, IDs and times only, never search criteria or any
// other personal data (those stay in the audit trail's criteria table, found
// through audit_index). A repeat of an open alert of the same kind about the
// same user (and child) adds an occurrence instead of a new row.
#ifndef CP_STORAGE_MISUSE_ALERT_H_
#define CP_STORAGE_MISUSE_ALERT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/ids.h"

namespace cp::storage {

struct MisuseAlertEntry {
  std::int64_t id = 0;  // assigned by PutMisuseAlert on insert (id == 0)
  std::int64_t user_id = 0;  // whose use it is about
  std::string organisation;  // their organisation when raised ("la:...", "org:...")
  std::string kind;          // a code (search/misuse_monitor.h AlertKind)
  // Access to a shielded record: the record, and its accountable authority
  // (whose ContactPoint Manager sees the alert too).
  std::optional<domain::ContactPointId> child;
  std::string accountable;
  core::Timestamp raised_at;
  core::Timestamp last_seen_at;
  std::int64_t occurrences = 1;
  std::int64_t audit_index = 0;  // the audit entry of the latest occurrence
  bool suspended = false;        // the user was suspended automatically
  // Set by the review (then the alert is closed).
  std::optional<std::int64_t> reviewed_by;
  std::optional<core::Timestamp> reviewed_at;
  std::string finding;  // a code (practice/oversight_service.h); empty while open
  bool open() const { return !reviewed_at.has_value(); }
  friend bool operator==(const MisuseAlertEntry&, const MisuseAlertEntry&) = default;
};

// Which alerts to list: those about users of `organisations` or naming a
// record of `accountable` (a management scope), or every alert when
// `organisations` is unset; none about `exclude_user`; reviewed ones too
// when `include_reviewed`; at most `limit`.
struct MisuseAlertFilter {
  bool include_reviewed = false;
  std::optional<std::vector<std::string>> organisations;
  std::string accountable;
  std::optional<std::int64_t> exclude_user;
  int limit = 100;
};

}  // namespace cp::storage

#endif  // CP_STORAGE_MISUSE_ALERT_H_
