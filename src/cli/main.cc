// contactpoint: the one binary. Parses the command line (CLI11) and runs the
// chosen subcommand; each command group registers itself (commands.h).
// Exit codes: 0 success, 1 the command failed (the message says why and what to
// do), 2 bad usage.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/clock.h"

int main(int argc, char** argv) {
  // Operational log to stderr; personal data never goes to it.
  spdlog::set_default_logger(spdlog::stderr_color_mt("contactpoint"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);

  CLI::App app{
      "ContactPoint: the national index of children in England and of who works with them."};
  app.require_subcommand(1);
  app.footer(
      "Run 'contactpoint COMMAND --help' for a command's options.\n"
      "The store may also be given by the CONTACTPOINT_STORE environment variable.");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "Operational log level: debug, info, warn, error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();

  cp::core::SystemClock clock;
  cp::cli::Action action;
  cp::cli::Context context{&clock, &action};
  cp::cli::AddBasicCommands(app, context);
  cp::cli::AddFeedCommands(app, context);
  cp::cli::AddLinksCommands(app, context);
  cp::cli::AddSourceCommands(app, context);
  cp::cli::AddAuditCommands(app, context);
  cp::cli::AddSynthCommands(app, context);
  cp::cli::AddUserCommands(app, context);
  cp::cli::AddDemoCommands(app, context);
  cp::cli::AddLinkageCommands(app, context);
  cp::cli::AddReviewCommands(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  return action ? action() : 2;
}
