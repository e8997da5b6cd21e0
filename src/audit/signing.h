// The audit trail's signing key and signed checkpoints.
//
// A checkpoint states "the first N entries of the log have Merkle root R, as
// of time T" and is signed with Ed25519 (libsodium crypto_sign_detached). The
// signing key is held OUTSIDE the store, in a key file readable only by its
// owner (mode 0600, like an SSH private key), so whoever can edit the store
// cannot forge a checkpoint. Verifiers need only the public key file.
//
// Key files (text, one value per line):
//   PATH      "contactpoint-audit-signing-key v1\n" + 64 hex digits (the seed)
//   PATH.pub  "contactpoint-audit-public-key v1\n"  + 64 hex digits
// Created by `contactpoint audit keygen --out PATH`, or by `contactpoint init`
// beside the store (STORE.audit-key) when none exists. Key material never
// reaches a log line or an error message; messages name the file.
#ifndef CP_AUDIT_SIGNING_H_
#define CP_AUDIT_SIGNING_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/merkle.h"
#include "core/clock.h"
#include "core/status.h"

namespace cp::audit {

// What a checkpoint signs.
struct CheckpointStatement {
  std::int64_t tree_size = 0;
  Hash root{};
  core::Timestamp at;
};

// The exact bytes signed: "contactpoint audit checkpoint v1\n"
// "size N\nroot HEX\ntime MS\n". Any change to size, root or time changes them.
std::string SignedBytes(const CheckpointStatement& statement);

// An Ed25519 public key. A value type; thread-safe.
class PublicKey {
 public:
  // Reads PATH (a .pub file). kAuditKeyNotFound when it does not exist,
  // kAuditKeyInvalid when it cannot be read or is not a public key file.
  static core::StatusOr<PublicKey> Load(const std::string& path);

  // A short, stable name for the key: the first 8 bytes of SHA-256 of the
  // public key, in hex. Stored beside each checkpoint.
  std::string id() const;

  bool Verify(std::string_view message, std::string_view signature) const;

  // The file text (see above).
  std::string FileText() const;

 private:
  friend class SigningKey;
  std::array<std::uint8_t, 32> bytes_{};
};

// An Ed25519 signing key. Owns its secret, wiped on destruction. Move-only;
// Sign is thread-safe.
class SigningKey {
 public:
  // Reads a key file. kAuditKeyNotFound when PATH does not exist (the message
  // says how to create one); kAuditKeyInvalid when it cannot be read, is
  // readable or writable by group or others, or is not a signing key file.
  static core::StatusOr<SigningKey> Load(const std::string& path);

  // A new random key.
  static SigningKey Generate();

  // Writes a new key to PATH (mode 0600, refusing to overwrite:
  // kAlreadyExists) and its public key to PATH.pub (mode 0644).
  static core::Status CreateFile(const std::string& path);

  SigningKey(SigningKey&& other) noexcept;
  SigningKey& operator=(SigningKey&& other) noexcept;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey();

  const PublicKey& public_key() const { return public_key_; }

  // The 64-byte detached signature of `message`.
  std::string Sign(std::string_view message) const;

 private:
  SigningKey() = default;
  static SigningKey FromSeed(const std::uint8_t* seed);

  std::array<std::uint8_t, 64> secret_{};  // libsodium's seed || public key
  PublicKey public_key_;
};

// The default key file for a store at `store_path`: "STORE.audit-key".
std::string DefaultKeyPath(const std::string& store_path);
// The public key file beside a key file: "PATH.pub".
std::string PublicKeyPath(const std::string& key_path);

}  // namespace cp::audit

#endif  // CP_AUDIT_SIGNING_H_
