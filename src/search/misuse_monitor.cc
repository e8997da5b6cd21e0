#include "search/misuse_monitor.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>

#include "access/eligibility.h"

namespace cp::search {
namespace {

using core::ErrorCode;
using core::Status;

constexpr std::array<AlertKind, 7> kAllKinds = {
    AlertKind::kSearchVolume,   AlertKind::kViewVolume,          AlertKind::kOwnFamilyName,
    AlertKind::kOwnAddress,     AlertKind::kSearchesWithoutView, AlertKind::kShieldedAccess,
    AlertKind::kSuspended};

// Upper case without spaces: "ls1 4ab" and "LS14AB" compare equal.
std::string PostcodeKey(std::string_view postcode) {
  std::string key;
  for (char c : postcode) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return key;
}

// The words of a display name after the first (the given name), split on
// whitespace; with a single word, that word.
std::vector<std::string> SurnameWords(std::string_view display_name) {
  std::vector<std::string> words;
  std::string word;
  for (char c : display_name) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  if (words.size() > 1) words.erase(words.begin());
  return words;
}

void Prune(std::deque<core::Timestamp>& times, core::Timestamp now) {
  while (!times.empty() && times.front() <= now - std::chrono::hours(24)) times.pop_front();
}

}  // namespace

std::string_view AlertKindName(AlertKind kind) {
  switch (kind) {
    case AlertKind::kSearchVolume: return "search_volume";
    case AlertKind::kViewVolume: return "view_volume";
    case AlertKind::kOwnFamilyName: return "own_family_name";
    case AlertKind::kOwnAddress: return "own_address";
    case AlertKind::kSearchesWithoutView: return "searches_without_view";
    case AlertKind::kShieldedAccess: return "shielded_access";
    case AlertKind::kSuspended: return "suspended";
  }
  return "unknown";
}

std::span<const AlertKind> AllAlertKinds() { return kAllKinds; }

Status SuspendedForMisuse() {
  return Status(ErrorCode::kSuspendedForMisuse,
                "your account has been suspended automatically: its searches or record views "
                "passed the hard limit for one day. Your ContactPoint Manager has been alerted; "
                "your User Manager can reinstate the account");
}

std::vector<AlertKind> OwnSearch(const storage::UserEntry& user, const Query& query,
                                 const linkage::RecordBuilder& builder) {
  std::vector<AlertKind> kinds;
  const std::string searched_family = query.probe.name.family_name.Reveal();
  if (!searched_family.empty()) {
    const linkage::FamilyNameKeys searched = builder.Family(searched_family).keys;
    std::vector<std::string> candidates = SurnameWords(user.display_name);
    if (candidates.size() > 1) {
      std::string all;
      for (const std::string& w : candidates) all += (all.empty() ? "" : " ") + w;
      candidates.push_back(std::move(all));
    }
    for (const std::string& candidate : candidates) {
      const linkage::FamilyNameKeys own = builder.Family(candidate).keys;
      if (own.full.empty() || searched.full.empty()) continue;
      // The same name, or either half of a double-barrelled one.
      const auto in = [](const std::string& key, const std::vector<std::string>& parts) {
        return std::find(parts.begin(), parts.end(), key) != parts.end();
      };
      if (searched.full == own.full || searched.core == own.core ||
          in(searched.core, own.parts) || in(own.core, searched.parts)) {
        kinds.push_back(AlertKind::kOwnFamilyName);
        break;
      }
    }
  }
  if (user.home_postcode && query.probe.address && query.probe.address->postcode &&
      PostcodeKey(*user.home_postcode) == PostcodeKey(query.probe.address->postcode->Reveal())) {
    kinds.push_back(AlertKind::kOwnAddress);
  }
  return kinds;
}

MisuseMonitor::MisuseMonitor(MisuseLimits limits)
    : limits_{std::max(1, limits.hard_per_day), std::max(1, limits.searches_without_view)} {}

bool MisuseMonitor::Attempt(Activity activity, std::int64_t user, core::Timestamp now) {
  std::lock_guard<std::mutex> lock(mu_);
  Counts& counts = users_[user];
  std::deque<core::Timestamp>& times =
      activity == Activity::kSearch ? counts.searches : counts.views;
  Prune(times, now);
  times.push_back(now);
  if (static_cast<int>(times.size()) < limits_.hard_per_day) return false;
  // The caller suspends the user; a User Manager who reinstates them starts
  // them afresh (the count is not held against them a second time).
  times.clear();
  return true;
}

bool MisuseMonitor::SearchedWithoutView(std::int64_t user) {
  std::lock_guard<std::mutex> lock(mu_);
  int& run = users_[user].searches_without_view;
  if (++run < limits_.searches_without_view) return false;
  run = 0;
  return true;
}

void MisuseMonitor::Viewed(std::int64_t user) {
  std::lock_guard<std::mutex> lock(mu_);
  users_[user].searches_without_view = 0;
}

Status MisuseMonitor::RaiseIn(storage::Transaction& tx, const identity::SessionContext& session,
                              AlertKind kind, std::int64_t audit_index, core::Timestamp now,
                              const std::optional<AlertedRecord>& record, bool suspended) {
  const storage::UserEntry& user = session.account.user;
  const std::string code(AlertKindName(kind));
  const std::optional<domain::ContactPointId> child =
      record ? std::optional(record->child) : std::nullopt;
  ASSIGN_OR_RETURN(std::optional<storage::MisuseAlertEntry> open,
                   tx.OpenMisuseAlert(user.id, code, child));
  storage::MisuseAlertEntry alert;
  if (open) {
    alert = std::move(*open);
    ++alert.occurrences;
  } else {
    alert.user_id = user.id;
    alert.organisation = user.organisation;
    alert.kind = code;
    alert.child = child;
    if (record) alert.accountable = record->accountable;
    alert.raised_at = now;
  }
  alert.last_seen_at = now;
  alert.audit_index = audit_index;
  alert.suspended = alert.suspended || suspended;
  return tx.PutMisuseAlert(alert).status();
}

Status MisuseMonitor::SuspendIn(storage::Transaction& tx, audit::AuditLog& audit,
                                const identity::SessionContext& session,
                                std::int64_t audit_index, core::Timestamp now) {
  ASSIGN_OR_RETURN(storage::UserEntry user, tx.GetUser(session.account.user.id));
  const std::string suspended(access::AccountStateName(access::AccountState::kSuspended));
  if (user.account_state != suspended) {
    user.account_state = suspended;
    user.updated_at = now;
    RETURN_IF_ERROR(tx.PutUser(user).status());
    ASSIGN_OR_RETURN(std::int64_t ended, tx.DeleteSessionsOf(user.id));
    audit::Event event;
    event.actor = audit::Principal{audit::PrincipalKind::kSystem, "contactpoint", "", ""};
    event.action = audit::Action::kManageUser;
    event.reason = "suspend_automatically";
    event.subject = "user:" + std::to_string(user.id);
    event.counts = {{"sessions_ended", ended}};
    RETURN_IF_ERROR(audit.AppendIn(tx, event).status());
  }
  return RaiseIn(tx, session, AlertKind::kSuspended, audit_index, now, std::nullopt,
                 /*suspended=*/true);
}

}  // namespace cp::search
