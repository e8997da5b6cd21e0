#include "search/masking.h"

#include <algorithm>

namespace cp::search {

using access::FieldGroup;
using access::InvolvementVisibility;

core::StatusOr<RecordState> StoredRecordStates::StateOf(storage::Transaction& tx,
                                                        const domain::Child& child) const {
  RecordState state;
  ASSIGN_OR_RETURN(std::vector<storage::SourceRecord> records, tx.SourceRecordsOf(child.id));
  state.sealed = !records.empty() && std::all_of(records.begin(), records.end(), [](const auto& r) {
    return r.state == storage::LinkState::kSealed;
  });
  return state;
}

access::RecordFacts FactsOf(const domain::Child& child, const RecordState& state) {
  access::RecordFacts facts;
  facts.shielded = state.shielded;
  facts.archived = state.archived;
  facts.sealed = state.sealed;
  if (child.accountable && child.accountable->assignee.starts_with("la:")) {
    facts.accountable_authority = access::OrganisationId(child.accountable->assignee);
  }
  facts.involvements.reserve(child.involvements.size());
  for (const domain::Involvement& involvement : child.involvements) {
    facts.involvements.push_back(access::InvolvementFactsOf(involvement, std::nullopt));
  }
  return facts;
}

namespace {

access::Viewer ViewerOf(const identity::Account& account) {
  return access::Viewer{account.role, account.organisation.id, account.organisation.type,
                        access::UserId(account.user.id)};
}

}  // namespace

std::vector<access::Viewer> ViewersOf(const identity::SessionContext& session) {
  std::vector<access::Viewer> viewers{ViewerOf(session.account)};
  if (session.acting_for) viewers.push_back(ViewerOf(*session.acting_for));
  return viewers;
}

access::Decision DecideFor(const std::vector<access::Viewer>& viewers,
                           const access::RecordFacts& facts, access::Action action) {
  access::Decision combined = access::Decide(viewers.front(), facts, action);
  for (std::size_t i = 1; i < viewers.size() && combined.allowed(); ++i) {
    access::Decision other = access::Decide(viewers[i], facts, action);
    if (!other.allowed()) return other;
    combined.fields &= other.fields;
    combined.search_criteria &= other.search_criteria;
    for (std::size_t k = 0; k < combined.involvements.size(); ++k) {
      combined.involvements[k] = std::min(combined.involvements[k], other.involvements[k]);
    }
    combined.reason_required = combined.reason_required || other.reason_required;
    combined.serious_case_review_required =
        combined.serious_case_review_required || other.serious_case_review_required;
  }
  return combined;
}

MaskedChild Mask(const domain::Child& child, const access::Decision& decision) {
  MaskedChild out;
  domain::Child& c = out.child;
  if (decision.Shows(FieldGroup::kIdentityCore)) {
    c.id = child.id;
    c.name = child.name;
    c.gender = child.gender;
    c.date_of_birth = child.date_of_birth;
  }
  if (decision.Shows(FieldGroup::kAliases)) c.other_names = child.other_names;
  if (decision.Shows(FieldGroup::kSourceIdentifiers)) c.identifiers = child.identifiers;
  if (decision.Shows(FieldGroup::kDateOfDeath)) c.date_of_death = child.date_of_death;
  if (decision.Shows(FieldGroup::kAddress)) c.address = child.address;
  if (decision.Shows(FieldGroup::kCarers)) c.carers = child.carers;
  for (std::size_t i = 0; i < child.involvements.size() && i < decision.involvements.size(); ++i) {
    const InvolvementVisibility v = decision.involvements[i];
    if (v == InvolvementVisibility::kHidden) continue;
    ShownInvolvement shown;
    shown.visibility = v;
    if (v == InvolvementVisibility::kFull) shown.entry = child.involvements[i];
    out.involvements.push_back(std::move(shown));
  }
  for (const domain::Involvement& inv : child.involvements) {
    if (decision.Shows(FieldGroup::kLeadProfessional)) {
      out.lead_professional = out.lead_professional || (inv.lead_professional && !inv.end);
    }
    if (decision.Shows(FieldGroup::kCaf)) out.caf = out.caf || inv.caf_holder;
  }
  for (FieldGroup group : access::AllFieldGroups()) {
    if (decision.Shows(group)) out.field_groups.emplace_back(access::FieldGroupName(group));
  }
  return out;
}

}  // namespace cp::search
