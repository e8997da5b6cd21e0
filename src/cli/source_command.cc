// contactpoint source add|list|show|accredit|activate|suspend: the registry of
// accredited source systems (DOMAIN.md section 4). A source passes registered
// -> type accredited -> instance accredited -> active; only an active source
// can load. Every change is audited.
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>

#include "app/app.h"
#include "audit/audit_log.h"
#include "cli/commands.h"
#include "domain/source.h"
#include "ingest/best_view.h"
#include "ingest/credential.h"

namespace cp::cli {
namespace {

struct SourceOptions {
  std::string store;
  std::string id;
  std::string name;
  std::string kind = "local";
  int priority = 0;   // add: 0 = the kind's default; set-priority: 1..9
  std::string stage;  // accredit: type | instance
};

audit::Event SourceEvent(const domain::SourceId& id, std::string_view what) {
  audit::Event event;
  event.actor = audit::Principal{audit::PrincipalKind::kSystem, "cli", "national_administrator", ""};
  event.action = audit::Action::kManageSource;
  event.subject = id.value();
  event.reason = std::string(what);
  return event;
}

// Runs `change` on the source in one transaction with its audit event.
core::Status ChangeSource(const core::Clock& clock, const std::string& store_location,
                          const domain::SourceId& id, std::string_view what,
                          const std::function<core::Status(storage::Transaction&)>& change) {
  ASSIGN_OR_RETURN(auto store, app::OpenStore(store_location, clock, false));
  audit::AuditLog log(*store, clock);
  ASSIGN_OR_RETURN(auto tx, store->Begin(storage::TxMode::kReadWrite));
  RETURN_IF_ERROR(change(*tx));
  RETURN_IF_ERROR(log.AppendIn(*tx, SourceEvent(id, what)).status());
  return tx->Commit();
}

void PrintSource(const storage::SourceEntry& s) {
  std::cout << std::left << std::setw(28) << s.id.value() << std::setw(10)
            << domain::SourceKindName(s.kind) << std::setw(21) << domain::SourceStateName(s.state)
            << std::setw(10) << s.priority << s.name << "\n";
}

int Add(const SourceOptions& o, const core::Clock& clock) {
  const domain::SourceId id(o.id);
  if (auto s = domain::ValidateSourceId(o.id); !s.ok()) return Fail(s);
  auto kind = domain::ParseSourceKind(o.kind);
  if (!kind.ok()) return Fail(kind.status());
  const ingest::FeedCredential credential = ingest::NewFeedCredential();
  const core::Status s = ChangeSource(clock, o.store, id, "source_registered",
                                      [&](storage::Transaction& tx) -> core::Status {
    if (tx.GetSource(id).ok()) {
      return core::Status(core::ErrorCode::kSourceExists,
                          "source " + o.id + " is already registered (see 'contactpoint source "
                          "show " + o.id + "')");
    }
    storage::SourceEntry entry;
    entry.id = id;
    entry.name = o.name;
    entry.kind = *kind;
    entry.priority = o.priority != 0 ? o.priority
                     : *kind == domain::SourceKind::kNational ? ingest::kNationalSourcePriority
                                                              : ingest::kLocalSourcePriority;
    entry.state = domain::SourceState::kRegistered;
    entry.credential_hash = credential.hash;
    entry.created_at = entry.updated_at = clock.Now();
    return tx.PutSource(entry);
  });
  if (!s.ok()) return Fail(s);
  std::cout << "Registered source " << o.id << " (" << o.kind << "). Its feed credential, shown "
            << "this once, is:\n  " << credential.secret.Reveal() << "\n"
            << "It can submit batches and read this source's receipts, nothing else.\n"
            << "Next: 'contactpoint source accredit " << o.id << " --stage type'.\n";
  return 0;
}

int Transition(const SourceOptions& o, const core::Clock& clock, domain::SourceState to) {
  const domain::SourceId id(o.id);
  const core::Status s = ChangeSource(
      clock, o.store, id, "source_" + std::string(domain::SourceStateName(to)),
      [&](storage::Transaction& tx) -> core::Status {
        ASSIGN_OR_RETURN(storage::SourceEntry entry, tx.GetSource(id));
        RETURN_IF_ERROR(domain::CheckTransition(entry.state, to));
        entry.state = to;
        entry.updated_at = clock.Now();
        return tx.PutSource(entry);
      });
  if (!s.ok()) return Fail(s);
  std::cout << "Source " << o.id << " is now " << domain::SourceStateName(to) << ".\n";
  return 0;
}

int SetPriority(const SourceOptions& o, const core::Clock& clock) {
  const domain::SourceId id(o.id);
  const core::Status s = ChangeSource(clock, o.store, id, "source_priority_changed",
                                      [&](storage::Transaction& tx) -> core::Status {
                                        ASSIGN_OR_RETURN(storage::SourceEntry entry,
                                                         tx.GetSource(id));
                                        entry.priority = o.priority;
                                        entry.updated_at = clock.Now();
                                        return tx.PutSource(entry);
                                      });
  if (!s.ok()) return Fail(s);
  std::cout << "Source " << o.id << " now has priority " << o.priority
            << ". Each child's best view takes it into account when it is next rebuilt (the "
               "next record loaded for the child, or a data administrator's operation).\n";
  return 0;
}

int List(const SourceOptions& o, const core::Clock& clock, bool one) {
  auto store = app::OpenStore(o.store, clock, false);
  if (!store.ok()) return Fail(store.status());
  auto tx = (*store)->Begin(storage::TxMode::kReadOnly);
  if (!tx.ok()) return Fail(tx.status());
  if (one) {
    auto entry = (*tx)->GetSource(domain::SourceId(o.id));
    if (!entry.ok()) return Fail(entry.status());
    auto last = (*tx)->LastBatchSequence(entry->id);
    std::cout << "source:     " << entry->id.value() << "\nname:       " << entry->name
              << "\nkind:       " << domain::SourceKindName(entry->kind)
              << "\nstate:      " << domain::SourceStateName(entry->state)
              << "\npriority:   " << entry->priority << " (1 most trusted, 9 least)"
              << "\nregistered: " << core::FormatRfc3339(entry->created_at)
              << "\nchanged:    " << core::FormatRfc3339(entry->updated_at)
              << "\nlast batch sequence: "
              << (last.ok() && *last ? std::to_string(**last) : std::string("none")) << "\n";
    return 0;
  }
  auto all = (*tx)->ListSources();
  if (!all.ok()) return Fail(all.status());
  std::cout << std::left << std::setw(28) << "SOURCE" << std::setw(10) << "KIND" << std::setw(21)
            << "STATE" << std::setw(10) << "PRIORITY" << "NAME\n";
  for (const auto& s : *all) PrintSource(s);
  return 0;
}

}  // namespace

void AddSourceCommands(CLI::App& app, Context& context) {
  auto* group = app.add_subcommand("source", "Register and accredit the systems that supply data");
  group->require_subcommand(1);
  auto o = std::make_shared<SourceOptions>();

  auto* add = group->add_subcommand("add", "Register a new source (state: registered)");
  AddStoreOption(*add, o->store);
  add->add_option("ID", o->id, "Source ID, e.g. gro-births (lower-case letters, digits, -)")
      ->required();
  add->add_option("--name", o->name, "The organisation and system, e.g. \"GRO birth registrations\"")
      ->required();
  add->add_option("--kind", o->kind, "national or local")
      ->check(CLI::IsMember({"national", "local"}))
      ->capture_default_str();
  add->add_option("--priority", o->priority,
                  "Survivorship rank of what it says about a child, 1 (most trusted) to 9 "
                  "(least); default 2 for a national source, 5 for a local one")
      ->check(CLI::Range(1, 9));
  add->callback([&context, o] { *context.action = [&context, o] { return Add(*o, *context.clock); }; });

  auto* list = group->add_subcommand("list", "List every registered source and its state");
  AddStoreOption(*list, o->store);
  list->callback([&context, o] {
    *context.action = [&context, o] { return List(*o, *context.clock, false); };
  });

  auto* show = group->add_subcommand("show", "Show one source");
  AddStoreOption(*show, o->store);
  show->add_option("ID", o->id, "Source ID")->required();
  show->callback([&context, o] {
    *context.action = [&context, o] { return List(*o, *context.clock, true); };
  });

  auto* priority = group->add_subcommand(
      "set-priority", "Change a source's survivorship priority (1 most trusted, 9 least)");
  AddStoreOption(*priority, o->store);
  priority->add_option("ID", o->id, "Source ID")->required();
  priority->add_option("PRIORITY", o->priority, "1 (most trusted) to 9 (least)")
      ->required()
      ->check(CLI::Range(1, 9));
  priority->callback([&context, o] {
    *context.action = [&context, o] { return SetPriority(*o, *context.clock); };
  });

  auto* accredit = group->add_subcommand(
      "accredit", "Record an accreditation: --stage type (the software), then --stage instance");
  AddStoreOption(*accredit, o->store);
  accredit->add_option("ID", o->id, "Source ID")->required();
  accredit->add_option("--stage", o->stage, "type or instance")
      ->required()
      ->check(CLI::IsMember({"type", "instance"}));
  accredit->callback([&context, o] {
    *context.action = [&context, o] {
      return Transition(*o, *context.clock,
                        o->stage == "type" ? domain::SourceState::kTypeAccredited
                                           : domain::SourceState::kInstanceAccredited);
    };
  });

  auto* activate = group->add_subcommand(
      "activate", "Allow an instance-accredited (or suspended) source to load batches");
  AddStoreOption(*activate, o->store);
  activate->add_option("ID", o->id, "Source ID")->required();
  activate->callback([&context, o] {
    *context.action = [&context, o] {
      return Transition(*o, *context.clock, domain::SourceState::kActive);
    };
  });

  auto* suspend = group->add_subcommand("suspend", "Stop an active source from loading");
  AddStoreOption(*suspend, o->store);
  suspend->add_option("ID", o->id, "Source ID")->required();
  suspend->callback([&context, o] {
    *context.action = [&context, o] {
      return Transition(*o, *context.clock, domain::SourceState::kSuspended);
    };
  });
}

}  // namespace cp::cli
