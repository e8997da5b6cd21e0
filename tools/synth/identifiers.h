// Synthetic identifiers that pass the checks real ones must pass.
//
// Each function maps an ordinal (0, 1, 2, ...) to an identifier through a
// fixed permutation, so distinct ordinals always give distinct identifiers and
// consecutive ordinals do not give consecutive numbers. Pure functions;
// thread-safe.
#ifndef CP_SYNTH_IDENTIFIERS_H_
#define CP_SYNTH_IDENTIFIERS_H_

#include <cstdint>
#include <string>

namespace cp::synth {

// Capacity of each scheme: ordinals must stay below these.
inline constexpr std::uint64_t kMaxNhsOrdinal = 60'000'000;
inline constexpr std::uint64_t kMaxUpnOrdinal = 1'000'000'000;
inline constexpr std::uint64_t kMaxUlnOrdinal = 90'000'000;

// A 10-digit NHS number starting 4..9 whose last digit is the modulus-11
// check digit.
std::string SyntheticNhsNumber(std::uint64_t ordinal);

// A 13-character UPN: check letter, the 3-digit LA number, 9 digits.
std::string SyntheticUpn(int la_number, std::uint64_t ordinal);

// A 10-digit ULN with its modulus-11 check digit.
std::string SyntheticUln(std::uint64_t ordinal);

// A bijection on [0, 2^40) keyed by `salt`: turns a person's ordinal into a
// source's record number that reveals nothing about other sources' keys.
std::uint64_t ScrambleKey(std::uint64_t ordinal, std::uint64_t salt);

// `value` in decimal, left-padded with zeros to `width` digits.
std::string ZeroPadded(std::uint64_t value, int width);

// Mixes values into one well-spread 64-bit seed (splitmix64 finaliser).
std::uint64_t MixSeed(std::uint64_t a, std::uint64_t b);

}  // namespace cp::synth

#endif  // CP_SYNTH_IDENTIFIERS_H_
