// synth: writes Synthetic England, a realistic population and the feeds its
// sources would supply (tools/synth, docs/synthetic-data.md).
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/progress.h"
#include "domain/validation.h"
#include "synth/sources.h"
#include "synth/synth.h"

namespace cp::cli {
namespace {

struct SynthArgs {
  std::uint64_t children = 0;
  std::uint64_t seed = 0;
  std::string out;
  std::string as_of;
  std::string data_dir;
};

int RunSynth(const SynthArgs& args) {
  synth::Options options;
  options.children = args.children;
  options.seed = args.seed;
  options.as_of = synth::kDefaultAsOf;
  if (!args.as_of.empty()) {
    auto as_of = domain::ParseDate("--as-of", args.as_of);
    if (!as_of.ok()) return Fail(as_of.status());
    options.as_of = *as_of;
  }
  if (const core::Status s = synth::ValidateOptions(options); !s.ok()) return Fail(s);

  std::error_code ec;
  const std::filesystem::path data_dir =
      !args.data_dir.empty()
          ? std::filesystem::path(args.data_dir)
          : synth::DefaultDataDir(std::filesystem::read_symlink("/proc/self/exe", ec));
  auto data = synth::ReferenceData::Load(data_dir);
  if (!data.ok()) return Fail(data.status());

  Progress progress("synth: children");
  auto summary = synth::Generate(
      **data, options, args.out,
      [&progress](std::uint64_t done, std::uint64_t total) { progress.Update(done, total); });
  if (!summary.ok()) return Fail(summary.status());
  std::cout << "synth: " << summary->people << " children in " << summary->households
            << " households, as of " << domain::FormatDate(options.as_of) << ", seed "
            << options.seed << ", written to " << args.out << "\n";
  for (int s = 0; s < synth::kSourceCount; ++s) {
    std::cout << "  " << synth::SourceName(static_cast<synth::SourceKind>(s))
              << ".jsonl: " << summary->records[s] << " records\n";
  }
  std::cout << "  truth.csv, people.csv: ground truth (never loaded into ContactPoint)\n";
  return 0;
}

}  // namespace

void AddSynthCommands(CLI::App& app, Context& context) {
  auto* synth = app.add_subcommand(
      "synth",
      "Write Synthetic England: one DATA-SUPPLY batch per national and local source, plus "
      "truth.csv and people.csv (ground truth for tests; never load them)");
  synth->footer(
      "Same seed and arguments, same bytes. Rates and their sources: docs/synthetic-data.md.\n"
      "Example: contactpoint synth --children 2000 --seed 1 --out var/synth");
  auto args = std::make_shared<SynthArgs>();
  synth
      ->add_option("--children", args->children,
                   "Number of children (people aged 0-17, plus a few who have just turned 18)")
      ->required()
      ->check(CLI::Range(std::uint64_t{1}, synth::kMaxChildren));
  synth->add_option("--seed", args->seed, "Seed of the repeatable random generator")->required();
  synth
      ->add_option("--out", args->out,
                   "Folder to write into (created if missing; files of the same names are "
                   "replaced)")
      ->required();
  synth->add_option("--as-of", args->as_of,
                    "Date the extract describes, YYYY-MM-DD (default 2025-03-31, fixed so that "
                    "output never depends on the day it is made)");
  synth->add_option("--data-dir", args->data_dir,
                    "Folder of the open data the generator reads (default: synth-data beside "
                    "the binary, else tools/synth/data of the source tree)");
  synth->callback([&context, args] { *context.action = [args] { return RunSynth(*args); }; });
}

}  // namespace cp::cli
