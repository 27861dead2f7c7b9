// The SQLite backend: the embedded default store. SQLite-only settings live here, not
// in schema/: WAL so that readers (summary during an import) see a consistent
// snapshot without blocking the writer, a busy timeout so that two importers wait for
// each other instead of failing, and an application_id that marks the file as ours.
#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <ctime>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "core/date.h"
#include "store/sql/summary_sql.h"
#include "store/sqlite/fact_total_writer.h"
#include "store/sqlite/fact_writer.h"
#include "store/sqlite/json_text.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/query_guard.h"
#include "store/sqlite/record_pack.h"
#include "store/sqlite/rollups.h"
#include "store/sqlite/row_batches.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/sqlite_reads.h"
#include "store/store.h"

namespace dmarcq::store {

namespace {

using core::Error;
using core::ErrorCode;

constexpr std::int64_t kApplicationId = 0x444d5251;  // "DMRQ"

core::Result<std::int64_t> pragma_int(Database& db, const char* pragma) {
  auto statement = db.prepare(std::string("PRAGMA ") + pragma);
  if (!statement) return std::move(statement).error();
  auto row = statement->step();
  if (!row) return std::move(row).error();
  return *row ? statement->column_int(0) : 0;
}

int latest_schema_version() { return migrations().empty() ? 0 : migrations().back().version; }

// Refuses files that are not ours or are newer than we understand, then migrates.
core::Status check_and_migrate(Database& db, const std::string& path, bool writable) {
  auto application_id = pragma_int(db, "application_id");
  if (!application_id) return std::move(application_id).error().within(path);
  auto version = pragma_int(db, "user_version");
  if (!version) return std::move(version).error().within(path);
  if (*application_id != 0 && *application_id != kApplicationId) {
    return Error(ErrorCode::kDb, "not a dmarcq database (SQLite application_id " +
                                     std::to_string(*application_id) + ")")
        .within(path);
  }
  if (*version > latest_schema_version()) {
    return Error(ErrorCode::kDb, "the database was written by a newer dmarcq (schema version " +
                                     std::to_string(*version) + "; this dmarcq knows up to " +
                                     std::to_string(latest_schema_version()) + "); upgrade dmarcq")
        .within(path);
  }
  if (*version == 0) {
    auto tables = db.prepare("SELECT count(*) FROM sqlite_master");
    if (!tables) return std::move(tables).error().within(path);
    auto row = tables->step();
    if (!row) return std::move(row).error().within(path);
    if (tables->column_int(0) > 0) {
      return Error(ErrorCode::kDb, "not a dmarcq database (it has tables but no dmarcq schema)")
          .within(path);
    }
  }
  if (*version == latest_schema_version()) return {};
  if (!writable) {
    return Error(ErrorCode::kDb, *version == 0 ? "no dmarcq data here yet (run dmarcq import first)"
                                               : "the database needs a schema upgrade; run any "
                                                 "dmarcq import on it first")
        .within(path);
  }
  for (const Migration& migration : migrations()) {
    if (migration.version <= *version) continue;
    if (auto status = db.exec("BEGIN IMMEDIATE"); !status)
      return std::move(status).error().within(path);
    // Another importer may have migrated while we waited for the lock: re-read.
    auto current = pragma_int(db, "user_version");
    if (!current) {
      (void)db.exec("ROLLBACK");
      return std::move(current).error().within(path);
    }
    if (*current >= migration.version) {
      if (auto status = db.exec("COMMIT"); !status) return std::move(status).error().within(path);
      continue;
    }
    core::Status applied = db.exec(migration.sql);
    // Migration 3's record.auth_key is not filled: nothing reads it before migration 8
    // drops it. Facts are filled at migration 7 from the records' child rows (their
    // result lists included); a database is never used between the two.
    if (applied && migration.version == 7) applied = refill_facts(db);
    if (applied && migration.version == 5) applied = rebuild_day_totals(db);
    if (applied && migration.version == 9) applied = rebuild_fact_totals(db);
    if (applied && migration.version == 11) applied = rebuild_report_facts(db);
    if (applied) {
      applied = db.exec("PRAGMA user_version = " + std::to_string(migration.version) +
                        "; PRAGMA application_id = " + std::to_string(kApplicationId));
    }
    if (!applied) {
      (void)db.exec("ROLLBACK");
      return std::move(applied).error().within(std::string(migration.name)).within(path);
    }
    if (auto status = db.exec("COMMIT"); !status) return std::move(status).error().within(path);
  }
  return {};
}

// The statements prepare_statements() makes, by their place in its list.
enum StatementId {
  kFindReport,
  kInsertReport,
  kInsertNote,
  kInsertReportDay,
  kInsertInput,
  kFindInput,
  kInsertReject,
  kFindMessage,
  kUpsertMessage,
  kDeleteReject,
  kDeleteInput,
  kInsertReportFacts,
  kStatementCount
};

// The fact keys of a report's records (fact_key.h), computed off the writer's thread.
struct PreparedFacts final : PreparedReport {
  std::vector<FactKey> keys;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(Database db, std::string path, OpenMode mode)
      : db_(std::move(db)), path_(std::move(path)), mode_(mode) {}

  // Prepared for read-only stores too: import's worker threads look documents and
  // messages up on read-only connections (preparing an INSERT writes nothing).
  core::Status prepare_statements() {
    const char* const kStatements[] = {
        // kFindReport: by its identity
        "SELECT id, origin, content_hash, record_count, message_count FROM report "
        "WHERE reporter = ?1 AND report_id = ?2 AND domain = ?3 AND date_begin = ?4 "
        "AND date_end = ?5",
        // kInsertReport
        "INSERT INTO report (reporter, org_name, email, extra_contact_info, report_id, "
        "date_begin, date_end, version, generator, xml_namespace, domain, adkim, aspf, p, sp, "
        "np, pct, fo, testing, discovery_method, day_count, record_count, message_count, "
        "dropped_records, origin, content_hash, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
        "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, "
        "?24, ?25, ?26, ?27)",
        // kInsertNote
        "INSERT INTO report_note (report_ref, seq, kind, text) VALUES (?1, ?2, ?3, ?4)",
        // kInsertReportDay
        "INSERT INTO report_day (report_ref, day_index, day, week) VALUES (?1, ?2, ?3, ?4)",
        // kInsertInput
        "INSERT INTO input (content_hash, origin, outcome, report_ref, detail, first_seen) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (content_hash) DO NOTHING",
        // kFindInput
        "SELECT outcome, detail FROM input WHERE content_hash = ?1",
        // kInsertReject
        "INSERT INTO reject (content_hash, origin, reason, error_kind, raw_size, raw, "
        "rejected_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (content_hash) DO NOTHING",
        // kFindMessage
        "SELECT imported, duplicates, rejected, skipped, no_report FROM message "
        "WHERE content_hash = ?1",
        // kUpsertMessage
        "INSERT INTO message (content_hash, origin, imported, duplicates, rejected, skipped, "
        "no_report, first_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT (content_hash) DO UPDATE SET imported = excluded.imported, "
        "duplicates = excluded.duplicates, rejected = excluded.rejected, "
        "skipped = excluded.skipped, no_report = excluded.no_report",
        // kDeleteReject
        "DELETE FROM reject WHERE content_hash = ?1",
        // kDeleteInput
        "DELETE FROM input WHERE content_hash = ?1",
        // kInsertReportFacts
        "INSERT INTO report_facts (report_ref, packed) VALUES (?1, ?2)",
    };
    static_assert(std::size(kStatements) == kStatementCount);
    for (const char* sql : kStatements) {
      auto statement = db_.prepare(sql);
      if (!statement) return std::move(statement).error();
      statements_.push_back(std::move(*statement));
    }
    auto facts = FactWriter::prepare(db_);
    if (!facts) return std::move(facts).error();
    facts_.emplace(std::move(*facts));
    auto day_total = db_.prepare(
        "INSERT INTO day_total (domain, day, week, reporter, messages, dmarc_pass, "
        "spf_aligned_pass, "
        "dkim_aligned_pass, quarantined, rejected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10) "
        "ON CONFLICT (domain, day, reporter) DO UPDATE SET messages = messages + "
        "excluded.messages, "
        "dmarc_pass = dmarc_pass + excluded.dmarc_pass, "
        "spf_aligned_pass = spf_aligned_pass + excluded.spf_aligned_pass, "
        "dkim_aligned_pass = dkim_aligned_pass + excluded.dkim_aligned_pass, "
        "quarantined = quarantined + excluded.quarantined, rejected = rejected + "
        "excluded.rejected");
    if (!day_total) return std::move(day_total).error();
    add_day_total_.emplace(std::move(*day_total));
    auto fact_totals = FactTotalWriter::prepare(db_);
    if (!fact_totals) return std::move(fact_totals).error();
    fact_totals_.emplace(std::move(*fact_totals));
    // OR FAIL: see FactTotalWriter::prepare.
    auto records = RowBatches::prepare(
        db_,
        "INSERT OR FAIL INTO record (report_ref, seq, source_ip, message_count, disposition, "
        "dkim_aligned, "
        "spf_aligned, header_from, envelope_from, envelope_to, fact_ref) VALUES ",
        11, "");
    if (!records) return std::move(records).error();
    add_records_.emplace(std::move(*records));
    return {};
  }

  // Fact ids are remembered across transactions, except that a rollback forgets the
  // facts it inserted, and a commit by another connection (which might have rebuilt
  // the table) makes the ids remembered suspect.
  core::Status begin() override {
    if (auto status = db_.exec("BEGIN IMMEDIATE"); !status) return status;
    auto version = pragma_int(db_, "data_version");
    if (!version) return std::move(version).error();
    const bool others_wrote = *version != data_version_;
    data_version_ = *version;
    if (auto status = facts_->begin_transaction(others_wrote); !status) return status;
    fact_totals_->clear();
    return {};
  }
  core::Status commit() override {
    if (auto status = fact_totals_->flush(); !status) return status;
    return db_.exec("COMMIT");
  }

  core::Status rebuild() override {
    if (auto status = require_writable(); !status) return status;
    if (auto status = begin(); !status) return status;
    // Facts are not derived: they hold the records' authentication results
    // (migration 7). What is derived from records and facts is recomputed.
    core::Status status = rebuild_day_totals(db_);
    if (status) status = rebuild_fact_totals(db_);
    if (status) status = rebuild_report_facts(db_);
    if (!status) {
      (void)rollback();
      return status;
    }
    return commit();
  }
  core::Status rollback() override {
    facts_->forget();
    fact_totals_->clear();
    return db_.exec("ROLLBACK");
  }

  core::Result<std::optional<KnownInput>> find_input(const std::string& content_hash) override {
    Statement& find = statements_[kFindInput];
    find.bind(1, content_hash);
    auto row = find.step();
    std::optional<KnownInput> known;
    if (row && *row) {
      const std::string outcome = find.column_text(0);
      known = KnownInput{outcome == "imported"    ? Outcome::kImported
                         : outcome == "duplicate" ? Outcome::kDuplicate
                                                  : Outcome::kRejected,
                         find.column_text(1)};
    }
    find.reset();
    if (!row) return std::move(row).error();
    return known;
  }

  std::unique_ptr<PreparedReport> prepare_report(const report::Report& report) const override {
    auto prepared = std::make_unique<PreparedFacts>();
    prepared->keys = fact_keys(report);
    return prepared;
  }

  core::Result<AddResult> add_report(const report::Report& report, const std::string& origin,
                                     const std::string& content_hash,
                                     const PreparedReport* prepared) override {
    if (auto status = require_writable(); !status) return std::move(status).error();
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    const std::string reporter = report.reporter();

    Statement& find = statements_[kFindReport];
    find.bind(1, reporter).bind(2, report.report_id).bind(3, report.policy.domain);
    find.bind(4, report.begin).bind(5, report.end);
    auto found = find.step();
    std::optional<std::int64_t> existing;
    std::string existing_origin;
    std::string existing_hash;
    std::int64_t existing_records = 0;
    std::int64_t existing_messages = 0;
    if (found && *found) {
      existing = find.column_int(0);
      existing_origin = find.column_text(1);
      existing_hash = find.column_text(2);
      existing_records = find.column_int(3);
      existing_messages = find.column_int(4);
    }
    find.reset();
    if (!found) return std::move(found).error();
    if (existing) {
      AddResult result{Outcome::kDuplicate, "same report as " + existing_origin, 0, 0};
      // The same identity from other bytes is the same report re-sent, unless its
      // records say otherwise: then the first copy stays, and both say so, because
      // which one is right cannot be told and input order must not decide silently.
      if (content_hash != existing_hash) {
        auto differ = records_differ(*existing, existing_records, report);
        if (!differ) return std::move(differ).error();
        result.conflict = *differ || existing_messages != report.message_count();
      }
      if (result.conflict) {
        result.detail += " with different contents: " + std::to_string(report.records.size()) +
                         " records and " + std::to_string(report.message_count()) +
                         " messages here, " + std::to_string(existing_records) + " and " +
                         std::to_string(existing_messages) + " kept (" + existing_hash + ")";
        auto seq = next_note_seq(*existing);
        if (!seq) return std::move(seq).error();
        if (auto status =
                add_note(*existing, *seq, "warning",
                         "conflict: " + origin +
                             " has the same identity with "
                             "different contents (" +
                             content_hash + ", " + std::to_string(report.message_count()) +
                             " messages); this first copy is kept");
            !status) {
          return std::move(status).error();
        }
      }
      if (auto status = add_input(content_hash, origin, "duplicate", *existing, result.detail, now);
          !status) {
        return std::move(status).error();
      }
      return result;
    }

    const report::DaySpan span = report::day_span(report.begin, report.end);
    const report::PolicyPublished& policy = report.policy;
    Statement& insert = statements_[kInsertReport];
    insert.bind(1, reporter).bind(2, report.org_name).bind(3, report.email);
    insert.bind(4, report.extra_contact_info).bind(5, report.report_id);
    insert.bind(6, report.begin).bind(7, report.end).bind(8, report.version);
    insert.bind(9, report.generator).bind(10, report.xml_namespace).bind(11, policy.domain);
    insert.bind(12, policy.adkim).bind(13, policy.aspf).bind(14, policy.p).bind(15, policy.sp);
    insert.bind(16, policy.np);
    if (policy.pct) {
      insert.bind(17, *policy.pct);
    } else {
      insert.bind_null(17);
    }
    insert.bind(18, policy.fo).bind(19, policy.testing).bind(20, policy.discovery_method);
    insert.bind(21, span.count).bind(22, static_cast<std::int64_t>(report.records.size()));
    insert.bind(23, report.message_count()).bind(24, report.dropped_records);
    insert.bind(25, origin).bind(26, content_hash).bind(27, now);
    if (auto status = insert.run(); !status) return std::move(status).error();
    const std::int64_t report_ref = sqlite3_last_insert_rowid(db_.handle());

    std::int64_t seq = 0;
    for (const std::string& error : report.errors) {
      if (auto status = add_note(report_ref, ++seq, "error", error); !status)
        return std::move(status).error();
    }
    for (const std::string& warning : report.warnings) {
      if (auto status = add_note(report_ref, ++seq, "warning", warning); !status)
        return std::move(status).error();
    }
    for (std::int64_t index = 0; index < span.count; ++index) {
      const std::int64_t day = span.first_day + index;
      Statement& insert_day = statements_[kInsertReportDay];
      insert_day.bind(1, report_ref).bind(2, index).bind(3, core::format_day(day));
      insert_day.bind(4, core::iso_week(day));
      if (auto status = insert_day.run(); !status) return std::move(status).error();
    }
    // Keys computed ahead by a worker, or here.
    const auto* ahead = dynamic_cast<const PreparedFacts*>(prepared);
    std::vector<FactKey> computed_keys;
    std::span<const FactKey> keys;
    if (ahead != nullptr && ahead->keys.size() == report.records.size()) {
      keys = ahead->keys;
    } else {
      computed_keys = store::fact_keys(report);
      keys = computed_keys;
    }
    record_facts_.clear();
    fact_totals_->set_domain(policy.domain);
    for (std::size_t i = 0; i < report.records.size(); ++i) {
      const report::Record& record = report.records[i];
      auto fact = facts_->deferred_id_of(record, keys[i]);
      if (!fact) return std::move(fact).error();
      record_facts_.push_back(*fact);
      // fact_total: the days with messages are the first min(count, days) of the report.
      if (record.count > 0 && span.count > 0) {
        const std::int64_t last_day = span.first_day + std::min(record.count, span.count) - 1;
        fact_totals_->add(*fact, record.count, span.first_day, last_day);
      }
    }
    // While the report and its keys, which the new facts point into, are alive.
    if (auto status = facts_->flush(); !status) return std::move(status).error();
    if (auto status = fact_totals_->flush_if_full(); !status) return std::move(status).error();
    if (auto status = add_records(report_ref, report.records); !status)
      return std::move(status).error();
    if (auto status = add_report_facts(report_ref, report.records); !status)
      return std::move(status).error();
    if (auto status = add_day_totals(report, reporter, span); !status)
      return std::move(status).error();
    if (auto status = add_input(content_hash, origin, "imported", report_ref, "", now); !status) {
      return std::move(status).error();
    }
    return AddResult{Outcome::kImported, "", static_cast<std::int64_t>(report.records.size()),
                     report.message_count()};
  }

  core::Result<std::optional<KnownMessage>> find_message(const std::string& content_hash) override {
    Statement& find = statements_[kFindMessage];
    find.bind(1, content_hash);
    auto row = find.step();
    std::optional<KnownMessage> known;
    if (row && *row) {
      known = KnownMessage{find.column_int(0), find.column_int(1), find.column_int(2),
                           find.column_int(3), find.column_text(4)};
    }
    find.reset();
    if (!row) return std::move(row).error();
    return known;
  }

  core::Status add_message(const std::string& content_hash, const std::string& origin,
                           const KnownMessage& contents) override {
    if (auto status = require_writable(); !status) return status;
    Statement& insert = statements_[kUpsertMessage];
    insert.bind(1, content_hash).bind(2, origin).bind(3, contents.imported);
    insert.bind(4, contents.duplicates).bind(5, contents.rejected).bind(6, contents.skipped);
    insert.bind(7, contents.no_report).bind(8, static_cast<std::int64_t>(std::time(nullptr)));
    return insert.run();
  }

  // Files (table file): statements prepared on first use, kept apart from the report
  // path's. no_report is a JSON object, read back through json_each, one row per kind.
  core::Result<std::optional<KnownFile>> find_file(const std::string& content_hash) override {
    if (!find_file_) {
      auto statement = db_.prepare(
          "SELECT f.imported, f.duplicates, f.mail_messages, f.with_report, k.key, k.value "
          "FROM file f LEFT JOIN json_each(f.no_report) k WHERE f.content_hash = ?1");
      if (!statement) return std::move(statement).error();
      find_file_.emplace(std::move(*statement));
    }
    Statement& find = *find_file_;
    find.bind(1, content_hash);
    std::optional<KnownFile> known;
    core::Result<bool> row = false;
    while ((row = find.step()) && *row) {
      if (!known) {
        known = KnownFile{
            find.column_int(0), find.column_int(1), find.column_int(2), find.column_int(3), {}};
      }
      if (sqlite3_column_type(find.handle(), 4) != SQLITE_NULL) {
        known->no_report[find.column_text(4)] += find.column_int(5);
      }
    }
    find.reset();
    if (!row) return std::move(row).error();
    return known;
  }

  core::Status add_file(const std::string& content_hash, const std::string& origin,
                        const KnownFile& contents) override {
    if (auto status = require_writable(); !status) return status;
    if (!add_file_) {
      auto statement = db_.prepare(
          "INSERT INTO file (content_hash, origin, imported, duplicates, mail_messages, "
          "with_report, "
          "no_report, first_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT "
          "(content_hash) DO NOTHING");
      if (!statement) return std::move(statement).error();
      add_file_.emplace(std::move(*statement));
    }
    std::string no_report = "{";
    for (const auto& [kind, count] : contents.no_report) {
      if (no_report.size() > 1) no_report += ", ";
      append_json_string(no_report, kind);
      no_report += ": " + std::to_string(count);
    }
    no_report += "}";
    Statement& insert = *add_file_;
    insert.bind(1, content_hash)
        .bind(2, origin)
        .bind(3, contents.imported)
        .bind(4, contents.duplicates);
    insert.bind(5, contents.mail_messages).bind(6, contents.with_report).bind(7, no_report);
    insert.bind(8, static_cast<std::int64_t>(std::time(nullptr)));
    return insert.run();
  }

  core::Status clear_reject(const std::string& content_hash) override {
    if (auto status = require_writable(); !status) return status;
    statements_[kDeleteReject].bind(1, content_hash);
    if (auto status = statements_[kDeleteReject].run(); !status) return status;
    statements_[kDeleteInput].bind(1, content_hash);
    return statements_[kDeleteInput].run();
  }

  core::Status add_reject(const std::string& origin, const core::Error& error,
                          const std::string& content_hash, std::string_view raw,
                          std::uint64_t raw_size) override {
    if (auto status = require_writable(); !status) return status;
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    const std::string reason = error.to_string();
    Statement& insert = statements_[kInsertReject];
    insert.bind(1, content_hash).bind(2, origin).bind(3, reason);
    insert.bind(4, core::error_code_name(error.code()));
    insert.bind(5, static_cast<std::int64_t>(raw_size)).bind_blob(6, raw).bind(7, now);
    if (auto status = insert.run(); !status) return status;
    return add_input(content_hash, origin, "rejected", std::nullopt, reason, now);
  }

  core::Result<core::Table> summary(const SummaryQuery& query) override {
    if (std::find(query.by.begin(), query.by.end(), GroupKey::kSender) != query.by.end()) {
      return Error(ErrorCode::kUsage,
                   "a summary by sender needs the catalog (analysis::sender_summary)");
    }
    const SummarySql sql = build_summary_sql(query);
    auto statement = db_.prepare(sql.text);
    if (!statement) return std::move(statement).error();
    for (std::size_t i = 0; i < sql.parameters.size(); ++i) {
      statement->bind(static_cast<int>(i + 1), sql.parameters[i]);
    }
    auto table = collect(*statement);
    if (!table) return table;
    add_pass_rate(*table);
    return table;
  }

  core::Result<RecordGroups> record_groups(const RecordFilter& filter) override {
    if (!filter.from_day && !filter.to_day) return read_fact_totals(db_, filter);
    return read_record_groups(readers(), filter);
  }

  core::Status scan_facts(const std::function<void(std::int64_t, const Fact&)>& visit,
                          const std::vector<std::int64_t>* only) override {
    return read_facts(readers(), visit, only);
  }

  std::size_t scan_parts() const override { return kMaxReadParts; }

  core::Status scan_record_days(const RecordFilter& filter, bool by_day,
                                const std::function<void(const RecordDay&)>& visit) override {
    return read_record_days(readers(), filter, by_day, visit);
  }

  core::Result<std::vector<PublishedPolicy>> published_policies(
      const RecordFilter& filter) override {
    return read_published_policies(db_, filter);
  }

  core::Result<std::vector<std::string>> weeks(const std::vector<std::string>& domains) override {
    std::vector<std::string> parameters;
    const std::string where =
        filter_sql(RecordFilter{domains, std::nullopt, std::nullopt}, parameters);
    auto statement = db_.prepare(
        "SELECT DISTINCT d.week FROM report_day d JOIN report rp ON rp.id = d.report_ref" + where +
        " ORDER BY 1");
    if (!statement) return std::move(statement).error();
    for (std::size_t i = 0; i < parameters.size(); ++i)
      statement->bind(static_cast<int>(i + 1), parameters[i]);
    std::vector<std::string> out;
    while (true) {
      auto row = statement->step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      out.push_back(statement->column_text(0));
    }
    return out;
  }

  core::Result<core::Table> rejects() override {
    auto statement = db_.prepare(
        "SELECT origin, reason, error_kind AS kind, raw_size AS bytes, "
        "CASE WHEN raw_size > 0 AND length(raw) = raw_size THEN 'yes' ELSE 'no' END AS kept, "
        "substr(content_hash, 1, 12) AS id FROM reject ORDER BY reject.id");
    if (!statement) return std::move(statement).error();
    return collect(*statement);
  }

  core::Result<std::vector<RejectUnit>> reject_units() override {
    // The same test for "kept" as rejects(): an empty unit (an unreadable file, a
    // second report in a buffer) has nothing that a retry could read.
    auto statement = db_.prepare(
        "SELECT content_hash, origin, raw_size > 0 AND length(raw) = raw_size FROM reject "
        "ORDER BY id");
    if (!statement) return std::move(statement).error();
    std::vector<RejectUnit> units;
    while (true) {
      auto row = statement->step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      units.push_back(RejectUnit{statement->column_text(0), statement->column_text(1),
                                 statement->column_int(2) != 0});
    }
    return units;
  }

  core::Result<std::string> reject_bytes(const std::string& content_hash) override {
    auto statement = db_.prepare("SELECT raw FROM reject WHERE content_hash = ?1");
    if (!statement) return std::move(statement).error();
    statement->bind(1, content_hash);
    auto row = statement->step();
    if (!row) return std::move(row).error();
    if (!*row) return std::string();
    return statement->column_blob(0);
  }

  core::Status update_reject(const std::string& content_hash, const core::Error& error) override {
    if (auto status = require_writable(); !status) return status;
    const std::string reason = error.to_string();
    auto reject =
        db_.prepare("UPDATE reject SET reason = ?2, error_kind = ?3 WHERE content_hash = ?1");
    if (!reject) return std::move(reject).error();
    reject->bind(1, content_hash).bind(2, reason).bind(3, core::error_code_name(error.code()));
    if (auto status = reject->run(); !status) return status;
    auto input = db_.prepare(
        "UPDATE input SET detail = ?2 WHERE content_hash = ?1 AND outcome = 'rejected'");
    if (!input) return std::move(input).error();
    input->bind(1, content_hash).bind(2, reason);
    return input->run();
  }

  core::Result<std::int64_t> forget_rejects(const std::vector<std::string>& ids) override {
    if (auto status = require_writable(); !status) return std::move(status).error();
    if (auto status = db_.exec("BEGIN IMMEDIATE"); !status) return std::move(status).error();
    auto forgotten = forget_within_transaction(ids);
    if (!forgotten) {
      (void)db_.exec("ROLLBACK");
      return forgotten;
    }
    if (auto status = db_.exec("COMMIT"); !status) return std::move(status).error();
    return forgotten;
  }

  core::Result<std::int64_t> forget_within_transaction(const std::vector<std::string>& ids) {
    if (ids.empty()) {
      auto all = db_.prepare("DELETE FROM reject");
      if (!all) return std::move(all).error();
      if (auto status = all->run(); !status) return std::move(status).error();
      return static_cast<std::int64_t>(sqlite3_changes(db_.handle()));
    }
    std::int64_t count = 0;
    std::vector<std::string> unique_ids = ids;
    std::sort(unique_ids.begin(), unique_ids.end());
    unique_ids.erase(std::unique(unique_ids.begin(), unique_ids.end()), unique_ids.end());
    for (const std::string& id : unique_ids) {
      // Hex digits and the "#N" of a document's further reports only: the id is
      // matched as a prefix, and LIKE must see no wildcard in it.
      const bool well_formed =
          id.size() >= 6 && id.find_first_not_of("0123456789abcdef#") == std::string::npos;
      if (!well_formed) {
        return Error(ErrorCode::kUsage, "'" + id + "' is not a reject id (see dmarcq rejects)");
      }
      auto matches = db_.prepare(
          "SELECT content_hash FROM reject WHERE content_hash = ?1 OR content_hash LIKE ?1 || '%'");
      if (!matches) return std::move(matches).error();
      matches->bind(1, id);
      std::vector<std::string> hashes;
      while (true) {
        auto row = matches->step();
        if (!row) return std::move(row).error();
        if (!*row) break;
        hashes.push_back(matches->column_text(0));
      }
      if (hashes.empty()) {
        return Error(ErrorCode::kUsage, "no reject with the id " + id + " (see dmarcq rejects)");
      }
      const auto exact = std::find(hashes.begin(), hashes.end(), id);
      if (exact != hashes.end()) {
        hashes = {id};
      } else if (hashes.size() > 1) {
        return Error(ErrorCode::kUsage, "the id " + id + " matches " +
                                            std::to_string(hashes.size()) +
                                            " rejects: give more of its digits");
      }
      auto remove = db_.prepare("DELETE FROM reject WHERE content_hash = ?1");
      if (!remove) return std::move(remove).error();
      remove->bind(1, hashes.front());
      if (auto status = remove->run(); !status) return std::move(status).error();
      count += sqlite3_changes(db_.handle());
    }
    return count;
  }

  core::Status query(const std::string& sql, core::RowSink& sink) override {
    if (mode_ != OpenMode::kReadOnly) {
      return Error(ErrorCode::kUsage, "SQL queries need a store opened read-only");
    }
    const QueryGuard guard(db_.handle());
    auto statement = db_.prepare(sql);
    if (!statement) {
      if (guard.refusal().empty()) return std::move(statement).error();
      return Error(ErrorCode::kUsage,
                   guard.refusal() + ": dmarcq sql runs SELECT with read-only functions only");
    }
    // The authorizer already refuses every write; this is the second lock on the door.
    if (sqlite3_stmt_readonly(statement->handle()) == 0) {
      return Error(ErrorCode::kUsage, "only statements that change nothing are allowed");
    }
    std::vector<std::string> columns;
    for (int i = 0; i < statement->column_count(); ++i)
      columns.push_back(statement->column_name(i));
    std::vector<core::Cell> cells;
    bool started = false;
    while (true) {
      auto row = statement->step();
      if (!row) return std::move(row).error();
      // The columns go out with the first row's outcome, so that a statement failing
      // on its first step prints nothing.
      if (!started) {
        sink.columns(columns);
        started = true;
      }
      if (!*row) break;
      cells.clear();
      for (int i = 0; i < statement->column_count(); ++i)
        cells.push_back(statement->column_cell(i));
      if (!sink.row(cells)) break;
    }
    sink.finish();
    return {};
  }

 private:
  core::Status require_writable() const {
    if (mode_ == OpenMode::kReadWrite) return {};
    return Error(ErrorCode::kUsage, "the store was opened read-only");
  }

  // Whether `report`'s records differ from those stored for `report_ref` in what the
  // reporter counted: source, messages, disposition, DMARC results and identifiers. In
  // any order: a report re-sent with its records reordered is the same report.
  core::Result<bool> records_differ(std::int64_t report_ref, std::int64_t stored_records,
                                    const report::Report& report) {
    if (stored_records != static_cast<std::int64_t>(report.records.size())) return true;
    auto stored = db_.prepare(
        "SELECT source_ip, message_count, disposition, dkim_aligned, spf_aligned, header_from, "
        "envelope_from, envelope_to FROM record WHERE report_ref = ?1");
    if (!stored) return std::move(stored).error();
    stored->bind(1, report_ref);
    using Row = std::tuple<std::string, std::int64_t, std::string, std::string, std::string,
                           std::string, std::string, std::string>;
    std::vector<Row> kept;
    while (true) {
      auto row = stored->step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      kept.emplace_back(stored->column_text(0), stored->column_int(1), stored->column_text(2),
                        stored->column_text(3), stored->column_text(4), stored->column_text(5),
                        stored->column_text(6), stored->column_text(7));
    }
    std::vector<Row> given;
    for (const report::Record& record : report.records) {
      given.emplace_back(record.source_ip, record.count, record.disposition, record.dkim,
                         record.spf, record.header_from, record.envelope_from, record.envelope_to);
    }
    std::sort(kept.begin(), kept.end());
    std::sort(given.begin(), given.end());
    return kept != given;
  }

  core::Result<std::int64_t> next_note_seq(std::int64_t report_ref) {
    auto next =
        db_.prepare("SELECT coalesce(max(seq), 0) + 1 FROM report_note WHERE report_ref = ?1");
    if (!next) return std::move(next).error();
    next->bind(1, report_ref);
    auto row = next->step();
    if (!row) return std::move(row).error();
    return next->column_int(0);
  }

  core::Status add_note(std::int64_t report_ref, std::int64_t seq, const char* kind,
                        const std::string& text) {
    Statement& insert = statements_[kInsertNote];
    insert.bind(1, report_ref).bind(2, seq).bind(3, std::string_view(kind)).bind(4, text);
    return insert.run();
  }

  // The report's records (their facts in record_facts_).
  core::Status add_records(std::int64_t report_ref, const std::vector<report::Record>& records) {
    return add_records_->run(records.size(), [&](Statement& insert, int base, std::size_t index) {
      const report::Record& record = records[index];
      insert.bind(base + 1, report_ref).bind(base + 2, static_cast<std::int64_t>(index) + 1);
      insert.bind_unowned(base + 3, record.source_ip).bind(base + 4, record.count);
      insert.bind_unowned(base + 5, record.disposition).bind_unowned(base + 6, record.dkim);
      insert.bind_unowned(base + 7, record.spf).bind_unowned(base + 8, record.header_from);
      insert.bind_unowned(base + 9, record.envelope_from)
          .bind_unowned(base + 10, record.envelope_to);
      insert.bind(base + 11, record_facts_[index]);
    });
  }

  // The report's records as packed (fact, messages) pairs (schema/0011_report_facts.sql).
  core::Status add_report_facts(std::int64_t report_ref,
                                const std::vector<report::Record>& records) {
    fact_counts_.clear();
    for (std::size_t i = 0; i < records.size(); ++i)
      fact_counts_.push_back(FactCount{record_facts_[i], records[i].count});
    pack_records(fact_counts_, packed_);
    Statement& insert = statements_[kInsertReportFacts];
    insert.bind(1, report_ref).bind_blob(2, packed_);
    return insert.run();
  }

  // The report's records summed per day into day_total, spread as the record-level
  // summary spreads them (see schema/0005_day_total.sql).
  core::Status add_day_totals(const report::Report& report, const std::string& reporter,
                              const report::DaySpan& span) {
    struct Totals {
      std::int64_t messages = 0, pass = 0, spf = 0, dkim = 0, quarantined = 0, rejected = 0;
    };
    std::vector<Totals> days(static_cast<std::size_t>(span.count));
    for (const report::Record& record : report.records) {
      const bool spf = record.spf == "pass";
      const bool dkim = record.dkim == "pass";
      const bool quarantined = record.disposition == "quarantine";
      const bool rejected = record.disposition == "reject";
      const std::int64_t share = record.count / span.count;
      const std::int64_t remainder = record.count % span.count;
      for (std::int64_t i = 0; i < span.count; ++i) {
        const std::int64_t n = share + (i < remainder ? 1 : 0);
        Totals& day = days[static_cast<std::size_t>(i)];
        day.messages += n;
        day.pass += spf || dkim ? n : 0;
        day.spf += spf ? n : 0;
        day.dkim += dkim ? n : 0;
        day.quarantined += quarantined ? n : 0;
        day.rejected += rejected ? n : 0;
      }
    }
    // A report without records has no rows in the record-level summary either.
    if (report.records.empty()) return {};
    Statement& upsert = *add_day_total_;
    for (std::int64_t i = 0; i < span.count; ++i) {
      const Totals& day = days[static_cast<std::size_t>(i)];
      upsert.bind(1, report.policy.domain).bind(2, core::format_day(span.first_day + i));
      upsert.bind(3, core::iso_week(span.first_day + i)).bind(4, reporter);
      upsert.bind(5, day.messages).bind(6, day.pass).bind(7, day.spf).bind(8, day.dkim);
      upsert.bind(9, day.quarantined).bind(10, day.rejected);
      if (auto status = upsert.run(); !status) return status;
    }
    return {};
  }

  core::Status add_input(const std::string& content_hash, const std::string& origin,
                         const char* outcome, std::optional<std::int64_t> report_ref,
                         const std::string& detail, std::int64_t now) {
    Statement& insert = statements_[kInsertInput];
    insert.bind(1, content_hash).bind(2, origin).bind(3, std::string_view(outcome));
    if (report_ref) {
      insert.bind(4, *report_ref);
    } else {
      insert.bind_null(4);
    }
    insert.bind(5, detail).bind(6, now);
    return insert.run();
  }

  // " WHERE ..." for a RecordFilter over report rp (and report_day d when by day).
  static std::string filter_sql(const RecordFilter& filter, std::vector<std::string>& parameters) {
    std::string where;
    auto add = [&](const std::string& condition) {
      where += where.empty() ? " WHERE " : " AND ";
      where += condition;
    };
    if (!filter.domains.empty()) {
      std::string list;
      for (const std::string& domain : filter.domains) {
        parameters.push_back(domain);
        list += (list.empty() ? "?" : ", ?") + std::to_string(parameters.size());
      }
      add("rp.domain IN (" + list + ")");
    }
    if (filter.from_day) {
      parameters.push_back(core::format_day(*filter.from_day));
      add("d.day >= ?" + std::to_string(parameters.size()));
    }
    if (filter.to_day) {
      parameters.push_back(core::format_day(*filter.to_day));
      add("d.day <= ?" + std::to_string(parameters.size()));
    }
    return where;
  }

  static core::Result<core::Table> collect(Statement& statement) {
    core::Table table;
    for (int i = 0; i < statement.column_count(); ++i)
      table.columns.push_back(statement.column_name(i));
    while (true) {
      auto row = statement.step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      std::vector<core::Cell> cells;
      cells.reserve(table.columns.size());
      for (int i = 0; i < statement.column_count(); ++i) cells.push_back(statement.column_cell(i));
      table.rows.push_back(std::move(cells));
    }
    return table;
  }

  // The connection the reads use, and for a read-only store outside a transaction the
  // file, which split scans open more connections to (a store open for writing may be
  // inside a transaction that they would not see).
  Connections readers() {
    const bool split = mode_ == OpenMode::kReadOnly && sqlite3_get_autocommit(db_.handle()) != 0;
    return Connections{db_, split ? &path_ : nullptr};
  }

  Database db_;
  std::string path_;
  OpenMode mode_;
  std::vector<Statement> statements_;
  std::optional<FactWriter> facts_;
  std::optional<Statement> add_day_total_;
  std::optional<RowBatches> add_records_;
  std::vector<std::int64_t> record_facts_;  // of the report being added, by record
  std::vector<FactCount> fact_counts_;      // add_report_facts's, kept for their memory
  std::string packed_;
  std::optional<FactTotalWriter> fact_totals_;
  std::int64_t data_version_ = -1;
  std::optional<Statement> find_file_, add_file_;  // prepared on first use
};

}  // namespace

core::Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, OpenMode mode) {
  const bool writable = mode == OpenMode::kReadWrite;
  auto db = writable ? Database::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
                     : Database::open_for_reading(path);
  if (!db) return std::move(db).error();
  sqlite3_busy_timeout(db->handle(), kBusyTimeoutMs);
  if (writable) {
    // WAL lets a summary read a consistent snapshot while an import writes; NORMAL
    // synchronous is durable at every checkpoint and safe against corruption in WAL.
    // A 32 MiB page cache (not the 2 MiB default) keeps the record indexes in memory
    // during large imports, so that adding a record does not read index pages back.
    // Checkpoints every 64 MiB of WAL rather than 4 MiB: an index page that every
    // transaction touches is copied into the database once per checkpoint, not once per
    // few transactions.
    // Switching to WAL needs a moment of exclusive access, which the busy handler
    // does not wait for; another dmarcq opening the same file may hold it briefly.
    core::Status status;
    for (int attempt = 0; attempt < 300; ++attempt) {
      status = db->exec("PRAGMA journal_mode = WAL");
      if (status || (sqlite3_errcode(db->handle()) & 0xff) != SQLITE_BUSY) break;
      sqlite3_sleep(100);
    }
    if (status)
      status = db->exec(
          "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = "
          "16384");
    if (!status) return std::move(status).error().within(path);
  }
  if (auto status = check_and_migrate(*db, path, writable); !status)
    return std::move(status).error();
  auto store = std::make_unique<SqliteStore>(std::move(*db), path, mode);
  if (auto status = store->prepare_statements(); !status)
    return std::move(status).error().within(path);
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace dmarcq::store
