#include <doctest/doctest.h>
#include <sqlite3.h>

#include "cli/importer.h"
#include "store/store.h"
#include "test_db.h"

using namespace dmarcq;

namespace {

std::string report_xml(const std::string& id, std::int64_t count) {
  return "<feedback><report_metadata><org_name>google.com</org_name><report_id>" + id +
         "</report_id><date_range><begin>1794182400</begin><end>1794268799</end></date_range>"
         "</report_metadata><policy_published><domain>example.com</domain><p>none</p>"
         "</policy_published><record><row><source_ip>192.0.2.1</source_ip><count>" +
         std::to_string(count) +
         "</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim>"
         "<spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com"
         "</header_from></identifiers></record></feedback>";
}

std::int64_t scalar(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  std::int64_t value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

// Feeds every unit of `inputs` through one Importer, as one import run.
cli::ImportStats run(const std::string& db_path,
                     const std::vector<std::pair<std::string, std::string>>& inputs) {
  auto store = store::open_sqlite(db_path, store::OpenMode::kReadWrite);
  REQUIRE(store.ok());
  cli::Importer importer(**store);
  REQUIRE(importer.start().ok());
  for (const auto& [name, bytes] : inputs) {
    importer.on_file(name, bytes.size());
    ingest::ingest_bytes(ingest::Origin{{name}}, bytes, ingest::Limits{}, importer);
  }
  REQUIRE(importer.finish().ok());
  return importer.stats();
}

}  // namespace

TEST_CASE("importer: every unit is counted once and the counts add up") {
  testing::TempDb temp;
  const std::string good = report_xml("1", 5);
  const std::vector<std::pair<std::string, std::string>> inputs = {
      {"a.xml", good},
      {"copy-of-a.xml", good},                                   // same bytes
      {"a-reformatted.xml", good + "\n"},                        // same report, other bytes
      {"b.xml", report_xml("2", 7)},
      {"broken.xml", "<feedback><report_metadata></feedback>"},  // malformed
      {"broken-again.xml", "<feedback><report_metadata></feedback>"},
      {"truncated.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10)},
      {"notes.txt", "just some text\n"},
  };
  const cli::ImportStats stats = run(temp.path(), inputs);
  CHECK(stats.files == 8);
  CHECK(stats.total.imported == 2);
  CHECK(stats.total.duplicates == 2);
  CHECK(stats.total.rejected == 3);
  CHECK(stats.total.skipped == 1);
  CHECK(stats.total.units() == 8);
  CHECK(stats.records == 2);
  CHECK(stats.messages == 12);
  REQUIRE(stats.rejects.size() == 3);
  CHECK(stats.rejects[0] == "broken.xml: line 1: malformed XML: Start-end tags mismatch");
  CHECK(stats.rejects[1] == "broken-again.xml: line 1: malformed XML: Start-end tags mismatch");
  CHECK(stats.rejects[2].rfind("truncated.gz: ", 0) == 0);
  CHECK(stats.skips == std::vector<std::string>{"notes.txt: text, not a report"});

  CHECK(scalar(temp.path(), "SELECT count(*) FROM report") == 2);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM reject") == 2);  // broken bytes stored once
  CHECK(scalar(temp.path(), "SELECT count(*) FROM input") == 5);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM input WHERE outcome = 'duplicate'") == 1);

  // Running the same inputs again: nothing new, the same outcomes, nothing parsed.
  const cli::ImportStats again = run(temp.path(), inputs);
  CHECK(again.total.imported == 0);
  CHECK(again.total.duplicates == 4);
  CHECK(again.total.rejected == 3);
  CHECK(again.total.skipped == 1);
  CHECK(again.xml_bytes == 0);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM input") == 5);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM reject") == 2);
}

TEST_CASE("importer: dropped records are counted and kept as warnings") {
  testing::TempDb temp;
  std::string xml = report_xml("9", 3);
  xml.insert(xml.find("</feedback>"),
             "<record><row><source_ip>X.X.X.X</source_ip><count>1</count></row>"
             "<identifiers><header_from>example.com</header_from></identifiers></record>");
  const cli::ImportStats stats = run(temp.path(), {{"r.xml", xml}});
  CHECK(stats.total.imported == 1);
  CHECK(stats.records == 1);
  CHECK(stats.dropped_records == 1);
  CHECK(scalar(temp.path(), "SELECT dropped_records FROM report") == 1);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM report_note WHERE kind = 'warning'") == 1);
}
