#include "ingest/best_view.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <tuple>
#include <vector>

namespace cp::ingest {
namespace {

template <typename T>
void AddDistinct(std::vector<T>& out, const T& value) {
  if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
}

// Newest extract first; ties to the newest received, then by (source, key),
// so that the result never depends on the order the views come in.
bool Newer(const SourceView* a, const SourceView* b) {
  if (std::tie(a->extracted_at, a->received_at) != std::tie(b->extracted_at, b->received_at)) {
    return std::tie(a->extracted_at, a->received_at) > std::tie(b->extracted_at, b->received_at);
  }
  return std::tie(a->source.value(), a->key.value()) < std::tie(b->source.value(), b->key.value());
}

// Most trusted first, then newest.
bool Trusted(const SourceView* a, const SourceView* b) {
  if (a->priority != b->priority) return a->priority < b->priority;
  return Newer(a, b);
}

// Most recent first, then most trusted.
bool Recent(const SourceView* a, const SourceView* b) {
  if (std::tie(a->extracted_at, a->received_at) != std::tie(b->extracted_at, b->received_at)) {
    return Newer(a, b);
  }
  if (a->priority != b->priority) return a->priority < b->priority;
  return Newer(a, b);
}

using Ranking = std::vector<const SourceView*>;

Ranking Ranked(std::span<const SourceView> views, bool (*before)(const SourceView*,
                                                                 const SourceView*)) {
  Ranking out;
  out.reserve(views.size());
  for (const SourceView& v : views) out.push_back(&v);
  std::stable_sort(out.begin(), out.end(), before);
  return out;
}

// The first view of `ranking` for which `has` holds, or null.
const SourceView* FirstWith(const Ranking& ranking,
                            const std::function<bool(const domain::Child&)>& has) {
  for (const SourceView* v : ranking) {
    if (has(*v->data)) return v;
  }
  return nullptr;
}

void Provenance(domain::Child& best, std::string_view field, const SourceView* from) {
  if (from == nullptr) return;
  best.provenance.push_back(domain::FieldProvenance{std::string(field), from->source, from->key,
                                                    from->batch, from->extracted_at});
}

}  // namespace

domain::Child MergeSourceViews(domain::ContactPointId id, std::span<const SourceView> views) {
  domain::Child best;
  best.id = id;
  if (views.empty()) return best;
  const Ranking trusted = Ranked(views, Trusted);
  const Ranking recent = Ranked(views, Recent);
  const Ranking newest = Ranked(views, Newer);

  // Who the child is.
  const SourceView* name = FirstWith(trusted, [](const domain::Child& c) {
    return !c.name.given_names.Reveal().empty() && !c.name.family_name.Reveal().empty();
  });
  if (name == nullptr) name = trusted.front();
  best.name = name->data->name;
  Provenance(best, "name", name);

  const SourceView* gender = FirstWith(
      trusted, [](const domain::Child& c) { return c.gender != domain::Gender::kUnknown; });
  if (gender != nullptr) best.gender = gender->data->gender;
  Provenance(best, "gender", gender);

  // Every view has a date of birth (a validated source record).
  const SourceView* dob = trusted.front();
  best.date_of_birth = dob->data->date_of_birth;
  Provenance(best, "date_of_birth", dob);

  const SourceView* death =
      FirstWith(trusted, [](const domain::Child& c) { return c.date_of_death.has_value(); });
  if (death != nullptr) best.date_of_death = death->data->date_of_death;
  Provenance(best, "date_of_death", death);

  using IdentifierField = std::optional<domain::PersonalText> domain::Identifiers::*;
  const std::pair<std::string_view, IdentifierField> identifiers[] = {
      {"nhs_number", &domain::Identifiers::nhs_number},
      {"upn", &domain::Identifiers::upn},
      {"uln", &domain::Identifiers::uln}};
  for (const auto& [field, member] : identifiers) {
    const SourceView* from = FirstWith(trusted, [member = member](const domain::Child& c) {
      return (c.identifiers.*member).has_value();
    });
    if (from != nullptr) best.identifiers.*member = from->data->identifiers.*member;
    Provenance(best, field, from);
  }

  // Where the child lives.
  const SourceView* address =
      FirstWith(recent, [](const domain::Child& c) { return c.address.has_value(); });
  if (address != nullptr) best.address = address->data->address;
  Provenance(best, "address", address);

  // Lists, united newest first.
  for (const SourceView* v : newest) {
    const domain::Child& view = *v->data;
    if (!(view.name == best.name) && !view.name.given_names.Reveal().empty() &&
        !view.name.family_name.Reveal().empty()) {
      AddDistinct(best.other_names, view.name);
    }
    for (const domain::PersonName& alias : view.other_names) {
      if (!(alias == best.name)) AddDistinct(best.other_names, alias);
    }
    for (const domain::Carer& carer : view.carers) AddDistinct(best.carers, carer);
    for (const domain::Involvement& involvement : view.involvements) {
      AddDistinct(best.involvements, involvement);
    }
  }
  bool lead_seen = false;
  for (domain::Involvement& involvement : best.involvements) {
    if (involvement.lead_professional && !involvement.end) {
      if (lead_seen) involvement.lead_professional = false;
      lead_seen = true;
    }
  }
  return best;
}

}  // namespace cp::ingest
