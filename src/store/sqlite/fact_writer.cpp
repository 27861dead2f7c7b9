#include "store/sqlite/fact_writer.h"

#include <algorithm>
#include <array>
#include <string>

#include "store/store.h"

namespace dmarcq::store {

std::optional<std::int64_t> FactWriter::Cache::find(const FactKey& key) const {
  if (!slots_) return std::nullopt;
  for (std::size_t slot = slot_of(key.hash);; slot = (slot + 1) & slot_mask_) {
    const Slot& entry = slots_[slot];
    if (entry.id == 0) return std::nullopt;
    if (entry.hash == key.hash && entry.check == key.check) return entry.id;
  }
}

void FactWriter::Cache::insert(const FactKey& key, std::int64_t id) {
  if (!slots_) slots_ = std::make_unique<Slot[]>(slot_count());
  for (std::size_t slot = slot_of(key.hash);; slot = (slot + 1) & slot_mask_) {
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
  if (slots_ && size_ > 0) std::fill_n(slots_.get(), slot_count(), Slot{});
  size_ = 0;
}

namespace {

// What identifies a fact (the columns FactWriter's find reads and its insert writes,
// in order); auth_key follows from the result lists.
std::array<std::string_view, 8> identifying_values(const report::Record& record,
                                                   const FactKey& key) {
  return {record.source_ip,   record.header_from, record.dkim,     record.spf,
          record.disposition, key.dkim_results,   key.spf_results, key.policy_reasons};
}

}  // namespace

core::Result<FactWriter> FactWriter::prepare(Database& db, std::size_t cache_entries) {
  const char* const kSql[] = {
      "SELECT id, source_ip, header_from, dkim_aligned, spf_aligned, disposition, dkim_results, "
      "spf_results, "
      "policy_reasons FROM fact WHERE key_hash = ?1",
      "SELECT EXISTS (SELECT 1 FROM fact)",
      "SELECT coalesce(max(id), 0) FROM fact",
  };
  std::vector<Statement> prepared;
  for (const char* sql : kSql) {
    auto statement = db.prepare(sql);
    if (!statement) return std::move(statement).error();
    prepared.push_back(std::move(*statement));
  }
  return FactWriter(
      db, Statements{std::move(prepared[0]), std::move(prepared[1]), std::move(prepared[2])},
      cache_entries);
}

core::Status FactWriter::begin_transaction(bool others_wrote) {
  next_id_.reset();
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

void FactWriter::forget() {
  cache_.clear();
  complete_ = false;
  next_id_.reset();
  pending_.clear();
}

core::Result<std::int64_t> FactWriter::id_of(const report::Record& record, const FactKey& key) {
  auto id = deferred_id_of(record, key);
  if (!id) return id;
  if (auto status = flush(); !status) return std::move(status).error();
  return id;
}

core::Result<std::int64_t> FactWriter::deferred_id_of(const report::Record& record,
                                                      const FactKey& key) {
  if (auto known = cache_.find(key)) return *known;
  // An error fails the report: forget() drops what waits, which points into it.
  std::optional<std::int64_t> id;
  if (!complete_) {
    const auto values = identifying_values(record, key);
    Statement& find = statements_.find;
    find.bind(1, key.hash);
    while (!id) {
      auto row = find.step();
      if (!row) {
        find.reset();
        forget();
        return std::move(row).error();
      }
      if (!*row) break;
      bool equal = true;
      for (std::size_t i = 0; i < values.size() && equal; ++i) {
        const int column = static_cast<int>(i) + 1;
        const unsigned char* text = sqlite3_column_text(find.handle(), column);
        const std::string_view stored(
            text != nullptr ? reinterpret_cast<const char*>(text) : "",
            static_cast<std::size_t>(sqlite3_column_bytes(find.handle(), column)));
        equal = stored == values[i];
      }
      if (equal) id = find.column_int(0);
    }
    find.reset();
  }
  if (!id) {
    // The id is given here, not by SQLite, so that it is known before the row is
    // written. max(id) + 1 is what SQLite would give (the table has no AUTOINCREMENT)
    // and no other connection can take it before the commit: the import's transaction
    // holds the write lock from BEGIN IMMEDIATE on (and in WAL a transaction reading
    // an old snapshot could not write at all: SQLITE_BUSY_SNAPSHOT). Read again in
    // each transaction, since a rollback or another connection may have changed it.
    if (!next_id_) {
      Statement& max_id = statements_.max_id;
      auto row = max_id.step();
      const std::int64_t largest = row && *row ? max_id.column_int(0) : 0;
      max_id.reset();
      if (!row) {
        forget();
        return std::move(row).error();
      }
      next_id_ = largest + 1;
    }
    // The readers take fact ids below kMaxFactId as vector indexes; a store that far
    // has been edited by hand, and the next id must not go past it (or overflow).
    if (*next_id_ <= 0 || *next_id_ >= kMaxFactId) {
      const std::int64_t largest = *next_id_ - 1;
      forget();
      return core::Error(core::ErrorCode::kDb,
                         "no fact id is left above the largest, " + std::to_string(largest) +
                             " (fact ids stay below " + std::to_string(kMaxFactId) + ")");
    }
    id = (*next_id_)++;
    pending_.push_back(Pending{*id, &record, &key});
  }
  if (cache_.full()) {
    // From here on a fact missing from the cache is looked up in the table, so the
    // facts waiting must be there: otherwise a later record of the same fact would
    // not find it and add it again.
    if (auto status = flush(); !status) return std::move(status).error();
    cache_.clear();
    complete_ = false;
  }
  cache_.insert(key, *id);
  return *id;
}

core::Status FactWriter::flush() {
  if (pending_.empty()) return {};
  if (!insert_) {
    // OR FAIL: see FactTotalWriter::prepare.
    auto insert =
        RowBatches::prepare(*db_,
                            "INSERT OR FAIL INTO fact (id, key_hash, source_ip, header_from, "
                            "dkim_aligned, spf_aligned, disposition, "
                            "dkim_results, spf_results, policy_reasons, auth_key) VALUES ",
                            11, "");
    if (!insert) {
      forget();
      return std::move(insert).error();
    }
    insert_ = std::make_unique<RowBatches>(std::move(*insert));
  }
  auto status = insert_->run(pending_.size(), [&](Statement& insert, int base, std::size_t index) {
    const Pending& fact = pending_[index];
    insert.bind(base + 1, fact.id).bind(base + 2, fact.key->hash);
    int column = base + 2;
    for (const std::string_view value : identifying_values(*fact.record, *fact.key)) {
      insert.bind_unowned(++column, value);
    }
    insert.bind_unowned(++column, fact.key->auth_key);
  });
  if (!status) {
    forget();
    return status;
  }
  pending_.clear();
  return {};
}

}  // namespace dmarcq::store
