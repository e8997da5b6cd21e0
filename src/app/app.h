// The composition root: opens the store, wires modules together and runs the
// commands the CLI exposes. Only app and cli know every module.
#ifndef CP_APP_APP_H_
#define CP_APP_APP_H_

#include <atomic>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "http/server.h"
#include "audit/audit_log.h"
#include "auth/secret_hasher.h"
#include "core/random.h"
#include "identity/directory.h"
#include "identity/token_vault.h"
#include "ingest/linker.h"
#include "search/search_service.h"
#include "storage/store.h"

namespace cp::app {

// Opens the store named by `location`: a file path (SQLite). PostgreSQL URLs
// ("postgresql://...") join when that backend lands.
core::StatusOr<std::unique_ptr<storage::Store>> OpenStore(const std::string& location,
                                                          const core::Clock& clock,
                                                          bool create_if_missing);

// `contactpoint init`: creates the store (or upgrades an existing one to the
// current schema), creates the audit signing key STORE.audit-key (and
// .pub) when there is none, and reports what it did on `out`.
// Also creates the token sealing key STORE.token-key when there is none and
// seeds the organisations (the national operator, the National Partners and
// the local authorities read from `organisations_dir`, by default the data
// shipped with the product), keeping any that exist.
core::Status InitStore(const std::string& location, const core::Clock& clock, std::ostream& out,
                       const std::filesystem::path& organisations_dir = {});

// What the identity module borrows, owned together for one command or server:
// the store, its audit log, secure randomness, the production Argon2id
// hasher and the token vault (STORE.token-key).
struct IdentityRuntime {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<audit::AuditLog> audit;
  core::SecureRandom random;
  auth::Argon2idHasher hasher;
  std::optional<identity::TokenVault> vault;
  identity::Services services(const core::Clock& clock) {
    return identity::Services{*store, *audit, clock, random, hasher, *vault};
  }
};
core::StatusOr<std::unique_ptr<IdentityRuntime>> OpenIdentity(const std::string& location,
                                                              const core::Clock& clock);

// The Linker (record linkage for feed loads) with the linkage data of `dir`,
// or by default the data found beside the binary (ResolveLinkageDataDir).
// Errors: kLinkageDataNotFound saying how to pass the folder; those of
// Linker::Load.
core::StatusOr<std::unique_ptr<ingest::Linker>> OpenLinker(
    const std::optional<std::filesystem::path>& dir = std::nullopt);

// GET /health: 200 {"status":"ok",...} when the store answers, 503 otherwise.
// Reveals no counts and no personal data.
http::Response HealthCheck(storage::Store& store);

// Registers every route of the product on `server`. `store` must outlive it.
void RegisterRoutes(http::Server& server, storage::Store& store);

struct ServeConfig {
  std::string store_location;
  std::optional<std::filesystem::path> linkage_data;  // default: beside the binary
  // The web pages' static files (web/assets.h): default, found from the binary.
  std::optional<std::filesystem::path> web_assets;
  http::ServerOptions server;
  // Practitioners' search: result cap, volume limits (search_service.h).
  search::SearchOptions search;
};

// `contactpoint serve`: opens an existing store, serves until `stop` becomes
// true, then shuts down cleanly. Prints the URL on `out` once listening.
core::Status Serve(const ServeConfig& config, const core::Clock& clock,
                   const std::atomic<bool>& stop, std::ostream& out);

}  // namespace cp::app

#endif  // CP_APP_APP_H_
