#include "store/rollups.h"

#include <string>
#include <vector>

#include "store/fact_writer.h"

namespace dmarcq::store {

// In chunks of ids, so that no update runs under an open scan.
core::Status fill_facts(Database& db) {
  auto facts = FactWriter::prepare(db);
  auto records = db.prepare(
      "SELECT id, source_ip, header_from, dkim_aligned, spf_aligned, disposition, coalesce(auth_key, '') "
      "FROM record WHERE id > ?1 AND fact_ref IS NULL ORDER BY id LIMIT 10000");
  auto update = db.prepare("UPDATE record SET fact_ref = ?2 WHERE id = ?1");
  if (!facts) return std::move(facts).error();
  for (auto* prepared : {&records, &update}) {
    if (!*prepared) return std::move(*prepared).error();
  }
  struct Row {
    std::int64_t id;
    std::string values[6];
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
      for (int i = 0; i < 6; ++i) next.values[i] = records->column_text(i + 1);
    }
    records->reset();
    for (const Row& row : chunk) {
      auto id = facts->id_of(FactValues{row.values[0], row.values[1], row.values[2], row.values[3],
                                        row.values[4], row.values[5]});
      if (!id) return std::move(id).error();
      update->bind(1, row.id).bind(2, *id);
      if (auto status = update->run(); !status) return status;
      last = row.id;
    }
  } while (!chunk.empty());
  return {};
}

core::Status rebuild_facts(Database& db) {
  if (auto status = db.exec("UPDATE record SET fact_ref = NULL; DELETE FROM fact"); !status) return status;
  return fill_facts(db);
}

core::Status rebuild_day_totals(Database& db) {
  // The spreading rule of the record-level summary (src/store/summary_sql.cpp), so
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
      "        rc.dkim_aligned AS dkim_aligned, rc.spf_aligned AS spf_aligned, rc.disposition AS disposition "
      "      FROM record rc JOIN report rp ON rp.id = rc.report_ref JOIN report_day d ON d.report_ref = rp.id) "
      "GROUP BY domain, day, reporter");
}

}  // namespace dmarcq::store
