// The SQLite rows of misuse alerts (storage/misuse_alert.h), private to the
// SQLite backend: fixed, parameterised SQL on the transaction's connection.
// The caller (SqliteTransaction) checks the transaction is open and wraps
// writes in a savepoint.
#ifndef CP_STORAGE_SQLITE_INTERNAL_SQLITE_ALERTS_H_
#define CP_STORAGE_SQLITE_INTERNAL_SQLITE_ALERTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/misuse_alert.h"
#include "storage/sqlite/internal/sqlite_db.h"

namespace cp::storage::internal {

core::StatusOr<std::int64_t> WriteMisuseAlert(Connection& conn, const MisuseAlertEntry& alert);
core::StatusOr<MisuseAlertEntry> ReadMisuseAlert(Connection& conn, std::int64_t id);
core::StatusOr<std::optional<MisuseAlertEntry>> ReadOpenMisuseAlert(
    Connection& conn, std::int64_t user_id, const std::string& kind,
    const std::optional<domain::ContactPointId>& child);
core::StatusOr<std::vector<MisuseAlertEntry>> ReadMisuseAlerts(Connection& conn,
                                                               const MisuseAlertFilter& filter);

}  // namespace cp::storage::internal

#endif  // CP_STORAGE_SQLITE_INTERNAL_SQLITE_ALERTS_H_
