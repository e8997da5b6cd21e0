// The local authorities seeded into a new store: the English upper-tier
// (children's services) authorities, from the open data file shipped in
// data/organisations (see its SOURCE.txt for origin and licence).
#ifndef CP_IDENTITY_ORGANISATIONS_DATA_H_
#define CP_IDENTITY_ORGANISATIONS_DATA_H_

#include <filesystem>
#include <vector>

#include "access/organisation.h"
#include "core/status.h"

namespace cp::identity {

// data/organisations in the source tree (the path compiled in).
std::filesystem::path DefaultOrganisationsDataDir();

// Reads DIR/england_upper_tier_las.csv: one accredited local authority per
// row ("la:" + GSS code, named by the council's official name).
// kInvalidConfiguration naming the file and line when it is missing or
// malformed.
core::StatusOr<std::vector<access::Organisation>> LoadLocalAuthorities(
    const std::filesystem::path& dir);

}  // namespace cp::identity

#endif  // CP_IDENTITY_ORGANISATIONS_DATA_H_
