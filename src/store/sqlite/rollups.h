// Private to store/: the fact table's refill at migration 7, and the derived tables
// day_total, fact_total and report_facts and how they are recomputed from the
// records. Import keeps them up to date row by row; these functions rebuild them
// whole, for migrations and `dmarcq rebuild`, inside the caller's transaction.
#ifndef DMARCQ_STORE_SQLITE_ROLLUPS_H_
#define DMARCQ_STORE_SQLITE_ROLLUPS_H_

#include "core/error.h"
#include "store/sqlite/sqlite.h"

namespace dmarcq::store {

// Migration 7: empties the fact table and refills it from the records and their
// per-record child tables (which migration 8 drops), result lists included.
core::Status refill_facts(Database& db);
// Recomputes day_total from the records.
core::Status rebuild_day_totals(Database& db);
// Recomputes fact_total from the records.
core::Status rebuild_fact_totals(Database& db);
// Recomputes report_facts from the records.
core::Status rebuild_report_facts(Database& db);

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_ROLLUPS_H_
