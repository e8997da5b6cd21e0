// contactpoint feed check: validates batch files against the data supply
// specification without loading them (a supplier's accreditation check).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "audit/audit_log.h"
#include "audit/signing.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "core/clock.h"
#include "ingest/check.h"
#include "ingest/csv_import.h"
#include "ingest/loader.h"
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
    auto report = [&](const ingest::Rejection& r, std::string_view) {
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

struct LoadOptions {
  std::string store;
  std::string source;
  // Each JSON Lines file is submitted as the source its header names.
  bool source_from_header = false;
  std::vector<std::string> files;
  CheckOptions csv;  // batch, extracted-at, mode for CSV files
  int max_errors = 20;
  std::string linkage_data;  // empty: beside the binary
  bool timings = false;      // print where each load's time went
};

// "timings: applied in 12.31 s (CPU: ...), committed in 1.07 s".
std::string TimingsText(const ingest::LoadTimings& t) {
  char text[512];
  std::snprintf(text, sizeof text,
                "  timings: applied in %.2f s (CPU: reading %.2f s, matching and best views "
                "%.2f s, store writes %.2f s; waited %.2f s for a full write queue and "
                "%.2f s in %lld calls to the writer), committed in %.2f s\n",
                t.applying.count(), t.reading_cpu.count(), t.matching_cpu.count(),
                t.writing_cpu.count(), t.writer_queue_wait.count(), t.writer_call_wait.count(),
                static_cast<long long>(t.writer_calls), t.committing.count());
  return text;
}

// The source `path` is submitted as: --source, or with --source-from-header
// the source its header line names (a CSV file has no header: it needs
// --source).
core::StatusOr<domain::SourceId> SourceOf(const LoadOptions& options, const std::string& path) {
  if (!options.source_from_header) return domain::SourceId(options.source);
  if (IsCsv(path)) {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        "a CSV batch has no header line to name its source: load it with "
                        "--source and --batch");
  }
  ASSIGN_OR_RETURN(ingest::BatchHeader header, ingest::ReadBatchHeader(path));
  return header.source;
}

// Loads each file in turn, in one process (the matching index is built once
// and kept from batch to batch); prints each receipt. Exit 0 when every file
// was loaded (lines may have been rejected: the receipt lists them), 1
// otherwise.
int RunLoad(const LoadOptions& options, const core::Clock& clock) {
  if (options.source.empty() == !options.source_from_header) {
    return Fail(core::Status(core::ErrorCode::kInvalidArgument,
                             "give either --source ID (every file is submitted as that source) "
                             "or --source-from-header (each file as the source its header names)"));
  }
  auto store = app::OpenStore(options.store, clock, /*create_if_missing=*/false);
  if (!store.ok()) return Fail(store.status());
  // Checkpoints are signed when the store's key is at hand; the next load or
  // 'audit checkpoint' signs them otherwise.
  auto key = audit::SigningKey::Load(audit::DefaultKeyPath(options.store));
  audit::AuditLog log(**store, clock, key.ok() ? &*key : nullptr);
  core::SecureRandom random;
  auto linker = app::OpenLinker(options.linkage_data.empty()
                                    ? std::nullopt
                                    : std::optional<std::filesystem::path>(options.linkage_data));
  if (!linker.ok()) return Fail(linker.status());
  ingest::BatchLoader loader(**store, log, clock, random, **linker);
  bool all_loaded = true;
  for (const std::string& path : options.files) {
    Progress progress("loading " + path);
    auto show = [&](std::uint64_t done, std::uint64_t total) { progress.Update(done, total); };
    core::StatusOr<ingest::LoadResult> result = core::Status(core::ErrorCode::kInternal, "");
    const core::StatusOr<domain::SourceId> source = SourceOf(options, path);
    if (!source.ok()) {
      result = source.status();
    } else if (IsCsv(path)) {
      CheckOptions csv = options.csv;
      csv.source = options.source;
      auto header = CsvHeader(csv, clock);
      result = header.ok() ? loader.LoadCsvFile(*source, path, *header, show)
                           : core::StatusOr<ingest::LoadResult>(header.status());
    } else {
      result = loader.LoadFile(*source, path, show);
    }
    if (!result.ok()) {
      Fail(result.status().WithContext(path + ": nothing was applied"));
      all_loaded = false;
      continue;
    }
    if (result->already_loaded) {
      std::cout << path << ": this batch was loaded before with identical content; nothing "
                << "changed. The original receipt:\n";
    }
    std::cout << ingest::ReceiptToText(result->receipt,
                                       static_cast<std::size_t>(options.max_errors));
    if (options.timings && !result->already_loaded) std::cout << TimingsText(result->timings);
  }
  return all_loaded ? 0 : 1;
}

// A CSV field, quoted when it holds a comma, quote or line break.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

int RunLinksExport(const std::string& store_location, const std::string& source,
                   const core::Clock& clock) {
  auto store = app::OpenStore(store_location, clock, /*create_if_missing=*/false);
  if (!store.ok()) return Fail(store.status());
  auto tx = (*store)->Begin(storage::TxMode::kReadOnly);
  if (!tx.ok()) return Fail(tx.status());
  std::optional<domain::SourceId> only;
  if (!source.empty()) {
    auto entry = (*tx)->GetSource(domain::SourceId(source));
    if (!entry.ok()) return Fail(entry.status());
    only = entry->id;
  }
  // One row per current source record (withdrawn ones are no longer held).
  std::cout << "source,key,child_id,state\n";
  std::int64_t rows = 0;
  const core::Status s = (*tx)->ForEachSourceLink(only, [&](const storage::SourceLink& link) {
    if (link.state == storage::LinkState::kWithdrawn) return core::Status::Ok();
    ++rows;
    std::cout << CsvField(link.source.value()) << ',' << CsvField(link.key.value()) << ','
              << (link.child ? link.child->ToString() : "") << ','
              << storage::LinkStateName(link.state) << '\n';
    return std::cout ? core::Status::Ok()
                     : core::Status(core::ErrorCode::kStoreIo, "cannot write to standard output");
  });
  if (!s.ok()) return Fail(s);
  tx->reset();
  // Exports are audited (DOMAIN.md section 6).
  audit::AuditLog log(**store, clock);
  audit::Event event;
  event.actor = audit::Principal{audit::PrincipalKind::kSystem, "cli", "data_administrator", ""};
  event.action = audit::Action::kExport;
  event.subject = only ? only->value() : "all-sources";
  event.reason = "links_export";
  event.counts = {{"rows", rows}};
  const auto logged = log.Append(event);
  return logged.ok() ? 0 : Fail(logged.status());
}

}  // namespace

void AddLinksCommands(CLI::App& app, Context& context) {
  auto* links = app.add_subcommand("links", "Reconciliation extracts of source records");
  links->require_subcommand(1);
  auto store = std::make_shared<std::string>();
  auto source = std::make_shared<std::string>();
  auto* export_cmd = links->add_subcommand(
      "export", "Write source,key,child_id,state as CSV to standard output, one row per source "
                "record (DATA-SUPPLY.md \"Link export\")");
  AddStoreOption(*export_cmd, *store);
  export_cmd->add_option("--source", *source, "Only this source's records");
  export_cmd->callback([&context, store, source] {
    *context.action = [&context, store, source] {
      return RunLinksExport(*store, *source, *context.clock);
    };
  });
}

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

  auto load = std::make_shared<LoadOptions>();
  auto* load_cmd = feed->add_subcommand(
      "load",
      "Load batch files (.jsonl, .jsonl.gz, or .csv with --batch) from an active source: each "
      "batch is applied entirely or not at all, and its receipt is printed and stored");
  AddStoreOption(*load_cmd, load->store);
  auto* source_option =
      load_cmd->add_option("--source", load->source, "The source the batches are submitted as");
  load_cmd
      ->add_flag("--source-from-header", load->source_from_header,
                 "Instead of --source: submit each JSON Lines file as the source its header "
                 "names (an operator loading several sources' extracts in one run, so that the "
                 "matching index is built once; every source must be active)")
      ->excludes(source_option);
  load_cmd->add_option("FILE", load->files, "Batch files, loaded in the order given")
      ->required()
      ->check(CLI::ExistingFile);
  load_cmd->add_option("--batch", load->csv.batch, "Batch ID (CSV files only)");
  load_cmd->add_option("--extracted-at", load->csv.extracted_at,
                       "Extract time, RFC 3339 UTC (CSV files only; default: now)");
  load_cmd->add_option("--mode", load->csv.mode, "delta or full (CSV files only)")
      ->check(CLI::IsMember({"delta", "full"}))
      ->capture_default_str();
  load_cmd->add_option("--linkage-data", load->linkage_data,
                       "Folder of the linkage model and name tables (default: data/linkage "
                       "beside the binary)")
      ->check(CLI::ExistingDirectory);
  load_cmd->add_flag("--timings", load->timings,
                     "After each receipt, print how long the batch took to apply and commit, "
                     "the CPU time of reading, matching and writing, and how long matching "
                     "waited for the writer (for capacity planning)");
  load_cmd->add_option("--max-errors", load->max_errors, "Rejected lines to print per receipt")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  load_cmd->callback([&context, load] {
    *context.action = [&context, load] { return RunLoad(*load, *context.clock); };
  });
}

}  // namespace cp::cli
