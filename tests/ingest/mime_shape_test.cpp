// Counting what GMime would build for a message, in its raw bytes: header fields,
// parts, parameters and nesting, and the rejects of messages over the caps.
#include "ingest/mime_shape.h"

#include <doctest/doctest.h>

#include "support/ingest_support.h"

namespace {

using dmarcq::ingest::measure_mime_shape;
using dmarcq::ingest::mime_shape_violation;
using dmarcq::ingest::MimeShape;

const std::string kHead =
    "From: reporter@example.org\nTo: rua@example.com\nSubject: Report\n"
    "Date: Mon, 16 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n";

// `depth` multiparts one inside the other, a gzip attachment in the innermost.
std::string nested_multiparts(int depth, const std::string& attachment) {
  std::string head = kHead + "Content-Type: multipart/mixed; boundary=\"b0\"\n\n";
  std::string tail;
  for (int level = 1; level < depth; ++level) {
    const std::string outer = "b" + std::to_string(level - 1);
    const std::string inner = "b" + std::to_string(level);
    head += "--" + outer + "\nContent-Type: multipart/mixed; boundary=\"" + inner + "\"\n\n";
    tail = "--" + outer + "--\n" + tail;
  }
  const std::string last = "b" + std::to_string(depth - 1);
  return head + "--" + last +
         "\nContent-Type: application/gzip\nContent-Transfer-Encoding: base64\n"
         "Content-Disposition: attachment; filename=\"r.xml.gz\"\n\n" +
         base64_lines(attachment) + "\n--" + last + "--\n" + tail;
}

MimeShape shape_of(const std::string& message, const Limits& limits = {}) {
  return measure_mime_shape(message, limits);
}

RecordingSink run_mail(const std::string& bytes, const Limits& limits = {}) {
  RecordingSink sink;
  ingest_bytes(Origin{{"m.eml"}}, bytes, limits, sink);
  return sink;
}

}  // namespace

TEST_CASE("mime shape: a report mail is small on every count") {
  const std::string message = kHead +
                              "Content-Type: multipart/mixed; boundary=\"==b==\"\n\n"
                              "preamble\n--==b==\nContent-Type: text/plain; charset=utf-8\n\n"
                              "A report.\n--==b==\nContent-Type: application/zip; name=r.zip\n"
                              "Content-Disposition: attachment;\n filename=r.zip\n\nUEsDBA==\n"
                              "--==b==--\nepilogue\n";
  const MimeShape shape = shape_of(message);
  CHECK(shape.header_fields == 5 + 1 + 1 + 2);
  CHECK(shape.parts == 3);
  CHECK(shape.list_items == 1 + 1 + 1 + 1 + 1);  // Date's ',' and four ';'
  CHECK(shape.depth == 1);
  CHECK_FALSE(mime_shape_violation(shape, Limits{}));
}

TEST_CASE("mime shape: CRLF line ends and case-blind field names count the same") {
  std::string message = kHead + "CONTENT-TYPE: Multipart/Mixed; BOUNDARY=x\n\n--x\n\nbody\n--x--\n";
  const MimeShape lf = shape_of(message);
  std::string crlf;
  for (char c : message) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const MimeShape with_crlf = shape_of(crlf);
  CHECK(lf.parts == 2);
  CHECK(lf.depth == 1);
  CHECK(with_crlf.parts == lf.parts);
  CHECK(with_crlf.header_fields == lf.header_fields);
}

TEST_CASE("mime shape: header fields of the message, its parts and forwarded messages") {
  std::string many = kHead;
  for (int i = 0; i < 10001; ++i) many += "X-A: 1\n";
  CHECK(shape_of(many + "\nbody\n").header_fields > 10000);
  const auto why = mime_shape_violation(shape_of(many + "\nbody\n"), Limits{});
  REQUIRE(why);
  CHECK(*why == "message has more than 10000 header fields (--max-mime-headers)");

  // The same fields inside a forwarded message count too; folded lines do not.
  std::string forwarded = kHead + "Content-Type: message/rfc822\n\n" + kHead;
  for (int i = 0; i < 100; ++i) forwarded += "Received: from a\n by b;\n\tMon, 16 Nov 2026\n";
  const MimeShape inner = shape_of(forwarded + "\nbody\n");
  CHECK(inner.header_fields == 5 + 1 + 5 + 100);
  CHECK(inner.parts == 2);
  CHECK(inner.depth == 1);
  CHECK(inner.list_items == 1 + 1 + 100 * 2);
}

TEST_CASE("mime shape: empty parts, parameters and addresses are counted") {
  std::string parts = kHead + "Content-Type: multipart/mixed; boundary=b\n\n";
  for (int i = 0; i < 1000; ++i) parts += "--b\n\n";
  CHECK(shape_of(parts).parts == 1001);
  CHECK(*mime_shape_violation(shape_of(parts), Limits{}) ==
        "message has more than 1000 MIME parts (--max-mime-parts)");

  std::string parameters = kHead + "Content-Type: application/gzip";
  for (int i = 0; i < 10000; ++i) parameters += "; a=b";
  CHECK(*mime_shape_violation(shape_of(parameters + "\n\nx\n"), Limits{}) ==
        "message has more than 10000 header parameters and addresses (--max-mime-parameters)");

  std::string addresses = kHead + "Cc: a@b";
  for (int i = 0; i < 10000; ++i) addresses += ",a@b";
  CHECK(mime_shape_violation(shape_of(addresses + "\n\nx\n"), Limits{}));
}

TEST_CASE("mime shape: nesting is counted by boundaries, siblings do not add up") {
  CHECK(shape_of(nested_multiparts(5, "x")).depth == 5);
  CHECK(shape_of(nested_multiparts(33, "x")).depth == 33);
  CHECK(*mime_shape_violation(shape_of(nested_multiparts(33, "x")), Limits{}) ==
        "message has more than 32 levels of nested parts (--max-mime-depth)");

  // Forty multiparts side by side, each closed before the next opens.
  std::string siblings = kHead + "Content-Type: multipart/mixed; boundary=top\n\n";
  for (int i = 0; i < 40; ++i) {
    const std::string inner = "in" + std::to_string(i);
    siblings += "--top\nContent-Type: multipart/alternative; boundary=" + inner + "\n\n--" + inner +
                "\n\ntext\n--" + inner + "--\n";
  }
  siblings += "--top--\n";
  const MimeShape shape = shape_of(siblings);
  CHECK(shape.depth == 2);
  CHECK(shape.parts == 1 + 40 * 2);
}

TEST_CASE("mime shape: a boundary it cannot be sure of makes every '--' line a boundary") {
  // RFC 2231 continuations: GMime joins them; the scan does not try, and counts more.
  const std::string body = "--ab\nX-A: 1\n\n--ab\nX-A: 1\n\nx\n";
  const std::string split =
      kHead + "Content-Type: multipart/mixed; boundary*0=a; boundary*1=b\n\n" + body;
  const MimeShape shape = shape_of(split);
  CHECK(shape.parts == 3);
  CHECK(shape.header_fields == 5 + 1 + 2);

  const std::string plain = kHead + "Content-Type: multipart/mixed; boundary=ab\n\n" + body;
  CHECK(shape_of(plain).parts == 3);
  // A quoted boundary keeps its case and its escapes; lines of another case are text.
  const std::string quoted = kHead + "Content-Type: multipart/mixed; boundary=\"A\\\"b\"\n\n" +
                             "--a\"b\nX-A: 1\n\n--A\"b\nX-B: 1\n\n";
  CHECK(shape_of(quoted).parts == 2);
}

TEST_CASE("mime shape: a message over a cap is rejected as a limit with its bytes kept") {
  const std::string gz = compress(Filter::kGzip, kReport1);
  // 1,025 levels: past GMime's own 1,024, where the report would have vanished.
  for (int depth : {33, 1025}) {
    const std::string message = nested_multiparts(depth, gz);
    const auto sink = run_mail(message);
    CAPTURE(depth);
    REQUIRE(sink.events.size() == 3);
    CHECK(sink.events[1] ==
          "reject m.eml \xE2\x80\xBA message: message has more than 32 levels "
          "of nested parts (--max-mime-depth)");
    CHECK(sink.codes == std::vector<ErrorCode>{ErrorCode::kLimit});
    CHECK(sink.raws == std::vector<std::string>{message});
  }
  // Within the caps the same shape imports.
  Limits deep;
  deep.max_mime_depth = 40;
  const auto sink = run_mail(nested_multiparts(33, gz), deep);
  REQUIRE(sink.documents.size() == 1);
  CHECK(sink.documents[0].bytes == kReport1);
}

TEST_CASE("mime shape: what GMime reads as a multipart or a part is never missed") {
  const std::string parts = "--a\nX-A: 1\n\n--a\nX-A: 1\n\n--a\nX-A: 1\n\n";
  // A line that only starts like the closing boundary closes nothing for GMime.
  const std::string not_closed =
      kHead + "Content-Type: multipart/mixed; boundary=a\n\n" + "--a\n\n--a--junk\n" + parts;
  CHECK(shape_of(not_closed).parts >= 5);
  CHECK(shape_of(not_closed).header_fields >= 5 + 1 + 3);
  // Comments and spaces around the type.
  for (const char* type : {"(c) multipart/mixed; boundary=a", "multipart / mixed; boundary=a",
                           "MULTIPART/Mixed (x); boundary=a"}) {
    CAPTURE(type);
    CHECK(shape_of(kHead + "Content-Type: " + type + "\n\n" + parts).parts == 4);
  }
  // A Content-Type too long to keep whole still says multipart.
  const std::string padded = kHead + "Content-Type: multipart/mixed; boundary=a; x=\"" +
                             std::string(5000, 'x') + "\"\n\n" + parts;
  CHECK(shape_of(padded).parts == 4);
  // In a multipart/digest a part without a Content-Type is a message: its headers count.
  const std::string digest = kHead + "Content-Type: multipart/digest; boundary=d\n\n--d\n\n" +
                             "From: a@b\nTo: c@d\nX-A: 1\n\nbody\n--d--\n";
  const MimeShape shape = shape_of(digest);
  CHECK(shape.header_fields == 5 + 1 + 3);
  CHECK(shape.parts == 3);
  CHECK(shape.depth == 2);
}
