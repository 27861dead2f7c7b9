// Private to store/: import's additions to fact_total (schema/0009_fact_total.sql).
// One addition per record, summed per (fact, domain) in memory (a report repeats
// sources, a batch of reports more so) and written in key order, 64 rows a statement:
// at the commit, or when kMaxPending are waiting, so memory stays bounded.
#ifndef DMARCQ_STORE_SQLITE_FACT_TOTAL_WRITER_H_
#define DMARCQ_STORE_SQLITE_FACT_TOTAL_WRITER_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "store/sqlite/row_batches.h"
#include "store/sqlite/sqlite.h"

namespace dmarcq::store {

class FactTotalWriter {
 public:
  static core::Result<FactTotalWriter> prepare(Database& db);

  // The domain of the additions that follow (a report's policy domain).
  void set_domain(const std::string& domain);
  // `messages` of fact `fact` on days first_day..last_day, in the current domain.
  void add(std::int64_t fact, std::int64_t messages, std::int64_t first_day,
           std::int64_t last_day) {
    pending_.push_back(Pending{fact, domain_, messages, first_day, last_day});
  }
  // Writes what is waiting when it is a lot; flush() writes it all.
  core::Status flush_if_full() { return pending_.size() >= kMaxPending ? flush() : core::Status{}; }
  core::Status flush();
  // Drops what is waiting (a rollback).
  void clear();

 private:
  struct Pending {
    std::int64_t fact;
    std::uint32_t domain;  // index into domains_
    std::int64_t messages, first_day, last_day;
  };
  static constexpr std::size_t kMaxPending = 1 << 18;  // 10 MB

  explicit FactTotalWriter(RowBatches upsert) : upsert_(std::move(upsert)) {}

  RowBatches upsert_;
  std::vector<Pending> pending_;
  std::vector<std::string> domains_;
  std::unordered_map<std::string, std::uint32_t> domain_ids_;
  std::uint32_t domain_ = 0;
};

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_FACT_TOTAL_WRITER_H_
