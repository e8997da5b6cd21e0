#include "app/app.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "app/feed_api.h"
#include "app/practice_api.h"
#include "app/search_api.h"
#include "app/session_api.h"
#include "app/version.h"
#include "audit/signing.h"
#include "auth/secret_hasher.h"
#include "auth/session.h"
#include "http/errors.h"
#include "identity/directory.h"
#include "identity/organisations_data.h"
#include "identity/sign_in.h"
#include "identity/token_vault.h"
#include "linkage/model.h"
#include "linkage/name_variants.h"
#include "review/operations.h"
#include "storage/sqlite/sqlite_store.h"
#include "web/web_pages.h"

namespace cp::app {

core::StatusOr<std::unique_ptr<storage::Store>> OpenStore(const std::string& location,
                                                          const core::Clock& clock,
                                                          bool create_if_missing) {
  if (location.empty()) {
    return core::Status(core::ErrorCode::kInvalidConfiguration,
                        "no store given: pass --store PATH (or set CONTACTPOINT_STORE)");
  }
  if (location.starts_with("postgresql://") || location.starts_with("postgres://")) {
    return core::Status(core::ErrorCode::kInvalidConfiguration,
                        "the PostgreSQL backend is not available in this version; use a file "
                        "path for the embedded SQLite store");
  }
  storage::SqliteStore::OpenOptions options;
  options.create_if_missing = create_if_missing;
  ASSIGN_OR_RETURN(auto store, storage::SqliteStore::Open(location, clock, options));
  return std::unique_ptr<storage::Store>(std::move(store));
}

core::Status InitStore(const std::string& location, const core::Clock& clock, std::ostream& out,
                       const std::filesystem::path& organisations_dir) {
  ASSIGN_OR_RETURN(auto store, OpenStore(location, clock, /*create_if_missing=*/true));
  ASSIGN_OR_RETURN(storage::StoreInfo info, store->Info());
  out << "Store ready at " << location << " (" << info.backend << ", schema version "
      << info.schema_version << ", " << info.children << " children)\n";
  // The audit trail's signing key lives beside the store but outside it;
  // production sites move it (and point --key at it) or make their own with
  // `contactpoint audit keygen`.
  const std::string key_path = audit::DefaultKeyPath(location);
  if (!std::filesystem::exists(key_path)) {
    RETURN_IF_ERROR(audit::SigningKey::CreateFile(key_path));
    out << "Audit signing key created at " << key_path << " (public key "
        << audit::PublicKeyPath(key_path) << ")\n";
  }
  // Users' token secrets are sealed with a key kept beside the store, outside it.
  const std::string token_key_path = identity::DefaultTokenKeyPath(location);
  if (!std::filesystem::exists(token_key_path)) {
    RETURN_IF_ERROR(identity::TokenVault::CreateFile(token_key_path));
    out << "Token sealing key created at " << token_key_path << "\n";
  }
  ASSIGN_OR_RETURN(std::vector<access::Organisation> authorities,
                   identity::LoadLocalAuthorities(organisations_dir.empty()
                                                      ? identity::DefaultOrganisationsDataDir()
                                                      : organisations_dir));
  ASSIGN_OR_RETURN(identity::TokenVault vault, identity::TokenVault::Load(token_key_path));
  audit::AuditLog audit_log(*store, clock);
  core::SecureRandom random;
  const auth::Argon2idHasher hasher;
  identity::Directory directory(
      identity::Services{*store, audit_log, clock, random, hasher, vault});
  ASSIGN_OR_RETURN(int added, directory.SeedOrganisations(authorities));
  if (added > 0) {
    out << "Organisations seeded: " << added
        << " (the national operator, the National Partners and " << authorities.size()
        << " local authorities)\n";
  }
  return core::Status::Ok();
}

core::StatusOr<std::unique_ptr<IdentityRuntime>> OpenIdentity(const std::string& location,
                                                              const core::Clock& clock) {
  auto runtime = std::make_unique<IdentityRuntime>();
  ASSIGN_OR_RETURN(runtime->store, OpenStore(location, clock, /*create_if_missing=*/false));
  runtime->audit = std::make_unique<audit::AuditLog>(*runtime->store, clock);
  ASSIGN_OR_RETURN(identity::TokenVault vault,
                   identity::TokenVault::Load(identity::DefaultTokenKeyPath(location)));
  runtime->vault.emplace(std::move(vault));
  return runtime;
}

http::Response HealthCheck(storage::Store& store) {
  auto info = store.Info();
  if (!info.ok()) {
    spdlog::warn("health check: store unavailable: {}", info.status().ToString());
    return http::ErrorResponse(
        core::Status(core::ErrorCode::kUnavailable, "the store is not answering"));
  }
  nlohmann::json body = {{"status", "ok"},
                         {"version", kVersion},
                         {"store", {{"backend", info->backend},
                                    {"schema_version", info->schema_version}}}};
  return http::JsonResponse(200, body.dump());
}

core::StatusOr<std::unique_ptr<ingest::Linker>> OpenLinker(
    const std::optional<std::filesystem::path>& dir) {
  std::error_code error;
  const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", error);
  ASSIGN_OR_RETURN(std::filesystem::path data, linkage::ResolveLinkageDataDir(dir, binary));
  return ingest::Linker::Load(data);
}

void RegisterRoutes(http::Server& server, storage::Store& store) {
  server.Route("GET", "/health", [&store](const http::Request&) { return HealthCheck(store); });
}

core::Status Serve(const ServeConfig& config, const core::Clock& clock,
                   const std::atomic<bool>& stop, std::ostream& out) {
  RETURN_IF_ERROR(http::ValidateOptions(config.server));
  if (config.search.misuse.hard_per_day <= config.search.limits.per_day) {
    return core::Status(core::ErrorCode::kInvalidConfiguration,
                        "the suspension threshold (--suspend-at, " +
                            std::to_string(config.search.misuse.hard_per_day) +
                            ") must be above the daily search limit (--searches-per-day, " +
                            std::to_string(config.search.limits.per_day) +
                            "), so that a user is refused before being suspended");
  }
  if (config.search.limits.per_hour > config.search.limits.per_day) {
    return core::Status(core::ErrorCode::kInvalidConfiguration,
                        "the hourly search limit (--searches-per-hour, " +
                            std::to_string(config.search.limits.per_hour) +
                            ") must not be above the daily one (--searches-per-day, " +
                            std::to_string(config.search.limits.per_day) + ")");
  }
  ASSIGN_OR_RETURN(auto store,
                   OpenStore(config.store_location, clock, /*create_if_missing=*/false));
  // Checkpoints are signed when the store's key is at hand.
  auto key = audit::SigningKey::Load(audit::DefaultKeyPath(config.store_location));
  audit::AuditLog audit_log(*store, clock, key.ok() ? &*key : nullptr);
  core::SecureRandom random;
  ASSIGN_OR_RETURN(identity::TokenVault vault,
                   identity::TokenVault::Load(identity::DefaultTokenKeyPath(config.store_location)));
  const auth::Argon2idHasher hasher;
  std::error_code error;
  const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", error);
  ASSIGN_OR_RETURN(const std::filesystem::path linkage_dir,
                   linkage::ResolveLinkageDataDir(config.linkage_data, binary));
  ASSIGN_OR_RETURN(std::unique_ptr<ingest::Linker> linker, ingest::Linker::Load(linkage_dir));
  identity::SignInService sign_in(
      identity::Services{*store, audit_log, clock, random, hasher, vault});
  auto server = http::MakeHttpServer();
  RegisterRoutes(*server, *store);
  RegisterSessionRoutes(*server, sign_in);
  // Search shares the feed loads' Linker (its index and model), taking
  // turns with them (search_service.h "Concurrency").
  const search::StoredRecordStates record_states;
  search::SearchService search_service(
      search::SearchDeps{*store, audit_log, clock, *linker, record_states}, config.search);
  RegisterSearchRoutes(*server, sign_in, search_service);
  practice::PracticeService practice_service(
      practice::PracticeDeps{*store, audit_log, clock, record_states});
  practice::OversightService oversight_service(
      practice::PracticeDeps{*store, audit_log, clock, record_states});
  RegisterPracticeRoutes(*server, sign_in, practice_service, oversight_service);
  // The practitioners' web pages, over the same services.
  ASSIGN_OR_RETURN(web::AssetDirs assets, web::ResolveAssets(config.web_assets, binary));
  // The Data Administrator's review pages compare records with a Linker of
  // their own (its builder and comparator; no index) and the model file, as
  // `contactpoint review` does, so that a feed load's Sync never replaces
  // what they hold.
  ASSIGN_OR_RETURN(std::unique_ptr<ingest::Linker> review_linker,
                   ingest::Linker::Load(linkage_dir));
  ASSIGN_OR_RETURN(linkage::Model review_model, linkage::Model::Load(linkage_dir / "model.json"));
  review::Operations review_ops(
      review::Services{*store, audit_log, clock, random, *review_linker, review_model});
  identity::Directory directory(
      identity::Services{*store, audit_log, clock, random, hasher, vault});
  web::WebDeps web_deps{sign_in,   search_service, oversight_service, practice_service,
                        directory, review_ops,     clock,             assets};
  web_deps.idle_seconds = static_cast<int>(
      std::chrono::duration_cast<std::chrono::seconds>(auth::SessionPolicy().idle()).count());
  RETURN_IF_ERROR(web::RegisterWebRoutes(*server, web_deps));
  RETURN_IF_ERROR(RegisterFeedRoutes(*server, FeedApiDeps{store.get(), &audit_log, &clock, &random,
                                                          linker.get(),
                                                          config.store_location + ".spool"}));
  RETURN_IF_ERROR(server->Start(config.server));
  const std::string scheme = config.server.tls_certificate_file ? "https" : "http";
  const std::string host = config.server.bind_address.find(':') != std::string::npos
                               ? "[" + config.server.bind_address + "]"
                               : config.server.bind_address;
  out << "ContactPoint " << kVersion << " serving on " << scheme << "://" << host << ":"
      << server->port() << "/ (health: " << scheme << "://" << host << ":" << server->port()
      << "/health). Press Ctrl-C to stop.\n"
      << std::flush;
  spdlog::info("serving on port {} with {} worker threads", server->port(),
               config.server.worker_threads);
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  spdlog::info("stopping");
  server->Stop();
  return core::Status::Ok();
}

}  // namespace cp::app
