// rejects --retry: every kept reject is read again through ingest and the importer,
// and leaves the list or stays with its new reason; the counts add up.
#include <doctest/doctest.h>

#include "core/hash.h"
#include "import/import.h"
#include "import/importer.h"
#include "report_fixture.h"
#include "store/store.h"
#include "support/ingest_support.h"
#include "support/reports.h"
#include "support/scalar.h"
#include "support/temp_db.h"

using namespace dmarcq;
using testing::report_xml;
using testing::scalar;

namespace {

const std::string kMalformed = "<feedback><report_metadata></feedback>";

// Imports `inputs` as `dmarcq import` would, with `limits`.
import::ImportStats import_inputs(const std::string& db_path,
                                  const std::vector<std::pair<std::string, std::string>>& inputs,
                                  const ingest::Limits& limits){
    auto store = store::open(db_path, store::OpenMode::kReadWrite);
REQUIRE(store.ok());
import::Importer importer(**store);
REQUIRE(importer.start().ok());
for (const auto& [name, bytes] : inputs) {
  ingest::ingest_bytes(ingest::Origin{{name}}, bytes, limits, importer);
}
REQUIRE(importer.finish().ok());
return importer.stats();
}  // namespace

import::RetryStats retry(const std::string& db_path, const ingest::Limits& limits = {}){
    auto store = store::open(db_path, store::OpenMode::kReadWrite);
REQUIRE(store.ok());
auto stats = import::retry_rejects(**store, limits);
if (!stats.ok()) MESSAGE(stats.error().to_string());
REQUIRE(stats.ok());
return *stats;
}

std::string text(const std::string& db_path, const std::string& sql) {
  return testing::text_of(db_path, sql);
}

ingest::Limits tiny_documents() {
  ingest::Limits limits;
  limits.max_document_bytes = 100;
  return limits;
}

}  // namespace

TEST_CASE("retry: limit rejects import with wider limits, broken ones stay with their new reason") {
  testing::TempDb temp;
  const std::string plain = report_xml("plain", 4);
  const std::vector<std::pair<std::string, std::string>> inputs = {
      {"plain.xml", plain},
      {"packed.xml.gz", compress(Filter::kGzip, report_xml("packed", 6))},
      {"broken.xml", kMalformed + std::string(100, ' ')},
      // A zip member over the limit: its bytes were never read, so not kept.
      {"held.zip", make_archive(Format::kZip, {}, {{"m.xml", report_xml("zipped", 1)}})},
  };
  const import::ImportStats first = import_inputs(temp.path(), inputs, tiny_documents());
  REQUIRE(first.total.rejected == 4);

  const import::RetryStats stats = retry(temp.path());
  CHECK(stats.imported == 2);
  CHECK(stats.duplicates == 0);
  CHECK(stats.still_rejected == 1);
  CHECK(stats.not_kept == 1);
  CHECK(stats.retried() + stats.not_kept == 4);
  CHECK(stats.records == 2);
  CHECK(stats.messages == 10);
  REQUIRE(stats.rejects.size() == 1);
  CHECK(stats.rejects[0] == "broken.xml: line 1: malformed XML: Start-end tags mismatch");

  // Imported under the origins they were rejected with; their rejects and the inputs
  // recorded as rejected are gone.
  CHECK(scalar(temp.path(),
               "SELECT count(*) FROM report WHERE origin IN ('plain.xml', 'packed.xml.gz')") == 2);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM reject") == 2);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM input WHERE outcome = 'rejected'") == 2);
  CHECK(scalar(temp.path(),
               "SELECT count(*) FROM input WHERE outcome = 'imported' AND content_hash = '" +
                   core::sha256_hex(plain) + "'") == 1);
  // The one that failed again says why now, not why then.
  CHECK(text(temp.path(),
             "SELECT error_kind || ': ' || reason FROM reject WHERE origin = 'broken.xml'") ==
        "corrupt: line 1: malformed XML: Start-end tags mismatch");
  CHECK(text(temp.path(),
             "SELECT error_kind FROM reject WHERE origin = 'held.zip \xE2\x80\xBA m.xml'") ==
        "limit");

  // A second retry changes nothing.
  const import::RetryStats again = retry(temp.path());
  CHECK(again.imported == 0);
  CHECK(again.duplicates == 0);
  CHECK(again.still_rejected == 1);
  CHECK(again.not_kept == 1);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM report") == 2);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM reject") == 2);
}

TEST_CASE("retry: the same limits give the same rejects, and an empty list is fine") {
  testing::TempDb temp;
  import_inputs(temp.path(), {{"plain.xml", report_xml("plain", 4)}}, tiny_documents());
  const import::RetryStats same = retry(temp.path(), tiny_documents());
  CHECK(same.still_rejected == 1);
  CHECK(same.rejects.at(0) ==
        "plain.xml: document exceeds the size limit of 100 bytes (--max-document-size)");

  const import::RetryStats wider = retry(temp.path());
  CHECK(wider.imported == 1);
  const import::RetryStats empty = retry(temp.path());
  CHECK(empty.retried() == 0);
  CHECK(empty.not_kept == 0);
}

TEST_CASE("retry: a unit whose report was stored meanwhile is a duplicate and leaves the list") {
  testing::TempDb temp;
  const std::string xml = report_xml("twice", 3);
  import_inputs(temp.path(), {{"first.xml.gz", compress(Filter::kGzip, xml)}}, tiny_documents());
  import_inputs(temp.path(), {{"second.xml", xml}}, ingest::Limits{});
  const import::RetryStats stats = retry(temp.path());
  CHECK(stats.duplicates == 1);
  CHECK(stats.imported == 0);
  CHECK(stats.records == 0);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM reject") == 0);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM report") == 1);
}

TEST_CASE("retry: an archive stays one reject while a member fails; its good members import") {
  testing::TempDb temp;
  const std::string zip = make_archive(
      Format::kZip, {},
      {{"a.xml", report_xml("a", 2)}, {"bad.xml", kMalformed}, {"b.xml", report_xml("b", 5)}});
  ingest::Limits few_members;
  few_members.max_members = 1;
  const import::ImportStats first = import_inputs(temp.path(), {{"box.zip", zip}}, few_members);
  CHECK(first.total.imported == 1);  // a.xml, read before the limit was hit
  REQUIRE(scalar(temp.path(),
                 "SELECT count(*) FROM reject WHERE origin = 'box.zip' AND error_kind = 'limit'") ==
          1);

  const import::RetryStats stats = retry(temp.path());
  CHECK(stats.still_rejected == 1);
  CHECK(stats.imported == 0);
  CHECK(stats.records == 1);  // b.xml
  // The unit stays whole with the member's reason; the member gets no row of its own.
  CHECK(scalar(temp.path(), "SELECT count(*) FROM reject") == 1);
  CHECK(text(temp.path(),
             "SELECT error_kind || ': ' || reason FROM reject WHERE origin = 'box.zip'") ==
        "corrupt: bad.xml \xE2\x80\xBA line 1: malformed XML: Start-end tags mismatch");
  CHECK(scalar(temp.path(),
               "SELECT count(*) FROM report WHERE origin LIKE 'box.zip \xE2\x80\xBA %'") == 2);

  // Again: the good members are duplicates now, the unit still fails.
  const import::RetryStats again = retry(temp.path());
  CHECK(again.still_rejected == 1);
  CHECK(again.records == 0);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM report") == 2);
}

TEST_CASE(
    "retry: when a document imports but its second report fails, that report is kept as import "
    "keeps it") {
  testing::TempDb temp;
  // Well-formed, but the second report has no date range.
  const std::string both =
      report_xml("first", 2) + "\n<?xml version=\"1.0\"?>\n" +
      "<feedback><report_metadata><org_name>google.com</org_name><report_id>second</report_id>"
      "</report_metadata><policy_published><domain>example.com</domain></policy_published></"
      "feedback>";
  {
    auto store = store::open(temp.path(), store::OpenMode::kReadWrite);
    REQUIRE(store.ok());
    REQUIRE((*store)->begin().ok());
    // As an older dmarcq could have left it: the whole document rejected.
    const core::Error old_reason(core::ErrorCode::kCorrupt, "junk after the document");
    REQUIRE((*store)
                ->add_reject("two.xml", old_reason, core::sha256_hex(both), both, both.size())
                .ok());
    REQUIRE((*store)->commit().ok());
  }
  const import::RetryStats stats = retry(temp.path());
  CHECK(stats.imported == 1);
  CHECK(stats.still_rejected == 0);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM report WHERE origin = 'two.xml'") == 1);
  CHECK(text(temp.path(), "SELECT origin FROM reject") == "two.xml \xE2\x80\xBA report 2");
  CHECK(scalar(temp.path(), "SELECT count(*) FROM reject") == 1);
}
