// TokenVault: seals the TOTP secrets of users' security tokens for storage.
//
// A TOTP secret must be recoverable (the server recomputes the codes), so it
// cannot be hashed like a password; it is sealed with libsodium's secretbox
// (XSalsa20-Poly1305) under a key held OUTSIDE the store, in a key file
// readable only by its owner. Whoever copies the store alone learns no token
// secret. The sealed form is nonce || ciphertext; tampering is detected.
//
// Key file (text): "contactpoint-token-key v1\n" + 64 hex digits. Created by
// `contactpoint init` beside the store (STORE.token-key) when none exists.
//
// Move-only; the key is wiped on destruction; Seal and Open are thread-safe.
#ifndef CP_IDENTITY_TOKEN_VAULT_H_
#define CP_IDENTITY_TOKEN_VAULT_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/sensitive.h"
#include "core/status.h"

namespace cp::identity {

// STORE + ".token-key".
std::string DefaultTokenKeyPath(const std::string& store);

class TokenVault {
 public:
  // kTokenKeyNotFound when PATH does not exist (the message says how to make
  // one); kTokenKeyInvalid when it is unreadable, unsafe or malformed.
  static core::StatusOr<TokenVault> Load(const std::string& path);
  // Writes a new random key to PATH (mode 0600); kAlreadyExists if present.
  static core::Status CreateFile(const std::string& path);
  // A vault with a key drawn from `random` (tests).
  static TokenVault FromRandom(core::Random& random);

  TokenVault(TokenVault&& other) noexcept;
  TokenVault& operator=(TokenVault&& other) noexcept;
  TokenVault(const TokenVault&) = delete;
  TokenVault& operator=(const TokenVault&) = delete;
  ~TokenVault();

  // nonce || ciphertext; a fresh random nonce each time.
  std::string Seal(const core::Sensitive<std::string>& secret, core::Random& random) const;
  // kStoreCorrupt when `sealed` was not sealed by this key or was altered.
  core::StatusOr<core::Sensitive<std::string>> Open(std::string_view sealed) const;

 private:
  TokenVault() = default;
  std::array<std::uint8_t, 32> key_{};
};

}  // namespace cp::identity

#endif  // CP_IDENTITY_TOKEN_VAULT_H_
