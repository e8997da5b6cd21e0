// audit keygen, audit checkpoint, audit verify, audit show: the operator's
// and the ContactPoint Manager's view of the audit trail (audit/audit_log.h).
#include <cstdio>
#include <iterator>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "app/app.h"
#include "audit/audit_log.h"
#include "audit/signing.h"
#include "cli/commands.h"

namespace cp::cli {
namespace {

// "2026-01-31" (midnight UTC) or "2026-01-31T14:05[:09[.123]]Z".
core::StatusOr<core::Timestamp> ParseTime(const std::string& flag, const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  char tail = 0;
  bool ok = false;
  if (text.size() == 10) {
    ok = std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3;
  } else if (!text.empty() && text.back() == 'Z') {
    const int n =
        std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &y, &mo, &d, &h, &mi, &s, &ms);
    ok = n >= 5;
    if (n == 5 && text.size() != 17) ok = false;  // "YYYY-MM-DDTHH:MMZ" only
  }
  const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month(mo),
                                         std::chrono::day(d)};
  if (!ok || !date.ok() || h > 23 || mi > 59 || s > 59) {
    return core::InvalidArgument(flag +
                                 " must be a UTC date or time such as 2026-01-31 or "
                                 "2026-01-31T14:05:00Z");
  }
  return core::Timestamp(std::chrono::sys_days(date)) + std::chrono::hours(h) +
         std::chrono::minutes(mi) + std::chrono::seconds(s) + std::chrono::milliseconds(ms);
}

std::string DescribePrincipal(const audit::Principal& p) {
  std::string out = p.id;
  if (!p.role.empty()) out += " (" + p.role + ")";
  if (!p.organisation.empty()) out += " @" + p.organisation;
  return out;
}

nlohmann::json PrincipalJson(const audit::Principal& p) {
  nlohmann::json j = {{"kind", audit::PrincipalKindName(p.kind)}, {"id", p.id}};
  if (!p.role.empty()) j["role"] = p.role;
  if (!p.organisation.empty()) j["organisation"] = p.organisation;
  return j;
}

nlohmann::json EventJson(const audit::LoggedEvent& e) {
  nlohmann::json children = nlohmann::json::array();
  for (const auto& c : e.event.children) children.push_back(c.ToString());
  nlohmann::json j = {{"index", e.index},
                      {"at", core::FormatRfc3339(e.at)},
                      {"action", audit::ActionName(e.event.action)},
                      {"actor", PrincipalJson(e.event.actor)},
                      {"children", children},
                      {"outcome", audit::OutcomeName(e.event.outcome)}};
  if (e.event.on_behalf_of) j["on_behalf_of"] = PrincipalJson(*e.event.on_behalf_of);
  if (!e.event.reason.empty()) j["reason"] = e.event.reason;
  if (!e.event.refusal.empty()) j["refusal"] = e.event.refusal;
  return j;
}

// Writes `text` padded to `width`, always followed by at least one space so
// a long value never runs into the next column.
void Cell(std::ostream& out, std::string_view text, std::size_t width) {
  out << text << std::string(text.size() < width ? width - text.size() : 1, ' ');
}

void PrintTable(const std::vector<audit::LoggedEvent>& events, std::ostream& out) {
  constexpr std::size_t kWidths[] = {8, 26, 18, 28, 36, 28, 20};
  const char* const kHeads[] = {"INDEX", "TIME (UTC)", "ACTION", "OUTCOME", "BY", "FOR", "REASON"};
  for (std::size_t i = 0; i < std::size(kWidths); ++i) Cell(out, kHeads[i], kWidths[i]);
  out << "CHILDREN\n";
  for (const audit::LoggedEvent& e : events) {
    std::string outcome(audit::OutcomeName(e.event.outcome));
    if (!e.event.refusal.empty()) outcome += ": " + e.event.refusal;
    std::string children;
    for (const auto& c : e.event.children)
      children += (children.empty() ? "" : " ") + c.ToDisplay();
    const std::string cells[] = {
        std::to_string(e.index),
        core::FormatRfc3339(e.at),
        std::string(audit::ActionName(e.event.action)),
        outcome,
        DescribePrincipal(e.event.actor),
        e.event.on_behalf_of ? DescribePrincipal(*e.event.on_behalf_of) : "-",
        e.event.reason.empty() ? "-" : e.event.reason};
    for (std::size_t i = 0; i < std::size(kWidths); ++i) Cell(out, cells[i], kWidths[i]);
    out << (children.empty() ? "-" : children) << "\n";
  }
  out << events.size() << (events.size() == 1 ? " event" : " events") << "\n";
}

struct ShowOptions {
  std::string store;
  std::string child;
  std::string user;
  std::string from;
  std::string to;
  std::string action;
  int limit = 50;
  bool json = false;
};

core::Status Show(const ShowOptions& o, const core::Clock& clock, std::ostream& out) {
  audit::AuditQuery query;
  if (!o.child.empty()) {
    ASSIGN_OR_RETURN(query.child, domain::ContactPointId::Parse(o.child));
  }
  if (!o.user.empty()) query.user = o.user;
  if (!o.action.empty()) {
    ASSIGN_OR_RETURN(query.action, audit::ParseAction(o.action));
  }
  if (!o.from.empty()) {
    ASSIGN_OR_RETURN(query.from, ParseTime("--from", o.from));
  }
  if (!o.to.empty()) {
    ASSIGN_OR_RETURN(query.to, ParseTime("--to", o.to));
  }
  query.limit = o.limit;
  ASSIGN_OR_RETURN(auto store, app::OpenStore(o.store, clock, /*create_if_missing=*/false));
  audit::AuditLog log(*store, clock);
  ASSIGN_OR_RETURN(std::vector<audit::LoggedEvent> events, log.Query(query));
  if (o.json) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& e : events) all.push_back(EventJson(e));
    out << all.dump(2) << "\n";
  } else {
    PrintTable(events, out);
  }
  return core::Status::Ok();
}

core::Status Verify(const std::string& location, std::string public_key, const core::Clock& clock,
                    std::ostream& out) {
  if (public_key.empty()) public_key = audit::PublicKeyPath(audit::DefaultKeyPath(location));
  ASSIGN_OR_RETURN(audit::PublicKey key, audit::PublicKey::Load(public_key));
  ASSIGN_OR_RETURN(auto store, app::OpenStore(location, clock, /*create_if_missing=*/false));
  ASSIGN_OR_RETURN(audit::VerifyReport report, audit::VerifyLog(*store, key));
  out << "Audit log intact: " << report.entries << " entries, root " << audit::ToHex(report.root)
      << "\n";
  out << report.checkpoints << " signed checkpoint(s) verified with key " << key.id();
  if (report.newest_checkpoint_at) {
    out << "; the newest covers " << report.covered << " entries (signed "
        << core::FormatRfc3339(*report.newest_checkpoint_at) << ")";
  }
  out << "\n";
  if (report.entries > report.covered) {
    out << "Note: " << (report.entries - report.covered)
        << " newer entries are not yet covered by a checkpoint; run 'contactpoint audit "
           "checkpoint' to sign them\n";
  }
  return core::Status::Ok();
}

core::Status WriteCheckpoint(const std::string& location, std::string key_path,
                             const core::Clock& clock, std::ostream& out) {
  if (key_path.empty()) key_path = audit::DefaultKeyPath(location);
  ASSIGN_OR_RETURN(audit::SigningKey key, audit::SigningKey::Load(key_path));
  ASSIGN_OR_RETURN(auto store, app::OpenStore(location, clock, /*create_if_missing=*/false));
  audit::AuditLog log(*store, clock, &key);
  ASSIGN_OR_RETURN(auto checkpoint, log.Checkpoint());
  if (!checkpoint) {
    ASSIGN_OR_RETURN(std::int64_t size, store->AuditLogSize());
    out << "Nothing to sign: the newest checkpoint already covers all " << size << " entries\n";
    return core::Status::Ok();
  }
  audit::Hash root{};
  audit::FromBytes(checkpoint->root_hash, root);
  out << "Checkpoint signed: " << checkpoint->tree_size << " entries, root " << audit::ToHex(root)
      << ", key " << checkpoint->key_id << "\n";
  return core::Status::Ok();
}

}  // namespace

void AddAuditCommands(CLI::App& app, Context& context) {
  auto* audit = app.add_subcommand(
      "audit", "The audit trail: verify it, show who did what, manage its signing key");
  audit->require_subcommand(1);

  auto* keygen = audit->add_subcommand(
      "keygen",
      "Create an Ed25519 key for signing audit checkpoints: PATH (mode 0600, keep it outside "
      "the store's backups) and PATH.pub for verifiers");
  auto out_path = std::make_shared<std::string>();
  keygen->add_option("--out", *out_path, "Where to write the signing key")->required();
  keygen->callback([&context, out_path] {
    *context.action = [out_path] {
      const core::Status s = audit::SigningKey::CreateFile(*out_path);
      if (!s.ok()) return Fail(s);
      std::cout << "Audit signing key written to " << *out_path << " (public key "
                << audit::PublicKeyPath(*out_path) << ")\n";
      return 0;
    };
  });

  auto* checkpoint = audit->add_subcommand(
      "checkpoint", "Sign a checkpoint (tree size, Merkle root, time) of the audit log now");
  auto cp_store = std::make_shared<std::string>();
  auto cp_key = std::make_shared<std::string>();
  AddStoreOption(*checkpoint, *cp_store);
  checkpoint->add_option("--key", *cp_key, "Signing key file (default: STORE.audit-key)");
  checkpoint->callback([&context, cp_store, cp_key] {
    *context.action = [&context, cp_store, cp_key] {
      const core::Status s = WriteCheckpoint(*cp_store, *cp_key, *context.clock, std::cout);
      return s.ok() ? 0 : Fail(s);
    };
  });

  auto* verify = audit->add_subcommand(
      "verify",
      "Recompute the audit log's Merkle tree and check every signed checkpoint; exits 1 and "
      "names the damage if any entry was changed, removed, inserted or moved");
  auto v_store = std::make_shared<std::string>();
  auto v_key = std::make_shared<std::string>();
  AddStoreOption(*verify, *v_store);
  verify->add_option("--public-key", *v_key, "Public key file (default: STORE.audit-key.pub)");
  verify->callback([&context, v_store, v_key] {
    *context.action = [&context, v_store, v_key] {
      const core::Status s = Verify(*v_store, *v_key, *context.clock, std::cout);
      return s.ok() ? 0 : Fail(s);
    };
  });

  auto* show = audit->add_subcommand(
      "show", "List audit events, newest first: who viewed a child, what a user did, a period");
  auto o = std::make_shared<ShowOptions>();
  AddStoreOption(*show, o->store);
  show->add_option("--child", o->child, "Only events naming this ContactPoint ID");
  show->add_option("--user", o->user, "Only events by this user (or source system) ID");
  std::string actions;
  for (audit::Action a : audit::AllActions()) {
    actions += (actions.empty() ? "" : ", ") + std::string(audit::ActionName(a));
  }
  show->add_option("--action", o->action, "Only this action: " + actions);
  show->add_option("--from", o->from,
                   "Only events at or after this UTC time (2026-01-31 or "
                   "2026-01-31T14:05:00Z)");
  show->add_option("--to", o->to, "Only events before this UTC time");
  show->add_option("--limit", o->limit, "At most this many events")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  show->add_flag("--json", o->json, "Print JSON instead of a table");
  show->callback([&context, o] {
    *context.action = [&context, o] {
      const core::Status s = Show(*o, *context.clock, std::cout);
      return s.ok() ? 0 : Fail(s);
    };
  });
}

}  // namespace cp::cli
