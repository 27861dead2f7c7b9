// The mbox splitter: dialects, quoting, line ends, chunking, and the size limit.
#include "ingest/mailbox.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using dmarcq::ingest::looks_like_from_line;
using dmarcq::ingest::looks_like_message;
using dmarcq::ingest::MboxSplitter;

namespace {

struct Split {
  std::vector<std::string> messages;
  std::vector<bool> too_large;
};

// Feeds `mbox` in chunks of `chunk` bytes (every chunking must give the same result).
Split split(const std::string& mbox, std::size_t chunk = 1 << 20, std::uint64_t limit = 1 << 20) {
  Split out;
  std::uint64_t expected_index = 0;
  MboxSplitter splitter(limit, [&](std::uint64_t index, std::string message, bool too_large) {
    CHECK(index == ++expected_index);
    out.messages.push_back(std::move(message));
    out.too_large.push_back(too_large);
  });
  for (std::size_t at = 0; at < mbox.size(); at += chunk) {
    splitter.feed(std::string_view(mbox).substr(at, chunk));
  }
  splitter.finish();
  return out;
}

const std::string kThree =
    "From alice@example.com Mon Nov 16 10:00:00 2026\n"
    "Subject: one\n"
    "\n"
    "body one\n"
    "\n"
    "From bob@example.com Mon Nov 16 11:00:00 2026\n"
    "Subject: two\n"
    "\n"
    ">From the desk of Bob, quoted by mboxrd\n"
    ">>From a quoted quote\n"
    "From the team: an unquoted line after text, not a separator\n"
    "\n"
    "From here on, after a blank line but no date: still body\n"
    "\n"
    "From x Mon Nov 16 12:00:00 2026\n"
    "still body: no header follows the From line above\n"
    "\n"
    "From carol@example.com Mon Nov 16 12:30:00 2026\n"
    "Subject: three\n"
    "\n"
    "last body without a final newline";

}  // namespace

TEST_CASE("mbox: messages, quoting and false separators, in every chunking") {
  const std::vector<std::string> expected = {
      "Subject: one\n\nbody one\n",
      "Subject: two\n\nFrom the desk of Bob, quoted by mboxrd\n>From a quoted quote\n"
      "From the team: an unquoted line after text, not a separator\n\n"
      "From here on, after a blank line but no date: still body\n\n"
      "From x Mon Nov 16 12:00:00 2026\nstill body: no header follows the From line above\n",
      "Subject: three\n\nlast body without a final newline",
  };
  for (std::size_t chunk :
       {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{64}, std::size_t{1} << 20}) {
    CAPTURE(chunk);
    const Split result = split(kThree, chunk);
    CHECK(result.messages == expected);
  }
}

TEST_CASE("mbox: CRLF (Google Takeout), Thunderbird separators, empty and odd files") {
  const std::string takeout =
      "From 1789000000000000000@xxx Mon Nov 16 10:00:00 +0000 2026\r\n"
      "X-Gmail-Labels: Inbox\r\nSubject: a\r\n\r\nbody a\r\n\r\n"
      "From 1789000000000000001@xxx Mon Nov 16 10:00:01 +0000 2026\r\n"
      "X-GM-THRID: 1\r\nSubject: b\r\n\r\nbody b\r\n";
  Split result = split(takeout, 5);
  REQUIRE(result.messages.size() == 2);
  CHECK(result.messages[0] == "X-Gmail-Labels: Inbox\r\nSubject: a\r\n\r\nbody a\r\n");
  CHECK(result.messages[1] == "X-GM-THRID: 1\r\nSubject: b\r\n\r\nbody b\r\n");

  const std::string thunderbird =
      "From - Mon Nov 16 10:00:00 2026\nX-Mozilla-Status: 0001\nSubject: a\n\nx\n\n"
      "From - Mon Nov 16 10:05:00 2026\nX-Mozilla-Status: 0009\nSubject: b\n\ny\n";
  result = split(thunderbird);
  REQUIRE(result.messages.size() == 2);
  CHECK(result.messages[1] == "X-Mozilla-Status: 0009\nSubject: b\n\ny\n");

  CHECK(split("").messages.empty());
  result = split("From a Mon Nov 16 10:00:00 2026\n");
  CHECK(result.messages == std::vector<std::string>{""});
}

TEST_CASE("mbox: a message appended after one without a final newline") {
  const std::string appended =
      "From a Mon Nov 16 10:00:00 2026\nSubject: a\n\nno final newline\n"
      "From b Mon Nov 16 10:00:00 2026\nSubject: b\n\nb\n";
  const Split result = split(appended);
  REQUIRE(result.messages.size() == 2);
  CHECK(result.messages[0] == "Subject: a\n\nno final newline\n");
}

TEST_CASE("mbox: a Content-Length that lies is ignored") {
  const std::string mboxcl =
      "From a Mon Nov 16 10:00:00 2026\nContent-Length: 5\nSubject: a\n\n"
      "a body much longer than five bytes\n\n"
      "From b Mon Nov 16 10:00:00 2026\nContent-Length: 99999\nSubject: b\n\nb\n";
  const Split result = split(mboxcl);
  REQUIRE(result.messages.size() == 2);
  CHECK(result.messages[0] ==
        "Content-Length: 5\nSubject: a\n\na body much longer than five bytes\n");
}

TEST_CASE("mbox: a message over the limit is reported without its bytes, the next is kept") {
  std::string big = "From a Mon Nov 16 10:00:00 2026\nSubject: big\n\n";
  big += std::string(5000, 'x') + "\n";  // one long line
  for (int i = 0; i < 100; ++i) big += std::string(70, 'y') + "\n";
  big += "\nFrom b Mon Nov 16 10:00:00 2026\nSubject: small\n\nok\n";
  for (std::size_t chunk : {std::size_t{3}, std::size_t{4096}}) {
    const Split result = split(big, chunk, 1000);
    REQUIRE(result.messages.size() == 2);
    CHECK(result.too_large == std::vector<bool>{true, false});
    CHECK(result.messages[0].empty());
    CHECK(result.messages[1] == "Subject: small\n\nok\n");
  }
}

TEST_CASE("mbox: very long lines are passed through in pieces") {
  const std::string line(200 * 1024, 'A');
  const std::string mbox = "From a Mon Nov 16 10:00:00 2026\nSubject: x\n\n" + line + "\n";
  const Split result = split(mbox, 1000, 1 << 20);
  REQUIRE(result.messages.size() == 1);
  CHECK(result.messages[0] == "Subject: x\n\n" + line + "\n");
}

TEST_CASE("mbox and message recognition") {
  CHECK(looks_like_from_line("From MAILER-DAEMON Fri Nov 27 05:42:19 2026\n"));
  CHECK(looks_like_from_line("From - Mon Nov 16 10:00:00 2026\r\n"));
  CHECK_FALSE(looks_like_from_line("From the team\n"));
  CHECK_FALSE(looks_like_from_line("From: alice@example.com\n"));
  CHECK(looks_like_message("Return-Path: <a@b>\nReceived: from x\n\tby y\nSubject: s\n\nbody"));
  CHECK(looks_like_message("Received: from x\n  by y\n\nbody"));
  CHECK_FALSE(looks_like_message("Subject: only one header\n\nbody"));
  CHECK_FALSE(looks_like_message("# README\nNote: hello\n"));
  CHECK_FALSE(looks_like_message("<feedback>"));
}
