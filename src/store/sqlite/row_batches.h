// Private to store/: multi-row INSERTs for the import's hot tables. Running a
// statement cost more than the row it adds, so rows go in statements of 64, then 16,
// 4 and 1 for what is left: a report of 100 records takes 6 statements, not 37.
#ifndef DMARCQ_STORE_SQLITE_ROW_BATCHES_H_
#define DMARCQ_STORE_SQLITE_ROW_BATCHES_H_

#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "store/sqlite/sqlite.h"

namespace dmarcq::store {

class RowBatches {
 public:
  // `head` is "INSERT INTO t (a, b) VALUES ", `tail` what follows the rows (an ON
  // CONFLICT clause or nothing); each row has `columns` parameters.
  static core::Result<RowBatches> prepare(Database& db, const std::string& head, int columns,
                                          const std::string& tail);

  // Inserts rows 0..count-1; bind(statement, base, row) binds row `row` at parameters
  // base+1..base+columns.
  template <typename BindRow>
  core::Status run(std::size_t count, BindRow bind) {
    std::size_t next = 0;
    for (std::size_t size_index = 0; size_index < kSizes.size(); ++size_index) {
      const std::size_t size = kSizes[size_index];
      Statement& statement = statements_[size_index];
      for (; next + size <= count; next += size) {
        for (std::size_t i = 0; i < size; ++i)
          bind(statement, static_cast<int>(i) * columns_, next + i);
        if (auto status = statement.run(); !status) return status;
      }
    }
    return {};
  }

 private:
  static constexpr std::array<std::size_t, 4> kSizes = {64, 16, 4, 1};
  RowBatches(std::vector<Statement> statements, int columns)
      : statements_(std::move(statements)), columns_(columns) {}

  std::vector<Statement> statements_;  // one per kSizes entry
  int columns_;
};

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_ROW_BATCHES_H_
