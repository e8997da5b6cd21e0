#include "search/search_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_set>

#include "core/json_string.h"
#include "core/shared_gate.h"
#include "index/candidate_index.h"
#include "linkage/comparison.h"
#include "linkage/record.h"
#include "linkage/string_similarity.h"

namespace cp::search {
namespace {

using access::SearchCriterion;
using core::ErrorCode;
using core::Status;
using core::StatusOr;
using domain::ContactPointId;
using linkage::ComparisonVector;
using linkage::Field;

constexpr std::string_view kNotFoundMessage =
    "no child has this ContactPoint ID: check the number";

template <typename Level>
bool AtMost(const ComparisonVector& v, Field field, Level level) {
  return v.level(field) <= static_cast<std::uint8_t>(level);
}

std::string LevelName(Field field, std::uint8_t level) {
  return std::string(linkage::LevelNames(field)[level]);
}

bool Agrees(const ComparisonVector& v, Field field) {
  const std::uint8_t level = v.level(field);
  const std::uint8_t missing = linkage::MissingLevel(field);
  // The level before "missing" is always "disagree".
  return level + 1 < missing;
}

// How one candidate fares against the query.
struct Evaluation {
  bool matches = false;
  double score = 0;
  std::vector<Agreement> why;
};

// The query's school or GP among the child's involvements of those types.
bool ServiceAgrees(const ServiceCriterion& wanted, const domain::Child& child,
                   std::initializer_list<domain::ServiceType> types) {
  for (const domain::Involvement& inv : child.involvements) {
    if (std::find(types.begin(), types.end(), inv.type) == types.end()) continue;
    const domain::Organisation& org = inv.organisation;
    if (wanted.is_code) {
      if (!org.code) continue;
      std::string code;
      for (char c : *org.code) code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (code == wanted.value) return true;
    } else {
      std::string name;
      bool space = false;
      for (char c : org.name) {
        if (std::isspace(static_cast<unsigned char>(c))) {
          space = !name.empty();
          continue;
        }
        if (space) name += ' ';
        space = false;
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      if (name == wanted.value) return true;
    }
  }
  return false;
}

// Whether two family names are one edit apart (Damerau-Levenshtein, on the
// normalised names; never for a name of under 4 letters).
bool FamilyOneEdit(const linkage::LinkageRecord& a, const linkage::LinkageRecord& b) {
  const std::string& x = a.family_name.keys.full;
  const std::string& y = b.family_name.keys.full;
  if (x.size() < 4 || y.size() < 4) return false;
  return linkage::DamerauLevenshteinDistance(x, y) <= 1;
}

// Drops the items scoring more than `bits` below the best of them.
template <typename T, typename ScoreOf>
void KeepRelevant(std::vector<T>& items, double bits, ScoreOf score_of) {
  if (items.empty()) return;
  double best = score_of(items.front());
  for (const T& item : items) best = std::max(best, score_of(item));
  std::erase_if(items, [&](const T& item) { return score_of(item) < best - bits; });
}

// The rules of search_service.h "a child MATCHES", for one comparison.
// `child` is null while only the index's row is at hand: school and GP are
// then not checked (they are, later, with the store's record).
Evaluation Evaluate(const Query& q, const ComparisonVector& v, std::uint32_t candidate_dob,
                    bool contactpoint_id_agrees, bool family_one_edit, const domain::Child* child,
                    const linkage::Model& model, bool may_match_school, bool may_match_gp) {
  using linkage::DateOfBirthLevel;
  using linkage::FamilyNameLevel;
  using linkage::GivenNameLevel;
  using linkage::OtherNamesLevel;
  using linkage::PostcodeLevel;
  Evaluation e;
  const bool identifier = contactpoint_id_agrees || Agrees(v, Field::kNhsNumber) ||
                          Agrees(v, Field::kUpn);
  const bool alias_full = v.level(Field::kOtherNames) ==
                          static_cast<std::uint8_t>(OtherNamesLevel::kFullName);
  // A one-letter slip in a typed family name (one edit, beyond what the
  // comparator calls close) counts when the given name and the exact date of
  // birth both agree: the two strongest fields vouch for it.
  const bool family_slip =
      family_one_edit && q.exact_date_of_birth &&
      AtMost(v, Field::kGivenName, GivenNameLevel::kNickname) &&
      v.level(Field::kDateOfBirth) == static_cast<std::uint8_t>(DateOfBirthLevel::kExact);
  const bool family = AtMost(v, Field::kFamilyName, FamilyNameLevel::kPhonetic) ||
                      AtMost(v, Field::kOtherNames, OtherNamesLevel::kFamilyName) || family_slip;
  const bool given = AtMost(v, Field::kGivenName, GivenNameLevel::kPhonetic) || alias_full;
  bool year_agrees = false;
  if (q.birth_year && !q.exact_date_of_birth) {
    year_agrees = candidate_dob != 0 && static_cast<int>(candidate_dob / 10000) == *q.birth_year;
    if (!year_agrees && !identifier) return e;  // a year filters
  }
  const bool dob = (q.exact_date_of_birth &&
                    AtMost(v, Field::kDateOfBirth, DateOfBirthLevel::kWithinMonth)) ||
                   year_agrees;
  const bool postcode = v.level(Field::kPostcode) == static_cast<std::uint8_t>(PostcodeLevel::kUnit);
  if (!identifier && !(family && (given || dob || postcode))) return e;
  if (child != nullptr) {
    if (q.school && !(may_match_school &&
                      ServiceAgrees(*q.school, *child,
                                    {domain::ServiceType::kSchool, domain::ServiceType::kEarlyYears,
                                     domain::ServiceType::kCollege}))) {
      return e;
    }
    if (q.gp && !(may_match_gp && ServiceAgrees(*q.gp, *child, {domain::ServiceType::kGp}))) {
      return e;
    }
  }
  e.matches = true;
  e.score = model.Score(v);
  if (contactpoint_id_agrees) e.why.push_back({"contactpoint_id", "exact"});
  for (Field f : {Field::kNhsNumber, Field::kUpn, Field::kGivenName, Field::kFamilyName,
                  Field::kOtherNames, Field::kDateOfBirth, Field::kGender, Field::kPostcode,
                  Field::kAddress}) {
    if (Agrees(v, f)) e.why.push_back({std::string(linkage::FieldName(f)), LevelName(f, v.level(f))});
  }
  if (family_slip && !AtMost(v, Field::kFamilyName, FamilyNameLevel::kPhonetic)) {
    e.why.push_back({"family_name", "one_edit"});
  }
  if (year_agrees) e.why.push_back({"date_of_birth", "same_year"});
  if (q.school && child != nullptr) e.why.push_back({"school", "agree"});
  if (q.gp && child != nullptr) e.why.push_back({"gp", "agree"});
  return e;
}

// The query with every criterion the Decision does not let this record be
// matched on left out.
Query Restricted(const Query& q, const access::Decision& d) {
  Query r = q;
  domain::Child& p = r.probe;
  if (!d.MayMatchOn(SearchCriterion::kName)) p.name = domain::PersonName{};
  if (!d.MayMatchOn(SearchCriterion::kDateOfBirth)) {
    p.date_of_birth = {};
    r.exact_date_of_birth = false;
    r.birth_year.reset();
  }
  if (!d.MayMatchOn(SearchCriterion::kGender)) p.gender = domain::Gender::kUnknown;
  if (p.address && !d.MayMatchOn(SearchCriterion::kPostcode)) p.address->postcode.reset();
  if (p.address && !d.MayMatchOn(SearchCriterion::kAddress)) p.address->lines = {};
  if (!d.MayMatchOn(SearchCriterion::kSourceIdentifier)) p.identifiers = domain::Identifiers{};
  if (!d.MayMatchOn(SearchCriterion::kContactPointId)) r.contactpoint_id.reset();
  return r;
}

// The audit event's count that says an event raised an alert of `kind`.
std::string AlertCount(AlertKind kind) { return "alert_" + std::string(AlertKindName(kind)); }

bool Unrestricted(const access::Decision& d) {
  return d.search_criteria.all();
}

audit::Event EventFor(const identity::SessionContext& session, audit::Action action) {
  audit::Event event;
  identity::SetActors(session, event);
  event.action = action;
  return event;
}

std::vector<std::pair<std::string, std::int64_t>> Counts(
    const std::map<std::string, std::int64_t>& counts) {
  return {counts.begin(), counts.end()};
}

// Whether the session's roles may see any child's record for `action`, live
// or archived: asked before anything is looked up, so that a role without
// child data learns nothing, not even which IDs exist.
Status PermitRole(const std::vector<access::Viewer>& viewers, access::Action action) {
  access::RecordFacts archived;
  archived.archived = true;
  const access::Decision live = DecideFor(viewers, access::RecordFacts{}, action);
  if (live.allowed() || DecideFor(viewers, archived, action).allowed()) return Status::Ok();
  return live.status;
}

}  // namespace

SearchService::SearchService(SearchDeps deps, SearchOptions options)
    : d_(deps),
      options_(options),
      limiter_(options.limits),
      view_limiter_(options.limits),
      monitor_(options.misuse) {}

Status SearchService::AlertOnRefusal(storage::Transaction& tx,
                                     const identity::SessionContext& session,
                                     std::optional<AlertKind> alert, std::int64_t audit_index) {
  if (!alert) return Status::Ok();
  if (*alert == AlertKind::kSuspended) {
    return MisuseMonitor::SuspendIn(tx, d_.audit, session, audit_index, d_.clock.Now());
  }
  return MisuseMonitor::RaiseIn(tx, session, *alert, audit_index, d_.clock.Now());
}

Status SearchService::AuditSearchRefusal(const identity::SessionContext& session,
                                         const SearchCriteria& criteria, const Status& why,
                                         std::optional<AlertKind> alert) {
  audit::Event event = EventFor(session, audit::Action::kSearch);
  event.outcome = audit::Outcome::kRefused;
  event.refusal = std::string(core::ErrorCodeName(why.code()));
  if (alert) event.counts = {{AlertCount(*alert), 1}};
  ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(const std::int64_t index, d_.audit.AppendIn(*tx, event, CriteriaJson(criteria)));
  RETURN_IF_ERROR(AlertOnRefusal(*tx, session, alert, index));
  RETURN_IF_ERROR(tx->Commit());
  (void)d_.audit.MaybeCheckpointAfter(index);
  return Status::Ok();
}

StatusOr<SearchAnswer> SearchService::Search(const identity::SessionContext& session,
                                             const SearchCriteria& criteria,
                                             const ReasonInput& reason) {
  auto refuse = [&](const Status& why, std::optional<AlertKind> alert = std::nullopt) -> Status {
    const Status audited = AuditSearchRefusal(session, criteria, why, alert);
    if (!audited.ok()) {
      spdlog::error("search: cannot audit a refused search: {}", audited.ToString());
      return audited;
    }
    return why;
  };
  // Every attempt counts towards the hard limit, malformed ones included.
  if (auto early = FirstChecks(session, access::Action::kSearch)) {
    return refuse(early->why, early->alert);
  }
  const std::int64_t user = session.account.user.id;
  const auto today = std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(d_.clock.Now()));
  auto query = ValidateCriteria(criteria, today);
  if (!query.ok()) return refuse(query.status());
  std::optional<StatedReason> stated;
  if (reason.code || reason.text || reason.serious_case_review) {
    auto checked = ValidateReason(reason.code, reason.text, reason.serious_case_review);
    if (!checked.ok()) return refuse(checked.status());
    stated = std::move(*checked);
  }
  if (Status admitted = limiter_.Admit(user, d_.clock.Now()); !admitted.ok()) {
    return refuse(admitted, AlertKind::kSearchVolume);
  }
  return Run(session, criteria, *query, stated);
}

std::optional<SearchService::EarlyRefusal> SearchService::FirstChecks(
    const identity::SessionContext& session, access::Action action) {
  if (Status ready = identity::SignInService::RequireReady(session); !ready.ok()) {
    return EarlyRefusal{ready, std::nullopt};
  }
  if (Status role = PermitRole(ViewersOf(session), action); !role.ok()) {
    return EarlyRefusal{role, std::nullopt};
  }
  const bool view = action == access::Action::kViewRecord;
  const std::int64_t user = session.account.user.id;
  if (monitor_.Attempt(view ? MisuseMonitor::Activity::kView : MisuseMonitor::Activity::kSearch,
                       user, d_.clock.Now())) {
    return EarlyRefusal{SuspendedForMisuse(), AlertKind::kSuspended};
  }
  if (view) {
    if (Status admitted = view_limiter_.Admit(user, d_.clock.Now()); !admitted.ok()) {
      return EarlyRefusal{admitted, AlertKind::kViewVolume};
    }
  }
  return std::nullopt;
}

Status SearchService::RefuseUnreadableSearch(const identity::SessionContext& session,
                                             const Status& why) {
  const std::optional<EarlyRefusal> early = FirstChecks(session, access::Action::kSearch);
  const Status answer = early ? early->why : why;
  const std::optional<AlertKind> alert = early ? early->alert : std::nullopt;
  const Status audited = AuditSearchRefusal(session, SearchCriteria{}, answer, alert);
  if (!audited.ok()) {
    spdlog::error("search: cannot audit a refused search: {}", audited.ToString());
    return audited;
  }
  return answer;
}

Status SearchService::RefuseUnreadableView(const identity::SessionContext& session,
                                           std::string_view contactpoint_id, const Status& why) {
  // A refusal View would give before reading the ID comes first.
  const std::optional<EarlyRefusal> early = FirstChecks(session, access::Action::kViewRecord);
  const Status answer = early ? early->why : why;
  // The child is named only when the body itself is the refusal, as View
  // names it only once the checks before the ID have passed.
  std::optional<ContactPointId> child;
  if (auto parsed = ContactPointId::Parse(contactpoint_id); parsed.ok() && !early) {
    child = *parsed;
  }
  const Status audited = AuditViewRefusal(session, child, "", core::ErrorCodeName(answer.code()),
                                          early ? early->alert : std::nullopt);
  return audited.ok() ? answer : audited;
}

struct SearchService::Scored {
  ContactPointId child;
  Evaluation evaluation;
  MaskedChild shown;
};

StatusOr<SearchAnswer> SearchService::Run(const identity::SessionContext& session,
                                          const SearchCriteria& criteria, const Query& query,
                                          const std::optional<StatedReason>& reason) {
  const std::vector<access::Viewer> viewers = ViewersOf(session);
  const int this_year = static_cast<int>(
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(d_.clock.Now())).year());
  SearchAnswer answer;
  // Lock order: the Linker, then the store (as the loader). The index is
  // brought up to date alone, in a write transaction (as a load would: no
  // other writer commits meanwhile), only when the store has changed since;
  // then searches share it and read their results on readers of their own.
  // The shared lock found up to date is the one the search then holds: a
  // load that failed in between would leave rows of its rolled-back batch
  // in the index (it only marks it for a rebuild).
  std::shared_lock<core::SharedGate> linker_lock(d_.linker.load_mutex());
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(const bool current, d_.linker.UpToDate(d_.store));
    // After two Syncs, a search goes on with an index that is only behind
    // (never with one marked for a rebuild): a store that keeps changing
    // must not keep it waiting (a change committed since is missed, as by a
    // search a moment earlier).
    if (current || (attempt >= 2 && d_.linker.synced())) break;
    linker_lock.unlock();
    {
      std::lock_guard<core::SharedGate> alone(d_.linker.load_mutex());
      ASSIGN_OR_RETURN(const bool now_current, d_.linker.UpToDate(d_.store));
      if (!now_current) {  // another search may have synced meanwhile
        ASSIGN_OR_RETURN(auto sync, d_.store.Begin(storage::TxMode::kReadWrite));
        RETURN_IF_ERROR(d_.linker.Sync(d_.store, *sync));
      }  // `sync` wrote nothing: dropped
    }
    linker_lock.lock();
  }
  ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadOnly));
  const linkage::RecordBuilder& builder = d_.linker.builder();
  const linkage::Comparator& comparator = d_.linker.comparator();
  const linkage::Model& model = d_.linker.model();
  const index::CandidateIndex& index = d_.linker.candidate_index();
  const linkage::LinkageRecord probe = builder.Build(query.probe);

  // 1. Candidates that pass the rules on the index's rows (with every
  //    criterion: leaving some out for a record can only remove agreements).
  std::vector<ContactPointId> passing;
  std::size_t passing_count = 0;
  std::vector<std::pair<double, ContactPointId>> candidates;  // that pass, with their scores
  if (query.contactpoint_id) {
    auto live = tx->Resolve(*query.contactpoint_id);
    if (live.ok()) {
      if (*live != *query.contactpoint_id) answer.redirected_from = *query.contactpoint_id;
      passing.push_back(*live);
      passing_count = 1;
    } else if (live.status().code() != ErrorCode::kChildNotFound) {
      return live.status();
    }
  } else {
    std::unordered_set<ContactPointId> seen;
    index::CandidateOptions options;
    options.max_candidates = options_.max_candidates;
    auto consider = [&](const linkage::LinkageRecord& key_probe, const index::CandidateOptions& o) {
      for (const index::Candidate& c : index.Candidates(key_probe, o).candidates) {
        if (!seen.insert(c.child).second) continue;
        const std::optional<linkage::LinkageRecord> row = index.Lookup(c.child);
        if (!row) continue;
        const ComparisonVector v = comparator.Compare(probe, *row);
        const Evaluation e = Evaluate(query, v, row->date_of_birth, false,
                                      FamilyOneEdit(probe, *row), nullptr, model, true, true);
        if (!e.matches) continue;
        candidates.push_back({e.score, c.child});
      }
    };
    if (query.exact_date_of_birth || query.has_identifier()) consider(probe, options);
    if (!query.exact_date_of_birth) {
      // The year keys (names + year, postcode + year), for each birth year
      // the search allows: an index keyed by dates still finds a child
      // searched for by name or postcode alone.
      index::CandidateOptions by_year = options;
      by_year.keys = index::MaskOf(index::KeyKind::kNamesYear) |
                     index::MaskOf(index::KeyKind::kPostcodeYear);
      const int first = query.birth_year ? *query.birth_year : this_year - options_.oldest_age_years;
      const int last = query.birth_year ? *query.birth_year : this_year;
      for (int year = first; year <= last; ++year) {
        linkage::LinkageRecord key_probe = probe;
        key_probe.date_of_birth = static_cast<std::uint32_t>(year) * 10000 + 101;
        consider(key_probe, by_year);
      }
      // A family name and a year only: the family-name + date keys (and
      // former names + date), for each day of that year (~365 lookups).
      if (query.birth_year && probe.given_names.empty() && probe.postcode_unit == 0) {
        index::CandidateOptions by_day = options;
        by_day.keys = index::MaskOf(index::KeyKind::kFamilyDob) |
                      index::MaskOf(index::KeyKind::kOtherNameDob);
        using namespace std::chrono;
        for (sys_days day = sys_days(year{*query.birth_year} / January / 1);
             day <= sys_days(year{*query.birth_year} / December / 31); day += days(1)) {
          const year_month_day ymd(day);
          linkage::LinkageRecord key_probe = probe;
          key_probe.date_of_birth = static_cast<std::uint32_t>(static_cast<int>(ymd.year())) * 10000 +
                                    static_cast<unsigned>(ymd.month()) * 100 +
                                    static_cast<unsigned>(ymd.day());
          consider(key_probe, by_day);
        }
      }
    }
  }

  if (!query.contactpoint_id) {
    // Only the relevant ones: a child far less likely than the best is not
    // a result (else every namesake in England would match a name and a
    // postcode, and more criteria would never narrow a search).
    KeepRelevant(candidates, options_.relevance_bits,
                 [](const auto& c) { return c.first; });
    std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return a.second.ToString() < b.second.ToString();
    });
    passing_count = candidates.size();
    for (const auto& [score, id] : candidates) {
      if (passing.size() > options_.max_confirmed) break;
      passing.push_back(id);
    }
  }

  // 2. Confirmed with the store's record, asked of the policy, scored with
  //    what the policy lets this record be matched on.
  std::vector<Scored> matches;
  if (passing_count <= options_.max_confirmed) {
    for (const ContactPointId& id : passing) {
      auto child = tx->GetChild(id);
      if (!child.ok()) {
        if (child.status().code() == ErrorCode::kChildNotFound) continue;
        return child.status();
      }
      ASSIGN_OR_RETURN(RecordState state, d_.states.StateOf(*tx, *child));
      const access::Decision decision =
          DecideFor(viewers, FactsOf(*child, state), access::Action::kSearch);
      if (!decision.allowed()) continue;
      if (decision.reason_required && !reason) continue;
      if (decision.serious_case_review_required && !(reason && reason->serious_case_review)) {
        continue;
      }
      const bool restricted = !Unrestricted(decision);
      const Query allowed = restricted ? Restricted(query, decision) : query;
      const linkage::LinkageRecord allowed_probe = restricted ? builder.Build(allowed.probe) : probe;
      linkage::LinkageRecord row = builder.Build(*child);
      if (!decision.MayMatchOn(SearchCriterion::kAlias)) row.other_names.clear();
      const ComparisonVector v = comparator.Compare(allowed_probe, row);
      const bool id_agrees = allowed.contactpoint_id.has_value();
      Evaluation e = Evaluate(allowed, v, row.date_of_birth, id_agrees,
                              FamilyOneEdit(allowed_probe, row), &*child, model,
                              decision.MayMatchOn(SearchCriterion::kSchool),
                              decision.MayMatchOn(SearchCriterion::kGp));
      if (!e.matches || (!id_agrees && e.score < options_.min_score)) continue;
      matches.push_back(Scored{id, std::move(e), Mask(*child, state, decision)});
    }
    if (!query.contactpoint_id) {
      KeepRelevant(matches, options_.relevance_bits,
                   [](const Scored& m) { return m.evaluation.score; });
    }
  }
  const bool too_many =
      passing_count > options_.max_confirmed || matches.size() > options_.max_results;
  std::sort(matches.begin(), matches.end(), [](const Scored& a, const Scored& b) {
    if (a.evaluation.score != b.evaluation.score) return a.evaluation.score > b.evaluation.score;
    return a.child.ToString() < b.child.ToString();
  });

  // 3. The audit event, written once the results are read (the index and
  //    the reader are let go first: the next search may use them while
  //    this one's commit is made durable, the store grouping the fsyncs of
  //    commits made meanwhile). The answer is returned only once it is.
  audit::Event event = EventFor(session, audit::Action::kSearch);
  std::map<std::string, std::int64_t> counts;
  for (const std::string& used : query.used) counts["criterion_" + used] = 1;
  counts["matched"] = static_cast<std::int64_t>(too_many ? std::max(passing_count, matches.size())
                                                         : matches.size());
  if (too_many) {
    answer.outcome = SearchAnswer::Outcome::kTooManyMatches;
    counts["too_many_matches"] = 1;
  } else {
    for (Scored& m : matches) {
      event.children.push_back(m.child);
      answer.hits.push_back(
          SearchHit{m.child, m.evaluation.score, std::move(m.evaluation.why), std::move(m.shown)});
    }
  }
  // That an ID was merged away is said only with the record it leads to:
  // a refused or absent survivor answers as an unknown ID does.
  if (answer.hits.empty()) answer.redirected_from.reset();
  counts["shown"] = static_cast<std::int64_t>(answer.hits.size());
  if (answer.redirected_from) counts["redirected"] = 1;
  // Misuse alerts (misuse_monitor.h), said in the event too.
  std::vector<AlertKind> alerts = OwnSearch(session.account.user, query, builder);
  if (!answer.hits.empty() && monitor_.SearchedWithoutView(session.account.user.id)) {
    alerts.push_back(AlertKind::kSearchesWithoutView);
  }
  for (AlertKind alert : alerts) counts[AlertCount(alert)] = 1;
  event.counts = Counts(counts);
  if (reason) {
    event.reason = reason->code;
    if (reason->serious_case_review) event.subject = "scr:" + *reason->serious_case_review;
  }
  RETURN_IF_ERROR(tx->Commit());
  tx.reset();
  linker_lock.unlock();
  ASSIGN_OR_RETURN(auto write, d_.store.Begin(storage::TxMode::kReadWrite));
  ASSIGN_OR_RETURN(answer.audit_index, d_.audit.AppendIn(*write, event, CriteriaJson(criteria)));
  for (AlertKind alert : alerts) {
    RETURN_IF_ERROR(
        MisuseMonitor::RaiseIn(*write, session, alert, answer.audit_index, d_.clock.Now()));
  }
  RETURN_IF_ERROR(write->Commit());
  (void)d_.audit.MaybeCheckpointAfter(answer.audit_index);
  return answer;
}

Status SearchService::AuditViewRefusal(const identity::SessionContext& session,
                                       std::optional<ContactPointId> child,
                                       const std::string& reason_code, std::string_view refusal,
                                       std::optional<AlertKind> alert) {
  audit::Event event = EventFor(session, audit::Action::kViewRecord);
  if (child) event.children.push_back(*child);
  event.reason = reason_code;
  event.outcome = audit::Outcome::kRefused;
  event.refusal = std::string(refusal);
  if (alert) event.counts = {{AlertCount(*alert), 1}};
  const Status audited = [&]() -> Status {
    ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadWrite));
    ASSIGN_OR_RETURN(const std::int64_t index, d_.audit.AppendIn(*tx, event));
    RETURN_IF_ERROR(AlertOnRefusal(*tx, session, alert, index));
    RETURN_IF_ERROR(tx->Commit());
    (void)d_.audit.MaybeCheckpointAfter(index);
    return Status::Ok();
  }();
  if (!audited.ok()) {
    spdlog::error("record view: cannot audit a refused view: {}", audited.ToString());
  }
  return audited;
}

StatusOr<RecordView> SearchService::View(const identity::SessionContext& session,
                                         std::string_view contactpoint_id,
                                         const ReasonInput& reason) {
  // A reason code that is not in the list is not written into the log.
  auto known_code = [&]() -> std::string {
    if (!reason.code) return "";
    for (const ReasonInfo& r : ReasonCatalogue()) {
      if (r.code == *reason.code) return *reason.code;
    }
    return "";
  };
  auto refuse = [&](std::optional<ContactPointId> child, const Status& why,
                    std::optional<AlertKind> alert = std::nullopt) -> Status {
    const Status audited =
        AuditViewRefusal(session, child, known_code(), core::ErrorCodeName(why.code()), alert);
    return audited.ok() ? why : audited;
  };
  // Every attempt counts, found or not: IDs cannot be tried one after another.
  if (auto early = FirstChecks(session, access::Action::kViewRecord)) {
    return refuse(std::nullopt, early->why, early->alert);
  }
  const std::int64_t user = session.account.user.id;
  auto requested = ContactPointId::Parse(contactpoint_id);
  if (!requested.ok()) {
    return refuse(std::nullopt,
                  Status(ErrorCode::kInvalidContactPointId,
                         "a ContactPoint ID is 12 digits, the last a check digit: check the "
                         "number"));
  }
  auto stated = ValidateReason(reason.code, reason.text, reason.serious_case_review);
  if (!stated.ok()) return refuse(*requested, stated.status());

  const std::vector<access::Viewer> viewers = ViewersOf(session);
  ASSIGN_OR_RETURN(auto tx, d_.store.Begin(storage::TxMode::kReadWrite));
  audit::Event event = EventFor(session, audit::Action::kViewRecord);
  event.reason = stated->code;
  if (stated->serious_case_review) event.subject = "scr:" + *stated->serious_case_review;
  // A refusal found inside the transaction is audited in it.
  auto refuse_in = [&](std::vector<ContactPointId> children, const Status& why,
                       std::string_view refusal) -> Status {
    event.children = std::move(children);
    event.outcome = audit::Outcome::kRefused;
    event.refusal = std::string(refusal);
    RETURN_IF_ERROR(d_.audit.AppendIn(*tx, event).status());
    RETURN_IF_ERROR(tx->Commit());
    return why;
  };
  const Status not_found(ErrorCode::kChildNotFound, std::string(kNotFoundMessage));
  auto live = tx->Resolve(*requested);
  if (!live.ok()) {
    if (live.status().code() != ErrorCode::kChildNotFound) return live.status();
    return refuse_in({*requested}, not_found, core::ErrorCodeName(ErrorCode::kChildNotFound));
  }
  std::vector<ContactPointId> named{*live};
  if (*live != *requested) named.push_back(*requested);
  ASSIGN_OR_RETURN(domain::Child child, tx->GetChild(*live));
  ASSIGN_OR_RETURN(RecordState state, d_.states.StateOf(*tx, child));
  const access::Decision decision =
      DecideFor(viewers, FactsOf(child, state), access::Action::kViewRecord);
  if (!decision.allowed()) {
    // A sealed record answers exactly as a missing one.
    const Status answer =
        decision.refusal == access::Refusal::kRecordSealed ? not_found : decision.status;
    return refuse_in(named, answer, access::RefusalName(decision.refusal));
  }
  if (decision.serious_case_review_required && !stated->serious_case_review) {
    return refuse_in(named,
                     Status(ErrorCode::kReasonRequired,
                            "this record is archived: give the serious case review or "
                            "child-death investigation reference in 'serious_case_review'"),
                     "serious_case_review_required");
  }
  RecordView view;
  view.requested = *requested;
  view.id = *live;
  view.shown = Mask(child, state, decision);
  std::map<std::string, std::int64_t> counts;
  for (const std::string& group : view.shown.field_groups) counts["shown_" + group] = 1;
  for (const ShownInvolvement& inv : view.shown.involvements) {
    ++counts[std::string("involvements_") +
             std::string(access::InvolvementVisibilityName(inv.visibility))];
  }
  if (view.redirected()) counts["redirected"] = 1;
  // A shielded record opened by anyone its whereabouts are hidden from:
  // everyone but the accountable authority's management team.
  const bool shielded_access = state.shielded && !decision.Shows(access::FieldGroup::kAddress);
  if (shielded_access) counts[AlertCount(AlertKind::kShieldedAccess)] = 1;
  event.counts = Counts(counts);
  event.children = named;
  if (stated->text) {
    std::string json = "{\"reason_text\":";
    core::AppendJsonString(stated->text->Reveal(), json);
    json += '}';
    ASSIGN_OR_RETURN(view.audit_index,
                     d_.audit.AppendIn(*tx, event, core::Sensitive<std::string>(std::move(json))));
  } else {
    ASSIGN_OR_RETURN(view.audit_index, d_.audit.AppendIn(*tx, event));
  }
  if (shielded_access) {
    AlertedRecord record{*live, child.accountable ? child.accountable->assignee : ""};
    RETURN_IF_ERROR(MisuseMonitor::RaiseIn(*tx, session, AlertKind::kShieldedAccess,
                                           view.audit_index, d_.clock.Now(), record));
  }
  RETURN_IF_ERROR(tx->Commit());
  monitor_.Viewed(user);
  (void)d_.audit.MaybeCheckpointAfter(view.audit_index);
  return view;
}

}  // namespace cp::search
