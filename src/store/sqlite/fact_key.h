// The identity of a record's fact (schema/0004_fact.sql, 0007_fact_results.sql),
// computed on any thread: import's workers compute it while they parse, so the one
// writer thread only looks it up.
#ifndef DMARCQ_STORE_SQLITE_FACT_KEY_H_
#define DMARCQ_STORE_SQLITE_FACT_KEY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "report/report.h"

namespace dmarcq::store {

struct FactKey {
  std::string auth_key;      // report::encode_auth (what analysis interns)
  std::string dkim_results;  // JSON, exact: see schema/0007_fact_results.sql
  std::string spf_results;
  std::string policy_reasons;
  // Of the SHA-256 of every value of the fact, length-prefixed (equal facts, equal
  // hashes): the first 64 bits are the indexed key, the next 64 make the writer's
  // cache key with them.
  std::int64_t hash = 0;
  std::int64_t check = 0;
};

FactKey fact_key(const report::Record& record);
std::vector<FactKey> fact_keys(const report::Report& report);

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_FACT_KEY_H_
