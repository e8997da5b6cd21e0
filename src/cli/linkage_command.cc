// contactpoint linkage score: measures a link export against Synthetic
// England's ground truth (issue 6's quality targets). `linkage train` joins
// this group with the EM training.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "synth/score.h"

namespace cp::cli {
namespace {

struct ScoreArgs {
  std::string synth_dir;
  std::string links;
  bool json = false;
};

int RunScore(const ScoreArgs& args) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (args.links != "-") {
    file.open(args.links);
    if (!file) {
      return Fail(core::Status(core::ErrorCode::kInvalidArgument,
                               "cannot read the link export '" + args.links + "'"));
    }
    in = &file;
  }
  auto score = synth::ScoreLinks(args.synth_dir, *in);
  if (!score.ok()) return Fail(score.status());
  std::cout << (args.json ? score->ToJson() + "\n" : score->ToText());
  return 0;
}

}  // namespace

void AddLinkageCommands(CLI::App& app, Context& context) {
  auto* group = app.add_subcommand("linkage", "Measure and tune record linkage");
  group->require_subcommand(1);
  auto args = std::make_shared<ScoreArgs>();
  auto* score = group->add_subcommand(
      "score", "Score a link export against a synthetic population's truth (test data only)");
  score->add_option("--synth", args->synth_dir, "The folder 'contactpoint synth' wrote")
      ->required()
      ->check(CLI::ExistingDirectory);
  score->add_option("--links", args->links, "The link export (CSV), or - for standard input")
      ->required();
  score->add_flag("--json", args->json, "Print one JSON object");
  score->callback([&context, args] { *context.action = [args] { return RunScore(*args); }; });
}

}  // namespace cp::cli
