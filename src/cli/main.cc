// contactpoint: the one binary. Parses the command line (CLI11) and hands each
// subcommand to the composition root in app/. Exit codes: 0 success, 1 the
// command failed (the message says why and what to do), 2 bad usage.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "app/app.h"
#include "app/version.h"
#include "core/clock.h"

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

int Fail(const cp::core::Status& status) {
  std::cerr << "contactpoint: error: " << status.message() << " ["
            << cp::core::ErrorCodeName(status.code()) << "]\n";
  return 1;
}

std::string DefaultStore() {
  const char* env = std::getenv("CONTACTPOINT_STORE");
  return env != nullptr ? env : "";
}

}  // namespace

int main(int argc, char** argv) {
  // Operational log to stderr; personal data never goes to it.
  spdlog::set_default_logger(spdlog::stderr_color_mt("contactpoint"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);

  CLI::App cli{"ContactPoint: the national index of children in England and of who works with them."};
  cli.require_subcommand(1);
  cli.footer(
      "Run 'contactpoint COMMAND --help' for a command's options.\n"
      "The store may also be given by the CONTACTPOINT_STORE environment variable.");
  std::string log_level = "info";
  cli.add_option("--log-level", log_level, "Operational log level: debug, info, warn, error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();

  cp::core::SystemClock clock;

  // version
  auto* version = cli.add_subcommand("version", "Print the version and exit");

  // init
  std::string init_store = DefaultStore();
  auto* init = cli.add_subcommand(
      "init", "Create a new store, or upgrade an existing one to this version's schema");
  init->add_option("--store", init_store, "Store location: a file path for the embedded store")
      ->required(init_store.empty());

  // serve
  cp::app::ServeConfig serve_config;
  serve_config.store_location = DefaultStore();
  std::string tls_cert, tls_key;
  auto* serve = cli.add_subcommand("serve", "Serve the web interface and API");
  serve->add_option("--store", serve_config.store_location, "Store location (created by 'init')")
      ->required(serve_config.store_location.empty());
  serve->add_option("--bind", serve_config.server.bind_address,
                    "Address to listen on; plain HTTP only on loopback")
      ->capture_default_str();
  serve->add_option("--port", serve_config.server.port, "TCP port")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  serve->add_option("--threads", serve_config.server.worker_threads, "Worker threads")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  serve->add_option("--tls-cert", tls_cert, "TLS certificate (PEM)")->check(CLI::ExistingFile);
  serve->add_option("--tls-key", tls_key, "TLS private key (PEM)")->check(CLI::ExistingFile);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  if (*version) {
    std::cout << "contactpoint " << cp::app::kVersion << "\n";
    return 0;
  }
  if (*init) {
    const cp::core::Status s = cp::app::InitStore(init_store, clock, std::cout);
    return s.ok() ? 0 : Fail(s);
  }
  if (*serve) {
    if (!tls_cert.empty()) serve_config.server.tls_certificate_file = tls_cert;
    if (!tls_key.empty()) serve_config.server.tls_private_key_file = tls_key;
    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    const cp::core::Status s = cp::app::Serve(serve_config, clock, g_stop, std::cout);
    return s.ok() ? 0 : Fail(s);
  }
  return 2;
}
