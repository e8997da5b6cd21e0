#include "linkage/linkage_data.h"

#include <utility>

namespace cp::linkage {

core::StatusOr<LinkageData> LoadLinkageData(const std::filesystem::path& dir) {
  ASSIGN_OR_RETURN(NameEquivalence given, NameEquivalence::LoadCsv(dir / kGivenNameVariantsFile));
  ASSIGN_OR_RETURN(NameEquivalence family, NameEquivalence::LoadCsv(dir / kFamilyNameVariantsFile));
  ASSIGN_OR_RETURN(Model model, Model::Load(dir / kModelFile));
  return LinkageData{std::move(given), std::move(family), std::move(model)};
}

}  // namespace cp::linkage
