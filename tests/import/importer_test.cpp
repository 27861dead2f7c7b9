#include "import/importer.h"

#include <doctest/doctest.h>

#include <map>

#include "core/hash.h"
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

// How run() hands an input to the importer: as bytes, or as a file read whole and
// shown to the importer first (as ingest_paths does for a file that is not an mbox or
// a single message), which lets the importer skip a file it remembers.
enum class Feed { kBytes, kFiles };

// Feeds every unit of `inputs` through one Importer, as one import run.
import::ImportStats run(const std::string& db_path,
                        const std::vector<std::pair<std::string, std::string>>& inputs,
                        Feed feed = Feed::kBytes){
    auto store = store::open(db_path, store::OpenMode::kReadWrite);
REQUIRE(store.ok());
import::Importer importer(**store);
REQUIRE(importer.start().ok());
for (const auto& [name, bytes] : inputs) {
  importer.on_file(name, bytes.size());
  const ingest::Origin origin{{name}};
  if (feed == Feed::kBytes) {
    ingest::ingest_bytes(origin, bytes, ingest::Limits{}, importer);
  } else if (importer.on_file_start(origin, core::sha256_hex(bytes))) {
    ingest::ingest_bytes(origin, bytes, ingest::Limits{}, importer);
    importer.on_file_end(origin);
  }
}
REQUIRE(importer.finish().ok());
return importer.stats();
}  // namespace

}  // namespace

TEST_CASE("importer: every unit is counted once and the counts add up") {
  testing::TempDb temp;
  const std::string good = report_xml("1", 5);
  const std::vector<std::pair<std::string, std::string>> inputs = {
      {"a.xml", good},
      {"copy-of-a.xml", good},             // same bytes
      {"a-reformatted.xml", good + "\n"},  // same report, other bytes
      {"b.xml", report_xml("2", 7)},
      {"broken.xml", "<feedback><report_metadata></feedback>"},  // malformed
      {"broken-again.xml", "<feedback><report_metadata></feedback>"},
      {"truncated.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10)},
      {"notes.txt", "just some text\n"},
  };
  const import::ImportStats stats = run(temp.path(), inputs);
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

  // Running the same inputs again: nothing new, the same outcomes; only the rejected
  // document is parsed again (a newer dmarcq might read it).
  const import::ImportStats again = run(temp.path(), inputs);
  CHECK(again.total.imported == 0);
  CHECK(again.total.duplicates == 4);
  CHECK(again.total.rejected == 3);
  CHECK(again.total.skipped == 1);
  CHECK(again.xml_bytes == 2 * inputs[4].second.size());
  CHECK(scalar(temp.path(), "SELECT count(*) FROM input") == 5);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM reject") == 2);
}

TEST_CASE("importer: a reject is retried, and imports once the cause is gone") {
  testing::TempDb temp;
  const std::string xml = report_xml("retry", 4);
  auto store = store::open(temp.path(), store::OpenMode::kReadWrite);
  REQUIRE(store.ok());
  ingest::Limits tight;
  tight.max_document_bytes = 100;
  for (const bool first : {true, false}) {
    import::Importer importer(**store);
    REQUIRE(importer.start().ok());
    ingest::ingest_bytes(ingest::Origin{{"r.xml"}}, xml, first ? tight : ingest::Limits{},
                         importer);
    REQUIRE(importer.finish().ok());
    if (first) {
      CHECK(importer.stats().total.rejected == 1);
      CHECK(scalar(temp.path(), "SELECT count(*) FROM reject") == 1);
    } else {
      CHECK(importer.stats().total.imported == 1);
    }
  }
  CHECK(scalar(temp.path(), "SELECT count(*) FROM reject") == 0);
  CHECK(scalar(temp.path(), "SELECT outcome = 'imported' FROM input") == 1);
}

TEST_CASE("importer: other XML documents are skipped unless named like a report") {
  testing::TempDb temp;
  const import::ImportStats stats =
      run(temp.path(), {{"logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"},
                        {"index.html", "<html><body><p>broken</body></html>"},
                        {"report.xml", "<html/>"}});
  CHECK(stats.total.skipped == 2);
  CHECK(stats.total.rejected == 1);
  CHECK(stats.skips ==
        std::vector<std::string>{
            "logo.svg: not a DMARC aggregate report (root element <svg>, expected <feedback>)",
            "index.html: not a DMARC aggregate report (root element <html>)"});
}

TEST_CASE("importer: dropped records are counted and kept as warnings") {
  testing::TempDb temp;
  std::string xml = report_xml("9", 3);
  xml.insert(xml.find("</feedback>"),
             "<record><row><source_ip>X.X.X.X</source_ip><count>1</count></row>"
             "<identifiers><header_from>example.com</header_from></identifiers></record>");
  const import::ImportStats stats = run(temp.path(), {{"r.xml", xml}});
  CHECK(stats.total.imported == 1);
  CHECK(stats.records == 1);
  CHECK(stats.dropped_records == 1);
  CHECK(scalar(temp.path(), "SELECT dropped_records FROM report") == 1);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM report_note WHERE kind = 'warning'") == 1);
}

namespace {

std::string report_mail(const std::string& id, const std::string& xml) {
  return "From: noreply-dmarc-support@google.com\nMessage-ID: <" + id +
         ">\nSubject: Report domain: example.com\nMIME-Version: 1.0\n"
         "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: "
         "text/plain\n\nreport\n"
         "--b\nContent-Type: application/gzip\nContent-Transfer-Encoding: base64\n"
         "Content-Disposition: attachment; filename=\"r.xml.gz\"\n\n" +
         base64_lines(compress(Filter::kGzip, xml)) + "--b--\n";
}

std::string mbox_of(const std::vector<std::string>& messages) {
  std::string mbox;
  for (const std::string& message : messages) {
    mbox += "From x Mon Nov 16 10:00:00 2026\n" + message + "\n";
  }
  return mbox;
}

}  // namespace

TEST_CASE("importer: mail accounting adds up, and known mail is skipped on re-import") {
  testing::TempDb temp;
  const std::string spam =
      "From: spam@example.org\nMessage-ID: <spam@x>\nSubject: offer\n\nBuy now\n";
  const std::string arf =
      "From: a@b\nMessage-ID: <arf@x>\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=feedback-report; boundary=\"r\"\n\n"
      "--r\nContent-Type: message/feedback-report\n\nFeedback-Type: auth-failure\n--r--\n";
  const std::string broken =
      "From: a@b\nMessage-ID: <broken@x>\nMIME-Version: 1.0\nContent-Type: application/gzip\n"
      "Content-Transfer-Encoding: base64\n\nH4sIAAAAAAAAA3N0c3V19/P39/b29/f08w==\n";
  const std::string mbox =
      mbox_of({report_mail("r1@g", report_xml("m1", 5)), report_mail("r2@g", report_xml("m2", 6)),
               report_mail("r3@g", report_xml("m1", 5)),  // same report
               spam, arf, broken});
  const std::string eml = report_mail("r4@g", report_xml("m4", 1));
  const std::vector<std::pair<std::string, std::string>> inputs = {{"box.mbox", mbox},
                                                                   {"one.eml", eml}};

  const import::ImportStats first = run(temp.path(), inputs);
  CHECK(first.total.mail_messages == 7);
  CHECK(first.total.with_report == 5);
  CHECK(first.total.no_report ==
        std::map<std::string, std::int64_t>{{"failure report (ARF)", 1}, {"not a report", 1}});
  CHECK(first.total.imported == 3);
  CHECK(first.total.duplicates == 1);
  CHECK(first.total.rejected == 1);
  REQUIRE(first.per_file.size() == 2);
  CHECK(first.per_file[0].counts.mail_messages == 6);
  CHECK(first.per_file[0].counts.imported == 2);
  CHECK(first.per_file[1].counts.mail_messages == 1);
  CHECK(first.per_file[1].counts.imported == 1);
  for (const auto* counts : {&first.total, &first.per_file[0].counts, &first.per_file[1].counts}) {
    CHECK(counts->with_report + counts->without_report() == counts->mail_messages);
  }
  CHECK(first.per_file[0].counts.units() + first.per_file[1].counts.units() == first.total.units());
  REQUIRE(first.rejects.size() == 1);
  CHECK(first.rejects[0].rfind(
            "box.mbox \xE2\x80\xBA message 6 <broken@x> \xE2\x80\xBA body (application/gzip): ",
            0) == 0);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM message") == 7);
  CHECK(scalar(temp.path(),
               "SELECT count(*) FROM report WHERE origin LIKE 'box.mbox % message 1 <r1@g> % "
               "r.xml.gz'") == 1);

  // Again: every message is known; nothing is decoded, parsed or stored.
  const import::ImportStats again = run(temp.path(), inputs);
  CHECK(again.total.mail_messages == 7);
  CHECK(again.total.with_report == 5);
  CHECK(again.total.no_report == first.total.no_report);
  CHECK(again.total.imported == 0);
  CHECK(again.total.duplicates == 4);
  CHECK(again.total.rejected == 1);
  CHECK(again.documents == 0);
  CHECK(again.xml_bytes == 0);
  CHECK(scalar(temp.path(), "SELECT count(*) FROM message") == 7);

  // The mailbox grows: only the new message is read.
  std::string grown = mbox + mbox_of({report_mail("r5@g", report_xml("m5", 2))});
  const import::ImportStats incremental = run(temp.path(), {{"box.mbox", grown}});
  CHECK(incremental.total.mail_messages == 7);
  CHECK(incremental.total.imported == 1);
  CHECK(incremental.documents == 1);
}

TEST_CASE("importer: two reports in one buffer are two units, also on re-import") {
  testing::TempDb temp;
  const std::string both =
      report_xml("first", 2) + "\n<?xml version=\"1.0\"?>\n" + report_xml("second", 3);
  const import::ImportStats first = run(temp.path(), {{"two.xml", both}});
  CHECK(first.total.imported == 2);
  CHECK(first.total.units() == 2);
  CHECK(scalar(temp.path(),
               "SELECT count(*) FROM report WHERE origin = 'two.xml \xE2\x80\xBA report 2'") == 1);
  const import::ImportStats again = run(temp.path(), {{"two.xml", both}});
  CHECK(again.total.imported == 0);
  CHECK(again.total.duplicates == 2);
  CHECK(again.xml_bytes == 0);
}

namespace {

void check_same(const import::ImportCounts& a, const import::ImportCounts& b) {
  CHECK(a.mail_messages == b.mail_messages);
  CHECK(a.with_report == b.with_report);
  CHECK(a.imported == b.imported);
  CHECK(a.duplicates == b.duplicates);
  CHECK(a.rejected == b.rejected);
  CHECK(a.skipped == b.skipped);
  CHECK(a.no_report == b.no_report);
}

}  // namespace

TEST_CASE("importer: a file whose every unit imported is skipped unopened on re-import") {
  testing::TempDb temp;
  const std::string spam =
      "From: spam@example.org\nMessage-ID: <spam@x>\nSubject: offer\n\nBuy now\n";
  const std::string mail_zip = make_archive(
      Format::kZip, {}, {{"1.eml", report_mail("z1@g", report_xml("z1", 3))}, {"2.eml", spam}});
  const std::string plain = compress(Filter::kGzip, report_xml("p", 2));
  const std::vector<std::pair<std::string, std::string>> inputs = {
      {"mail.zip", mail_zip},
      {"plain.xml.gz", plain},
      {"copy.xml.gz", plain},                                               // the same bytes
      {"other.xml.gz", compress(Filter::kGzip, report_xml("p", 2) + " ")},  // the same report
      {"broken.zip",
       make_archive(Format::kZip, {}, {{"a.xml", report_xml("b", 1)}, {"b.xml", "<feedback>"}})},
      {"readme.zip",
       make_archive(Format::kZip, {}, {{"c.xml", report_xml("c", 1)}, {"README", "text\n"}})},
  };
  const import::ImportStats first = run(temp.path(), inputs, Feed::kFiles);
  CHECK(first.total.imported == 4);
  CHECK(first.total.duplicates == 2);
  CHECK(first.total.rejected == 1);
  CHECK(first.total.skipped == 1);
  // The copy is known within the import; the reject and the skip are not remembered.
  CHECK(scalar(temp.path(), "SELECT count(*) FROM file") == 3);
  CHECK(scalar(temp.path(),
               "SELECT count(*) FROM file WHERE origin IN ('broken.zip', 'readme.zip', "
               "'copy.xml.gz')") == 0);
  CHECK(scalar(temp.path(),
               "SELECT mail_messages = 2 AND with_report = 1 AND imported = 1 AND "
               "no_report = '{\"not a report\": 1}' FROM file WHERE origin = 'mail.zip'") == 1);

  // Again, and again without the remembered files (the same units fed as bytes, which
  // remembers no file): the same accounting, file by file, but only the files not
  // remembered are opened.
  testing::TempDb unremembered;
  (void)run(unremembered.path(), inputs, Feed::kBytes);
  CHECK(scalar(unremembered.path(), "SELECT count(*) FROM file") == 0);
  const import::ImportStats read = run(unremembered.path(), inputs, Feed::kFiles);
  const import::ImportStats again = run(temp.path(), inputs, Feed::kFiles);
  check_same(again.total, read.total);
  REQUIRE(again.per_file.size() == inputs.size());
  REQUIRE(read.per_file.size() == inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    CAPTURE(inputs[i].first);
    check_same(again.per_file[i].counts, read.per_file[i].counts);
  }
  CHECK(again.rejects == read.rejects);
  CHECK(again.skips == read.skips);
  CHECK(again.total.imported == 0);
  CHECK(again.total.duplicates == 6);
  CHECK(read.documents == 5);  // not mail.zip's (a known message) nor the copy's (read just before)
  CHECK(again.documents == 3);  // broken.zip's two and readme.zip's report
  CHECK(scalar(temp.path(), "SELECT count(*) FROM file") == 3);
}
