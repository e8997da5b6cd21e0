// access: who may use ContactPoint and what they may do. Organisations and
// their accreditation, the role catalogue, user eligibility (nomination,
// training, enhanced CRB disclosure, security token) and the management scope
// rule, all as pure functions of values; persisting them is the storage
// module's job (DOMAIN.md section 5).
//
// organisation.h: the organisations users belong to.
//   - Local authorities (about 150, from ../shared/data/uk_local_authorities)
//     are accountable for the records and accredit partner organisations.
//   - The 7 ContactPoint National Partners are named in the 2007 Regulations
//     (seed 004 section 3.2): Action for Children, Barnardo's, CAFCASS, CEOP,
//     Kids, NSPCC and The Children's Society. They accredit and manage their
//     own users, accounting to the Department, but are not data controllers
//     (004 footnote 9), so they have no Data Administrator.
//   - Every other organisation (a school, a GP practice, a police force) is
//     accredited by one local authority, which manages its users.
//   - The national operator (the Department's ContactPoint team in the seeds)
//     runs the service; its staff are national administrators and helpdesk.
//     There is one, seeded as kNationalOperatorId.
// An organisation's users may sign in only while it is accredited.
// Plain value types and free functions; thread-safe.
#ifndef CP_ACCESS_ORGANISATION_H_
#define CP_ACCESS_ORGANISATION_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/strong_id.h"

namespace cp::access {

// Stable organisation identifiers: "la:<ONS GSS code>" for a local authority
// ("la:E06000001"), "np:<slug>" for a National Partner, "org:<slug>" for others,
// "nat:<slug>" for the national operator.
struct OrganisationIdTag {};
using OrganisationId = core::StrongId<OrganisationIdTag, std::string>;

enum class OrganisationType {
  kLocalAuthority,
  kNationalPartner,
  kAccreditedOrganisation,  // any other organisation, accredited by a local authority
  kNationalOperator,        // runs the service nationally
};

enum class AccreditationState {
  kPending,     // applied; users may be prepared but not sign in
  kAccredited,  // users may sign in
  kSuspended,   // temporarily withdrawn; users may not sign in
  kWithdrawn,   // permanently withdrawn
};

struct Organisation {
  OrganisationId id;
  std::string name;
  OrganisationType type = OrganisationType::kAccreditedOrganisation;
  AccreditationState accreditation = AccreditationState::kPending;
  // The local authority that accredited it and manages its users; set for
  // kAccreditedOrganisation only.
  std::optional<OrganisationId> accountable_authority;
  friend bool operator==(const Organisation&, const Organisation&) = default;
};

std::string_view OrganisationTypeName(OrganisationType type);  // "local_authority", ...
std::string_view AccreditationStateName(AccreditationState state);  // "accredited", ...
// kInvalidOrganisation for an unknown name.
core::StatusOr<OrganisationType> ParseOrganisationType(std::string_view name);
core::StatusOr<AccreditationState> ParseAccreditationState(std::string_view name);

inline constexpr std::string_view kNationalOperatorId = "nat:contactpoint";

// The national operator, accredited.
const Organisation& NationalOperator();

// The 7 National Partners, accredited, in the order the Regulations list them.
std::span<const Organisation> NationalPartners();

// A local authority as an organisation, from its ONS GSS code ("E06000001") and
// name. kInvalidOrganisation when the code is not "E" plus 8 digits.
core::StatusOr<Organisation> LocalAuthority(std::string_view gss_code, std::string_view name,
                                            AccreditationState state);

// Checks the shape of an organisation: id prefix matching its type, a name of
// 1 to 200 characters, and an accountable local authority exactly when the type
// is kAccreditedOrganisation. kInvalidOrganisation names the broken rule.
core::Status ValidateOrganisation(const Organisation& organisation);

}  // namespace cp::access

#endif  // CP_ACCESS_ORGANISATION_H_
