// Identifier types of the record model.
//
// ContactPointId is the child's identifying number: 12 decimal digits, the last
// a check digit (Damm algorithm, which catches every single-digit error and
// every transposition of adjacent digits). IDs are drawn at random, never
// sequentially, so a user cannot walk through records by incrementing one; the
// store remembers every ID ever issued so none is reused. The check is verified
// on every input: an ID that fails it is rejected before any lookup.
#ifndef CP_DOMAIN_IDS_H_
#define CP_DOMAIN_IDS_H_

#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/status.h"
#include "core/strong_id.h"

namespace cp::domain {

class ContactPointId {
 public:
  static constexpr int kDigits = 12;

  // Parses "123456789012" or the display form "1234 5678 9012"; verifies the
  // check digit. Errors carry ErrorCode::kInvalidContactPointId.
  static core::StatusOr<ContactPointId> Parse(std::string_view text);

  // Rebuilds an ID read back from storage; verifies the check digit.
  static core::StatusOr<ContactPointId> FromNumber(std::uint64_t number);

  // Draws a new random ID (first digit non-zero, check digit appended). The
  // caller must reserve it in the store, which refuses IDs issued before.
  static ContactPointId Generate(core::Random& random);

  // The Damm check digit of `digits` (decimal digits only).
  static int CheckDigit(std::string_view digits);

  // An unassigned ID (number 0, which never passes the check). Stores refuse it.
  ContactPointId() = default;
  bool assigned() const { return number_ != 0; }

  std::uint64_t number() const { return number_; }
  std::string ToString() const;   // "123456789012"
  std::string ToDisplay() const;  // "1234 5678 9012"

  friend auto operator<=>(const ContactPointId&, const ContactPointId&) = default;
  friend bool operator==(const ContactPointId&, const ContactPointId&) = default;

 private:
  explicit ContactPointId(std::uint64_t number) : number_(number) {}
  std::uint64_t number_ = 0;
};

// A registered source system, e.g. "gro-births".
struct SourceIdTag {};
using SourceId = core::StrongId<SourceIdTag, std::string>;

// The source's own stable key for one child record (<= 64 characters).
struct SourceKeyTag {};
using SourceKey = core::StrongId<SourceKeyTag, std::string>;

// A supplier's batch ID, unique per source.
struct BatchIdTag {};
using BatchId = core::StrongId<BatchIdTag, std::string>;

}  // namespace cp::domain

template <>
struct std::hash<cp::domain::ContactPointId> {
  std::size_t operator()(const cp::domain::ContactPointId& id) const noexcept {
    return std::hash<std::uint64_t>()(id.number());
  }
};

#endif  // CP_DOMAIN_IDS_H_
