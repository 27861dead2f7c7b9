// Private to store/: what `dmarcq sql` may run on a store.
//
// The connection is read-only, but that alone lets through statements SQLite counts as
// reading: ATTACH opens any file by name (its three answers tell whether a path exists
// and is a database), and fts3_tokenizer() with one argument returns a library
// address. So an authorizer allows what a query needs and refuses everything else: an
// allow-list, not a list of what is known to be dangerous. It also turns on SQLite's
// defensive mode, turns off extension loading, lowers the limits a hostile query could
// use to exhaust memory (string length, SQL length, columns, expression depth, compound
// selects, attached databases) and caps SQLite's heap. A query the user writes can
// still run long or spill a large temporary file (WITH RECURSIVE ... UNION without an
// end): it is the user's own query on the user's machine, stopped with Ctrl-C.
#ifndef DMARCQ_STORE_SQLITE_QUERY_GUARD_H_
#define DMARCQ_STORE_SQLITE_QUERY_GUARD_H_

#include <sqlite3.h>

#include <string>

namespace dmarcq::store {

class QueryGuard {
 public:
  // Guards `db` until destroyed. The limits and defences stay on the connection.
  explicit QueryGuard(sqlite3* db);
  ~QueryGuard();
  QueryGuard(const QueryGuard&) = delete;
  QueryGuard& operator=(const QueryGuard&) = delete;

  // What the statement prepared last was refused for ("ATTACH is not allowed"), empty
  // when nothing was.
  const std::string& refusal() const { return refusal_; }

  // Whether a function may be called, by its lower-case name (tests list SQLite's
  // functions against it).
  static bool allowed_function(const std::string& name);

 private:
  static int authorize(void* self, int action, const char* first, const char* second,
                       const char* database, const char* trigger);
  sqlite3* db_;
  std::string refusal_;
};

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_QUERY_GUARD_H_
