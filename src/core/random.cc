#include "core/random.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace cp::core {

std::uint64_t Random::Uniform(std::uint64_t upper) {
  if (upper <= 1) return 0;
  // Reject the top partial range so every value is equally likely.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % upper);
  for (;;) {
    std::uint64_t v;
    Fill(std::as_writable_bytes(std::span(&v, 1)));
    if (v < limit) return v % upper;
  }
}

SecureRandom::SecureRandom() {
  if (sodium_init() < 0) std::abort();
}

void SecureRandom::Fill(std::span<std::byte> out) {
  randombytes_buf(out.data(), out.size());
}

std::uint64_t SeededRandom::Next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void SeededRandom::Fill(std::span<std::byte> out) {
  std::size_t i = 0;
  while (i < out.size()) {
    const std::uint64_t v = Next();
    const std::size_t n = std::min(sizeof v, out.size() - i);
    std::memcpy(out.data() + i, &v, n);
    i += n;
  }
}

}  // namespace cp::core
