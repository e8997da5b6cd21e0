#include "synth/reference_data.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <utility>

#include "domain/validation.h"

namespace cp::synth {
namespace {

core::Status DataError(const std::filesystem::path& file, std::size_t line, std::string_view what) {
  std::string message = "synthetic data file " + file.string();
  if (line > 0) message += " line " + std::to_string(line);
  message += ": ";
  message += what;
  return core::Status(core::ErrorCode::kInvalidConfiguration, std::move(message));
}

// Reads a CSV file with a header row; calls `row` for every data row with
// at least `min_columns` fields.
template <typename F>
core::Status ReadCsv(const std::filesystem::path& file, std::size_t min_columns, F&& row) {
  std::ifstream in(file);
  if (!in) {
    return DataError(file, 0,
                     "cannot be read; pass --data-dir pointing at tools/synth/data of the "
                     "source tree (see tools/synth/data/SOURCE.txt)");
  }
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 || line.empty()) continue;
    std::vector<std::string> fields = SplitCsvLine(line);
    if (fields.size() < min_columns) return DataError(file, number, "too few columns");
    core::Status s = row(fields, number);
    if (!s.ok()) return DataError(file, number, s.message());
  }
  if (number < 2) return DataError(file, 0, "holds no data rows");
  return core::Status::Ok();
}

core::StatusOr<double> ParseNumber(std::string_view text) {
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) {
    return core::InvalidArgument("a number column is not a non-negative number");
  }
  return value;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ValidName(std::string_view name) { return domain::ValidateName("name", name).ok(); }

// "Bournemouth, Christchurch and Poole" -> "Bournemouth Christchurch and Poole
// Council": carers' names may not hold commas.
std::string CouncilName(std::string_view la_name) {
  std::string out;
  for (char c : la_name) {
    if (c != ',') out += c;
  }
  return out + " Council";
}

const std::vector<std::string> kNoVariants;
const std::vector<std::uint32_t> kNoPractices;

}  // namespace

double UniformReal(core::SeededRandom& random) {
  return static_cast<double>(random.Next() >> 11) * 0x1.0p-53;
}

bool Chance(core::SeededRandom& random, double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return UniformReal(random) < p;
}

void WeightedIndex::Add(double weight) { cumulative_.push_back(total() + std::max(weight, 0.0)); }

double WeightedIndex::WeightOf(std::size_t i) const {
  return cumulative_[i] - (i == 0 ? 0 : cumulative_[i - 1]);
}

std::size_t WeightedIndex::Sample(core::SeededRandom& random) const {
  const double target = UniformReal(random) * total();
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
  const std::size_t i = static_cast<std::size_t>(it - cumulative_.begin());
  return std::min(i, cumulative_.size() - 1);
}

std::string DisplayName(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool start = true;
  for (char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u)) {
      out += static_cast<char>(start ? std::toupper(u) : std::tolower(u));
      start = false;
    } else {
      out += c;
      start = (c == '-' || c == ' ' || c == '\'');
    }
  }
  // "Mcdonald" -> "McDonald".
  if (out.size() > 3 && out[0] == 'M' && out[1] == 'c' &&
      std::isalpha(static_cast<unsigned char>(out[2]))) {
    out[2] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[2])));
  }
  return out;
}

core::StatusOr<std::unique_ptr<ReferenceData>> ReferenceData::Load(
    const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return core::Status(core::ErrorCode::kInvalidConfiguration,
                        "synthetic data folder " + dir.string() +
                            " does not exist; pass --data-dir pointing at tools/synth/data of "
                            "the source tree");
  }
  std::unique_ptr<ReferenceData> data(new ReferenceData());

  // First names: year,sex,name,count.
  RETURN_IF_ERROR(ReadCsv(dir / "first_names.csv", 4, [&](const auto& f, std::size_t) {
    ASSIGN_OR_RETURN(double year, ParseNumber(f[0]));
    ASSIGN_OR_RETURN(double count, ParseNumber(f[3]));
    std::string name = DisplayName(f[2]);
    if (!ValidName(name)) return core::Status::Ok();  // skip what a name field cannot hold
    NameTable& table = data->first_names_[static_cast<int>(year)][f[1] == "F" ? 1 : 0];
    table.names.push_back(std::move(name));
    table.weights.Add(count);
    return core::Status::Ok();
  }));
  for (const auto& [year, tables] : data->first_names_) {
    if (tables[0].names.empty() || tables[1].names.empty()) {
      return DataError(dir / "first_names.csv", 0,
                       "lacks boys' or girls' names for year " + std::to_string(year));
    }
  }

  RETURN_IF_ERROR(ReadCsv(dir / "births_by_year.csv", 2, [&](const auto& f, std::size_t) {
    ASSIGN_OR_RETURN(double year, ParseNumber(f[0]));
    ASSIGN_OR_RETURN(double count, ParseNumber(f[1]));
    data->births_[static_cast<int>(year)] = count;
    return core::Status::Ok();
  }));
  data->births_first_ = INT32_MAX;
  data->births_last_ = INT32_MIN;
  for (const auto& [year, count] : data->births_) {
    data->births_first_ = std::min(data->births_first_, year);
    data->births_last_ = std::max(data->births_last_, year);
  }

  RETURN_IF_ERROR(ReadCsv(dir / "lastname_uk.csv", 2, [&](const auto& f, std::size_t) {
    ASSIGN_OR_RETURN(double freq, ParseNumber(f[1]));
    std::string name = DisplayName(f[0]);
    if (!ValidName(name)) return core::Status::Ok();
    data->surnames_.names.push_back(std::move(name));
    data->surnames_.weights.Add(freq);
    return core::Status::Ok();
  }));

  auto variants = [](auto& map) {
    return [&map](const std::vector<std::string>& f, std::size_t) {
      std::string variant = DisplayName(f[1]);
      if (!ValidName(variant) || Lower(f[0]) == Lower(f[1])) return core::Status::Ok();
      map[Lower(f[0])].push_back(std::move(variant));
      return core::Status::Ok();
    };
  };
  RETURN_IF_ERROR(ReadCsv(dir / "firstname_uk_variant.csv", 3, variants(data->first_variants_)));
  RETURN_IF_ERROR(ReadCsv(dir / "lastname_uk_variant.csv", 3, variants(data->surname_variants_)));

  // Postcode sectors: sector,weight,lad_code,lad_name,utla_code,utla_name.
  std::map<std::string, std::uint32_t> la_index;
  std::vector<double> sector_weight;
  RETURN_IF_ERROR(ReadCsv(dir / "postcode_sectors.csv", 6, [&](const auto& f, std::size_t) {
    ASSIGN_OR_RETURN(double weight, ParseNumber(f[1]));
    const std::string& sector = f[0];
    const std::size_t space = sector.find(' ');
    if (space == std::string::npos || space + 2 != sector.size()) {
      return core::InvalidArgument("a sector is an outward code, a space and one digit");
    }
    PostcodeSector s;
    s.sector = sector;
    s.district = sector.substr(0, space);
    std::size_t letters = 0;
    while (letters < s.district.size() &&
           std::isalpha(static_cast<unsigned char>(s.district[letters]))) {
      ++letters;
    }
    s.area = s.district.substr(0, letters);
    s.town = f[3];
    auto [it, inserted] =
        la_index.try_emplace(f[4], static_cast<std::uint32_t>(data->authorities_.size()));
    if (inserted) {
      LocalAuthority la;
      la.code = f[4];
      la.name = f[5];
      la.council_name = CouncilName(f[5]);
      data->authorities_.push_back(std::move(la));
    }
    s.la = it->second;
    LocalAuthority& la = data->authorities_[s.la];
    la.sectors.push_back(static_cast<std::uint32_t>(data->sectors_.size()));
    la.sector_weights.Add(weight);
    la.weight += weight;
    data->sectors_.push_back(std::move(s));
    return core::Status::Ok();
  }));
  // Authorities in code order, so that DfE-style numbers do not depend on
  // which sector was read first.
  {
    std::vector<std::uint32_t> order(data->authorities_.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return data->authorities_[a].code < data->authorities_[b].code;
    });
    std::vector<std::uint32_t> rank(order.size());
    for (std::uint32_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
    for (std::uint32_t i = 0; i < data->authorities_.size(); ++i) {
      data->authorities_[i].dfe_number = 201 + static_cast<int>(rank[i]) * 4;  // 201..~813
    }
  }
  for (const LocalAuthority& la : data->authorities_) data->authority_weights_.Add(la.weight);

  // GP practices: ods_code,name,line1,town,postcode,phone.
  RETURN_IF_ERROR(ReadCsv(dir / "gp_practices.csv", 6, [&](const auto& f, std::size_t) {
    auto postcode = domain::NormalisePostcode("postcode", f[4]);
    if (!postcode.ok() || f[1].empty() || f[1].size() > domain::kMaxOrganisationNameLength) {
      return core::Status::Ok();  // not usable as an organisation address
    }
    GpPractice p;
    p.ods_code = f[0];
    p.name = f[1];
    p.line1 = f[2].empty() ? f[1] : f[2];
    p.town = f[3];
    p.postcode = *postcode;
    if (domain::ValidatePhone("phone", f[5]).ok()) p.phone = f[5];
    const std::string district = p.postcode.substr(0, p.postcode.find(' '));
    std::size_t letters = 0;
    while (letters < district.size() &&
           std::isalpha(static_cast<unsigned char>(district[letters]))) {
      ++letters;
    }
    const auto index = static_cast<std::uint32_t>(data->practices_.size());
    data->practices_by_district_[district].push_back(index);
    data->practices_by_area_[district.substr(0, letters)].push_back(index);
    data->practices_.push_back(std::move(p));
    return core::Status::Ok();
  }));
  if (data->practices_.empty() || data->sectors_.empty() || data->surnames_.names.empty()) {
    return DataError(dir, 0, "a data file holds no usable rows");
  }
  return data;
}

const NameTable& ReferenceData::FirstNames(bool female, int year) const {
  auto it = first_names_.upper_bound(year);
  if (it != first_names_.begin()) --it;
  return it->second[female ? 1 : 0];
}

double ReferenceData::BirthWeight(int year) const {
  return births_.at(std::clamp(year, births_first_, births_last_));
}

const std::vector<std::string>& ReferenceData::FirstNameVariants(std::string_view name) const {
  auto it = first_variants_.find(Lower(name));
  return it == first_variants_.end() ? kNoVariants : it->second;
}

const std::vector<std::string>& ReferenceData::SurnameVariants(std::string_view name) const {
  auto it = surname_variants_.find(Lower(name));
  return it == surname_variants_.end() ? kNoVariants : it->second;
}

const std::vector<std::uint32_t>& ReferenceData::PracticesInDistrict(
    std::string_view district) const {
  auto it = practices_by_district_.find(std::string(district));
  return it == practices_by_district_.end() ? kNoPractices : it->second;
}

const std::vector<std::uint32_t>& ReferenceData::PracticesInArea(std::string_view area) const {
  auto it = practices_by_area_.find(std::string(area));
  return it == practices_by_area_.end() ? kNoPractices : it->second;
}

}  // namespace cp::synth
