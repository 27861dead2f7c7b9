// The parallel import: one reader thread runs ingest (files, archives, mailboxes), a
// pool of workers hashes and parses documents, and the calling thread applies
// everything to the Importer (the store's one writer) in exactly the order ingest
// produced it. The store, the provenance and the accounting are therefore the same
// for any number of workers; only the hashing and parsing run side by side. Bounded
// queues between the stages keep memory flat whatever the input size.
#ifndef DMARCQ_IMPORT_PIPELINE_H_
#define DMARCQ_IMPORT_PIPELINE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "import/importer.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace dmarcq::import {

struct PipelineOptions {
  unsigned workers = 2;  // parsing threads, at least 1
  // Opens a read-only store for a reader or worker thread, to skip documents and
  // messages that are already stored without parsing or decoding them. May return
  // null (every document is then parsed; the importer still decides).
  std::function<std::unique_ptr<store::Store>()> open_lookup;
};

// Runs ingest over `paths` and feeds `importer` (whose start() has been called; the
// caller calls finish()). Blocks until every input is consumed.
void run_pipeline(const std::vector<std::string>& paths, const ingest::Limits& limits,
                  Importer& importer, const PipelineOptions& options);

}  // namespace dmarcq::import

#endif  // DMARCQ_IMPORT_PIPELINE_H_
