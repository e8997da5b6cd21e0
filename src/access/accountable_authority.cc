#include "access/accountable_authority.h"

#include <algorithm>
#include <charconv>
#include <fstream>

#include "core/csv_line.h"

namespace cp::access {
namespace {

core::Status Bad(const std::filesystem::path& path, const std::string& why) {
  return core::Status(core::ErrorCode::kInvalidConfiguration,
                      "geography data '" + path.string() + "' " + why);
}

// Reads one lookup: area -> shares per upper-tier authority (summed over the
// lower-tier districts of each), largest first.
core::Status ReadAreas(const std::filesystem::path& path, std::string_view area_column,
                       std::unordered_map<std::string, std::vector<AuthorityMap::Share>>& out) {
  std::ifstream in(path);
  if (!in) return Bad(path, "cannot be read (does it exist?)");
  const std::string header = std::string(area_column) +
                             ",n_postcodes,lad_gss_code,lad_name,utla_gss_code,utla_name,region,"
                             "share_of_postcodes,";
  std::string line;
  auto next = [&] {
    if (!std::getline(in, line)) return false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  };
  if (!next() || !line.starts_with(header)) {
    return Bad(path, "does not start with the header " + header + "...");
  }
  for (int number = 2; next(); ++number) {
    if (line.empty()) continue;
    const std::vector<std::string> f = core::SplitCsvLine(line);
    double share = 0;
    const auto parsed = f.size() == 9 ? std::from_chars(f[7].data(), f[7].data() + f[7].size(), share)
                                      : std::from_chars_result{nullptr, std::errc::invalid_argument};
    if (f.size() != 9 || parsed.ec != std::errc() || share <= 0 || share > 1 ||
        !f[4].starts_with("E") || f[0].empty()) {
      return Bad(path, "line " + std::to_string(number) +
                           " is not: area, count, district code and name, authority code and "
                           "name, region, share (0 to 1], districts");
    }
    auto& shares = out[f[0]];
    auto same = std::find_if(shares.begin(), shares.end(),
                             [&](const AuthorityMap::Share& s) { return s.authority == f[4]; });
    if (same != shares.end()) {
      same->share += share;
    } else {
      shares.push_back(AuthorityMap::Share{f[4], share});
    }
  }
  for (auto& [area, shares] : out) {
    std::sort(shares.begin(), shares.end(), [](const auto& a, const auto& b) {
      return a.share != b.share ? a.share > b.share : a.authority < b.authority;
    });
  }
  if (out.empty()) return Bad(path, "lists no area");
  return core::Status::Ok();
}

OrganisationId Authority(const std::string& gss) { return OrganisationId("la:" + gss); }

}  // namespace

std::filesystem::path AuthorityMap::DefaultDataDir() { return CP_ACCESS_GEOGRAPHY_DIR; }

core::StatusOr<AuthorityMap> AuthorityMap::Load(const std::filesystem::path& dir) {
  AuthorityMap map;
  RETURN_IF_ERROR(
      ReadAreas(dir / "england_postcode_sector_to_la.csv", "postcode_sector", map.sectors_));
  RETURN_IF_ERROR(
      ReadAreas(dir / "england_postcode_district_to_la.csv", "postcode_district", map.districts_));
  return map;
}

AuthorityAssignment AuthorityMap::FromArea(const std::vector<Share>& shares,
                                           std::string_view basis) {
  AuthorityAssignment out;
  out.basis = std::string(basis);
  if (shares.size() == 1) {
    out.authority = Authority(shares[0].authority);
    return out;
  }
  for (const Share& s : shares) out.candidates.push_back(Authority(s.authority));
  if (shares[0].share > 0.5) {
    out.authority = Authority(shares[0].authority);
    out.provisional = true;
  } else {
    out.queue = std::string(kQueueSplitPostcodeArea);
  }
  return out;
}

AuthorityAssignment AuthorityMap::Assign(const std::optional<std::string>& postcode) const {
  AuthorityAssignment none;
  if (!postcode || postcode->empty()) {
    none.queue = std::string(kQueueNoPostcode);
    return none;
  }
  const std::string& text = *postcode;
  const std::size_t space = text.find(' ');
  if (space != std::string::npos && space + 1 < text.size()) {
    auto sector = sectors_.find(text.substr(0, space + 2));
    if (sector != sectors_.end()) return FromArea(sector->second, "sector");
  }
  auto district = districts_.find(text.substr(0, space));
  if (district != districts_.end()) return FromArea(district->second, "district");
  none.queue = std::string(kQueueUnknownPostcode);
  return none;
}

}  // namespace cp::access
