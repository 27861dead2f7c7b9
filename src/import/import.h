// import: the import job, from paths to a store. Everything `dmarcq import` and
// `dmarcq rejects --retry` do but parse options and print: walking the inputs
// (ingest), hashing and parsing them, on one thread or a pipeline of workers, writing
// them to the store in batches, and the "nothing lost" accounting: every unit ends as
// exactly one of imported, duplicate, rejected or skipped, and the counts add up.
#ifndef DMARCQ_IMPORT_IMPORT_H_
#define DMARCQ_IMPORT_IMPORT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace dmarcq::import {

// What one input file, or the whole import, came to.
struct ImportCounts {
  std::int64_t mail_messages = 0;  // mail messages read (mbox, Maildir, .eml)
  std::int64_t with_report = 0;    // of those, messages that held a report or reject
  std::int64_t imported = 0;       // reports stored
  std::int64_t duplicates = 0;     // documents already stored (same bytes or same report)
  std::int64_t rejected = 0;       // units that could not be imported
  // Of those, units an earlier run already rejected (the same bytes failing again): they
  // are reported, but a run that rejects nothing new exits 0, so that a cron job's
  // `import && digest` goes on.
  std::int64_t rejected_before = 0;
  std::int64_t skipped = 0;  // units that are not reports (README, images, HTML)
  std::map<std::string, std::int64_t> no_report;  // messages without a report, by kind

  std::int64_t units() const { return imported + duplicates + rejected + skipped; }
  std::int64_t without_report() const;
};

struct FileCounts {
  std::string path;
  std::uint64_t bytes = 0;
  ImportCounts counts;
};

struct ImportStats {
  std::int64_t files = 0;        // top-level files read
  std::uint64_t file_bytes = 0;  // their size on disk
  ImportCounts total;
  std::vector<FileCounts> per_file;  // in the order read
  std::int64_t documents = 0;        // report documents looked at (after unpacking)
  std::int64_t records = 0;          // records added
  std::int64_t messages = 0;         // DMARC messages (record counts) added
  std::int64_t dropped_records = 0;  // bad records dropped from imported reports
  std::uint64_t xml_bytes = 0;       // bytes of report XML parsed
  std::uint64_t bytes_done = 0;      // input bytes consumed so far (progress)
  std::vector<std::string> rejects;  // "origin: reason", in order
  std::vector<std::string> skips;    // "origin: what"
  // Duplicates by identity with other contents than the report kept: "origin: detail".
  std::vector<std::string> conflicts;
};

// A batch is committed after this many units or bytes of documents: small enough
// that a killed import redoes a few seconds of work, large because a commit costs in
// proportion to what the batch touched, and new records touch the store's indexes all
// over (the SQLite backend writes every page the batch touched).
// A store error rolls back the batch in flight; the batches before it stay.
inline constexpr std::int64_t kBatchMaxUnits = 16000;
inline constexpr std::uint64_t kBatchMaxBytes = 256ull << 20;

struct ImportOptions {
  ingest::Limits limits;
  // Threads that hash and parse documents ahead of the one thread that writes. 1: all
  // on the calling thread. The store and the accounting are the same for any number.
  unsigned workers = 1;
  // With workers: opens a read-only store for a reader or worker thread, to skip
  // documents and mail already stored without parsing or decoding them. May return
  // null (every document is then parsed; the writer still decides).
  std::function<std::unique_ptr<store::Store>()> open_lookup;
  // Called after each unit and as input is consumed, on the writing thread.
  std::function<void(const ImportStats&)> progress;
};

struct ImportOutcome {
  ImportStats stats;
  // A store error that stopped the import: the last batch was rolled back, the counts
  // include it, and running the same import again finishes the job.
  core::Status status;
  bool started = true;  // false: the store refused the first batch; nothing was read
};

// Imports `paths` (files, directories, archives, mailboxes, "-" for standard input)
// into `store`, opened read-write.
ImportOutcome import_paths(const std::vector<std::string>& paths, store::Store& store,
                           const ImportOptions& options);

// ---- rejects --retry ------------------------------------------------------------
// The retry behind `dmarcq rejects --retry`: every stored reject whose bytes were
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

struct RetryStats {
  std::int64_t imported = 0;         // units that import now, with at least one new report
  std::int64_t duplicates = 0;       // units whose reports were all stored already
  std::int64_t still_rejected = 0;   // units that fail again (their reason is updated)
  std::int64_t not_kept = 0;         // rejects without kept bytes: not retried
  std::int64_t records = 0;          // records added
  std::int64_t messages = 0;         // DMARC messages added
  std::vector<std::string> rejects;  // "origin: new reason" of the still rejected, in order

  std::int64_t retried() const { return imported + duplicates + still_rejected; }
};

// Retries every kept reject in `store` (opened read-write). A store error stops the
// retry and rolls back the batch in flight; units settled in earlier batches stay
// settled, and running the retry again finishes the job.
core::Result<RetryStats> retry_rejects(store::Store& store, const ingest::Limits& limits);

}  // namespace dmarcq::import

#endif  // DMARCQ_IMPORT_IMPORT_H_
