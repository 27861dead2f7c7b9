// Facts of an import: new ones get their ids from the writer and wait for the report's
// flush, so every test here checks that no fact is stored twice and that ids are the
// ones SQLite would have given (max(id) + 1).
#include "store/sqlite/fact_writer.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "store/sqlite/fact_key.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "test_db.h"

using namespace dmarcq;
using store::OpenMode;
using testing::make_record;
using testing::make_report;

namespace {

constexpr std::int64_t kNov14 = 1794614400;

report::Report report_of(const std::string& id, const std::vector<std::string>& ips) {
  report::Report r = make_report("google.com", id, "example.com", kNov14, kNov14 + 86399);
  for (const std::string& ip : ips) r.records.push_back(make_record(ip, 1, "pass", "pass"));
  return r;
}

void import(store::Store& db, const report::Report& r) {
  REQUIRE(db.begin().ok());
  REQUIRE(db.add_report(r, r.report_id + ".xml", "h" + r.report_id).ok());
  REQUIRE(db.commit().ok());
}

std::int64_t fact_id_of(const std::string& path, const std::string& ip) {
  return testing::file_scalar(path, "SELECT id FROM fact WHERE source_ip = '" + ip + "'");
}

std::int64_t fact_ref_of(const std::string& path, const std::string& report_id, int seq) {
  return testing::file_scalar(
      path,
      "SELECT r.fact_ref FROM record r JOIN report rp ON rp.id = r.report_ref "
      "WHERE rp.report_id = '" +
          report_id + "' AND r.seq = " + std::to_string(seq));
}

}  // namespace

TEST_CASE("facts: a new fact of two records of one report is stored once") {
  testing::TempDb temp;
  auto db = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(db.ok());
  import(**db, report_of("a", {"192.0.2.1", "192.0.2.2", "192.0.2.1", "192.0.2.3", "192.0.2.2"}));
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 3);
  CHECK(fact_id_of(temp.path(), "192.0.2.1") == 1);
  CHECK(fact_id_of(temp.path(), "192.0.2.2") == 2);
  CHECK(fact_id_of(temp.path(), "192.0.2.3") == 3);
  CHECK(fact_ref_of(temp.path(), "a", 1) == 1);
  CHECK(fact_ref_of(temp.path(), "a", 3) == 1);
  CHECK(fact_ref_of(temp.path(), "a", 5) == 2);
}

TEST_CASE("facts: more new facts than one multi-row statement holds get consecutive ids") {
  testing::TempDb temp;
  auto db = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(db.ok());
  std::vector<std::string> ips;
  for (int i = 0; i < 150; ++i)
    ips.push_back("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  import(**db, report_of("a", ips));
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 150);
  CHECK(testing::file_scalar(temp.path(),
                             "SELECT count(*) FROM record r JOIN fact f ON f.id = r.fact_ref "
                             "WHERE f.id = r.seq AND f.source_ip = r.source_ip") == 150);
}

TEST_CASE("facts: an existing store finds its facts by key hash, and new ones of a report once") {
  testing::TempDb temp;
  {
    auto db = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(db.ok());
    import(**db, report_of("a", {"192.0.2.1", "192.0.2.2"}));
  }
  // A new connection's cache is empty and the table is not: lookups go to the table.
  auto db = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(db.ok());
  import(**db, report_of("b", {"192.0.2.2", "192.0.2.9", "192.0.2.9", "192.0.2.1"}));
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 3);
  CHECK(fact_ref_of(temp.path(), "b", 1) == 2);
  CHECK(fact_ref_of(temp.path(), "b", 2) == 3);
  CHECK(fact_ref_of(temp.path(), "b", 3) == 3);
  CHECK(fact_ref_of(temp.path(), "b", 4) == 1);
}

TEST_CASE("facts: ids are read again after a rollback and after another connection wrote") {
  testing::TempDb temp;
  auto first = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(first.ok());
  auto second = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(second.ok());
  import(**first, report_of("a", {"192.0.2.1"}));

  // The rolled-back fact's id is free again: the next new fact takes it, as SQLite's
  // rowid would have.
  REQUIRE((*first)->begin().ok());
  REQUIRE((*first)->add_report(report_of("b", {"192.0.2.2"}), "b.xml", "hb").ok());
  REQUIRE((*first)->rollback().ok());
  import(**first, report_of("c", {"192.0.2.3"}));
  CHECK(fact_id_of(temp.path(), "192.0.2.3") == 2);

  // The other connection takes id 3, which the first would give next had it not read
  // max(id) again: the insert would fail on the primary key.
  import(**second, report_of("d", {"192.0.2.4"}));
  CHECK(fact_id_of(temp.path(), "192.0.2.4") == 3);
  import(**first, report_of("e", {"192.0.2.5", "192.0.2.4"}));
  CHECK(fact_id_of(temp.path(), "192.0.2.5") == 4);
  CHECK(fact_ref_of(temp.path(), "e", 2) == 3);
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 4);
}

// The cache's bound is only reached through FactWriter itself: 200,000 facts in a test
// would take seconds.
TEST_CASE("facts: facts waiting when the cache starts over are written first, and found again") {
  testing::TempDb temp;
  REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok());  // the schema
  auto db = store::Database::open(temp.path(), SQLITE_OPEN_READWRITE);
  REQUIRE(db.ok());
  auto writer = store::FactWriter::prepare(*db, 2);
  REQUIRE(writer.ok());
  std::vector<report::Record> records;
  for (const char* ip :
       {"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.1", "192.0.2.4", "192.0.2.3"}) {
    records.push_back(make_record(ip, 1, "pass", "pass"));
  }
  std::vector<store::FactKey> keys;
  for (const report::Record& record : records) keys.push_back(store::fact_key(record));
  REQUIRE(db->exec("BEGIN IMMEDIATE").ok());
  REQUIRE(writer->begin_transaction(false).ok());
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto id = writer->deferred_id_of(records[i], keys[i]);
    REQUIRE(id.ok());
    ids.push_back(*id);
  }
  REQUIRE(writer->flush().ok());
  REQUIRE(db->exec("COMMIT").ok());
  // The cache of two started over at the third fact and again at the fifth: the first
  // and third were found in the table.
  CHECK(ids == std::vector<std::int64_t>{1, 2, 3, 1, 4, 3});
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 4);
  CHECK(testing::file_scalar(temp.path(), "SELECT count(DISTINCT key_hash) FROM fact") == 4);
}

TEST_CASE("facts: a failed flush is an error and leaves nothing waiting") {
  testing::TempDb temp;
  REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok());
  auto db = store::Database::open(temp.path(), SQLITE_OPEN_READWRITE);
  REQUIRE(db.ok());
  auto writer = store::FactWriter::prepare(*db);
  REQUIRE(writer.ok());
  const report::Record record = make_record("192.0.2.1", 1, "pass", "pass");
  const store::FactKey key = store::fact_key(record);
  REQUIRE(db->exec("BEGIN IMMEDIATE").ok());
  REQUIRE(writer->begin_transaction(false).ok());
  auto id = writer->deferred_id_of(record, key);
  REQUIRE(id.ok());
  CHECK(*id == 1);
  // Something takes the id before the flush (nothing can in an import: it holds the
  // write lock).
  REQUIRE(
      db->exec("INSERT INTO fact (id, key_hash, source_ip, header_from, dkim_aligned, spf_aligned, "
               "disposition, auth_key) VALUES (1, 0, 'x', 'x', 'x', 'x', 'x', 'x')")
          .ok());
  CHECK(!writer->flush().ok());
  CHECK(writer->flush().ok());  // nothing left that points at the record
  REQUIRE(db->exec("ROLLBACK").ok());
}

TEST_CASE(
    "facts: a store whose largest fact id is at the readers' limit refuses a new fact, clearly") {
  testing::TempDb temp;
  auto db = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(db.ok());
  import(**db, report_of("a", {"192.0.2.1"}));
  {
    auto raw = store::Database::open(temp.path(), SQLITE_OPEN_READWRITE);
    REQUIRE(raw.ok());
    REQUIRE(raw->exec("UPDATE fact SET id = " + std::to_string(store::kMaxFactId - 1)).ok());
  }
  REQUIRE((*db)->begin().ok());
  auto added = (*db)->add_report(report_of("b", {"192.0.2.9"}), "b.xml", "hb");
  REQUIRE_FALSE(added.ok());
  CHECK(added.error().to_string().find("no fact id is left above the largest, " +
                                       std::to_string(store::kMaxFactId - 1)) != std::string::npos);
  REQUIRE((*db)->rollback().ok());
}
