// Private to store/: interning of record facts (schema/0004_fact.sql,
// 0007_fact_results.sql). Import asks for the id of each record's fact; an equal fact
// stored before (by this or any earlier import) is reused, otherwise a row is added.
#ifndef DMARCQ_STORE_FACT_WRITER_H_
#define DMARCQ_STORE_FACT_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"
#include "report/report.h"
#include "store/fact_key.h"
#include "store/sqlite.h"

namespace dmarcq::store {

class FactWriter {
 public:
  static core::Result<FactWriter> prepare(Database& db);

  // The id of the fact of `record` (whose key is `key`), inserted when new. Runs inside
  // the caller's write transaction.
  core::Result<std::int64_t> id_of(const report::Record& record, const FactKey& key);
  // Forgets the ids remembered: after a rollback (the rows it inserted are gone) or
  // when another connection may have rewritten the table.
  void forget() { cache_.clear(); }

 private:
  struct Statements {
    Statement find, insert;
  };
  explicit FactWriter(Statements statements) : statements_(std::move(statements)) {}

  Statements statements_;
  // Bounded: a long import of ever new sources must not grow memory without limit.
  static constexpr std::size_t kCacheEntries = 200000;
  struct Cached {
    std::int64_t id;
    std::int64_t check;  // FactKey::check
  };
  std::unordered_map<std::int64_t, Cached> cache_;
};

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_FACT_WRITER_H_
