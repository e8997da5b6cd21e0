// The record model: what a ContactPoint child record holds, and nothing else.
//
// The fields are those listed by the Children Act 2004 s.12 and the 2007
// Regulations, schedule 1 (DOMAIN.md section 2). There is deliberately no
// free-text field anywhere: no notes, no case information, no flags of concern.
// Every text field is bounded and validated (validation.h). Personal data is
// held in core::Sensitive so that it cannot be logged by accident.
//
// These are plain value types; they carry no behaviour and no locks.
#ifndef CP_DOMAIN_MODEL_H_
#define CP_DOMAIN_MODEL_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/sensitive.h"
#include "domain/ids.h"

namespace cp::domain {

using Date = std::chrono::year_month_day;
using PersonalText = core::Sensitive<std::string>;

enum class Gender { kMale, kFemale, kUnknown, kUnspecified };

struct PersonName {
  PersonalText given_names;  // empty only for a newborn registration
  PersonalText family_name;
  friend bool operator==(const PersonName&, const PersonName&) = default;
};

struct Address {
  core::Sensitive<std::vector<std::string>> lines;  // at most 6, each bounded
  std::optional<PersonalText> postcode;              // normalised, "LS1 4AB"
  friend bool operator==(const Address&, const Address&) = default;
};

struct ContactDetails {
  std::optional<PersonalText> phone;
  std::optional<PersonalText> email;
  std::optional<Address> address;
  friend bool operator==(const ContactDetails&, const ContactDetails&) = default;
};

// Source identifiers the regulations list for the child.
struct Identifiers {
  std::optional<PersonalText> nhs_number;  // 10 digits, modulus 11
  std::optional<PersonalText> upn;         // Unique Pupil Number
  std::optional<PersonalText> uln;         // Unique Learner Number
  friend bool operator==(const Identifiers&, const Identifiers&) = default;
};

enum class Relationship {
  kMother,
  kFather,
  kParent,
  kStepParent,
  kGrandparent,
  kOtherRelative,
  kFosterCarer,
  kGuardian,
  kSpecialGuardian,
  kLocalAuthority,  // a local authority sharing parental responsibility
  kOtherCarer,
};

struct Carer {
  PersonName name;
  Relationship relationship = Relationship::kParent;
  bool parental_responsibility = false;
  ContactDetails contact;
  friend bool operator==(const Carer&, const Carer&) = default;
};

enum class ServiceType {
  // Universal services.
  kSchool,
  kEarlyYears,
  kCollege,
  kGp,
  kHealthVisitor,
  kMidwife,
  kSchoolNurse,
  // Additional services.
  kSocialCare,
  kYouthOffending,
  kYisp,
  kYouthWork,
  kConnexions,
  kSen,
  kEducationWelfare,
  kFamilySupport,
  kPoliceChildProtection,
  kVoluntary,
  // Sensitive services: recorded only with consent or a child-protection
  // override; shown to most users as "an unspecified service".
  kSexualHealth,
  kMentalHealth,
  kSubstanceMisuse,
};

enum class ServiceClass { kUniversal, kAdditional, kSensitive };

// The organisation providing a service: a school (code "URN:107999"), a GP
// practice (code "ODS:B86001"), a social care team, a voluntary organisation.
struct Organisation {
  std::string name;
  std::optional<std::string> code;
  ContactDetails contact;
  friend bool operator==(const Organisation&, const Organisation&) = default;
};

struct SensitiveConsent {
  enum class GivenBy { kChild, kParent };
  GivenBy given_by = GivenBy::kChild;
  Date date;
  friend bool operator==(const SensitiveConsent&, const SensitiveConsent&) = default;
};

// The only ground on which a sensitive service may be recorded without
// consent (DOMAIN.md section 7).
enum class SensitiveOverride { kChildProtection };

// A service involved with the child, universal or additional.
struct Involvement {
  ServiceType type = ServiceType::kSchool;
  Organisation organisation;
  std::optional<PersonName> practitioner;
  ContactDetails practitioner_contact;
  std::optional<Date> start;
  std::optional<Date> end;
  bool lead_professional = false;  // at most one current per child
  bool caf_holder = false;         // a Common Assessment exists; this is its holder
  std::optional<SensitiveConsent> consent;
  std::optional<SensitiveOverride> override_ground;
  friend bool operator==(const Involvement&, const Involvement&) = default;
};

// A life event a source reports about the child (DATA-SUPPLY.md "events").
struct SourceEvent {
  enum class Type {
    kDeath,
    kLeftEngland,
    kAdoption,  // this record is a post-adoption identity
  };
  Type type = Type::kDeath;
  std::optional<Date> date;  // required for death and left England
  friend bool operator==(const SourceEvent&, const SourceEvent&) = default;
};

// Which local authority answers for a child's record (DOMAIN.md section 4),
// decided from the best view's postcode (access/accountable_authority.h):
// an authority ("la:E08000035"), provisional when it holds only the majority
// of a split postcode area; or, when none can be given, a named national
// queue ("national:unknown-postcode") for a person to resolve.
struct Accountability {
  std::string assignee;  // "la:<GSS code>" or "national:<queue>"
  bool provisional = false;
  friend bool operator==(const Accountability&, const Accountability&) = default;
};

// Where one field of a best view came from: the source record that supplied
// the value survivorship chose (ingest/best_view.h). Codes only.
struct FieldProvenance {
  std::string field;  // "name", "gender", "date_of_birth", "address", ...
  SourceId source;
  SourceKey key;
  BatchId batch;
  std::chrono::sys_time<std::chrono::milliseconds> extracted_at;
  friend bool operator==(const FieldProvenance&, const FieldProvenance&) = default;
};

// The best-view record of one child.
struct Child {
  ContactPointId id;  // unassigned until the store allocates one
  PersonName name;
  std::vector<PersonName> other_names;  // aliases and former names, searchable
  Gender gender = Gender::kUnknown;
  core::Sensitive<Date> date_of_birth;
  std::optional<Address> address;
  Identifiers identifiers;
  std::optional<Date> date_of_death;
  std::vector<Carer> carers;
  std::vector<Involvement> involvements;
  // The best view's only: a source's view of a child never carries it (and
  // source records do not store it).
  std::optional<Accountability> accountable;
  // The best view's only: which source record supplied each single-valued
  // field (names, gender, date of birth, address, date of death, identifiers).
  std::vector<FieldProvenance> provenance;
  friend bool operator==(const Child&, const Child&) = default;
};

}  // namespace cp::domain

#endif  // CP_DOMAIN_MODEL_H_
