#include "linkage/linkage_data.h"

#include <utility>

namespace cp::linkage {

core::StatusOr<LinkageData> LoadLinkageData(const std::filesystem::path& dir) {
  ASSIGN_OR_RETURN(NameEquivalence given, NameEquivalence::LoadCsv(dir / kGivenNameVariantsFile));
  ASSIGN_OR_RETURN(NameEquivalence family, NameEquivalence::LoadCsv(dir / kFamilyNameVariantsFile));
  ASSIGN_OR_RETURN(Model model, Model::Load(dir / kModelFile));
  ASSIGN_OR_RETURN(KnownNames known, KnownNames::LoadCsv(dir / kKnownGivenNamesFile));
  TermFrequencies frequencies = TermFrequencies::FromCounts(known.counts());
  return LinkageData{std::move(given), std::move(family), std::move(model), std::move(known),
                     std::move(frequencies)};
}

}  // namespace cp::linkage
