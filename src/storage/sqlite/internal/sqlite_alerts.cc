#include "storage/sqlite/internal/sqlite_alerts.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "storage/internal/codec.h"
#include "storage/sqlite/internal/sqlite_values.h"

namespace cp::storage::internal {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;

constexpr std::string_view kAlertColumns =
    "id, user_id, organisation_id, kind, child_id, accountable, raised_at_ms, last_seen_at_ms, "
    "occurrences, audit_index, suspended, reviewed_by, reviewed_at_ms, finding";

StatusOr<MisuseAlertEntry> AlertFromRow(const Statement& row) {
  MisuseAlertEntry a;
  a.id = row.Int64(0);
  a.user_id = row.Int64(1);
  a.organisation = row.Text(2);
  a.kind = row.Text(3);
  if (auto child = row.OptionalInt64(4)) {
    ASSIGN_OR_RETURN(domain::ContactPointId id, IdFromStored("misuse_alerts.child_id", *child));
    a.child = id;
  }
  a.accountable = row.Text(5);
  a.raised_at = core::FromUnixMillis(row.Int64(6));
  a.last_seen_at = core::FromUnixMillis(row.Int64(7));
  a.occurrences = row.Int64(8);
  a.audit_index = row.Int64(9);
  a.suspended = row.Int64(10) != 0;
  a.reviewed_by = row.OptionalInt64(11);
  a.reviewed_at = OptionalTime(row.OptionalInt64(12));
  a.finding = row.Text(13);
  return a;
}

StatusOr<std::vector<MisuseAlertEntry>> AllRows(Statement& stmt) {
  std::vector<MisuseAlertEntry> out;
  RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) -> Status {
    ASSIGN_OR_RETURN(MisuseAlertEntry a, AlertFromRow(row));
    out.push_back(std::move(a));
    return Status::Ok();
  }));
  return out;
}

}  // namespace

StatusOr<std::int64_t> WriteMisuseAlert(Connection& conn, const MisuseAlertEntry& a) {
  if (a.reviewed_at.has_value() != a.reviewed_by.has_value() ||
      a.reviewed_at.has_value() == a.finding.empty() || a.occurrences < 1 || a.kind.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "a misuse alert needs a kind and at least one occurrence, and a review needs "
                  "its reviewer, time and finding together");
  }
  const bool insert = a.id == 0;
  ASSIGN_OR_RETURN(
      Statement stmt,
      insert ? conn.Prepare("INSERT INTO misuse_alerts (user_id, organisation_id, kind, child_id, "
                            "accountable, raised_at_ms, last_seen_at_ms, occurrences, "
                            "audit_index, suspended, reviewed_by, reviewed_at_ms, finding) "
                            "VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                            "raising a misuse alert")
             : conn.Prepare("UPDATE misuse_alerts SET user_id = ?2, organisation_id = ?3, "
                            "kind = ?4, child_id = ?5, accountable = ?6, raised_at_ms = ?7, "
                            "last_seen_at_ms = ?8, occurrences = ?9, audit_index = ?10, "
                            "suspended = ?11, reviewed_by = ?12, reviewed_at_ms = ?13, "
                            "finding = ?14 WHERE id = ?1",
                            "updating a misuse alert"));
  if (!insert) stmt.BindInt64(1, a.id);
  stmt.BindInt64(2, a.user_id);
  stmt.BindText(3, a.organisation);
  stmt.BindText(4, a.kind);
  stmt.BindOptionalInt64(5, a.child ? std::optional<std::int64_t>(Stored(*a.child))
                                    : std::nullopt);
  stmt.BindText(6, a.accountable);
  stmt.BindInt64(7, core::ToUnixMillis(a.raised_at));
  stmt.BindInt64(8, core::ToUnixMillis(a.last_seen_at));
  stmt.BindInt64(9, a.occurrences);
  stmt.BindInt64(10, a.audit_index);
  stmt.BindBool(11, a.suspended);
  stmt.BindOptionalInt64(12, a.reviewed_by);
  stmt.BindOptionalInt64(13, OptionalMillis(a.reviewed_at));
  stmt.BindText(14, a.finding);
  RETURN_IF_ERROR(stmt.Run());
  if (insert) return static_cast<std::int64_t>(sqlite3_last_insert_rowid(conn.db()));
  if (stmt.Changes() == 0) {
    return Status(ErrorCode::kAlertNotFound, "no misuse alert has the ID " + std::to_string(a.id));
  }
  return a.id;
}

StatusOr<MisuseAlertEntry> ReadMisuseAlert(Connection& conn, std::int64_t id) {
  static const std::string kSql =
      "SELECT " + std::string(kAlertColumns) + " FROM misuse_alerts WHERE id = ?1";
  ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(kSql, "reading a misuse alert"));
  stmt.BindInt64(1, id);
  ASSIGN_OR_RETURN(std::vector<MisuseAlertEntry> found, AllRows(stmt));
  if (found.empty()) {
    return Status(ErrorCode::kAlertNotFound, "no misuse alert has the ID " + std::to_string(id));
  }
  return std::move(found.front());
}

StatusOr<std::optional<MisuseAlertEntry>> ReadOpenMisuseAlert(
    Connection& conn, std::int64_t user_id, const std::string& kind,
    const std::optional<domain::ContactPointId>& child) {
  static const std::string kSql = "SELECT " + std::string(kAlertColumns) +
                                  " FROM misuse_alerts WHERE user_id = ?1 AND kind = ?2 AND "
                                  "child_id IS ?3 AND reviewed_at_ms IS NULL "
                                  "ORDER BY id DESC LIMIT 1";
  ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(kSql, "finding an open misuse alert"));
  stmt.BindInt64(1, user_id);
  stmt.BindText(2, kind);
  stmt.BindOptionalInt64(3, child ? std::optional<std::int64_t>(Stored(*child)) : std::nullopt);
  ASSIGN_OR_RETURN(std::vector<MisuseAlertEntry> found, AllRows(stmt));
  if (found.empty()) return std::optional<MisuseAlertEntry>();
  return std::optional<MisuseAlertEntry>(std::move(found.front()));
}

StatusOr<std::vector<MisuseAlertEntry>> ReadMisuseAlerts(Connection& conn,
                                                         const MisuseAlertFilter& filter) {
  // The organisations travel as one JSON array parameter, read by json_each.
  std::optional<std::string> organisations;
  if (filter.organisations) {
    nlohmann::json list = nlohmann::json::array();
    for (const std::string& id : *filter.organisations) list.push_back(id);
    organisations = list.dump();
  }
  static const std::string kSql =
      "SELECT " + std::string(kAlertColumns) +
      " FROM misuse_alerts WHERE (?1 OR reviewed_at_ms IS NULL) AND "
      "(?3 IS NULL OR organisation_id IN (SELECT value FROM json_each(?3)) OR "
      "(?4 <> '' AND accountable = ?4)) AND (?5 IS NULL OR user_id <> ?5) "
      "ORDER BY last_seen_at_ms DESC, id DESC LIMIT ?2";
  ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(kSql, "listing misuse alerts"));
  stmt.BindBool(1, filter.include_reviewed);
  stmt.BindInt64(2, filter.limit < 0 ? 0 : filter.limit);
  stmt.BindOptionalText(3, organisations);
  stmt.BindText(4, filter.accountable);
  stmt.BindOptionalInt64(5, filter.exclude_user);
  return AllRows(stmt);
}

}  // namespace cp::storage::internal
