#include "app/feed_api.h"

#include <spdlog/spdlog.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <atomic>
#include <filesystem>

#include "domain/source.h"
#include "http/errors.h"
#include "ingest/credential.h"
#include "ingest/loader.h"

namespace cp::app {
namespace {

constexpr std::string_view kPrefix = "/api/v1/feeds/";

// Splits "/api/v1/feeds/{source}/batches[/{batch}]" into its parts.
struct FeedPath {
  std::string source;
  std::string batch;  // empty for the collection
};

std::optional<FeedPath> ParsePath(const std::string& path) {
  if (!path.starts_with(kPrefix)) return std::nullopt;
  const std::string rest = path.substr(kPrefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string::npos) return std::nullopt;
  FeedPath out{rest.substr(0, slash), ""};
  const std::string tail = rest.substr(slash);
  if (tail == "/batches") return out;
  if (!tail.starts_with("/batches/") || tail.size() == 9) return std::nullopt;
  out.batch = tail.substr(9);
  if (out.batch.find('/') != std::string::npos) return std::nullopt;
  return out;
}

http::Response Unauthenticated() {
  http::Response r = http::ErrorResponse(core::Status(
      core::ErrorCode::kUnauthenticated,
      "present this source's feed credential as 'Authorization: Bearer <credential>'"));
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"contactpoint-feeds\"");
  return r;
}

// The source the request may act for, or nothing when its credential is not
// that source's. Unknown sources and wrong credentials look the same.
std::optional<storage::SourceEntry> Authenticate(const FeedApiDeps& deps,
                                                 const http::Request& request,
                                                 const std::string& source) {
  if (!domain::ValidateSourceId(source).ok()) return std::nullopt;
  const std::string_view presented = http::BearerToken(request);
  auto tx = deps.store->Begin(storage::TxMode::kReadOnly);
  if (!tx.ok()) return std::nullopt;
  auto entry = (*tx)->GetSource(domain::SourceId(source));
  // Hash even for an unknown source, so both cases take the same time.
  const bool match = ingest::FeedCredentialMatches(
      presented, entry.ok() ? entry->credential_hash : std::string(64, '0'));
  if (!entry.ok() || !match) return std::nullopt;
  return std::move(*entry);
}

void AuditRefusal(const FeedApiDeps& deps, const std::string& source, std::string_view why) {
  audit::Event event;
  event.actor = audit::Principal{audit::PrincipalKind::kSourceSystem, source, "", ""};
  event.action = audit::Action::kApplyFeed;
  event.outcome = audit::Outcome::kRefused;
  event.refusal = std::string(why);
  if (auto s = deps.audit->Append(event); !s.ok()) {
    spdlog::error("feed api: cannot audit a refused submission: {}", s.status().ToString());
  }
}

http::Response Submit(const FeedApiDeps& deps, const http::Request& request,
                      const FeedPath& path) {
  auto source = Authenticate(deps, request, path.source);
  if (!source) {
    if (domain::ValidateSourceId(path.source).ok()) AuditRefusal(deps, path.source, "bad_credential");
    return Unauthenticated();
  }
  static std::atomic<std::uint64_t> counter{0};
  const std::filesystem::path file =
      std::filesystem::path(deps.spool_dir) /
      ("upload-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".jsonl");
  // The upload holds personal data: only this process's user may read it.
  const int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  bool spooled = fd >= 0;
  for (std::size_t done = 0; spooled && done < request.body.size();) {
    const ssize_t n = ::write(fd, request.body.data() + done, request.body.size() - done);
    spooled = n > 0;
    done += spooled ? static_cast<std::size_t>(n) : 0;
  }
  if (fd >= 0 && ::close(fd) != 0) spooled = false;
  if (!spooled) {
    std::filesystem::remove(file);
    spdlog::error("feed api: cannot spool an upload ({})", std::strerror(errno));
    return http::ErrorResponse(core::Status(core::ErrorCode::kStoreIo,
                                            "the batch could not be stored for loading; try again "
                                            "later"));
  }
  ingest::BatchLoader loader(*deps.store, *deps.audit, *deps.clock, *deps.random, *deps.linker);
  auto result = loader.LoadFile(source->id, file.string());
  std::filesystem::remove(file);
  if (!result.ok()) {
    // Messages may name the spool file: the supplier sees "the submitted batch".
    std::string message = result.status().message();
    for (std::size_t at; (at = message.find(file.string())) != std::string::npos;) {
      message.replace(at, file.string().size(), "the submitted batch");
    }
    return http::ErrorResponse(core::Status(result.status().code(), message));
  }
  http::Response response =
      http::JsonResponse(result->already_loaded ? 200 : 201, ingest::ReceiptToJson(result->receipt));
  response.headers.emplace_back("Location", std::string(kPrefix) + source->id.value() +
                                                "/batches/" + result->receipt.batch.value());
  return response;
}

http::Response Receipt(const FeedApiDeps& deps, const http::Request& request,
                       const FeedPath& path) {
  auto source = Authenticate(deps, request, path.source);
  if (!source) return Unauthenticated();
  auto tx = deps.store->Begin(storage::TxMode::kReadOnly);
  if (!tx.ok()) return http::ErrorResponse(tx.status());
  auto batch = (*tx)->GetBatch(source->id, domain::BatchId(path.batch));
  if (!batch.ok()) return http::ErrorResponse(batch.status());
  if (!*batch) {
    return http::ErrorResponse(
        core::NotFound("this source has no batch with that ID (it may have been refused whole)"));
  }
  return http::JsonResponse(200, (*batch)->receipt_json);
}

}  // namespace

core::Status RegisterFeedRoutes(http::Server& server, const FeedApiDeps& deps) {
  std::error_code ec;
  std::filesystem::create_directories(deps.spool_dir, ec);
  if (ec || ::chmod(deps.spool_dir.c_str(), 0700) != 0) {
    return core::Status(core::ErrorCode::kInvalidConfiguration,
                        "cannot prepare the upload spool directory '" + deps.spool_dir +
                            "': " + (ec ? ec.message() : std::string(std::strerror(errno))));
  }
  server.Route("POST", R"(/api/v1/feeds/[^/]+/batches)", [deps](const http::Request& request) {
    auto path = ParsePath(request.path);
    if (!path || !path->batch.empty()) {
      return http::ErrorResponse(core::NotFound("no such endpoint"));
    }
    return Submit(deps, request, *path);
  }, http::kLargeBody);
  server.Route("GET", R"(/api/v1/feeds/[^/]+/batches/[^/]+)", [deps](const http::Request& request) {
    auto path = ParsePath(request.path);
    if (!path || path->batch.empty()) return http::ErrorResponse(core::NotFound("no such endpoint"));
    return Receipt(deps, request, *path);
  });
  return core::Status::Ok();
}

}  // namespace cp::app
