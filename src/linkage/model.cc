#include "linkage/model.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

namespace cp::linkage {
namespace {

core::Status Invalid(std::string_view source, const std::string& rule) {
  return core::Status(core::ErrorCode::kInvalidLinkageData,
                      "linkage model " + std::string(source) + ": " + rule);
}

bool IsProbability(double p) { return std::isfinite(p) && p > 0.0 && p <= 1.0; }

std::string FormatWeight(double weight) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%+.2f", weight);
  return buffer;
}

}  // namespace

core::StatusOr<Model> Model::Create(ModelParameters parameters) {
  constexpr std::string_view kSource = "parameters";
  if (!IsProbability(parameters.match_prior) || parameters.match_prior >= 1.0) {
    return Invalid(kSource, "match_prior must lie strictly between 0 and 1");
  }
  if (!IsProbability(parameters.term_frequency_floor)) {
    return Invalid(kSource, "term_frequency_floor must lie in (0, 1]");
  }
  Model model;
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    const Field field = FieldAt(f);
    const std::string field_name(FieldName(field));
    const std::vector<LevelProbabilities>& levels = parameters.fields[f];
    if (levels.size() != LevelCount(field) - 1) {
      return Invalid(kSource, field_name + " needs " + std::to_string(LevelCount(field) - 1) +
                                  " levels (every level but missing)");
    }
    double m_sum = 0;
    double u_sum = 0;
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const std::string where = field_name + "." + std::string(LevelNames(field)[l]);
      if (!IsProbability(levels[l].m) || !IsProbability(levels[l].u)) {
        return Invalid(kSource, where + ": m and u must lie in (0, 1]");
      }
      m_sum += levels[l].m;
      u_sum += levels[l].u;
      model.weights_[f][l] = std::log2(levels[l].m / levels[l].u);
    }
    if (std::abs(m_sum - 1.0) > 0.01 || std::abs(u_sum - 1.0) > 0.01) {
      return Invalid(kSource, field_name + ": m and u over the levels must each sum to 1");
    }
    model.weights_[f][levels.size()] = 0.0;  // missing
  }
  model.parameters_ = std::move(parameters);
  return model;
}

core::StatusOr<Model> Model::FromJson(std::string_view json, std::string_view source) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    return Invalid(source, std::string("not valid JSON: ") + e.what());
  }
  if (!root.is_object()) return Invalid(source, "the top level must be an object");
  auto version = root.find("linkage_model_version");
  if (version == root.end() || !version->is_number_integer()) {
    return Invalid(source, "missing the integer \"linkage_model_version\"");
  }
  if (version->get<long long>() != kModelVersion) {
    return Invalid(source, "linkage_model_version " + std::to_string(version->get<long long>()) +
                               " is not supported: this binary reads version " +
                               std::to_string(kModelVersion));
  }
  for (const auto& [key, value] : root.items()) {
    if (key != "linkage_model_version" && key != "description" && key != "match_prior" &&
        key != "term_frequency_floor" && key != "fields") {
      return Invalid(source, "unknown key \"" + key + "\"");
    }
  }

  ModelParameters parameters;
  auto number = [&](const char* key, double* out) -> core::Status {
    auto it = root.find(key);
    if (it == root.end() || !it->is_number()) {
      return Invalid(source, std::string("missing the number \"") + key + "\"");
    }
    *out = it->get<double>();
    return core::Status::Ok();
  };
  RETURN_IF_ERROR(number("match_prior", &parameters.match_prior));
  RETURN_IF_ERROR(number("term_frequency_floor", &parameters.term_frequency_floor));
  if (auto it = root.find("description"); it != root.end()) {
    if (!it->is_string()) return Invalid(source, "\"description\" must be a string");
    parameters.description = it->get<std::string>();
  }

  auto fields = root.find("fields");
  if (fields == root.end() || !fields->is_object()) {
    return Invalid(source, "missing the object \"fields\"");
  }
  for (const auto& [key, value] : fields->items()) {
    if (!FieldFromName(key).has_value()) return Invalid(source, "unknown field \"" + key + "\"");
  }
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    const Field field = FieldAt(f);
    const std::string field_name(FieldName(field));
    auto levels = fields->find(field_name);
    if (levels == fields->end() || !levels->is_object()) {
      return Invalid(source, "missing field \"" + field_name + "\"");
    }
    const auto names = LevelNames(field);
    for (const auto& [key, value] : levels->items()) {
      bool known = false;
      for (std::size_t l = 0; l + 1 < names.size(); ++l) known = known || names[l] == key;
      if (!known) {
        return Invalid(
            source, field_name + ": unknown level \"" + key + "\" (\"missing\" has no parameters)");
      }
    }
    for (std::size_t l = 0; l + 1 < names.size(); ++l) {
      const std::string where = field_name + "." + std::string(names[l]);
      auto level = levels->find(std::string(names[l]));
      if (level == levels->end() || !level->is_object()) {
        return Invalid(source, "missing level " + where);
      }
      auto m = level->find("m");
      auto u = level->find("u");
      if (m == level->end() || u == level->end() || !m->is_number() || !u->is_number() ||
          level->size() != 2) {
        return Invalid(source, where + " must be {\"m\": number, \"u\": number}");
      }
      parameters.fields[f].push_back({m->get<double>(), u->get<double>()});
    }
  }
  auto model = Create(std::move(parameters));
  if (!model.ok()) {
    std::string message = model.status().message();
    const std::string prefix = "linkage model parameters: ";
    if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
    return Invalid(source, message);
  }
  return model;
}

core::StatusOr<Model> Model::Load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::Status(core::ErrorCode::kLinkageDataNotFound,
                        "cannot open the linkage model " + path.string() +
                            ": check --data-dir points at the linkage data directory");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return FromJson(text.str(), path.string());
}

std::string Model::ToJson() const {
  nlohmann::ordered_json root;
  root["linkage_model_version"] = kModelVersion;
  root["description"] = parameters_.description;
  root["match_prior"] = parameters_.match_prior;
  root["term_frequency_floor"] = parameters_.term_frequency_floor;
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    const Field field = FieldAt(f);
    nlohmann::ordered_json levels = nlohmann::ordered_json::object();
    for (std::size_t l = 0; l < parameters_.fields[f].size(); ++l) {
      levels[std::string(LevelNames(field)[l])] = {{"m", parameters_.fields[f][l].m},
                                                   {"u", parameters_.fields[f][l].u}};
    }
    fields[std::string(FieldName(field))] = std::move(levels);
  }
  root["fields"] = std::move(fields);
  return root.dump(2) + "\n";
}

core::Status Model::Save(const std::filesystem::path& path) const {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return core::Unavailable("cannot write the linkage model " + temporary.string());
    out << ToJson();
    out.flush();
    if (!out) return core::Unavailable("cannot write the linkage model " + temporary.string());
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    return core::Unavailable("cannot move the linkage model into place at " + path.string() + ": " +
                             error.message());
  }
  return core::Status::Ok();
}

double Model::TermFrequencyWeight(Field field, float frequency) const {
  const std::size_t f = static_cast<std::size_t>(field);
  const double u = std::max(static_cast<double>(frequency), parameters_.term_frequency_floor);
  return std::log2(parameters_.fields[f][0].m / u);
}

double Model::Score(const ComparisonVector& vector) const {
  double score = 0;
  for (std::size_t f = 0; f < kFieldCount; ++f) score += weights_[f][vector.levels[f]];
  // Exact name agreement is level 0 of both name fields.
  if (vector.given_name_frequency > 0 && vector.level(Field::kGivenName) == 0) {
    score += TermFrequencyWeight(Field::kGivenName, vector.given_name_frequency) -
             weights_[static_cast<std::size_t>(Field::kGivenName)][0];
  }
  if (vector.family_name_frequency > 0 && vector.level(Field::kFamilyName) == 0) {
    score += TermFrequencyWeight(Field::kFamilyName, vector.family_name_frequency) -
             weights_[static_cast<std::size_t>(Field::kFamilyName)][0];
  }
  return score;
}

Explanation Model::Explain(const ComparisonVector& vector) const {
  Explanation explanation;
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    const Field field = FieldAt(f);
    Contribution contribution{field, vector.levels[f], weights_[f][vector.levels[f]], false};
    const float frequency = field == Field::kGivenName    ? vector.given_name_frequency
                            : field == Field::kFamilyName ? vector.family_name_frequency
                                                          : 0.0f;
    if (frequency > 0 && contribution.level == 0) {
      contribution.weight = TermFrequencyWeight(field, frequency);
      contribution.term_frequency_adjusted = true;
    }
    explanation.score += contribution.weight;
    explanation.contributions.push_back(contribution);
  }
  return explanation;
}

double Model::MatchProbability(double score) const {
  const double prior_odds = parameters_.match_prior / (1.0 - parameters_.match_prior);
  const double odds = prior_odds * std::exp2(score);
  return std::isinf(odds) ? 1.0 : odds / (1.0 + odds);
}

std::string Explanation::ToText() const {
  std::string text;
  for (const Contribution& c : contributions) {
    text += std::string(FieldName(c.field)) + "=" + std::string(LevelNames(c.field)[c.level]) +
            " " + FormatWeight(c.weight) + (c.term_frequency_adjusted ? " (name frequency)" : "") +
            "\n";
  }
  text += "score " + FormatWeight(score) + "\n";
  return text;
}

}  // namespace cp::linkage
