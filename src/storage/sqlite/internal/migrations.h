// The SQLite schema migrations, embedded at build time.
//
// Each migration is a versioned file src/storage/sqlite/migrations/NNNN_*.sql;
// embed_migrations.cmake turns them into the table returned here, so the
// binary carries exactly the files it was built from. SqliteStore applies them
// in order at open. Immutable data; thread-safe.
#ifndef CP_STORAGE_SQLITE_INTERNAL_MIGRATIONS_H_
#define CP_STORAGE_SQLITE_INTERNAL_MIGRATIONS_H_

#include <span>
#include <string_view>

namespace cp::storage::internal {

struct SqliteMigration {
  int version;            // 1, 2, 3... without gaps
  std::string_view name;  // the file name, e.g. "0001_initial.sql"
  std::string_view sql;   // fixed SQL text: statements separated by ';'
};

// Every migration, ordered by version.
std::span<const SqliteMigration> SqliteMigrations();

}  // namespace cp::storage::internal

#endif  // CP_STORAGE_SQLITE_INTERNAL_MIGRATIONS_H_
