// auth: secret_hasher.h — one-way hashing of passwords and PINs (Argon2id).
//
// Parameters: Argon2id, memory 64 MiB, 3 passes, 1 lane. ASVS level 3 asks for
// a hash at least as strong as the OWASP Password Storage Cheat Sheet's
// Argon2id minimum (m=19 MiB, t=2, p=1); we go beyond it to RFC 9106's
// "memory-constrained" recommendation (m=64 MiB, t=3), keeping one lane because
// libsodium's crypto_pwhash_str always uses one. One hash costs roughly 0.1 to
// 0.2 s of one core on the 2-core reference machine: slow enough that a stolen
// table of hashes resists offline guessing, fast enough for an interactive
// sign-in, and 64 MiB per concurrent sign-in bounds memory under load. Raising
// the parameters later means changing kProductionParams (and kDummyHash):
// NeedsRehash then reports every older hash, and the sign-in flow rehashes it
// while it holds the plaintext.
//
// No user enumeration: a sign-in for an unknown username calls DummyVerify,
// which runs a real Argon2id verification (against kDummyHash, made with the
// production parameters from a random, discarded password) so that the answer
// takes the same time as for a known user with a wrong password.
//
// Secrets arrive as core::Sensitive<std::string> and are never logged; error
// messages never contain them.
#ifndef CP_AUTH_SECRET_HASHER_H_
#define CP_AUTH_SECRET_HASHER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/sensitive.h"
#include "core/status.h"

namespace cp::auth {

// Argon2id cost parameters.
struct Argon2idParams {
  std::uint64_t ops_limit = 0;        // passes over memory (t)
  std::uint64_t mem_limit_bytes = 0;  // memory (m), in bytes
};

// What ContactPoint uses for every password and PIN.
inline constexpr Argon2idParams kProductionParams{3, 64ull * 1024 * 1024};

// The cheapest parameters libsodium accepts. Only for tests of code around the
// hasher, where the cost of Argon2id itself is not what is being tested.
Argon2idParams MinimumParamsForTests();

// An Argon2id hash (production parameters) of a random password nobody knows.
inline constexpr std::string_view kDummyHash =
    "$argon2id$v=19$m=65536,t=3,p=1$AXgth82faKSFVmlovpcs8g$"
    "yyPCB6J92uZCA15nC/SzOmxGpNdiiLjbQZDbLIcNx6g";

// Hashes and verifies secrets. An interface so that tests of sign-in flows can
// count or fake calls. Implementations are thread-safe.
class SecretHasher {
 public:
  virtual ~SecretHasher() = default;

  // A self-describing hash string ("$argon2id$v=19$m=...,t=...,p=1$salt$hash")
  // with a fresh random salt. kResourceExhausted if memory cannot be had.
  virtual core::StatusOr<std::string> Hash(const core::Sensitive<std::string>& secret) const = 0;

  // True when `secret` matches `stored_hash`, false when it does not.
  // kDataLoss when `stored_hash` is not an Argon2 hash string.
  virtual core::StatusOr<bool> Verify(std::string_view stored_hash,
                                      const core::Sensitive<std::string>& secret) const = 0;

  // True when `stored_hash` was made with other parameters or another
  // algorithm (or is unreadable), so that it should be replaced by Hash() of
  // the plaintext after a successful Verify.
  virtual bool NeedsRehash(std::string_view stored_hash) const = 0;
};

// libsodium's Argon2id. Stateless apart from its parameters; thread-safe.
// Create one per process and share it by reference.
class Argon2idHasher final : public SecretHasher {
 public:
  explicit Argon2idHasher(Argon2idParams params = kProductionParams);

  core::StatusOr<std::string> Hash(const core::Sensitive<std::string>& secret) const override;
  core::StatusOr<bool> Verify(std::string_view stored_hash,
                              const core::Sensitive<std::string>& secret) const override;
  bool NeedsRehash(std::string_view stored_hash) const override;

  const Argon2idParams& params() const { return params_; }

 private:
  Argon2idParams params_;
};

// For a sign-in whose username is unknown (or whose account has no such
// secret): verifies `candidate` against kDummyHash with `hasher`, costing what a
// real verification costs, and discards the result. The caller then answers
// exactly as for a wrong password.
void DummyVerify(const SecretHasher& hasher, const core::Sensitive<std::string>& candidate);

}  // namespace cp::auth

#endif  // CP_AUTH_SECRET_HASHER_H_
