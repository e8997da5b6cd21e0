// contactpoint feed check: validates batch files against the data supply
// specification without loading them (a supplier's accreditation check).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/progress.h"
#include "core/clock.h"
#include "ingest/check.h"

namespace cp::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> files;
  int max_errors = 100;
};

// Prints every rejection (up to the limit) and a summary; returns the exit code.
int RunCheck(const CheckOptions& options) {
  bool all_clean = true;
  for (const std::string& path : options.files) {
    std::int64_t printed = 0;
    Progress progress("checking " + path);
    auto summary = ingest::CheckBatchFile(
        path, [](ingest::FeedRecord&&) { return core::Status::Ok(); },
        [&](const ingest::Rejection& r) {
          if (printed++ >= options.max_errors) return;
          std::cout << path << ": line " << r.line << ": "
                    << (r.field.empty() ? std::string("(whole line)") : r.field) << ": "
                    << r.reason << " [" << core::ErrorCodeName(r.code) << "]\n";
        },
        [&](std::uint64_t done, std::uint64_t total) { progress.Update(done, total); });
    if (!summary.ok()) {
      Fail(summary.status().WithContext(path));
      all_clean = false;
      continue;
    }
    if (printed > options.max_errors) {
      std::cout << path << ": ... " << (printed - options.max_errors)
                << " more rejected lines not shown (raise --max-errors to see them)\n";
    }
    std::cout << path << ": source " << summary->header.source.value() << ", batch "
              << summary->header.batch.value() << ", mode "
              << ingest::BatchModeName(summary->header.mode) << ", extracted "
              << core::FormatRfc3339(summary->header.extracted_at) << ": " << summary->records
              << " records, " << summary->accepted << " accepted (" << summary->withdrawals
              << " withdrawals), " << summary->rejected << " rejected\n";
    if (summary->rejected > 0) all_clean = false;
  }
  return all_clean ? 0 : 1;
}

}  // namespace

void AddFeedCommands(CLI::App& app, Context& context) {
  auto* feed = app.add_subcommand("feed", "Work with data supply batches (DATA-SUPPLY.md)");
  feed->require_subcommand(1);

  auto options = std::make_shared<CheckOptions>();
  auto* check = feed->add_subcommand(
      "check",
      "Check batch files (.jsonl or .jsonl.gz) against the data supply specification without "
      "loading them. Exit 0 when every line passes, 1 otherwise");
  check->add_option("FILE", options->files, "Batch files to check")
      ->required()
      ->check(CLI::ExistingFile);
  check->add_option("--max-errors", options->max_errors, "Rejected lines to print per file")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  check->callback([&context, options] {
    *context.action = [options] { return RunCheck(*options); };
  });
}

}  // namespace cp::cli
