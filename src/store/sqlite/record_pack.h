// Private to store/: the packed (fact, messages) pairs of a report's records
// (schema/0011_report_facts.sql). Import packs each report's; the record scans of the
// read side unpack them instead of stepping an index entry per record.
#ifndef DMARCQ_STORE_SQLITE_RECORD_PACK_H_
#define DMARCQ_STORE_SQLITE_RECORD_PACK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace dmarcq::store {

struct FactCount {
  std::int64_t fact_id;
  std::int64_t messages;
  friend bool operator==(const FactCount&, const FactCount&) = default;
};

// Sorts `records` (by fact, then messages: the record_fact index's order) and writes
// them to `out` in format 1, replacing what it held.
void pack_records(std::vector<FactCount>& records, std::string& out);
// Replaces `records` with the pairs of `packed`. A value that is not format 1, or ends
// inside a number, is an error (a damaged store, or one written by a newer dmarcq).
core::Status unpack_records(std::string_view packed, std::vector<FactCount>& records);

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_RECORD_PACK_H_
