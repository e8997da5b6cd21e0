// A child's cluster: the source records attached to one child, and what
// follows from them. Shared by the loader (after each record it places) and
// by the data administrator's operations (review/), so that a best view is
// rebuilt by one rule wherever records move:
//
// - the current records (linked or in review) make the best view by
//   per-field survivorship (best_view.h: source priority and recency, with
//   provenance), with its accountable authority from the Linker; a child
//   with no current record keeps its last best view;
// - the comparison vector of two records as text, the form a LinkDecision
//   keeps ("given_name=exact;family_name=exact;...").
//
// Pure functions and one store write; thread-compatible.
#ifndef CP_INGEST_CLUSTER_H_
#define CP_INGEST_CLUSTER_H_

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "domain/ids.h"
#include "domain/model.h"
#include "ingest/best_view.h"
#include "ingest/linker.h"
#include "linkage/comparison.h"
#include "storage/store.h"

namespace cp::ingest {

// Whether a record currently supplies its child (linked or in review).
bool IsCurrent(const storage::SourceRecord& record);

// The current records of a cluster, newest extract first (ties: newest
// received first; then the given order, which is the store's (source, key)).
std::vector<const storage::SourceRecord*> CurrentNewestFirst(
    const std::vector<storage::SourceRecord>& records);

// Each registered source's priority (best_view.h), read once per
// transaction by whoever rebuilds best views.
class SourcePriorities {
 public:
  SourcePriorities() = default;
  static core::StatusOr<SourcePriorities> Read(storage::Transaction& tx);
  void Set(const domain::SourceId& source, int priority) { by_source_[source.value()] = priority; }
  // A source not registered (only in tests) ranks as a local source.
  int Of(const domain::SourceId& source) const;

 private:
  std::unordered_map<std::string, int> by_source_;
};

// `record` as a view for best_view.h (borrows its data).
SourceView ViewOf(const storage::SourceRecord& record, const SourcePriorities& priorities);

// The best view of `child` made from `records` (its source records, any
// states), or nullopt when none is current. Without the accountable
// authority (Linker::AssignAuthority sets it).
std::optional<domain::Child> BestViewOf(domain::ContactPointId child,
                                        const std::vector<storage::SourceRecord>& records,
                                        const SourcePriorities& priorities);

// Rebuilds and stores `child`'s best view from `records` (its source records
// as they now are), with its accountable authority. A child no source
// supplies any more keeps its last best view, written again so that the
// change log names it. Returns the new best view, or nullopt for such a
// child. The caller keeps any candidate index in step (Linker::Reindex or
// Forget; a Linker that Syncs later catches up from the change log).
// The two halves, for a caller that writes later (the feed load's writer
// thread): MergedBestView computes, WriteBestView stores what it gave.
core::StatusOr<std::optional<domain::Child>> RebuildBestView(
    storage::Transaction& tx, const Linker& linker, const SourcePriorities& priorities,
    domain::ContactPointId child, const std::vector<storage::SourceRecord>& records);
std::optional<domain::Child> MergedBestView(const Linker& linker,
                                            const SourcePriorities& priorities,
                                            domain::ContactPointId child,
                                            const std::vector<storage::SourceRecord>& records);
core::Status WriteBestView(storage::Transaction& tx, domain::ContactPointId child,
                           const std::optional<domain::Child>& merged);

// "field=level;..." for every field of the comparison, in field order.
std::string VectorText(const linkage::ComparisonVector& vector);

}  // namespace cp::ingest

#endif  // CP_INGEST_CLUSTER_H_
