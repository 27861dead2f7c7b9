#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "core/table.h"
#include "output/output.h"

namespace dmarcq::output {
namespace {

using namespace std::literals;
using core::Cell;
using core::Table;
using std::int64_t;

const Cell kNull = std::monostate{};
constexpr std::string_view kFffd = "\xEF\xBF\xBD";

std::string csv(const Table& table, CsvOptions options = {}) {
  std::ostringstream out;
  write_csv(table, out, options);
  return out.str();
}

// The CSV field one cell becomes, via a one-column table.
std::string field(const Cell& cell) {
  const std::string out = csv(Table{{"v"}, {{cell}}});
  REQUIRE(out.starts_with("v\n"));
  REQUIRE(out.ends_with("\n"));
  return out.substr(2, out.size() - 3);
}

struct Case {
  std::string_view in;
  std::string out;
};

TEST_CASE("header, numbers unquoted, NULL empty") {
  const Table table{{"domain", "count", "pct"},
                    {{"example.com"s, int64_t{12}, 95.3},
                     {"a.org"s, int64_t{-5}, 100.0},
                     {kNull, int64_t{0}, 0.5}}};
  CHECK(csv(table) ==
        "domain,count,pct\n"
        "example.com,12,95.3\n"
        "a.org,-5,100\n"
        ",0,0.5\n");
}

TEST_CASE("RFC 4180 quoting") {
  const Case cases[] = {
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"\"", "\"\"\"\""},
      {"line1\nline2", "\"line1\nline2\""},
      {"cr\rx", "\"cr\rx\""},
      {" lead", "\" lead\""},
      {"trail ", "\"trail \""},
      {"mid space", "mid space"},
      {"tab\tinside", "tab\tinside"},
      {"", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(field(std::string(c.in)) == c.out);
  }
}

TEST_CASE("formula-looking text gets a leading quote, then the usual quoting") {
  const Case cases[] = {
      {"=1+1", "'=1+1"},
      {"+1", "'+1"},
      {"-2+3", "'-2+3"},
      {"-5", "'-5"},  // text, even though it looks like a number
      {"@SUM(A1)", "'@SUM(A1)"},
      {"\tx", "'\tx"},
      {"\rx", "\"'\rx\""},
      {"=A1,B1", "\"'=A1,B1\""},
      {"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""},
      {" =1", "\" =1\""},  // a leading space already makes it text
      {"a=b", "a=b"},
      {"'quoted", "'quoted"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(field(std::string(c.in)) == c.out);
  }
}

TEST_CASE("negative numbers stay numbers") {
  CHECK(field(int64_t{-5}) == "-5");
  CHECK(field(-0.5) == "-0.5");
  CHECK(field(std::numeric_limits<int64_t>::min()) == "-9223372036854775808");
}

TEST_CASE("non-finite doubles are empty fields") {
  CHECK(field(std::numeric_limits<double>::infinity()) == "");
  CHECK(field(-std::numeric_limits<double>::infinity()) == "");
  CHECK(field(std::numeric_limits<double>::quiet_NaN()) == "");
}

TEST_CASE("invalid UTF-8 and C0 controls other than TAB/CR/LF become U+FFFD") {
  const std::string f(kFffd);
  const Case cases[] = {
      {"a\0b"sv, "a" + f + "b"},
      {"\x1b[31mred", f + "[31mred"},
      {"\x01\x1f", f + f},
      {"\0=1"sv, f + "=1"},  // no longer starts like a formula
      {"\xC0\xAF", f + f},
      {"\xED\xA0\x80", f + f + f},
      {"\xE2\x82", f},
      {"del\x7f", "del\x7f"},
      {"\xE6\x97\xA5\xE2\x80\xAE", "\xE6\x97\xA5\xE2\x80\xAE"},  // valid text is kept
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(field(std::string(c.in)) == c.out);
  }
}

TEST_CASE("C1 controls become U+FFFD: U+009B is CSI to a terminal showing the file") {
  const std::string f(kFffd);
  const Case cases[] = {
      {"\xC2\x9B"
       "31mred",
       f + "31mred"},
      {"\xC2\x80\xC2\x9F", f + f},
      {"\xC2\x9B=1+1", f + "=1+1"},                      // no longer starts like a formula
      {"\xC2\xA0nbsp\xC2\xA9", "\xC2\xA0nbsp\xC2\xA9"},  // U+00A0 and U+00A9 are text
      {"\xE2\x80\xAE"
       "bidi",
       "\xE2\x80\xAE"
       "bidi"},  // bidi controls stay text
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(field(std::string(c.in)) == c.out);
  }
  CHECK(csv(Table{{"a\xC2\x85"
                   "b"},
                  {}}) == "a" + f + "b\n");
}

TEST_CASE("column names are treated like text cells") {
  CHECK(csv(Table{{"=cmd", "a,b", "x\0y"s}, {}}) == "'=cmd,\"a,b\",x\xEF\xBF\xBDy\n");
}

TEST_CASE("excel mode: BOM first and CRLF line ends") {
  const Table table{{"a", "b"}, {{"x"s, int64_t{1}}, {"l1\nl2"s, int64_t{-2}}}};
  CHECK(csv(table, {.excel = true}) ==
        "\xEF\xBB\xBF"
        "a,b\r\n"
        "x,1\r\n"
        "\"l1\nl2\",-2\r\n");
}

TEST_CASE("an empty table prints the header row") {
  CHECK(csv(Table{{"a", "b"}, {}}) == "a,b\n");
  CHECK(csv(Table{{"a", "b"}, {}}, {.excel = true}) ==
        "\xEF\xBB\xBF"
        "a,b\r\n");
  CHECK(csv(Table{}) == "");  // no columns: CSV has no zero-field record
}

TEST_CASE("a short row is padded with empty fields") {
  CHECK(csv(Table{{"a", "b", "c"}, {{"x"s}}}) == "a,b,c\nx,,\n");
}

}  // namespace
}  // namespace dmarcq::output
