// Randomness, injected. Identifiers that must not be guessable (ContactPoint
// IDs, session tokens) are drawn from SecureRandom (libsodium's CSPRNG). Tests
// and the synthetic population generator use SeededRandom, which is repeatable
// and must never be used for anything secret.
#ifndef CP_CORE_RANDOM_H_
#define CP_CORE_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace cp::core {

// A source of random bytes. Implementations say whether they are thread-safe.
class Random {
 public:
  virtual ~Random() = default;

  // Fills `out` with random bytes.
  virtual void Fill(std::span<std::byte> out) = 0;

  // A uniformly distributed integer in [0, upper), without modulo bias.
  // `upper` must be at least 1.
  std::uint64_t Uniform(std::uint64_t upper);
};

// libsodium's randombytes: cryptographically secure. Thread-safe.
class SecureRandom final : public Random {
 public:
  // Initialises libsodium; aborts if the operating system offers no entropy,
  // because nothing secure can be done without it.
  SecureRandom();
  void Fill(std::span<std::byte> out) override;
};

// Draws from another Random a block at a time, and gives out the block's
// bytes in order: for many small draws in a row (a block of ContactPoint
// IDs) one call to the source, a system call for SecureRandom, instead of
// one per draw. Every byte is wiped once given out, and what is left when it
// goes. Meant to live only for that run of draws. Not thread-safe.
class BufferedRandom final : public Random {
 public:
  explicit BufferedRandom(Random& source) : source_(source) {}
  BufferedRandom(const BufferedRandom&) = delete;
  BufferedRandom& operator=(const BufferedRandom&) = delete;
  ~BufferedRandom() override;
  void Fill(std::span<std::byte> out) override;

 private:
  static constexpr std::size_t kBlock = 256;
  Random& source_;
  std::byte block_[kBlock] = {};
  std::size_t next_ = kBlock;  // the first byte not yet given out
};

// A repeatable generator (splitmix64) for tests and synthetic data. Not secure.
// Not thread-safe.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  void Fill(std::span<std::byte> out) override;
  std::uint64_t Next();

 private:
  std::uint64_t state_;
};

}  // namespace cp::core

#endif  // CP_CORE_RANDOM_H_
