#include <utility>

#include "import/import.h"
#include "import/importer.h"

namespace dmarcq::import {

namespace {

using core::Error;
using core::ErrorCode;

// The error of a reject met inside the unit at `unit_origin`, as that unit's reason:
// the places below the unit become the error's context ("member.xml › line 4: ...").
Error reason_within(const HeldReject& held, const std::string& unit_origin) {
  Error reason = held.error;
  // Origin::child gives the separator ingest puts between places.
  const std::string prefix = ingest::Origin{{unit_origin}}.child("").to_string();
  if (held.origin != unit_origin) {
    reason.within(held.origin.starts_with(prefix) ? held.origin.substr(prefix.size())
                                                  : held.origin);
  }
  return reason;
}

// The reason of a unit that now yields no report and no reject: only files that are
// not reports, or nothing at all. It stays a reject: it was meant to be a report.
Error no_report_reason(const std::vector<std::string>& skips) {
  if (skips.empty()) return Error(ErrorCode::kInvalid, "holds no report");
  return Error(ErrorCode::kInvalid, "holds no report (" + skips.front() + ")");
}

// Retries one unit through `importer` and settles its stored reject.
class UnitRetry {
 public:
  UnitRetry(store::Store& store, Importer& importer, RetryStats& stats)
      : store_(store), importer_(importer), stats_(stats) {}

  core::Status run(const store::RejectUnit& unit, std::string bytes, const ingest::Limits& limits) {
    const ImportCounts before = importer_.stats().total;
    const std::size_t skips_before = importer_.stats().skips.size();
    ingest::ingest_bytes(ingest::Origin{{unit.origin}}, std::move(bytes), limits, importer_);
    if (importer_.failed()) return {};  // finish() reports it
    const ImportCounts& after = importer_.stats().total;
    const std::int64_t imported = after.imported - before.imported;
    const std::int64_t duplicates = after.duplicates - before.duplicates;
    std::vector<HeldReject> held = importer_.take_held_rejects();

    // The importer clears the stored reject itself when the unit's own bytes are the
    // document that imports (a plain XML unit); then the unit has left the list.
    auto known = store_.find_input(unit.content_hash);
    if (!known) return std::move(known).error();
    const bool still_listed = *known && (*known)->outcome == store::Outcome::kRejected;

    if (still_listed && (!held.empty() || imported + duplicates == 0)) {
      std::vector<std::string> skips(importer_.stats().skips.begin() + skips_before,
                                     importer_.stats().skips.end());
      const Error reason =
          held.empty() ? no_report_reason(skips) : reason_within(held.front(), unit.origin);
      if (auto status = store_.update_reject(unit.content_hash, reason); !status) {
        return std::move(status).error().within(unit.origin);
      }
      ++stats_.still_rejected;
      stats_.rejects.push_back(unit.origin + ": " + reason.to_string());
      return {};
    }
    if (still_listed) {
      if (auto status = store_.clear_reject(unit.content_hash); !status) {
        return std::move(status).error().within(unit.origin);
      }
    }
    // The unit itself imported; what failed inside it (a second report in the same
    // document) is recorded as `import` records it.
    for (const HeldReject& reject : held) {
      if (auto status = store_.add_reject(reject.origin, reject.error, reject.content_hash,
                                          reject.raw, reject.size);
          !status) {
        return std::move(status).error().within(reject.origin);
      }
    }
    if (imported > 0) {
      ++stats_.imported;
    } else {
      ++stats_.duplicates;
    }
    return {};
  }

 private:
  store::Store& store_;
  Importer& importer_;
  RetryStats& stats_;
};

}  // namespace

core::Result<RetryStats> retry_rejects(store::Store& store, const ingest::Limits& limits) {
  RetryStats stats;
  Importer importer(store, {}, report::ParseLimits::for_document_limit(limits.max_document_bytes),
                    RejectPolicy::kHold);
  if (auto status = importer.start(); !status) return std::move(status).error();
  // The list is read once, before anything changes: retrying a unit adds and removes
  // rows.
  auto units = store.reject_units();
  if (!units) {
    (void)store.rollback();  // the error is what the caller reports
    return std::move(units).error();
  }
  UnitRetry retry(store, importer, stats);
  for (const store::RejectUnit& unit : *units) {
    if (!unit.kept) {
      ++stats.not_kept;
      continue;
    }
    auto bytes = store.reject_bytes(unit.content_hash);
    core::Status status;
    if (!bytes) {
      status = std::move(bytes).error().within(unit.origin);
    } else if (bytes->empty()) {
      // Kept bytes are never empty: the reject is gone, imported by another dmarcq
      // between two batches of this one. Its reports are stored: a duplicate here.
      ++stats.duplicates;
    } else {
      status = retry.run(unit, std::move(*bytes), limits);
    }
    if (!status) {
      (void)store.rollback();  // the error is what the caller reports
      return std::move(status).error();
    }
    if (importer.failed()) break;
  }
  if (auto status = importer.finish(); !status) return std::move(status).error();
  stats.records = importer.stats().records;
  stats.messages = importer.stats().messages;
  return stats;
}

}  // namespace dmarcq::import
