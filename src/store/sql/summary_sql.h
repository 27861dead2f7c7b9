// Private to store/: the SQL text behind `summary`, built from the query alone and
// kept apart from the code that runs it. It reads the relational schema of
// schema/*.sql (record, report, report_day, day_total) in standard SQL but for its
// `?N` parameters: a backend with the same tables runs it with its own placeholders.
#ifndef DMARCQ_STORE_SQL_SUMMARY_SQL_H_
#define DMARCQ_STORE_SQL_SUMMARY_SQL_H_

#include <string>
#include <vector>

#include "core/table.h"
#include "store/store.h"

namespace dmarcq::store {

struct SummarySql {
  std::string text;
  std::vector<std::string> parameters;  // bound as text to ?1, ?2, ...
};

// Which tables a summary reads.
enum class SummarySource {
  kBest,     // day_total when the keys allow it (domain, reporter, day, week), else records
  kRecords,  // always the records (tests compare both)
};

SummarySql build_summary_sql(const SummaryQuery& query,
                             SummarySource source = SummarySource::kBest);

// Appends the pass_rate column: dmarc_pass / messages as a percentage with one
// decimal, NULL when there are no messages.
void add_pass_rate(core::Table& table);

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQL_SUMMARY_SQL_H_
