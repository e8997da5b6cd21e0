// contactpoint linkage score: measures a link export against Synthetic
// England's ground truth (issue 6's quality targets).
// contactpoint linkage train: estimates the Fellegi-Sunter model by EM from
// unlabelled feed batches (matching/training.h) and writes the model file.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/commands.h"
#include "cli/progress.h"
#include "ingest/check.h"
#include "linkage/model.h"
#include "linkage/name_variants.h"
#include "linkage/normalise.h"
#include "linkage/record.h"
#include "matching/training.h"
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

struct TrainArgs {
  std::vector<std::string> batches;
  std::string start;         // empty: model-start.json in the linkage data folder
  std::string out;
  std::string linkage_data;  // empty: beside the binary
  std::size_t max_pairs = matching::TrainingOptions{}.max_pairs;
  std::uint64_t seed = 1;
  double random_pairs = matching::TrainingOptions{}.random_pairs_per_pair;
  std::optional<double> prior;  // the prior written, instead of the estimated one
  bool force = false;
};

// The current source records of the batches, in the order first seen: an
// upsert replaces an earlier version of the same (source, key), a withdrawal
// removes it (as a load would leave the store).
class RecordCollector {
 public:
  explicit RecordCollector(const linkage::RecordBuilder& builder) : builder_(builder) {}

  // Reads one batch. Errors: those of CheckBatchFile.
  core::StatusOr<ingest::CheckSummary> Read(const std::string& path, Progress& progress) {
    std::vector<std::pair<std::string, std::optional<linkage::LinkageRecord>>> seen;
    auto accept = [&](ingest::FeedRecord&& record) {
      if (record.op == ingest::RecordOp::kUpsert) {
        seen.emplace_back(record.key.value(), builder_.Build(record.child));
      } else {
        seen.emplace_back(record.key.value(), std::nullopt);
      }
      return core::Status::Ok();
    };
    auto reject = [](const ingest::Rejection&, std::string_view) {};
    auto show = [&](std::uint64_t done, std::uint64_t total) { progress.Update(done, total); };
    ASSIGN_OR_RETURN(ingest::CheckSummary summary,
                     ingest::CheckBatchFile(path, accept, reject, show));
    // The source is known once the header is read; keys are the source's own.
    const std::string prefix = summary.header.source.value() + '\x1f';
    for (auto& [key, record] : seen) {
      auto [slot, inserted] = slots_.try_emplace(prefix + key, records_.size());
      if (inserted) {
        records_.push_back(std::move(record));
      } else {
        records_[slot->second] = std::move(record);
      }
    }
    return summary;
  }

  std::vector<linkage::LinkageRecord> Take() {
    std::vector<linkage::LinkageRecord> out;
    out.reserve(records_.size());
    for (auto& record : records_) {
      if (record) out.push_back(std::move(*record));
    }
    records_.clear();
    slots_.clear();
    return out;
  }

 private:
  const linkage::RecordBuilder& builder_;
  std::vector<std::optional<linkage::LinkageRecord>> records_;
  std::unordered_map<std::string, std::size_t> slots_;
};

std::string Fixed(double value, int precision) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(precision) << value;
  return text.str();
}

std::string Bits(double value) { return (value >= 0 ? "+" : "") + Fixed(value, 2); }

// Probabilities across their range: 0.93, 0.00015, 1.2e-06.
std::string Probability(double value) {
  std::ostringstream text;
  text << std::setprecision(4) << value;
  return text.str();
}

void PrintModel(const linkage::Model& trained, const linkage::Model& start) {
  std::cout << std::left << std::setw(14) << "field" << std::setw(14) << "level" << std::right
            << std::setw(11) << "m" << std::setw(11) << "u" << std::setw(9) << "weight"
            << std::setw(9) << "start" << "\n";
  for (std::size_t f = 0; f < linkage::kFieldCount; ++f) {
    const linkage::Field field = linkage::FieldAt(f);
    const auto& levels = trained.parameters().fields[f];
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const auto level = static_cast<std::uint8_t>(l);
      std::cout << std::left << std::setw(14) << (l == 0 ? linkage::FieldName(field) : "")
                << std::setw(14) << linkage::LevelNames(field)[l] << std::right << std::setw(11)
                << Probability(levels[l].m) << std::setw(11) << Probability(levels[l].u)
                << std::setw(9) << Bits(trained.Weight(field, level)) << std::setw(9)
                << Bits(start.Weight(field, level)) << "\n";
    }
  }
  std::cout << "(weight: log2(m/u) bits of the trained model; start: of the start model)\n";
}

// What a trained model must look like before it is written: for names and
// date of birth, exact agreement is at least twice as likely for a match
// (1 bit), and no partial agreement that matches show (m >= 0.001: a
// nickname, a typo, a transposed date) is clearly stronger evidence against
// a match than outright disagreement. EM breaks these when it lands in
// another optimum: matches and non-matches swapped, or the "non-matches"
// being the matches of noisy sources. Such a model would link strangers or
// split children. The prior may be high (with tight blocking and several
// sources per child most candidate pairs match) but not ~1: then there are
// too few non-matches among the candidates to learn from (a small
// population) and every candidate would link.
core::Status CheckPlausible(const linkage::Model& model) {
  constexpr double kMaxPrior = 0.995;
  if (model.parameters().match_prior > kMaxPrior) {
    return core::Status(core::ErrorCode::kFailedPrecondition,
                        "the trained match prior is " + Fixed(model.parameters().match_prior, 4) +
                            ": (nearly) every candidate pair looks like a match, so there were "
                            "too few non-matches to learn from; train on a larger population");
  }
  constexpr double kMinExactBits = 1.0;
  constexpr double kSlackBits = 1.0;
  constexpr double kSeenByMatches = 0.001;
  for (linkage::Field field :
       {linkage::Field::kGivenName, linkage::Field::kFamilyName, linkage::Field::kDateOfBirth}) {
    const std::string name(linkage::FieldName(field));
    if (model.Weight(field, 0) < kMinExactBits) {
      return core::Status(core::ErrorCode::kFailedPrecondition,
                          "the trained model weighs exact agreement on " + name + " at " +
                              Bits(model.Weight(field, 0)) +
                              " bits, less than 1, so EM has probably taken some matches for "
                              "non-matches or swapped them; anchor the non-matches with "
                              "--random-pairs (default 1) and check the start model");
    }
    const auto missing = linkage::MissingLevel(field);
    const double disagree = model.Weight(field, static_cast<std::uint8_t>(missing - 1));
    const auto& levels = model.parameters().fields[static_cast<std::size_t>(field)];
    for (std::uint8_t level = 1; level + 1 < missing; ++level) {
      if (levels[level].m >= kSeenByMatches && model.Weight(field, level) < disagree - kSlackBits) {
        return core::Status(
            core::ErrorCode::kFailedPrecondition,
            "the trained model weighs " + name + "=" +
                std::string(linkage::LevelNames(field)[level]) + " (" +
                Bits(model.Weight(field, level)) + " bits) below " + name + "=disagree (" +
                Bits(disagree) + "), so EM has probably taken the records of noisy sources for "
                "non-matches; anchor them with --random-pairs (default 1)");
      }
    }
  }
  return core::Status::Ok();
}

bool SameFile(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code error;
  return std::filesystem::equivalent(a, b, error);
}

int RunTrain(const TrainArgs& args, const core::Clock& clock) {
  for (const std::string& path : args.batches) {
    if (!path.ends_with(".jsonl") && !path.ends_with(".jsonl.gz")) {
      return Fail(core::Status(core::ErrorCode::kInvalidArgument,
                               "'" + path + "' is not a .jsonl or .jsonl.gz batch; training "
                               "reads JSON Lines batches only"));
    }
  }
  std::error_code error;
  const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", error);
  auto data_dir = linkage::ResolveLinkageDataDir(
      args.linkage_data.empty() ? std::nullopt
                                : std::optional<std::filesystem::path>(args.linkage_data),
      binary);
  if (!data_dir.ok()) return Fail(data_dir.status());
  const std::filesystem::path start_path = args.start.empty()
                                               ? *data_dir / matching::kStartModelFile
                                               : std::filesystem::path(args.start);
  const std::filesystem::path out_path(args.out);
  if (SameFile(start_path, out_path) && !args.force) {
    return Fail(core::Status(core::ErrorCode::kInvalidArgument,
                             "--out is the start model '" + start_path.string() +
                                 "'; write the trained model elsewhere (or give --force to "
                                 "replace the start model)"));
  }
  const std::filesystem::path out_dir =
      out_path.has_parent_path() ? out_path.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(out_dir, error)) {
    return Fail(core::Status(core::ErrorCode::kInvalidArgument,
                             "the folder of --out, '" + out_dir.string() + "', does not exist"));
  }
  auto start = linkage::Model::Load(start_path);
  if (!start.ok()) return Fail(start.status());
  auto given = linkage::NameEquivalence::LoadCsv(*data_dir / linkage::kGivenNameVariantsFile);
  if (!given.ok()) return Fail(given.status());
  auto family = linkage::NameEquivalence::LoadCsv(*data_dir / linkage::kFamilyNameVariantsFile);
  if (!family.ok()) return Fail(family.status());
  auto normaliser = linkage::NameNormaliser::Create();
  if (!normaliser.ok()) return Fail(normaliser.status());
  const linkage::RecordBuilder builder(**normaliser, *given, *family);

  RecordCollector collector(builder);
  for (const std::string& path : args.batches) {
    core::StatusOr<ingest::CheckSummary> summary = core::Status(core::ErrorCode::kInternal, "");
    {
      Progress progress("reading " + path);
      summary = collector.Read(path, progress);
    }
    if (!summary.ok()) return Fail(summary.status().WithContext(path));
    std::cerr << path << ": source " << summary->header.source.value() << ": "
              << summary->accepted - summary->withdrawals << " upserts, " << summary->withdrawals
              << " withdrawals, " << summary->rejected << " rejected lines (left out)\n";
  }
  const std::vector<linkage::LinkageRecord> records = collector.Take();

  matching::TrainingOptions options;
  options.max_pairs = args.max_pairs;
  options.seed = args.seed;
  options.random_pairs_per_pair = args.random_pairs;
  options.trained_at = clock.Now();
  std::unique_ptr<Progress> progress;
  std::optional<matching::TrainingStage> stage;
  options.progress = [&](matching::TrainingStage now, std::uint64_t done, std::uint64_t total) {
    if (stage != now) {
      progress.reset();  // ends the previous stage's line first
      progress = std::make_unique<Progress>(std::string("train: ") +
                                            std::string(matching::TrainingStageName(now)));
      stage = now;
    }
    progress->Update(done, total);
  };
  auto trained = matching::TrainModel(records, start->parameters(), options);
  progress.reset();
  if (!trained.ok()) return Fail(trained.status());
  // The estimated prior belongs to the training population; the model may
  // be meant for another (a candidate-pair prior falls as blocks grow).
  if (args.prior) {
    trained->parameters.match_prior = *args.prior;
    trained->parameters.description +=
        " The match_prior written was given with --prior (the estimate was " +
        Probability(trained->statistics.match_prior) + ").";
  }
  auto model = linkage::Model::Create(trained->parameters);
  if (!model.ok()) return Fail(model.status());

  const matching::TrainingStatistics& s = trained->statistics;
  PrintModel(*model, *start);
  std::cout << "records:          " << s.records << " (current source records of "
            << args.batches.size() << " batches)\n"
            << "candidate pairs:  " << s.candidate_pairs << " distinct, formed by blocking ("
            << s.incomplete_probes << " probes had capped or cut candidate lists)\n"
            << "pairs used:       " << s.pairs
            << (s.pairs < s.candidate_pairs ? " (sampled, seed " + std::to_string(args.seed) + ")"
                                            : std::string(" (all)"))
            << ", " << s.patterns << " distinct comparison patterns"
            << (s.random_pairs > 0 ? ", and " + std::to_string(s.random_pairs) +
                                         " random record pairs anchoring the non-matches"
                                   : std::string())
            << "\n"
            << "EM:               " << s.iterations << " iterations, "
            << (s.converged ? "converged" : "NOT converged") << ", log-likelihood "
            << Fixed(s.log_likelihood, 1) << "\n"
            << "match prior:      " << Probability(s.match_prior)
            << " (share of candidate pairs that match; about "
            << static_cast<std::uint64_t>(s.match_prior * static_cast<double>(s.pairs) + 0.5)
            << " matching pairs)"
            << (args.prior ? "; written with --prior " + Probability(*args.prior) : std::string())
            << "\n";
  if (!s.fields_kept_from_start.empty()) {
    std::cout << "kept from start:  ";
    for (const std::string& field : s.fields_kept_from_start) std::cout << field << " ";
    std::cout << "(too few matching pairs agree on them)\n";
  }
  if (!s.converged) {
    std::cerr << "contactpoint: warning: EM stopped at its iteration limit before converging\n";
  }
  if (core::Status plausible = CheckPlausible(*model); !plausible.ok()) {
    if (!args.force) {
      return Fail(core::Status(
          plausible.code(),
          plausible.message() + "; the model was not written (give --force to write it anyway)"));
    }
    std::cerr << "contactpoint: warning: " << plausible.message() << "; written anyway (--force)\n";
  }
  if (core::Status saved = model->Save(out_path); !saved.ok()) return Fail(saved);
  std::cout << "wrote " << out_path.string() << "\n";
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

  auto train_args = std::make_shared<TrainArgs>();
  auto* train = group->add_subcommand(
      "train",
      "Estimate the matching model (m, u and the match prior) by EM from unlabelled feed "
      "batches, and write the model file. Pairs are the candidates the index finds, so the "
      "prior is the share of candidate pairs that match. Train only on data set aside for "
      "training (for Synthetic England: seed 101, never an evaluation seed)");
  train->add_option("--batches", train_args->batches, "Batch files (.jsonl or .jsonl.gz)")
      ->required()
      ->check(CLI::ExistingFile);
  train->add_option("--start", train_args->start,
                    "The model EM starts from (default: model-start.json in the linkage data "
                    "folder, the hand-set model)")
      ->check(CLI::ExistingFile);
  train->add_option("--out", train_args->out, "Where to write the trained model (JSON)")
      ->required();
  train->add_option("--max-pairs", train_args->max_pairs,
                    "Pairs given to EM at most; more are sampled down (0: no limit)")
      ->capture_default_str();
  train->add_option("--random-pairs", train_args->random_pairs,
                    "Uniformly drawn record pairs added to EM per candidate pair, to anchor "
                    "the non-match class (0: candidate pairs only; see docs/linkage.md)")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  train->add_option("--seed", train_args->seed, "Seed of the pair sample (repeatable)")
      ->capture_default_str();
  train->add_option("--linkage-data", train_args->linkage_data,
                    "Folder of the name tables and start model (default: data/linkage beside "
                    "the binary)")
      ->check(CLI::ExistingDirectory);
  train->add_option("--prior", train_args->prior,
                    "Write this match prior (the share of candidate pairs that match in the "
                    "population the model will serve) instead of the one estimated here")
      ->check(CLI::Range(1e-9, 0.5));
  train->add_flag("--force", train_args->force,
                  "Write even over the start model, or a model that fails the sanity checks");
  train->callback([&context, train_args] {
    *context.action = [&context, train_args] { return RunTrain(*train_args, *context.clock); };
  });
}

}  // namespace cp::cli
