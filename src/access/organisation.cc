#include "access/organisation.h"

#include <array>

namespace cp::access {
namespace {

core::Status OrgError(std::string message) {
  return core::Status(core::ErrorCode::kInvalidOrganisation, std::move(message));
}

Organisation Partner(const char* slug, const char* name) {
  return Organisation{OrganisationId(std::string("np:") + slug), name,
                      OrganisationType::kNationalPartner, AccreditationState::kAccredited,
                      std::nullopt};
}

std::string_view PrefixOf(OrganisationType type) {
  switch (type) {
    case OrganisationType::kLocalAuthority: return "la:";
    case OrganisationType::kNationalPartner: return "np:";
    case OrganisationType::kAccreditedOrganisation: return "org:";
    case OrganisationType::kNationalOperator: return "nat:";
  }
  return "?";
}

constexpr std::array kTypes{OrganisationType::kLocalAuthority, OrganisationType::kNationalPartner,
                            OrganisationType::kAccreditedOrganisation,
                            OrganisationType::kNationalOperator};
constexpr std::array kStates{AccreditationState::kPending, AccreditationState::kAccredited,
                             AccreditationState::kSuspended, AccreditationState::kWithdrawn};

}  // namespace

std::string_view OrganisationTypeName(OrganisationType type) {
  switch (type) {
    case OrganisationType::kLocalAuthority: return "local_authority";
    case OrganisationType::kNationalPartner: return "national_partner";
    case OrganisationType::kAccreditedOrganisation: return "accredited_organisation";
    case OrganisationType::kNationalOperator: return "national_operator";
  }
  return "unknown";
}

std::string_view AccreditationStateName(AccreditationState state) {
  switch (state) {
    case AccreditationState::kPending: return "pending";
    case AccreditationState::kAccredited: return "accredited";
    case AccreditationState::kSuspended: return "suspended";
    case AccreditationState::kWithdrawn: return "withdrawn";
  }
  return "unknown";
}

core::StatusOr<OrganisationType> ParseOrganisationType(std::string_view name) {
  for (OrganisationType t : kTypes) {
    if (OrganisationTypeName(t) == name) return t;
  }
  return OrgError("unknown organisation type: use local_authority, national_partner, "
                  "accredited_organisation or national_operator");
}

core::StatusOr<AccreditationState> ParseAccreditationState(std::string_view name) {
  for (AccreditationState s : kStates) {
    if (AccreditationStateName(s) == name) return s;
  }
  return OrgError("unknown accreditation state: use pending, accredited, suspended or withdrawn");
}

const Organisation& NationalOperator() {
  static const Organisation kOperator{OrganisationId(std::string(kNationalOperatorId)),
                                      "ContactPoint national operator",
                                      OrganisationType::kNationalOperator,
                                      AccreditationState::kAccredited, std::nullopt};
  return kOperator;
}

std::span<const Organisation> NationalPartners() {
  // Seed 004 section 3.2: "Seven ContactPoint National Partners are named in
  // the Regulations".
  static const std::array<Organisation, 7> kPartners{
      Partner("action-for-children", "Action for Children"),
      Partner("barnardos", "Barnardo's"),
      Partner("cafcass", "CAFCASS"),
      Partner("ceop", "CEOP"),
      Partner("kids", "Kids"),
      Partner("nspcc", "NSPCC"),
      Partner("the-childrens-society", "The Children's Society"),
  };
  return kPartners;
}

core::StatusOr<Organisation> LocalAuthority(std::string_view gss_code, std::string_view name,
                                            AccreditationState state) {
  bool valid = gss_code.size() == 9 && gss_code[0] == 'E';
  for (std::size_t i = 1; valid && i < gss_code.size(); ++i) {
    valid = gss_code[i] >= '0' && gss_code[i] <= '9';
  }
  if (!valid) return OrgError("a local authority code must be an ONS GSS code such as E06000001");
  Organisation la{OrganisationId("la:" + std::string(gss_code)), std::string(name),
                  OrganisationType::kLocalAuthority, state, std::nullopt};
  RETURN_IF_ERROR(ValidateOrganisation(la));
  return la;
}

core::Status ValidateOrganisation(const Organisation& organisation) {
  const std::string& id = organisation.id.value();
  const std::string_view prefix = PrefixOf(organisation.type);
  if (!id.starts_with(prefix) || id.size() == prefix.size() || id.size() > 64) {
    return OrgError("the organisation id must start with \"" + std::string(prefix) +
                    "\" for its type and be at most 64 characters");
  }
  if (organisation.name.empty() || organisation.name.size() > 200) {
    return OrgError("the organisation name must be 1 to 200 characters");
  }
  const bool needs_authority = organisation.type == OrganisationType::kAccreditedOrganisation;
  if (needs_authority != organisation.accountable_authority.has_value()) {
    return OrgError(needs_authority
                        ? "an accredited organisation needs its accountable local authority"
                        : "only an accredited organisation has an accountable local authority");
  }
  if (needs_authority && !organisation.accountable_authority->value().starts_with("la:")) {
    return OrgError("the accountable authority must be a local authority (la:...)");
  }
  return core::Status::Ok();
}

}  // namespace cp::access
