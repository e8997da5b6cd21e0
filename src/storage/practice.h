// The store's rows for what practitioners record themselves (DOMAIN.md
// sections 2, 8 and 10 case 5): their own involvement with a child (with the
// lead-professional and CAF flags) and the child's shield.
//
// These live apart from the best view on purpose: a child's best view is
// rebuilt from its source records whenever a feed touches the child
// (ingest/cluster.h), so an entry kept only inside it would be lost at the
// next rebuild. They are keyed by the live child and go with it: DeleteChild
// removes them (end of retention), MoveManualEntries carries them to the
// survivor of a merge. Plain rows: the practice module gives them meaning.
// No free text anywhere: codes, dates, and contact details validated by the
// caller (domain/validation.h).
#ifndef CP_STORAGE_PRACTICE_H_
#define CP_STORAGE_PRACTICE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "domain/ids.h"
#include "domain/model.h"

namespace cp::storage {

// One practitioner's own involvement with one child.
struct PractitionerInvolvementEntry {
  std::int64_t id = 0;  // assigned by PutPractitionerInvolvement on insert (id == 0)
  domain::ContactPointId child;
  std::int64_t user_id = 0;   // the practitioner whose involvement it is
  std::string organisation;   // their organisation's ID ("org:...", "la:...")
  domain::ServiceType service_type = domain::ServiceType::kSocialCare;
  std::optional<domain::PersonalText> phone;  // at least one of phone and email
  std::optional<domain::PersonalText> email;
  domain::Date start;
  std::optional<domain::Date> end;  // ended; an ended involvement is never lead
  // At most one lead per child among these rows (the store refuses a second
  // with kAlreadyExists); when it was marked.
  bool lead_professional = false;
  std::optional<core::Timestamp> lead_marked_at;
  // A Common Assessment exists and this practitioner records it, with the
  // holder's contact details (never any assessment content).
  bool caf = false;
  std::optional<domain::PersonalText> caf_holder_phone;
  std::optional<domain::PersonalText> caf_holder_email;
  // A sensitive service (domain::ServiceClass::kSensitive) is recorded only
  // with the child's or a parent's explicit consent, and when it was given.
  std::optional<domain::SensitiveConsent> consent;
  core::Timestamp recorded_at;
  core::Timestamp updated_at;
  friend bool operator==(const PractitionerInvolvementEntry&,
                         const PractitionerInvolvementEntry&) = default;
};

enum class ShieldState { kInForce, kLifted };
std::string_view ShieldStateName(ShieldState state);  // "in_force", "lifted"

// A shield's first review is due this long after it is requested (DOMAIN.md
// section 8), whoever requests it: a practitioner, or the matcher holding a
// possible duplicate of a shielded child.
inline constexpr std::chrono::days kFirstShieldReview{7};

// A child's shield: the latest request and its last review (the history is
// in the audit trail). In force from the moment it is requested.
struct ShieldEntry {
  domain::ContactPointId child;
  ShieldState state = ShieldState::kInForce;
  std::string ground;          // a code (practice/shield.h), never free text
  std::int64_t requested_by = 0;  // a user; 0: the matcher (Linker::Place)
  core::Timestamp requested_at;
  std::optional<core::Timestamp> review_due_at;  // when in force
  std::optional<std::int64_t> reviewed_by;
  std::optional<core::Timestamp> reviewed_at;
  friend bool operator==(const ShieldEntry&, const ShieldEntry&) = default;
};

}  // namespace cp::storage

#endif  // CP_STORAGE_PRACTICE_H_
