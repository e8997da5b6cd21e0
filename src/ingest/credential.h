// Feed credentials: the secret a source system presents to submit batches
// and read its own receipts — nothing else (data supply is one way).
//
// A credential is "cpsrc_" followed by 64 hex digits (32 random bytes). It is
// shown once when the source is registered; the store keeps only its hash
// (BLAKE2b via crypto_generichash, hex), compared in constant time.
#ifndef CP_INGEST_CREDENTIAL_H_
#define CP_INGEST_CREDENTIAL_H_

#include <string>
#include <string_view>

#include "core/sensitive.h"

namespace cp::ingest {

struct FeedCredential {
  core::Sensitive<std::string> secret;  // give to the supplier once
  std::string hash;                     // store this
};

FeedCredential NewFeedCredential();

// The stored form of a presented credential.
std::string HashFeedCredential(std::string_view presented);

// Whether `presented` is the credential whose hash is `stored_hash`; false
// for an empty stored hash. Constant time in the presented value.
bool FeedCredentialMatches(std::string_view presented, std::string_view stored_hash);

}  // namespace cp::ingest

#endif  // CP_INGEST_CREDENTIAL_H_
