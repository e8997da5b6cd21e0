// Stored spellings of record values, shared by every storage backend.
//
// One value has one spelling in every table and in every JSON document: enums
// by their stable wire names (the domain's Name/Parse functions where the
// domain defines them, DATA-SUPPLY.md names otherwise) and dates as
// "YYYY-MM-DD". Writing refuses a value that could not be read back (an
// enumerator out of range, an impossible date) with the field named; reading a
// spelling that does not parse means the stored data is damaged
// (kStoreCorrupt). Messages never carry the value itself.
//
// Stateless functions; thread-safe.
#ifndef CP_STORAGE_INTERNAL_CODEC_H_
#define CP_STORAGE_INTERNAL_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "domain/ids.h"
#include "domain/model.h"
#include "storage/store.h"

namespace cp::storage::internal {

// For writing. Errors: kInvalidRecord (enums), kInvalidDate (dates).
core::StatusOr<std::string_view> GenderText(std::string_view field, domain::Gender value);
core::StatusOr<std::string_view> RelationshipText(std::string_view field,
                                                  domain::Relationship value);
core::StatusOr<std::string_view> ServiceTypeText(std::string_view field,
                                                 domain::ServiceType value);
core::StatusOr<std::string_view> GivenByText(std::string_view field,
                                             domain::SensitiveConsent::GivenBy value);
core::StatusOr<std::string_view> OverrideText(std::string_view field,
                                              domain::SensitiveOverride value);
core::StatusOr<std::string_view> EventTypeText(std::string_view field,
                                               domain::SourceEvent::Type value);
core::StatusOr<std::string_view> LinkStateText(std::string_view field, LinkState value);
core::StatusOr<std::string_view> ChangeKindText(std::string_view field, ChangeKind value);
core::StatusOr<std::string> DateText(std::string_view field, domain::Date value);

// For reading back. Errors: kStoreCorrupt naming `field`.
core::StatusOr<domain::Gender> GenderFromText(std::string_view field, std::string_view text);
core::StatusOr<domain::Relationship> RelationshipFromText(std::string_view field,
                                                          std::string_view text);
core::StatusOr<domain::ServiceType> ServiceTypeFromText(std::string_view field,
                                                        std::string_view text);
core::StatusOr<domain::SensitiveConsent::GivenBy> GivenByFromText(std::string_view field,
                                                                  std::string_view text);
core::StatusOr<domain::SensitiveOverride> OverrideFromText(std::string_view field,
                                                           std::string_view text);
core::StatusOr<domain::SourceEvent::Type> EventTypeFromText(std::string_view field,
                                                            std::string_view text);
core::StatusOr<LinkState> LinkStateFromText(std::string_view field, std::string_view text);
core::StatusOr<ChangeKind> ChangeKindFromText(std::string_view field, std::string_view text);
core::StatusOr<domain::Date> DateFromText(std::string_view field, std::string_view text);
core::StatusOr<domain::ContactPointId> IdFromStored(std::string_view field, std::int64_t number);

// kStoreCorrupt with "stored data is damaged: <field>: <rule>".
core::Status Corrupt(std::string_view field, std::string_view rule);

}  // namespace cp::storage::internal

#endif  // CP_STORAGE_INTERNAL_CODEC_H_
