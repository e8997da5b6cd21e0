#include "synth/identifiers.h"

#include <cstdio>
#include <string_view>

namespace cp::synth {
namespace {

// An affine permutation of [0, modulus): multiplier coprime with modulus.
// Both below 2^30, so the product fits in 64 bits.
std::uint64_t Permute(std::uint64_t x, std::uint64_t multiplier, std::uint64_t offset,
                      std::uint64_t modulus) {
  return ((x % modulus) * multiplier + offset) % modulus;
}

int WeightedSumOfNine(const char* digits) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (digits[i] - '0') * (10 - i);
  return sum;
}

}  // namespace

std::string SyntheticNhsNumber(std::uint64_t ordinal) {
  // 8 digits 40000000..99999999 from the permutation; the ninth digit is the
  // first that avoids the never-valid check value 10 (its weight 2 makes the
  // ten choices give ten different remainders, so one always works).
  const std::uint64_t prefix = 40'000'000 + Permute(ordinal, 400'000'007, 12'345'678, 60'000'000);
  char buf[16];
  for (int d = 0; d <= 9; ++d) {
    std::snprintf(buf, sizeof buf, "%08llu%d", static_cast<unsigned long long>(prefix), d);
    const int check = 11 - WeightedSumOfNine(buf) % 11;
    if (check == 10) continue;
    buf[9] = static_cast<char>('0' + (check == 11 ? 0 : check));
    buf[10] = '\0';
    return buf;
  }
  return {};  // unreachable
}

std::string SyntheticUpn(int la_number, std::uint64_t ordinal) {
  static constexpr std::string_view kLetters = "ABCDEFGHJKLMNPQRTUVWXYZ";
  char buf[16];
  std::snprintf(
      buf, sizeof buf, "?%03d%09llu", la_number % 1000,
      static_cast<unsigned long long>(Permute(ordinal, 387'420'503, 271'828'182, 1'000'000'000)));
  int sum = 0;
  for (int position = 2; position <= 13; ++position) sum += (buf[position - 1] - '0') * position;
  buf[0] = kLetters[static_cast<std::size_t>(sum % 23)];
  return buf;
}

std::string SyntheticUln(std::uint64_t ordinal) {
  const std::uint64_t prefix = 10'000'000 + Permute(ordinal, 41'234'567, 3'141'592, 90'000'000);
  char buf[16];
  for (int d = 0; d <= 9; ++d) {
    std::snprintf(buf, sizeof buf, "%08llu%d", static_cast<unsigned long long>(prefix), d);
    const int remainder = WeightedSumOfNine(buf) % 11;
    if (remainder == 0) continue;
    buf[9] = static_cast<char>('0' + (10 - remainder));
    buf[10] = '\0';
    return buf;
  }
  return {};  // unreachable
}

std::uint64_t ScrambleKey(std::uint64_t ordinal, std::uint64_t salt) {
  constexpr std::uint64_t kMask = (std::uint64_t{1} << 40) - 1;
  std::uint64_t x = (ordinal ^ (salt & kMask)) & kMask;
  for (int round = 0; round < 3; ++round) {
    x = (x * 0x9E3779B97ull + (salt >> 24) + round) & kMask;  // odd multiplier: bijective
    x ^= x >> 17;                                             // xorshift: bijective
  }
  return x;
}

std::string ZeroPadded(std::uint64_t value, int width) {
  std::string s = std::to_string(value);
  if (static_cast<int>(s.size()) < width)
    s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
  return s;
}

std::uint64_t MixSeed(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace cp::synth
