#include "store/sqlite/sqlite.h"

namespace dmarcq::store {

core::Result<Database> Database::open(const std::string& path, int flags) {
  // SQLite counts every allocation under a global mutex unless told not to; import's
  // threads each use their own connection, and nothing here reads the counts. The
  // setting only takes before SQLite initializes, hence once, before the first open.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Database db(raw);
  if (rc != SQLITE_OK) {
    return core::Error(core::ErrorCode::kDb, std::string("cannot open database: ") +
                                                 (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)))
        .within(path);
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

core::Result<Database> Database::open_for_reading(const std::string& path) {
  auto db = open(path, SQLITE_OPEN_READWRITE);
  if (db) {
    if (auto status = db->exec("PRAGMA query_only = 1"); !status)
      return std::move(status).error().within(path);
  } else {
    db = open(path, SQLITE_OPEN_READONLY);
  }
  if (!db) return std::move(db).error();
  sqlite3_busy_timeout(db->handle(), kBusyTimeoutMs);
  return db;
}

core::Error Database::error(std::string_view what) const {
  return core::Error(core::ErrorCode::kDb, std::string(what) + ": " + sqlite3_errmsg(db_.get()));
}

core::Status Database::exec(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return error("SQL failed");
  }
  return {};
}

core::Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt, &tail) != SQLITE_OK) {
    return error("cannot prepare SQL");
  }
  Statement statement(stmt);
  if (stmt == nullptr) return core::Error(core::ErrorCode::kUsage, "empty SQL statement");
  // What follows must prepare to nothing: whitespace, semicolons and comments.
  if (tail != nullptr && tail < sql.data() + sql.size()) {
    sqlite3_stmt* next = nullptr;
    const int rc = sqlite3_prepare_v2(
        db_.get(), tail, static_cast<int>(sql.data() + sql.size() - tail), &next, nullptr);
    sqlite3_finalize(next);
    if (rc != SQLITE_OK || next != nullptr) {
      return core::Error(core::ErrorCode::kUsage, "only one SQL statement is allowed");
    }
  }
  return statement;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // "" (not NULL) for an empty view, whatever its data pointer.
  sqlite3_bind_text64(stmt_.get(), index, value.empty() ? "" : value.data(), value.size(),
                      SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind_unowned(int index, std::string_view value) {
  sqlite3_bind_text64(stmt_.get(), index, value.empty() ? "" : value.data(), value.size(),
                      SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view value) {
  // A null data pointer would bind SQL NULL; an empty blob is what is meant.
  if (value.empty()) {
    sqlite3_bind_zeroblob(stmt_.get(), index, 0);
    return *this;
  }
  sqlite3_bind_blob64(stmt_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

core::Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_.get());
  return core::Error(core::ErrorCode::kDb, sqlite3_errmsg(db));
}

core::Status Statement::run() {
  auto stepped = step();
  reset();
  if (!stepped) return std::move(stepped).error();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::int64_t Statement::column_int(int index) const {
  return sqlite3_column_int64(stmt_.get(), index);
}

std::string Statement::column_text(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), index);
  const int size = sqlite3_column_bytes(stmt_.get(), index);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size))
              : std::string();
}

std::string Statement::column_blob(int index) const {
  const void* data = sqlite3_column_blob(stmt_.get(), index);
  const int size = sqlite3_column_bytes(stmt_.get(), index);
  return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size))
              : std::string();
}

core::Cell Statement::column_cell(int index) const {
  switch (sqlite3_column_type(stmt_.get(), index)) {
    case SQLITE_INTEGER: return static_cast<std::int64_t>(sqlite3_column_int64(stmt_.get(), index));
    case SQLITE_FLOAT: return sqlite3_column_double(stmt_.get(), index);
    case SQLITE_NULL: return std::monostate{};
    case SQLITE_BLOB: {
      // Raw bytes are shown as their size; `sql` users wanting them can hex() them.
      return "<" + std::to_string(sqlite3_column_bytes(stmt_.get(), index)) + " bytes>";
    }
    default: return column_text(index);
  }
}

int Statement::column_count() const { return sqlite3_column_count(stmt_.get()); }

std::string Statement::column_name(int index) const {
  const char* name = sqlite3_column_name(stmt_.get(), index);
  return name ? name : "";
}

}  // namespace dmarcq::store
