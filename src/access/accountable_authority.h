// The accountable local authority of a child record, from its postcode
// (DOMAIN.md section 4: by the child's address, never "randomly allocated").
//
// The map (data/geography/, OS Code-Point Open brought to current authorities;
// see its SOURCE.txt) gives, for each English postcode sector ("LS1 4") and
// district ("LS1"), the share of its postcodes in each upper-tier (children's
// services) authority. A postcode is assigned by its sector, or by its
// district when the sector is not in the map:
//   - one authority holds the whole area: that authority;
//   - the area is split and one authority holds more than half of it: that
//     authority, marked provisional (the authority confirms or transfers);
//   - no authority holds a majority, the postcode is not in the map (not in
//     England, or newer than the data), or there is no postcode: no
//     authority, but a named national queue for a person to resolve.
// Immutable after Load; thread-safe.
#ifndef CP_ACCESS_ACCOUNTABLE_AUTHORITY_H_
#define CP_ACCESS_ACCOUNTABLE_AUTHORITY_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "access/organisation.h"
#include "core/status.h"

namespace cp::access {

// The national queues of records no authority could be given.
inline constexpr std::string_view kQueueNoPostcode = "national:no-postcode";
inline constexpr std::string_view kQueueUnknownPostcode = "national:unknown-postcode";
inline constexpr std::string_view kQueueSplitPostcodeArea = "national:split-postcode-area";

struct AuthorityAssignment {
  std::optional<OrganisationId> authority;  // "la:E08000035"; absent: see queue
  bool provisional = false;                 // a split area's majority authority
  std::string queue;                        // set exactly when authority is absent
  std::vector<OrganisationId> candidates;   // for a split area: its authorities
  std::string basis;                        // "sector", "district" or "" (none)
};

class AuthorityMap {
 public:
  // data/geography in the source tree (the path compiled in).
  static std::filesystem::path DefaultDataDir();
  // Reads DIR/england_postcode_sector_to_la.csv and
  // DIR/england_postcode_district_to_la.csv. kInvalidConfiguration naming the
  // file and line when one is missing or malformed.
  static core::StatusOr<AuthorityMap> Load(const std::filesystem::path& dir);

  // `postcode` normalised ("LS1 4AB", as domain::NormalisePostcode gives).
  AuthorityAssignment Assign(const std::optional<std::string>& postcode) const;

  std::size_t sectors() const { return sectors_.size(); }
  std::size_t districts() const { return districts_.size(); }

  struct Share {
    std::string authority;  // GSS code of the upper-tier authority
    double share = 0;
  };

 private:
  using Areas = std::unordered_map<std::string, std::vector<Share>>;
  static AuthorityAssignment FromArea(const std::vector<Share>& shares, std::string_view basis);
  Areas sectors_;
  Areas districts_;
};

}  // namespace cp::access

#endif  // CP_ACCESS_ACCOUNTABLE_AUTHORITY_H_
