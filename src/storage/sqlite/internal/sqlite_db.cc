#include "storage/sqlite/internal/sqlite_db.h"

#include <utility>

namespace cp::storage::internal {

core::Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  using core::ErrorCode;
  ErrorCode code = ErrorCode::kInternal;
  std::string_view reason;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = ErrorCode::kStoreBusy;
      reason = "the store is locked by another writer; retry shortly";
      break;
    case SQLITE_FULL:
      code = ErrorCode::kStoreIo;
      reason = "the disk (or the store's size limit) is full";
      break;
    case SQLITE_IOERR:
    case SQLITE_PROTOCOL:
      code = ErrorCode::kStoreIo;
      reason = "the operating system reported an input/output error";
      break;
    case SQLITE_READONLY:
      code = ErrorCode::kStoreIo;
      reason = "the store file cannot be written";
      break;
    case SQLITE_CANTOPEN:
      code = ErrorCode::kStoreCannotOpen;
      reason = "a file of the store cannot be opened";
      break;
    case SQLITE_PERM:
    case SQLITE_AUTH:
      code = ErrorCode::kStoreIo;
      reason = "permission denied";
      break;
    case SQLITE_CORRUPT:
      code = ErrorCode::kStoreCorrupt;
      reason = "the store file is damaged";
      break;
    case SQLITE_NOTADB:
      code = ErrorCode::kStoreCorrupt;
      reason = "the file is not a ContactPoint store (not a database)";
      break;
    case SQLITE_NOMEM:
      code = ErrorCode::kResourceExhausted;
      reason = "out of memory";
      break;
    case SQLITE_TOOBIG:
      code = ErrorCode::kInvalidRecord;
      reason = "a value is too large to store";
      break;
    case SQLITE_CONSTRAINT:
      switch (rc) {
        case SQLITE_CONSTRAINT_PRIMARYKEY:
        case SQLITE_CONSTRAINT_UNIQUE:
          code = ErrorCode::kAlreadyExists;
          reason = "a record with this key already exists";
          break;
        case SQLITE_CONSTRAINT_FOREIGNKEY:
          code = ErrorCode::kFailedPrecondition;
          reason = "a record it refers to does not exist";
          break;
        default:
          code = ErrorCode::kInvalidRecord;
          reason = "a value breaks a rule of the store's schema";
          break;
      }
      break;
    default:
      code = ErrorCode::kInternal;
      reason = "unexpected database error";
      break;
  }
  std::string message(what);
  message += ": ";
  message += reason;
  message += " (sqlite: ";
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : nullptr;
  message += detail != nullptr ? detail : sqlite3_errstr(rc);
  message += ")";
  return core::Status(code, std::move(message));
}

std::string InsertRowsSql(std::string_view head, int columns, int rows, std::string_view tail) {
  std::string row = "(";
  for (int c = 0; c < columns; ++c) row += c == 0 ? "?" : ", ?";
  row += ")";
  std::string sql(head);
  for (int r = 0; r < rows; ++r) {
    if (r > 0) sql += ", ";
    sql += row;
  }
  sql += tail;
  return sql;
}

Statement::Statement(sqlite3_stmt* stmt, bool owned, std::string_view what)
    : stmt_(stmt), owned_(owned), what_(what) {}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      owned_(other.owned_),
      what_(other.what_),
      bind_rc_(other.bind_rc_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Statement::BindInt64(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindText(int index, std::string_view value) {
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindBlob(int index, std::string_view bytes) {
  const int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindOptionalText(int index, const std::optional<std::string>& value) {
  if (value) {
    BindText(index, *value);
  } else {
    BindNull(index);
  }
}

void Statement::BindOptionalInt64(int index, const std::optional<std::int64_t>& value) {
  if (value) {
    BindInt64(index, *value);
  } else {
    BindNull(index);
  }
}

void Statement::BindValue(int index, const SqlValue& value) {
  switch (value.kind) {
    case SqlValue::Kind::kNull:
      BindNull(index);
      return;
    case SqlValue::Kind::kInt64:
      BindInt64(index, value.int64);
      return;
    case SqlValue::Kind::kText:
      BindText(index, value.text);
      return;
  }
}

core::StatusOr<bool> Statement::Step() {
  sqlite3* db = sqlite3_db_handle(stmt_);
  if (bind_rc_ != SQLITE_OK) return SqliteStatus(db, bind_rc_, what_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(db, sqlite3_extended_errcode(db), what_);
}

core::Status Statement::Run() {
  for (;;) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return core::Status::Ok();
  }
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::Int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const { return std::string(TextView(column)); }

std::string_view Statement::TextView(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return std::string_view();
  return std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::Blob(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (bytes == nullptr) return std::string();
  return std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

std::optional<std::int64_t> Statement::OptionalInt64(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int64(column);
}

int Statement::Changes() const { return sqlite3_changes(sqlite3_db_handle(stmt_)); }

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  // close_v2 defers the close if anything is still unfinalised, rather than
  // leaking the handle.
  sqlite3_close_v2(db_);
}

core::StatusOr<Statement> Connection::Prepare(std::string_view sql, std::string_view what) {
  auto it = cache_.find(sql.data());
  // The key is an address: the statement is this text's only if its text is
  // the same (text built at run time and freed may be followed by other text
  // at the same address; that must never run the other's statement).
  const bool same_text = it != cache_.end() && it->second.text == sql;
  if (same_text && !sqlite3_stmt_busy(it->second.stmt)) {
    return Statement(it->second.stmt, /*owned=*/false, what);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteStatus(db_, sqlite3_extended_errcode(db_), what);
  }
  if (it != cache_.end() || cache_.size() >= kMaxCachedStatements) {
    // The cached copy is in use further up the stack, or the address is
    // another text's, or the cache is full: this one is private.
    return Statement(stmt, /*owned=*/true, what);
  }
  cache_.emplace(sql.data(), Cached{stmt, std::string(sql)});
  return Statement(stmt, /*owned=*/false, what);
}

std::int64_t Connection::FullScanSteps() const {
  std::int64_t steps = 0;
  for (sqlite3_stmt* stmt = sqlite3_next_stmt(db_, nullptr); stmt != nullptr;
       stmt = sqlite3_next_stmt(db_, stmt)) {
    steps += sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, /*resetFlg=*/0);
  }
  return steps;
}

core::Status Connection::Exec(std::string_view sql, std::string_view what) {
  // One statement at a time, each prepared and stepped like any other.
  const char* next = sql.data();
  const char* const end = sql.data() + sql.size();
  while (next < end) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db_, next, static_cast<int>(end - next), &raw, &tail);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(raw);
      return SqliteStatus(db_, sqlite3_extended_errcode(db_), what);
    }
    next = tail;
    if (raw == nullptr) continue;  // only whitespace or a comment was left
    Statement stmt(raw, /*owned=*/true, what);
    RETURN_IF_ERROR(stmt.Run());
  }
  return core::Status::Ok();
}

}  // namespace cp::storage::internal
