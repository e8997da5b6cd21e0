// Subcommand registration. Each command group lives in its own
// <group>_command.cc and adds itself to the CLI11 app; main.cc calls every
// Add*Command function once and runs whichever subcommand was chosen.
#ifndef CP_CLI_COMMANDS_H_
#define CP_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "core/clock.h"
#include "core/status.h"

namespace cp::cli {

// What a subcommand does once parsed; returns the process exit code.
using Action = std::function<int()>;

// Everything a command may need from main: the clock, and where to put the
// action to run after parsing.
struct Context {
  const core::Clock* clock = nullptr;
  Action* action = nullptr;  // set by the chosen subcommand's callback
};

// Prints "contactpoint: error: MESSAGE [code]" to stderr; returns exit code 1.
int Fail(const core::Status& status);

// The store location from CONTACTPOINT_STORE, or empty.
std::string DefaultStore();

// Adds `--store` to `command`, required unless CONTACTPOINT_STORE is set.
void AddStoreOption(CLI::App& command, std::string& store);

void AddBasicCommands(CLI::App& app, Context& context);  // version, init, serve
void AddFeedCommands(CLI::App& app, Context& context);   // feed check, feed load
void AddLinksCommands(CLI::App& app, Context& context);  // links export
void AddSourceCommands(CLI::App& app, Context& context); // source add|list|show|accredit|...
void AddAuditCommands(CLI::App& app, Context& context);  // audit keygen, checkpoint, verify, show
void AddSynthCommands(CLI::App& app, Context& context);  // synth
void AddUserCommands(CLI::App& app, Context& context);   // user ..., org ...
void AddDemoCommands(CLI::App& app, Context& context);   // demo-users
void AddLinkageCommands(CLI::App& app, Context& context);  // linkage score, train
void AddReviewCommands(CLI::App& app, Context& context);   // review ..., child ...

}  // namespace cp::cli

#endif  // CP_CLI_COMMANDS_H_
