#include "store/fact_writer.h"


namespace dmarcq::store {

core::Result<FactWriter> FactWriter::prepare(Database& db) {
  const char* const kSql[] = {
      "SELECT id, source_ip, header_from, dkim_aligned, spf_aligned, disposition, dkim_results, spf_results, "
      "policy_reasons FROM fact WHERE key_hash = ?1",
      "INSERT INTO fact (key_hash, source_ip, header_from, dkim_aligned, spf_aligned, disposition, dkim_results, "
      "spf_results, policy_reasons, auth_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
  };
  std::vector<Statement> prepared;
  for (const char* sql : kSql) {
    auto statement = db.prepare(sql);
    if (!statement) return std::move(statement).error();
    prepared.push_back(std::move(*statement));
  }
  return FactWriter(Statements{std::move(prepared[0]), std::move(prepared[1])});
}

core::Result<std::int64_t> FactWriter::id_of(const report::Record& record, const FactKey& key) {
  // The cache holds 128 bits of the key's SHA-256 (computed by a worker), not its
  // text: finding two texts with equal 128 bits is beyond anyone, and 24 bytes an entry
  // instead of a copy of every value keeps the cache small.
  if (auto known = cache_.find(key.hash); known != cache_.end() && known->second.check == key.check) {
    return known->second.id;
  }
  // What identifies the fact (the columns find reads, in order); auth_key follows from
  // the result lists.
  const std::string_view values[] = {record.source_ip,   record.header_from, record.dkim,
                                     record.spf,         record.disposition, key.dkim_results,
                                     key.spf_results,    key.policy_reasons};
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
    insert.bind_unowned(kValues + 2, key.auth_key);
    if (auto status = insert.run(); !status) return std::move(status).error();
    id = sqlite3_last_insert_rowid(sqlite3_db_handle(insert.handle()));
  }
  if (cache_.size() >= kCacheEntries) cache_.clear();
  cache_.insert_or_assign(key.hash, Cached{*id, key.check});
  return *id;
}

}  // namespace dmarcq::store
