// search: reasons.h — the coded list of reasons a user may state for opening
// a child's record (DOMAIN.md section 6: "a user must state a reason"), and
// the checks on what they state. This is the ONE list: the API, its
// documentation (docs/api.md "Reasons") and the audit trail use these codes.
//
// A stated reason is a code from the list plus, optionally, a short text in
// the user's words. The code goes into the audit event; the text may hold
// personal data, so it goes only into the audit trail's criteria table (kept
// apart from the log and destroyed with the record), never into a log line.
//
// Constant data and pure functions; thread-safe.
#ifndef CP_SEARCH_REASONS_H_
#define CP_SEARCH_REASONS_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/sensitive.h"
#include "core/status.h"

namespace cp::search {

struct ReasonInfo {
  std::string_view code;         // stable: stored in the audit trail
  std::string_view description;  // for people (the API lists them)
};

// Every reason a user may state, in the order a form shows them.
std::span<const ReasonInfo> ReasonCatalogue();

inline constexpr std::size_t kMaxReasonTextLength = 200;  // bytes of UTF-8
inline constexpr std::size_t kMaxReferenceLength = 60;  // fits the audit subject "scr:..."

// What a user stated, validated.
struct StatedReason {
  std::string code;
  std::optional<core::Sensitive<std::string>> text;
  // A serious-case-review (or child-death investigation) reference, needed
  // for an archived record: letters, digits and . _ : - only.
  std::optional<std::string> serious_case_review;
};

// Checks a stated reason. Errors name what to fix and never echo the text:
//   kReasonRequired  no code given ("state a reason: one of ...");
//   kInvalidReason   a code not in the list; a text longer than
//                    kMaxReasonTextLength bytes, not UTF-8, or holding
//                    control characters; a malformed reference.
core::StatusOr<StatedReason> ValidateReason(std::optional<std::string_view> code,
                                            std::optional<std::string_view> text,
                                            std::optional<std::string_view> serious_case_review);

}  // namespace cp::search

#endif  // CP_SEARCH_REASONS_H_
