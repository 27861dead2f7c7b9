// Private to store/: interning of record facts (schema/0004_fact.sql,
// 0007_fact_results.sql). Import asks for the id of each record's fact; an equal fact
// stored before (by this or any earlier import) is reused, otherwise a row is added.
#ifndef DMARCQ_STORE_SQLITE_FACT_WRITER_H_
#define DMARCQ_STORE_SQLITE_FACT_WRITER_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "report/report.h"
#include "store/sqlite/fact_key.h"
#include "store/sqlite/row_batches.h"
#include "store/sqlite/sqlite.h"

namespace dmarcq::store {

class FactWriter {
 public:
  // Bounded: a long import of ever new sources must not grow memory without limit.
  static constexpr std::size_t kCacheEntries = 200000;

  // `cache_entries`: how many ids are remembered before the cache starts over (tests
  // make it small to reach that point).
  static core::Result<FactWriter> prepare(Database& db, std::size_t cache_entries = kCacheEntries);

  // At the start of each write transaction of the import. `others_wrote`: another
  // connection committed since this one last wrote, so the ids remembered may be stale.
  core::Status begin_transaction(bool others_wrote);
  // The id of the fact of `record` (whose key is `key`), inserted when new. Runs inside
  // the caller's write transaction.
  core::Result<std::int64_t> id_of(const report::Record& record, const FactKey& key);
  // As id_of, but a new fact only gets its id here; its row is written by flush(), with
  // the other new facts of the report in a few multi-row statements (a statement cost
  // more than the row it adds). `record` and `key` are bound without copying: they
  // must stay alive and unchanged until flush().
  core::Result<std::int64_t> deferred_id_of(const report::Record& record, const FactKey& key);
  // Writes the facts deferred_id_of() gave ids to. On an error nothing is left
  // waiting and the ids remembered are forgotten (the caller rolls back).
  core::Status flush();
  // Forgets the ids remembered and the facts waiting: after a rollback (the rows it
  // inserted are gone).
  void forget();

 private:
  // The ids of facts seen, by 128 bits of their key's SHA-256 (computed by a worker),
  // not their text: finding two texts with equal 128 bits is beyond anyone, and 24 bytes
  // an entry keep the cache small. Open addressing in one block: the node-per-entry
  // map it replaces cost an allocation per new fact and a cache miss per lookup.
  class Cache {
   public:
    // At least one entry, so that a free slot always ends a search.
    explicit Cache(std::size_t entries)
        : entries_(std::max<std::size_t>(entries, 1)),
          slot_mask_(std::bit_ceil((entries_ * 5 + 1) / 2) - 1) {}

    std::optional<std::int64_t> find(const FactKey& key) const;
    // Not when full(): the caller clears it first.
    void insert(const FactKey& key, std::int64_t id);
    bool full() const { return size_ >= entries_; }
    bool empty() const { return size_ == 0; }
    void clear();

   private:
    struct Slot {
      std::int64_t hash = 0;
      std::int64_t check = 0;
      std::int64_t id = 0;  // 0: free (fact ids start at 1)
    };
    std::size_t slot_of(std::int64_t hash) const {
      return static_cast<std::size_t>(static_cast<std::uint64_t>(hash)) & slot_mask_;
    }
    std::size_t slot_count() const { return slot_mask_ + 1; }

    std::size_t entries_;
    // The slots are a power of two, at least 2.5 an entry: the load stays under 0.4
    // (2^19 slots for the default 200,000 entries).
    std::size_t slot_mask_;
    std::unique_ptr<Slot[]> slots_;  // allocated on first insert
    std::size_t size_ = 0;
  };

  // A fact with an id and no row yet.
  struct Pending {
    std::int64_t id;
    const report::Record* record;
    const FactKey* key;
  };

  struct Statements {
    Statement find, any, max_id;
  };
  FactWriter(Database& db, Statements statements, std::size_t cache_entries)
      : db_(&db), statements_(std::move(statements)), cache_(cache_entries) {}

  Database* db_;  // outlives the writer, as the statements' connection must
  Statements statements_;
  // Prepared by the first flush with rows: preparing 85 rows' worth of statements
  // costs as much as inserting a few dozen facts, which read-only stores and the
  // migration's refill of an empty table would pay for nothing.
  // A pointer, not an optional: GCC 12's -Wmaybe-uninitialized misreads moving an
  // empty optional of it (sanitizer builds fail on it).
  std::unique_ptr<RowBatches> insert_;
  Cache cache_;
  // The cache holds every fact of the table: it was empty when the cache started and
  // nothing else has written since. A fact missing from the cache is then new, and is
  // inserted without being looked up.
  bool complete_ = false;
  // The id the next new fact gets; read from the table on the first new fact of a
  // write transaction.
  std::optional<std::int64_t> next_id_;
  std::vector<Pending> pending_;  // in id order
};

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_FACT_WRITER_H_
