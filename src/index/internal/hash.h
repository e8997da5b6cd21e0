// Integer hashing for the candidate index, private to the index module.
// Pure functions; thread-safe.
#ifndef CP_INDEX_INTERNAL_HASH_H_
#define CP_INDEX_INTERNAL_HASH_H_

#include <cstdint>

namespace cp::index::internal {

// A strong 64-bit finaliser (MurmurHash3's fmix64): every input bit affects
// every output bit, so keys that differ in few bits land far apart.
inline std::uint64_t Mix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace cp::index::internal

#endif  // CP_INDEX_INTERNAL_HASH_H_
