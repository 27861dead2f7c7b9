// Reports inside mail: every MIME shape reporters use, forwarding, and the messages
// that carry no aggregate report.
#include <doctest/doctest.h>

#include "support/ingest_support.h"

namespace {

const std::string kSep2 = " \xE2\x80\xBA ";

// A message with the given extra headers and body (LF line ends unless `eol`).
std::string mail(const std::string& headers, const std::string& body, const char* eol = "\n") {
  std::string text =
      "From: reporter@example.org\nTo: rua@example.com\nDate: Mon, 16 Nov 2026 10:00:00 +0000\n" +
      headers + "\n" + body;
  if (std::string(eol) == "\n") return text;
  std::string crlf;
  for (char c : text) {
    if (c == '\n')
      crlf += "\r\n";
    else
      crlf += c;
  }
  return crlf;
}

std::string multipart(const std::string& boundary, const std::vector<std::string>& parts) {
  std::string body = "This is a multi-part message in MIME format.\n";
  for (const std::string& part : parts) body += "--" + boundary + "\n" + part;
  return body + "--" + boundary + "--\n";
}

std::string attachment(const std::string& type_line, const std::string& data,
                       const std::string& disposition = "attachment") {
  return "Content-Type: " + type_line +
         "\nContent-Transfer-Encoding: base64\n"
         "Content-Disposition: " +
         disposition + "\n\n" + base64_lines(data) + "\n";
}

const std::string kText =
    "Content-Type: text/plain; charset=utf-8\n\nThis is an aggregate report.\n\n";

RecordingSink run_mail(const std::string& bytes, const Limits& limits = {}) {
  RecordingSink sink;
  ingest_bytes(Origin{{"m.eml"}}, bytes, limits, sink);
  return sink;
}

}  // namespace

TEST_CASE("mime: Google zip, Microsoft gzip, Yahoo x-gzip, SES octet-stream with RFC 2231 name") {
  const std::string zip = make_archive(Format::kZip, {}, {{"google.com!a.jp!1!2.xml", kReport1}});
  const std::string gz = compress(Filter::kGzip, kReport2);
  const std::string message = mail(
      "Message-ID: <g1@google.com>\nSubject: Report domain: a.jp Submitter: google.com\n"
      "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n",
      multipart("b1", {kText,
                       attachment("application/zip; name=\"google.com!a.jp!1!2.zip\"", zip,
                                  "attachment; filename=\"google.com!a.jp!1!2.zip\""),
                       attachment("application/gzip", gz, "attachment; filename=\"ms.xml.gz\""),
                       attachment("application/x-gzip; name=\"yahoo.xml.gz\"", gz + "x"),
                       attachment("application/octet-stream;\n "
                                  "name*0=\"amazonses.com!a.jp!1!2.xm\";\n name*1=\"l.gz\"",
                                  compress(Filter::kGzip, kReport1 + " "))}));
  const auto sink = run_mail(message);
  const std::string m = "m.eml" + kSep2 + "message <g1@google.com>";
  CHECK(sink.events ==
        Events{
            "message " + m,
            "document " + m + kSep2 + "google.com!a.jp!1!2.zip" + kSep2 + "google.com!a.jp!1!2.xml",
            "document " + m + kSep2 + "ms.xml.gz", "document " + m + kSep2 + "yahoo.xml.gz",
            "document " + m + kSep2 + "amazonses.com!a.jp!1!2.xml.gz", "end"});
  CHECK(sink.documents.at(0).bytes == kReport1);
  CHECK(sink.documents.at(1).bytes == kReport2);
  CHECK(sink.documents.at(2).bytes == kReport2);  // trailing garbage after gzip ignored
  CHECK(sink.documents.at(3).bytes == kReport1 + " ");
}

TEST_CASE("mime: inline gzip, RFC 2047 file name, quoted-printable XML, multipart/alternative") {
  const std::string qp_xml = "<?xml version=3D\"1.0\"?>\n<feedback><id>qp=\n</id></feedback>\n";
  const std::string message = mail(
      "Message-ID: <f1@fastmail>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; "
      "boundary=\"alt\"\n",
      multipart("alt", {kText,
                        attachment("application/gzip", compress(Filter::kGzip, kReport1),
                                   "inline; filename=\"=?UTF-8?B?44Os44Od44O844OILnhtbC5neg==?=\""),
                        "Content-Type: text/xml\nContent-Transfer-Encoding: quoted-printable\n"
                        "Content-Disposition: attachment; filename=\"gmx.xml\"\n\n" +
                            qp_xml}));
  const auto sink = run_mail(message);
  const std::string m = "m.eml" + kSep2 + "message <f1@fastmail>";
  CHECK(sink.events ==
        Events{"message " + m,
               "document " + m + kSep2 + "\xE3\x83\xAC\xE3\x83\x9D\xE3\x83\xBC\xE3\x83\x88.xml.gz",
               "document " + m + kSep2 + "gmx.xml", "end"});
  // The line break before the boundary belongs to the boundary (RFC 2046).
  CHECK(sink.documents.at(1).bytes == "<?xml version=\"1.0\"?>\n<feedback><id>qp</id></feedback>");
}

TEST_CASE("mime: Mimecast single-part gzip body with CRLF, CRLF message") {
  const std::string gz = compress(Filter::kGzip, kReport1) + "\r\n";
  const std::string message = mail(
      "Message-ID: <m1@mimecast>\nMIME-Version: 1.0\nContent-Type: application/gzip\n"
      "Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"a.zip\"\n",
      base64_lines(gz), "\r\n");
  const auto sink = run_mail(message);
  const std::string m = "m.eml" + kSep2 + "message <m1@mimecast>";
  CHECK(sink.events == Events{"message " + m, "document " + m + kSep2 + "a.zip", "end"});
  CHECK(sink.documents.at(0).bytes == kReport1);
}

TEST_CASE("mime: Trustwave's 'ContentType:' typo still finds the gzip by its bytes") {
  const std::string message = mail(
      "Message-ID: <t1@trustwave>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
      "boundary=\"tw\"\n",
      multipart("tw", {kText,
                       "ContentType: application/gzip\nContent-Transfer-Encoding: base64\n"
                       "Content-Disposition: attachment; filename=\"r.xml.gz\"\n\n" +
                           base64_lines(compress(Filter::kGzip, kReport2)) + "\n"}));
  const auto sink = run_mail(message);
  REQUIRE(sink.documents.size() == 1);
  CHECK(sink.documents.at(0).bytes == kReport2);
}

TEST_CASE("mime: a report pasted as the body; text bodies that are not XML are ignored") {
  auto sink = run_mail(mail("Message-ID: <p1@x>\nSubject: report\n", kReport1));
  const std::string m = "m.eml" + kSep2 + "message <p1@x>";
  CHECK(sink.events ==
        Events{"message " + m, "document " + m + kSep2 + "body (text/plain)", "end"});
  sink = run_mail(mail("Message-ID: <p2@x>\nSubject: hello\n", "Hello, no report here.\n"));
  CHECK(sink.events == Events{"message m.eml" + kSep2 + "message <p2@x>", "end: not a report"});
}

TEST_CASE("mime: forwarded reports, two levels deep, and the depth limit") {
  const std::string report_mail = mail(
      "Message-ID: <inner@google.com>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
      "boundary=\"in\"\n",
      multipart("in", {kText, attachment("application/zip",
                                         make_archive(Format::kZip, {}, {{"r.xml", kReport1}}),
                                         "attachment; filename=\"r.zip\"")}));
  const std::string forward1 = mail(
      "Message-ID: <fw1@o365>\nSubject: FW: report\nMIME-Version: 1.0\nContent-Type: "
      "multipart/mixed; boundary=\"f1\"\n",
      multipart("f1", {kText, "Content-Type: message/rfc822\n\n" + report_mail + "\n"}));
  const std::string forward2 = mail(
      "Message-ID: <fw2@o365>\nSubject: FW: FW: report\nMIME-Version: 1.0\nContent-Type: "
      "multipart/mixed; boundary=\"f2\"\n",
      multipart("f2", {kText, "Content-Type: message/rfc822\n\n" + forward1 + "\n"}));
  auto sink = run_mail(forward2);
  const std::string m = "m.eml" + kSep2 + "message <fw2@o365>" + kSep2 +
                        "forwarded message <fw1@o365>" + kSep2 +
                        "forwarded message <inner@google.com>";
  CHECK(sink.events == Events{"message m.eml" + kSep2 + "message <fw2@o365>",
                              "document " + m + kSep2 + "r.zip" + kSep2 + "r.xml", "end"});
  Limits shallow;
  shallow.max_message_depth = 1;
  sink = run_mail(forward2, shallow);
  CHECK(sink.events ==
        Events{"message m.eml" + kSep2 + "message <fw2@o365>",
               "reject m.eml" + kSep2 + "message <fw2@o365>" + kSep2 +
                   "forwarded message <fw1@o365>" + kSep2 +
                   "forwarded message <inner@google.com>: forwarded messages nested deeper "
                   "than 1 (--max-message-depth)",
               "end"});
}

TEST_CASE("mime: mail without an aggregate report is counted by kind") {
  const std::string arf = mail(
      "Message-ID: <arf@x>\nMIME-Version: 1.0\nContent-Type: multipart/report; "
      "report-type=feedback-report; boundary=\"r\"\n",
      multipart(
          "r",
          {kText,
           "Content-Type: message/feedback-report\n\nFeedback-Type: auth-failure\nVersion: 1\n\n",
           "Content-Type: text/rfc822-headers\n\nFrom: x@example.com\nSubject: spoof\n\n"}));
  CHECK(run_mail(arf).events.back() == "end: failure report (ARF)");
  const std::string tls = mail(
      "Message-ID: <tls@x>\nTLS-Report-Domain: example.com\nMIME-Version: 1.0\nContent-Type: "
      "multipart/report; report-type=tlsrpt; boundary=\"t\"\n",
      multipart(
          "t", {kText,
                attachment("application/tlsrpt+gzip", compress(Filter::kGzip, "{\"policies\": []}"),
                           "attachment; filename=\"google.com!example.com!1!2!001.json.gz\"")}));
  CHECK(run_mail(tls).events ==
        Events{"message m.eml" + kSep2 + "message <tls@x>", "end: TLS report (TLS-RPT)"});
  const std::string dsn = mail(
      "Message-ID: <dsn@x>\nMIME-Version: 1.0\nContent-Type: multipart/report; "
      "report-type=delivery-status; boundary=\"d\"\n",
      multipart(
          "d",
          {kText,
           "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"}));
  CHECK(run_mail(dsn).events.back() == "end: delivery status notification");
  const std::string spam = mail(
      "Message-ID: <spam@x>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; "
      "boundary=\"s\"\n",
      multipart("s", {"Content-Type: text/plain\n\nBuy now\n",
                      "Content-Type: text/html\n\n<html><body>Buy</body></html>\n",
                      attachment("image/png; name=\"logo.png\"", "\x89PNG\r\n\x1a\n....")}));
  CHECK(run_mail(spam).events ==
        Events{"message m.eml" + kSep2 + "message <spam@x>", "end: not a report"});
}

TEST_CASE("mime: broken report attachments are rejected, the message still had a report") {
  const std::string gz = compress(Filter::kGzip, kReport1);
  const std::string message =
      mail("Message-ID: <b1@x>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n",
           multipart("b", {attachment("application/gzip", gz.substr(0, gz.size() / 2),
                                      "attachment; filename=\"cut.xml.gz\""),
                           attachment("application/octet-stream", "\x01\x02garbage",
                                      "attachment; filename=\"r.xml.gz\"")}));
  const auto sink = run_mail(message);
  REQUIRE(sink.events.size() == 4);
  CHECK(sink.events[1].rfind("reject m.eml" + kSep2 + "message <b1@x>" + kSep2 + "cut.xml.gz: ",
                             0) == 0);
  CHECK(sink.events[2] ==
        "reject m.eml" + kSep2 + "message <b1@x>" + kSep2 +
            "r.xml.gz: named like a report but holds binary data, not XML or an archive");
  CHECK(sink.events[3] == "end");
}

TEST_CASE("mime: an mbox in memory (inside an archive) and oversized messages") {
  const std::string mbox = "From a Mon Nov 16 10:00:00 2026\n" +
                           mail("Message-ID: <1@x>\n", kReport1) + "\n" +
                           "From b Mon Nov 16 10:00:00 2026\n" +
                           mail("Message-ID: <2@x>\n", std::string(3000, 'z') + "\n");
  const std::string zip = make_archive(Format::kZip, {}, {{"Takeout/Mail/All.mbox", mbox}});
  Limits small;
  small.max_message_bytes = 1000;
  RecordingSink sink;
  ingest_bytes(Origin{{"takeout.zip"}}, zip, small, sink);
  const std::string box = "takeout.zip" + kSep2 + "Takeout/Mail/All.mbox";
  CHECK(sink.events ==
        Events{"message " + box + kSep2 + "message 1 <1@x>",
               "document " + box + kSep2 + "message 1 <1@x>" + kSep2 + "body (text/plain)", "end",
               "message " + box + kSep2 + "message 2",
               "reject " + box + kSep2 +
                   "message 2: message exceeds the size limit of 1000 bytes "
                   "(--max-message-size)",
               "end"});
}

// A sink that holds the second message already: it skips it before anything of it is
// decoded, and sees the others' bytes twice, the same bytes.
struct SkippingSink : RecordingSink {
  std::vector<std::string_view> asked;
  bool skip_known_message(std::string_view raw) override {
    asked.push_back(raw);
    const bool known = raw.find("<2@x>") != std::string_view::npos;
    events.push_back(known ? "known" : "asked");
    return known;
  }
  bool on_message_start(const Origin& origin, std::string_view raw) override {
    CHECK(
        (!asked.empty() && raw.data() == asked.back().data() && raw.size() == asked.back().size()));
    return RecordingSink::on_message_start(origin, raw);
  }
};

TEST_CASE(
    "mime: a known message is skipped before its headers are read; the others announced with the "
    "same bytes") {
  const std::string mbox =
      "From a Mon Nov 16 10:00:00 2026\n" + mail("Message-ID: <1@x>\n", kReport1) + "\n" +
      "From b Mon Nov 16 10:00:00 2026\n" + mail("Message-ID: <2@x>\n", kReport2 + "\n") + "\n" +
      "From c Mon Nov 16 10:00:00 2026\n" + mail("Message-ID: <3@x>\n", kReport1);
  Limits small;
  small.max_message_bytes = 1000;
  SkippingSink sink;
  ingest_bytes(Origin{{"in.mbox"}}, mbox, small, sink);
  const std::string box = "in.mbox";
  CHECK(sink.events ==
        Events{"asked", "message " + box + kSep2 + "message 1 <1@x>",
               "document " + box + kSep2 + "message 1 <1@x>" + kSep2 + "body (text/plain)", "end",
               "known", "asked", "message " + box + kSep2 + "message 3 <3@x>",
               "document " + box + kSep2 + "message 3 <3@x>" + kSep2 + "body (text/plain)", "end"});
  // A message over the size limit is unreadable: announced without bytes, never asked.
  const std::string big = "From d Mon Nov 16 10:00:00 2026\n" +
                          mail("Message-ID: <4@x>\n", std::string(3000, 'z') + "\n");
  SkippingSink unread;
  unread.asked.push_back({});  // what on_message_start's empty bytes match
  ingest_bytes(Origin{{"big.mbox"}}, big, small, unread);
  CHECK(unread.asked.size() == 1);
  CHECK(unread.events.front() == "message big.mbox" + kSep2 + "message 1");
}

namespace {

// An mbox of `count` report mails, each with its own gzip attachment: a few dozen of
// them fit in one chunk that the unpacker reads, so attachments are unpacked while
// the rest of that chunk still waits to be split.
std::string report_mbox(int count) {
  std::string mbox;
  for (int i = 1; i <= count; ++i) {
    const std::string report =
        "<feedback><id>" + std::to_string(i) + "</id>" + std::string(200, ' ') + "</feedback>";
    mbox +=
        "From r Mon Nov 16 10:00:00 2026\n" +
        mail("Message-ID: <" + std::to_string(i) +
                 "@x>\nMIME-Version: 1.0\n"
                 "Content-Type: multipart/mixed; boundary=\"b\"\n",
             multipart("b", {kText, attachment("application/gzip", compress(Filter::kGzip, report),
                                               "attachment; filename=\"r.xml.gz\"")})) +
        "\n";
  }
  return mbox;
}

// The events of `sink` with `from` at the start of each origin replaced by `to`.
Events rebased(const RecordingSink& sink, const std::string& from, const std::string& to) {
  Events out;
  for (std::string event : sink.events) {
    const std::size_t at = event.find(from);
    if (at != std::string::npos) event.replace(at, from.size(), to);
    out.push_back(event);
  }
  return out;
}

}  // namespace

TEST_CASE(
    "mime: an mbox in a zip, a tar.gz or a gzip is split as it inflates, past the document limit") {
  const std::string mbox = report_mbox(600);
  Limits limits;
  limits.max_document_bytes = 4096;  // the mbox is 75 times that
  REQUIRE(mbox.size() > 60 * limits.max_document_bytes);
  RecordingSink whole;  // a top-level mbox in memory: split from one buffer
  ingest_bytes(Origin{{"box"}}, mbox, limits, whole);
  REQUIRE(whole.documents.size() == 600);
  CHECK(whole.codes.empty());

  const std::vector<std::pair<std::string, std::string>> containers = {
      {"takeout.zip", make_archive(Format::kZip, {}, {{"Takeout/Mail/All mail.mbox", mbox}})},
      {"takeout.tgz",
       make_archive(Format::kTar, {Filter::kGzip}, {{"Takeout/Mail/All mail.mbox", mbox}})},
      {"All mail.mbox.gz", compress(Filter::kGzip, mbox)},
  };
  for (const auto& [name, bytes] : containers) {
    CAPTURE(name);
    RecordingSink sink;
    ingest_bytes(Origin{{name}}, bytes, limits, sink);
    const std::string box =
        name.ends_with(".gz") ? name : name + kSep2 + "Takeout/Mail/All mail.mbox";
    CHECK(rebased(sink, box, "box") == whole.events);
    REQUIRE(sink.documents.size() == whole.documents.size());
    for (std::size_t i = 0; i < sink.documents.size(); ++i) {
      CHECK(sink.documents[i].bytes == whole.documents[i].bytes);
    }
  }
}

TEST_CASE("mime: a truncated mbox.gz keeps the messages before the cut and says where it stopped") {
  const std::string gz = compress(Filter::kGzip, report_mbox(600));
  const auto sink = run_mail(gz.substr(0, gz.size() / 2));
  REQUIRE(!sink.events.empty());
  INFO(sink.events);
  CHECK(sink.documents.size() >= 100);
  CHECK(sink.documents.size() < 600);
  CHECK(sink.events.back().starts_with("reject m.eml" + kSep2 + "after message "));
  CHECK(sink.events.back().find(": cannot read gzip stream: ") != std::string::npos);
  CHECK(sink.codes.back() == ErrorCode::kCorrupt);
}
