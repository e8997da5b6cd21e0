// The SQLite rows of practitioners' own entries (storage/practice.h), private
// to the SQLite backend. Each function runs fixed, parameterised SQL on the
// transaction's connection; the caller (SqliteTransaction) has checked that
// the transaction is open and that the children named are live, wraps writes
// in a savepoint and appends the change-log entries.
#ifndef CP_STORAGE_SQLITE_INTERNAL_SQLITE_PRACTICE_H_
#define CP_STORAGE_SQLITE_INTERNAL_SQLITE_PRACTICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/practice.h"
#include "storage/sqlite/internal/sqlite_db.h"

namespace cp::storage::internal {

core::StatusOr<std::int64_t> WritePractitionerInvolvement(Connection& conn,
                                                          const PractitionerInvolvementEntry& entry);
core::StatusOr<std::vector<PractitionerInvolvementEntry>> ReadPractitionerInvolvements(
    Connection& conn, domain::ContactPointId child);
core::Status WriteShield(Connection& conn, const ShieldEntry& shield);
core::StatusOr<std::optional<ShieldEntry>> ReadShield(Connection& conn,
                                                      domain::ContactPointId child);
core::StatusOr<std::vector<ShieldEntry>> ReadShieldsInForceFor(Connection& conn,
                                                               const std::string& accountable);
core::Status MoveManualRows(Connection& conn, domain::ContactPointId from,
                            domain::ContactPointId to);

}  // namespace cp::storage::internal

#endif  // CP_STORAGE_SQLITE_INTERNAL_SQLITE_PRACTICE_H_
