#include "auth/secret_hasher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>

namespace cp::auth {
namespace {

using core::Sensitive;

Sensitive<std::string> Secret(const char* text) { return Sensitive<std::string>(text); }

TEST(SecretHasherTest, VerifyMatchesOnlyTheHashedSecret) {
  const Argon2idHasher hasher(MinimumParamsForTests());
  auto hash = hasher.Hash(Secret("correct horse battery"));
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(hasher.Verify(*hash, Secret("correct horse battery")).value(), true);
  EXPECT_EQ(hasher.Verify(*hash, Secret("correct horse batterY")).value(), false);
  EXPECT_EQ(hasher.Verify(*hash, Secret("")).value(), false);
}

TEST(SecretHasherTest, SameSecretGetsADifferentSaltEachTime) {
  const Argon2idHasher hasher(MinimumParamsForTests());
  EXPECT_NE(hasher.Hash(Secret("528173")).value(), hasher.Hash(Secret("528173")).value());
}

TEST(SecretHasherTest, ProductionHashIsArgon2idAt64MiBThreePassesOneLane) {
  const Argon2idHasher hasher;
  auto hash = hasher.Hash(Secret("correct horse battery"));
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=65536,t=3,p=1$")) << "got another format";
  EXPECT_FALSE(hasher.NeedsRehash(*hash));
}

TEST(SecretHasherTest, NeedsRehashWhenParametersOrAlgorithmDiffer) {
  const Argon2idHasher production;
  const Argon2idHasher cheap(MinimumParamsForTests());
  const std::string cheap_hash = cheap.Hash(Secret("correct horse battery")).value();
  EXPECT_TRUE(production.NeedsRehash(cheap_hash));
  EXPECT_FALSE(cheap.NeedsRehash(cheap_hash));
  EXPECT_TRUE(production.NeedsRehash(
      "$argon2i$v=19$m=65536,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$"
      "Jc6e4Ag1Vq5oEVTb4RABZr5qSrbHOgy1tG9QMdfPN5Y"));
  EXPECT_TRUE(production.NeedsRehash("not a hash"));
  EXPECT_TRUE(production.NeedsRehash(""));
}

TEST(SecretHasherTest, MalformedStoredHashIsDataLossNotAMismatch) {
  const Argon2idHasher hasher(MinimumParamsForTests());
  EXPECT_EQ(hasher.Verify("plaintext?", Secret("x")).status().code(), core::ErrorCode::kDataLoss);
  EXPECT_EQ(hasher.Verify(std::string(200, '$'), Secret("x")).status().code(),
            core::ErrorCode::kDataLoss);
}

TEST(SecretHasherTest, DummyHashUsesTheProductionParameters) {
  EXPECT_FALSE(Argon2idHasher().NeedsRehash(kDummyHash));
}

// Counts calls and records which hash was verified.
class CountingHasher final : public SecretHasher {
 public:
  core::StatusOr<std::string> Hash(const Sensitive<std::string>&) const override {
    return std::string("$argon2id$fake");
  }
  core::StatusOr<bool> Verify(std::string_view stored_hash,
                              const Sensitive<std::string>&) const override {
    ++verify_calls;
    last_hash = std::string(stored_hash);
    return false;
  }
  bool NeedsRehash(std::string_view) const override { return false; }

  mutable int verify_calls = 0;
  mutable std::string last_hash;
};

TEST(SecretHasherTest, DummyVerifyRunsOneRealVerificationAgainstTheDummyHash) {
  CountingHasher hasher;
  DummyVerify(hasher, Secret("guess"));
  EXPECT_EQ(hasher.verify_calls, 1);
  EXPECT_EQ(hasher.last_hash, kDummyHash);
}

TEST(SecretHasherTest, DummyVerifyCostsAsMuchAsARealVerify) {
  // Loose on purpose (a shared 2-core machine): both run Argon2id at the same
  // parameters, so the dummy must take at least half the time of a real one.
  const Argon2idHasher hasher;
  const std::string hash = hasher.Hash(Secret("correct horse battery")).value();
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  EXPECT_EQ(hasher.Verify(hash, Secret("wrong guess")).value(), false);
  const auto real = Clock::now() - t0;
  const auto t1 = Clock::now();
  DummyVerify(hasher, Secret("wrong guess"));
  const auto dummy = Clock::now() - t1;
  EXPECT_GE(dummy * 2, real);
}

}  // namespace
}  // namespace cp::auth
