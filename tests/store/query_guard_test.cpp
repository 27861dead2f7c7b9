// dmarcq sql's allow-list: every statement kind SQLite has and every function it
// offers, tried on a read-only store; only SELECT, the listed functions and the
// describing PRAGMAs run, and the file is never changed.
#include "store/sqlite/query_guard.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "test_db.h"

using namespace dmarcq;
using store::OpenMode;

namespace {

struct FunctionEntry {
  std::string name;
  std::string type;  // "s" scalar, "a" aggregate, "w" window
  int arguments;     // -1: any number
};

// SQLite's own list of the functions a connection has, read on a plain connection.
std::vector<FunctionEntry> sqlite_functions() {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT name, type, narg FROM pragma_function_list", -1,
                             &statement, nullptr) == SQLITE_OK);
  std::vector<FunctionEntry> functions;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    functions.push_back({reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)),
                         reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)),
                         sqlite3_column_int(statement, 2)});
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return functions;
}

// A call of `function` with the right number of arguments, in a statement that lets it
// run: an aggregate over a one-row table, a window function with OVER.
std::string call_of(const FunctionEntry& function) {
  const int count = function.arguments < 0 ? 1 : function.arguments;
  std::string arguments;
  for (int i = 0; i < count; ++i) arguments += i == 0 ? "'1'" : ", '1'";
  if (function.name == "->" || function.name == "->>") {
    return "SELECT '{\"a\":1}' " + function.name + " '$.a'";
  }
  if (function.name == "match") return "SELECT 'a' MATCH 'a'";
  std::string call = "\"" + function.name + "\"(" + arguments + ")";
  if (function.type == "w") call += " OVER ()";
  return "SELECT " + call + " FROM (SELECT 1)";
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("sql guard: every function SQLite offers runs only when it is on the allow-list") {
  testing::TempDb temp;
  { REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok()); }
  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  const std::vector<FunctionEntry> functions = sqlite_functions();
  REQUIRE(functions.size() > 100);
  std::set<std::string> allowed_seen;
  for (const FunctionEntry& function : functions) {
    const std::string sql = call_of(function);
    CAPTURE(sql);
    const auto result = store::query_table(**reader, sql);
    const std::string refusal = "the function " + function.name + "() is not allowed";
    if (store::QueryGuard::allowed_function(function.name)) {
      // It may still fail on its arguments, never on the guard.
      if (!result) CHECK(result.error().message().find("is not allowed") == std::string::npos);
      allowed_seen.insert(function.name);
    } else {
      REQUIRE_FALSE(result.ok());
      CHECK(result.error().code() == core::ErrorCode::kUsage);
      CHECK(result.error().message().find(refusal) == 0);
    }
  }
  // The list is about reading: the tools that reach past the query are all refused.
  for (const char* name :
       {"load_extension", "fts3_tokenizer", "sqlite_compileoption_get", "changes", "total_changes",
        "last_insert_rowid", "rtreenode", "sqlite_log", "subtype"}) {
    CHECK_FALSE(store::QueryGuard::allowed_function(name));
  }
  CHECK(allowed_seen.count("count") == 1);
  CHECK(allowed_seen.count("json_extract") == 1);
  CHECK(allowed_seen.count("row_number") == 1);
}

TEST_CASE("sql guard: every statement kind but SELECT is refused and changes nothing") {
  testing::TempDb temp;
  { REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok()); }
  const std::string before = file_bytes(temp.path());
  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  const std::string other = temp.path() + ".other";
  const std::vector<std::string> refused = {
      "ATTACH '" + temp.path() + "' AS again",
      "ATTACH '" + other + "' AS other",
      "ATTACH ':memory:' AS scratch",
      "DETACH main",
      "INSERT INTO reject (origin) VALUES ('x')",
      "REPLACE INTO reject (origin) VALUES ('x')",
      "UPDATE report SET org_name = 'x'",
      "DELETE FROM report",
      "WITH x AS (SELECT 1) DELETE FROM report",
      "CREATE TABLE t (a)",
      "CREATE TEMP TABLE t (a)",
      "CREATE TEMP VIEW v AS SELECT 1",
      "CREATE INDEX i ON report (org_name)",
      "CREATE TRIGGER tr AFTER INSERT ON report BEGIN SELECT 1; END",
      "CREATE VIRTUAL TABLE v USING fts5(a)",
      "DROP TABLE report",
      "DROP VIEW dkim_result",
      "ALTER TABLE report ADD COLUMN x",
      "VACUUM",
      "VACUUM INTO '" + other + "'",
      "REINDEX",
      "ANALYZE",
      "BEGIN",
      "COMMIT",
      "ROLLBACK",
      "SAVEPOINT s",
      "RELEASE s",
      "PRAGMA writable_schema = 1",
      "PRAGMA user_version = 99",
      "PRAGMA journal_mode = DELETE",
      "PRAGMA journal_mode",
      "PRAGMA trusted_schema = 1",
      "PRAGMA query_only = 0",
      "PRAGMA function_list",
      "SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')",
      "SELECT fts3_tokenizer('simple')",
      "SELECT * FROM report WHERE org_name MATCH 'x'",
  };
  for (const std::string& sql : refused) {
    CAPTURE(sql);
    const auto result = store::query_table(**reader, sql);
    REQUIRE_FALSE(result.ok());
    // Refused by dmarcq, or a statement SQLite itself cannot prepare here; never run.
    CHECK(result.error().code() != core::ErrorCode::kIo);
  }
  CHECK_FALSE(std::filesystem::exists(other));
  reader->reset();
  CHECK(file_bytes(temp.path()) == before);

  auto again = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(again.ok());
  const auto attach = store::query_table(**again, "ATTACH '" + other + "' AS other");
  REQUIRE_FALSE(attach.ok());
  CHECK(attach.error().message() ==
        "ATTACH is not allowed: dmarcq sql runs SELECT with read-only functions only");
  const auto pragma = store::query_table(**again, "PRAGMA user_version = 99");
  REQUIRE_FALSE(pragma.ok());
  CHECK(pragma.error().message().find("PRAGMA user_version with a value is not allowed") == 0);
}

TEST_CASE("sql guard: queries run, with CTEs, recursion, joins, JSON and schema PRAGMAs") {
  testing::TempDb temp;
  { REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok()); }
  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  for (const char* sql : {
           "SELECT count(*) FROM report JOIN record ON record.report_ref = report.id",
           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) "
           "SELECT sum(i) FROM n",
           "SELECT value FROM json_each('[1,2,3]')",
           "SELECT name FROM pragma_table_info('report')",
           "PRAGMA table_info(report)",
           "PRAGMA user_version",
           "PRAGMA integrity_check",
           "PRAGMA quick_check",
           "SELECT name FROM sqlite_master WHERE type = 'table'",
           "SELECT * FROM dkim_result LIMIT 1",
           "SELECT upper('a') LIKE 'A', 'a' GLOB 'a', date('now') IS NOT NULL",
       }) {
    CAPTURE(sql);
    const auto result = store::query_table(**reader, sql);
    if (!result) MESSAGE(result.error().to_string());
    CHECK(result.ok());
  }
  // The lowered limits: a 100 MB string and a 300-deep expression are refused.
  CHECK_FALSE(store::query_table(**reader, "SELECT length(zeroblob(100000000))").ok());
  std::string deep = "1";
  for (int i = 0; i < 300; ++i) deep = "(" + deep + " + 1)";
  CHECK_FALSE(store::query_table(**reader, "SELECT " + deep).ok());
}
