#include "identity/organisations_data.h"

#include <fstream>
#include <string>

#include "core/csv_line.h"

namespace cp::identity {
namespace {

constexpr const char* kFile = "england_upper_tier_las.csv";
constexpr const char* kHeader =
    "utla_gss_code,utla_name,official_name,la_type,region,mysociety_code,"
    "n_lower_tier_districts,pop_2020";

core::Status Bad(const std::filesystem::path& path, std::string why) {
  return core::Status(core::ErrorCode::kInvalidConfiguration,
                      "organisations data '" + path.string() + "' " + why);
}

}  // namespace

std::filesystem::path DefaultOrganisationsDataDir() { return CP_IDENTITY_DATA_DIR; }

core::StatusOr<std::vector<access::Organisation>> LoadLocalAuthorities(
    const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / kFile;
  std::ifstream in(path);
  if (!in) return Bad(path, "cannot be read (does it exist?)");
  std::string line;
  auto next = [&] {
    if (!std::getline(in, line)) return false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  };
  if (!next() || line != kHeader) {
    return Bad(path, std::string("does not start with the header ") + kHeader);
  }
  std::vector<access::Organisation> authorities;
  for (int number = 2; next(); ++number) {
    if (line.empty()) continue;
    const std::vector<std::string> fields = core::SplitCsvLine(line);
    if (fields.size() != 8) {
      return Bad(path, "line " + std::to_string(number) + " does not have 8 fields");
    }
    auto authority = access::LocalAuthority(fields[0], fields[2],
                                            access::AccreditationState::kAccredited);
    if (!authority.ok()) {
      return Bad(path, "line " + std::to_string(number) + ": " + authority.status().message());
    }
    authorities.push_back(std::move(*authority));
  }
  if (authorities.empty()) return Bad(path, "lists no authority");
  return authorities;
}

}  // namespace cp::identity
