#include "store/fact_writer.h"


namespace dmarcq::store {

core::Result<FactWriter> FactWriter::prepare(Database& db) {
  const char* const kSql[] = {
      "SELECT id, source_ip, header_from, dkim_aligned, spf_aligned, disposition, auth_key, details FROM fact "
      "WHERE key_hash = ?1",
      "INSERT INTO fact (key_hash, source_ip, header_from, dkim_aligned, spf_aligned, disposition, auth_key, details) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      "INSERT INTO fact_dkim (fact_ref, seq, domain, selector, result, human_result) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      "INSERT INTO fact_spf (fact_ref, seq, domain, scope, result, human_result) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      "INSERT INTO fact_reason (fact_ref, seq, type, comment) VALUES (?1, ?2, ?3, ?4)",
  };
  std::vector<Statement> prepared;
  for (const char* sql : kSql) {
    auto statement = db.prepare(sql);
    if (!statement) return std::move(statement).error();
    prepared.push_back(std::move(*statement));
  }
  return FactWriter(Statements{std::move(prepared[0]), std::move(prepared[1]), std::move(prepared[2]),
                               std::move(prepared[3]), std::move(prepared[4])});
}

core::Result<std::int64_t> FactWriter::id_of(const report::Record& record, const FactKey& key) {
  // The cache is keyed by the key's hash (computed by a worker) and confirmed by its
  // text: two texts with one hash would only cost a lookup in the table.
  if (auto known = cache_.find(key.hash); known != cache_.end() && known->second.text == key.text) {
    return known->second.id;
  }
  const std::string_view values[] = {record.source_ip,   record.header_from, record.dkim, record.spf,
                                     record.disposition, key.auth_key,       key.details};
  constexpr int kValues = static_cast<int>(std::size(values));
  Statement& find = statements_.find;
  find.bind(1, key.hash);
  std::optional<std::int64_t> id;
  while (!id) {
    auto row = find.step();
    if (!row) {
      find.reset();
      return std::move(row).error();
    }
    if (!*row) break;
    bool equal = true;
    for (int column = 1; column <= kValues && equal; ++column) {
      const unsigned char* text = sqlite3_column_text(find.handle(), column);
      const std::string_view stored(text != nullptr ? reinterpret_cast<const char*>(text) : "",
                                    static_cast<std::size_t>(sqlite3_column_bytes(find.handle(), column)));
      equal = stored == values[column - 1];
    }
    if (equal) id = find.column_int(0);
  }
  find.reset();
  if (!id) {
    Statement& insert = statements_.insert;
    insert.bind(1, key.hash);
    for (int column = 0; column < kValues; ++column) insert.bind_unowned(column + 2, values[column]);
    if (auto status = insert.run(); !status) return std::move(status).error();
    id = sqlite3_last_insert_rowid(sqlite3_db_handle(insert.handle()));
    if (auto status = insert_details(*id, record); !status) return std::move(status).error();
  }
  if (cache_.size() >= kCacheEntries) cache_.clear();
  cache_.insert_or_assign(key.hash, Cached{*id, key.text});
  return *id;
}

core::Status FactWriter::insert_details(std::int64_t fact, const report::Record& record) {
  std::int64_t seq = 0;
  for (const report::DkimResult& dkim : record.dkim_results) {
    Statement& insert = statements_.insert_dkim;
    insert.bind(1, fact).bind(2, ++seq).bind_unowned(3, dkim.domain).bind_unowned(4, dkim.selector);
    insert.bind_unowned(5, dkim.result).bind_unowned(6, dkim.human_result);
    if (auto status = insert.run(); !status) return status;
  }
  seq = 0;
  for (const report::SpfResult& spf : record.spf_results) {
    Statement& insert = statements_.insert_spf;
    insert.bind(1, fact).bind(2, ++seq).bind_unowned(3, spf.domain).bind_unowned(4, spf.scope);
    insert.bind_unowned(5, spf.result).bind_unowned(6, spf.human_result);
    if (auto status = insert.run(); !status) return status;
  }
  seq = 0;
  for (const report::PolicyReason& reason : record.reasons) {
    Statement& insert = statements_.insert_reason;
    insert.bind(1, fact).bind(2, ++seq).bind_unowned(3, reason.type).bind_unowned(4, reason.comment);
    if (auto status = insert.run(); !status) return status;
  }
  return {};
}

}  // namespace dmarcq::store
