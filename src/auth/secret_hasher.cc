#include "auth/secret_hasher.h"

#include <sodium.h>

#include <cstdlib>

namespace cp::auth {
namespace {

constexpr std::string_view kArgon2idPrefix = "$argon2id$";

void InitSodiumOrDie() {
  // Without libsodium nothing secure can be done; SecureRandom does the same.
  if (sodium_init() < 0) std::abort();
}

// crypto_pwhash_str_* read a NUL-terminated string.
bool FitsHashBuffer(std::string_view hash) { return hash.size() < crypto_pwhash_STRBYTES; }

}  // namespace

Argon2idParams MinimumParamsForTests() {
  return Argon2idParams{crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

Argon2idHasher::Argon2idHasher(Argon2idParams params) : params_(params) { InitSodiumOrDie(); }

core::StatusOr<std::string> Argon2idHasher::Hash(
    const core::Sensitive<std::string>& secret) const {
  char out[crypto_pwhash_STRBYTES];
  const std::string& text = secret.Reveal();
  if (crypto_pwhash_str_alg(out, text.data(), text.size(), params_.ops_limit,
                            static_cast<std::size_t>(params_.mem_limit_bytes),
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return core::Status(core::ErrorCode::kResourceExhausted,
                        "Argon2id could not allocate its memory: try again later");
  }
  return std::string(out);
}

core::StatusOr<bool> Argon2idHasher::Verify(std::string_view stored_hash,
                                            const core::Sensitive<std::string>& secret) const {
  if (!stored_hash.starts_with("$argon2") || !FitsHashBuffer(stored_hash)) {
    return core::Status(core::ErrorCode::kDataLoss, "the stored secret hash is not an Argon2 hash");
  }
  const std::string hash(stored_hash);
  const std::string& text = secret.Reveal();
  // libsodium answers -1 both for a mismatch and for an unreadable string; an
  // unreadable string was refused above as far as its prefix shows.
  return crypto_pwhash_str_verify(hash.c_str(), text.data(), text.size()) == 0;
}

bool Argon2idHasher::NeedsRehash(std::string_view stored_hash) const {
  if (!stored_hash.starts_with(kArgon2idPrefix) || !FitsHashBuffer(stored_hash)) return true;
  const std::string hash(stored_hash);
  return crypto_pwhash_argon2id_str_needs_rehash(
             hash.c_str(), params_.ops_limit,
             static_cast<std::size_t>(params_.mem_limit_bytes)) != 0;
}

void DummyVerify(const SecretHasher& hasher, const core::Sensitive<std::string>& candidate) {
  // The result is meaningless and deliberately ignored.
  (void)hasher.Verify(kDummyHash, candidate);
}

}  // namespace cp::auth
