// version, init and serve.
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "app/app.h"
#include "app/version.h"
#include "cli/commands.h"

namespace cp::cli {
namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

}  // namespace

int Fail(const core::Status& status) {
  std::cerr << "contactpoint: error: " << status.message() << " ["
            << core::ErrorCodeName(status.code()) << "]\n";
  return 1;
}

std::string DefaultStore() {
  const char* env = std::getenv("CONTACTPOINT_STORE");
  return env != nullptr ? env : "";
}

void AddStoreOption(CLI::App& command, std::string& store) {
  store = DefaultStore();
  command.add_option("--store", store, "Store location: a file path for the embedded store")
      ->required(store.empty());
}

void AddBasicCommands(CLI::App& app, Context& context) {
  auto* version = app.add_subcommand("version", "Print the version and exit");
  version->callback([&context] {
    *context.action = [] {
      std::cout << "contactpoint " << app::kVersion << "\n";
      return 0;
    };
  });

  auto* init = app.add_subcommand(
      "init", "Create a new store, or upgrade an existing one to this version's schema");
  auto init_store = std::make_shared<std::string>();
  auto organisations = std::make_shared<std::string>();
  AddStoreOption(*init, *init_store);
  init->add_option("--organisations-data", *organisations,
                   "Folder holding england_upper_tier_las.csv (default: the data shipped with "
                   "ContactPoint)");
  init->callback([&context, init_store, organisations] {
    *context.action = [&context, init_store, organisations] {
      const core::Status s =
          app::InitStore(*init_store, *context.clock, std::cout, *organisations);
      return s.ok() ? 0 : Fail(s);
    };
  });

  auto* serve = app.add_subcommand("serve", "Serve the web interface and API");
  auto config = std::make_shared<app::ServeConfig>();
  auto tls_cert = std::make_shared<std::string>();
  auto tls_key = std::make_shared<std::string>();
  AddStoreOption(*serve, config->store_location);
  serve->add_option("--bind", config->server.bind_address,
                    "Address to listen on; plain HTTP only on loopback")
      ->capture_default_str();
  serve->add_option("--port", config->server.port,
                    "TCP port (0: any free port, said in the first line printed)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--threads", config->server.worker_threads, "Worker threads")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  serve->add_option("--keep-alive-requests", config->server.keep_alive_max_requests,
                    "Requests answered on one connection before it is closed")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  // Anti-trawling limits (DOMAIN.md section 7): the defaults are the policy;
  // a deployment may set its own.
  const auto limit = [serve](const char* name, int& value, const char* help) {
    serve->add_option(name, value, help)->check(CLI::Range(1, 1'000'000'000))->capture_default_str();
  };
  search::SearchOptions& search = config->search;
  limit("--searches-per-hour", search.limits.per_hour,
        "Searches a user may make in any hour before being refused");
  limit("--searches-per-day", search.limits.per_day,
        "Searches a user may make in any 24 hours before being refused");
  limit("--suspend-at", search.misuse.hard_per_day,
        "Search (or view) attempts in 24 hours, refused ones included, at which a user is "
        "suspended (an alert for the ContactPoint Manager)");
  limit("--alert-searches-without-view", search.misuse.searches_without_view,
        "Searches in a row without opening a record that raise a misuse alert");
  serve->add_option("--tls-cert", *tls_cert, "TLS certificate (PEM)")->check(CLI::ExistingFile);
  serve->add_option("--tls-key", *tls_key, "TLS private key (PEM)")->check(CLI::ExistingFile);
  auto linkage_data = std::make_shared<std::string>();
  serve->add_option("--linkage-data", *linkage_data,
                    "Folder of the linkage model and name tables for feed loads (default: "
                    "data/linkage beside the binary)")
      ->check(CLI::ExistingDirectory);
  auto web_assets = std::make_shared<std::string>();
  serve->add_option("--web-assets", *web_assets,
                    "Folder of the web pages' static files, holding govuk/ (GOV.UK Frontend's "
                    "dist/govuk) and static/ (default: web/ of the source tree the binary was "
                    "built in, or share/contactpoint/web)")
      ->check(CLI::ExistingDirectory);
  serve->callback([&context, config, tls_cert, tls_key, linkage_data, web_assets] {
    if (!linkage_data->empty()) config->linkage_data = *linkage_data;
    if (!web_assets->empty()) config->web_assets = *web_assets;
    *context.action = [&context, config, tls_cert, tls_key] {
      if (!tls_cert->empty()) config->server.tls_certificate_file = *tls_cert;
      if (!tls_key->empty()) config->server.tls_private_key_file = *tls_key;
      std::signal(SIGINT, OnSignal);
      std::signal(SIGTERM, OnSignal);
      const core::Status s = app::Serve(*config, *context.clock, g_stop, std::cout);
      return s.ok() ? 0 : Fail(s);
    };
  });
}

}  // namespace cp::cli
