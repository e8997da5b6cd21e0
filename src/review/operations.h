// The data administrator's linkage operations (issue 6 item 7; docs/review.md):
// the review queue (list, show, link, separate) and the corrections of whole
// children (merge, split, explain).
//
// Every operation is done by a named user who must hold the Data
// Administrator role, and, for a child with an accountable local authority,
// belong to it (access::Decide: review_match, merge, split). Each runs in ONE
// store transaction together with its audit event: it happens and is
// audited, or neither. A refusal (wrong role, unknown record, a cannot-link
// rule...) changes nothing and is audited as refused with its error code.
// Audit events carry ContactPoint IDs and codes only.
//
// Every decision is written into the moved record's LinkDecision: what was
// decided, the administrator's reason code, a score and comparison vector
// (the matcher's, when the record joins the very child the matcher proposed;
// otherwise a fresh comparison of the record with the target's best view),
// the model version and the username of who decided.
//
// Cannot-link rules, checked over whole clusters before any join (link,
// merge); a refusal is kCannotLink naming the rule, never personal data:
//   - adoption: records of a post-adoption identity (an adoption event) never
//     share a child with records without one;
//   - twins and siblings: every record of one side is compared with every
//     record of the other; a pair whose given names clearly differ and that
//     shares no identifier (matching::CheckCannotLink: kDifferentNames) is
//     refused, unless one of the two records shares an identifier (NHS
//     number, UPN, ULN) with some record of the other side (as the Matcher
//     lets an identifier settle a twin question). Close names (a typo, or
//     twins with similar names) are the administrator's call;
//   - a sealed record is never attached to a child (sealed records belong to
//     no child, and none of these operations moves one).
//
// A child merged away (by merge, or a provisional child left without records
// by link) is deleted and its ID redirects to the survivor; every operation
// taking a child ID follows redirects and says so (Resolved).
//
// The candidate index is not touched here: a Linker Syncs from the change
// log before its next load, which names every child changed.
//
// Borrows its services, which must outlive it. Thread-safe when the Store
// is (each call is one transaction).
#ifndef CP_REVIEW_OPERATIONS_H_
#define CP_REVIEW_OPERATIONS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/status.h"
#include "domain/ids.h"
#include "domain/model.h"
#include "identity/directory.h"
#include "ingest/linker.h"
#include "linkage/model.h"
#include "storage/store.h"

namespace cp::review {

struct Services {
  storage::Store& store;
  audit::AuditLog& audit;
  const core::Clock& clock;
  core::Random& random;       // new ContactPoint IDs (split)
  const ingest::Linker& linker;  // record builder, comparator, model version, authorities
  const linkage::Model& model;   // scores fresh comparisons (the Linker's model)
};

// One source record: "SOURCE:KEY" on the command line.
struct RecordRef {
  domain::SourceId source;
  domain::SourceKey key;
  std::string ToString() const { return source.value() + ":" + key.value(); }
  friend bool operator==(const RecordRef&, const RecordRef&) = default;
};
// Splits at the first ':'. kInvalidArgument saying the form expected.
core::StatusOr<RecordRef> ParseRecordRef(std::string_view text);

// A child ID as given and the live child it resolves to.
struct Resolved {
  domain::ContactPointId requested;
  domain::ContactPointId id;
  bool redirected() const { return requested != id; }
};

// One record waiting in the review queue.
struct QueueEntry {
  RecordRef record;
  domain::ContactPointId child;                     // its provisional child
  std::optional<domain::ContactPointId> candidate;  // as the matcher proposed it
  std::string reason;
  double score = 0;
  core::Timestamp received_at;
  std::chrono::milliseconds waiting{0};
};

// One field of a comparison vector: "given_name", "nickname".
struct FieldLevel {
  std::string field;
  std::string level;
};
// Parses a LinkDecision vector ("field=level;...").
std::vector<FieldLevel> SplitVector(std::string_view vector);

struct ReviewCase {
  storage::SourceRecord record;  // in review, on its provisional child
  std::optional<Resolved> candidate;
  std::optional<domain::Child> candidate_view;  // the candidate's best view
  // Current records linked to the provisional child, which a link takes
  // along (LinkResult::records_moved).
  int linked_with = 0;
};

struct LinkResult {
  Resolved target;
  domain::ContactPointId provisional;  // the child the record waited on
  bool provisional_merged_away = false;  // deleted, its ID redirecting to target
  // The record and the records linked to its provisional child, which go
  // with it (they matched that child as a link would).
  int records_moved = 1;
  storage::LinkDecision decision;  // the record's
};

struct SeparateResult {
  domain::ContactPointId child;
  storage::LinkDecision decision;
};

struct MergeResult {
  Resolved survivor;
  Resolved merged;  // deleted; its ID now redirects to the survivor
  int records_moved = 0;
};

struct SplitResult {
  Resolved child;
  domain::ContactPointId new_child;
  int records_moved = 0;
};

// Where one field of the best view came from (best_view.h).
using FieldSource = domain::FieldProvenance;

struct Explanation {
  Resolved child;
  std::vector<storage::SourceRecord> records;  // every record attached, any state
  std::optional<domain::Child> best_view;      // as stored
  // The best view recomputed from the current records equals the stored one.
  bool best_view_up_to_date = true;
  std::vector<FieldSource> provenance;  // of the stored view (else of the recomputed one)
};

class Operations {
 public:
  explicit Operations(Services services) : s_(services) {}

  // The user `username`, able to act now: known, active, eligible and with
  // direct access. Roles are checked by each operation (and refusals
  // audited). kUserNotFound, kNotEligible.
  core::StatusOr<identity::Account> Actor(std::string_view username);

  // The review queue, oldest first, at most `limit` (1..1000) entries, only
  // those the user may review. Audited as a view of the children listed.
  core::StatusOr<std::vector<QueueEntry>> List(const identity::Account& actor, int limit);

  // A record in review, with its candidate's best view. Audited as a view
  // of both children. kSourceRecordNotFound, kSourceRecordNotInReview.
  core::StatusOr<ReviewCase> Show(const identity::Account& actor, const RecordRef& ref);

  // The record in review joins its candidate (or `to`): linked, decision
  // "manual_link". Its provisional child, left without records, is merged
  // away into the target. kCannotLink, kSourceRecordNotInReview, ...
  core::StatusOr<LinkResult> Link(const identity::Account& actor, const RecordRef& ref,
                                  std::optional<domain::ContactPointId> to,
                                  const std::string& reason = "");

  // The record in review is a child of its own: linked on its provisional
  // child, decision "separate" (the candidate decided against is kept).
  core::StatusOr<SeparateResult> Separate(const identity::Account& actor, const RecordRef& ref,
                                          const std::string& reason = "");

  // Every record of `other` moves to `survivor` (decision "merge"); `other`
  // is deleted and redirects to `survivor`. kCannotLink, kInvalidArgument
  // (the same child twice).
  core::StatusOr<MergeResult> Merge(const identity::Account& actor,
                                    domain::ContactPointId survivor,
                                    domain::ContactPointId other,
                                    const std::string& reason = "");

  // The listed current records of `child` move to one new child (decision
  // "split"); both best views are rebuilt. At least one current record must
  // stay. kSourceRecordNotFound (not a record of the child), kInvalidArgument.
  core::StatusOr<SplitResult> Split(const identity::Account& actor, domain::ContactPointId child,
                                    const std::vector<RecordRef>& records,
                                    const std::string& reason = "");

  // Every record of the child with its state and decision, and which record
  // supplied each field of the best view. Audited as a view.
  core::StatusOr<Explanation> Explain(const identity::Account& actor,
                                      domain::ContactPointId child);

 private:
  Services s_;
};

}  // namespace cp::review

#endif  // CP_REVIEW_OPERATIONS_H_
