// Streaming SHA-256 for whole files (batch content digests). OpenSSL's
// implementation uses the CPU's SHA instructions, about six times libsodium's
// portable one, which was half the cost of checking a batch (see
// docs/ARCHITECTURE.md, "SHA-256 of batch files"). The digests are the same
// bytes either way, so stored receipts keep matching.
#ifndef CP_CORE_SHA256_H_
#define CP_CORE_SHA256_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace cp::core {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, std::size_t size);
  void Update(std::string_view text) { Update(text.data(), text.size()); }

  // The digest of everything added so far, as 64 lower-case hex digits. More
  // may be added afterwards.
  std::string HexDigest() const;

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace cp::core

#endif  // CP_CORE_SHA256_H_
