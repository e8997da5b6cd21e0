#include "storage/internal/codec.h"

#include <array>
#include <optional>
#include <utility>

#include "domain/validation.h"

namespace cp::storage::internal {
namespace {

core::Status Error(core::ErrorCode code, std::string_view field, std::string_view rule) {
  std::string message(field);
  message += ": ";
  message += rule;
  return core::Status(code, std::move(message));
}

core::Status OutOfRange(std::string_view field) {
  return Error(core::ErrorCode::kInvalidRecord, field,
               "holds a value outside its enumeration (a program error upstream)");
}

// Spellings of the enums the domain does not name itself (DATA-SUPPLY.md).
template <typename E, std::size_t N>
using Table = std::array<std::pair<std::string_view, E>, N>;

constexpr Table<domain::SensitiveConsent::GivenBy, 2> kGivenBy{{
    {"child", domain::SensitiveConsent::GivenBy::kChild},
    {"parent", domain::SensitiveConsent::GivenBy::kParent},
}};
constexpr Table<domain::SensitiveOverride, 1> kOverrides{{
    {"child_protection", domain::SensitiveOverride::kChildProtection},
}};
constexpr Table<domain::SourceEvent::Type, 3> kEventTypes{{
    {"death", domain::SourceEvent::Type::kDeath},
    {"left_england", domain::SourceEvent::Type::kLeftEngland},
    {"adoption", domain::SourceEvent::Type::kAdoption},
}};
// The storage enums are spelled by their public Name functions (store.h).
constexpr std::array kLinkStates = {LinkState::kLinked, LinkState::kReview, LinkState::kSealed,
                                    LinkState::kWithdrawn};
constexpr std::array kChangeKinds = {ChangeKind::kChildPut, ChangeKind::kChildDeleted,
                                     ChangeKind::kChildRedirected, ChangeKind::kSourceRecordPut,
                                     ChangeKind::kSourceRecordDeleted};

template <typename E, std::size_t N, typename NameFn>
core::StatusOr<std::string_view> NameAmong(const std::array<E, N>& all, std::string_view field,
                                           E value, NameFn name_of) {
  for (E e : all) {
    if (e == value) return name_of(e);
  }
  return OutOfRange(field);
}

template <typename E, std::size_t N, typename NameFn>
core::StatusOr<E> ParseAmong(const std::array<E, N>& all, std::string_view field,
                             std::string_view text, NameFn name_of) {
  for (E e : all) {
    if (name_of(e) == text) return e;
  }
  return Corrupt(field, "is not a known code");
}

template <typename E, std::size_t N>
core::StatusOr<std::string_view> NameIn(const Table<E, N>& table, std::string_view field,
                                        E value) {
  for (const auto& [name, e] : table) {
    if (e == value) return name;
  }
  return OutOfRange(field);
}

template <typename E, std::size_t N>
core::StatusOr<E> ParseIn(const Table<E, N>& table, std::string_view field,
                          std::string_view text) {
  for (const auto& [name, e] : table) {
    if (name == text) return e;
  }
  return Corrupt(field, "is not a known code");
}

// The domain's Name functions map an out-of-range enumerator to some fallback
// spelling; only a spelling that parses back to the same value is accepted.
template <typename E, typename NameFn, typename ParseFn>
core::StatusOr<std::string_view> CheckedDomainName(std::string_view field, E value,
                                                   NameFn name_of, ParseFn parse) {
  const std::string_view name = name_of(value);
  auto back = parse(field, name);
  if (!back.ok() || *back != value) return OutOfRange(field);
  return name;
}

template <typename E, typename ParseFn>
core::StatusOr<E> ParseDomain(std::string_view field, std::string_view text, ParseFn parse) {
  auto value = parse(field, text);
  if (!value.ok()) return Corrupt(field, "is not a known code");
  return *value;
}

}  // namespace

core::Status Corrupt(std::string_view field, std::string_view rule) {
  std::string message = "stored data is damaged: ";
  message += field;
  message += ": ";
  message += rule;
  return core::Status(core::ErrorCode::kStoreCorrupt, std::move(message));
}

core::StatusOr<std::string_view> GenderText(std::string_view field, domain::Gender value) {
  return CheckedDomainName(field, value, domain::GenderName, domain::ParseGender);
}
core::StatusOr<std::string_view> RelationshipText(std::string_view field,
                                                  domain::Relationship value) {
  return CheckedDomainName(field, value, domain::RelationshipName, domain::ParseRelationship);
}
core::StatusOr<std::string_view> ServiceTypeText(std::string_view field,
                                                 domain::ServiceType value) {
  return CheckedDomainName(field, value, domain::ServiceTypeName, domain::ParseServiceType);
}
core::StatusOr<std::string_view> GivenByText(std::string_view field,
                                             domain::SensitiveConsent::GivenBy value) {
  return NameIn(kGivenBy, field, value);
}
core::StatusOr<std::string_view> OverrideText(std::string_view field,
                                              domain::SensitiveOverride value) {
  return NameIn(kOverrides, field, value);
}
core::StatusOr<std::string_view> EventTypeText(std::string_view field,
                                               domain::SourceEvent::Type value) {
  return NameIn(kEventTypes, field, value);
}
core::StatusOr<std::string_view> LinkStateText(std::string_view field, LinkState value) {
  return NameAmong(kLinkStates, field, value, LinkStateName);
}
core::StatusOr<std::string_view> ChangeKindText(std::string_view field, ChangeKind value) {
  return NameAmong(kChangeKinds, field, value, ChangeKindName);
}

core::StatusOr<std::string> DateText(std::string_view field, domain::Date value) {
  // Only a date that reads back unchanged may be written.
  if (value.ok()) {
    std::string text = domain::FormatDate(value);
    auto back = domain::ParseDate(field, text);
    if (back.ok() && *back == value) return text;
  }
  return Error(core::ErrorCode::kInvalidDate, field,
               "must be a real calendar date in the years 1900-2199");
}

core::StatusOr<domain::Gender> GenderFromText(std::string_view field, std::string_view text) {
  return ParseDomain<domain::Gender>(field, text, domain::ParseGender);
}
core::StatusOr<domain::Relationship> RelationshipFromText(std::string_view field,
                                                          std::string_view text) {
  return ParseDomain<domain::Relationship>(field, text, domain::ParseRelationship);
}
core::StatusOr<domain::ServiceType> ServiceTypeFromText(std::string_view field,
                                                        std::string_view text) {
  return ParseDomain<domain::ServiceType>(field, text, domain::ParseServiceType);
}
core::StatusOr<domain::SensitiveConsent::GivenBy> GivenByFromText(std::string_view field,
                                                                  std::string_view text) {
  return ParseIn(kGivenBy, field, text);
}
core::StatusOr<domain::SensitiveOverride> OverrideFromText(std::string_view field,
                                                           std::string_view text) {
  return ParseIn(kOverrides, field, text);
}
core::StatusOr<domain::SourceEvent::Type> EventTypeFromText(std::string_view field,
                                                            std::string_view text) {
  return ParseIn(kEventTypes, field, text);
}
core::StatusOr<LinkState> LinkStateFromText(std::string_view field, std::string_view text) {
  return ParseAmong(kLinkStates, field, text, LinkStateName);
}
core::StatusOr<ChangeKind> ChangeKindFromText(std::string_view field, std::string_view text) {
  return ParseAmong(kChangeKinds, field, text, ChangeKindName);
}

core::StatusOr<domain::Date> DateFromText(std::string_view field, std::string_view text) {
  auto date = domain::ParseDate(field, text);
  if (!date.ok()) return Corrupt(field, "is not a date written YYYY-MM-DD");
  return *date;
}

core::StatusOr<domain::ContactPointId> IdFromStored(std::string_view field, std::int64_t number) {
  if (number <= 0) return Corrupt(field, "is not a ContactPoint ID");
  auto id = domain::ContactPointId::FromNumber(static_cast<std::uint64_t>(number));
  if (!id.ok()) return Corrupt(field, "is not a ContactPoint ID (check digit or length)");
  return *id;
}

}  // namespace cp::storage::internal
