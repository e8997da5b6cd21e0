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
// A record's state comes from a RecordStates: StoredRecordStates says sealed
// when every source record of the child is sealed, shielded when its shield
// (storage/practice.h) is in force, never archived yet (the retention work
// fills that in), and brings the involvements practitioners recorded
// themselves, which live apart from the best view (it is rebuilt from the
// feeds) and are merged into every answer here: after the feed's entries,
// each naming its practitioner to the policy, so their own entry is shown to
// them in full even on a shielded record.
//
// Lead professional: at most one current lead per child. A practitioner's
// own mark is the newer, deliberate statement, so while one of their
// entries is lead, a lead flag a feed supplied is not shown (the source
// record keeps it, and it shows again once no practitioner's entry is lead).
// Marking clears any other practitioner's mark (practice/practice_service.h).
//
// Pure functions and const classes; thread-safe.
#ifndef CP_SEARCH_MASKING_H_
#define CP_SEARCH_MASKING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.h"
#include "core/status.h"
#include "domain/model.h"
#include "identity/sign_in.h"
#include "storage/store.h"

namespace cp::search {

// A practitioner's own involvement, with the names shown beside it.
struct PractitionerEntry {
  storage::PractitionerInvolvementEntry row;
  std::string practitioner_name;  // the user's display name
  std::string organisation_name;
};

struct RecordState {
  bool shielded = false;
  bool archived = false;
  bool sealed = false;
  std::optional<storage::ShieldEntry> shield;  // as stored, in force or lifted
  std::vector<PractitionerEntry> practitioner_involvements;  // by ID
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
// ("la:..." only; a national queue is none) and each involvement's class:
// the feed's (naming no ContactPoint user), then the practitioners' own
// (naming theirs).
access::RecordFacts FactsOf(const domain::Child& child, const RecordState& state);

std::vector<access::Viewer> ViewersOf(const identity::SessionContext& session);

access::Decision DecideFor(const std::vector<access::Viewer>& viewers,
                           const access::RecordFacts& facts, access::Action action);

struct ShownInvolvement {
  access::InvolvementVisibility visibility = access::InvolvementVisibility::kHidden;
  domain::Involvement entry;  // empty unless kFull
  // kFull entries a practitioner recorded: the entry's ID, whose it is, and
  // the CAF holder's contact details (entry.caf_holder says one exists).
  std::optional<std::int64_t> entry_id;
  std::optional<std::int64_t> practitioner_user;
  domain::ContactDetails caf_holder_contact;
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

// `decision` must be allowed and made for FactsOf(child, state).
MaskedChild Mask(const domain::Child& child, const RecordState& state,
                 const access::Decision& decision);
// The same for a state without practitioners' entries.
MaskedChild Mask(const domain::Child& child, const access::Decision& decision);

}  // namespace cp::search

#endif  // CP_SEARCH_MASKING_H_
