#include "search/masking.h"

#include <algorithm>

#include "domain/validation.h"

namespace cp::search {

using access::FieldGroup;
using access::InvolvementVisibility;

core::StatusOr<RecordState> StoredRecordStates::StateOf(storage::Transaction& tx,
                                                        const domain::Child& child) const {
  RecordState state;
  ASSIGN_OR_RETURN(std::vector<storage::LinkState> links, tx.LinkStatesOf(child.id));
  state.sealed = !links.empty() && std::all_of(links.begin(), links.end(), [](auto link) {
    return link == storage::LinkState::kSealed;
  });
  ASSIGN_OR_RETURN(state.shield, tx.GetShield(child.id));
  state.shielded = state.shield && state.shield->state == storage::ShieldState::kInForce;
  ASSIGN_OR_RETURN(std::vector<storage::PractitionerInvolvementEntry> rows,
                   tx.PractitionerInvolvementsOf(child.id));
  for (storage::PractitionerInvolvementEntry& row : rows) {
    PractitionerEntry entry;
    auto user = tx.GetUser(row.user_id);
    if (user.ok()) {
      entry.practitioner_name = user->display_name;
    } else if (user.status().code() != core::ErrorCode::kUserNotFound) {
      return user.status();
    }
    auto organisation = tx.GetOrganisation(row.organisation);
    if (organisation.ok()) {
      entry.organisation_name = organisation->name;
    } else if (organisation.status().code() != core::ErrorCode::kOrganisationNotFound) {
      return organisation.status();
    }
    entry.row = std::move(row);
    state.practitioner_involvements.push_back(std::move(entry));
  }
  return state;
}

namespace {

// A practitioner's entry as a record's involvement; the practitioner's
// display name is held whole as the family name.
domain::Involvement InvolvementOf(const PractitionerEntry& entry) {
  const storage::PractitionerInvolvementEntry& row = entry.row;
  domain::Involvement inv;
  inv.type = row.service_type;
  inv.organisation.name = entry.organisation_name;
  inv.organisation.code = row.organisation;
  inv.practitioner = domain::PersonName{domain::PersonalText(""),
                                        domain::PersonalText(entry.practitioner_name)};
  inv.practitioner_contact.phone = row.phone;
  inv.practitioner_contact.email = row.email;
  inv.start = row.start;
  inv.end = row.end;
  inv.lead_professional = row.lead_professional;
  inv.caf_holder = row.caf;
  inv.consent = row.consent;
  return inv;
}

}  // namespace

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
  for (const PractitionerEntry& entry : state.practitioner_involvements) {
    facts.involvements.push_back(
        access::InvolvementFacts{domain::ClassOf(entry.row.service_type),
                                 access::UserId(entry.row.user_id)});
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
  return Mask(child, RecordState{}, decision);
}

MaskedChild Mask(const domain::Child& child, const RecordState& state,
                 const access::Decision& decision) {
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

  // The feed's entries, then the practitioners' own (as FactsOf orders them).
  const bool practitioner_lead =
      std::any_of(state.practitioner_involvements.begin(), state.practitioner_involvements.end(),
                  [](const PractitionerEntry& e) { return e.row.lead_professional && !e.row.end; });
  std::vector<domain::Involvement> all = child.involvements;
  if (practitioner_lead) {
    for (domain::Involvement& inv : all) inv.lead_professional = false;
  }
  const std::size_t feed_count = all.size();
  for (const PractitionerEntry& entry : state.practitioner_involvements) {
    all.push_back(InvolvementOf(entry));
  }
  for (std::size_t i = 0; i < all.size() && i < decision.involvements.size(); ++i) {
    const InvolvementVisibility v = decision.involvements[i];
    if (v == InvolvementVisibility::kHidden) continue;
    ShownInvolvement shown;
    shown.visibility = v;
    if (v == InvolvementVisibility::kFull) {
      shown.entry = all[i];
      if (i >= feed_count) {
        const storage::PractitionerInvolvementEntry& row =
            state.practitioner_involvements[i - feed_count].row;
        shown.entry_id = row.id;
        shown.practitioner_user = row.user_id;
        shown.caf_holder_contact.phone = row.caf_holder_phone;
        shown.caf_holder_contact.email = row.caf_holder_email;
      }
    }
    out.involvements.push_back(std::move(shown));
  }
  for (const domain::Involvement& inv : all) {
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
