// A result table: column names plus rows of typed cells. It lives in core so that the
// store can return query results and the output writers can print them without
// either module knowing the other (SQLite's QRF idea: a spec plus a sink).
#ifndef DMARCQ_CORE_TABLE_H_
#define DMARCQ_CORE_TABLE_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace dmarcq::core {

// std::monostate is SQL NULL. Numbers stay numbers so that CSV and JSON can print
// them unquoted and the formula-injection guard applies to text only.
using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

// `pass` of `total` as a percentage with one decimal, as every pass_rate column
// shows it (summary from SQL or per fact, digest): one expression, so that two
// paths to the same figures cannot round apart. `total` must be positive.
inline double percent_one_decimal(std::int64_t pass, std::int64_t total) {
  return std::round(1000.0 * static_cast<double>(pass) / static_cast<double>(total)) / 10.0;
}

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;  // every row has columns.size() cells
};

// Receives a table a row at a time, so that a result of any size passes through in
// flat memory (dmarcq sql streams its rows to the output writers).
class RowSink {
 public:
  virtual ~RowSink() = default;
  // Once, before any row.
  virtual void columns(const std::vector<std::string>& names) = 0;
  // Each row, columns.size() cells. Returns false to be given no more rows.
  virtual bool row(const std::vector<Cell>& cells) = 0;
  // Once, after the last row given (also when row() asked for no more), not after an
  // error.
  virtual void finish() = 0;
};

}  // namespace dmarcq::core

#endif  // DMARCQ_CORE_TABLE_H_
