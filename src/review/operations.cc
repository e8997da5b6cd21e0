#include "review/operations.h"

#include <algorithm>
#include <functional>

#include "access/eligibility.h"
#include "access/policy.h"
#include "ingest/cluster.h"
#include "linkage/record.h"
#include "matching/matcher.h"

namespace cp::review {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using domain::ContactPointId;
using storage::LinkState;
using storage::SourceRecord;

constexpr std::string_view kDefaultReason = "administrator_decision";

// Rebuilds `child`'s best view from `records` with the sources' priorities.
Status Rebuild(storage::Transaction& tx, const ingest::Linker& linker, ContactPointId child,
               const std::vector<storage::SourceRecord>& records) {
  ASSIGN_OR_RETURN(const ingest::SourcePriorities priorities, ingest::SourcePriorities::Read(tx));
  return ingest::RebuildBestView(tx, linker, priorities, child, records).status();
}

// What an operation tells the audit trail, filled in as it goes so that a
// refusal names the children already known.
struct AuditNote {
  audit::Action action = audit::Action::kViewRecord;
  std::string operation;  // the event's reason code
  std::vector<ContactPointId> children;
  std::vector<std::pair<std::string, std::int64_t>> counts;  // sorted by code
  void Name(ContactPointId id) {
    if (id.assigned() && std::find(children.begin(), children.end(), id) == children.end()) {
      children.push_back(id);
    }
  }
};

audit::Event EventOf(const identity::Account& actor, const AuditNote& note) {
  audit::Event event;
  event.actor = identity::PrincipalOf(actor);
  event.action = note.action;
  event.children = note.children;
  event.reason = note.operation;
  event.counts = note.counts;
  return event;
}

// Errors that are the request's fault or a rule's, audited as refusals. A
// failing store is not: nothing could be written anyway.
bool IsRefusal(ErrorCode code) {
  switch (core::CategoryOf(code)) {
    case core::ErrorCategory::kInvalidArgument:
    case core::ErrorCategory::kNotFound:
    case core::ErrorCategory::kAlreadyExists:
    case core::ErrorCategory::kPermissionDenied:
    case core::ErrorCategory::kFailedPrecondition:
      return true;
    default:
      return false;
  }
}

access::Viewer ViewerOf(const identity::Account& actor) {
  return access::Viewer{actor.role, actor.organisation.id, actor.organisation.type,
                        access::UserId(actor.user.id)};
}

// A best view's facts for the policy: its accountable local authority, if
// it has one ("la:..."); a child in a national queue has none.
access::RecordFacts FactsOf(const domain::Child& view) {
  access::RecordFacts facts;
  if (view.accountable && view.accountable->assignee.starts_with("la:")) {
    facts.accountable_authority = access::OrganisationId(view.accountable->assignee);
  }
  return facts;
}

// The role gate every operation passes first (before anything is looked up,
// so that nobody else learns which records exist).
Status PermitRole(const identity::Account& actor) {
  return access::Decide(ViewerOf(actor), access::RecordFacts{}, access::Action::kReviewMatch)
      .status;
}

Status Permit(const identity::Account& actor, const domain::Child& view, access::Action action) {
  const access::Decision decision = access::Decide(ViewerOf(actor), FactsOf(view), action);
  if (decision.allowed()) return Status::Ok();
  return Status(decision.status.code(),
                "child " + view.id.ToString() + ": " + std::string(decision.status.message()));
}

bool HasAdoption(const SourceRecord& record) {
  return std::any_of(record.events.begin(), record.events.end(), [](const auto& e) {
    return e.type == domain::SourceEvent::Type::kAdoption;
  });
}

bool SharesIdentifier(const linkage::ComparisonVector& v) {
  using linkage::AgreeLevel;
  using linkage::Field;
  auto agree = [&](Field f) { return static_cast<AgreeLevel>(v.level(f)) == AgreeLevel::kAgree; };
  return agree(Field::kNhsNumber) || agree(Field::kUpn) || agree(Field::kUln);
}

Status CheckReasonCode(const std::string& reason) {
  const bool ok = reason.size() <= 64 && std::all_of(reason.begin(), reason.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                  });
  if (ok) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument,
                "--reason must be a code of lower-case letters, digits and '_' (at most 64, no "
                "names or other personal data), e.g. duplicate_confirmed");
}

Status NotInReview(const SourceRecord& record, const RecordRef& ref) {
  return Status(ErrorCode::kSourceRecordNotInReview,
                "record " + ref.ToString() + " is " +
                    std::string(storage::LinkStateName(record.state)) +
                    ", not waiting for review: see 'contactpoint review list'; to correct a "
                    "linked record use 'contactpoint child merge' or 'child split'");
}

// The record `ref` names, if the actor may review it. A record that does not
// exist, is sealed or attached to no child, or belongs to a child outside
// the actor's scope gets the same answer: nobody learns from a refusal that
// a record exists, nor that it is sealed (an adoption).
StatusOr<SourceRecord> GetRecord(storage::Transaction& tx, const identity::Account& actor,
                                 const RecordRef& ref) {
  const Status not_found(ErrorCode::kSourceRecordNotFound,
                         "there is no record " + ref.ToString() +
                             " you may review: give the source ID and the source's own key, as "
                             "'review list' shows them");
  auto record = tx.GetSourceRecord(ref.source, ref.key);
  if (!record.ok()) {
    return record.status().code() == ErrorCode::kSourceRecordNotFound ? not_found
                                                                       : record.status();
  }
  if (record->state == LinkState::kSealed || !record->child) return not_found;
  ASSIGN_OR_RETURN(domain::Child view, tx.GetChild(*record->child));
  if (!access::Decide(ViewerOf(actor), FactsOf(view), access::Action::kReviewMatch).allowed()) {
    return not_found;
  }
  return record;
}

StatusOr<Resolved> ResolveChild(storage::Transaction& tx, ContactPointId id) {
  auto live = tx.Resolve(id);
  if (live.ok()) return Resolved{id, *live};
  if (live.status().code() != ErrorCode::kChildNotFound) return live.status();
  return Status(ErrorCode::kChildNotFound,
                "no child has the ContactPoint ID " + id.ToString() + ": check the number");
}

std::vector<const SourceRecord*> Current(const std::vector<SourceRecord>& records) {
  std::vector<const SourceRecord*> out;
  for (const SourceRecord& r : records) {
    if (ingest::IsCurrent(r)) out.push_back(&r);
  }
  return out;
}

// The records a review link takes along with `record`: the other current
// records linked to the provisional child it waits on (they matched that
// child as a link would, "provisional_match", or a 'review separate' kept
// them there), the same child as the record.
StatusOr<std::vector<SourceRecord>> LinkedWith(storage::Transaction& tx,
                                               const SourceRecord& record) {
  ASSIGN_OR_RETURN(std::vector<SourceRecord> records, tx.SourceRecordsOf(*record.child));
  std::erase_if(records, [&](const SourceRecord& r) {
    const bool itself = r.source == record.source && r.key == record.key;
    return itself || !ingest::IsCurrent(r) || r.state != LinkState::kLinked;
  });
  return records;
}

// One side of a join, for the cannot-link check and its message.
struct Side {
  std::string name;  // "record gro:G1", "child 123..."
  std::vector<const SourceRecord*> records;
};

}  // namespace

StatusOr<RecordRef> ParseRecordRef(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return Status(ErrorCode::kInvalidArgument,
                  "'" + std::string(text.substr(0, 80)) +
                      "' is not a record: write SOURCE:KEY, e.g. gro-births:G1");
  }
  return RecordRef{domain::SourceId(std::string(text.substr(0, colon))),
                   domain::SourceKey(std::string(text.substr(colon + 1)))};
}

std::vector<FieldLevel> SplitVector(std::string_view vector) {
  std::vector<FieldLevel> out;
  while (!vector.empty()) {
    const std::size_t end = std::min(vector.find(';'), vector.size());
    const std::string_view part = vector.substr(0, end);
    const std::size_t eq = part.find('=');
    if (eq != std::string_view::npos) {
      out.push_back(FieldLevel{std::string(part.substr(0, eq)), std::string(part.substr(eq + 1))});
    }
    vector.remove_prefix(std::min(end + 1, vector.size()));
  }
  return out;
}

namespace {

// The operations' shared machinery, bound to one Services.
class Engine {
 public:
  explicit Engine(const Services& s) : s_(s) {}

  // Runs `body` in one write transaction, then appends the audit event in
  // it and commits. A refusal is audited after the transaction is dropped.
  template <typename T>
  StatusOr<T> Run(const identity::Account& actor, audit::Action action,
                  std::string_view operation,
                  const std::function<StatusOr<T>(storage::Transaction&, AuditNote&)>& body) {
    AuditNote note{action, std::string(operation), {}, {}};
    StatusOr<T> result = [&]() -> StatusOr<T> {
      RETURN_IF_ERROR(PermitRole(actor));
      // The Linker's builder and comparator are replaced when a Sync
      // rebuilds the index (a search may in `serve`): shared while used.
      // Lock order: the Linker, then the store.
      std::shared_lock<core::SharedGate> linker_parts(s_.linker.load_mutex());
      ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadWrite));
      StatusOr<T> value = body(*tx, note);
      if (!value.ok()) return value.status();
      RETURN_IF_ERROR(s_.audit.AppendIn(*tx, EventOf(actor, note)).status());
      RETURN_IF_ERROR(tx->Commit());
      return value;
    }();
    if (result.ok()) {
      (void)s_.audit.MaybeCheckpoint();  // a missed checkpoint is made by the next one
      return result;
    }
    if (IsRefusal(result.status().code())) {
      audit::Event event = EventOf(actor, note);
      event.outcome = audit::Outcome::kRefused;
      event.refusal = std::string(core::ErrorCodeName(result.status().code()));
      RETURN_IF_ERROR(s_.audit.Append(event).status());
    }
    return result;
  }

  // A decision by `actor` with a fresh comparison of `record` and `view`.
  storage::LinkDecision Decide(const identity::Account& actor, std::string decision,
                               const std::string& reason, const domain::Child& record,
                               const domain::Child& view) const {
    const linkage::ComparisonVector v =
        s_.linker.comparator().Compare(s_.linker.builder().Build(record),
                                       s_.linker.builder().Build(view));
    storage::LinkDecision d = Decided(actor, std::move(decision), reason);
    d.score = s_.model.Score(v);
    d.vector = ingest::VectorText(v);
    return d;
  }

  storage::LinkDecision Decided(const identity::Account& actor, std::string decision,
                                const std::string& reason) const {
    storage::LinkDecision d;
    d.decision = std::move(decision);
    d.reason = reason.empty() ? std::string(kDefaultReason) : reason;
    d.model_version = s_.linker.model_version();
    d.decided_by = actor.user.username;
    d.at = s_.clock.Now();
    return d;
  }

  // The cannot-link rules between two clusters (operations.h).
  Status CheckCanJoin(const Side& a, const Side& b) const {
    for (const Side* side : {&a, &b}) {
      for (const SourceRecord* r : side->records) {
        if (r->state == LinkState::kSealed) {
          return Status(ErrorCode::kCannotLink,
                        "cannot join " + a.name + " with " + b.name +
                            ": a sealed (pre-adoption) record is never attached to any child");
        }
      }
    }
    auto adoption = [](const Side& s) {
      return std::any_of(s.records.begin(), s.records.end(),
                         [](const SourceRecord* r) { return HasAdoption(*r); });
    };
    auto plain = [](const Side& s) {
      return std::any_of(s.records.begin(), s.records.end(),
                         [](const SourceRecord* r) { return !HasAdoption(*r); });
    };
    if ((adoption(a) && plain(b)) || (adoption(b) && plain(a))) {
      const Side& adopted = adoption(a) && plain(b) ? a : b;
      const Side& other = &adopted == &a ? b : a;
      return Status(ErrorCode::kCannotLink,
                    "cannot join " + a.name + " with " + b.name + ": the adoption rule forbids "
                    "it. " + adopted.name + " holds a post-adoption identity (a record with an "
                    "adoption event) and " + other.name + " holds records without one; a "
                    "post-adoption identity is never connected with any other identity");
    }
    std::vector<linkage::LinkageRecord> left, right;
    for (const SourceRecord* r : a.records) left.push_back(s_.linker.builder().Build(r->data));
    for (const SourceRecord* r : b.records) right.push_back(s_.linker.builder().Build(r->data));
    std::vector<std::vector<linkage::ComparisonVector>> v(left.size());
    std::vector<bool> left_identified(left.size(), false), right_identified(right.size(), false);
    for (std::size_t i = 0; i < left.size(); ++i) {
      for (std::size_t j = 0; j < right.size(); ++j) {
        v[i].push_back(s_.linker.comparator().Compare(left[i], right[j]));
        if (SharesIdentifier(v[i][j])) left_identified[i] = right_identified[j] = true;
      }
    }
    for (std::size_t i = 0; i < left.size(); ++i) {
      for (std::size_t j = 0; j < right.size(); ++j) {
        // A record sharing an identifier with the other side is settled by it.
        if (left_identified[i] || right_identified[j]) continue;
        if (matching::CheckCannotLink(v[i][j]) != matching::TwinRule::kDifferentNames) continue;
        const bool twin = matching::CheckTwinRule(v[i][j]) == matching::TwinRule::kDifferentNames;
        return Status(
            ErrorCode::kCannotLink,
            "cannot join " + a.name + " with " + b.name + ": the " +
                (twin ? std::string("twin rule") : std::string("sibling rule")) +
                " forbids it. Records " + RefOf(*a.records[i]) + " and " + RefOf(*b.records[j]) +
                " have given names that clearly differ and share no identifier, so they "
                "describe two different children" +
                (twin ? " (same date of birth, family name and home: twins)" : "") +
                ". If they are one child, a source must supply the NHS number, UPN or ULN they "
                "share, or correct the name");
      }
    }
    return Status::Ok();
  }

  static std::string RefOf(const SourceRecord& r) {
    return r.source.value() + ":" + r.key.value();
  }

  const Services& s_;
};

}  // namespace

StatusOr<identity::Account> Operations::Actor(std::string_view username) {
  ASSIGN_OR_RETURN(std::string name, identity::NormaliseUsername(username));
  ASSIGN_OR_RETURN(auto tx, s_.store.Begin(storage::TxMode::kReadOnly));
  ASSIGN_OR_RETURN(std::optional<storage::UserEntry> user, tx->FindUser(name));
  if (!user) {
    return Status(ErrorCode::kUserNotFound,
                  "there is no user '" + name + "': give your own username with --as");
  }
  ASSIGN_OR_RETURN(identity::Account account, identity::LoadAccount(*tx, *user));
  const domain::Date today(std::chrono::floor<std::chrono::days>(s_.clock.Now()));
  const access::Eligibility eligibility = access::Evaluate(identity::FactsOf(account), today);
  if (!eligibility.eligible || account.user.access_mode == "mediated") {
    std::string why;
    for (const access::Reason& reason : eligibility.reasons) {
      why += (why.empty() ? "" : "; ") + reason.message;
    }
    return Status(ErrorCode::kNotEligible,
                  name + " may not act at present: " +
                      (why.empty() ? std::string("has no IT access") : why));
  }
  return account;
}

StatusOr<std::vector<QueueEntry>> Operations::List(const identity::Account& actor, int limit) {
  Engine e(s_);
  return e.Run<std::vector<QueueEntry>>(
      actor, audit::Action::kViewRecord, "review_list",
      [&](storage::Transaction& tx, AuditNote& note) -> StatusOr<std::vector<QueueEntry>> {
        if (limit < 1 || limit > 1000) {
          return Status(ErrorCode::kInvalidArgument, "--limit must be between 1 and 1000");
        }
        // The queue is national, oldest first; the actor sees their own
        // authority's part of it. Read a growing window until `limit` of
        // theirs are found or the queue ends (bounded: 1,000,000 scanned).
        constexpr int kMaxScanned = 1'000'000;
        std::vector<QueueEntry> out;
        const core::Timestamp now = s_.clock.Now();
        for (int window = limit;; window = std::min(window * 8, kMaxScanned)) {
          ASSIGN_OR_RETURN(std::vector<SourceRecord> waiting,
                           tx.SourceRecordsInState(LinkState::kReview, window));
          out.clear();
          for (const SourceRecord& r : waiting) {
            if (!r.child) continue;
            ASSIGN_OR_RETURN(domain::Child view, tx.GetChild(*r.child));
            if (!access::Decide(ViewerOf(actor), FactsOf(view), access::Action::kReviewMatch)
                     .allowed()) {
              continue;  // another authority's queue
            }
            QueueEntry entry;
            entry.record = RecordRef{r.source, r.key};
            entry.child = *r.child;
            entry.received_at = r.received_at;
            entry.waiting =
                std::chrono::duration_cast<std::chrono::milliseconds>(now - r.received_at);
            if (r.decision) {
              entry.candidate = r.decision->candidate;
              entry.reason = r.decision->reason;
              entry.score = r.decision->score;
            }
            out.push_back(std::move(entry));
            if (static_cast<int>(out.size()) == limit) break;
          }
          if (static_cast<int>(out.size()) == limit ||
              static_cast<int>(waiting.size()) < window || window == kMaxScanned) {
            break;
          }
        }
        for (const QueueEntry& entry : out) {
          note.Name(entry.child);
          if (entry.candidate) note.Name(*entry.candidate);
        }
        note.counts = {{"records", static_cast<std::int64_t>(out.size())}};
        return out;
      });
}

StatusOr<ReviewCase> Operations::Show(const identity::Account& actor, const RecordRef& ref) {
  Engine e(s_);
  return e.Run<ReviewCase>(
      actor, audit::Action::kViewRecord, "review_show",
      [&](storage::Transaction& tx, AuditNote& note) -> StatusOr<ReviewCase> {
        ReviewCase out;
        ASSIGN_OR_RETURN(out.record, GetRecord(tx, actor, ref));
        if (out.record.child) note.Name(*out.record.child);
        if (out.record.state != LinkState::kReview || !out.record.child) {
          return NotInReview(out.record, ref);
        }
        ASSIGN_OR_RETURN(domain::Child own, tx.GetChild(*out.record.child));
        RETURN_IF_ERROR(Permit(actor, own, access::Action::kReviewMatch));
        ASSIGN_OR_RETURN(std::vector<SourceRecord> with, LinkedWith(tx, out.record));
        out.linked_with = static_cast<int>(with.size());
        if (out.record.decision && out.record.decision->candidate) {
          ASSIGN_OR_RETURN(Resolved candidate,
                           ResolveChild(tx, *out.record.decision->candidate));
          note.Name(candidate.id);
          ASSIGN_OR_RETURN(domain::Child view, tx.GetChild(candidate.id));
          RETURN_IF_ERROR(Permit(actor, view, access::Action::kReviewMatch));
          out.candidate = candidate;
          out.candidate_view = std::move(view);
        }
        return out;
      });
}

StatusOr<LinkResult> Operations::Link(const identity::Account& actor, const RecordRef& ref,
                                      std::optional<ContactPointId> to,
                                      const std::string& reason) {
  Engine e(s_);
  return e.Run<LinkResult>(
      actor, audit::Action::kMergeRecords, "review_link",
      [&](storage::Transaction& tx, AuditNote& note) -> StatusOr<LinkResult> {
        RETURN_IF_ERROR(CheckReasonCode(reason));
        ASSIGN_OR_RETURN(SourceRecord record, GetRecord(tx, actor, ref));
        if (record.child) note.Name(*record.child);
        if (record.state != LinkState::kReview || !record.child) return NotInReview(record, ref);
        LinkResult out;
        out.provisional = *record.child;
        std::optional<ContactPointId> candidate =
            record.decision ? record.decision->candidate : std::nullopt;
        if (!to && !candidate) {
          return Status(ErrorCode::kInvalidArgument,
                        "record " + ref.ToString() +
                            " has no candidate child: name the child with --to CHILD, or "
                            "'review separate' it");
        }
        ASSIGN_OR_RETURN(out.target, ResolveChild(tx, to ? *to : *candidate));
        note.Name(out.target.id);
        if (out.target.id == out.provisional) {
          return Status(ErrorCode::kInvalidArgument,
                        "record " + ref.ToString() + " already waits on child " +
                            out.provisional.ToString() +
                            ": to keep it there use 'review separate'");
        }
        ASSIGN_OR_RETURN(domain::Child own_view, tx.GetChild(out.provisional));
        ASSIGN_OR_RETURN(domain::Child target_view, tx.GetChild(out.target.id));
        RETURN_IF_ERROR(Permit(actor, own_view, access::Action::kReviewMatch));
        RETURN_IF_ERROR(Permit(actor, target_view, access::Action::kReviewMatch));
        ASSIGN_OR_RETURN(std::vector<SourceRecord> target_records,
                         tx.SourceRecordsOf(out.target.id));
        ASSIGN_OR_RETURN(std::vector<SourceRecord> followers, LinkedWith(tx, record));
        std::vector<const SourceRecord*> joining = {&record};
        for (const SourceRecord& r : followers) joining.push_back(&r);
        RETURN_IF_ERROR(e.CheckCanJoin(
            Side{followers.empty() ? "record " + ref.ToString()
                                   : "record " + ref.ToString() + " and the " +
                                         std::to_string(followers.size()) +
                                         " record(s) linked with it on child " +
                                         out.provisional.ToString(),
                 joining},
            Side{"child " + out.target.id.ToString(), Current(target_records)}));
        // The matcher's comparison stands when the record joins the very
        // child it was compared with; otherwise compare afresh.
        const bool matcher_target = candidate && *candidate == out.target.id &&
                                    record.decision && !record.decision->vector.empty();
        if (matcher_target) {
          out.decision = e.Decided(actor, "manual_link", reason);
          out.decision.score = record.decision->score;
          out.decision.vector = record.decision->vector;
          out.decision.model_version = record.decision->model_version;
        } else {
          out.decision = e.Decide(actor, "manual_link", reason, record.data, target_view);
        }
        record.state = LinkState::kLinked;
        record.child = out.target.id;
        record.decision = out.decision;
        RETURN_IF_ERROR(tx.PutSourceRecord(record));
        target_records.push_back(record);
        for (SourceRecord& r : followers) {
          r.decision = e.Decide(actor, "manual_link", reason, r.data, target_view);
          r.child = out.target.id;
          RETURN_IF_ERROR(tx.PutSourceRecord(r));
          target_records.push_back(std::move(r));
        }
        out.records_moved = 1 + static_cast<int>(followers.size());
        RETURN_IF_ERROR(
            Rebuild(tx, s_.linker, out.target.id, target_records));
        ASSIGN_OR_RETURN(std::vector<SourceRecord> left, tx.SourceRecordsOf(out.provisional));
        if (left.empty()) {
          // Nothing attaches to the provisional child any more: merged away,
          // with what practitioners recorded on it (storage/practice.h).
          RETURN_IF_ERROR(tx.MoveManualEntries(out.provisional, out.target.id));
          RETURN_IF_ERROR(tx.DeleteChild(out.provisional));
          RETURN_IF_ERROR(tx.AddRedirect(out.provisional, out.target.id));
          out.provisional_merged_away = true;
        } else {
          RETURN_IF_ERROR(
              Rebuild(tx, s_.linker, out.provisional, left));
        }
        note.counts = {{"merged_away", out.provisional_merged_away ? 1 : 0},
                       {"records", out.records_moved}};
        return out;
      });
}

StatusOr<SeparateResult> Operations::Separate(const identity::Account& actor, const RecordRef& ref,
                                              const std::string& reason) {
  Engine e(s_);
  return e.Run<SeparateResult>(
      actor, audit::Action::kUpdateRecord, "review_separate",
      [&](storage::Transaction& tx, AuditNote& note) -> StatusOr<SeparateResult> {
        RETURN_IF_ERROR(CheckReasonCode(reason));
        ASSIGN_OR_RETURN(SourceRecord record, GetRecord(tx, actor, ref));
        if (record.child) note.Name(*record.child);
        if (record.state != LinkState::kReview || !record.child) return NotInReview(record, ref);
        ASSIGN_OR_RETURN(domain::Child own_view, tx.GetChild(*record.child));
        RETURN_IF_ERROR(Permit(actor, own_view, access::Action::kReviewMatch));
        SeparateResult out;
        out.child = *record.child;
        // The matcher's comparison with the candidate decided against stays
        // with the decision, and so does the candidate.
        out.decision = e.Decided(actor, "separate", reason);
        if (record.decision) {
          out.decision.score = record.decision->score;
          out.decision.vector = record.decision->vector;
          if (!record.decision->model_version.empty()) {
            out.decision.model_version = record.decision->model_version;
          }
          out.decision.candidate = record.decision->candidate;
          if (out.decision.candidate) note.Name(*out.decision.candidate);
        }
        record.state = LinkState::kLinked;
        record.decision = out.decision;
        RETURN_IF_ERROR(tx.PutSourceRecord(record));
        ASSIGN_OR_RETURN(std::vector<SourceRecord> records, tx.SourceRecordsOf(out.child));
        RETURN_IF_ERROR(Rebuild(tx, s_.linker, out.child, records));
        note.counts = {{"records", 1}};
        return out;
      });
}

StatusOr<MergeResult> Operations::Merge(const identity::Account& actor, ContactPointId survivor,
                                        ContactPointId other, const std::string& reason) {
  Engine e(s_);
  return e.Run<MergeResult>(
      actor, audit::Action::kMergeRecords, "child_merge",
      [&](storage::Transaction& tx, AuditNote& note) -> StatusOr<MergeResult> {
        RETURN_IF_ERROR(CheckReasonCode(reason));
        MergeResult out;
        ASSIGN_OR_RETURN(out.survivor, ResolveChild(tx, survivor));
        note.Name(out.survivor.id);
        ASSIGN_OR_RETURN(out.merged, ResolveChild(tx, other));
        note.Name(out.merged.id);
        if (out.survivor.id == out.merged.id) {
          return Status(ErrorCode::kInvalidArgument,
                        survivor.ToString() + " and " + other.ToString() +
                            " are already the same child (" + out.survivor.id.ToString() + ")");
        }
        ASSIGN_OR_RETURN(domain::Child survivor_view, tx.GetChild(out.survivor.id));
        ASSIGN_OR_RETURN(domain::Child merged_view, tx.GetChild(out.merged.id));
        RETURN_IF_ERROR(Permit(actor, survivor_view, access::Action::kMerge));
        RETURN_IF_ERROR(Permit(actor, merged_view, access::Action::kMerge));
        ASSIGN_OR_RETURN(std::vector<SourceRecord> kept, tx.SourceRecordsOf(out.survivor.id));
        ASSIGN_OR_RETURN(std::vector<SourceRecord> moving, tx.SourceRecordsOf(out.merged.id));
        RETURN_IF_ERROR(e.CheckCanJoin(Side{"child " + out.survivor.id.ToString(), Current(kept)},
                                       Side{"child " + out.merged.id.ToString(),
                                            Current(moving)}));
        for (SourceRecord& r : moving) {
          if (ingest::IsCurrent(r)) {
            r.state = LinkState::kLinked;
            r.decision = e.Decide(actor, "merge", reason, r.data, survivor_view);
          }
          r.child = out.survivor.id;
          RETURN_IF_ERROR(tx.PutSourceRecord(r));
          kept.push_back(r);
          ++out.records_moved;
        }
        RETURN_IF_ERROR(
            Rebuild(tx, s_.linker, out.survivor.id, kept));
        // Practitioners' own entries and the shield follow the survivor.
        RETURN_IF_ERROR(tx.MoveManualEntries(out.merged.id, out.survivor.id));
        RETURN_IF_ERROR(tx.DeleteChild(out.merged.id));
        RETURN_IF_ERROR(tx.AddRedirect(out.merged.id, out.survivor.id));
        note.counts = {{"records", out.records_moved}};
        return out;
      });
}

StatusOr<SplitResult> Operations::Split(const identity::Account& actor, ContactPointId child,
                                        const std::vector<RecordRef>& refs,
                                        const std::string& reason) {
  Engine e(s_);
  return e.Run<SplitResult>(
      actor, audit::Action::kSplitRecord, "child_split",
      [&](storage::Transaction& tx, AuditNote& note) -> StatusOr<SplitResult> {
        RETURN_IF_ERROR(CheckReasonCode(reason));
        SplitResult out;
        ASSIGN_OR_RETURN(out.child, ResolveChild(tx, child));
        note.Name(out.child.id);
        if (refs.empty()) {
          return Status(ErrorCode::kInvalidArgument,
                        "name the records to move with --record SOURCE:KEY");
        }
        ASSIGN_OR_RETURN(domain::Child view, tx.GetChild(out.child.id));
        RETURN_IF_ERROR(Permit(actor, view, access::Action::kSplit));
        ASSIGN_OR_RETURN(std::vector<SourceRecord> records, tx.SourceRecordsOf(out.child.id));
        std::vector<SourceRecord> moving, staying;
        for (const RecordRef& ref : refs) {
          if (std::count(refs.begin(), refs.end(), ref) > 1) {
            return Status(ErrorCode::kInvalidArgument,
                          "record " + ref.ToString() + " is named twice");
          }
          const auto it = std::find_if(records.begin(), records.end(), [&](const auto& r) {
            return r.source == ref.source && r.key == ref.key;
          });
          if (it == records.end() || !ingest::IsCurrent(*it)) {
            return Status(ErrorCode::kSourceRecordNotFound,
                          "record " + ref.ToString() + " is not a current record of child " +
                              out.child.id.ToString() +
                              ": 'contactpoint child explain' lists its records");
          }
        }
        for (const SourceRecord& r : records) {
          const bool listed = std::any_of(refs.begin(), refs.end(), [&](const RecordRef& ref) {
            return r.source == ref.source && r.key == ref.key;
          });
          (listed ? moving : staying).push_back(r);
        }
        if (Current(staying).empty()) {
          return Status(ErrorCode::kInvalidArgument,
                        "a split must leave at least one current record on child " +
                            out.child.id.ToString() + ": leave one of its records out");
        }
        ASSIGN_OR_RETURN(const ingest::SourcePriorities priorities,
                         ingest::SourcePriorities::Read(tx));
        const std::optional<domain::Child> remaining =
            ingest::BestViewOf(out.child.id, staying, priorities);
        ASSIGN_OR_RETURN(out.new_child, tx.AllocateChildId(s_.random));
        note.Name(out.new_child);
        for (SourceRecord& r : moving) {
          r.child = out.new_child;
          r.state = LinkState::kLinked;
          r.decision = e.Decide(actor, "split", reason, r.data, *remaining);
        }
        // The new child exists before its records point at it.
        RETURN_IF_ERROR(Rebuild(tx, s_.linker, out.new_child, moving));
        for (const SourceRecord& r : moving) RETURN_IF_ERROR(tx.PutSourceRecord(r));
        RETURN_IF_ERROR(Rebuild(tx, s_.linker, out.child.id, staying));
        out.records_moved = static_cast<int>(moving.size());
        note.counts = {{"records", out.records_moved}};
        return out;
      });
}

StatusOr<Explanation> Operations::Explain(const identity::Account& actor, ContactPointId child) {
  Engine e(s_);
  return e.Run<Explanation>(
      actor, audit::Action::kViewRecord, "child_explain",
      [&](storage::Transaction& tx, AuditNote& note) -> StatusOr<Explanation> {
        Explanation out;
        ASSIGN_OR_RETURN(out.child, ResolveChild(tx, child));
        note.Name(out.child.id);
        ASSIGN_OR_RETURN(domain::Child stored, tx.GetChild(out.child.id));
        RETURN_IF_ERROR(Permit(actor, stored, access::Action::kReviewMatch));
        ASSIGN_OR_RETURN(out.records, tx.SourceRecordsOf(out.child.id));
        ASSIGN_OR_RETURN(const ingest::SourcePriorities priorities,
                         ingest::SourcePriorities::Read(tx));
        std::optional<domain::Child> recomputed =
            ingest::BestViewOf(out.child.id, out.records, priorities);
        if (recomputed) {
          s_.linker.AssignAuthority(*recomputed);
          out.best_view_up_to_date = *recomputed == stored;
          out.provenance = stored.provenance.empty() ? recomputed->provenance : stored.provenance;
        }
        out.best_view = std::move(stored);
        return out;
      });
}

}  // namespace cp::review
