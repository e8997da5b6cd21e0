#include "search/reasons.h"

#include <array>

namespace cp::search {
namespace {

using core::ErrorCode;
using core::Status;

constexpr std::array<ReasonInfo, 11> kReasons = {{
    {"child_protection", "A child protection enquiry or concern about the child's safety"},
    {"emergency_care", "Emergency care or treatment of the child (e.g. in A&E)"},
    {"assessment", "Assessing the child's needs (e.g. a Common Assessment)"},
    {"service_delivery", "Providing or arranging a service for the child"},
    {"contact_practitioner", "Contacting another practitioner or service involved with the child"},
    {"missing_education", "A child missing education, or not known to a school"},
    {"information_referral", "Information and referral: establishing which services are involved"},
    {"data_quality", "Resolving a data quality or matching problem (data administrators)"},
    {"subject_access", "A subject access request or a request to correct the record"},
    {"serious_case_review", "A serious case review or child-death investigation"},
    {"misuse_investigation", "Investigating possible misuse of ContactPoint (managers)"},
}};

std::string CodeList() {
  std::string out;
  for (const ReasonInfo& r : kReasons) {
    if (!out.empty()) out += ", ";
    out += r.code;
  }
  return out;
}

// Whether `text` is well-formed UTF-8 without control characters (C0, DEL,
// C1) or line/paragraph separators.
bool PlainUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = 0;
    std::size_t len = 0;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
                          (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) {
      return false;
    }
    i += len;
  }
  return true;
}

bool ReferenceChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

}  // namespace

std::span<const ReasonInfo> ReasonCatalogue() { return kReasons; }

core::StatusOr<StatedReason> ValidateReason(std::optional<std::string_view> code,
                                            std::optional<std::string_view> text,
                                            std::optional<std::string_view> serious_case_review) {
  if (!code || code->empty()) {
    return Status(ErrorCode::kReasonRequired,
                  "state why you are opening this record: 'reason' must be one of " + CodeList());
  }
  bool known = false;
  for (const ReasonInfo& r : kReasons) known = known || r.code == *code;
  if (!known) {
    return Status(ErrorCode::kInvalidReason,
                  "'reason' is not a reason code; use one of " + CodeList());
  }
  StatedReason out;
  out.code = std::string(*code);
  if (text && !text->empty()) {
    if (text->size() > kMaxReasonTextLength) {
      return Status(ErrorCode::kInvalidReason,
                    "'reason_text' is longer than " + std::to_string(kMaxReasonTextLength) +
                        " bytes: shorten it (the reason code carries the purpose)");
    }
    if (!PlainUtf8(*text)) {
      return Status(ErrorCode::kInvalidReason,
                    "'reason_text' must be plain UTF-8 text on one line, without control "
                    "characters");
    }
    out.text = core::Sensitive<std::string>(std::string(*text));
  }
  if (serious_case_review && !serious_case_review->empty()) {
    bool ok = serious_case_review->size() <= kMaxReferenceLength;
    for (char c : *serious_case_review) ok = ok && ReferenceChar(c);
    if (!ok) {
      return Status(ErrorCode::kInvalidReason,
                    "'serious_case_review' must be a reference of at most " +
                        std::to_string(kMaxReferenceLength) +
                        " letters, digits and . _ : - (no names)");
    }
    out.serious_case_review = std::string(*serious_case_review);
  }
  return out;
}

}  // namespace cp::search
