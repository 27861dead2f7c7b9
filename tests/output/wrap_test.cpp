#include <doctest/doctest.h>

#include "output/output.h"

using dmarcq::output::wrap;
using Lines = std::vector<std::string>;

TEST_CASE("wrap: words, long words, explicit newlines") {
  CHECK(wrap("the quick brown fox jumps", 10) == Lines{"the quick", "brown fox", "jumps"});
  CHECK(wrap("averyveryverylongword x", 8) == Lines{"averyver", "yverylon", "gword x"});
  CHECK(wrap("one\ntwo three", 20) == Lines{"one", "two three"});
  CHECK(wrap("", 10) == Lines{""});
}

TEST_CASE("wrap: Japanese breaks between characters, with kinsoku") {
  // 6 wide characters = 12 columns; width 8 takes 4 per line.
  CHECK(wrap("あいうえおか", 8) == Lines{"あいうえ", "おか"});
  // Closing punctuation never starts a line: it hangs on the line before.
  CHECK(wrap("あいうえ。か", 8) == Lines{"あいうえ。", "か"});
  CHECK(wrap("あいうえ）。か", 8) == Lines{"あいうえ）。", "か"});
  // ...also after a Latin word.
  CHECK(wrap("abc permerror）です", 13) == Lines{"abc", "permerror）で", "す"});
  // An opening bracket never ends a line: it moves down with what follows.
  CHECK(wrap("あいう（えお", 8) == Lines{"あいう", "（えお"});
  // A run of closers never produces an empty line.
  for (const Lines& lines : {wrap("お。。。。。。", 4), wrap("ーーーーーーーー", 4)}) {
    for (const std::string& line : lines) CHECK_FALSE(line.empty());
  }
  CHECK(wrap("設定 → DKIM 鍵", 80) == Lines{"設定 → DKIM 鍵"});
}

TEST_CASE("wrap: control characters are made visible") {
  CHECK(wrap("red\x1b[31m", 40) == Lines{"red\\x1b[31m"});
}
