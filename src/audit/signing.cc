#include "audit/signing.h"

#include <sodium.h>
#include <unistd.h>

#include <utility>

#include "core/key_file.h"

namespace cp::audit {
namespace {

using core::ErrorCode;
using core::Status;

constexpr std::string_view kSecretHeader = "contactpoint-audit-signing-key v1";
constexpr std::string_view kPublicHeader = "contactpoint-audit-public-key v1";
constexpr std::size_t kMaxKeyFileBytes = 4096;

void InitSodium() {
  // sodium_init is idempotent and thread-safe; it fails only without entropy.
  if (sodium_init() < 0) std::abort();
}

Status KeyInvalid(const std::string& path, std::string_view why) {
  return Status(ErrorCode::kAuditKeyInvalid, "audit key file '" + path + "' " + std::string(why));
}

// Reads a small key file. `secret` also checks that only its owner can read
// or write it.
core::StatusOr<std::string> ReadKeyFile(const std::string& path, bool secret) {
  const std::string hint = "create one with 'contactpoint audit keygen --out " + path + "'";
  const core::KeyFileKind kind{
      secret ? "audit signing key" : "audit public key", ErrorCode::kAuditKeyNotFound,
      ErrorCode::kAuditKeyInvalid,
      secret ? std::string_view(hint)
             : std::string_view("it is written beside the signing key by 'contactpoint audit "
                                "keygen'"),
      kMaxKeyFileBytes};
  return core::ReadKeyFile(path, secret, kind);
}

// Parses "HEADER\nHEX\n" into `out`.
bool ParseKeyText(std::string_view text, std::string_view header, std::uint8_t* out,
                  std::size_t out_size) {
  if (!text.starts_with(header) || text.size() <= header.size() || text[header.size()] != '\n') {
    return false;
  }
  std::string_view hex = text.substr(header.size() + 1);
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.remove_suffix(1);
  if (hex.size() != 2 * out_size) return false;
  std::size_t written = 0;
  return sodium_hex2bin(out, out_size, hex.data(), hex.size(), nullptr, &written, nullptr) == 0 &&
         written == out_size;
}

std::string Hex(const std::uint8_t* bytes, std::size_t size) {
  std::string out(2 * size + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.resize(2 * size);
  return out;
}

// Writes `text` to a new file `path` with `mode`; never overwrites.
Status WriteNewFile(const std::string& path, std::string_view text, mode_t mode) {
  const core::KeyFileKind kind{"audit key", ErrorCode::kAuditKeyNotFound,
                               ErrorCode::kAuditKeyInvalid, "", kMaxKeyFileBytes};
  return core::WriteNewKeyFile(path, text, mode, kind);
}

}  // namespace

std::string SignedBytes(const CheckpointStatement& statement) {
  return "contactpoint audit checkpoint v1\nsize " + std::to_string(statement.tree_size) +
         "\nroot " + ToHex(statement.root) + "\ntime " +
         std::to_string(core::ToUnixMillis(statement.at)) + "\n";
}

// ---- PublicKey --------------------------------------------------------------------

core::StatusOr<PublicKey> PublicKey::Load(const std::string& path) {
  InitSodium();
  ASSIGN_OR_RETURN(std::string text, ReadKeyFile(path, /*secret=*/false));
  PublicKey key;
  if (!ParseKeyText(text, kPublicHeader, key.bytes_.data(), key.bytes_.size())) {
    return KeyInvalid(path, "is not a ContactPoint audit public key file");
  }
  return key;
}

std::string PublicKey::id() const {
  const Hash h =
      Sha256(std::string_view(reinterpret_cast<const char*>(bytes_.data()), bytes_.size()));
  return Hex(h.data(), 8);
}

bool PublicKey::Verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), bytes_.data()) == 0;
}

std::string PublicKey::FileText() const {
  return std::string(kPublicHeader) + "\n" + Hex(bytes_.data(), bytes_.size()) + "\n";
}

// ---- SigningKey -------------------------------------------------------------------

SigningKey SigningKey::FromSeed(const std::uint8_t* seed) {
  SigningKey key;
  crypto_sign_seed_keypair(key.public_key_.bytes_.data(), key.secret_.data(), seed);
  return key;
}

core::StatusOr<SigningKey> SigningKey::Load(const std::string& path) {
  InitSodium();
  ASSIGN_OR_RETURN(std::string text, ReadKeyFile(path, /*secret=*/true));
  std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
  const bool parsed = ParseKeyText(text, kSecretHeader, seed.data(), seed.size());
  sodium_memzero(text.data(), text.size());
  if (!parsed) return KeyInvalid(path, "is not a ContactPoint audit signing key file");
  SigningKey key = FromSeed(seed.data());
  sodium_memzero(seed.data(), seed.size());
  return key;
}

SigningKey SigningKey::Generate() {
  InitSodium();
  std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
  randombytes_buf(seed.data(), seed.size());
  SigningKey key = FromSeed(seed.data());
  sodium_memzero(seed.data(), seed.size());
  return key;
}

Status SigningKey::CreateFile(const std::string& path) {
  SigningKey key = Generate();
  std::string text =
      std::string(kSecretHeader) + "\n" + Hex(key.secret_.data(), crypto_sign_SEEDBYTES) + "\n";
  Status written = WriteNewFile(path, text, 0600);
  sodium_memzero(text.data(), text.size());
  RETURN_IF_ERROR(written);
  Status pub = WriteNewFile(PublicKeyPath(path), key.public_key().FileText(), 0644);
  if (!pub.ok()) {
    ::unlink(path.c_str());
    return pub;
  }
  return Status::Ok();
}

SigningKey::SigningKey(SigningKey&& other) noexcept
    : secret_(other.secret_), public_key_(other.public_key_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    public_key_ = other.public_key_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

std::string SigningKey::Sign(std::string_view message) const {
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_.data());
  return signature;
}

std::string DefaultKeyPath(const std::string& store_path) { return store_path + ".audit-key"; }

std::string PublicKeyPath(const std::string& key_path) { return key_path + ".pub"; }

}  // namespace cp::audit
