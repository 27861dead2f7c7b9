// Private to import/: the import job's sink. It receives documents and rejects from
// ingest, parses documents, writes them to the store in batches, and keeps the
// accounting that `import` prints. Every unit ingest reports ends as exactly one of
// imported, duplicate, rejected or skipped, so the counts always add up to the units
// seen; every mail message read either yielded units or is counted as a message
// without a report, by kind.
#ifndef DMARCQ_IMPORT_IMPORTER_H_
#define DMARCQ_IMPORT_IMPORTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/error.h"
#include "import/import.h"
#include "ingest/ingest.h"
#include "report/report.h"
#include "store/store.h"

namespace dmarcq::import {

// A document made ready for the store, on any thread: its hash and, unless the store
// already holds it, its reports parsed (one per <feedback>, in order).
struct PreparedDocument {
  ingest::Document document;
  std::string content_hash;
  bool parsed = false;  // false: not parsed (yet); the importer parses it if needed
  std::vector<core::Result<report::Report>> reports;
  // What the store derives from each parsed report (Store::prepare_report), made with
  // the parse so that the writer does not; null for a report that failed.
  std::vector<std::unique_ptr<store::PreparedReport>> prepared_reports;
};

// Hashes `document` and parses it, unless `known_inputs` (a store connection of the
// calling thread, may be null) already holds it as imported or duplicate; `writer`
// (the importer's store) prepares the reports for itself.
PreparedDocument prepare_document(ingest::Document document, store::Store* known_inputs,
                                  const store::Store& writer,
                                  const report::ParseLimits& parse_limits);

// What becomes of the rejects the importer meets.
enum class RejectPolicy {
  kStore,  // `import`: each is recorded in the store, with its bytes
  kHold,   // `rejects --retry`: each is held (take_held_rejects) for the caller, which
           // owns the stored reject of the unit it is retrying
};

// A reject met under RejectPolicy::kHold, with all that Store::add_reject needs.
struct HeldReject {
  std::string origin;
  core::Error error;
  std::string content_hash;
  std::string raw;  // the bytes to keep: empty when there are none or they are too big
  std::uint64_t size = 0;
};

// The hash a sink's skip_known_message computed for a message it did not skip, kept
// for the on_message_start that follows with the same bytes, so that a new message is
// hashed once.
class LookedUpMessage {
 public:
  void keep(std::string_view raw, std::string hash) {
    data_ = raw.data();
    size_ = raw.size();
    hash_ = std::move(hash);
  }
  // The hash of `raw` ("" when it is empty), and whether it was kept: looked up in the
  // store already, and not found.
  std::pair<std::string, bool> take(std::string_view raw);

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::string hash_;
};

class Importer final : public ingest::Sink {
 public:
  // Called after each unit and as input is consumed, for the progress line.
  using ProgressFn = std::function<void(const ImportStats&)>;

  // `parse_limits` bounds the memory of each document's parse (ParseLimits::
  // for_document_limit of the import's document size limit).
  explicit Importer(store::Store& store, ProgressFn progress = {},
                    report::ParseLimits parse_limits = {},
                    RejectPolicy reject_policy = RejectPolicy::kStore);

  // Opens the first batch. Must be called before ingest starts.
  core::Status start();
  // Commits the last batch. After a store error (which stops the processing of later
  // units) it rolls back instead and returns that error.
  core::Status finish();

  void on_file(const std::string& path, std::uint64_t size) override;
  void on_entry(const std::string& path) override;
  void on_document(ingest::Document document) override;
  void on_reject(const ingest::Origin& origin, const core::Error& error,
                 std::string_view raw) override;
  void on_skip(const ingest::Origin& origin, const std::string& what) override;
  bool skip_known_message(std::string_view raw) override;
  bool on_message_start(const ingest::Origin& origin, std::string_view raw) override;
  void on_message_end(const ingest::Origin& origin, const std::string& no_report) override;
  bool on_file_start(const ingest::Origin& origin, const std::string& content_hash) override;
  void on_file_end(const ingest::Origin& origin) override;
  void on_progress(std::uint64_t bytes_done) override;

  // The same steps for import's worker threads, which hash and parse ahead. The
  // caller keeps the document (and frees it where it likes: freeing a large parse is
  // work the writer thread need not do).
  void apply_document(PreparedDocument& prepared);
  // on_message_start with the message's hash computed ahead ("" when it has no bytes).
  bool begin_message(const ingest::Origin& origin, std::string content_hash);
  // A message found in the store ahead (before it was decoded): accounts for what it
  // held, as on_message_start does for a message it finds.
  void known_message(const store::KnownMessage& seen);
  // on_file_start with the file's hash computed ahead.
  bool begin_file(const ingest::Origin& origin, std::string content_hash);
  // A file found in the store ahead (before it was unpacked): accounts for what it
  // held, as on_file_start does for a file it finds.
  void known_file(const store::KnownFile& seen);

  const ImportStats& stats() const { return stats_; }
  const report::ParseLimits& parse_limits() const { return parse_limits_; }
  // The store written to; its prepare_report may be called from any thread.
  const store::Store& store() const { return store_; }
  // True once a store error stopped the import (finish() returns it).
  bool failed() const { return fatal_.has_value(); }
  // The rejects held since the last call (RejectPolicy::kHold only), in order.
  std::vector<HeldReject> take_held_rejects() { return std::exchange(held_rejects_, {}); }

 private:
  // Applies `change` to the total and to the current file.
  template <typename Change>
  void count(Change change) {
    change(stats_.total);
    if (!stats_.per_file.empty()) change(stats_.per_file.back().counts);
  }
  // Stores a parsed report (or counts it as a duplicate).
  void store_report(const report::Report& report, const store::PreparedReport* prepared,
                    const std::string& origin, const std::string& content_hash);
  // Counts a reject and stores it (or holds it, see RejectPolicy). `already_stored`:
  // the store has this unit's reject from an earlier run, so there is nothing to write.
  void record_reject(const std::string& origin, const core::Error& error,
                     const std::string& content_hash, std::string_view raw, std::uint64_t size,
                     bool already_stored = false);
  void after_unit(std::uint64_t bytes);
  void fail(core::Error error);

  store::Store& store_;
  ProgressFn progress_;
  report::ParseLimits parse_limits_;
  RejectPolicy reject_policy_;
  std::vector<HeldReject> held_rejects_;
  std::unordered_set<std::string> rejected_this_run_;  // content hashes first rejected now
  ImportStats stats_;
  std::optional<core::Error> fatal_;
  std::int64_t batch_units_ = 0;
  std::uint64_t batch_bytes_ = 0;
  std::uint64_t finished_files_bytes_ = 0;  // sizes of the files before the current one
  std::uint64_t current_file_bytes_ = 0;
  // The message being read: its hash (empty when it cannot be remembered) and the
  // totals when it started, to store what it held.
  std::string message_hash_;
  ImportCounts message_start_;
  LookedUpMessage looked_up_;
  // The same for the top-level file being read (files do not nest; messages nest in
  // files).
  std::string file_hash_;
  ImportCounts file_start_;
};

}  // namespace dmarcq::import

#endif  // DMARCQ_IMPORT_IMPORTER_H_
