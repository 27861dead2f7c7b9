#include "store/sqlite/query_guard.h"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "core/text.h"

namespace dmarcq::store {

namespace {

// SQLite's built-in scalar, aggregate, window, date, math and JSON functions that read
// their arguments and nothing else. Left out: load_extension, fts3_tokenizer, the FTS
// and R*Tree helpers, sqlite_compileoption_*, sqlite_log, sqlite_source_id, changes(),
// total_changes(), last_insert_rowid() and subtype(), which reach past the query.
constexpr std::string_view kAllowedFunctions[] = {
    "->",
    "->>",
    "abs",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "avg",
    "ceil",
    "ceiling",
    "char",
    "coalesce",
    "concat",
    "concat_ws",
    "cos",
    "cosh",
    "count",
    "cume_dist",
    "current_date",
    "current_time",
    "current_timestamp",
    "date",
    "datetime",
    "degrees",
    "dense_rank",
    "exp",
    "first_value",
    "floor",
    "format",
    "glob",
    "group_concat",
    "hex",
    "ifnull",
    "iif",
    "instr",
    "json",
    "json_array",
    "json_array_length",
    "json_extract",
    "json_group_array",
    "json_group_object",
    "json_insert",
    "json_object",
    "json_patch",
    "json_quote",
    "json_remove",
    "json_replace",
    "json_set",
    "json_type",
    "json_valid",
    "julianday",
    "lag",
    "last_value",
    "lead",
    "length",
    "like",
    "likelihood",
    "likely",
    "ln",
    "log",
    "log10",
    "log2",
    "lower",
    "ltrim",
    "max",
    "min",
    "mod",
    "nth_value",
    "ntile",
    "nullif",
    "octet_length",
    "percent_rank",
    "pi",
    "pow",
    "power",
    "printf",
    "quote",
    "radians",
    "random",
    "randomblob",
    "rank",
    "replace",
    "round",
    "row_number",
    "rtrim",
    "sign",
    "sin",
    "sinh",
    "soundex",
    "sqlite_version",
    "sqrt",
    "strftime",
    "string_agg",
    "substr",
    "substring",
    "sum",
    "tan",
    "tanh",
    "time",
    "timediff",
    "total",
    "trim",
    "trunc",
    "typeof",
    "unhex",
    "unicode",
    "unixepoch",
    "unlikely",
    "upper",
    "zeroblob",
    "json_each",
    "json_tree",
    "jsonb",
};

// PRAGMAs that only describe the schema, for a user finding their way around it, and
// the read-only checks of the file; none with an argument that sets something.
constexpr std::string_view kAllowedPragmas[] = {
    "foreign_key_list", "index_info", "index_list", "index_xinfo", "integrity_check",
    "quick_check",      "table_info", "table_list", "table_xinfo", "user_version",
};

// Limits of the guarded connection. SQLite's defaults allow a 1 GB string and 1,000
// nested expressions; a query over the store needs far less.
constexpr int kMaxLength = 64 << 20;    // bytes of one string or blob
constexpr int kMaxSqlLength = 1 << 20;  // bytes of the statement
constexpr int kMaxColumns = 500;        // the widest table has under 30
constexpr int kMaxExpressionDepth = 200;
constexpr int kMaxCompoundSelects = 100;
constexpr sqlite3_int64 kMaxHeapBytes = sqlite3_int64{256} << 20;

std::string lower(const char* text) { return core::ascii_lower(text != nullptr ? text : ""); }

const char* action_name(int action) {
  switch (action) {
    case SQLITE_ATTACH: return "ATTACH";
    case SQLITE_DETACH: return "DETACH";
    case SQLITE_INSERT: return "INSERT";
    case SQLITE_UPDATE: return "UPDATE";
    case SQLITE_DELETE: return "DELETE";
    case SQLITE_TRANSACTION: return "a transaction";
    case SQLITE_SAVEPOINT: return "SAVEPOINT";
    case SQLITE_ALTER_TABLE: return "ALTER TABLE";
    case SQLITE_ANALYZE: return "ANALYZE";
    case SQLITE_REINDEX: return "REINDEX";
    case SQLITE_CREATE_VTABLE:
    case SQLITE_DROP_VTABLE: return "a virtual table";
    default: return "a statement that changes the database";
  }
}

}  // namespace

bool QueryGuard::allowed_function(const std::string& name) {
  return std::find(std::begin(kAllowedFunctions), std::end(kAllowedFunctions), name) !=
         std::end(kAllowedFunctions);
}

QueryGuard::QueryGuard(sqlite3* db) : db_(db) {
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  // trusted_schema stays on: the views read JSON (dkim_result, spf_result), and
  // SQLite before 3.44 does not mark its JSON functions innocuous, so they would all
  // fail. What it would protect from, a hostile schema calling functions with side
  // effects, the authorizer covers: it sees the function calls inside views too, and
  // allows only the list above.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_limit(db_, SQLITE_LIMIT_LENGTH, kMaxLength);
  sqlite3_limit(db_, SQLITE_LIMIT_SQL_LENGTH, kMaxSqlLength);
  sqlite3_limit(db_, SQLITE_LIMIT_COLUMN, kMaxColumns);
  sqlite3_limit(db_, SQLITE_LIMIT_EXPR_DEPTH, kMaxExpressionDepth);
  sqlite3_limit(db_, SQLITE_LIMIT_COMPOUND_SELECT, kMaxCompoundSelects);
  sqlite3_limit(db_, SQLITE_LIMIT_ATTACHED, 0);
  // For the whole process, which runs this one query: past it SQLite fails the query
  // with "out of memory" instead of taking the machine's (sorts and temporary tables
  // spill to temporary files before that).
  sqlite3_hard_heap_limit64(kMaxHeapBytes);
  sqlite3_set_authorizer(db_, &QueryGuard::authorize, this);
}

QueryGuard::~QueryGuard() { sqlite3_set_authorizer(db_, nullptr, nullptr); }

int QueryGuard::authorize(void* self, int action, const char* first, const char* second,
                          const char* /*database*/, const char* /*trigger*/) {
  auto* guard = static_cast<QueryGuard*>(self);
  auto refuse = [&](std::string why) {
    if (guard->refusal_.empty()) guard->refusal_ = std::move(why);
    return SQLITE_DENY;
  };
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE: return SQLITE_OK;
    case SQLITE_UPDATE:
      // SQLite asks this of the schema table when it first sets up an eponymous virtual
      // table (json_each, which the views use; pragma_table_info). The schema table
      // cannot be written here all the same: the connection is read-only, defensive
      // mode forbids it, and a statement that writes is refused after preparing.
      if (first != nullptr && (std::string_view(first) == "sqlite_master" ||
                               std::string_view(first) == "sqlite_schema")) {
        return SQLITE_OK;
      }
      return refuse("UPDATE is not allowed");
    case SQLITE_FUNCTION: {
      // `second` is the function's name.
      const std::string name = lower(second);
      if (allowed_function(name)) return SQLITE_OK;
      return refuse("the function " + name + "() is not allowed");
    }
    case SQLITE_PRAGMA: {
      // `first` is the pragma's name, `second` its argument.
      const std::string name = lower(first);
      const bool describes = std::find(std::begin(kAllowedPragmas), std::end(kAllowedPragmas),
                                       name) != std::end(kAllowedPragmas);
      // integrity_check takes a table name or a count of errors, which set nothing.
      if (describes && (name != "user_version" || second == nullptr)) return SQLITE_OK;
      return refuse("PRAGMA " + name + (second != nullptr ? " with a value" : "") +
                    " is not allowed");
    }
    default: return refuse(std::string(action_name(action)) + " is not allowed");
  }
}

}  // namespace dmarcq::store
