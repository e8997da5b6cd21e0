#include "ingest/best_view.h"

#include <algorithm>

namespace cp::ingest {
namespace {

template <typename T>
void AddDistinct(std::vector<T>& out, const T& value) {
  if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
}

template <typename T>
void FirstPresent(std::optional<T>& out, const std::optional<T>& candidate) {
  if (!out && candidate) out = candidate;
}

}  // namespace

domain::Child MergeSourceViews(domain::ContactPointId id,
                               const std::vector<const domain::Child*>& views) {
  domain::Child best;
  best.id = id;
  if (views.empty()) return best;
  const domain::Child& newest = *views.front();
  best.name = newest.name;
  best.gender = newest.gender;
  best.date_of_birth = newest.date_of_birth;
  for (const domain::Child* view : views) {
    if (best.name.given_names.Reveal().empty() && view->name.family_name == best.name.family_name) {
      best.name.given_names = view->name.given_names;  // a newborn named later
    }
    if (best.gender == domain::Gender::kUnknown) best.gender = view->gender;
    FirstPresent(best.address, view->address);
    FirstPresent(best.date_of_death, view->date_of_death);
    FirstPresent(best.identifiers.nhs_number, view->identifiers.nhs_number);
    FirstPresent(best.identifiers.upn, view->identifiers.upn);
    FirstPresent(best.identifiers.uln, view->identifiers.uln);
  }
  for (const domain::Child* view : views) {
    if (!(view->name == best.name) && !view->name.family_name.Reveal().empty()) {
      AddDistinct(best.other_names, view->name);
    }
    for (const domain::PersonName& alias : view->other_names) {
      if (!(alias == best.name)) AddDistinct(best.other_names, alias);
    }
    for (const domain::Carer& carer : view->carers) AddDistinct(best.carers, carer);
    for (const domain::Involvement& involvement : view->involvements) {
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
