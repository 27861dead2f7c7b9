// ingest_bytes: containers built in memory with libarchive's writer, unpacked and
// checked unit by unit.
#include <doctest/doctest.h>

#include "support/ingest_support.h"

TEST_CASE("archive: plain xml") {
  const auto sink = run(kReport1, {}, "a.xml");
  CHECK(sink.events == Events{"document a.xml"});
  CHECK(sink.documents.at(0).bytes == kReport1);
  CHECK(sink.documents.at(0).origin.chain == std::vector<std::string>{"a.xml"});
}

TEST_CASE("archive: xml with UTF-8 BOM and with UTF-16 BOM") {
  const std::string bom = "\xEF\xBB\xBF\r\n" + kReport2;
  auto sink = run(bom);
  CHECK(sink.events == Events{"document in"});
  CHECK(sink.documents.at(0).bytes == bom);
  const std::string utf16("\xFF\xFE<\0f\0/\0>\0", 10);
  sink = run(utf16);
  CHECK(sink.events == Events{"document in"});
  CHECK(sink.documents.at(0).bytes == utf16);
}

TEST_CASE("archive: gzip single stream") {
  const auto gz = compress(Filter::kGzip, kReport1);
  const auto sink = run(gz, {}, "r.xml.gz");
  CHECK(sink.events == Events{"document r.xml.gz"});
  CHECK(sink.documents.at(0).bytes == kReport1);
}

TEST_CASE("archive: gzip with trailing CRLF (Mimecast)") {
  const auto sink = run(compress(Filter::kGzip, kReport1) + "\r\n");
  CHECK(sink.events == Events{"document in"});
  CHECK(sink.documents.at(0).bytes == kReport1);
}

TEST_CASE("archive: gzip of gzip is one level") {
  Limits limits;
  limits.max_depth = 1;
  const auto sink =
      run(make_archive(Format::kRaw, {Filter::kGzip, Filter::kGzip}, {{"x", kReport1}}), limits);
  CHECK(sink.events == Events{"document in"});
  CHECK(sink.documents.at(0).bytes == kReport1);
}

TEST_CASE("archive: bzip2 and xz") {
  auto sink = run(compress(Filter::kBzip2, kReport1), {}, "r.xml.bz2");
  CHECK(sink.events == Events{"document r.xml.bz2"});
  CHECK(sink.documents.at(0).bytes == kReport1);
  sink = run(compress(Filter::kXz, kReport2), {}, "r.xml.xz");
  CHECK(sink.events == Events{"document r.xml.xz"});
  CHECK(sink.documents.at(0).bytes == kReport2);
}

TEST_CASE("archive: zip with two reports, a directory and a readme") {
  const auto zip = make_archive(Format::kZip, {},
                                {{"reports/", "", true},
                                 {"reports/google.com!a.jp!1!2.xml", kReport1},
                                 {"README.txt", "Reports for a.jp.\n"},
                                 {"reports/second", kReport2}});
  const auto sink = run(zip, {}, "g.zip");
  CHECK(sink.events == Events{"document g.zip" + kSep + "reports/google.com!a.jp!1!2.xml",
                              "skip g.zip" + kSep + "README.txt: text",
                              "document g.zip" + kSep + "reports/second"});
  REQUIRE(sink.documents.size() == 2);
  CHECK(sink.documents[0].bytes == kReport1);
  CHECK(sink.documents[0].origin.chain ==
        std::vector<std::string>{"g.zip", "reports/google.com!a.jp!1!2.xml"});
  CHECK(sink.documents[1].bytes == kReport2);
}

TEST_CASE("archive: a zip whose directory lists one local header twice is rejected") {
  const auto zip = make_archive(Format::kZip, {}, {{"a.xml", kReport1}, {"b.xml", kReport2}});
  const auto hiding = with_second_member_hidden(zip);
  REQUIRE(hiding != zip);
  const auto sink = run(hiding, {}, "h.zip");
  CHECK(sink.events ==
        Events{"reject h.zip: inconsistent zip: two central directory entries point at the same "
               "local header (offset 0): whatever else the zip holds would not be read"});
  CHECK(sink.codes == std::vector<ErrorCode>{ErrorCode::kCorrupt});
  CHECK(sink.raws == std::vector<std::string>{hiding});
  // The zip as written reads both members.
  CHECK(run(zip, {}, "z.zip").documents.size() == 2);

  // Found where libarchive finds the directory: just before the end record, whatever
  // the record's offset field says, and past an end-record signature planted in the
  // comment.
  std::string misplaced = hiding;
  for (std::size_t i = 0; i < 4; ++i) misplaced[misplaced.size() - 6 + i] = 0;  // offset 0
  CHECK(run(misplaced, {}, "m.zip").codes == std::vector<ErrorCode>{ErrorCode::kCorrupt});
  std::string commented = hiding;
  commented[commented.size() - 2] = 4;  // the end record's comment length
  commented += std::string("PK\x05\x06", 4);
  const auto planted = run(commented, {}, "c.zip");
  CHECK(planted.codes == std::vector<ErrorCode>{ErrorCode::kCorrupt});
  CHECK(planted.documents.empty());
}

TEST_CASE("archive: member names are reported as they are") {
  const auto zip = make_archive(Format::kZip, {}, {{"../../etc/passwd", kReport1}});
  const auto sink = run(zip);
  CHECK(sink.events == Events{"document in" + kSep + "../../etc/passwd"});
}

TEST_CASE("archive: zip holding a .xml.gz is two levels") {
  const auto zip =
      make_archive(Format::kZip, {}, {{"r.xml.gz", compress(Filter::kGzip, kReport1)}});
  auto sink = run(zip, {}, "a.zip");
  CHECK(sink.events == Events{"document a.zip" + kSep + "r.xml.gz"});
  CHECK(sink.documents.at(0).bytes == kReport1);

  Limits shallow;
  shallow.max_depth = 1;
  sink = run(zip, shallow, "a.zip");
  CHECK(sink.events ==
        Events{"reject a.zip" + kSep + "r.xml.gz: nesting deeper than 1 containers (--max-depth)"});
  CHECK(sink.codes.at(0) == ErrorCode::kLimit);
  CHECK(sink.raws.at(0) == compress(Filter::kGzip, kReport1));
}

TEST_CASE("archive: gzip inside zip inside zip is too deep by default") {
  const auto gz = compress(Filter::kGzip, kReport1);
  const auto inner = make_archive(Format::kZip, {}, {{"r.xml.gz", gz}, {"plain.xml", kReport2}});
  const auto outer = make_archive(Format::kZip, {}, {{"inner.zip", inner}});
  const auto sink = run(outer, {}, "o.zip");
  CHECK(sink.events == Events{"reject o.zip" + kSep + "inner.zip" + kSep +
                                  "r.xml.gz: nesting deeper than 2 containers (--max-depth)",
                              "document o.zip" + kSep + "inner.zip" + kSep + "plain.xml"});
  CHECK(sink.raws.at(0) == gz);
}

TEST_CASE("archive: tar.gz, tar.bz2 and tar.xz with two reports") {
  for (Filter filter : {Filter::kGzip, Filter::kBzip2, Filter::kXz}) {
    const auto tgz =
        make_archive(Format::kTar, {filter},
                     {{"dir", "", true}, {"dir/a.xml", kReport1}, {"dir/b.xml", kReport2}});
    Limits limits;
    limits.max_depth = 1;  // the filter and the tar are one open
    const auto sink = run(tgz, limits, "t.tgz");
    CHECK(sink.events ==
          Events{"document t.tgz" + kSep + "dir/a.xml", "document t.tgz" + kSep + "dir/b.xml"});
    REQUIRE(sink.documents.size() == 2);
    CHECK(sink.documents[0].bytes == kReport1);
    CHECK(sink.documents[1].bytes == kReport2);
  }
}

TEST_CASE("archive: zip inside gzip is opened one level down") {
  const auto zip = make_archive(Format::kZip, {}, {{"a.xml", kReport1}});
  const auto gz = compress(Filter::kGzip, zip);
  auto sink = run(gz, {}, "mislabelled.gz");
  CHECK(sink.events == Events{"document mislabelled.gz" + kSep + "a.xml"});
  Limits shallow;
  shallow.max_depth = 1;
  sink = run(gz, shallow, "mislabelled.gz");
  CHECK(sink.events ==
        Events{"reject mislabelled.gz: nesting deeper than 1 containers (--max-depth)"});
  CHECK(sink.raws.at(0) == gz);
}

TEST_CASE("archive: truncated gzip") {
  std::string report = "<feedback>";
  for (int i = 0; i < 2000; ++i)
    report += "<record><row>" + std::to_string(i * 7919) + "</row></record>";
  const auto gz = compress(Filter::kGzip, report);
  const auto cut = gz.substr(0, gz.size() / 2);
  const auto sink = run(cut, {}, "t.gz");
  REQUIRE(sink.events.size() == 1);
  // libarchive decompresses ahead while opening, so the error may come from the open
  // ("cannot open gzip stream: truncated gzip input") or from reading.
  CHECK(sink.events[0].rfind("reject t.gz: cannot ", 0) == 0);
  CHECK(sink.events[0].find("gzip stream: ") != std::string::npos);
  CHECK(sink.codes.at(0) == ErrorCode::kCorrupt);
  CHECK(sink.raws.at(0) == cut);
}

TEST_CASE("archive: gzip header only") {
  const auto gz = compress(Filter::kGzip, kReport1);
  const auto sink = run(gz.substr(0, 10));
  REQUIRE(sink.events.size() == 1);
  CHECK(sink.events[0].rfind("reject in: ", 0) == 0);
  CHECK(sink.codes.at(0) == ErrorCode::kCorrupt);
}

TEST_CASE("archive: truncated zip") {
  std::string big;
  for (int i = 0; i < 3000; ++i) big += std::to_string(i * 104729 % 65521) + ",";
  const auto zip = make_archive(
      Format::kZip, {}, {{"a.xml", kReport1}, {"b.xml", "<feedback>" + big + "</feedback>"}});
  const auto cut = zip.substr(0, zip.size() - 2000);
  const auto sink = run(cut, {}, "z.zip");
  // The central directory is gone; the streaming reader still delivers the first
  // member and rejects the one that was cut.
  REQUIRE(sink.events.size() == 2);
  CHECK(sink.events[0] == "document z.zip" + kSep + "a.xml");
  CHECK(sink.events[1].rfind("reject z.zip" + kSep + "b.xml: cannot read zip archive member: ",
                             0) == 0);
  CHECK(sink.codes.at(0) == ErrorCode::kCorrupt);
}

TEST_CASE("archive: garbage after a zip signature") {
  const std::string bytes = std::string("PK\x03\x04", 4) + std::string(40, '\x7f');
  const auto sink = run(bytes, {}, "bad.zip");
  REQUIRE(sink.events.size() == 1);
  CHECK(sink.events[0].rfind("reject bad.zip: cannot read zip archive: ", 0) == 0);
  CHECK(sink.codes.at(0) == ErrorCode::kCorrupt);
  CHECK(sink.raws.at(0) == bytes);
}

TEST_CASE("archive: gzip whose payload is not a report (Yahoo's \"unused\")") {
  const auto gz = compress(Filter::kGzip, "unused");
  auto sink = run(gz, {}, "y.xml.gz");
  CHECK(sink.events ==
        Events{"reject y.xml.gz: compressed payload is not an XML document (looks like text)"});
  CHECK(sink.codes.at(0) == ErrorCode::kInvalid);
  CHECK(sink.raws.at(0) == gz);
  sink = run(compress(Filter::kGzip, std::string("\x89PNG\r\n\x1a\n\0", 9)));
  CHECK(sink.events ==
        Events{"reject in: compressed payload is not an XML document (looks like binary data)"});
  sink = run(compress(Filter::kGzip, ""));
  CHECK(sink.events == Events{"reject in: compressed payload is empty"});
}

TEST_CASE("archive: empty file, empty member, text and binary at the top level") {
  auto sink = run("", {}, "e.xml");
  CHECK(sink.events == Events{"reject e.xml: empty file"});
  CHECK(sink.codes.at(0) == ErrorCode::kInvalid);
  sink = run("Hello,\nthis is not a report.\n", {}, "notes.txt");
  CHECK(sink.events == Events{"skip notes.txt: text"});
  sink = run(std::string("\x89PNG\r\n\x1a\n\0\0", 10), {}, "logo.png");
  CHECK(sink.events == Events{"skip logo.png: binary data"});
  // Bytes decide; a report-like name only turns "not a report" into "a broken report".
  sink = run(std::string("\x89PNG\r\n\x1a\n\0\0", 10), {}, "a.xml.gz");
  CHECK(
      sink.events ==
      Events{"reject a.xml.gz: named like a report but holds binary data, not XML or an archive"});
  CHECK(sink.raws.at(0).size() == 10);
  sink = run("unused", {}, "REPORT.ZIP");
  CHECK(sink.events ==
        Events{"reject REPORT.ZIP: named like a report but holds text, not XML or an archive"});
  sink = run(make_archive(Format::kZip, {}, {{"b.xml", "unused\n"}, {"notes", "unused\n"}}), {},
             "z.zip");
  CHECK(sink.events ==
        Events{"reject z.zip" + kSep +
                   "b.xml: named like a report but holds text, not XML or an archive",
               "skip z.zip" + kSep + "notes: text"});
  sink = run(make_archive(Format::kZip, {}, {{"a.xml", ""}}), {}, "z.zip");
  CHECK(sink.events == Events{"reject z.zip" + kSep + "a.xml: empty archive member"});
  sink = run(make_archive(Format::kZip, {}, {{"d/", "", true}}), {}, "z.zip");
  CHECK(sink.events == Events{"reject z.zip: archive holds no files"});
}

TEST_CASE("archive: max_document_bytes") {
  Limits limits;
  limits.max_document_bytes = 40;
  const std::string message = "document exceeds the size limit of 40 bytes (--max-document-size)";
  auto sink = run(kReport1, limits, "a.xml");  // plain files too
  CHECK(sink.events == Events{"reject a.xml: " + message});
  CHECK(sink.codes.at(0) == ErrorCode::kLimit);
  CHECK(sink.raws.at(0) == kReport1);

  const auto gz = compress(Filter::kGzip, kReport1);
  sink = run(gz, limits, "a.gz");
  CHECK(sink.events == Events{"reject a.gz: " + message});
  CHECK(sink.raws.at(0) == gz);

  // Bigger than one read chunk, so the limit is hit while streaming.
  limits.max_document_bytes = 100000;
  const auto tgz = make_archive(Format::kTar, {Filter::kGzip},
                                {{"big.xml", "<" + std::string(200000, 'x')}, {"b.xml", kReport2}});
  sink = run(tgz, limits, "t.tgz");
  CHECK(sink.events == Events{"reject t.tgz" + kSep +
                                  "big.xml: document exceeds the size limit of 100000 bytes "
                                  "(--max-document-size)",
                              "document t.tgz" + kSep + "b.xml"});
  sink = run(compress(Filter::kGzip, "<" + std::string(200000, 'x')), limits, "x.gz");
  CHECK(sink.events == Events{"reject x.gz: document exceeds the size limit of 100000 bytes "
                              "(--max-document-size)"});
}

TEST_CASE("archive: max_members") {
  std::vector<Member> members;
  for (int i = 0; i < 5; ++i) members.push_back({"r" + std::to_string(i) + ".xml", kReport2});
  const auto zip = make_archive(Format::kZip, {}, members);
  Limits limits;
  limits.max_members = 3;
  const auto sink = run(zip, limits, "m.zip");
  CHECK(sink.events == Events{"document m.zip" + kSep + "r0.xml",
                              "document m.zip" + kSep + "r1.xml",
                              "document m.zip" + kSep + "r2.xml",
                              "reject m.zip: archive has more than 3 members (--max-members)"});
  CHECK(sink.codes.at(0) == ErrorCode::kLimit);
  CHECK(sink.raws.at(0) == zip);
}

TEST_CASE("archive: raw bytes over max_input_bytes are not kept") {
  Limits limits;
  limits.max_input_bytes = 10;
  const auto sink = run(compress(Filter::kGzip, "unused"), limits);
  // The input itself is over the limit: rejected before unpacking.
  CHECK(sink.events ==
        Events{"reject in: input is larger than the limit of 10 bytes (--max-input-size)"});
  CHECK(sink.raws.at(0).empty());
}

TEST_CASE("archive: expansion ratio bomb") {
  // Zeros alone would be read as an empty tar (two zero blocks end a tar), so the
  // payload starts like XML.
  const std::string zeros = "<" + std::string((40u << 20) - 1, '\0');
  const auto bomb = make_archive(Format::kRaw, {Filter::kGzip, Filter::kGzip}, {{"z", zeros}});
  CHECK(bomb.size() < 20000);
  auto sink = run(bomb, {}, "bomb.gz");
  CHECK(sink.events ==
        Events{"reject bomb.gz: expansion ratio above 1000:1 (--max-expansion-ratio), "
               "possible decompression bomb"});
  CHECK(sink.codes.at(0) == ErrorCode::kLimit);
  CHECK(sink.raws.at(0) == bomb);

  // Inside a zip: the member before it is delivered, nothing after it is read.
  const auto zip =
      make_archive(Format::kZip, {}, {{"a.xml", kReport1}, {"bomb.gz", bomb}, {"b.xml", kReport2}});
  sink = run(zip, {}, "z.zip");
  CHECK(sink.events == Events{"document z.zip" + kSep + "a.xml",
                              "reject z.zip" + kSep +
                                  "bomb.gz: expansion ratio above 1000:1 "
                                  "(--max-expansion-ratio), possible decompression bomb"});
  CHECK(sink.raws.at(0) == bomb);

  // Pure zeros are an empty tar.gz: nothing is inflated beyond the first blocks.
  sink = run(make_archive(Format::kRaw, {Filter::kGzip}, {{"z", std::string(1 << 20, '\0')}}));
  CHECK(sink.events == Events{"reject in: archive holds no files"});

  // Below the 16 MiB floor a high ratio is fine.
  Limits strict;
  strict.max_expansion_ratio = 2;
  sink = run(compress(Filter::kGzip, "<" + std::string(1 << 20, ' ')), strict);
  CHECK(sink.events == Events{"document in"});
}
