#include "store/fact_writer.h"

#include <algorithm>

namespace dmarcq::store {

std::optional<std::int64_t> FactWriter::Cache::find(const FactKey& key) const {
  if (!slots_) return std::nullopt;
  for (std::size_t slot = slot_of(key.hash);; slot = (slot + 1) & (kSlots - 1)) {
    const Slot& entry = slots_[slot];
    if (entry.id == 0) return std::nullopt;
    if (entry.hash == key.hash && entry.check == key.check) return entry.id;
  }
}

void FactWriter::Cache::insert(const FactKey& key, std::int64_t id) {
  if (!slots_) slots_ = std::make_unique<Slot[]>(kSlots);
  for (std::size_t slot = slot_of(key.hash);; slot = (slot + 1) & (kSlots - 1)) {
    Slot& entry = slots_[slot];
    if (entry.id == 0) {
      entry = Slot{key.hash, key.check, id};
      ++size_;
      return;
    }
    if (entry.hash == key.hash && entry.check == key.check) {
      entry.id = id;
      return;
    }
  }
}

void FactWriter::Cache::clear() {
  if (slots_ && size_ > 0) std::fill_n(slots_.get(), kSlots, Slot{});
  size_ = 0;
}

core::Result<FactWriter> FactWriter::prepare(Database& db) {
  const char* const kSql[] = {
      "SELECT id, source_ip, header_from, dkim_aligned, spf_aligned, disposition, dkim_results, spf_results, "
      "policy_reasons FROM fact WHERE key_hash = ?1",
      "INSERT INTO fact (key_hash, source_ip, header_from, dkim_aligned, spf_aligned, disposition, dkim_results, "
      "spf_results, policy_reasons, auth_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      "SELECT EXISTS (SELECT 1 FROM fact)",
  };
  std::vector<Statement> prepared;
  for (const char* sql : kSql) {
    auto statement = db.prepare(sql);
    if (!statement) return std::move(statement).error();
    prepared.push_back(std::move(*statement));
  }
  return FactWriter(Statements{std::move(prepared[0]), std::move(prepared[1]), std::move(prepared[2])});
}

core::Status FactWriter::begin_transaction(bool others_wrote) {
  if (others_wrote) cache_.clear();
  if (!cache_.empty()) return {};  // complete_ stands as it was
  Statement& any = statements_.any;
  auto row = any.step();
  if (!row) {
    any.reset();
    return std::move(row).error();
  }
  complete_ = *row && any.column_int(0) == 0;
  any.reset();
  return {};
}

core::Result<std::int64_t> FactWriter::id_of(const report::Record& record, const FactKey& key) {
  if (auto known = cache_.find(key)) return *known;
  // What identifies the fact (the columns find reads, in order); auth_key follows from
  // the result lists.
  const std::string_view values[] = {record.source_ip,   record.header_from, record.dkim,
                                     record.spf,         record.disposition, key.dkim_results,
                                     key.spf_results,    key.policy_reasons};
  constexpr int kValues = static_cast<int>(std::size(values));
  std::optional<std::int64_t> id;
  if (!complete_) {
    Statement& find = statements_.find;
    find.bind(1, key.hash);
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
  }
  if (!id) {
    Statement& insert = statements_.insert;
    insert.bind(1, key.hash);
    for (int column = 0; column < kValues; ++column) insert.bind_unowned(column + 2, values[column]);
    insert.bind_unowned(kValues + 2, key.auth_key);
    if (auto status = insert.run(); !status) return std::move(status).error();
    id = sqlite3_last_insert_rowid(sqlite3_db_handle(insert.handle()));
  }
  if (cache_.full()) {
    // From here on a fact missing from the cache may be in the table.
    cache_.clear();
    complete_ = false;
  }
  cache_.insert(key, *id);
  return *id;
}

}  // namespace dmarcq::store
