// Private to store/: the derived tables (fact, day_total) and how they are recomputed
// from the records. Import keeps them up to date row by row; these functions rebuild
// them whole, for migrations and `dmarcq rebuild`, inside the caller's transaction.
#ifndef DMARCQ_STORE_ROLLUPS_H_
#define DMARCQ_STORE_ROLLUPS_H_

#include "core/error.h"
#include "store/sqlite.h"

namespace dmarcq::store {

// Fills record.fact_ref where it is NULL, adding facts as needed.
core::Status fill_facts(Database& db);
// Recomputes every fact: the table is emptied and refilled from the records.
core::Status rebuild_facts(Database& db);
// Recomputes day_total from the records.
core::Status rebuild_day_totals(Database& db);

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_ROLLUPS_H_
