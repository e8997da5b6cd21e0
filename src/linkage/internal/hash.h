// Non-cryptographic hashes for linkage keys (FNV-1a), private to linkage.
// Keys are compared for equality only; 0 is reserved for "missing", so a
// string hashing to 0 is mapped to 1. Pure functions, thread-safe.
#ifndef CP_LINKAGE_INTERNAL_HASH_H_
#define CP_LINKAGE_INTERNAL_HASH_H_

#include <cstdint>
#include <string_view>

namespace cp::linkage::internal {

template <typename Word, Word kOffsetBasis, Word kPrime>
Word Fnv1a(std::string_view text) {
  Word hash = kOffsetBasis;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kPrime;
  }
  return hash == 0 ? 1 : hash;
}

inline std::uint64_t Hash64(std::string_view text) {
  return Fnv1a<std::uint64_t, 14695981039346656037ull, 1099511628211ull>(text);
}

inline std::uint32_t Hash32(std::string_view text) {
  return Fnv1a<std::uint32_t, 2166136261u, 16777619u>(text);
}

}  // namespace cp::linkage::internal

#endif  // CP_LINKAGE_INTERNAL_HASH_H_
