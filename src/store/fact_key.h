// The identity of a record's fact (schema/0004_fact.sql, 0007_fact_details.sql),
// computed on any thread: import's workers compute it while they parse, so the one
// writer thread only looks it up.
#ifndef DMARCQ_STORE_FACT_KEY_H_
#define DMARCQ_STORE_FACT_KEY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "report/report.h"

namespace dmarcq::store {

struct FactKey {
  std::string auth_key;   // report::encode_auth
  std::string details;    // '' when auth_key describes the results exactly, see fact_details
  std::string text;       // every value of the fact, length-prefixed: equal facts, equal texts
  std::int64_t hash = 0;  // 64 bits of the SHA-256 of text: the indexed key
};

FactKey fact_key(const report::Record& record);
std::vector<FactKey> fact_keys(const report::Report& report);

// What a fact holds beyond report::encode_auth: '' when the auth key describes the
// record's results and reasons exactly, otherwise an exact encoding of them.
std::string fact_details(const report::Record& record);

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_FACT_KEY_H_
