// The SQLite rows of organisations, users and sessions (storage/identity.h),
// private to the SQLite backend. Each function runs fixed, parameterised SQL
// on the transaction's connection; the caller (SqliteTransaction) has
// checked that the transaction is open and wraps writes in a savepoint.
#ifndef CP_STORAGE_SQLITE_INTERNAL_SQLITE_IDENTITY_H_
#define CP_STORAGE_SQLITE_INTERNAL_SQLITE_IDENTITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/identity.h"
#include "storage/sqlite/internal/sqlite_db.h"

namespace cp::storage::internal {

core::Status WriteOrganisation(Connection& conn, const OrganisationEntry& organisation);
core::StatusOr<std::vector<OrganisationEntry>> ReadOrganisations(Connection& conn,
                                                                 const std::string* id);
core::StatusOr<std::int64_t> WriteUser(Connection& conn, const UserEntry& user);
// Users with this ID, this username, or of this organisation (at most one
// selector set; none: every user), ordered by username.
struct UserSelector {
  std::optional<std::int64_t> id;
  std::optional<std::string> username;
  std::optional<std::string> organisation;
};
core::StatusOr<std::vector<UserEntry>> ReadUsers(Connection& conn, const UserSelector& selector);
core::Status WriteSession(Connection& conn, const SessionEntry& session);
core::StatusOr<std::optional<SessionEntry>> ReadSession(Connection& conn,
                                                        const std::string& token_hash);
core::Status RemoveSession(Connection& conn, const std::string& token_hash);
core::StatusOr<std::int64_t> RemoveSessionsOf(Connection& conn, std::int64_t user_id);

}  // namespace cp::storage::internal

#endif  // CP_STORAGE_SQLITE_INTERNAL_SQLITE_IDENTITY_H_
