// The suppliers' HTTP interface (DATA-SUPPLY.md "Transport"):
//
//   POST /api/v1/feeds/{source}/batches          body = the batch (.jsonl, may be gzip)
//   GET  /api/v1/feeds/{source}/batches/{batch}  the stored receipt
//
// Both need "Authorization: Bearer <feed credential>" of that very source: a
// source's credential submits its batches and reads its own receipts, and
// nothing else (data supply is one way). A missing or wrong credential, or an
// unknown source, gets the same 401. Loads go through ingest::BatchLoader
// exactly as `contactpoint feed load` does; refused submissions are audited.
#ifndef CP_APP_FEED_API_H_
#define CP_APP_FEED_API_H_

#include <string>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/random.h"
#include "http/server.h"
#include "ingest/linker.h"
#include "storage/store.h"

namespace cp::app {

// What the feed routes use; everything must outlive the server. The spool
// directory (created 0700 if missing) holds each upload while it loads.
struct FeedApiDeps {
  storage::Store* store = nullptr;
  audit::AuditLog* audit = nullptr;
  const core::Clock* clock = nullptr;
  core::Random* random = nullptr;  // thread-safe (SecureRandom)
  ingest::Linker* linker = nullptr;  // loads take turns on it (linker.h)
  std::string spool_dir;
};

// kInvalidConfiguration when the spool directory cannot be prepared.
core::Status RegisterFeedRoutes(http::Server& server, const FeedApiDeps& deps);

}  // namespace cp::app

#endif  // CP_APP_FEED_API_H_
