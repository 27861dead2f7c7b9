#include "store/sqlite/rollups.h"

#include <string>
#include <vector>

#include "report/report.h"
#include "store/sqlite/fact_key.h"
#include "store/sqlite/fact_writer.h"
#include "store/sqlite/record_pack.h"

namespace dmarcq::store {

// In chunks of ids, so that no update runs under an open scan. Reads the per-record
// child tables of migration 1, which migration 8 drops: this runs once, at migration 7.
core::Status refill_facts(Database& db) {
  if (auto status = db.exec("UPDATE record SET fact_ref = NULL; DELETE FROM fact"); !status)
    return status;
  auto facts = FactWriter::prepare(db);
  if (!facts) return std::move(facts).error();
  auto records = db.prepare(
      "SELECT id, source_ip, header_from, dkim_aligned, spf_aligned, disposition FROM record "
      "WHERE id > ?1 ORDER BY id LIMIT 10000");
  auto dkim = db.prepare(
      "SELECT domain, selector, result, human_result FROM dkim_result WHERE record_ref = ?1 ORDER "
      "BY seq");
  auto spf = db.prepare(
      "SELECT domain, scope, result, human_result FROM spf_result WHERE record_ref = ?1 ORDER BY "
      "seq");
  auto reasons =
      db.prepare("SELECT type, comment FROM policy_reason WHERE record_ref = ?1 ORDER BY seq");
  auto update = db.prepare("UPDATE record SET fact_ref = ?2 WHERE id = ?1");
  for (auto* prepared : {&records, &dkim, &spf, &reasons, &update}) {
    if (!*prepared) return std::move(*prepared).error();
  }
  struct Row {
    std::int64_t id;
    report::Record record;
  };
  std::int64_t last = 0;
  std::vector<Row> chunk;
  do {
    chunk.clear();
    records->bind(1, last);
    while (true) {
      auto row = records->step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      Row& next = chunk.emplace_back();
      next.id = records->column_int(0);
      next.record.source_ip = records->column_text(1);
      next.record.header_from = records->column_text(2);
      next.record.dkim = records->column_text(3);
      next.record.spf = records->column_text(4);
      next.record.disposition = records->column_text(5);
    }
    records->reset();
    for (Row& row : chunk) {
      for (auto* statement : {&*dkim, &*spf, &*reasons}) {
        statement->bind(1, row.id);
        while (true) {
          auto step = statement->step();
          if (!step) return std::move(step).error();
          if (!*step) break;
          if (statement == &*dkim) {
            row.record.dkim_results.push_back({statement->column_text(0), statement->column_text(1),
                                               statement->column_text(2),
                                               statement->column_text(3)});
          } else if (statement == &*spf) {
            row.record.spf_results.push_back({statement->column_text(0), statement->column_text(1),
                                              statement->column_text(2),
                                              statement->column_text(3)});
          } else {
            row.record.reasons.push_back({statement->column_text(0), statement->column_text(1)});
          }
        }
        statement->reset();
      }
      auto id = facts->id_of(row.record, fact_key(row.record));
      if (!id) return std::move(id).error();
      update->bind(1, row.id).bind(2, *id);
      if (auto status = update->run(); !status) return status;
      last = row.id;
    }
  } while (!chunk.empty());
  return {};
}

core::Status rebuild_day_totals(Database& db) {
  // The spreading rule of the record-level summary (src/store/sql/summary_sql.cpp), so
  // that both give the same figures; days with no messages keep their zero rows.
  return db.exec(
      "DELETE FROM day_total;"
      "INSERT INTO day_total "
      "SELECT domain, day, week, reporter, SUM(n), "
      "  SUM(CASE WHEN dkim_aligned = 'pass' OR spf_aligned = 'pass' THEN n ELSE 0 END), "
      "  SUM(CASE WHEN spf_aligned = 'pass' THEN n ELSE 0 END), "
      "  SUM(CASE WHEN dkim_aligned = 'pass' THEN n ELSE 0 END), "
      "  SUM(CASE WHEN disposition = 'quarantine' THEN n ELSE 0 END), "
      "  SUM(CASE WHEN disposition = 'reject' THEN n ELSE 0 END) "
      "FROM (SELECT rp.domain AS domain, d.day AS day, d.week AS week, rp.reporter AS reporter, "
      "        rc.message_count / rp.day_count + "
      "          CASE WHEN d.day_index < rc.message_count % rp.day_count THEN 1 ELSE 0 END AS n, "
      "        rc.dkim_aligned AS dkim_aligned, rc.spf_aligned AS spf_aligned, rc.disposition AS "
      "disposition "
      "      FROM record rc JOIN report rp ON rp.id = rc.report_ref JOIN report_day d ON "
      "d.report_ref = rp.id) "
      "GROUP BY domain, day, reporter");
}

core::Status rebuild_fact_totals(Database& db) {
  // A report's first day from its report_day row 0 (the day_span of its period), as
  // days since the epoch; a record's last day with messages is first + min(count, n) - 1.
  return db.exec(
      "DELETE FROM fact_total;"
      "INSERT INTO fact_total (domain, fact_ref, messages, first_day, last_day) "
      "SELECT rp.domain, rc.fact_ref, SUM(rc.message_count), MIN(d.first_day), "
      "  MAX(d.first_day + MIN(rc.message_count, rp.day_count) - 1) "
      "FROM record rc JOIN report rp ON rp.id = rc.report_ref "
      "JOIN (SELECT report_ref, CAST(round(julianday(day) - 2440587.5) AS INTEGER) AS first_day "
      "      FROM report_day WHERE day_index = 0) d ON d.report_ref = rp.id "
      "WHERE rc.message_count > 0 AND rp.day_count > 0 AND rc.fact_ref IS NOT NULL "
      "GROUP BY rp.domain, rc.fact_ref");
}

core::Status rebuild_report_facts(Database& db) {
  if (auto status = db.exec("DELETE FROM report_facts"); !status) return status;
  // The record_fact index holds the three columns in report order.
  auto records =
      db.prepare("SELECT report_ref, fact_ref, message_count FROM record ORDER BY report_ref");
  auto insert = db.prepare("INSERT INTO report_facts (report_ref, packed) VALUES (?1, ?2)");
  for (auto* prepared : {&records, &insert}) {
    if (!*prepared) return std::move(*prepared).error();
  }
  std::vector<FactCount> counts;
  std::string packed;
  auto add = [&](std::int64_t report_ref) {
    pack_records(counts, packed);
    insert->bind(1, report_ref).bind_blob(2, packed);
    return insert->run();
  };
  std::int64_t report_ref = 0;
  while (true) {
    auto row = records->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    const std::int64_t next_ref = records->column_int(0);
    if (!counts.empty() && next_ref != report_ref) {
      if (auto status = add(report_ref); !status) return status;
      counts.clear();
    }
    report_ref = next_ref;
    // A record without a fact (a damaged store) packs as fact 0, which no fact has:
    // the readers refuse it as they refused the NULL.
    counts.push_back(FactCount{records->column_int(1), records->column_int(2)});
  }
  if (!counts.empty()) {
    if (auto status = add(report_ref); !status) return status;
    counts.clear();
  }
  // Reports without records have a row too: a missing row is damage.
  auto empty = db.prepare(
      "INSERT INTO report_facts (report_ref, packed) "
      "SELECT id, ?1 FROM report WHERE id NOT IN (SELECT report_ref FROM report_facts)");
  if (!empty) return std::move(empty).error();
  pack_records(counts, packed);
  empty->bind_blob(1, packed);
  return empty->run();
}

}  // namespace dmarcq::store
