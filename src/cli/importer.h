// The import job: receives documents and rejects from ingest, parses documents,
// writes them to the store in batches, and keeps the accounting that `import` prints.
// Every unit ingest reports ends as exactly one of imported, duplicate, rejected or
// skipped, so the counts always add up to the units seen.
#ifndef DMARCQ_CLI_IMPORTER_H_
#define DMARCQ_CLI_IMPORTER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace dmarcq::cli {

struct ImportStats {
  std::int64_t files = 0;           // top-level files read
  std::uint64_t file_bytes = 0;     // their size on disk
  std::int64_t documents = 0;       // report documents found (after unpacking)
  std::int64_t imported = 0;        // reports stored
  std::int64_t duplicates = 0;      // documents already stored (same bytes or same report)
  std::int64_t rejected = 0;        // units that could not be imported
  std::int64_t skipped = 0;         // units that are not reports (README, images)
  std::int64_t records = 0;         // records added
  std::int64_t messages = 0;        // messages added
  std::int64_t dropped_records = 0; // bad records dropped from imported reports
  std::uint64_t xml_bytes = 0;      // bytes of report XML parsed
  std::vector<std::string> rejects; // "origin: reason", in order
  std::vector<std::string> skips;   // "origin: what"

  // Units ingest reported: every one is counted once in imported + duplicates +
  // rejected + skipped.
  std::int64_t units() const { return imported + duplicates + rejected + skipped; }
};

class Importer final : public ingest::Sink {
 public:
  // Called after each unit, for the progress line.
  using ProgressFn = std::function<void(const ImportStats&)>;

  explicit Importer(store::Store& store, ProgressFn progress = {});

  // Opens the first batch. Must be called before ingest starts.
  core::Status start();
  // Commits the last batch. After a fatal store error it rolls back instead.
  core::Status finish();

  void on_file(const std::string& path, std::uint64_t size) override;
  void on_document(ingest::Document document) override;
  void on_reject(const ingest::Origin& origin, const core::Error& error,
                 std::string_view raw) override;
  void on_skip(const ingest::Origin& origin, const std::string& what) override;

  const ImportStats& stats() const { return stats_; }
  // The store error that stopped the import, if any; later units are not processed.
  const std::optional<core::Error>& fatal() const { return fatal_; }

 private:
  void record_reject(const std::string& origin, const core::Error& error,
                     const std::string& content_hash, std::string_view raw, std::uint64_t size);
  void after_unit(std::uint64_t bytes);
  void fail(core::Error error);

  store::Store& store_;
  ProgressFn progress_;
  ImportStats stats_;
  std::optional<core::Error> fatal_;
  std::int64_t batch_units_ = 0;
  std::uint64_t batch_bytes_ = 0;
};

}  // namespace dmarcq::cli

#endif  // DMARCQ_CLI_IMPORTER_H_
