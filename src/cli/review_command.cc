// contactpoint review ... and contactpoint child ...: the data
// administrator's linkage operations (docs/review.md).
//
// Every command names the user it is done for with --as USERNAME (or
// CONTACTPOINT_AS), who must hold the Data Administrator role; each is one
// transaction with its audit event, and a refusal is audited too. A child ID
// that was merged away is followed to the surviving child, and the answer
// says so. The administrator sees personal data on the terminal (show,
// explain); nothing personal goes to the operational log.
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/app.h"
#include "audit/audit_log.h"
#include "audit/signing.h"
#include "cli/commands.h"
#include "domain/validation.h"
#include "ingest/linker.h"
#include "linkage/model.h"
#include "linkage/name_variants.h"
#include "review/operations.h"

namespace cp::cli {
namespace {

struct ReviewOptions {
  std::string store;
  std::string as;
  std::string linkage_data;  // empty: beside the binary
  int limit = 50;
  std::string source;
  std::string key;
  std::string to;
  std::string reason;
  std::string child;
  std::string other;
  std::vector<std::string> records;
};

// What every command opens: the store, its audit log, the linkage data and
// the acting user.
struct Runtime {
  std::unique_ptr<storage::Store> store;
  std::optional<audit::SigningKey> key;
  std::unique_ptr<audit::AuditLog> audit;
  core::SecureRandom random;
  std::unique_ptr<ingest::Linker> linker;
  std::optional<linkage::Model> model;
  std::unique_ptr<review::Operations> ops;
  identity::Account actor;
};

core::StatusOr<std::unique_ptr<Runtime>> Open(const ReviewOptions& o, const core::Clock& clock) {
  auto rt = std::make_unique<Runtime>();
  ASSIGN_OR_RETURN(rt->store, app::OpenStore(o.store, clock, /*create_if_missing=*/false));
  // Checkpoints are signed when the store's key is at hand.
  auto key = audit::SigningKey::Load(audit::DefaultKeyPath(o.store));
  if (key.ok()) rt->key.emplace(std::move(*key));
  rt->audit = std::make_unique<audit::AuditLog>(*rt->store, clock, rt->key ? &*rt->key : nullptr);
  std::error_code error;
  const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", error);
  ASSIGN_OR_RETURN(std::filesystem::path data,
                   linkage::ResolveLinkageDataDir(
                       o.linkage_data.empty()
                           ? std::nullopt
                           : std::optional<std::filesystem::path>(o.linkage_data),
                       binary));
  ASSIGN_OR_RETURN(rt->linker, ingest::Linker::Load(data));
  ASSIGN_OR_RETURN(linkage::Model model, linkage::Model::Load(data / "model.json"));
  rt->model.emplace(std::move(model));
  rt->ops = std::make_unique<review::Operations>(
      review::Services{*rt->store, *rt->audit, clock, rt->random, *rt->linker, *rt->model});
  ASSIGN_OR_RETURN(rt->actor, rt->ops->Actor(o.as));
  return rt;
}

core::StatusOr<domain::ContactPointId> ChildId(std::string_view what, const std::string& text) {
  auto id = domain::ContactPointId::Parse(text);
  if (id.ok()) return id;
  return core::Status(core::ErrorCode::kInvalidContactPointId,
                      std::string(what) + " '" + text +
                          "' is not a ContactPoint ID: 12 digits, the last a check digit");
}

void SayResolved(const review::Resolved& r) {
  if (r.redirected()) {
    std::cout << "Note: " << r.requested.ToString() << " was merged into " << r.id.ToString()
              << "; using " << r.id.ToString() << ".\n";
  }
}

std::string ScoreText(double score) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << score;
  return out.str();
}

std::string Age(std::chrono::milliseconds waiting) {
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(waiting).count();
  if (hours >= 48) return std::to_string(hours / 24) + "d";
  return std::to_string(hours) + "h";
}

void PrintDecision(const storage::LinkDecision& d, const std::string& indent) {
  std::cout << indent << "decision: " << d.decision << " (" << d.reason << ") by " << d.decided_by
            << " at " << core::FormatRfc3339(d.at) << "\n";
  if (!d.vector.empty()) {
    std::cout << indent << "score:    " << ScoreText(d.score) << " bits, model "
              << d.model_version << "\n";
  }
  if (d.candidate) std::cout << indent << "candidate: " << d.candidate->ToString() << "\n";
}

// The fields of a view, as rows for a side-by-side table.
std::vector<std::pair<std::string, std::string>> Rows(const domain::Child& c) {
  auto opt = [](const std::optional<domain::PersonalText>& t) {
    return t ? t->Reveal() : std::string("-");
  };
  std::string others;
  for (const domain::PersonName& n : c.other_names) {
    others += (others.empty() ? "" : ", ") + n.given_names.Reveal() + " " + n.family_name.Reveal();
  }
  std::string address = "-";
  if (c.address) {
    address.clear();
    for (const std::string& line : c.address->lines.Reveal()) {
      address += (address.empty() ? "" : ", ") + line;
    }
    if (c.address->postcode) address += (address.empty() ? "" : ", ") + c.address->postcode->Reveal();
  }
  return {{"given names", c.name.given_names.Reveal()},
          {"family name", c.name.family_name.Reveal()},
          {"other names", others.empty() ? "-" : others},
          {"gender", std::string(domain::GenderName(c.gender))},
          {"date of birth", domain::FormatDate(c.date_of_birth.Reveal())},
          {"address", address},
          {"NHS number", opt(c.identifiers.nhs_number)},
          {"UPN", opt(c.identifiers.upn)},
          {"ULN", opt(c.identifiers.uln)},
          {"carers", std::to_string(c.carers.size())},
          {"services", std::to_string(c.involvements.size())}};
}

int List(const ReviewOptions& o, const core::Clock& clock) {
  auto rt = Open(o, clock);
  if (!rt.ok()) return Fail(rt.status());
  auto list = (*rt)->ops->List((*rt)->actor, o.limit);
  if (!list.ok()) return Fail(list.status());
  if (list->empty()) {
    std::cout << "No record is waiting for review.\n";
    return 0;
  }
  std::cout << std::left << std::setw(28) << "RECORD" << std::setw(14) << "WAITS ON"
            << std::setw(14) << "CANDIDATE" << std::setw(26) << "REASON" << std::setw(8)
            << "SCORE" << "AGE\n";
  for (const review::QueueEntry& e : *list) {
    std::cout << std::left << std::setw(28) << e.record.ToString() << std::setw(14)
              << e.child.ToString() << std::setw(14)
              << (e.candidate ? e.candidate->ToString() : std::string("-")) << std::setw(26)
              << e.reason << std::setw(8) << ScoreText(e.score) << Age(e.waiting) << "\n";
  }
  std::cout << list->size() << " record(s) waiting, oldest first.\n";
  return 0;
}

review::RecordRef Ref(const ReviewOptions& o) {
  return review::RecordRef{domain::SourceId(o.source), domain::SourceKey(o.key)};
}

int Show(const ReviewOptions& o, const core::Clock& clock) {
  auto rt = Open(o, clock);
  if (!rt.ok()) return Fail(rt.status());
  auto shown = (*rt)->ops->Show((*rt)->actor, Ref(o));
  if (!shown.ok()) return Fail(shown.status());
  const storage::SourceRecord& r = shown->record;
  std::cout << "record:   " << Ref(o).ToString() << " (batch " << r.batch.value() << ", extracted "
            << core::FormatRfc3339(r.extracted_at) << ")\n"
            << "waits on: " << r.child->ToString() << "\n";
  if (shown->linked_with > 0) {
    std::cout << "with:     " << shown->linked_with
              << " record(s) linked to that child, the same child as this record: a link "
                 "takes them along\n";
  }
  if (r.decision) {
    PrintDecision(*r.decision, "");
    const auto levels = review::SplitVector(r.decision->vector);
    if (!levels.empty()) {
      std::cout << "comparison with the candidate, by field:\n";
      for (const review::FieldLevel& l : levels) {
        std::cout << "  " << std::left << std::setw(14) << l.field << l.level << "\n";
      }
    }
  }
  if (shown->candidate) SayResolved(*shown->candidate);
  const auto mine = Rows(r.data);
  const auto theirs = shown->candidate_view ? Rows(*shown->candidate_view)
                                            : decltype(mine){};
  std::cout << "\n"
            << std::left << std::setw(16) << "FIELD" << std::setw(34) << "THIS RECORD"
            << (shown->candidate ? "CANDIDATE " + shown->candidate->id.ToString() : "NO CANDIDATE")
            << "\n";
  for (std::size_t i = 0; i < mine.size(); ++i) {
    std::cout << std::left << std::setw(16) << mine[i].first << std::setw(34) << mine[i].second
              << (i < theirs.size() ? theirs[i].second : "") << "\n";
  }
  return 0;
}

int Link(const ReviewOptions& o, const core::Clock& clock) {
  std::optional<domain::ContactPointId> to;
  if (!o.to.empty()) {
    auto id = ChildId("--to", o.to);
    if (!id.ok()) return Fail(id.status());
    to = *id;
  }
  auto rt = Open(o, clock);
  if (!rt.ok()) return Fail(rt.status());
  auto linked = (*rt)->ops->Link((*rt)->actor, Ref(o), to, o.reason);
  if (!linked.ok()) return Fail(linked.status());
  SayResolved(linked->target);
  std::cout << "Linked " << Ref(o).ToString() << " to child " << linked->target.id.ToString()
            << ".\n";
  if (linked->records_moved > 1) {
    std::cout << "With it went the " << linked->records_moved - 1
              << " record(s) linked to its provisional child " << linked->provisional.ToString()
              << ".\n";
  }
  if (linked->provisional_merged_away) {
    std::cout << "Its provisional child " << linked->provisional.ToString()
              << " had no other record: merged away, it now redirects to "
              << linked->target.id.ToString() << ".\n";
  }
  PrintDecision(linked->decision, "  ");
  return 0;
}

int Separate(const ReviewOptions& o, const core::Clock& clock) {
  auto rt = Open(o, clock);
  if (!rt.ok()) return Fail(rt.status());
  auto separated = (*rt)->ops->Separate((*rt)->actor, Ref(o), o.reason);
  if (!separated.ok()) return Fail(separated.status());
  std::cout << "Separated " << Ref(o).ToString() << ": it is child "
            << separated->child.ToString() << ", a child of its own.\n";
  PrintDecision(separated->decision, "  ");
  return 0;
}

int Merge(const ReviewOptions& o, const core::Clock& clock) {
  auto survivor = ChildId("SURVIVOR", o.child);
  if (!survivor.ok()) return Fail(survivor.status());
  auto other = ChildId("OTHER", o.other);
  if (!other.ok()) return Fail(other.status());
  auto rt = Open(o, clock);
  if (!rt.ok()) return Fail(rt.status());
  auto merged = (*rt)->ops->Merge((*rt)->actor, *survivor, *other, o.reason);
  if (!merged.ok()) return Fail(merged.status());
  SayResolved(merged->survivor);
  SayResolved(merged->merged);
  std::cout << "Merged child " << merged->merged.id.ToString() << " into "
            << merged->survivor.id.ToString() << ": " << merged->records_moved
            << " record(s) moved; " << merged->merged.id.ToString() << " now redirects to "
            << merged->survivor.id.ToString() << ".\n";
  return 0;
}

int Split(const ReviewOptions& o, const core::Clock& clock) {
  auto child = ChildId("CHILD", o.child);
  if (!child.ok()) return Fail(child.status());
  std::vector<review::RecordRef> refs;
  for (const std::string& text : o.records) {
    auto ref = review::ParseRecordRef(text);
    if (!ref.ok()) return Fail(ref.status());
    refs.push_back(*ref);
  }
  auto rt = Open(o, clock);
  if (!rt.ok()) return Fail(rt.status());
  auto split = (*rt)->ops->Split((*rt)->actor, *child, refs, o.reason);
  if (!split.ok()) return Fail(split.status());
  SayResolved(split->child);
  std::cout << "Split " << split->records_moved << " record(s) from child "
            << split->child.id.ToString() << " to a new child " << split->new_child.ToString()
            << ".\n";
  return 0;
}

int Explain(const ReviewOptions& o, const core::Clock& clock) {
  auto child = ChildId("CHILD", o.child);
  if (!child.ok()) return Fail(child.status());
  auto rt = Open(o, clock);
  if (!rt.ok()) return Fail(rt.status());
  auto explained = (*rt)->ops->Explain((*rt)->actor, *child);
  if (!explained.ok()) return Fail(explained.status());
  SayResolved(explained->child);
  std::cout << "child " << explained->child.id.ToString() << ": " << explained->records.size()
            << " source record(s)\n";
  for (const storage::SourceRecord& r : explained->records) {
    std::cout << "- " << r.source.value() << ":" << r.key.value() << "  "
              << storage::LinkStateName(r.state) << ", batch " << r.batch.value()
              << ", extracted " << core::FormatRfc3339(r.extracted_at) << "\n";
    if (r.decision) PrintDecision(*r.decision, "    ");
  }
  if (explained->best_view) {
    std::cout << "best view";
    if (explained->best_view->accountable) {
      std::cout << " (accountable: " << explained->best_view->accountable->assignee << ")";
    }
    std::cout << ":\n";
    for (const auto& [field, value] : Rows(*explained->best_view)) {
      std::cout << "  " << std::left << std::setw(16) << field << value << "\n";
    }
  }
  if (!explained->provenance.empty()) {
    std::cout << "where each field comes from (the record whose value survived: source priority, then "
                 "recency; for the address, recency first):\n";
    for (const review::FieldSource& f : explained->provenance) {
      std::cout << "  " << std::left << std::setw(16) << f.field << f.source.value() << ":"
                << f.key.value() << ", batch " << f.batch.value() << ", extracted "
                << core::FormatRfc3339(f.extracted_at) << "\n";
    }
  }
  if (!explained->best_view_up_to_date) {
    std::cout << "Warning: the stored best view differs from one rebuilt from the current "
                 "records; the next change to this child rebuilds it.\n";
  }
  return 0;
}

void AddCommon(CLI::App& command, ReviewOptions& o) {
  AddStoreOption(command, o.store);
  command.add_option("--as", o.as, "The data administrator doing this (their username)")
      ->envname("CONTACTPOINT_AS")
      ->required();
  command.add_option("--linkage-data", o.linkage_data,
                     "Folder with the linkage model and name tables (default: found beside the "
                     "binary)");
}

void AddReason(CLI::App& command, ReviewOptions& o) {
  command.add_option("--reason", o.reason,
                     "Why, as a code of lower-case letters, digits and '_' (no personal data); "
                     "default administrator_decision");
}

void AddRecordArgs(CLI::App& command, ReviewOptions& o) {
  command.add_option("SOURCE", o.source, "The source's ID, e.g. gro-births")->required();
  command.add_option("KEY", o.key, "The source's own key for the record")->required();
}

template <typename Run>
void OnRun(CLI::App* command, Context& context, std::shared_ptr<ReviewOptions> o, Run run) {
  command->callback([&context, o, run] {
    *context.action = [&context, o, run] { return run(*o, *context.clock); };
  });
}

}  // namespace

void AddReviewCommands(CLI::App& app, Context& context) {
  auto* review = app.add_subcommand(
      "review", "The review queue: records the matcher could not place with confidence");
  review->require_subcommand(1);
  review->footer("Only a Data Administrator may use these commands; each is audited.");
  auto o = std::make_shared<ReviewOptions>();

  auto* list = review->add_subcommand("list", "List the records waiting for review, oldest first");
  AddCommon(*list, *o);
  list->add_option("--limit", o->limit, "At most this many (1 to 1000)")->capture_default_str();
  OnRun(list, context, o, List);

  auto* show = review->add_subcommand(
      "show", "Show a waiting record's decision and its fields beside its candidate's");
  AddCommon(*show, *o);
  AddRecordArgs(*show, *o);
  OnRun(show, context, o, Show);

  auto* link = review->add_subcommand(
      "link", "Link a waiting record to its candidate child (or to --to CHILD)");
  AddCommon(*link, *o);
  AddRecordArgs(*link, *o);
  link->add_option("--to", o->to, "Link to this child instead of the candidate");
  AddReason(*link, *o);
  OnRun(link, context, o, Link);

  auto* separate = review->add_subcommand(
      "separate", "Decide a waiting record is a child of its own, not its candidate");
  AddCommon(*separate, *o);
  AddRecordArgs(*separate, *o);
  AddReason(*separate, *o);
  OnRun(separate, context, o, Separate);

  auto* child = app.add_subcommand("child", "Correct and explain children: merge, split, explain");
  child->require_subcommand(1);
  child->footer("Only a Data Administrator may use these commands; each is audited.");

  auto* merge = child->add_subcommand(
      "merge", "Merge child OTHER into SURVIVOR: every record moves, OTHER redirects to SURVIVOR");
  AddCommon(*merge, *o);
  merge->add_option("SURVIVOR", o->child, "The child that stays")->required();
  merge->add_option("OTHER", o->other, "The child merged away")->required();
  AddReason(*merge, *o);
  OnRun(merge, context, o, Merge);

  auto* split = child->add_subcommand(
      "split", "Move some records of CHILD to a new child (a new ContactPoint ID)");
  AddCommon(*split, *o);
  split->add_option("CHILD", o->child, "The child to split")->required();
  split->add_option("--record", o->records, "A record to move, as SOURCE:KEY (repeat for more)")
      ->required();
  AddReason(*split, *o);
  OnRun(split, context, o, Split);

  auto* explain = child->add_subcommand(
      "explain", "Show a child's records, their decisions and where each field comes from");
  AddCommon(*explain, *o);
  explain->add_option("CHILD", o->child, "The child")->required();
  OnRun(explain, context, o, Explain);
}

}  // namespace cp::cli
