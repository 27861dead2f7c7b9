// Private to store/: thin RAII wrappers over the SQLite C API. Errors become
// core::Error with SQLite's message; nothing here throws.
#ifndef DMARCQ_STORE_SQLITE_SQLITE_H_
#define DMARCQ_STORE_SQLITE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/table.h"

namespace dmarcq::store {

class Statement;

// How long a connection waits for another one's write lock.
constexpr int kBusyTimeoutMs = 30000;

class Database {
 public:
  // flags: SQLITE_OPEN_READONLY or SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE.
  static core::Result<Database> open(const std::string& path, int flags);
  // A connection for reading only, with the busy timeout: read-write with query_only
  // where the file allows it, because after an import was killed the WAL must be
  // recovered before anything can be read and a read-only connection cannot do that;
  // read-only otherwise.
  static core::Result<Database> open_for_reading(const std::string& path);

  Database(Database&&) = default;
  Database& operator=(Database&&) = default;

  sqlite3* handle() const { return db_.get(); }
  // Runs one or more statements that return no rows.
  core::Status exec(std::string_view sql);
  core::Result<Statement> prepare(std::string_view sql);
  core::Error error(std::string_view what) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  explicit Database(sqlite3* db) : db_(db) {}
  std::unique_ptr<sqlite3, Closer> db_;
};

// A prepared statement: bind, then step until done; reset() to run it again.
class Statement {
 public:
  Statement(Statement&&) = default;
  Statement& operator=(Statement&&) = default;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  // Binds without copying: the bytes must stay put until the statement is reset (run()
  // resets it). For the import's hot path, where SQLite's copy of every text value was
  // a malloc and a free per column.
  Statement& bind_unowned(int index, std::string_view value);
  Statement& bind_blob(int index, std::string_view value);
  Statement& bind_null(int index);

  // true: a row is ready; false: done. An error is an Error.
  core::Result<bool> step();
  // Steps a statement that returns no rows.
  core::Status run();
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  // The bytes of a BLOB column as they are (column_text would convert them to text).
  std::string column_blob(int index) const;
  core::Cell column_cell(int index) const;
  int column_count() const;
  std::string column_name(int index) const;
  sqlite3_stmt* handle() const { return stmt_.get(); }

 private:
  friend class Database;
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_SQLITE_H_
