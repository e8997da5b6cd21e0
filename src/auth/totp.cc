#include "auth/totp.h"

#include <liboath/oath.h>
#include <sodium.h>

#include <array>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <span>
#include <vector>

namespace cp::auth {
namespace {

// oath_init must run once per process before any other liboath call.
core::Status EnsureOathInitialised() {
  static std::once_flag once;
  static int rc = OATH_OK;
  std::call_once(once, [] { rc = oath_init(); });
  if (rc != OATH_OK) return core::Internal("liboath could not be initialised");
  return core::Status::Ok();
}

constexpr int kMaxDigits = 8;

}  // namespace

TotpSecret GenerateTotpSecret(core::Random& random) {
  std::string bytes(kTotpSecretBytes, '\0');
  random.Fill(std::as_writable_bytes(std::span<char>(bytes)));
  return TotpSecret(std::move(bytes));
}

core::Sensitive<std::string> Base32Encode(const TotpSecret& secret) {
  // RFC 4648 base32 is simple enough to write out, and doing so avoids freeing
  // liboath's malloc'd buffer holding a copy of the secret without wiping it.
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const std::string& in = secret.Reveal();
  std::string out;
  out.reserve((in.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 0x1F]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1F]);
  return core::Sensitive<std::string>(std::move(out));
}

core::Sensitive<std::string> OtpAuthUri(std::string_view username, const TotpSecret& secret) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string label;
  for (char c : username) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
                            (u >= '0' && u <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~';
    if (unreserved) {
      label.push_back(c);
    } else {
      label.push_back('%');
      label.push_back(kHex[u >> 4]);
      label.push_back(kHex[u & 0x0F]);
    }
  }
  std::string uri = "otpauth://totp/";
  uri.append(kTotpIssuer).append(":").append(label);
  uri.append("?secret=").append(Base32Encode(secret).Reveal());
  uri.append("&issuer=").append(kTotpIssuer);
  return core::Sensitive<std::string>(std::move(uri));
}

Totp::Totp(TotpConfig config) : config_(config) {
  if (config_.digits < 6 || config_.digits > kMaxDigits || config_.step.count() <= 0 ||
      config_.window < 0) {
    std::abort();  // a programming error: configurations are constants
  }
}

std::int64_t Totp::StepAt(core::Timestamp at) const {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(at).time_since_epoch().count();
  const auto step = config_.step.count();
  return seconds >= 0 ? seconds / step : (seconds - step + 1) / step;
}

core::StatusOr<core::Sensitive<std::string>> Totp::Generate(const TotpSecret& secret,
                                                            core::Timestamp at) const {
  RETURN_IF_ERROR(EnsureOathInitialised());
  const std::int64_t step = StepAt(at);
  if (step < 0) return core::InvalidArgument("TOTP time is before 1970");
  if (secret.Reveal().empty()) return core::InvalidArgument("the TOTP secret is empty");
  std::array<char, kMaxDigits + 1> out{};
  const int rc = oath_totp_generate(secret.Reveal().data(), secret.Reveal().size(),
                                    static_cast<time_t>(step * config_.step.count()),
                                    static_cast<unsigned>(config_.step.count()), 0,
                                    static_cast<unsigned>(config_.digits), out.data());
  if (rc != OATH_OK) return core::Internal("liboath could not generate a TOTP code");
  std::string code(out.data(), static_cast<std::size_t>(config_.digits));
  sodium_memzero(out.data(), out.size());
  return core::Sensitive<std::string>(std::move(code));
}

core::StatusOr<TotpVerification> Totp::Verify(const TotpSecret& secret,
                                              const core::Sensitive<std::string>& code,
                                              core::Timestamp now,
                                              std::optional<std::int64_t> last_used_step) const {
  std::string typed;
  bool well_formed = true;
  for (char c : code.Reveal()) {
    if (c == ' ') continue;
    if (c < '0' || c > '9') well_formed = false;
    typed.push_back(c);
  }
  well_formed = well_formed && typed.size() == static_cast<std::size_t>(config_.digits);

  const std::int64_t current = StepAt(now);
  // Offsets in order of preference: the current step, then the past, then the
  // future. Every candidate is computed and compared, matched or not.
  std::vector<int> offsets{0};
  for (int k = 1; k <= config_.window; ++k) {
    offsets.push_back(-k);
    offsets.push_back(k);
  }
  TotpVerification result;
  bool matched_any = false;
  bool accepted = false;
  for (int offset : offsets) {
    const std::int64_t step = current + offset;
    if (step < 0) continue;
    ASSIGN_OR_RETURN(auto expected,
                     Generate(secret, core::Timestamp(std::chrono::seconds(step * config_.step.count()))));
    const bool equal =
        well_formed && sodium_memcmp(expected.Reveal().data(), typed.data(), typed.size()) == 0;
    if (!equal) continue;
    matched_any = true;
    const bool fresh = !last_used_step.has_value() || step > *last_used_step;
    if (fresh && !accepted) {
      accepted = true;
      result.step = step;
      result.drift = offset;
    }
  }
  sodium_memzero(typed.data(), typed.size());
  result.outcome = accepted      ? TotpVerification::Outcome::kAccepted
                   : matched_any ? TotpVerification::Outcome::kReused
                                 : TotpVerification::Outcome::kWrongCode;
  return result;
}

}  // namespace cp::auth
