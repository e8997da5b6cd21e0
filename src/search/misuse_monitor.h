// search: misuse_monitor.h — alerts to the ContactPoint Manager on unusual
// patterns of use, and automatic suspension above a hard limit (issue 8
// item 6; DOMAIN.md section 6 "Anti-trawling", section 10 case 9).
//
// What raises an alert (AlertKind, stored by its code):
//   search_volume          a search refused at the per-user volume limit
//                          (volume_limit.h: 60 an hour, 300 a day);
//   view_volume            a record view refused at its limit (the same
//                          numbers, counted apart);
//   own_family_name        a search whose family name is the user's own
//                          (any word of their display name after the first,
//                          or all of them: "Jane Smith-Jones" -> smith,
//                          jones, smithjones), compared as the linkage engine
//                          compares family names (folded, particles dropped);
//   own_address            a search whose postcode is the user's own home
//                          postcode (recorded by their User Manager);
//   searches_without_view  MisuseLimits::searches_without_view searches in
//                          a row that found a child, with no record opened
//                          between them (browsing the index);
//   shielded_access        a shielded record opened by anyone but its
//                          accountable authority's management team (the
//                          only people shown all of it): one alert per user
//                          and child, naming both;
//   suspended              a user's search or view attempts in any 24 hours
//                          reached MisuseLimits::hard_per_day: the account is
//                          suspended at once (its sessions end; the User
//                          Manager reinstates it), and the attempt refused
//                          (kSuspendedForMisuse).
// The searches and views still go ahead (except at the limits): an alert is
// for a person to judge, not a refusal. A repeat while an alert of the same
// kind about the same user (and child) is open adds an occurrence to it
// rather than a new alert.
//
// An alert is written in the transaction of the audit event that raised it
// and names that event (its criteria are there, in the criteria table; the
// alert holds codes and IDs only). The automatic suspension is itself
// audited, as the system (kManageUser, "suspend_automatically").
//
// Counting is in memory, per serving process (like volume_limit.h): a
// restart forgets the counts, never the alerts. Time from the caller.
// Thread-safe (one mutex).
#ifndef CP_SEARCH_MISUSE_MONITOR_H_
#define CP_SEARCH_MISUSE_MONITOR_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/status.h"
#include "identity/sign_in.h"
#include "linkage/record.h"
#include "search/criteria.h"
#include "storage/store.h"

namespace cp::search {

enum class AlertKind {
  kSearchVolume,
  kViewVolume,
  kOwnFamilyName,
  kOwnAddress,
  kSearchesWithoutView,
  kShieldedAccess,
  kSuspended,
};
std::string_view AlertKindName(AlertKind kind);  // "search_volume", ...
std::span<const AlertKind> AllAlertKinds();

struct MisuseLimits {
  // Search attempts (or view attempts, counted apart) in any 24 hours,
  // refused ones included, at which the user is suspended. Above the daily
  // volume limit, which refuses first.
  int hard_per_day = 600;
  int searches_without_view = 30;
};

// Which of own_family_name and own_address a search is: `user`'s own family
// name or home postcode among its criteria. `builder` folds the names.
std::vector<AlertKind> OwnSearch(const storage::UserEntry& user, const Query& query,
                                 const linkage::RecordBuilder& builder);

// A shielded record named by an alert, with its accountable authority.
struct AlertedRecord {
  domain::ContactPointId child;
  std::string accountable;
};

class MisuseMonitor {
 public:
  enum class Activity { kSearch, kView };

  explicit MisuseMonitor(MisuseLimits limits);

  // Counts one attempt by `user` at `now`, allowed or not. True when it
  // reaches the hard limit (the caller then suspends: SuspendIn); the count
  // then starts again, so that a reinstated user is not suspended at once.
  bool Attempt(Activity activity, std::int64_t user, core::Timestamp now);
  // A search that found at least one child. True when it makes
  // searches_without_view in a row with no view between (the count then
  // starts again).
  bool SearchedWithoutView(std::int64_t user);
  // A record opened: the count of searches without a view starts again.
  void Viewed(std::int64_t user);

  // Raises `kind` about the session's user in `tx`, naming the audit entry
  // `audit_index` (or adds an occurrence to the open alert of that kind,
  // user and record).
  static core::Status RaiseIn(storage::Transaction& tx, const identity::SessionContext& session,
                              AlertKind kind, std::int64_t audit_index, core::Timestamp now,
                              const std::optional<AlertedRecord>& record = std::nullopt,
                              bool suspended = false);
  // Suspends the session's user in `tx`: the account suspended, every
  // session of theirs ended, the suspension audited (as the system) and a
  // `suspended` alert raised naming `audit_index`.
  static core::Status SuspendIn(storage::Transaction& tx, audit::AuditLog& audit,
                                const identity::SessionContext& session,
                                std::int64_t audit_index, core::Timestamp now);

 private:
  struct Counts {
    std::deque<core::Timestamp> searches;  // attempts in the last 24 hours
    std::deque<core::Timestamp> views;
    int searches_without_view = 0;
  };
  const MisuseLimits limits_;
  std::mutex mu_;
  std::unordered_map<std::int64_t, Counts> users_;  // GUARDED_BY(mu_)
};

// The refusal answered to the attempt that reached the hard limit.
core::Status SuspendedForMisuse();

}  // namespace cp::search

#endif  // CP_SEARCH_MISUSE_MONITOR_H_
