// The one registry of ContactPoint error codes.
//
// Every error a user, a supplier or an operator can see carries one of these
// codes. The numbers and names are stable: they are quoted in receipts, API
// responses and documentation, so a code is never renumbered or reused. Add new
// codes at the end of their block. The category groups codes for transport
// mapping (the http module maps categories to HTTP statuses in one place).
#ifndef CP_CORE_ERROR_CODES_H_
#define CP_CORE_ERROR_CODES_H_

#include <cstdint>
#include <string_view>

namespace cp::core {

enum class ErrorCategory : std::uint8_t {
  kOk,
  kInvalidArgument,    // the input is wrong; the message says what to fix
  kNotFound,           // the thing named does not exist
  kAlreadyExists,      // it exists and may not be created again
  kPermissionDenied,   // the caller may not do this
  kUnauthenticated,    // the caller has not proved who they are
  kFailedPrecondition, // the system is not in a state that allows this
  kResourceExhausted,  // a limit was reached
  kAborted,            // a conflict; retrying may succeed
  kUnavailable,        // a dependency (disk, database) failed; retry later
  kDataLoss,           // stored data is damaged
  kInternal,           // a bug: an invariant did not hold
};

// X(enumerator, number, category, stable name)
#define CP_ERROR_CODES(X)                                                       \
  X(kOk, 0, kOk, "ok")                                                          \
  /* 1xxx: input validation */                                                  \
  X(kInvalidArgument, 1000, kInvalidArgument, "invalid_argument")               \
  X(kInvalidNhsNumber, 1001, kInvalidArgument, "invalid_nhs_number")            \
  X(kInvalidUpn, 1002, kInvalidArgument, "invalid_upn")                         \
  X(kInvalidUln, 1003, kInvalidArgument, "invalid_uln")                         \
  X(kInvalidPostcode, 1004, kInvalidArgument, "invalid_postcode")               \
  X(kInvalidDate, 1005, kInvalidArgument, "invalid_date")                       \
  X(kInvalidGender, 1006, kInvalidArgument, "invalid_gender")                   \
  X(kInvalidServiceType, 1007, kInvalidArgument, "invalid_service_type")        \
  X(kInvalidContactPointId, 1008, kInvalidArgument, "invalid_contactpoint_id")  \
  X(kInvalidName, 1009, kInvalidArgument, "invalid_name")                       \
  X(kInvalidRelationship, 1010, kInvalidArgument, "invalid_relationship")       \
  X(kInvalidContactDetails, 1011, kInvalidArgument, "invalid_contact_details")  \
  X(kInvalidRecord, 1012, kInvalidArgument, "invalid_record")                   \
  X(kInvalidConfiguration, 1013, kInvalidArgument, "invalid_configuration")     \
  X(kInvalidAuditEvent, 1014, kInvalidArgument, "invalid_audit_event")         \
  X(kAuditKeyInvalid, 1015, kInvalidArgument, "audit_key_invalid")             \
  X(kInvalidFeedLine, 1016, kInvalidArgument, "invalid_feed_line")             \
  X(kInvalidBatchHeader, 1017, kInvalidArgument, "invalid_batch_header")       \
  X(kInvalidPassword, 1018, kInvalidArgument, "invalid_password")             \
  X(kInvalidPin, 1019, kInvalidArgument, "invalid_pin")                       \
  X(kInvalidRole, 1020, kInvalidArgument, "invalid_role")                     \
  X(kInvalidOrganisation, 1021, kInvalidArgument, "invalid_organisation")     \
  X(kInvalidLinkageData, 1022, kInvalidArgument, "invalid_linkage_data")     \
  X(kTokenKeyInvalid, 1023, kInvalidArgument, "token_key_invalid")           \
  X(kInvalidUsername, 1024, kInvalidArgument, "invalid_username")           \
  /* 104x: practitioners' search and record view (search/) */                \
  X(kInvalidSearchCriteria, 1040, kInvalidArgument, "invalid_search_criteria") \
  X(kInsufficientSearchCriteria, 1041, kInvalidArgument, "insufficient_search_criteria") \
  X(kWildcardNotAllowed, 1042, kInvalidArgument, "wildcard_not_allowed")     \
  X(kReasonRequired, 1043, kInvalidArgument, "reason_required")               \
  X(kInvalidReason, 1044, kInvalidArgument, "invalid_reason")                 \
  /* 105x: practitioners' own entries: involvements, shields (practice/) */  \
  X(kInvalidShieldGround, 1050, kInvalidArgument, "invalid_shield_ground")   \
  X(kInvalidShieldDecision, 1051, kInvalidArgument, "invalid_shield_decision") \
  X(kInvalidAlertFinding, 1052, kInvalidArgument, "invalid_alert_finding")   \
  X(kInvalidConsent, 1053, kInvalidArgument, "invalid_consent")               \
  /* 2xxx: existence */                                                         \
  X(kNotFound, 2000, kNotFound, "not_found")                                    \
  X(kChildNotFound, 2001, kNotFound, "child_not_found")                         \
  X(kSourceRecordNotFound, 2002, kNotFound, "source_record_not_found")          \
  X(kAuditKeyNotFound, 2003, kNotFound, "audit_key_not_found")                \
  X(kLinkageDataNotFound, 2004, kNotFound, "linkage_data_not_found")         \
  X(kSourceNotFound, 2005, kNotFound, "source_not_found")                      \
  X(kOrganisationNotFound, 2006, kNotFound, "organisation_not_found")          \
  X(kUserNotFound, 2007, kNotFound, "user_not_found")                          \
  X(kTokenKeyNotFound, 2008, kNotFound, "token_key_not_found")                 \
  X(kInvolvementNotFound, 2009, kNotFound, "involvement_not_found")            \
  X(kAlertNotFound, 2010, kNotFound, "alert_not_found")                        \
  X(kAlreadyExists, 2100, kAlreadyExists, "already_exists")                     \
  X(kContactPointIdInUse, 2101, kAlreadyExists, "contactpoint_id_in_use")       \
  X(kBatchConflict, 2102, kAlreadyExists, "batch_conflict")                     \
  X(kSourceExists, 2103, kAlreadyExists, "source_exists")                       \
  X(kUserExists, 2104, kAlreadyExists, "user_exists")                           \
  /* 3xxx: access */                                                            \
  X(kPermissionDenied, 3000, kPermissionDenied, "permission_denied")            \
  X(kNotEligible, 3001, kPermissionDenied, "not_eligible")                      \
  X(kOutsideManagementScope, 3002, kPermissionDenied, "outside_management_scope")\
  X(kSecretsMustChange, 3003, kPermissionDenied, "secrets_must_change")        \
  X(kSuspendedForMisuse, 3004, kPermissionDenied, "suspended_for_misuse")      \
  X(kUnauthenticated, 3100, kUnauthenticated, "unauthenticated")                \
  X(kSignInFailed, 3101, kUnauthenticated, "sign_in_failed")                    \
  X(kSessionExpired, 3102, kUnauthenticated, "session_expired")                 \
  /* 4xxx: state */                                                             \
  X(kFailedPrecondition, 4000, kFailedPrecondition, "failed_precondition")      \
  X(kStoreSchemaTooNew, 4001, kFailedPrecondition, "store_schema_too_new")      \
  X(kTransactionClosed, 4002, kFailedPrecondition, "transaction_closed")        \
  X(kRedirectCycle, 4003, kFailedPrecondition, "redirect_cycle")                \
  X(kSourceRecordNotInReview, 4004, kFailedPrecondition, "source_record_not_in_review") \
  X(kCannotLink, 4005, kFailedPrecondition, "cannot_link")                      \
  X(kInvolvementEnded, 4006, kFailedPrecondition, "involvement_ended")          \
  X(kResourceExhausted, 4100, kResourceExhausted, "resource_exhausted")         \
  X(kSearchLimitReached, 4110, kResourceExhausted, "search_limit_reached")     \
  X(kAborted, 4200, kAborted, "aborted")                                        \
  X(kStoreBusy, 4201, kAborted, "store_busy")                                   \
  /* 5xxx: infrastructure */                                                    \
  X(kUnavailable, 5000, kUnavailable, "unavailable")                            \
  X(kStoreIo, 5001, kUnavailable, "store_io_error")                             \
  X(kStoreCannotOpen, 5002, kUnavailable, "store_cannot_open")                  \
  X(kNetwork, 5003, kUnavailable, "network_error")                              \
  X(kDataLoss, 5100, kDataLoss, "data_loss")                                    \
  X(kStoreCorrupt, 5101, kDataLoss, "store_corrupt")                            \
  X(kAuditTampered, 5102, kDataLoss, "audit_tampered")                          \
  /* 9xxx: bugs */                                                              \
  X(kInternal, 9000, kInternal, "internal")

enum class ErrorCode : std::uint16_t {
#define CP_ERROR_CODE_ENUMERATOR(name, number, category, text) name = number,
  CP_ERROR_CODES(CP_ERROR_CODE_ENUMERATOR)
#undef CP_ERROR_CODE_ENUMERATOR
};

// The stable snake_case name of a code, e.g. "invalid_nhs_number".
std::string_view ErrorCodeName(ErrorCode code);

// The category of a code, for transport mapping.
ErrorCategory CategoryOf(ErrorCode code);

// The name of a category, e.g. "invalid_argument".
std::string_view ErrorCategoryName(ErrorCategory category);

}  // namespace cp::core

#endif  // CP_CORE_ERROR_CODES_H_
