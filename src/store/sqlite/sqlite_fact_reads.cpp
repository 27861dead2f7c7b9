// The fact reads of sqlite_reads.h: every fact, or a list of them, in id order, read
// on other connections while the caller's thread visits what they read.
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite/parallel_reads.h"
#include "store/sqlite/sqlite_reads.h"

namespace dmarcq::store {

namespace {

// Steps `statement` (id and the six texts of a fact, ascending ids) and calls
// visit(id, fact) for the rows listed in ids[0, count) (ascending), or for every row
// when `ids` is null (the statement is then bound already).
// Listed facts are read in runs of near ids, one range scan per run (?1..?2): a seek
// costs about what stepping over a dozen rows does, so ids closer than kGap share a
// scan and the rows between them are skipped. A week's digest wants a quarter of a
// large fact table scattered over all of it: fewer seeks than a seek per fact, and
// fewer rows than a scan of the whole table.
core::Status step_facts(Statement& statement, const std::int64_t* ids, std::size_t count,
                        const std::function<void(std::int64_t, const Fact&)>& visit) {
  constexpr std::int64_t kGap = 16;
  sqlite3_stmt* raw = statement.handle();
  auto text = [&](int column) {
    const unsigned char* value = sqlite3_column_text(raw, column);
    return std::string_view(value != nullptr ? reinterpret_cast<const char*>(value) : "",
                            static_cast<std::size_t>(sqlite3_column_bytes(raw, column)));
  };
  auto visit_row = [&] {
    visit(sqlite3_column_int64(raw, 0), Fact{text(1), text(2), text(3), text(4), text(5), text(6)});
  };
  if (ids == nullptr) {
    while (true) {
      auto row = statement.step();
      if (!row) return std::move(row).error();
      if (!*row) return {};
      visit_row();
    }
  }
  for (std::size_t first = 0; first < count;) {
    std::size_t last = first;
    while (last + 1 < count && ids[last + 1] - ids[last] <= kGap) ++last;
    statement.reset();
    statement.bind(1, ids[first]);
    statement.bind(2, ids[last]);
    std::size_t next = first;  // the next listed id of the run
    while (true) {
      auto row = statement.step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      const std::int64_t id = sqlite3_column_int64(raw, 0);
      while (next <= last && ids[next] < id) ++next;
      if (next > last || ids[next] != id) continue;
      ++next;
      visit_row();
    }
    first = last + 1;
  }
  return {};
}

// Facts copied out of SQLite's rows, to be visited on another thread.
struct FactBatch {
  std::vector<std::int64_t> ids;
  std::string bytes;              // the six texts of each fact, one after the other
  std::vector<std::size_t> ends;  // six per fact: where each text ends in `bytes`
};

}  // namespace

core::Status read_facts(Connections connections,
                        const std::function<void(std::int64_t, const Fact&)>& visit,
                        const std::vector<std::int64_t>* only) {
  const std::string sql = std::string(
                              "SELECT id, source_ip, header_from, dkim_aligned, spf_aligned, "
                              "disposition, auth_key FROM fact") +
                          (only != nullptr ? " WHERE id BETWEEN ?1 AND ?2" : "") + " ORDER BY id";
  std::int64_t highest = 0;  // the ids are dense: about the number of facts
  {
    auto statement = connections.main.prepare("SELECT coalesce(max(id), 0) FROM fact");
    if (!statement) return std::move(statement).error();
    auto row = statement->step();
    if (!row) return std::move(row).error();
    highest = statement->column_int(0);
  }
  const std::size_t facts =
      only != nullptr ? only->size() : static_cast<std::size_t>(std::max<std::int64_t>(highest, 0));
  // Many facts are read in chunks on connections of their own, a chunk at a time
  // per connection in turn, while this thread visits them in order: the caller's work
  // on each fact (interning, identifying) takes about half as long as SQLite's.
  SharedSnapshot snapshot(connections.main);
  // (An id past kMaxFactId is a hand-edited table: chunks of ids would be too many.)
  if (connections.path != nullptr && connections.threads > 1 &&
      facts >= connections.facts_per_thread && highest <= kMaxFactId) {
    if (auto status =
            snapshot.start(*connections.path, 1 + std::min(connections.threads, kMaxReadParts));
        !status) {
      return status;
    }
  }
  if (snapshot.size() == 1) {
    auto statement = connections.main.prepare(sql);
    if (!statement) return std::move(statement).error();
    return only != nullptr ? step_facts(*statement, only->data(), only->size(), visit)
                           : step_facts(*statement, nullptr, 0, visit);
  }
  // Chunk c holds the listed ids [c * kChunk, (c + 1) * kChunk), or without a list
  // the ids 1 + c * kChunk .. (c + 1) * kChunk (the first also all below, the last
  // all above).
  const std::size_t kChunk = std::max<std::size_t>(connections.facts_per_chunk, 1);
  const std::size_t chunks = std::max<std::size_t>(1, (facts + kChunk - 1) / kChunk);
  const std::size_t readers = snapshot.size() - 1;
  std::vector<std::unique_ptr<BatchQueue<FactBatch>>> queues;
  for (std::size_t r = 0; r < readers; ++r)
    queues.push_back(std::make_unique<BatchQueue<FactBatch>>(2));
  const std::string range_sql =
      "SELECT id, source_ip, header_from, dkim_aligned, spf_aligned, disposition, auth_key FROM "
      "fact "
      "WHERE id BETWEEN ?1 AND ?2 ORDER BY id";
  return snapshot.run([&](std::size_t index, Database& db) -> core::Status {
    if (index == 0) {  // this thread: the caller's visits, chunk by chunk
      FactBatch batch;
      for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
        if (!queues[chunk % readers]->pop(batch)) break;  // that reader failed
        std::size_t begin = 0;
        for (std::size_t i = 0; i < batch.ids.size(); ++i) {
          std::string_view texts[6];
          for (std::size_t column = 0; column < 6; ++column) {
            const std::size_t end = batch.ends[6 * i + column];
            texts[column] = std::string_view(batch.bytes).substr(begin, end - begin);
            begin = end;
          }
          visit(batch.ids[i], Fact{texts[0], texts[1], texts[2], texts[3], texts[4], texts[5]});
        }
      }
      for (auto& queue : queues) queue->stop();  // a reader that failed leaves the others waiting
      return {};
    }
    BatchQueue<FactBatch>& queue = *queues[index - 1];
    auto statement = db.prepare(only != nullptr ? sql : range_sql);
    core::Status status = statement ? core::Status() : core::Status(std::move(statement).error());
    for (std::size_t chunk = index - 1; status && chunk < chunks; chunk += readers) {
      FactBatch batch;
      batch.ids.reserve(kChunk);
      batch.ends.reserve(6 * kChunk);
      batch.bytes.reserve(192 * kChunk);
      auto copy = [&](std::int64_t id, const Fact& fact) {
        batch.ids.push_back(id);
        for (std::string_view text : {fact.source_ip, fact.header_from, fact.dkim_aligned,
                                      fact.spf_aligned, fact.disposition, fact.auth_key}) {
          batch.bytes += text;
          batch.ends.push_back(batch.bytes.size());
        }
      };
      if (only != nullptr) {
        const std::size_t first = chunk * kChunk;
        status = step_facts(*statement, only->data() + first,
                            std::min(kChunk, only->size() - first), copy);
      } else {
        statement->reset();
        statement->bind(1, chunk == 0 ? INT64_MIN : static_cast<std::int64_t>(chunk * kChunk) + 1);
        statement->bind(
            2, chunk + 1 == chunks ? INT64_MAX : static_cast<std::int64_t>((chunk + 1) * kChunk));
        status = step_facts(*statement, nullptr, 0, copy);
      }
      if (status && !queue.push(std::move(batch))) break;
    }
    queue.finish();
    return status;
  });
}

}  // namespace dmarcq::store
