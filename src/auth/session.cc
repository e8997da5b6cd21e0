#include "auth/session.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <span>

namespace cp::auth {
namespace {

SessionTokenHash HashToken(std::string_view token) {
  if (sodium_init() < 0) std::abort();  // idempotent; nothing secure works without it
  std::array<unsigned char, kSessionTokenHashBytes> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  std::array<char, kSessionTokenHashBytes * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return SessionTokenHash(std::string(hex.data(), kSessionTokenHashBytes * 2));
}

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

}  // namespace

SessionToken NewSessionToken(core::Random& random) {
  std::array<unsigned char, kSessionTokenBytes> raw{};
  random.Fill(std::as_writable_bytes(std::span(raw)));
  const std::size_t encoded_size =
      sodium_base64_ENCODED_LEN(kSessionTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string encoded(encoded_size, '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.resize(kSessionTokenEncodedLength);  // drop the terminating NUL
  sodium_memzero(raw.data(), raw.size());
  SessionToken issued{core::Sensitive<std::string>(std::move(encoded)), {}};
  issued.hash = HashToken(issued.token.Reveal());
  return issued;
}

core::StatusOr<SessionTokenHash> HashPresentedToken(const core::Sensitive<std::string>& token) {
  const std::string& text = token.Reveal();
  bool valid = text.size() == kSessionTokenEncodedLength;
  for (char c : text) valid = valid && IsBase64UrlChar(c);
  if (!valid) return core::Status(core::ErrorCode::kUnauthenticated, "sign in again");
  return HashToken(text);
}

SessionPolicy::Verdict SessionPolicy::Check(core::Timestamp created_at, core::Timestamp last_seen,
                                            core::Timestamp now) const {
  const auto since_created = std::max(now - created_at, std::chrono::milliseconds::zero());
  const auto since_seen = std::max(now - last_seen, std::chrono::milliseconds::zero());
  if (since_created >= absolute_) return Verdict::kExpiredAbsolute;
  if (since_seen >= idle_) return Verdict::kExpiredIdle;
  return Verdict::kLive;
}

std::string_view VerdictName(SessionPolicy::Verdict verdict) {
  switch (verdict) {
    case SessionPolicy::Verdict::kLive: return "live";
    case SessionPolicy::Verdict::kExpiredIdle: return "expired_idle";
    case SessionPolicy::Verdict::kExpiredAbsolute: return "expired_absolute";
  }
  return "unknown";
}

}  // namespace cp::auth
