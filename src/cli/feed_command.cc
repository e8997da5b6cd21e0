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
#include "ingest/csv_import.h"
#include "ingest/parser.h"

namespace cp::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> files;
  int max_errors = 100;
  // For CSV files, which carry no header line.
  std::string source;
  std::string batch;
  std::string extracted_at;  // RFC 3339 UTC; default: now
  std::string mode = "delta";
};

bool IsCsv(const std::string& path) { return path.ends_with(".csv"); }

// The batch header a CSV file stands for, from the command line.
core::StatusOr<ingest::BatchHeader> CsvHeader(const CheckOptions& options,
                                              const core::Clock& clock) {
  if (options.source.empty() || options.batch.empty()) {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        "a CSV batch has no header line: give --source and --batch");
  }
  ingest::BatchHeader header;
  header.source = domain::SourceId(options.source);
  header.batch = domain::BatchId(options.batch);
  header.mode = options.mode == "full" ? ingest::BatchMode::kFull : ingest::BatchMode::kDelta;
  header.extracted_at = clock.Now();
  if (!options.extracted_at.empty()) {
    ASSIGN_OR_RETURN(header.extracted_at,
                     ingest::ParseRfc3339Utc("--extracted-at", options.extracted_at));
  }
  return header;
}

// Prints every rejection (up to the limit) and a summary; returns the exit code.
int RunCheck(const CheckOptions& options, const core::Clock& clock) {
  bool all_clean = true;
  for (const std::string& path : options.files) {
    std::int64_t printed = 0;
    Progress progress("checking " + path);
    const bool csv = IsCsv(path);
    auto accept = [](ingest::FeedRecord&&) { return core::Status::Ok(); };
    auto report = [&](const ingest::Rejection& r) {
      if (printed++ >= options.max_errors) return;
      std::cout << path << (csv ? ": row " : ": line ") << r.line << ": "
                << (r.field.empty() ? std::string(csv ? "(whole row)" : "(whole line)") : r.field)
                << ": " << r.reason << " [" << core::ErrorCodeName(r.code) << "]\n";
    };
    auto show = [&](std::uint64_t done, std::uint64_t total) { progress.Update(done, total); };
    core::StatusOr<ingest::CheckSummary> summary = core::Status(core::ErrorCode::kInternal, "");
    if (csv) {
      auto header = CsvHeader(options, clock);
      summary = header.ok() ? ingest::ImportCsvFile(path, *header, accept, report, show)
                            : core::StatusOr<ingest::CheckSummary>(header.status());
    } else {
      summary = ingest::CheckBatchFile(path, accept, report, show);
    }
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
      "Check batch files (.jsonl, .jsonl.gz, or .csv with --source and --batch) against the data "
      "supply specification without loading them. Exit 0 when every line passes, 1 otherwise");
  check->add_option("FILE", options->files, "Batch files to check")
      ->required()
      ->check(CLI::ExistingFile);
  check->add_option("--max-errors", options->max_errors, "Rejected lines to print per file")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  check->add_option("--source", options->source, "Source ID (CSV files only)");
  check->add_option("--batch", options->batch, "Batch ID (CSV files only)");
  check->add_option("--extracted-at", options->extracted_at,
                    "Extract time, RFC 3339 UTC (CSV files only; default: now)");
  check->add_option("--mode", options->mode, "delta or full (CSV files only)")
      ->check(CLI::IsMember({"delta", "full"}))
      ->capture_default_str();
  check->callback([&context, options] {
    *context.action = [&context, options] { return RunCheck(*options, *context.clock); };
  });
}

}  // namespace cp::cli
