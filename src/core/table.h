// A result table: column names plus rows of typed cells. It lives in core so that the
// store can return query results and the output writers can print them without
// either module knowing the other (SQLite's QRF idea: a spec plus a sink).
#ifndef DMARCQ_CORE_TABLE_H_
#define DMARCQ_CORE_TABLE_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
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

// How JSON shows a text column whose cells stand for something else: tables and CSV
// print "yes" and "a b c" for people and spreadsheets, JSON gives scripts true and
// ["a", "b", "c"].
enum class ColumnKind {
  kPlain,
  kBoolean,  // "yes" or "no"
  kList,     // items separated by single spaces; "" is the empty list
};

struct Table {
  Table() = default;
  Table(std::vector<std::string> column_names, std::vector<std::vector<Cell>> row_cells)
      : columns(std::move(column_names)), rows(std::move(row_cells)) {}

  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;  // every row has columns.size() cells
  std::vector<ColumnKind> kinds;        // per column; missing entries are kPlain

  ColumnKind kind(std::size_t column) const {
    return column < kinds.size() ? kinds[column] : ColumnKind::kPlain;
  }
  // Marks the column `name` (if there is one) as `kind`.
  void set_kind(const std::string& name, ColumnKind kind) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] != name) continue;
      if (kinds.size() < columns.size()) kinds.resize(columns.size(), ColumnKind::kPlain);
      kinds[i] = kind;
    }
  }
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
