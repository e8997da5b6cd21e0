#include "auth/secret_rules.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace cp::auth {
namespace {

core::Status PasswordError(std::string message) {
  return core::Status(core::ErrorCode::kInvalidPassword, std::move(message));
}

core::Status PinError(std::string message) {
  return core::Status(core::ErrorCode::kInvalidPin, std::move(message));
}

// Decodes UTF-8 into code points; nullopt for malformed, overlong or surrogate
// sequences.
std::optional<std::vector<char32_t>> DecodeUtf8(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    int extra = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (lead < 0x80) {
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, cp = lead & 0x07, min = 0x10000;
    } else {
      return std::nullopt;
    }
    if (i + extra >= text.size()) return std::nullopt;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    out.push_back(cp);
    i += 1 + extra;
  }
  return out;
}

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool ContainsIgnoringAsciiCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty() || needle.size() > haystack.size()) return false;
  for (std::size_t start = 0; start + needle.size() <= haystack.size(); ++start) {
    std::size_t k = 0;
    while (k < needle.size() && AsciiLower(haystack[start + k]) == AsciiLower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

}  // namespace

core::Status ValidatePassword(const core::Sensitive<std::string>& password,
                              std::string_view username,
                              const BreachedPasswordCheck& is_known_breached) {
  const std::string& text = password.Reveal();
  const auto code_points = DecodeUtf8(text);
  if (!code_points) return PasswordError("the password is not valid UTF-8 text");
  const std::size_t length = code_points->size();
  if (length < kMinPasswordLength) {
    return PasswordError("the password must be at least 12 characters long");
  }
  if (length > kMaxPasswordLength) {
    return PasswordError("the password must be at most 128 characters long");
  }
  for (char32_t cp : *code_points) {
    if (IsControl(cp)) return PasswordError("the password must not contain control characters");
  }
  bool all_same = true;
  for (char32_t cp : *code_points) all_same = all_same && cp == code_points->front();
  if (all_same) return PasswordError("the password must not be one character repeated");
  if (ContainsIgnoringAsciiCase(text, username)) {
    return PasswordError("the password must not contain the username");
  }
  if (is_known_breached && is_known_breached(password)) {
    return PasswordError("the password appears in a list of breached passwords: choose another");
  }
  return core::Status::Ok();
}

core::Status ValidatePin(const core::Sensitive<std::string>& pin) {
  const std::string& text = pin.Reveal();
  if (text.size() < kMinPinLength || text.size() > kMaxPinLength) {
    return PinError("the PIN must be 6 to 8 digits");
  }
  for (char c : text) {
    if (c < '0' || c > '9') return PinError("the PIN must be 6 to 8 digits");
  }
  bool same = true, up = true, down = true;
  for (std::size_t i = 1; i < text.size(); ++i) {
    same = same && text[i] == text[i - 1];
    up = up && text[i] == text[i - 1] + 1;
    down = down && text[i] == text[i - 1] - 1;
  }
  if (same) return PinError("the PIN must not be one digit repeated");
  if (up || down) return PinError("the PIN must not be a run of consecutive digits");
  return core::Status::Ok();
}

}  // namespace cp::auth
