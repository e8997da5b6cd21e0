#include "auth/session.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/clock.h"
#include "core/random.h"

namespace cp::auth {
namespace {

using core::Sensitive;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using Verdict = SessionPolicy::Verdict;

TEST(SessionTokenTest, TokenIs128BitsAsBase64UrlAndStoredAsItsHash) {
  core::SecureRandom random;
  const SessionToken issued = NewSessionToken(random);
  const std::string& token = issued.token.Reveal();
  ASSERT_EQ(token.size(), kSessionTokenEncodedLength);
  EXPECT_EQ(token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(issued.hash.value().size(), 64u);
  EXPECT_EQ(issued.hash.value().find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(issued.hash.value().find(token), std::string::npos);
  EXPECT_EQ(HashPresentedToken(issued.token).value(), issued.hash);
}

TEST(SessionTokenTest, EveryTokenIsNew) {
  core::SecureRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewSessionToken(random).token.Reveal());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(SessionTokenTest, HashIsBlake2b256OfTheTokenText) {
  // Two seeded generators give the same token and so the same hash; a token
  // differing in one character hashes differently.
  core::SeededRandom a(42), b(42);
  const SessionToken ta = NewSessionToken(a);
  EXPECT_EQ(ta.hash, NewSessionToken(b).hash);
  std::string other = ta.token.Reveal();
  other[0] = other[0] == 'A' ? 'B' : 'A';
  EXPECT_NE(HashPresentedToken(Sensitive<std::string>(other)).value(), ta.hash);
}

TEST(SessionTokenTest, MalformedPresentedTokensAreUnauthenticated) {
  for (const char* bad : {"", "short", "AAAAAAAAAAAAAAAAAAAAAAA" /* 23 */,
                          "AAAAAAAAAAAAAAAAAAAAA+" /* '+' is not base64url */,
                          "AAAAAAAAAAAAAAAAAAAAA=" /* padding */}) {
    EXPECT_EQ(HashPresentedToken(Sensitive<std::string>(bad)).status().code(),
              core::ErrorCode::kUnauthenticated)
        << bad;
  }
}

TEST(SessionPolicyTest, IdleAndAbsoluteTimeoutsAtTheirExactBoundaries) {
  const core::Timestamp start = core::FromUnixMillis(1'700'000'000'000);
  core::FakeClock clock(start);
  const SessionPolicy policy;
  struct Case {
    const char* name;
    milliseconds last_seen_after_start;
    milliseconds now_after_start;
    Verdict verdict;
  };
  const Case cases[] = {
      {"just created", milliseconds(0), milliseconds(0), Verdict::kLive},
      {"idle 15 min - 1 ms", milliseconds(0), minutes(15) - milliseconds(1), Verdict::kLive},
      {"idle exactly 15 min", milliseconds(0), minutes(15), Verdict::kExpiredIdle},
      {"active until 12 h - 1 ms", hours(12) - minutes(1), hours(12) - milliseconds(1),
       Verdict::kLive},
      {"absolute exactly 12 h though active", hours(12) - minutes(1), hours(12),
       Verdict::kExpiredAbsolute},
      {"both passed: absolute reported", hours(1), hours(13), Verdict::kExpiredAbsolute},
      {"last seen in the future (skew) counts as now", minutes(20), minutes(10), Verdict::kLive},
  };
  for (const auto& c : cases) {
    clock.Set(start + c.now_after_start);
    EXPECT_EQ(policy.Check(start, start + c.last_seen_after_start, clock.Now()), c.verdict)
        << c.name;
  }
}

TEST(SessionPolicyTest, DefaultsAre15MinutesIdleAnd12HoursAbsolute) {
  const SessionPolicy policy;
  EXPECT_EQ(policy.idle(), minutes(15));
  EXPECT_EQ(policy.absolute(), hours(12));
  EXPECT_EQ(VerdictName(Verdict::kExpiredIdle), "expired_idle");
  EXPECT_EQ(VerdictName(Verdict::kExpiredAbsolute), "expired_absolute");
  EXPECT_EQ(VerdictName(Verdict::kLive), "live");
}

}  // namespace
}  // namespace cp::auth
