#include "ingest/credential.h"

#include <gtest/gtest.h>

namespace cp::ingest {
namespace {

TEST(FeedCredentialTest, OnlyTheIssuedSecretMatchesItsHash) {
  const FeedCredential a = NewFeedCredential();
  const FeedCredential b = NewFeedCredential();
  EXPECT_EQ(a.secret.Reveal().rfind("cpsrc_", 0), 0u);
  EXPECT_EQ(a.secret.Reveal().size(), 6u + 64u);
  EXPECT_NE(a.secret, b.secret);
  EXPECT_EQ(a.hash.size(), 64u);
  EXPECT_EQ(a.hash.find(a.secret.Reveal().substr(6)), std::string::npos);  // not the secret
  EXPECT_TRUE(FeedCredentialMatches(a.secret.Reveal(), a.hash));
  EXPECT_FALSE(FeedCredentialMatches(b.secret.Reveal(), a.hash));
  EXPECT_FALSE(FeedCredentialMatches("", a.hash));
  EXPECT_FALSE(FeedCredentialMatches(a.secret.Reveal(), ""));
  std::string tampered = a.secret.Reveal();
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_FALSE(FeedCredentialMatches(tampered, a.hash));
}

}  // namespace
}  // namespace cp::ingest
