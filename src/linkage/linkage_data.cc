#include "linkage/linkage_data.h"

#include <charconv>
#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>

#include "linkage/normalise.h"

namespace cp::linkage {

core::StatusOr<TermFrequencies> LoadNameFrequencies(const std::filesystem::path& path) {
  std::unordered_map<std::string, double> weights;
  RETURN_IF_ERROR(internal::ReadNameTable(
      path, "the family-name frequencies", {"surname", "name"}, {"freq", "frequency"},
      [&](std::size_t line, const std::string& name, const std::string& text) -> core::Status {
        double weight = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), weight);
        if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(weight) ||
            !(weight > 0)) {
          return core::Status(core::ErrorCode::kInvalidLinkageData,
                              path.string() + " line " + std::to_string(line) +
                                  ": the frequency '" + text + "' is not a positive number");
        }
        std::string key;
        for (const std::string& token : AsciiTokens(name)) key += token;
        weights[key] += weight;
        return core::Status::Ok();
      }));
  return TermFrequencies::FromWeights(weights);
}

core::StatusOr<LinkageData> LoadLinkageData(const std::filesystem::path& dir) {
  ASSIGN_OR_RETURN(NameEquivalence given, NameEquivalence::LoadCsv(dir / kGivenNameVariantsFile));
  ASSIGN_OR_RETURN(NameEquivalence family, NameEquivalence::LoadCsv(dir / kFamilyNameVariantsFile));
  ASSIGN_OR_RETURN(Model model, Model::Load(dir / kModelFile));
  ASSIGN_OR_RETURN(KnownNames known, KnownNames::LoadCsv(dir / kKnownGivenNamesFile));
  TermFrequencies given_frequencies = TermFrequencies::FromCounts(known.counts());
  ASSIGN_OR_RETURN(TermFrequencies family_frequencies,
                   LoadNameFrequencies(dir / kFamilyNameFrequenciesFile));
  return LinkageData{std::move(given),        std::move(family),
                     std::move(model),        std::move(known),
                     std::move(given_frequencies), std::move(family_frequencies)};
}

}  // namespace cp::linkage
