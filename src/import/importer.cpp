#include "import/importer.h"

#include "core/hash.h"
#include "report/report.h"

namespace dmarcq::import {

namespace {

// Rejected units bigger than this are recorded without their bytes.
constexpr std::uint64_t kMaxKeptRawBytes = 32ull << 20;

std::string describe(const std::string& origin, const std::string& reason) {
  return origin + ": " + reason;
}

}  // namespace

std::int64_t ImportCounts::without_report() const {
  std::int64_t total = 0;
  for (const auto& [kind, n] : no_report) total += n;
  return total;
}

Importer::Importer(store::Store& store, ProgressFn progress, report::ParseLimits parse_limits,
                   RejectPolicy reject_policy)
    : store_(store),
      progress_(std::move(progress)),
      parse_limits_(parse_limits),
      reject_policy_(reject_policy) {}

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

void Importer::on_file(const std::string& path, std::uint64_t size) {
  ++stats_.files;
  stats_.file_bytes += size;
  finished_files_bytes_ += current_file_bytes_;
  current_file_bytes_ = size;
  stats_.bytes_done = finished_files_bytes_;
  stats_.per_file.push_back(FileCounts{path, size, {}});
}

void Importer::on_entry(const std::string& path) {
  // Not a file read: its own line in the per-file accounting, nothing in the totals.
  finished_files_bytes_ += current_file_bytes_;
  current_file_bytes_ = 0;
  stats_.per_file.push_back(FileCounts{path, 0, {}});
}

void Importer::on_progress(std::uint64_t bytes_done) {
  stats_.bytes_done = finished_files_bytes_ + std::min(bytes_done, current_file_bytes_);
  if (progress_) progress_(stats_);
}

// Every report of a buffer, in one parse (parsing it again for each further <feedback>
// would take time quadratic in their number). Two documents concatenated in one buffer
// are two reports: each is a unit of its own. A buffer that is no report at all gives
// one error.
std::vector<core::Result<report::Report>> parse_all(const std::string& bytes,
                                                    const report::ParseLimits& limits) {
  auto parsed = report::parse_reports(bytes, limits);
  if (!parsed) {
    std::vector<core::Result<report::Report>> failed;
    failed.push_back(std::move(parsed).error());
    return failed;
  }
  return std::move(*parsed);
}

PreparedDocument prepare_document(ingest::Document document, store::Store* known_inputs,
                                  const store::Store& writer,
                                  const report::ParseLimits& parse_limits) {
  PreparedDocument prepared;
  prepared.content_hash = core::sha256_hex(document.bytes);
  prepared.document = std::move(document);
  if (known_inputs != nullptr) {
    // A failed lookup only means the importer looks again; it decides.
    auto known = known_inputs->find_input(prepared.content_hash);
    if (known && *known && (*known)->outcome != store::Outcome::kRejected) return prepared;
  }
  prepared.reports = parse_all(prepared.document.bytes, parse_limits);
  prepared.parsed = true;
  prepared.prepared_reports.reserve(prepared.reports.size());
  for (const core::Result<report::Report>& report : prepared.reports) {
    prepared.prepared_reports.push_back(report ? writer.prepare_report(*report) : nullptr);
  }
  return prepared;
}

void Importer::on_document(ingest::Document document) {
  if (fatal_) return;
  PreparedDocument prepared;
  prepared.content_hash = core::sha256_hex(document.bytes);
  prepared.document = std::move(document);
  apply_document(prepared);
}

void Importer::apply_document(PreparedDocument& prepared) {
  if (fatal_) return;
  ++stats_.documents;
  const ingest::Document& document = prepared.document;
  const std::string origin = document.origin.to_string();
  const std::string& content_hash = prepared.content_hash;

  auto known = store_.find_input(content_hash);
  if (!known) return fail(std::move(known).error());
  const bool rejected_before = *known && (*known)->outcome == store::Outcome::kRejected;
  if (*known && !rejected_before) {
    // Stored before: skip without parsing, with the further reports the document held
    // (stored in the same transaction, under "<hash>#2", "#3", ...).
    count([](ImportCounts& c) { ++c.duplicates; });
    for (std::size_t which = 2;; ++which) {
      auto extra = store_.find_input(content_hash + "#" + std::to_string(which));
      if (!extra) return fail(std::move(extra).error());
      if (!*extra) break;
      count([](ImportCounts& c) { ++c.duplicates; });
    }
    return after_unit(document.bytes.size());
  }

  // New, or rejected before: a newer dmarcq or wider limits may read it now.
  stats_.xml_bytes += document.bytes.size();
  if (!prepared.parsed) prepared.reports = parse_all(document.bytes, parse_limits_);
  const core::Result<report::Report>& parsed = prepared.reports.front();
  if (!parsed) {
    if (parsed.error().code() == core::ErrorCode::kNotReport &&
        !ingest::named_like_report(document.origin)) {
      // XML or text that is some other document (an SVG, an HTML page), and does not
      // claim to be a report: not a unit to keep.
      count([](ImportCounts& c) { ++c.skipped; });
      stats_.skips.push_back(describe(origin, parsed.error().to_string()));
      return after_unit(document.bytes.size());
    }
    record_reject(origin, parsed.error(), content_hash, document.bytes, document.bytes.size(),
                  rejected_before);
    return after_unit(document.bytes.size());
  }
  if (rejected_before) {
    if (auto status = store_.clear_reject(content_hash); !status) {
      return fail(std::move(status).error().within(origin));
    }
  }
  // Prepared ahead, if the document was parsed ahead; the store prepares it otherwise.
  auto prepared_of = [&](std::size_t which) -> const store::PreparedReport* {
    return which < prepared.prepared_reports.size() ? prepared.prepared_reports[which].get()
                                                    : nullptr;
  };
  store_report(*parsed, prepared_of(0), origin, content_hash);
  for (std::size_t which = 1; which < prepared.reports.size() && !fatal_; ++which) {
    ++stats_.documents;
    const std::string place = origin + " \xE2\x80\xBA report " + std::to_string(which + 1);
    const std::string hash = content_hash + "#" + std::to_string(which + 1);
    const core::Result<report::Report>& extra = prepared.reports[which];
    if (extra) {
      store_report(*extra, prepared_of(which), place, hash);
    } else {
      record_reject(place, extra.error(), hash, {}, 0);
    }
  }
  after_unit(document.bytes.size());
}

void Importer::store_report(const report::Report& report, const store::PreparedReport* prepared,
                            const std::string& origin, const std::string& content_hash) {
  auto added = store_.add_report(report, origin, content_hash, prepared);
  if (!added) return fail(std::move(added).error().within(origin));
  if (added->outcome == store::Outcome::kImported) {
    count([](ImportCounts& c) { ++c.imported; });
    stats_.records += added->records;
    stats_.messages += added->messages;
    stats_.dropped_records += report.dropped_records;
  } else {
    count([](ImportCounts& c) { ++c.duplicates; });
    if (added->conflict) stats_.conflicts.push_back(describe(origin, added->detail));
  }
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
  // Rejected the same way by an earlier run (a file over the size limit met by every
  // cron run): reported again, but not new.
  auto known = store_.find_input(content_hash);
  if (!known) return fail(std::move(known).error().within(place));
  const bool rejected_before = *known && (*known)->outcome == store::Outcome::kRejected;
  record_reject(place, error, content_hash, raw, raw.size(), rejected_before);
  after_unit(raw.size());
}

void Importer::on_skip(const ingest::Origin& origin, const std::string& what) {
  if (fatal_) return;
  count([](ImportCounts& c) { ++c.skipped; });
  stats_.skips.push_back(describe(origin.to_string(), what + ", not a report"));
  after_unit(0);
}

std::pair<std::string, bool> LookedUpMessage::take(std::string_view raw) {
  const bool kept = !raw.empty() && raw.data() == data_ && raw.size() == size_ && !hash_.empty();
  std::string hash = kept ? std::move(hash_) : raw.empty() ? std::string() : core::sha256_hex(raw);
  *this = LookedUpMessage();
  return {std::move(hash), kept};
}

bool Importer::skip_known_message(std::string_view raw) {
  if (fatal_) return true;
  std::string hash = core::sha256_hex(raw);
  auto known = store_.find_message(hash);
  // A failed lookup is left to begin_message, which names the message in the error.
  if (known && *known && (*known)->rejected == 0) {
    known_message(**known);
    return true;
  }
  looked_up_.keep(raw, std::move(hash));
  return false;
}

bool Importer::on_message_start(const ingest::Origin& origin, std::string_view raw) {
  return begin_message(origin, looked_up_.take(raw).first);
}

bool Importer::begin_message(const ingest::Origin& origin, std::string content_hash) {
  if (fatal_) return false;
  message_hash_ = std::move(content_hash);
  if (message_hash_.empty()) {
    count([](ImportCounts& c) { ++c.mail_messages; });
    message_start_ = stats_.total;
    return true;
  }
  auto known = store_.find_message(message_hash_);
  if (!known) {
    fail(std::move(known).error().within(origin.to_string()));
    return false;
  }
  // A message that held rejects is read again: they may import now. Its stored
  // reports come out as duplicates, and its record is updated at the end.
  if (*known && (*known)->rejected == 0) {
    message_hash_.clear();
    known_message(**known);
    return false;
  }
  count([](ImportCounts& c) { ++c.mail_messages; });
  message_start_ = stats_.total;
  return true;
}

void Importer::known_message(const store::KnownMessage& seen) {
  if (fatal_) return;
  // Read before: account for what it held without decoding it again.
  count([&](ImportCounts& c) {
    ++c.mail_messages;
    c.duplicates += seen.imported + seen.duplicates;
    c.rejected += seen.rejected;
    c.rejected_before += seen.rejected;
    c.skipped += seen.skipped;
    if (seen.no_report.empty()) {
      ++c.with_report;
    } else {
      ++c.no_report[seen.no_report];
    }
  });
  after_unit(0);
}

void Importer::on_message_end(const ingest::Origin& origin, const std::string& no_report) {
  if (fatal_) return;
  count([&](ImportCounts& c) {
    if (no_report.empty()) {
      ++c.with_report;
    } else {
      ++c.no_report[no_report];
    }
  });
  if (message_hash_.empty()) return;
  const ImportCounts& now = stats_.total;
  const store::KnownMessage contents{
      now.imported - message_start_.imported, now.duplicates - message_start_.duplicates,
      now.rejected - message_start_.rejected, now.skipped - message_start_.skipped, no_report};
  // Written after the message's units, so a message is only remembered once all it
  // held is in the store (a kill in between re-reads it, finding its reports stored).
  if (auto status = store_.add_message(message_hash_, origin.to_string(), contents); !status) {
    fail(std::move(status).error().within(origin.to_string()));
  }
  message_hash_.clear();
  after_unit(0);
}

bool Importer::on_file_start(const ingest::Origin& origin, const std::string& content_hash) {
  return begin_file(origin, content_hash);
}

bool Importer::begin_file(const ingest::Origin& origin, std::string content_hash) {
  if (fatal_) return false;
  auto known = store_.find_file(content_hash);
  if (!known) {
    fail(std::move(known).error().within(origin.to_string()));
    return false;
  }
  if (*known) {
    known_file(**known);
    return false;
  }
  file_hash_ = std::move(content_hash);
  file_start_ = stats_.total;
  return true;
}

void Importer::known_file(const store::KnownFile& seen) {
  if (fatal_) return;
  // Read before, when every unit in it was imported or a duplicate: reading it again
  // would find each one stored, a duplicate (as known_message replays a message).
  count([&](ImportCounts& c) {
    c.mail_messages += seen.mail_messages;
    c.with_report += seen.with_report;
    for (const auto& [kind, n] : seen.no_report) c.no_report[kind] += n;
    c.duplicates += seen.imported + seen.duplicates;
  });
  after_unit(0);
}

void Importer::on_file_end(const ingest::Origin& origin) {
  if (fatal_ || file_hash_.empty()) return;
  const std::string content_hash = std::exchange(file_hash_, {});
  const ImportCounts& now = stats_.total;
  // A reject is retried the next time (it may import then), and a skip is said again
  // (a replay could only count it): such a file is read again, not remembered.
  if (now.rejected != file_start_.rejected || now.skipped != file_start_.skipped) return;
  store::KnownFile contents{now.imported - file_start_.imported,
                            now.duplicates - file_start_.duplicates,
                            now.mail_messages - file_start_.mail_messages,
                            now.with_report - file_start_.with_report,
                            {}};
  for (const auto& [kind, n] : now.no_report) {
    const auto before = file_start_.no_report.find(kind);
    const std::int64_t added = n - (before == file_start_.no_report.end() ? 0 : before->second);
    if (added > 0) contents.no_report[kind] = added;
  }
  // Written after the file's units, so a file is only remembered once all it held is
  // in the store (a kill in between reads it again, finding its reports stored).
  if (auto status = store_.add_file(content_hash, origin.to_string(), contents); !status) {
    fail(std::move(status).error().within(origin.to_string()));
  }
}

void Importer::record_reject(const std::string& origin, const core::Error& error,
                             const std::string& content_hash, std::string_view raw,
                             std::uint64_t size, bool already_stored) {
  // A copy of a document this run rejected (the same bytes twice in a mailbox) is as
  // new as the first: "by an earlier run" means an earlier run.
  const bool earlier_run = already_stored && rejected_this_run_.count(content_hash) == 0;
  if (!already_stored) rejected_this_run_.insert(content_hash);
  count([&](ImportCounts& c) {
    ++c.rejected;
    if (earlier_run) ++c.rejected_before;
  });
  stats_.rejects.push_back(describe(origin, error.to_string()));
  const std::string_view kept = raw.size() <= kMaxKeptRawBytes ? raw : std::string_view();
  if (reject_policy_ == RejectPolicy::kHold) {
    held_rejects_.push_back(HeldReject{origin, error, content_hash, std::string(kept), size});
    return;
  }
  if (already_stored) return;
  if (auto status = store_.add_reject(origin, error, content_hash, kept, size); !status) {
    fail(std::move(status).error().within(origin));
  }
}

void Importer::after_unit(std::uint64_t bytes) {
  ++batch_units_;
  batch_bytes_ += bytes;
  if (!fatal_ && (batch_units_ >= kBatchMaxUnits || batch_bytes_ >= kBatchMaxBytes)) {
    if (auto status = store_.commit(); !status) return fail(std::move(status).error());
    if (auto status = store_.begin(); !status) return fail(std::move(status).error());
    batch_units_ = 0;
    batch_bytes_ = 0;
  }
  if (progress_) progress_(stats_);
}

}  // namespace dmarcq::import
