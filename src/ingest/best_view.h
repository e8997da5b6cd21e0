// The best-view child record built from what every source says about the
// child. This is the data supply issue's simple survivorship, replaced by the
// linkage module's per-field survivorship with provenance (issue 6):
//
// - name, gender, date of birth, address, date of death: from the most
//   recently extracted view that has them; each identifier likewise;
// - other names: every distinct name any source reported (its primary name
//   and aliases) other than the chosen name, in order of first appearance;
// - carers and involvements: the distinct entries of all views, newest view
//   first; if several views mark a current lead professional, only the newest
//   keeps the flag (a child has at most one).
#ifndef CP_INGEST_BEST_VIEW_H_
#define CP_INGEST_BEST_VIEW_H_

#include <vector>

#include "domain/model.h"

namespace cp::ingest {

// `views` are the sources' views of one child, newest extract first; at
// least one. The result's id is `id`.
domain::Child MergeSourceViews(domain::ContactPointId id,
                               const std::vector<const domain::Child*>& views);

}  // namespace cp::ingest

#endif  // CP_INGEST_BEST_VIEW_H_
