// The import job's entry: the steps of the pipeline in the order the data flows.
#include "import/import.h"

#include "import/importer.h"
#include "import/pipeline.h"

namespace dmarcq::import {

ImportOutcome import_paths(const std::vector<std::string>& paths, store::Store& store,
                           const ImportOptions& options) {
  // Open the batch. The importer is the store's one writer: it commits every
  // kBatchMaxUnits units or kBatchMaxBytes, so a killed import loses one batch at most
  // and running it again finishes the job.
  Importer importer(store, options.progress,
                    report::ParseLimits::for_document_limit(options.limits.max_document_bytes));
  if (auto status = importer.start(); !status) return {importer.stats(), std::move(status), false};

  // Walk the inputs, hash and parse the documents, apply them. With one worker all of
  // it runs here; with more, a reader thread walks, workers hash and parse ahead, and
  // this thread applies in the reader's order, so the store and the accounting are the
  // same either way.
  if (options.workers <= 1) {
    ingest::ingest_paths(paths, options.limits, importer);
  } else {
    PipelineOptions pipeline;
    pipeline.workers = options.workers;
    pipeline.open_lookup = options.open_lookup;
    run_pipeline(paths, options.limits, importer, pipeline);
  }

  // Commit the last batch, or roll it back after a store error (which stopped the
  // processing of later units).
  core::Status finished = importer.finish();
  return {importer.stats(), std::move(finished)};
}

}  // namespace dmarcq::import
