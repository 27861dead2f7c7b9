// Private to store/: the SQLite queries behind explain, digest and summary --by
// sender (record groups, facts, records per day) and the published policies. Each
// reads through the connection it is given; SqliteStore delegates to them.
#ifndef DMARCQ_STORE_SQLITE_SQLITE_READS_H_
#define DMARCQ_STORE_SQLITE_SQLITE_READS_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "core/error.h"
#include "store/sqlite/parallel_reads.h"
#include "store/sqlite/sqlite.h"
#include "store/store.h"

namespace dmarcq::store {

core::Result<RecordGroups> read_record_groups(Connections connections, const RecordFilter& filter);
// The groups of read_record_groups for a filter without days, from fact_total.
core::Result<RecordGroups> read_fact_totals(Database& db, const RecordFilter& filter);
core::Status read_facts(Connections connections,
                        const std::function<void(std::int64_t, const Fact&)>& visit,
                        const std::vector<std::int64_t>* only);
core::Status read_record_days(Connections connections, const RecordFilter& filter, bool by_day,
                              const std::function<void(const RecordDay&)>& visit);
core::Result<std::vector<PublishedPolicy>> read_published_policies(Database& db,
                                                                   const RecordFilter& filter);

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_SQLITE_READS_H_
