// The Merkle tree of the audit log, as RFC 6962 and RFC 9162 (section 2.1)
// define it: SHA-256 with domain separation (leaf hash = H(0x00 || leaf),
// node hash = H(0x01 || left || right)), the tree over n leaves split at the
// largest power of two smaller than n, inclusion proofs (audit paths) and
// consistency proofs, and the RFC's verification algorithms.
//
// RightEdge is the streaming form: it folds leaves in one at a time keeping
// only the O(log n) roots of the perfect subtrees along the tree's right edge,
// so a log of ten million entries is verified in a few hundred bytes.
//
// Everything here is pure computation on hashes (libsodium's SHA-256);
// functions are thread-safe, RightEdge is a value type.
#ifndef CP_AUDIT_MERKLE_H_
#define CP_AUDIT_MERKLE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cp::audit {

using Hash = std::array<std::uint8_t, 32>;

Hash Sha256(std::string_view bytes);
Hash LeafHash(std::string_view leaf);                // H(0x00 || leaf)
Hash NodeHash(const Hash& left, const Hash& right);  // H(0x01 || left || right)
Hash EmptyTreeHash();                                // H(""), the root of no leaves

std::string ToHex(const Hash& hash);
// Parses 64 hex digits; false on anything else.
bool FromHex(std::string_view hex, Hash& out);
// A hash held as 32 raw bytes (as the store keeps it); false if not 32 bytes.
bool FromBytes(std::string_view bytes, Hash& out);
std::string_view AsBytes(const Hash& hash);

// The largest power of two strictly smaller than n (n >= 2): the RFC's split.
std::int64_t SplitPoint(std::int64_t n);

// The root of a tree built leaf by leaf, keeping only its right edge: one
// subtree hash per set bit of size(), largest (leftmost) first. A value type;
// not thread-safe to mutate.
class RightEdge {
 public:
  RightEdge() = default;

  // Rebuilds a right edge saved by Serialize(). kInvalidArgument when the
  // bytes do not hold one hash per set bit of `size`.
  static core::StatusOr<RightEdge> Restore(std::int64_t size, std::string_view bytes);

  void Append(const Hash& leaf_hash);
  std::int64_t size() const { return size_; }
  // The tree hash of the leaves so far (EmptyTreeHash() for none).
  Hash Root() const;
  // The subtree hashes as raw bytes, for Restore.
  std::string Serialize() const;

 private:
  std::int64_t size_ = 0;
  std::vector<Hash> hashes_;  // perfect subtrees, largest first
};

// The tree hash MTH(D[0:n]) of the given leaf hashes, by the RFC's recursive
// definition. Memory O(n): a reference for tests and small trees.
Hash TreeHash(std::span<const Hash> leaf_hashes);

// The tree hash of leaves [begin, end) of some larger list, supplied by the
// caller (from memory, or streamed from a store).
using SubtreeHashFn = std::function<core::StatusOr<Hash>(std::int64_t begin, std::int64_t end)>;

// The inclusion proof (RFC 9162 2.1.3.1, PATH) of leaf `index` in the tree of
// the first `tree_size` leaves. kInvalidArgument unless 0 <= index < tree_size.
core::StatusOr<std::vector<Hash>> InclusionProof(std::int64_t index, std::int64_t tree_size,
                                                 const SubtreeHashFn& subtree_hash);

// The consistency proof (RFC 9162 2.1.4.1, PROOF) that the tree of `old_size`
// leaves is a prefix of the tree of `new_size` leaves. Empty when old_size is
// 0 or equals new_size. kInvalidArgument unless 0 <= old_size <= new_size.
core::StatusOr<std::vector<Hash>> ConsistencyProof(std::int64_t old_size, std::int64_t new_size,
                                                   const SubtreeHashFn& subtree_hash);

// A SubtreeHashFn over leaf hashes held in memory (tests, small trees).
SubtreeHashFn InMemorySubtrees(std::span<const Hash> leaf_hashes);

// RFC 9162 2.1.3.2: true when `proof` shows the leaf with `leaf_hash` at
// `index` in the tree of `tree_size` leaves whose root is `root`.
bool VerifyInclusion(std::int64_t index, std::int64_t tree_size, const Hash& leaf_hash,
                     std::span<const Hash> proof, const Hash& root);

// RFC 9162 2.1.4.2: true when `proof` shows that the tree of `old_size`
// leaves with `old_root` is a prefix of the tree of `new_size` leaves with
// `new_root`. Equal sizes need an empty proof and equal roots; an empty old
// tree is a prefix of every tree.
bool VerifyConsistency(std::int64_t old_size, std::int64_t new_size, const Hash& old_root,
                       const Hash& new_root, std::span<const Hash> proof);

}  // namespace cp::audit

#endif  // CP_AUDIT_MERKLE_H_
