// The SQLite backend's own test helpers: the shared ones, and a read of the database
// file behind the store's back.
#ifndef DMARCQ_TESTS_STORE_TEST_DB_H_
#define DMARCQ_TESTS_STORE_TEST_DB_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "support/reports.h"
#include "support/temp_db.h"

namespace dmarcq::testing {

// The first column of the first row of `sql`, read from the database file on a
// connection of its own (not through the store);
// -1 when there is no row.
inline std::int64_t file_scalar(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  std::int64_t value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

}  // namespace dmarcq::testing

#endif  // DMARCQ_TESTS_STORE_TEST_DB_H_
