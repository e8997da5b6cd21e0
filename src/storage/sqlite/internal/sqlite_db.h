// Thin, status-returning wrappers over the SQLite C API, private to the
// SQLite backend.
//
// Every statement is fixed SQL text prepared with sqlite3_prepare_v2; values
// only ever travel through sqlite3_bind_*. Nothing here builds SQL.
#ifndef CP_STORAGE_SQLITE_INTERNAL_SQLITE_DB_H_
#define CP_STORAGE_SQLITE_INTERNAL_SQLITE_DB_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace cp::storage::internal {

// Maps an SQLite result code to a ContactPoint status: busy and locked to
// kStoreBusy, full and I/O errors to kStoreIo, damage to kStoreCorrupt,
// constraint violations to kAlreadyExists / kInvalidRecord /
// kFailedPrecondition. `what` says what was being done ("writing a child
// record"). `db` may be null; when given, SQLite's own message is appended
// (it names constraints and columns, never values).
core::Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

// One parameter value, owned: rows that are written later wait as these.
struct SqlValue {
  enum class Kind : std::uint8_t { kNull, kInt64, kText };
  Kind kind = Kind::kNull;
  std::int64_t int64 = 0;
  std::string text;

  static SqlValue Null() { return SqlValue(); }
  static SqlValue Int64(std::int64_t value) { return SqlValue{Kind::kInt64, value, {}}; }
  static SqlValue Bool(bool value) { return Int64(value ? 1 : 0); }
  static SqlValue Text(std::string_view value) {
    return SqlValue{Kind::kText, 0, std::string(value)};
  }
  static SqlValue OptionalText(const std::optional<std::string>& value) {
    return value ? Text(*value) : Null();
  }
};

// The values of one table row, in column order.
using SqlRow = std::vector<SqlValue>;

// The fixed text of an INSERT of `rows` rows of `columns` values each:
// `head` (up to VALUES), the placeholders "(?, ?), (?, ?)...", then `tail`
// (e.g. an ON CONFLICT clause). Built from literals only, once per table, so
// that several rows go in one statement; values are always bound.
std::string InsertRowsSql(std::string_view head, int columns, int rows, std::string_view tail);

// A prepared statement in use. Borrowed from a Connection's cache (or owned,
// when the cached one is already in use); on destruction it is reset and its
// bindings cleared, so the next user finds it ready. Not thread-safe; lives
// within one call on the connection's owning thread.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, bool owned, std::string_view what);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite. A failed bind is reported by the
  // next Step or Run, so call sites stay flat.
  void BindInt64(int index, std::int64_t value);
  void BindBool(int index, bool value) { BindInt64(index, value ? 1 : 0); }
  void BindText(int index, std::string_view value);
  void BindNull(int index);
  void BindBlob(int index, std::string_view bytes);
  void BindOptionalText(int index, const std::optional<std::string>& value);
  void BindOptionalInt64(int index, const std::optional<std::int64_t>& value);
  void BindValue(int index, const SqlValue& value);

  // true when a row is ready, false when the statement is done.
  core::StatusOr<bool> Step();
  // Steps to the end, for statements that return no rows.
  core::Status Run();
  // Steps through every row, calling on_row(*this) for each; stops at the
  // first error, from SQLite or from on_row.
  template <typename OnRow>
  core::Status ForEachRow(OnRow&& on_row) {
    for (;;) {
      ASSIGN_OR_RETURN(bool row, Step());
      if (!row) return core::Status::Ok();
      RETURN_IF_ERROR(on_row(*this));
    }
  }

  // Columns are 0-based, as in SQLite.
  bool IsNull(int column) const;
  std::int64_t Int64(int column) const;
  std::string Text(int column) const;
  // The column's text where SQLite holds it: valid until the statement steps,
  // is reset or is finalised, and until another call reads the column as
  // another type. For text that is decoded at once (stored JSON).
  std::string_view TextView(int column) const;
  std::string Blob(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  std::optional<std::int64_t> OptionalInt64(int column) const;

  // Rows changed by the last completed INSERT, UPDATE or DELETE.
  int Changes() const;

 private:
  sqlite3_stmt* stmt_;
  bool owned_;
  std::string_view what_;
  int bind_rc_ = SQLITE_OK;
};

// One open SQLite connection and its prepared-statement cache. Owned by a
// SqliteStore; not thread-safe: the owner serialises all use with a mutex.
class Connection {
 public:
  // Takes ownership of an open handle.
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }

  // The statement for fixed SQL text `sql`, prepared once per connection and
  // cached. `sql` should be a string literal or text built once from literals
  // (a function-local static, InsertRowsSql) that lives as long as the
  // connection, never text built from values; `what` (also static text) names
  // the operation in error messages. Text at an address the cache knows for
  // other text, and any text once kMaxCachedStatements are cached, gets a
  // statement of its own (prepared each time: correct, only slower).
  core::StatusOr<Statement> Prepare(std::string_view sql, std::string_view what);

  // Rows stepped through in full table scans by the statements prepared on
  // this connection and not yet finalised (the cached ones).
  std::int64_t FullScanSteps() const;

  static constexpr std::size_t kMaxCachedStatements = 512;
  std::size_t cached_statements() const { return cache_.size(); }

  // Runs fixed SQL text of one or more statements that bind nothing, e.g. a
  // migration file. Rows they return are ignored.
  core::Status Exec(std::string_view sql, std::string_view what);

  // True when SQLite has no transaction open on this connection (including
  // after it rolled one back by itself on a serious error).
  bool InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }

 private:
  sqlite3* db_;
  // Keyed by the address of the literal, which is cheaper to hash than its
  // text; the same text at two call sites is simply prepared twice.
  // The text is kept to check a hit: the address may since hold other text.
  struct Cached {
    sqlite3_stmt* stmt;
    std::string text;
  };
  std::unordered_map<const char*, Cached> cache_;
};

}  // namespace cp::storage::internal

#endif  // CP_STORAGE_SQLITE_INTERNAL_SQLITE_DB_H_
