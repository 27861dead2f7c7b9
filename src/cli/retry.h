// The retry job behind `dmarcq rejects --retry`: every stored reject whose bytes were
// kept is read again, through the same ingest and import path as `import`, with the
// limits given. A newer dmarcq or wider limits may read it now.
//
// Each retried reject (a unit) ends as exactly one of:
//  - imported: what it holds imports, at least one report new. Its reject row and
//    input row go; its reports are recorded under the unit's original origin.
//  - duplicate: the same, but every report in it was stored already.
//  - still rejected: something in it fails again (or it holds no report at all). It
//    stays, whole, with the new reason and kind; the reports that did import from it
//    are stored, as `import` would store them, and come out duplicates next time.
// Rejects whose bytes were not kept (over 32 MiB, or none to keep) are not retried.
#ifndef DMARCQ_CLI_RETRY_H_
#define DMARCQ_CLI_RETRY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace dmarcq::cli {

struct RetryStats {
  std::int64_t imported = 0;        // units that import now, with at least one new report
  std::int64_t duplicates = 0;      // units whose reports were all stored already
  std::int64_t still_rejected = 0;  // units that fail again (their reason is updated)
  std::int64_t not_kept = 0;        // rejects without kept bytes: not retried
  std::int64_t records = 0;         // records added
  std::int64_t messages = 0;        // DMARC messages added
  std::vector<std::string> rejects; // "origin: new reason" of the still rejected, in order

  std::int64_t retried() const { return imported + duplicates + still_rejected; }
};

// Retries every kept reject in `store` (opened read-write). A store error stops the
// retry and rolls back the batch in flight; units settled in earlier batches stay
// settled, and running the retry again finishes the job.
core::Result<RetryStats> retry_rejects(store::Store& store, const ingest::Limits& limits);

}  // namespace dmarcq::cli

#endif  // DMARCQ_CLI_RETRY_H_
