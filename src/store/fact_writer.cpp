#include "store/fact_writer.h"

#include "core/hash.h"

namespace dmarcq::store {

core::Result<FactWriter> FactWriter::prepare(Database& db) {
  auto find = db.prepare(
      "SELECT id, source_ip, header_from, dkim_aligned, spf_aligned, disposition, auth_key FROM fact "
      "WHERE key_hash = ?1");
  if (!find) return std::move(find).error();
  auto insert = db.prepare(
      "INSERT INTO fact (key_hash, source_ip, header_from, dkim_aligned, spf_aligned, disposition, auth_key) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert) return std::move(insert).error();
  return FactWriter(std::move(*find), std::move(*insert));
}

core::Result<std::int64_t> FactWriter::id_of(const FactValues& values) {
  const std::string_view parts[] = {values.source_ip,   values.header_from, values.dkim_aligned,
                                    values.spf_aligned, values.disposition, values.auth_key};
  // Length-prefixed, so that no two different facts share a key whatever their bytes.
  key_.clear();
  for (std::string_view part : parts) {
    key_ += std::to_string(part.size());
    key_ += ':';
    key_ += part;
  }
  if (auto known = cache_.find(key_); known != cache_.end()) return known->second;

  const std::int64_t hash = core::sha256_key64(key_);
  find_.bind(1, hash);
  std::optional<std::int64_t> id;
  while (!id) {
    auto row = find_.step();
    if (!row) {
      find_.reset();
      return std::move(row).error();
    }
    if (!*row) break;
    bool equal = true;
    for (int column = 1; column <= 6 && equal; ++column) {
      const unsigned char* text = sqlite3_column_text(find_.handle(), column);
      const std::string_view stored(text != nullptr ? reinterpret_cast<const char*>(text) : "",
                                    static_cast<std::size_t>(sqlite3_column_bytes(find_.handle(), column)));
      equal = stored == parts[column - 1];
    }
    if (equal) id = find_.column_int(0);
  }
  find_.reset();
  if (!id) {
    insert_.bind(1, hash);
    for (int column = 0; column < 6; ++column) insert_.bind(column + 2, parts[column]);
    if (auto status = insert_.run(); !status) return std::move(status).error();
    id = sqlite3_last_insert_rowid(sqlite3_db_handle(insert_.handle()));
  }
  if (cache_.size() >= kCacheEntries) cache_.clear();
  cache_.emplace(key_, *id);
  return *id;
}

}  // namespace dmarcq::store
