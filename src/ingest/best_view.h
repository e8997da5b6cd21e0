// The best-view child record built from what every source says about the
// child: per-field survivorship by source priority and recency, each chosen
// value with its provenance (issue 6 item 5; docs/linkage.md "Best view").
//
// Each source has a priority, 1 (most trusted) to 9 (storage::SourceEntry;
// by default 2 for a national source, 5 for a local one). For each
// single-valued field the surviving value comes from the best-ranked view
// that has one:
//
// - who the child is (name, gender, date of birth, date of death and each
//   identifier): priority first, then the newest extract. A birth
//   registration or the NHS spine outranks a local system's typing; among
//   equals the latest word counts (a change of name reaches every source);
// - where the child lives (address): the newest extract first, then
//   priority. People move, and the source that saw the move last knows;
// - the name is taken whole (given and family names together, never mixed
//   from two sources), from the best-ranked view that has given names: a
//   newborn registered without a first name is named by a later view.
// Ties (same priority, same extract time) go to the newest received, then to
// the smallest (source, key): the order the views are given in never matters.
// Unknown gender counts as absent.
//
// The lists are united, newest extract first:
// - other names: every distinct name any source reported (its primary name
//   and its aliases) other than the chosen name, kept searchable;
// - carers and involvements: the distinct entries of all views; if several
//   views mark a current lead professional, only the newest keeps the flag
//   (a child has at most one).
//
// The result's `provenance` names, for every single-valued field the best
// view holds, the source record (source, key, batch, extract time) whose
// value survived. Pure; thread-safe.
#ifndef CP_INGEST_BEST_VIEW_H_
#define CP_INGEST_BEST_VIEW_H_

#include <span>

#include "core/clock.h"
#include "domain/ids.h"
#include "domain/model.h"

namespace cp::ingest {

// Source priorities: 1 is the most trusted, 9 the least.
inline constexpr int kMostTrustedPriority = 1;
inline constexpr int kLeastTrustedPriority = 9;
inline constexpr int kNationalSourcePriority = 2;  // default for a national source
inline constexpr int kLocalSourcePriority = 5;     // default for a local source

// One source's view of a child, with where it came from.
struct SourceView {
  const domain::Child* data = nullptr;
  domain::SourceId source;
  domain::SourceKey key;
  domain::BatchId batch;
  core::Timestamp extracted_at;
  core::Timestamp received_at;
  int priority = kLocalSourcePriority;
};

// The best view of child `id` from `views` (any order; at least one).
domain::Child MergeSourceViews(domain::ContactPointId id, std::span<const SourceView> views);

}  // namespace cp::ingest

#endif  // CP_INGEST_BEST_VIEW_H_
