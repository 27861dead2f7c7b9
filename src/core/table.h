// A result table: column names plus rows of typed cells. It lives in core so that the
// store can return query results and the output writers can print them without
// either module knowing the other (SQLite's QRF idea: a spec plus a sink).
#ifndef DMARCQ_CORE_TABLE_H_
#define DMARCQ_CORE_TABLE_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace dmarcq::core {

// std::monostate is SQL NULL. Numbers stay numbers so that CSV and JSON can print
// them unquoted and the formula-injection guard applies to text only.
using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;  // every row has columns.size() cells
};

}  // namespace dmarcq::core

#endif  // DMARCQ_CORE_TABLE_H_
