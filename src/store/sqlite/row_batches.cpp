#include "store/sqlite/row_batches.h"

namespace dmarcq::store {

core::Result<RowBatches> RowBatches::prepare(Database& db, const std::string& head, int columns,
                                             const std::string& tail) {
  std::vector<Statement> statements;
  for (const std::size_t size : kSizes) {
    std::string sql = head;
    int parameter = 0;
    for (std::size_t row = 0; row < size; ++row) {
      sql += row == 0 ? "(" : ", (";
      for (int column = 0; column < columns; ++column) {
        sql += (column == 0 ? "?" : ", ?") + std::to_string(++parameter);
      }
      sql += ")";
    }
    auto statement = db.prepare(sql + tail);
    if (!statement) return std::move(statement).error();
    statements.push_back(std::move(*statement));
  }
  return RowBatches(std::move(statements), columns);
}

}  // namespace dmarcq::store
