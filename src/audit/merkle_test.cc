#include "audit/merkle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cp::audit {
namespace {

// The eight leaves of the Certificate Transparency test vectors (RFC 6962
// implementations publish roots and proofs for them).
std::vector<std::string> VectorLeaves() {
  const std::vector<std::string> hex = {"",
                                        "00",
                                        "10",
                                        "2021",
                                        "3031",
                                        "40414243",
                                        "5051525354555657",
                                        "606162636465666768696a6b6c6d6e6f"};
  std::vector<std::string> leaves;
  for (const std::string& h : hex) {
    std::string bytes;
    for (std::size_t i = 0; i < h.size(); i += 2) {
      bytes.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
    }
    leaves.push_back(bytes);
  }
  return leaves;
}

std::vector<Hash> LeafHashes(const std::vector<std::string>& leaves) {
  std::vector<Hash> out;
  for (const std::string& leaf : leaves) out.push_back(LeafHash(leaf));
  return out;
}

// n distinct leaf hashes.
std::vector<Hash> Leaves(std::int64_t n) {
  std::vector<Hash> out;
  for (std::int64_t i = 0; i < n; ++i) out.push_back(LeafHash("entry " + std::to_string(i)));
  return out;
}

TEST(MerkleTest, HashesAreDomainSeparated) {
  EXPECT_EQ(ToHex(EmptyTreeHash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  // A leaf whose bytes look like a node's input does not hash like that node.
  const Hash a = LeafHash("a");
  const Hash b = LeafHash("b");
  std::string node_input = std::string(AsBytes(a)) + std::string(AsBytes(b));
  EXPECT_NE(LeafHash(node_input), NodeHash(a, b));
}

TEST(MerkleTest, RootsMatchThePublishedTestVectorsForEverySize) {
  const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  const std::vector<Hash> leaves = LeafHashes(VectorLeaves());
  RightEdge edge;
  for (std::size_t n = 1; n <= leaves.size(); ++n) {
    SCOPED_TRACE("size " + std::to_string(n));
    edge.Append(leaves[n - 1]);
    EXPECT_EQ(ToHex(TreeHash(std::span(leaves).first(n))), roots[n - 1]);
    EXPECT_EQ(ToHex(edge.Root()), roots[n - 1]);
  }
}

TEST(MerkleTest, ProofsMatchThePublishedTestVectors) {
  const std::vector<Hash> leaves = LeafHashes(VectorLeaves());
  const SubtreeHashFn subtrees = InMemorySubtrees(leaves);
  struct Case {
    std::int64_t a;  // inclusion: index; consistency: old size
    std::int64_t n;
    bool inclusion;
    std::vector<std::string> proof;
  };
  const std::vector<Case> cases = {
      {0,
       8,
       true,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {1,
       8,
       false,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       false,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       false,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE((c.inclusion ? "inclusion " : "consistency ") + std::to_string(c.a) + "/" +
                 std::to_string(c.n));
    auto proof =
        c.inclusion ? InclusionProof(c.a, c.n, subtrees) : ConsistencyProof(c.a, c.n, subtrees);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    std::vector<std::string> hex;
    for (const Hash& h : *proof) hex.push_back(ToHex(h));
    EXPECT_EQ(hex, c.proof);
  }
}

TEST(MerkleTest, TheRightEdgeAgreesWithTheRecursiveDefinitionAtEverySize) {
  const std::vector<Hash> leaves = Leaves(70);
  RightEdge edge;
  EXPECT_EQ(edge.Root(), EmptyTreeHash());
  for (std::size_t n = 1; n <= leaves.size(); ++n) {
    edge.Append(leaves[n - 1]);
    ASSERT_EQ(edge.Root(), TreeHash(std::span(leaves).first(n))) << "size " << n;
    // It keeps one hash per set bit of the size: O(log n).
    EXPECT_EQ(edge.Serialize().size(), 32u * static_cast<std::size_t>(std::popcount(n)));
  }
}

TEST(MerkleTest, ARestoredRightEdgeContinuesWhereItStopped) {
  const std::vector<Hash> leaves = Leaves(40);
  for (std::int64_t cut : {0, 1, 2, 3, 5, 6, 7, 9, 17, 32}) {
    RightEdge first;
    for (std::int64_t i = 0; i < cut; ++i) first.Append(leaves[static_cast<std::size_t>(i)]);
    auto resumed = RightEdge::Restore(cut, first.Serialize());
    ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
    for (std::size_t i = static_cast<std::size_t>(cut); i < leaves.size(); ++i) {
      resumed->Append(leaves[i]);
    }
    EXPECT_EQ(resumed->Root(), TreeHash(leaves)) << "cut at " << cut;
  }
}

TEST(MerkleTest, RestoreRefusesStateThatDoesNotFitTheSize) {
  RightEdge edge;
  for (const Hash& h : Leaves(6)) edge.Append(h);  // 6 = 110b: two hashes
  EXPECT_FALSE(RightEdge::Restore(7, edge.Serialize()).ok());
  EXPECT_FALSE(RightEdge::Restore(6, edge.Serialize().substr(1)).ok());
  EXPECT_FALSE(RightEdge::Restore(-1, "").ok());
  EXPECT_TRUE(RightEdge::Restore(6, edge.Serialize()).ok());
}

TEST(MerkleTest, EveryInclusionProofVerifiesAndNoAlteredOneDoes) {
  for (std::int64_t n = 1; n <= 33; ++n) {
    const std::vector<Hash> leaves = Leaves(n);
    const Hash root = TreeHash(leaves);
    const SubtreeHashFn subtrees = InMemorySubtrees(leaves);
    for (std::int64_t m = 0; m < n; ++m) {
      SCOPED_TRACE("leaf " + std::to_string(m) + " of " + std::to_string(n));
      auto proof = InclusionProof(m, n, subtrees);
      ASSERT_TRUE(proof.ok());
      const Hash& leaf = leaves[static_cast<std::size_t>(m)];
      EXPECT_TRUE(VerifyInclusion(m, n, leaf, *proof, root));
      EXPECT_FALSE(VerifyInclusion(m, n, LeafHash("other"), *proof, root));
      if (n > 1) {
        EXPECT_FALSE(VerifyInclusion((m + 1) % n, n, leaf, *proof, root));
      }
      EXPECT_FALSE(VerifyInclusion(m, n, leaf, *proof, LeafHash("another root")));
      for (std::size_t i = 0; i < proof->size(); ++i) {
        std::vector<Hash> altered = *proof;
        altered[i][0] ^= 1;
        EXPECT_FALSE(VerifyInclusion(m, n, leaf, altered, root));
      }
      std::vector<Hash> longer = *proof;
      longer.push_back(root);
      EXPECT_FALSE(VerifyInclusion(m, n, leaf, longer, root));
    }
  }
}

TEST(MerkleTest, EveryConsistencyProofVerifiesAndNoAlteredOneDoes) {
  const std::vector<Hash> all = Leaves(33);
  for (std::int64_t n = 1; n <= 33; ++n) {
    const auto leaves = std::span(all).first(static_cast<std::size_t>(n));
    const Hash new_root = TreeHash(leaves);
    const SubtreeHashFn subtrees = InMemorySubtrees(leaves);
    for (std::int64_t m = 0; m <= n; ++m) {
      SCOPED_TRACE("from " + std::to_string(m) + " to " + std::to_string(n));
      const Hash old_root = TreeHash(leaves.first(static_cast<std::size_t>(m)));
      auto proof = ConsistencyProof(m, n, subtrees);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyConsistency(m, n, old_root, new_root, *proof));
      if (m > 0 && m < n) {
        EXPECT_FALSE(VerifyConsistency(m, n, LeafHash("x"), new_root, *proof));
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, LeafHash("x"), *proof));
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, {}));
        for (std::size_t i = 0; i < proof->size(); ++i) {
          std::vector<Hash> altered = *proof;
          altered[i][31] ^= 0x80;
          EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, altered));
        }
      }
    }
  }
}

TEST(MerkleTest, ARewrittenHistoryHasNoConsistencyProof) {
  std::vector<Hash> leaves = Leaves(9);
  const Hash old_root = TreeHash(std::span(leaves).first(5));
  leaves[2] = LeafHash("rewritten");
  const Hash new_root = TreeHash(leaves);
  auto proof = ConsistencyProof(5, 9, InMemorySubtrees(leaves));
  ASSERT_TRUE(proof.ok());
  EXPECT_FALSE(VerifyConsistency(5, 9, old_root, new_root, *proof));
}

TEST(MerkleTest, ProofsRefuseImpossibleRanges) {
  const std::vector<Hash> leaves = Leaves(4);
  const SubtreeHashFn subtrees = InMemorySubtrees(leaves);
  EXPECT_FALSE(InclusionProof(4, 4, subtrees).ok());
  EXPECT_FALSE(InclusionProof(-1, 4, subtrees).ok());
  EXPECT_FALSE(ConsistencyProof(5, 4, subtrees).ok());
  EXPECT_FALSE(ConsistencyProof(-1, 4, subtrees).ok());
  EXPECT_FALSE(VerifyInclusion(0, 0, leaves[0], {}, EmptyTreeHash()));
  EXPECT_FALSE(VerifyConsistency(3, 2, EmptyTreeHash(), EmptyTreeHash(), {}));
}

TEST(MerkleTest, HexRoundTripsAndRefusesNonHex) {
  const Hash h = LeafHash("x");
  Hash back{};
  ASSERT_TRUE(FromHex(ToHex(h), back));
  EXPECT_EQ(back, h);
  EXPECT_FALSE(FromHex("zz", back));
  EXPECT_FALSE(FromHex(std::string(64, 'g'), back));
  EXPECT_EQ(SplitPoint(2), 1);
  EXPECT_EQ(SplitPoint(5), 4);
  EXPECT_EQ(SplitPoint(8), 4);
  EXPECT_EQ(SplitPoint(9), 8);
}

}  // namespace
}  // namespace cp::audit
