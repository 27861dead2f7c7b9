#include "cli/importer.h"

#include "core/hash.h"
#include "report/report.h"

namespace dmarcq::cli {

namespace {

// A batch is committed after this many units or bytes: large enough that SQLite's
// per-transaction cost disappears, small enough that a killed import redoes little.
constexpr std::int64_t kBatchUnits = 1000;
constexpr std::uint64_t kBatchBytes = 64ull << 20;
// Rejected units bigger than this are recorded without their bytes.
constexpr std::uint64_t kMaxKeptRawBytes = 32ull << 20;

std::string describe(const std::string& origin, const std::string& reason) {
  return origin + ": " + reason;
}

}  // namespace

Importer::Importer(store::Store& store, ProgressFn progress)
    : store_(store), progress_(std::move(progress)) {}

core::Status Importer::start() { return store_.begin(); }

core::Status Importer::finish() {
  if (fatal_) {
    (void)store_.rollback();  // the fatal error is what the caller reports
    return *fatal_;
  }
  return store_.commit();
}

void Importer::fail(core::Error error) {
  if (!fatal_) fatal_ = std::move(error);
}

void Importer::on_file(const std::string&, std::uint64_t size) {
  ++stats_.files;
  stats_.file_bytes += size;
}

void Importer::on_document(ingest::Document document) {
  if (fatal_) return;
  ++stats_.documents;
  const std::string origin = document.origin.to_string();
  const std::string content_hash = core::sha256_hex(document.bytes);

  auto known = store_.find_input(content_hash);
  if (!known) return fail(std::move(known).error());
  if (*known) {
    // Seen before: skip without parsing. A document rejected before is rejected again
    // (and counted), but not stored twice.
    if ((*known)->outcome == store::Outcome::kRejected) {
      ++stats_.rejected;
      stats_.rejects.push_back(describe(origin, (*known)->detail));
    } else {
      ++stats_.duplicates;
    }
    return after_unit(document.bytes.size());
  }

  stats_.xml_bytes += document.bytes.size();
  auto parsed = report::parse_report(document.bytes);
  if (!parsed) {
    record_reject(origin, parsed.error(), content_hash, document.bytes, document.bytes.size());
    return after_unit(document.bytes.size());
  }
  auto added = store_.add_report(*parsed, origin, content_hash);
  if (!added) return fail(std::move(added).error().within(origin));
  if (added->outcome == store::Outcome::kImported) {
    ++stats_.imported;
    stats_.records += added->records;
    stats_.messages += added->messages;
    stats_.dropped_records += parsed->dropped_records;
  } else {
    ++stats_.duplicates;
  }
  after_unit(document.bytes.size());
}

void Importer::on_reject(const ingest::Origin& origin, const core::Error& error,
                         std::string_view raw) {
  if (fatal_) return;
  // Rejects without bytes (unreadable file, over a limit) are keyed by where they were
  // and why, so that importing the same input again records nothing new.
  const std::string place = origin.to_string();
  const std::string content_hash =
      raw.empty() ? core::sha256_hex("reject\n" + place + "\n" + error.message())
                  : core::sha256_hex(raw);
  record_reject(place, error, content_hash, raw, raw.size());
  after_unit(raw.size());
}

void Importer::on_skip(const ingest::Origin& origin, const std::string& what) {
  if (fatal_) return;
  ++stats_.skipped;
  stats_.skips.push_back(describe(origin.to_string(), what + ", not a report"));
  after_unit(0);
}

void Importer::record_reject(const std::string& origin, const core::Error& error,
                             const std::string& content_hash, std::string_view raw,
                             std::uint64_t size) {
  ++stats_.rejected;
  stats_.rejects.push_back(describe(origin, error.to_string()));
  const std::string_view kept = raw.size() <= kMaxKeptRawBytes ? raw : std::string_view();
  if (auto status = store_.add_reject(origin, error, content_hash, kept, size); !status) {
    fail(std::move(status).error().within(origin));
  }
}

void Importer::after_unit(std::uint64_t bytes) {
  ++batch_units_;
  batch_bytes_ += bytes;
  if (!fatal_ && (batch_units_ >= kBatchUnits || batch_bytes_ >= kBatchBytes)) {
    if (auto status = store_.commit(); !status) return fail(std::move(status).error());
    if (auto status = store_.begin(); !status) return fail(std::move(status).error());
    batch_units_ = 0;
    batch_bytes_ = 0;
  }
  if (progress_) progress_(stats_);
}

}  // namespace dmarcq::cli
