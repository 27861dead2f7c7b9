// Private to store/: the schema migrations compiled in from schema/*.sql.
#ifndef DMARCQ_STORE_SQLITE_MIGRATIONS_H_
#define DMARCQ_STORE_SQLITE_MIGRATIONS_H_

#include <string_view>
#include <vector>

namespace dmarcq::store {

struct Migration {
  int version;            // NNNN of the file name; PRAGMA user_version after it
  std::string_view name;  // file name, for messages
  std::string_view sql;
};

// In version order.
const std::vector<Migration>& migrations();

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_MIGRATIONS_H_
