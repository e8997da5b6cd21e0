// search: the practitioner's core journey (issue 8 items 1, 2, 3 and 5):
// finding a child, and opening the record with a stated reason, each answer
// passed through the one access policy and audited.
//
// Search. The criteria are checked (criteria.h: minimum criteria, no
// wildcards), the user's volume is checked (volume_limit.h), then the
// linkage engine does the rest: the Linker's candidate index proposes
// children (blocking keys; without an exact date of birth the year keys are
// tried for each birth year in range), the Linker's comparator and model
// score each one, and a child MATCHES when:
//   - the criteria it agrees on would themselves be a valid search: an
//     identifier agrees (ContactPoint ID, NHS number, UPN), or the family
//     name (or an alias's family name) agrees together with the given name
//     (or an alias), the date of birth (exact, transposed, one digit or
//     within a month) or the postcode unit;
//   - a year of birth, school and GP, when given, agree (they filter);
//   - its score is at least SearchOptions::min_score bits, and no more than
//     SearchOptions::relevance_bits below the best match's (a namesake who
//     disagrees on the date of birth or postcode given is not a result when
//     a child agrees on them);
//   - a family name one letter off (a typing slip, one edit on 4 letters or
//     more) counts as agreeing when the given name and the exact date of
//     birth agree.
// Each match is then read from the store and asked access::Decide(kSearch)
// (for a mediated session, for both people: masking.h); a refused child
// does not appear and is not counted. A match is scored again with only the
// criteria the Decision lets it match on (a shielded child is never found
// through its postcode, address, school or GP by anyone but the accountable
// team) and with the committed best view (the index may hold a load's
// uncommitted rows). More than max_results matches answer
// kTooManyMatches with no list; otherwise the results, best first, each
// with why it matched (the agreeing criteria and their levels) and only the
// field groups its Decision shows. An archived record (archive reviewers)
// appears only when the search states a reason and a serious-case-review
// reference.
//
// View. A ContactPoint ID (redirects followed and reported), a stated
// reason (reasons.h) and, for an archived record, a serious-case-review
// reference. The answer is the best view masked by access::Decide(kViewRecord).
//
// Audit. Every search (the criteria used as codes, the criteria values in
// the criteria table, the IDs shown, the counts), every view (child ID,
// reason code, the field groups shown, reason text in the criteria table)
// and every refusal of either. A view and its audit event are one store
// transaction: no view without its entry. A search reads its results in a
// read-only transaction and writes its event in a write transaction after
// it: no answer is returned unless its event is committed.
//
// Concurrency. The Linker's parts are replaced when a Sync rebuilds the
// index, and a feed load updates the index as it goes, so a search shares
// the Linker's load_mutex() while it uses the index (and takes it alone for
// a Sync, only when the store has changed since the last): searches run at
// once, and take turns with feed loads. Their reads use readers of the
// store's own and wait for no writer; only the audit append is serial.
// Lock order: load_mutex(), then a store transaction, as the loader does.
//
// Borrows everything it is given; all must outlive it. Thread-safe.
#ifndef CP_SEARCH_SEARCH_SERVICE_H_
#define CP_SEARCH_SEARCH_SERVICE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/status.h"
#include "domain/ids.h"
#include "identity/sign_in.h"
#include "ingest/linker.h"
#include "search/criteria.h"
#include "search/masking.h"
#include "search/misuse_monitor.h"
#include "search/reasons.h"
#include "search/volume_limit.h"
#include "storage/store.h"

namespace cp::search {

struct SearchOptions {
  std::size_t max_results = 10;
  // Matches confirmed from the store before answering "too many".
  std::size_t max_confirmed = 100;
  double min_score = 0;  // bits
  // A child scoring more than this below the best match is not a result
  // (about a thousand times less likely at 10 bits). Not for a search by
  // ContactPoint ID.
  double relevance_bits = 10;
  // Without an exact date of birth, birth years tried: this many back.
  int oldest_age_years = 25;
  std::uint32_t max_candidates = 1024;
  VolumeLimits limits;
  MisuseLimits misuse;
};

// One criterion that agreed, as stable codes: {"family_name", "exact"},
// {"other_names", "full_name"}, {"date_of_birth", "same_year"},
// {"school", "agree"}, {"contactpoint_id", "exact"}.
struct Agreement {
  std::string criterion;
  std::string level;
};

struct SearchHit {
  domain::ContactPointId child;
  double score = 0;  // bits
  std::vector<Agreement> why;
  MaskedChild shown;
};

struct SearchAnswer {
  enum class Outcome { kResults, kTooManyMatches };
  Outcome outcome = Outcome::kResults;
  std::vector<SearchHit> hits;  // best first; empty for kTooManyMatches
  // A ContactPoint ID criterion that had been merged away: the ID given.
  std::optional<domain::ContactPointId> redirected_from;
  std::int64_t audit_index = 0;
};

// Optional stated reason of a search (needed only to find archived
// records) and of a view (always needed).
struct ReasonInput {
  std::optional<std::string> code;
  std::optional<std::string> text;
  std::optional<std::string> serious_case_review;
};

struct RecordView {
  domain::ContactPointId requested;
  domain::ContactPointId id;  // the live record (differs when redirected)
  MaskedChild shown;
  std::int64_t audit_index = 0;
  bool redirected() const { return requested != id; }
};

struct SearchDeps {
  storage::Store& store;
  audit::AuditLog& audit;
  const core::Clock& clock;
  ingest::Linker& linker;
  const RecordStates& states;
};

class SearchService {
 public:
  explicit SearchService(SearchDeps deps, SearchOptions options = {});

  // Errors (each audited as a refused search): those of ValidateCriteria and
  // ValidateReason (when a reason is given), kSearchLimitReached,
  // kSuspendedForMisuse, kSecretsMustChange; a store or audit failure as is
  // (nothing answered). Misuse alerts (misuse_monitor.h) are raised in the
  // transaction of the search's audit event.
  core::StatusOr<SearchAnswer> Search(const identity::SessionContext& session,
                                      const SearchCriteria& criteria,
                                      const ReasonInput& reason = {});

  // Every attempt counts against the user's view limits (the search limits,
  // counted apart), so that IDs cannot be tried one after another.
  // Errors (each audited as a refused view, except a failing store):
  // kSearchLimitReached, kSuspendedForMisuse, kReasonRequired, kInvalidReason, kInvalidContactPointId, kChildNotFound
  // (also for a sealed record), the policy's refusal (kPermissionDenied,
  // kOutsideManagementScope...), kSecretsMustChange.
  core::StatusOr<RecordView> View(const identity::SessionContext& session,
                                  std::string_view contactpoint_id, const ReasonInput& reason);

  // A request that could not even be read as a search or a view (its body
  // not a JSON object of the known fields, say): refused like any other
  // attempt. Audited as a refused search (view) with `why`'s code, counted
  // towards the hard limit (a view also towards the view limit), and
  // answered with `why`, or with what comes first as for Search and View
  // (secrets to change, a role without the right, a suspension, the view
  // limit). A failing audit is answered as is.
  core::Status RefuseUnreadableSearch(const identity::SessionContext& session,
                                      const core::Status& why);
  core::Status RefuseUnreadableView(const identity::SessionContext& session,
                                    std::string_view contactpoint_id, const core::Status& why);

 private:
  struct Scored;
  // A refusal met before an attempt is read, with the alert it raises.
  struct EarlyRefusal {
    core::Status why;
    std::optional<AlertKind> alert;
  };
  // The checks every search (kSearch) or view (kViewRecord) attempt meets
  // first, in order: secrets to change, a role with child data, the hard
  // limit (the attempt is counted here), and for a view the view limit.
  std::optional<EarlyRefusal> FirstChecks(const identity::SessionContext& session,
                                          access::Action action);
  core::Status AuditSearchRefusal(const identity::SessionContext& session,
                                  const SearchCriteria& criteria, const core::Status& why,
                                  std::optional<AlertKind> alert);
  core::Status AuditViewRefusal(const identity::SessionContext& session,
                                std::optional<domain::ContactPointId> child,
                                const std::string& reason_code, std::string_view refusal,
                                std::optional<AlertKind> alert);
  // The alert of a refusal audited as `audit_index` in `tx`: kSuspended
  // suspends the user (MisuseMonitor::SuspendIn).
  core::Status AlertOnRefusal(storage::Transaction& tx, const identity::SessionContext& session,
                              std::optional<AlertKind> alert, std::int64_t audit_index);
  core::StatusOr<SearchAnswer> Run(const identity::SessionContext& session,
                                   const SearchCriteria& criteria, const Query& query,
                                   const std::optional<StatedReason>& reason);

  SearchDeps d_;
  SearchOptions options_;
  VolumeLimiter limiter_;       // searches
  VolumeLimiter view_limiter_;  // record views, every attempt (found or not)
  MisuseMonitor monitor_;
};

}  // namespace cp::search

#endif  // CP_SEARCH_SEARCH_SERVICE_H_
