#include "audit/merkle.h"

#include <sodium.h>

#include <bit>
#include <cstring>
#include <utility>

namespace cp::audit {
namespace {

constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;

bool Lsb(std::uint64_t x) { return (x & 1) != 0; }

// PATH(m, D[begin:end]) of RFC 9162 2.1.3.1, appending to `out`.
core::Status Path(std::int64_t m, std::int64_t begin, std::int64_t end,
                  const SubtreeHashFn& subtree_hash, std::vector<Hash>& out) {
  const std::int64_t n = end - begin;
  if (n <= 1) return core::Status::Ok();
  const std::int64_t k = SplitPoint(n);
  if (m < k) {
    RETURN_IF_ERROR(Path(m, begin, begin + k, subtree_hash, out));
    ASSIGN_OR_RETURN(Hash right, subtree_hash(begin + k, end));
    out.push_back(right);
  } else {
    RETURN_IF_ERROR(Path(m - k, begin + k, end, subtree_hash, out));
    ASSIGN_OR_RETURN(Hash left, subtree_hash(begin, begin + k));
    out.push_back(left);
  }
  return core::Status::Ok();
}

// SUBPROOF(m, D[begin:end], b) of RFC 9162 2.1.4.1, appending to `out`.
core::Status Subproof(std::int64_t m, std::int64_t begin, std::int64_t end, bool complete,
                      const SubtreeHashFn& subtree_hash, std::vector<Hash>& out) {
  const std::int64_t n = end - begin;
  if (m == n) {
    if (!complete) {
      ASSIGN_OR_RETURN(Hash whole, subtree_hash(begin, end));
      out.push_back(whole);
    }
    return core::Status::Ok();
  }
  const std::int64_t k = SplitPoint(n);
  if (m <= k) {
    RETURN_IF_ERROR(Subproof(m, begin, begin + k, complete, subtree_hash, out));
    ASSIGN_OR_RETURN(Hash right, subtree_hash(begin + k, end));
    out.push_back(right);
  } else {
    RETURN_IF_ERROR(Subproof(m - k, begin + k, end, false, subtree_hash, out));
    ASSIGN_OR_RETURN(Hash left, subtree_hash(begin, begin + k));
    out.push_back(left);
  }
  return core::Status::Ok();
}

}  // namespace

Hash Sha256(std::string_view bytes) {
  Hash out;
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return out;
}

Hash LeafHash(std::string_view leaf) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, &kLeafPrefix, 1);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(leaf.data()),
                            leaf.size());
  Hash out;
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

Hash NodeHash(const Hash& left, const Hash& right) {
  std::uint8_t buffer[1 + 2 * 32];
  buffer[0] = kNodePrefix;
  std::memcpy(buffer + 1, left.data(), 32);
  std::memcpy(buffer + 33, right.data(), 32);
  Hash out;
  crypto_hash_sha256(out.data(), buffer, sizeof buffer);
  return out;
}

Hash EmptyTreeHash() { return Sha256(""); }

std::string ToHex(const Hash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (std::size_t i = 0; i < hash.size(); ++i) {
    out[2 * i] = kDigits[hash[i] >> 4];
    out[2 * i + 1] = kDigits[hash[i] & 0xf];
  }
  return out;
}

bool FromHex(std::string_view hex, Hash& out) {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool FromBytes(std::string_view bytes, Hash& out) {
  if (bytes.size() != out.size()) return false;
  std::memcpy(out.data(), bytes.data(), out.size());
  return true;
}

std::string_view AsBytes(const Hash& hash) {
  return std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size());
}

std::int64_t SplitPoint(std::int64_t n) {
  return static_cast<std::int64_t>(std::bit_floor(static_cast<std::uint64_t>(n - 1)));
}

// ---- RightEdge ----------------------------------------------------------------

core::StatusOr<RightEdge> RightEdge::Restore(std::int64_t size, std::string_view bytes) {
  if (size < 0) return core::InvalidArgument("a Merkle tree cannot have a negative size");
  const auto count = static_cast<std::size_t>(std::popcount(static_cast<std::uint64_t>(size)));
  if (bytes.size() != count * 32) {
    return core::InvalidArgument("the saved right edge does not match the tree size");
  }
  RightEdge edge;
  edge.size_ = size;
  edge.hashes_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::memcpy(edge.hashes_[i].data(), bytes.data() + 32 * i, 32);
  }
  return edge;
}

void RightEdge::Append(const Hash& leaf_hash) {
  // Like incrementing a binary counter: each trailing one bit of the old size
  // is a perfect subtree that the new leaf completes into a larger one.
  Hash carry = leaf_hash;
  for (std::uint64_t s = static_cast<std::uint64_t>(size_); Lsb(s); s >>= 1) {
    carry = NodeHash(hashes_.back(), carry);
    hashes_.pop_back();
  }
  hashes_.push_back(carry);
  ++size_;
}

Hash RightEdge::Root() const {
  if (hashes_.empty()) return EmptyTreeHash();
  Hash root = hashes_.back();
  for (std::size_t i = hashes_.size() - 1; i-- > 0;) root = NodeHash(hashes_[i], root);
  return root;
}

std::string RightEdge::Serialize() const {
  std::string out;
  out.reserve(hashes_.size() * 32);
  for (const Hash& h : hashes_) out.append(AsBytes(h));
  return out;
}

// ---- Whole trees and proofs -----------------------------------------------------

Hash TreeHash(std::span<const Hash> leaf_hashes) {
  const auto n = static_cast<std::int64_t>(leaf_hashes.size());
  if (n == 0) return EmptyTreeHash();
  if (n == 1) return leaf_hashes[0];
  const auto k = static_cast<std::size_t>(SplitPoint(n));
  return NodeHash(TreeHash(leaf_hashes.first(k)), TreeHash(leaf_hashes.subspan(k)));
}

SubtreeHashFn InMemorySubtrees(std::span<const Hash> leaf_hashes) {
  return [leaf_hashes](std::int64_t begin, std::int64_t end) -> core::StatusOr<Hash> {
    if (begin < 0 || end < begin || end > static_cast<std::int64_t>(leaf_hashes.size())) {
      return core::InvalidArgument("subtree out of range");
    }
    return TreeHash(leaf_hashes.subspan(static_cast<std::size_t>(begin),
                                        static_cast<std::size_t>(end - begin)));
  };
}

core::StatusOr<std::vector<Hash>> InclusionProof(std::int64_t index, std::int64_t tree_size,
                                                 const SubtreeHashFn& subtree_hash) {
  if (index < 0 || index >= tree_size) {
    return core::InvalidArgument("an inclusion proof needs an entry inside the tree (index " +
                                 std::to_string(index) + ", tree size " +
                                 std::to_string(tree_size) + ")");
  }
  std::vector<Hash> proof;
  RETURN_IF_ERROR(Path(index, 0, tree_size, subtree_hash, proof));
  return proof;
}

core::StatusOr<std::vector<Hash>> ConsistencyProof(std::int64_t old_size, std::int64_t new_size,
                                                   const SubtreeHashFn& subtree_hash) {
  if (old_size < 0 || old_size > new_size) {
    return core::InvalidArgument("a consistency proof needs 0 <= old size <= new size (" +
                                 std::to_string(old_size) + ", " + std::to_string(new_size) + ")");
  }
  std::vector<Hash> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  RETURN_IF_ERROR(Subproof(old_size, 0, new_size, true, subtree_hash, proof));
  return proof;
}

bool VerifyInclusion(std::int64_t index, std::int64_t tree_size, const Hash& leaf_hash,
                     std::span<const Hash> proof, const Hash& root) {
  if (index < 0 || index >= tree_size) return false;
  auto fn = static_cast<std::uint64_t>(index);
  auto sn = static_cast<std::uint64_t>(tree_size - 1);
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if (Lsb(fn) || fn == sn) {
      r = NodeHash(p, r);
      while (!Lsb(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(std::int64_t old_size, std::int64_t new_size, const Hash& old_root,
                       const Hash& new_root, std::span<const Hash> proof) {
  if (old_size < 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (old_size == 0) return proof.empty();
  if (proof.empty()) return false;
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(static_cast<std::uint64_t>(old_size))) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  auto fn = static_cast<std::uint64_t>(old_size - 1);
  auto sn = static_cast<std::uint64_t>(new_size - 1);
  while (Lsb(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if (Lsb(fn) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (!Lsb(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

}  // namespace cp::audit
