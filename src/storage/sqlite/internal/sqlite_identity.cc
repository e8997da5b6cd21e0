#include "storage/sqlite/internal/sqlite_identity.h"

#include <utility>

#include "storage/internal/codec.h"
#include "storage/sqlite/internal/sqlite_values.h"

namespace cp::storage::internal {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;

StatusOr<std::optional<std::string>> OptionalDate(std::string_view field,
                                                  const std::optional<domain::Date>& date) {
  if (!date) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string text, DateText(field, *date));
  return std::optional<std::string>(std::move(text));
}

StatusOr<std::optional<domain::Date>> OptionalDate(std::string_view field,
                                                   const std::optional<std::string>& text) {
  if (!text) return std::optional<domain::Date>();
  ASSIGN_OR_RETURN(domain::Date date, DateFromText(field, *text));
  return std::optional<domain::Date>(date);
}

StatusOr<UserEntry> UserFromRow(const Statement& stmt) {
  UserEntry user;
  user.id = stmt.Int64(0);
  user.username = stmt.Text(1);
  user.display_name = stmt.Text(2);
  user.organisation = stmt.Text(3);
  user.role = stmt.Text(4);
  user.access_mode = stmt.Text(5);
  user.account_state = stmt.Text(6);
  user.nominated = stmt.Int64(7) != 0;
  ASSIGN_OR_RETURN(user.training_completed,
                   OptionalDate("users.training_completed", stmt.OptionalText(8)));
  ASSIGN_OR_RETURN(user.ecrb_disclosure,
                   OptionalDate("users.ecrb_disclosure", stmt.OptionalText(9)));
  user.password_hash = stmt.Text(10);
  user.pin_hash = stmt.Text(11);
  user.must_change_secrets = stmt.Int64(12) != 0;
  user.totp_sealed = stmt.Blob(13);
  user.totp_last_step = stmt.OptionalInt64(14);
  user.password_failures = static_cast<int>(stmt.Int64(15));
  if (auto at = stmt.OptionalInt64(16)) user.last_failure_at = core::FromUnixMillis(*at);
  user.pin_failures = static_cast<int>(stmt.Int64(17));
  user.created_at = core::FromUnixMillis(stmt.Int64(18));
  user.updated_at = core::FromUnixMillis(stmt.Int64(19));
  user.home_postcode = stmt.OptionalText(20);
  return user;
}

// Binds every column but the ID, as ?2..?21 in table order.
Status BindUser(Statement& stmt, const UserEntry& user) {
  ASSIGN_OR_RETURN(std::optional<std::string> training,
                   OptionalDate("user.training_completed", user.training_completed));
  ASSIGN_OR_RETURN(std::optional<std::string> ecrb,
                   OptionalDate("user.ecrb_disclosure", user.ecrb_disclosure));
  stmt.BindText(2, user.username);
  stmt.BindText(3, user.display_name);
  stmt.BindText(4, user.organisation);
  stmt.BindText(5, user.role);
  stmt.BindText(6, user.access_mode);
  stmt.BindText(7, user.account_state);
  stmt.BindBool(8, user.nominated);
  stmt.BindOptionalText(9, training);
  stmt.BindOptionalText(10, ecrb);
  stmt.BindText(11, user.password_hash);
  stmt.BindText(12, user.pin_hash);
  stmt.BindBool(13, user.must_change_secrets);
  stmt.BindBlob(14, user.totp_sealed);
  stmt.BindOptionalInt64(15, user.totp_last_step);
  stmt.BindInt64(16, user.password_failures);
  stmt.BindOptionalInt64(17, OptionalMillis(user.last_failure_at));
  stmt.BindInt64(18, user.pin_failures);
  stmt.BindInt64(19, core::ToUnixMillis(user.created_at));
  stmt.BindInt64(20, core::ToUnixMillis(user.updated_at));
  stmt.BindOptionalText(21, user.home_postcode);
  return Status::Ok();
}

StatusOr<std::int64_t> InsertUser(Connection& conn, const UserEntry& user) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("INSERT INTO users (username, display_name, organisation, role, access_mode, "
                   "account_state, nominated, training_completed, ecrb_disclosure, password_hash, "
                   "pin_hash, must_change_secrets, totp_sealed, totp_last_step, password_failures, "
                   "last_failure_at_ms, pin_failures, created_at_ms, updated_at_ms, home_postcode) "
                   "VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
                   "?17, ?18, ?19, ?20, ?21) ON CONFLICT (username) DO NOTHING",
                   "creating a user"));
  RETURN_IF_ERROR(BindUser(stmt, user));
  RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) {
    return Status(ErrorCode::kUserExists,
                  "the username " + user.username + " is taken: choose another");
  }
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(conn.db()));
}

}  // namespace

Status WriteOrganisation(Connection& conn, const OrganisationEntry& organisation) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("INSERT INTO organisations (id, name, type, accreditation, "
                   "accountable_authority, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                   "ON CONFLICT (id) DO UPDATE SET name = ?2, type = ?3, accreditation = ?4, "
                   "accountable_authority = ?5, updated_at_ms = ?6",
                   "saving an organisation"));
  stmt.BindText(1, organisation.id);
  stmt.BindText(2, organisation.name);
  stmt.BindText(3, organisation.type);
  stmt.BindText(4, organisation.accreditation);
  stmt.BindOptionalText(5, organisation.accountable_authority);
  stmt.BindInt64(6, core::ToUnixMillis(organisation.updated_at));
  return stmt.Run();
}

StatusOr<std::vector<OrganisationEntry>> ReadOrganisations(Connection& conn,
                                                           const std::string* id) {
  // Two statements: "?1 IS NULL OR id = ?1" would read every organisation
  // to find one (it is read for every signed-in request).
  ASSIGN_OR_RETURN(
      Statement stmt,
      id != nullptr
          ? conn.Prepare("SELECT id, name, type, accreditation, accountable_authority, "
                         "updated_at_ms FROM organisations WHERE id = ?1",
                         "reading an organisation")
          : conn.Prepare("SELECT id, name, type, accreditation, accountable_authority, "
                         "updated_at_ms FROM organisations ORDER BY id",
                         "reading organisations"));
  if (id != nullptr) stmt.BindText(1, *id);
  std::vector<OrganisationEntry> found;
  RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) -> Status {
    found.push_back(OrganisationEntry{row.Text(0), row.Text(1), row.Text(2), row.Text(3),
                                      row.OptionalText(4),
                                      core::FromUnixMillis(row.Int64(5))});
    return Status::Ok();
  }));
  return found;
}

StatusOr<std::int64_t> WriteUser(Connection& conn, const UserEntry& user) {
  if (user.id == 0) return InsertUser(conn, user);
  ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("UPDATE users SET username = ?2, display_name = ?3, organisation = ?4, "
                   "role = ?5, access_mode = ?6, account_state = ?7, nominated = ?8, "
                   "training_completed = ?9, ecrb_disclosure = ?10, password_hash = ?11, "
                   "pin_hash = ?12, must_change_secrets = ?13, totp_sealed = ?14, "
                   "totp_last_step = ?15, password_failures = ?16, last_failure_at_ms = ?17, "
                   "pin_failures = ?18, created_at_ms = ?19, updated_at_ms = ?20, "
                   "home_postcode = ?21 WHERE id = ?1",
                   "saving a user"));
  stmt.BindInt64(1, user.id);
  RETURN_IF_ERROR(BindUser(stmt, user));
  RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) {
    return Status(ErrorCode::kUserNotFound, "no user has the ID " + std::to_string(user.id));
  }
  return user.id;
}

StatusOr<std::vector<UserEntry>> ReadUsers(Connection& conn, const UserSelector& selector) {
  // One statement per selector, each using its index: "(?1 IS NULL OR id =
  // ?1) AND ..." would read every user to find one (a user is read for every
  // signed-in request, and there are hundreds of thousands).
  static const std::string kColumns =
      "SELECT id, username, display_name, organisation, role, access_mode, account_state, "
      "nominated, training_completed, ecrb_disclosure, password_hash, pin_hash, "
      "must_change_secrets, totp_sealed, totp_last_step, password_failures, "
      "last_failure_at_ms, pin_failures, created_at_ms, updated_at_ms, home_postcode FROM users ";
  static const std::string kById = kColumns + "WHERE id = ?1";
  static const std::string kByUsername = kColumns + "WHERE username = ?1";
  static const std::string kByOrganisation =
      kColumns + "WHERE organisation = ?1 ORDER BY username";
  static const std::string kAll = kColumns + "ORDER BY username";
  const int criteria = (selector.id ? 1 : 0) + (selector.username ? 1 : 0) +
                       (selector.organisation ? 1 : 0);
  if (criteria > 1) {
    return core::Internal("reading users: select by one of id, username or organisation");
  }
  ASSIGN_OR_RETURN(Statement stmt,
                   conn.Prepare(selector.id             ? kById
                                : selector.username     ? kByUsername
                                : selector.organisation ? kByOrganisation
                                                        : kAll,
                                "reading users"));
  if (selector.id) stmt.BindInt64(1, *selector.id);
  if (selector.username) stmt.BindText(1, *selector.username);
  if (selector.organisation) stmt.BindText(1, *selector.organisation);
  std::vector<UserEntry> found;
  RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) -> Status {
    ASSIGN_OR_RETURN(UserEntry user, UserFromRow(row));
    found.push_back(std::move(user));
    return Status::Ok();
  }));
  return found;
}

Status WriteSession(Connection& conn, const SessionEntry& session) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("INSERT INTO sessions (token_hash, user_id, acting_for, created_at_ms, "
                   "last_seen_at_ms) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (token_hash) DO "
                   "UPDATE SET user_id = ?2, acting_for = ?3, created_at_ms = ?4, "
                   "last_seen_at_ms = ?5",
                   "saving a session"));
  stmt.BindText(1, session.token_hash);
  stmt.BindInt64(2, session.user_id);
  stmt.BindOptionalInt64(3, session.acting_for);
  stmt.BindInt64(4, core::ToUnixMillis(session.created_at));
  stmt.BindInt64(5, core::ToUnixMillis(session.last_seen_at));
  return stmt.Run();
}

StatusOr<std::optional<SessionEntry>> ReadSession(Connection& conn,
                                                  const std::string& token_hash) {
  ASSIGN_OR_RETURN(Statement stmt,
                   conn.Prepare("SELECT user_id, acting_for, created_at_ms, last_seen_at_ms "
                                "FROM sessions WHERE token_hash = ?1",
                                "reading a session"));
  stmt.BindText(1, token_hash);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<SessionEntry>();
  return std::optional<SessionEntry>(SessionEntry{token_hash, stmt.Int64(0),
                                                  stmt.OptionalInt64(1),
                                                  core::FromUnixMillis(stmt.Int64(2)),
                                                  core::FromUnixMillis(stmt.Int64(3))});
}

Status RemoveSession(Connection& conn, const std::string& token_hash) {
  ASSIGN_OR_RETURN(Statement stmt, conn.Prepare("DELETE FROM sessions WHERE token_hash = ?1",
                                                "ending a session"));
  stmt.BindText(1, token_hash);
  return stmt.Run();
}

StatusOr<std::int64_t> RemoveSessionsOf(Connection& conn, std::int64_t user_id) {
  ASSIGN_OR_RETURN(Statement stmt, conn.Prepare("DELETE FROM sessions WHERE user_id = ?1",
                                                "ending a user's sessions"));
  stmt.BindInt64(1, user_id);
  RETURN_IF_ERROR(stmt.Run());
  return static_cast<std::int64_t>(stmt.Changes());
}

}  // namespace cp::storage::internal
