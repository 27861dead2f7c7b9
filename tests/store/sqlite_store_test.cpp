#include "store/sqlite/sqlite_store.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include "store/store.h"
#include "test_db.h"

using namespace dmarcq;
using store::OpenMode;
using store::Outcome;
using testing::file_scalar;
using testing::make_record;
using testing::make_report;

namespace {

constexpr std::int64_t kDay = 1794182400;  // 2026-11-09T00:00:00Z

void exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

}  // namespace

TEST_CASE("store: a new database is migrated and marked as ours") {
  testing::TempDb temp;
  {
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
  }
  CHECK(file_scalar(temp.path(), "PRAGMA user_version") == 12);
  CHECK(file_scalar(temp.path(), "PRAGMA application_id") == 0x444d5251);
  CHECK(file_scalar(temp.path(), "PRAGMA journal_mode = WAL") >= -1);
  // Opening again is a no-op.
  CHECK(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok());
  CHECK(store::open_sqlite(temp.path(), OpenMode::kReadOnly).ok());
}

TEST_CASE("store: newer schemas and foreign databases are refused") {
  testing::TempDb temp;
  { REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok()); }
  exec(temp.path(), "PRAGMA user_version = 99");
  auto newer = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error().to_string() ==
        temp.path() +
            ": the database was written by a newer dmarcq (schema version 99; this "
            "dmarcq knows up to 12); upgrade dmarcq");

  testing::TempDb other;
  exec(other.path(), "CREATE TABLE notes (x)");
  auto foreign = store::open_sqlite(other.path(), OpenMode::kReadWrite);
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.error().message() == "not a dmarcq database (it has tables but no dmarcq schema)");

  testing::TempDb missing;
  auto absent = store::open_sqlite(missing.path(), OpenMode::kReadOnly);
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error().code() == core::ErrorCode::kDb);
}

TEST_CASE("store: the same report is stored once, keyed by reporter, id, domain and period") {
  testing::TempDb temp;
  auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  store::Store& db = **opened;
  REQUIRE(db.begin().ok());

  report::Report report = make_report("Google.com", "42", "example.com", kDay, kDay + 86399);
  report.records.push_back(make_record("192.0.2.1", 5, "pass", "fail"));
  report.records.push_back(make_record("192.0.2.2", 7, "fail", "fail"));
  report.records[0].dkim_results.push_back({"example.com", "s1", "pass", ""});
  report.records[0].spf_results.push_back({"example.com", "mfrom", "fail", ""});
  report.records[0].reasons.push_back({"local_policy", "arc=pass"});
  report.warnings.push_back("a warning");

  auto first = db.add_report(report, "a.zip", "hash-a");
  REQUIRE(first.ok());
  CHECK(first->outcome == Outcome::kImported);
  CHECK(first->records == 2);
  CHECK(first->messages == 12);

  // The same report in other bytes (re-sent, re-compressed): a duplicate.
  auto again = db.add_report(report, "b.zip", "hash-b");
  if (!again) MESSAGE(again.error().to_string());
  REQUIRE(again.ok());
  CHECK(again->outcome == Outcome::kDuplicate);
  CHECK(again->detail == "same report as a.zip");

  CHECK_FALSE(again->conflict);

  // The same identity with other counts: a duplicate all the same (the first copy is
  // kept), said on both sides and listed by the conflict view.
  report::Report forged = report;
  forged.records[1].count = 7777;
  auto conflicting = db.add_report(forged, "c.zip", "hash-forged");
  REQUIRE(conflicting.ok());
  CHECK(conflicting->outcome == Outcome::kDuplicate);
  CHECK(conflicting->conflict);
  CHECK(conflicting->detail ==
        "same report as a.zip with different contents: 2 records and 7782 messages here, 2 "
        "and 12 kept (hash-a)");

  // The same records in another order (another serialization): a plain duplicate.
  report::Report reordered = report;
  std::swap(reordered.records[0], reordered.records[1]);
  auto shuffled = db.add_report(reordered, "d.zip", "hash-reordered");
  REQUIRE(shuffled.ok());
  CHECK(shuffled->outcome == Outcome::kDuplicate);
  CHECK_FALSE(shuffled->conflict);

  // Same id from another reporter, for another domain, or for another period: new reports.
  report::Report other_reporter = report;
  other_reporter.org_name = "Yahoo";
  report::Report other_domain = report;
  other_domain.policy.domain = "example.net";
  report::Report other_period = report;
  other_period.begin += 86400;
  other_period.end += 86400;
  CHECK(db.add_report(other_reporter, "c", "hash-c")->outcome == Outcome::kImported);
  CHECK(db.add_report(other_domain, "d", "hash-d")->outcome == Outcome::kImported);
  CHECK(db.add_report(other_period, "e", "hash-e")->outcome == Outcome::kImported);

  auto known = db.find_input("hash-b");
  REQUIRE(known.ok());
  REQUIRE(known->has_value());
  CHECK((*known)->outcome == Outcome::kDuplicate);
  CHECK_FALSE(db.find_input("hash-z")->has_value());
  REQUIRE(db.commit().ok());

  CHECK(file_scalar(temp.path(), "SELECT count(*) FROM report") == 4);
  CHECK(file_scalar(temp.path(), "SELECT count(*) FROM record") == 8);
  CHECK(file_scalar(temp.path(), "SELECT count(*) FROM dkim_result") == 4);
  CHECK(file_scalar(temp.path(), "SELECT count(*) FROM policy_reason") == 4);
  CHECK(file_scalar(temp.path(), "SELECT count(*) FROM report_note WHERE kind = 'warning'") == 5);
  CHECK(file_scalar(temp.path(),
                    "SELECT count(*) FROM report_note WHERE text = 'conflict: c.zip "
                    "has the same identity with different contents (hash-forged, "
                    "7782 messages); this first copy is kept'") == 1);
  CHECK(file_scalar(temp.path(), "SELECT count(*) FROM input") == 7);
  CHECK(file_scalar(temp.path(),
                    "SELECT count(*) FROM conflict WHERE kept_hash = 'hash-a' AND "
                    "other_hash = 'hash-forged' AND kept_messages = 12") == 1);
  CHECK(file_scalar(temp.path(), "SELECT count(*) FROM report WHERE reporter = 'google.com'") == 3);
}

TEST_CASE("store: rejects keep reason and bytes, once per content") {
  testing::TempDb temp;
  auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  store::Store& db = **opened;
  REQUIRE(db.begin().ok());
  core::Error error(core::ErrorCode::kCorrupt, "truncated gzip input");
  REQUIRE(db.add_reject("x.gz", error, "h1", "\x1f\x8b\x08", 3).ok());
  REQUIRE(db.add_reject("copy-of-x.gz", error, "h1", "\x1f\x8b\x08", 3).ok());
  REQUIRE(db.commit().ok());
  CHECK(file_scalar(temp.path(), "SELECT count(*) FROM reject") == 1);
  CHECK(file_scalar(temp.path(), "SELECT length(raw) FROM reject") == 3);
  CHECK((*db.find_input("h1"))->outcome == Outcome::kRejected);

  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  auto table = (*reader)->rejects();
  REQUIRE(table.ok());
  CHECK(table->columns ==
        std::vector<std::string>{"origin", "reason", "kind", "bytes", "kept", "id"});
  CHECK(std::get<std::string>(table->rows.at(0).at(5)) == "h1");
  REQUIRE(table->rows.size() == 1);
  CHECK(std::get<std::string>(table->rows[0][0]) == "x.gz");
  CHECK(std::get<std::string>(table->rows[0][1]) == "truncated gzip input");
  CHECK(std::get<std::string>(table->rows[0][2]) == "corrupt");
  CHECK(std::get<std::int64_t>(table->rows[0][3]) == 3);
  CHECK(std::get<std::string>(table->rows[0][4]) == "yes");
}

TEST_CASE("store: a file is remembered once, with its messages by kind") {
  testing::TempDb temp;
  auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  store::Store& db = **opened;
  CHECK(!*db.find_file("f1"));
  REQUIRE(db.begin().ok());
  store::KnownFile contents{
      3, 1, 4, 1, {{"not a report", 2}, {"TLS report (TLS-RPT)", 1}, {"odd \"kind\"\\", 5}}};
  REQUIRE(db.add_file("f1", "inbox.zip", contents).ok());
  REQUIRE(db.add_file("f2", "plain.xml.gz", store::KnownFile{0, 1, 0, 0, {}}).ok());
  // The first row stays: a file's contents do not change.
  REQUIRE(db.add_file("f1", "copy.zip", store::KnownFile{}).ok());
  auto found = db.find_file("f1");  // in the transaction that wrote it
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  REQUIRE(db.commit().ok());
  CHECK(file_scalar(temp.path(), "SELECT count(*) FROM file") == 2);
  CHECK(file_scalar(temp.path(),
                    "SELECT origin = 'inbox.zip' FROM file WHERE content_hash = 'f1'") == 1);

  // Read back on a read-only connection, as import's reader thread does.
  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  for (store::Store* store : {&db, reader->get()}) {
    auto known = store->find_file("f1");
    REQUIRE(known.ok());
    REQUIRE(known->has_value());
    const store::KnownFile& file = **known;
    CHECK(file.imported == 3);
    CHECK(file.duplicates == 1);
    CHECK(file.mail_messages == 4);
    CHECK(file.with_report == 1);
    CHECK(file.no_report == contents.no_report);
    auto plain = store->find_file("f2");
    REQUIRE(plain.ok());
    REQUIRE(plain->has_value());
    CHECK((*plain)->duplicates == 1);
    CHECK((*plain)->no_report.empty());
    CHECK(!*store->find_file("f3"));
  }
  CHECK(!(*reader)->add_file("f3", "x", store::KnownFile{}).ok());
}

TEST_CASE("store: sql runs on a read-only connection, one statement only") {
  testing::TempDb temp;
  { REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok()); }
  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  auto rows = dmarcq::store::query_table(
      **reader, "SELECT 1 AS one, 'x' AS text, NULL AS empty, 2.5 AS half");
  if (!rows.ok()) MESSAGE(rows.error().to_string());
  REQUIRE(rows.ok());
  CHECK(rows->columns == std::vector<std::string>{"one", "text", "empty", "half"});
  CHECK(std::get<std::int64_t>(rows->rows.at(0)[0]) == 1);
  CHECK(std::holds_alternative<std::monostate>(rows->rows.at(0)[2]));
  CHECK(std::get<double>(rows->rows.at(0)[3]) == 2.5);

  auto write = dmarcq::store::query_table(**reader, "DELETE FROM report");
  REQUIRE_FALSE(write.ok());
  CHECK(write.error().message() ==
        "DELETE is not allowed: dmarcq sql runs SELECT with read-only functions only");
  // The connection is read-only, but VACUUM INTO would write another file.
  const std::string copy = temp.path() + ".copy";
  CHECK_FALSE(dmarcq::store::query_table(**reader, "VACUUM INTO '" + copy + "'").ok());
  CHECK_FALSE(std::filesystem::exists(copy));
  auto two = dmarcq::store::query_table(**reader, "SELECT 1; SELECT 2");
  REQUIRE_FALSE(two.ok());
  CHECK(two.error().message() == "only one SQL statement is allowed");
  CHECK(dmarcq::store::query_table(**reader, "SELECT 1; -- a comment\n;").ok());
  auto bad = dmarcq::store::query_table(**reader, "SELEC nonsense");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == core::ErrorCode::kDb);

  auto writer = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(writer.ok());
  CHECK_FALSE(dmarcq::store::query_table(**writer, "SELECT 1").ok());
  auto reader_add = (*reader)->add_report(make_report("a", "1", "b", 0, 1), "o", "h");
  CHECK_FALSE(reader_add.ok());
}
