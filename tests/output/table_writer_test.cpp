#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "core/table.h"
#include "core/text.h"
#include "output/output.h"

namespace dmarcq::output {
namespace {

using core::Cell;
using core::Table;
using std::int64_t;

const Cell kNull = std::monostate{};

Cell text(const char* value) { return std::string(value); }

std::string table_text(const Table& table) {
  std::ostringstream out;
  write_table(table, out);
  return out.str();
}

TEST_CASE("numbers right-aligned, text left-aligned, header over digits") {
  const Table table{{"domain", "count", "pass_pct"},
                    {{text("example.com"), int64_t{12}, 95.3},
                     {text("a.org"), int64_t{1234567}, 100.0},
                     {text("b.net"), int64_t{-5}, 0.5}}};
  CHECK(table_text(table) ==
        "domain           count  pass_pct\n"
        "-----------  ---------  --------\n"
        "example.com         12      95.3\n"
        "a.org        1,234,567       100\n"
        "b.net               -5       0.5\n");
}

TEST_CASE("NULL prints empty and no line has trailing spaces") {
  const Table table{{"name", "note"},
                    {{text("x"), kNull}, {kNull, text("hi")}, {text("long name "), kNull}}};
  CHECK(table_text(table) ==
        "name        note\n"
        "----------  ----\n"
        "x\n"
        "            hi\n"
        "long name\n");
}

TEST_CASE("a column mixing text and numbers keeps a left-aligned header") {
  const Table table{{"v", "n"}, {{int64_t{1}, kNull}, {text("abc"), int64_t{7}}}};
  CHECK(table_text(table) ==
        "v    n\n"
        "---  -\n"
        "  1\n"
        "abc  7\n");
}

TEST_CASE("width counts code points, and East Asian wide characters as two") {
  const Table table{{"org", "n"},
                    {{text("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"), int64_t{1}},  // 日本語
                     {text("abc"), int64_t{22}},
                     // Ünïcödé: seven code points in eleven bytes
                     {text("\xC3\x9Cn\xC3\xAF"
                           "c\xC3\xB6"
                           "d\xC3\xA9"),
                      int64_t{3}}}};
  CHECK(table_text(table) ==
        "org       n\n"
        "-------  --\n"
        "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E    1\n"
        "abc      22\n"
        "\xC3\x9Cn\xC3\xAF"
        "c\xC3\xB6"
        "d\xC3\xA9   3\n");

  // Fullwidth Latin, Hangul and a supplementary-plane ideograph are wide too.
  const Table wide{{"x", "y"},
                   {{text("\xEF\xBC\xA1\xEF\xBC\xA2"), text("|")},  // ＡＢ
                    {text("\xED\x95\x9C"), text("|")},              // 한
                    {text("\xF0\xA0\x80\x80"), text("|")},          // U+20000
                    {text("abcd"), text("|")}}};
  CHECK(table_text(wide) ==
        "x     y\n"
        "----  -\n"
        "\xEF\xBC\xA1\xEF\xBC\xA2  |\n"
        "\xED\x95\x9C    |\n"
        "\xF0\xA0\x80\x80    |\n"
        "abcd  |\n");
}

TEST_CASE("text and column names are made terminal-safe before measuring") {
  const Table table{{"evil\x1b[2J", "n"},
                    {{text("\x1b[31mred"), int64_t{1}},
                     {text("rtl\xE2\x80\xAE"
                           "txt"),
                      int64_t{2}},
                     {text("\xFF"), int64_t{3}},
                     {text("tab\there\nnext"), int64_t{4}}}};
  CHECK(table_text(table) ==
        "evil\\x1b[2J          n\n"
        "-------------------  -\n"
        "\\x1b[31mred          1\n"
        "rtl\\u202etxt         2\n"
        "\\xff                 3\n"
        "tab\\x09here\\x0anext  4\n");
}

TEST_CASE("an empty table prints the header and the rule") {
  CHECK(table_text(Table{{"a", "bb"}, {}}) == "a  bb\n-  --\n");
  CHECK(table_text(Table{{""}, {}}) == "\n-\n");  // rule is never zero-wide
  CHECK(table_text(Table{}) == "");               // no columns: nothing to show
}

TEST_CASE("non-finite doubles print empty; extremes print in full") {
  const Table table{{"v"},
                    {{std::numeric_limits<double>::infinity()},
                     {std::numeric_limits<double>::quiet_NaN()},
                     {std::numeric_limits<int64_t>::min()},
                     {1.5}}};
  CHECK(table_text(table) ==
        "                         v\n"
        "--------------------------\n"
        "\n"
        "\n"
        "-9,223,372,036,854,775,808\n"
        "                       1.5\n");
}

TEST_CASE("a short row is padded with NULLs") {
  const Table table{{"a", "b"}, {{text("x")}, {}}};
  CHECK(table_text(table) == "a  b\n-  -\nx\n\n");
}

// format.cpp: the shared pieces every writer relies on.

TEST_CASE("parse_format accepts exactly the three names") {
  CHECK(parse_format("table") == Format::kTable);
  CHECK(parse_format("csv") == Format::kCsv);
  CHECK(parse_format("json") == Format::kJson);
  for (const char* name : {"", "CSV", "Json", "tsv", " csv", "csv ", "table\n"}) {
    CAPTURE(name);
    CHECK_FALSE(parse_format(name).has_value());
  }
}

TEST_CASE("format_number: decimal ints, shortest round-trip doubles") {
  struct Case {
    Cell cell;
    const char* expected;  // nullptr: not a number
  };
  const Case cases[] = {
      {int64_t{0}, "0"},
      {int64_t{-42}, "-42"},
      {std::numeric_limits<int64_t>::max(), "9223372036854775807"},
      {95.3, "95.3"},
      {100.0, "100"},
      {0.5, "0.5"},
      {-0.25, "-0.25"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1e21, "1e+21"},
      {5e-324, "5e-324"},
      {std::numeric_limits<double>::infinity(), nullptr},
      {-std::numeric_limits<double>::infinity(), nullptr},
      {std::numeric_limits<double>::quiet_NaN(), nullptr},
      {kNull, nullptr},
      {text("12"), nullptr},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expected);
    const auto number = format_number(c.cell);
    if (c.expected == nullptr) {
      CHECK_FALSE(number.has_value());
    } else {
      CHECK(number == c.expected);
    }
  }
}

TEST_CASE("table: a table wider than the terminal folds its names, then cuts text") {
  const Table table{{"domain", "messages", "spf_aligned_pass", "note"},
                    {{text("example.co.jp"), int64_t{1582}, int64_t{245},
                      text("a long explanation that cannot fit")}}};
  set_table_width(0);
  CHECK(table_text(table) ==
        "domain         messages  spf_aligned_pass  note\n"
        "-------------  --------  ----------------  ----------------------------------\n"
        "example.co.jp     1,582               245  a long explanation that cannot fit\n");
  // 60 columns: the names fold at '_', the gaps narrow, the note is cut with "…".
  std::ostringstream terminal;
  set_table_width(60, terminal);
  write_table(table, terminal);
  const std::string fitted = terminal.str();
  // Only the terminal's stream is fitted: another (a file) gets every cell whole.
  CHECK(table_text(table).find("cannot fit") != std::string::npos);
  set_table_width(0);
  CHECK(fitted ==
        "                           spf\n"
        "                       aligned\n"
        "domain        messages    pass note\n"
        "------------- -------- ------- -----------------------------\n"
        "example.co.jp    1,582     245 a long explanation that cann\u2026\n");
  CHECK(table_cells_cut());
  for (std::size_t pos = 0, next; pos < fitted.size(); pos = next + 1) {
    next = fitted.find('\n', pos);
    CHECK(core::display_width(fitted.substr(pos, next - pos)) <= 60);
  }
}

TEST_CASE("write dispatches on the format") {
  const Table table{{"a"}, {{text("=x")}}};
  const auto run = [&](Format format) {
    std::ostringstream out;
    write(table, format, out);
    return out.str();
  };
  CHECK(run(Format::kTable) == "a\n--\n=x\n");
  CHECK(run(Format::kCsv) == "a\n'=x\n");
  CHECK(run(Format::kJson) == "[\n  {\"a\": \"=x\"}\n]\n");
}

}  // namespace
}  // namespace dmarcq::output
