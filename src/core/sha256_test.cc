#include "core/sha256.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

namespace cp::core {
namespace {

std::string Digest(std::string_view text) {
  Sha256 sha;
  sha.Update(text);
  return sha.HexDigest();
}

// FIPS 180-2 test vectors.
TEST(Sha256Test, MatchesThePublishedVectors) {
  EXPECT_EQ(Digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 million;
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) million.Update(chunk);
  EXPECT_EQ(million.HexDigest(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Receipts stored before the change hold libsodium's digests: the two must
// agree on every input, however it is split.
TEST(Sha256Test, AgreesWithLibsodiumAcrossChunkings) {
  ASSERT_GE(sodium_init(), 0);
  std::string text;
  for (int i = 0; i < 5000; ++i) text += static_cast<char>((i * 131 + i / 7) & 0xff);
  unsigned char expected[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(expected, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, expected, sizeof expected);
  for (std::size_t step : {1u, 63u, 64u, 65u, 1000u, 5000u}) {
    Sha256 sha;
    for (std::size_t at = 0; at < text.size(); at += step) {
      sha.Update(std::string_view(text).substr(at, step));
    }
    EXPECT_EQ(sha.HexDigest(), hex) << "chunks of " << step;
  }
}

TEST(Sha256Test, ADigestTakenMidwayLeavesTheStreamGoing) {
  Sha256 sha;
  sha.Update("ab");
  EXPECT_EQ(sha.HexDigest(), Digest("ab"));
  sha.Update("c");
  EXPECT_EQ(sha.HexDigest(), Digest("abc"));
}

}  // namespace
}  // namespace cp::core
