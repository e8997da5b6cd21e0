// search: masking.h — from a child's best view to what one user may see of
// it, through the one policy function (access::Decide). Nothing here decides
// access: it gathers the facts the policy needs and applies its Decision.
//
//   ViewersOf    the user of a session, and for mediated access also the
//                practitioner acted for;
//   DecideFor    access::Decide for each of them; with two, the answer both
//                allow (a refusal by either refuses; the fields, search
//                criteria and involvement entries both may see): mediated
//                access never shows more than either person may see;
//   Mask         the best view with every field group the Decision does not
//                show cleared and each involvement shown in full, as the
//                unspecified-service line, or not at all.
//
// Record states the store does not hold yet come from a RecordStates (the
// seam the shielding and retention work fills in): StoredRecordStates says
// sealed when every source record of the child is sealed, and never
// shielded or archived.
//
// Pure functions and const classes; thread-safe.
#ifndef CP_SEARCH_MASKING_H_
#define CP_SEARCH_MASKING_H_

#include <string>
#include <vector>

#include "access/policy.h"
#include "core/status.h"
#include "domain/model.h"
#include "identity/sign_in.h"
#include "storage/store.h"

namespace cp::search {

struct RecordState {
  bool shielded = false;
  bool archived = false;
  bool sealed = false;
};

// Where a child's state comes from. Implementations must be thread-safe.
class RecordStates {
 public:
  virtual ~RecordStates() = default;
  virtual core::StatusOr<RecordState> StateOf(storage::Transaction& tx,
                                              const domain::Child& child) const = 0;
};

class StoredRecordStates final : public RecordStates {
 public:
  core::StatusOr<RecordState> StateOf(storage::Transaction& tx,
                                      const domain::Child& child) const override;
};

// The facts the policy needs: the state, the accountable local authority
// ("la:..." only; a national queue is none) and each involvement's class
// (source-supplied entries name no ContactPoint user).
access::RecordFacts FactsOf(const domain::Child& child, const RecordState& state);

std::vector<access::Viewer> ViewersOf(const identity::SessionContext& session);

access::Decision DecideFor(const std::vector<access::Viewer>& viewers,
                           const access::RecordFacts& facts, access::Action action);

struct ShownInvolvement {
  access::InvolvementVisibility visibility = access::InvolvementVisibility::kHidden;
  domain::Involvement entry;  // empty unless kFull
};

struct MaskedChild {
  domain::Child child;  // hidden groups cleared; involvements cleared (see below)
  std::vector<ShownInvolvement> involvements;  // kFull and kUnspecified only, in order
  // Record-level facts shown with their groups: some lead professional is
  // recorded; some Common Assessment exists.
  bool lead_professional = false;
  bool caf = false;
  std::vector<std::string> field_groups;  // the groups shown, by stable name
};

// `decision` must be allowed and made for `child`'s facts.
MaskedChild Mask(const domain::Child& child, const access::Decision& decision);

}  // namespace cp::search

#endif  // CP_SEARCH_MASKING_H_
