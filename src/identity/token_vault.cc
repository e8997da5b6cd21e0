#include "identity/token_vault.h"

#include <sodium.h>

#include <cstdlib>
#include <utility>

#include "core/key_file.h"

namespace cp::identity {
namespace {

using core::ErrorCode;
using core::Status;

constexpr std::string_view kHeader = "contactpoint-token-key v1";
static_assert(crypto_secretbox_KEYBYTES == 32);

void InitSodium() {
  if (sodium_init() < 0) std::abort();  // only without entropy
}

core::KeyFileKind Kind(const std::string& hint) {
  return core::KeyFileKind{"token sealing key", ErrorCode::kTokenKeyNotFound,
                           ErrorCode::kTokenKeyInvalid, hint, 4096};
}

}  // namespace

std::string DefaultTokenKeyPath(const std::string& store) { return store + ".token-key"; }

core::StatusOr<TokenVault> TokenVault::Load(const std::string& path) {
  InitSodium();
  const std::string hint =
      "'contactpoint init' creates it beside a new store; it cannot be recreated for an "
      "existing store without re-enrolling every token";
  ASSIGN_OR_RETURN(std::string text, core::ReadKeyFile(path, /*secret=*/true, Kind(hint)));
  TokenVault vault;
  std::string_view hex(text);
  bool parsed = hex.starts_with(kHeader) && hex.size() > kHeader.size() &&
                hex[kHeader.size()] == '\n';
  if (parsed) {
    hex.remove_prefix(kHeader.size() + 1);
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.remove_suffix(1);
    std::size_t written = 0;
    parsed = hex.size() == 2 * vault.key_.size() &&
             sodium_hex2bin(vault.key_.data(), vault.key_.size(), hex.data(), hex.size(),
                            nullptr, &written, nullptr) == 0 &&
             written == vault.key_.size();
  }
  sodium_memzero(text.data(), text.size());
  if (!parsed) {
    return Status(ErrorCode::kTokenKeyInvalid,
                  "token sealing key file '" + path + "' is not a ContactPoint token key file");
  }
  return vault;
}

Status TokenVault::CreateFile(const std::string& path) {
  InitSodium();
  std::array<std::uint8_t, 32> key{};
  crypto_secretbox_keygen(key.data());
  std::string hex(2 * key.size() + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
  hex.resize(2 * key.size());
  std::string text = std::string(kHeader) + "\n" + hex + "\n";
  Status written = core::WriteNewKeyFile(path, text, 0600, Kind(""));
  sodium_memzero(text.data(), text.size());
  sodium_memzero(hex.data(), hex.size());
  sodium_memzero(key.data(), key.size());
  return written;
}

TokenVault TokenVault::FromRandom(core::Random& random) {
  InitSodium();
  TokenVault vault;
  random.Fill(std::as_writable_bytes(std::span(vault.key_)));
  return vault;
}

TokenVault::TokenVault(TokenVault&& other) noexcept : key_(other.key_) {
  sodium_memzero(other.key_.data(), other.key_.size());
}

TokenVault& TokenVault::operator=(TokenVault&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    sodium_memzero(other.key_.data(), other.key_.size());
  }
  return *this;
}

TokenVault::~TokenVault() { sodium_memzero(key_.data(), key_.size()); }

std::string TokenVault::Seal(const core::Sensitive<std::string>& secret,
                             core::Random& random) const {
  const std::string& plain = secret.Reveal();
  std::string sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  random.Fill(std::as_writable_bytes(std::span(out, crypto_secretbox_NONCEBYTES)));
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), out,
                        key_.data());
  return sealed;
}

core::StatusOr<core::Sensitive<std::string>> TokenVault::Open(std::string_view sealed) const {
  constexpr std::size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (sealed.size() < kOverhead) {
    return Status(ErrorCode::kStoreCorrupt, "a stored token secret is truncated");
  }
  std::string plain(sealed.size() - kOverhead, '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 in + crypto_secretbox_NONCEBYTES,
                                 sealed.size() - crypto_secretbox_NONCEBYTES, in,
                                 key_.data()) != 0) {
    return Status(ErrorCode::kStoreCorrupt,
                  "a stored token secret does not open with this token key: the key file "
                  "belongs to another store, or the store was altered");
  }
  return core::Sensitive<std::string>(std::move(plain));
}

}  // namespace cp::identity
