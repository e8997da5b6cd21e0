#include "core/sha256.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstdlib>

namespace cp::core {
namespace {

// A failing EVP call on an in-memory digest means no SHA-256 in this OpenSSL
// or no memory; neither leaves a digest worth returning.
void Check(int ok) {
  if (ok != 1) std::abort();
}

}  // namespace

struct Sha256::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  if (context_->ctx == nullptr) std::abort();
  Check(EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr));
}

Sha256::~Sha256() = default;

void Sha256::Update(const void* data, std::size_t size) {
  if (size > 0) Check(EVP_DigestUpdate(context_->ctx, data, size));
}

std::string Sha256::HexDigest() const {
  Context copy;
  if (copy.ctx == nullptr) std::abort();
  Check(EVP_MD_CTX_copy_ex(copy.ctx, context_->ctx));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  Check(EVP_DigestFinal_ex(copy.ctx, out, &n));
  std::string hex(2 * n + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out, n);
  hex.pop_back();  // the terminating NUL
  return hex;
}

}  // namespace cp::core
