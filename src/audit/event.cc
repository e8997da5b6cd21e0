#include "audit/event.h"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

namespace cp::audit {
namespace {

using core::ErrorCode;
using core::Status;

constexpr std::size_t kMaxTokenLength = 64;
constexpr std::size_t kMaxChildren = 1000;
constexpr std::size_t kMaxCounts = 32;

struct ActionEntry {
  Action action;
  std::string_view name;
};

constexpr std::array kActions = {
    ActionEntry{Action::kSignIn, "sign_in"},
    ActionEntry{Action::kSignOut, "sign_out"},
    ActionEntry{Action::kSearch, "search"},
    ActionEntry{Action::kViewRecord, "view_record"},
    ActionEntry{Action::kCreateRecord, "create_record"},
    ActionEntry{Action::kUpdateRecord, "update_record"},
    ActionEntry{Action::kMergeRecords, "merge_records"},
    ActionEntry{Action::kSplitRecord, "split_record"},
    ActionEntry{Action::kShieldRecord, "shield_record"},
    ActionEntry{Action::kArchiveRecord, "archive_record"},
    ActionEntry{Action::kDestroyRecord, "destroy_record"},
    ActionEntry{Action::kExport, "export"},
    ActionEntry{Action::kApplyFeed, "apply_feed"},
    ActionEntry{Action::kManageUser, "manage_user"},
    ActionEntry{Action::kManageSource, "manage_source"},
    ActionEntry{Action::kViewAuditTrail, "view_audit_trail"},
    ActionEntry{Action::kOverrideConsent, "override_consent"},
    ActionEntry{Action::kRecordInvolvement, "record_involvement"},
    ActionEntry{Action::kEndInvolvement, "end_involvement"},
    ActionEntry{Action::kMarkLeadProfessional, "mark_lead_professional"},
    ActionEntry{Action::kRecordCaf, "record_caf"},
    ActionEntry{Action::kReviewShield, "review_shield"},
    ActionEntry{Action::kReviewMisuseAlert, "review_misuse_alert"},
};

Status Invalid(std::string message) {
  return Status(ErrorCode::kInvalidAuditEvent, std::move(message));
}

// Identifiers: letters, digits and . _ : @ - (no spaces, no quotes), so no
// free text (a name, an address) fits.
bool IsIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '@' || c == '-';
}

// Codes: lower-case letters, digits and underscores.
bool IsCodeChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

Status CheckToken(std::string_view field, std::string_view value, bool required, bool code) {
  if (value.empty()) {
    if (required) return Invalid(std::string(field) + " is required");
    return Status::Ok();
  }
  if (value.size() > kMaxTokenLength) {
    return Invalid(std::string(field) + " is longer than " + std::to_string(kMaxTokenLength) +
                   " characters");
  }
  for (char c : value) {
    if (code ? !IsCodeChar(c) : !IsIdentifierChar(c)) {
      return Invalid(std::string(field) +
                     (code ? " must be a code of lower-case letters, digits and '_'"
                           : " must be an identifier of letters, digits and . _ : @ -"));
    }
  }
  return Status::Ok();
}

Status CheckPrincipal(std::string_view field, const Principal& p) {
  const std::string f(field);
  switch (p.kind) {
    case PrincipalKind::kUser:
    case PrincipalKind::kSourceSystem:
    case PrincipalKind::kSystem:
      break;
    default:
      return Invalid(f + ".kind is not a known kind");
  }
  RETURN_IF_ERROR(CheckToken(f + ".id", p.id, /*required=*/true, /*code=*/false));
  RETURN_IF_ERROR(CheckToken(f + ".role", p.role, /*required=*/false, /*code=*/true));
  return CheckToken(f + ".organisation", p.organisation, /*required=*/false, /*code=*/false);
}

// Strings are validated tokens, so quoting needs no escapes.
void AppendString(std::string& out, std::string_view s) {
  out += '"';
  out += s;
  out += '"';
}

void AppendPrincipal(std::string& out, const Principal& p) {
  out += "{\"id\":";
  AppendString(out, p.id);
  out += ",\"kind\":";
  AppendString(out, PrincipalKindName(p.kind));
  if (!p.organisation.empty()) {
    out += ",\"organisation\":";
    AppendString(out, p.organisation);
  }
  if (!p.role.empty()) {
    out += ",\"role\":";
    AppendString(out, p.role);
  }
  out += '}';
}

core::StatusOr<Principal> PrincipalFrom(const nlohmann::json& j) {
  if (!j.is_object()) return Invalid("a principal is not an object");
  Principal p;
  const std::string kind = j.value("kind", "");
  if (kind == "user") {
    p.kind = PrincipalKind::kUser;
  } else if (kind == "source_system") {
    p.kind = PrincipalKind::kSourceSystem;
  } else if (kind == "system") {
    p.kind = PrincipalKind::kSystem;
  } else {
    return Invalid("a principal's kind is not known");
  }
  p.id = j.value("id", "");
  p.role = j.value("role", "");
  p.organisation = j.value("organisation", "");
  return p;
}

}  // namespace

std::string_view ActionName(Action action) {
  for (const ActionEntry& e : kActions) {
    if (e.action == action) return e.name;
  }
  return "unknown";
}

core::StatusOr<Action> ParseAction(std::string_view name) {
  for (const ActionEntry& e : kActions) {
    if (e.name == name) return e.action;
  }
  return Invalid("'" + std::string(name.substr(0, kMaxTokenLength)) + "' is not an audited action");
}

const std::vector<Action>& AllActions() {
  static const auto* all = [] {
    auto* v = new std::vector<Action>();
    for (const ActionEntry& e : kActions) v->push_back(e.action);
    return v;
  }();
  return *all;
}

std::string_view PrincipalKindName(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kUser:
      return "user";
    case PrincipalKind::kSourceSystem:
      return "source_system";
    case PrincipalKind::kSystem:
      return "system";
  }
  return "unknown";
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAllowed:
      return "allowed";
    case Outcome::kRefused:
      return "refused";
  }
  return "unknown";
}

Status Validate(const Event& event) {
  RETURN_IF_ERROR(CheckPrincipal("actor", event.actor));
  if (event.on_behalf_of) RETURN_IF_ERROR(CheckPrincipal("on_behalf_of", *event.on_behalf_of));
  if (ActionName(event.action) == "unknown") return Invalid("action is not a known action");
  if (event.children.size() > kMaxChildren) {
    return Invalid("an event may name at most " + std::to_string(kMaxChildren) + " children");
  }
  for (const domain::ContactPointId& child : event.children) {
    if (!child.assigned()) return Invalid("children: an entry has no ContactPoint ID");
  }
  RETURN_IF_ERROR(CheckToken("reason", event.reason, /*required=*/false, /*code=*/true));
  switch (event.outcome) {
    case Outcome::kAllowed:
      if (!event.refusal.empty()) return Invalid("refusal must be empty when allowed");
      break;
    case Outcome::kRefused:
      RETURN_IF_ERROR(CheckToken("refusal", event.refusal, /*required=*/true, /*code=*/true));
      break;
    default:
      return Invalid("outcome is not a known outcome");
  }
  RETURN_IF_ERROR(CheckToken("subject", event.subject, /*required=*/false, /*code=*/false));
  if (event.counts.size() > kMaxCounts) {
    return Invalid("an event may carry at most " + std::to_string(kMaxCounts) + " counts");
  }
  for (std::size_t i = 0; i < event.counts.size(); ++i) {
    RETURN_IF_ERROR(CheckToken("counts", event.counts[i].first, /*required=*/true, /*code=*/true));
    if (event.counts[i].second < 0) return Invalid("counts must not be negative");
    if (i > 0 && !(event.counts[i - 1].first < event.counts[i].first)) {
      return Invalid("counts must be sorted by name without repeats");
    }
  }
  return Status::Ok();
}

std::string EncodeLeaf(core::Timestamp at, const Event& event) {
  // Keys in sorted order: action, actor, at, children, counts, on_behalf_of,
  // outcome, reason, refusal, subject, v. Empty optional parts are left out.
  std::string out;
  out.reserve(256);
  out += "{\"action\":";
  AppendString(out, ActionName(event.action));
  out += ",\"actor\":";
  AppendPrincipal(out, event.actor);
  out += ",\"at\":";
  out += std::to_string(core::ToUnixMillis(at));
  out += ",\"children\":[";
  for (std::size_t i = 0; i < event.children.size(); ++i) {
    if (i > 0) out += ',';
    AppendString(out, event.children[i].ToString());
  }
  out += ']';
  if (!event.counts.empty()) {
    out += ",\"counts\":{";
    for (std::size_t i = 0; i < event.counts.size(); ++i) {
      if (i > 0) out += ',';
      AppendString(out, event.counts[i].first);
      out += ':';
      out += std::to_string(event.counts[i].second);
    }
    out += '}';
  }
  if (event.on_behalf_of) {
    out += ",\"on_behalf_of\":";
    AppendPrincipal(out, *event.on_behalf_of);
  }
  out += ",\"outcome\":";
  AppendString(out, OutcomeName(event.outcome));
  if (!event.reason.empty()) {
    out += ",\"reason\":";
    AppendString(out, event.reason);
  }
  if (!event.refusal.empty()) {
    out += ",\"refusal\":";
    AppendString(out, event.refusal);
  }
  if (!event.subject.empty()) {
    out += ",\"subject\":";
    AppendString(out, event.subject);
  }
  out += ",\"v\":1}";
  return out;
}

core::StatusOr<LoggedEvent> DecodeLeaf(std::int64_t index, std::string_view leaf) {
  auto damaged = [index](std::string_view why) {
    return Status(ErrorCode::kAuditTampered,
                  "audit entry " + std::to_string(index) + " is damaged: " + std::string(why));
  };
  const nlohmann::json j = nlohmann::json::parse(leaf, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return damaged("it is not a JSON object");
  LoggedEvent logged;
  logged.index = index;
  try {
    if (j.value("v", 0) != 1) return damaged("unknown encoding version");
    auto action = ParseAction(j.value("action", ""));
    if (!action.ok()) return damaged("unknown action");
    logged.event.action = *action;
    ASSIGN_OR_RETURN(logged.event.actor, PrincipalFrom(j.at("actor")));
    if (j.contains("on_behalf_of")) {
      ASSIGN_OR_RETURN(Principal p, PrincipalFrom(j.at("on_behalf_of")));
      logged.event.on_behalf_of = std::move(p);
    }
    logged.at = core::FromUnixMillis(j.at("at").get<std::int64_t>());
    for (const auto& child : j.at("children")) {
      auto id = domain::ContactPointId::Parse(child.get<std::string>());
      if (!id.ok()) return damaged("a child's ContactPoint ID fails its check");
      logged.event.children.push_back(*id);
    }
    const std::string outcome = j.value("outcome", "");
    if (outcome == "allowed") {
      logged.event.outcome = Outcome::kAllowed;
    } else if (outcome == "refused") {
      logged.event.outcome = Outcome::kRefused;
    } else {
      return damaged("unknown outcome");
    }
    logged.event.reason = j.value("reason", "");
    logged.event.refusal = j.value("refusal", "");
    logged.event.subject = j.value("subject", "");
    if (j.contains("counts")) {
      for (const auto& [name, count] : j.at("counts").items()) {
        logged.event.counts.emplace_back(name, count.get<std::int64_t>());
      }
    }
  } catch (const nlohmann::json::exception&) {
    return damaged("a field is missing or has the wrong type");
  }
  if (!Validate(logged.event).ok()) return damaged("it breaks a rule of audit events");
  if (EncodeLeaf(logged.at, logged.event) != leaf) return damaged("it is not in canonical form");
  return logged;
}

}  // namespace cp::audit
