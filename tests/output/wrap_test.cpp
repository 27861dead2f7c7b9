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

TEST_CASE("wrap: Japanese breaks between characters, closing punctuation never starts a line") {
  // 6 wide characters = 12 columns; width 8 takes 4 per line.
  CHECK(wrap("あいうえおか", 8) == Lines{"あいうえ", "おか"});
  // "。" would start the second line: it hangs on the first instead.
  CHECK(wrap("あいうえ。か", 8) == Lines{"あいうえ。", "か"});
  // Two closers: only one hangs; the character before them moves down.
  CHECK(wrap("あいうえ）。か", 8) == Lines{"あいう", "え）。か"});
  CHECK(wrap("設定 → DKIM 鍵", 80) == Lines{"設定 → DKIM 鍵"});
}

TEST_CASE("wrap: control characters are made visible") {
  CHECK(wrap("red\x1b[31m", 40) == Lines{"red\\x1b[31m"});
}
