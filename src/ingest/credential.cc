#include "ingest/credential.h"

#include <sodium.h>

namespace cp::ingest {
namespace {

constexpr std::string_view kPrefix = "cpsrc_";

std::string Hex(const unsigned char* bytes, std::size_t size) {
  std::string out(2 * size + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();
  return out;
}

}  // namespace

FeedCredential NewFeedCredential() {
  unsigned char secret[32];
  randombytes_buf(secret, sizeof secret);
  std::string text = std::string(kPrefix) + Hex(secret, sizeof secret);
  sodium_memzero(secret, sizeof secret);
  FeedCredential credential;
  credential.hash = HashFeedCredential(text);
  credential.secret = core::Sensitive<std::string>(std::move(text));
  return credential;
}

std::string HashFeedCredential(std::string_view presented) {
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(presented.data()),
                     presented.size(), nullptr, 0);
  return Hex(hash, sizeof hash);
}

bool FeedCredentialMatches(std::string_view presented, std::string_view stored_hash) {
  if (stored_hash.size() != 64) return false;
  const std::string hash = HashFeedCredential(presented);
  return sodium_memcmp(hash.data(), stored_hash.data(), hash.size()) == 0;
}

}  // namespace cp::ingest
