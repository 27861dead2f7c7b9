// Private to store/: interning of record facts (schema/0004_fact.sql). Import asks for
// the id of each record's fact; an equal fact stored before (by this or any earlier
// import) is reused, otherwise a row is added.
#ifndef DMARCQ_STORE_FACT_WRITER_H_
#define DMARCQ_STORE_FACT_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"
#include "store/sqlite.h"

namespace dmarcq::store {

struct FactValues {
  std::string_view source_ip, header_from, dkim_aligned, spf_aligned, disposition, auth_key;
};

class FactWriter {
 public:
  static core::Result<FactWriter> prepare(Database& db);

  // The id of the fact with exactly these values, inserted when new. Runs inside the
  // caller's write transaction.
  core::Result<std::int64_t> id_of(const FactValues& values);
  // Forgets the ids remembered: after a rollback (the rows it inserted are gone) or
  // when another connection may have rewritten the table.
  void forget() { cache_.clear(); }

 private:
  FactWriter(Statement find, Statement insert) : find_(std::move(find)), insert_(std::move(insert)) {}

  Statement find_;
  Statement insert_;
  // Bounded: a long import of ever new sources must not grow memory without limit.
  static constexpr std::size_t kCacheEntries = 200000;
  std::unordered_map<std::string, std::int64_t> cache_;
  std::string key_;
};

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_FACT_WRITER_H_
