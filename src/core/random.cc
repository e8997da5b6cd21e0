#include "core/random.h"

#include <sodium.h>

#include <algorithm>
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

BufferedRandom::~BufferedRandom() { sodium_memzero(block_, sizeof block_); }

void BufferedRandom::Fill(std::span<std::byte> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (next_ == kBlock) {
      source_.Fill(block_);
      next_ = 0;
    }
    const std::size_t n = std::min(kBlock - next_, out.size() - done);
    std::memcpy(out.data() + done, block_ + next_, n);
    sodium_memzero(block_ + next_, n);
    next_ += n;
    done += n;
  }
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
