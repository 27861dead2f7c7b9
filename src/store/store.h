// store: the database behind dmarcq, as an interface. It is narrow and backend-neutral
// so that a PostgreSQL backend can follow; the SQLite backend (store/sqlite/, the
// embedded default) is the only one today, and store::open picks it. Reports are
// stored as reported; nothing here interprets them.
#ifndef DMARCQ_STORE_STORE_H_
#define DMARCQ_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/table.h"
#include "report/report.h"

namespace dmarcq::store {

// What became of one document. Every document ends in exactly one of these.
enum class Outcome { kImported, kDuplicate, kRejected };
const char* outcome_name(Outcome outcome);

struct AddResult {
  Outcome outcome = Outcome::kImported;
  std::string detail;         // for a duplicate: which report it duplicates
  std::int64_t records = 0;   // records added (0 for a duplicate)
  std::int64_t messages = 0;  // messages added
  // A duplicate by identity (reporter, report id, domain, period) whose bytes differ
  // from the report kept: noted on the kept report, listed by the conflict view.
  bool conflict = false;
};

// A document seen before, by content hash.
struct KnownInput {
  Outcome outcome;
  std::string detail;  // the reject reason, or the report it duplicates
};

// A mail message read before, by content hash, and what it held then.
struct KnownMessage {
  std::int64_t imported = 0;
  std::int64_t duplicates = 0;
  std::int64_t rejected = 0;
  std::int64_t skipped = 0;
  std::string no_report;  // empty when it held reports
};

// A top-level input file read whole before, by content hash, and what it held then.
// Only files whose every unit was imported or a duplicate are remembered, so there is
// no rejected or skipped count to replay.
struct KnownFile {
  std::int64_t imported = 0;
  std::int64_t duplicates = 0;
  std::int64_t mail_messages = 0;                 // mail messages in it
  std::int64_t with_report = 0;                   // of those, with a report
  std::map<std::string, std::int64_t> no_report;  // the others, by kind
};

// kSender needs the sender catalog: analysis::sender_summary answers those queries
// from scan_facts and scan_record_days; Store::summary refuses them.
enum class GroupKey { kDomain, kReporter, kSource, kDay, kWeek, kSender };
const char* group_key_name(GroupKey key);
std::optional<GroupKey> parse_group_key(std::string_view name);

struct SummaryQuery {
  std::vector<GroupKey> by = {GroupKey::kDomain};  // at least one key
  std::vector<std::string> domains;                // policy domains; empty = all
  std::optional<std::int64_t> from_day;            // days since the epoch, inclusive
  std::optional<std::int64_t> to_day;              // inclusive
};

// The facts attribution reads of a record, stored once per distinct combination:
// reports repeat the same sources with the same results.
// Every backend numbers facts from 1 upwards without reusing ids, and below this
// bound: readers index vectors by fact id. An id past it means a damaged store.
constexpr std::int64_t kMaxFactId = std::int64_t{1} << 28;

// The views are valid only during the scan_facts call that passes them.
struct Fact {
  std::string_view source_ip;
  std::string_view header_from;
  std::string_view dkim_aligned;  // policy_evaluated: 'pass', 'fail' or ''
  std::string_view spf_aligned;
  std::string_view disposition;
  std::string_view auth_key;  // report::encode_auth
};

// The records of one policy domain that share a fact, summed.
struct RecordGroup {
  std::uint32_t domain = 0;    // index into RecordGroups::domains
  std::uint32_t fact = 0;      // index into RecordGroups::fact_ids
  std::int64_t messages = 0;   // sum of counts (spread over days when filtered by date)
  std::int64_t first_day = 0;  // days since the epoch
  std::int64_t last_day = 0;
};

// The input of explain and digest: far fewer groups than records, with every string
// stored once (the facts themselves come from scan_facts).
struct RecordGroups {
  std::vector<std::string> domains;    // policy domains
  std::vector<std::int64_t> fact_ids;  // the facts the groups refer to, by index
  std::vector<RecordGroup> groups;     // in no particular order

  const std::string& domain_of(const RecordGroup& group) const { return domains[group.domain]; }
  std::int64_t fact_id_of(const RecordGroup& group) const { return fact_ids[group.fact]; }
};

// One record's messages on one day of its report (spread as summary spreads counts),
// or over the whole report when days do not matter; what summary --by sender streams.
// A backend may read a large store in parts at once, each on a thread of its own:
// records of different parts reach the visitor at the same time.
struct RecordDay {
  std::size_t part = 0;                 // below Store::scan_parts()
  const std::string* domain = nullptr;  // policy domain
  const std::string* reporter = nullptr;
  std::int64_t day = 0;      // days since the epoch (the first day when not by day)
  std::int64_t fact_id = 0;  // see scan_facts
  std::int64_t messages = 0;
};

// The policy a domain published in its most recent report.
struct PublishedPolicy {
  std::string domain;
  std::string p, sp, np, adkim, aspf;
  std::optional<std::int64_t> pct;
  std::string testing;  // RFC 9990 testing: "y" when the record has t=y, else "n" or ''
};

struct RecordFilter {
  std::vector<std::string> domains;      // empty = all
  std::optional<std::int64_t> from_day;  // inclusive
  std::optional<std::int64_t> to_day;
};

// A stored reject, without its bytes (reject_bytes reads them one unit at a time, so
// retrying thousands of rejects never holds more than one in memory).
struct RejectUnit {
  std::string content_hash;
  std::string origin;
  bool kept = false;  // its bytes are stored: not over 32 MiB, and not empty
};

// What a backend derives from a report alone: made on any thread by
// Store::prepare_report, applied by the one writer's add_report. Opaque outside the
// backend.
class PreparedReport {
 public:
  virtual ~PreparedReport() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // --- writing. A batch holds whole documents only, so a killed import loses at most
  // the batch in flight and running it again completes the job.
  virtual core::Status begin() = 0;
  virtual core::Status commit() = 0;
  virtual core::Status rollback() = 0;

  // The outcome recorded for a document with this content hash, if it was seen.
  virtual core::Result<std::optional<KnownInput>> find_input(const std::string& content_hash) = 0;
  // What add_report derives from `report` alone, made ahead. Import's workers call it
  // on their threads while the writer is inside add_report, so it reads no state that
  // writing changes, and needs no transaction.
  virtual std::unique_ptr<PreparedReport> prepare_report(const report::Report& report) const = 0;
  // Stores a parsed report, or records it as a duplicate of a stored one (same
  // reporter, report_id, policy domain and period). `prepared` is prepare_report's of
  // this report made ahead, or null.
  virtual core::Result<AddResult> add_report(const report::Report& report,
                                             const std::string& origin,
                                             const std::string& content_hash,
                                             const PreparedReport* prepared) = 0;
  core::Result<AddResult> add_report(const report::Report& report, const std::string& origin,
                                     const std::string& content_hash) {
    return add_report(report, origin, content_hash, nullptr);
  }
  // A mail message read before, if any.
  virtual core::Result<std::optional<KnownMessage>> find_message(
      const std::string& content_hash) = 0;
  // Records a message after all its units were stored; a message read again (because
  // it held rejects, which are retried) has its counts replaced.
  virtual core::Status add_message(const std::string& content_hash, const std::string& origin,
                                   const KnownMessage& contents) = 0;
  // A top-level file read before, if remembered.
  virtual core::Result<std::optional<KnownFile>> find_file(const std::string& content_hash) = 0;
  // Remembers a file after all its units were stored. A file already remembered keeps
  // its first row (its counts cannot change: it held no reject).
  virtual core::Status add_file(const std::string& content_hash, const std::string& origin,
                                const KnownFile& contents) = 0;
  // Forgets that a document was rejected (it imports now, with a newer dmarcq or
  // wider limits): the reject and the outcome recorded for its hash go.
  virtual core::Status clear_reject(const std::string& content_hash) = 0;
  // Records something that could not be imported. Idempotent per content hash.
  virtual core::Status add_reject(const std::string& origin, const core::Error& error,
                                  const std::string& content_hash, std::string_view raw,
                                  std::uint64_t raw_size) = 0;

  // Recomputes what the store derives from the records and their facts (totals per
  // day and per fact), in one transaction of its own; import keeps them up to date, so
  // this is for a store whose derived data is suspect (or to check that it is not).
  virtual core::Status rebuild() = 0;

  // --- reading
  // Totals and pass rates; columns: the group keys, messages, dmarc_pass, dmarc_fail,
  // spf_aligned_pass, dkim_aligned_pass, quarantined, rejected, pass_rate.
  virtual core::Result<core::Table> summary(const SummaryQuery& query) = 0;
  // Columns: origin, reason, kind, bytes, kept (whether the bytes are stored for a
  // retry; units over 32 MiB are not), id (what forget_rejects takes: the first 12
  // digits of the content hash); in the order they were rejected.
  virtual core::Result<core::Table> rejects() = 0;
  // Every reject, in the order they were rejected (what `rejects --retry` walks).
  virtual core::Result<std::vector<RejectUnit>> reject_units() = 0;
  // The stored bytes of a reject; empty when they were not kept or the reject is gone.
  virtual core::Result<std::string> reject_bytes(const std::string& content_hash) = 0;
  // Replaces the reason and kind of a reject that failed again when retried, in the
  // reject and in the outcome recorded for its hash; its origin and bytes stay. Needs a
  // writable store.
  virtual core::Status update_reject(const std::string& content_hash, const core::Error& error) = 0;
  // Removes the rejects with these ids (an id from rejects(), or a longer prefix of the
  // content hash), or every reject when `ids` is empty, with their bytes, in one
  // transaction; returns how many. What became of each document stays recorded, so
  // one read again is counted as rejected before, not listed again. An id that matches
  // no reject, or several, is a kUsage error and nothing is removed.
  virtual core::Result<std::int64_t> forget_rejects(const std::vector<std::string>& ids) = 0;
  // The records within `filter`, grouped by policy domain and fact.
  virtual core::Result<RecordGroups> record_groups(const RecordFilter& filter) = 0;
  // Streams the facts with their ids, in id order: every fact, or those listed in
  // `only` (ascending; ids that do not exist are left out).
  virtual core::Status scan_facts(
      const std::function<void(std::int64_t id, const Fact& fact)>& visit,
      const std::vector<std::int64_t>* only = nullptr) = 0;
  // The most parts scan_record_days reads at once, each on a thread of its own; at
  // least 1.
  virtual std::size_t scan_parts() const = 0;
  // Streams the records within `filter`: once per day of their report when `by_day`
  // or the filter has dates (zero days included, as in summary), else once with the
  // whole count. Memory stays flat whatever the number of records. `visit` is called
  // from up to scan_parts() threads at once, one per RecordDay::part, so it must
  // keep what it sums per part.
  virtual core::Status scan_record_days(
      const RecordFilter& filter, bool by_day,
      const std::function<void(const RecordDay& record)>& visit) = 0;
  // The newest published policy of each domain that has reports in the filter.
  virtual core::Result<std::vector<PublishedPolicy>> published_policies(
      const RecordFilter& filter) = 0;
  // The ISO weeks ("2026-W46") that hold report days, oldest first.
  virtual core::Result<std::vector<std::string>> weeks(const std::vector<std::string>& domains) = 0;
  // One SQL statement in the backend's own dialect and over its own schema (what
  // `dmarcq sql` runs), its rows given to `sink` as they are read. The store must be
  // open read-only, and only reading statements and functions on the backend's
  // allow-list run; anything else is a kUsage error.
  virtual core::Status query(const std::string& sql, core::RowSink& sink) = 0;
};

// query() with its rows held in a table: for small results and tests.
core::Result<core::Table> query_table(Store& store, const std::string& sql);

enum class OpenMode { kReadWrite, kReadOnly };

// Opens (and in kReadWrite mode creates and migrates) the store at `location`: a file
// path, for the SQLite backend. A store whose schema is newer than this dmarcq knows
// is refused.
core::Result<std::unique_ptr<Store>> open(const std::string& location, OpenMode mode);

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_STORE_H_
