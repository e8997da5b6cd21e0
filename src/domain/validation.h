// Validators and normalisers for every field a source or a user can supply.
//
// Each returns a Status with a specific code from core/error_codes.h and a
// message that names the rule broken, never the value supplied (values are
// personal data). `field` is the JSON path or form field reported back to the
// supplier, e.g. "child.identifiers.nhs_number".
#ifndef CP_DOMAIN_VALIDATION_H_
#define CP_DOMAIN_VALIDATION_H_

#include <chrono>
#include <string>
#include <string_view>

#include "core/status.h"
#include "domain/model.h"

namespace cp::domain {

// Length limits of the record model (characters of UTF-8 text).
inline constexpr std::size_t kMaxNameLength = 100;
inline constexpr std::size_t kMaxAddressLineLength = 100;
inline constexpr std::size_t kMaxAddressLines = 6;
inline constexpr std::size_t kMaxOrganisationNameLength = 150;
inline constexpr std::size_t kMaxOrganisationCodeLength = 32;
inline constexpr std::size_t kMaxPhoneLength = 20;
inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMaxSourceKeyLength = 64;

// NHS number: exactly 10 digits whose last is the modulus-11 check digit (a
// remainder giving check 10 is never valid). Code kInvalidNhsNumber.
core::Status ValidateNhsNumber(std::string_view field, std::string_view text);

// Unique Pupil Number: 13 characters, a check letter then 12 characters (11
// digits and a final digit or letter for a temporary UPN), the check letter
// computed by the DfE weighted modulus-23 rule: characters 2..13 are weighted
// 2..13 (a final letter counts as its index in the check alphabet
// "ABCDEFGHJKLMNPQRTUVWXYZ"), and the sum mod 23 indexes that alphabet.
// Upper case only, no spaces. Code kInvalidUpn.
core::Status ValidateUpn(std::string_view field, std::string_view text);

// Unique Learner Number: 10 digits, the first non-zero, the last a modulus-11
// check digit: with S the sum of the first nine weighted 10..2, the check digit
// is 10 - (S mod 11); a remainder of 0 is never valid. Code kInvalidUln.
core::Status ValidateUln(std::string_view field, std::string_view text);

// UK postcode: checks the shape (outward code A9, A99, AA9, AA99, A9A, AA9A,
// then inward code 9AA; plus GIR 0AA) and returns the normalised form:
// upper case, one space before the inward code. "ls14ab" -> "LS1 4AB".
// Input may be in any case with any number of ASCII spaces anywhere; only the
// shape is checked, not which letters a real postcode may use.
// Code kInvalidPostcode.
core::StatusOr<std::string> NormalisePostcode(std::string_view field, std::string_view text);

// Calendar date "YYYY-MM-DD", a real date (no 30 February), year 1900-2199.
// Code kInvalidDate.
core::StatusOr<Date> ParseDate(std::string_view field, std::string_view text);
std::string FormatDate(Date date);

// A date of birth must also not lie after `today`.
core::Status ValidateDateOfBirth(std::string_view field, Date date, Date today);

// Gender codes of DATA-SUPPLY.md: male, female, unknown, unspecified.
// Code kInvalidGender.
core::StatusOr<Gender> ParseGender(std::string_view field, std::string_view text);
std::string_view GenderName(Gender gender);

// Service types of DATA-SUPPLY.md. Code kInvalidServiceType.
core::StatusOr<ServiceType> ParseServiceType(std::string_view field, std::string_view text);
std::string_view ServiceTypeName(ServiceType type);
ServiceClass ClassOf(ServiceType type);

// Carer relationships. Code kInvalidRelationship.
core::StatusOr<Relationship> ParseRelationship(std::string_view field, std::string_view text);
std::string_view RelationshipName(Relationship relationship);

// A given or family name: 1..kMaxNameLength characters (code points) of valid
// UTF-8 (no overlong forms, no surrogates), no control characters, no digits
// in any script, not only punctuation. Allowed: letters and combining marks of
// any script, space, hyphen, apostrophe (' and U+2019) and full stop; other
// punctuation and symbols are rejected. Code kInvalidName.
core::Status ValidateName(std::string_view field, std::string_view text);

// UK telephone number: digits, spaces and one leading '+' (directly before a
// digit), 10-13 digits, ending in a digit, at most kMaxPhoneLength characters.
// Email: valid UTF-8, one '@' with a non-empty part before it, a dot in the
// domain between non-empty labels, no spaces or control characters, at most
// kMaxEmailLength characters. Code kInvalidContactDetails.
core::Status ValidatePhone(std::string_view field, std::string_view text);
core::Status ValidateEmail(std::string_view field, std::string_view text);

// A whole child record: every field above, plus the record rules: at most one
// current lead professional (lead_professional set and no end date); a
// sensitive service carries consent or an override ground, and any other
// service carries neither; an involvement does not end before it starts; the
// date of death is not before the date of birth; every organisation has a
// name. Names need a family name (given names may be empty for a newborn);
// address lines are non-blank; postcodes are stored normalised.
//
// Returns the first error found, in record order. Field paths mirror the
// supply format (DATA-SUPPLY.md): "child.family_name",
// "child.other_names[1].given_names", "child.address.lines[3]",
// "child.identifiers.nhs_number", "carers[0].phone",
// "services[2].organisation.name", "services[2].practitioner.email",
// "services[2].sensitive_consent". Field rules keep their own code (address
// lines use kInvalidContactDetails, organisation name and code
// kInvalidRecord); record-level rules use kInvalidRecord. `today` bounds
// dates of birth and death.
core::Status ValidateChild(const Child& child, Date today);

}  // namespace cp::domain

#endif  // CP_DOMAIN_VALIDATION_H_
