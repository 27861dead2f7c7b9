#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>

#include "core/table.h"
#include "core/text.h"
#include "output/output.h"

namespace dmarcq::output {
namespace {

using namespace std::literals;
using core::Cell;
using core::Table;
using std::int64_t;

const Cell kNull = std::monostate{};

std::string json(const Table& table) {
  std::ostringstream out;
  write_json(table, out);
  return out.str();
}

// The JSON value one cell becomes, via a one-column, one-row table.
std::string value(const Cell& cell) {
  const std::string out = json(Table{{"v"}, {{cell}}});
  const std::string prefix = "[\n  {\"v\": ";
  const std::string suffix = "}\n]\n";
  REQUIRE(out.starts_with(prefix));
  REQUIRE(out.ends_with(suffix));
  return out.substr(prefix.size(), out.size() - prefix.size() - suffix.size());
}

TEST_CASE("array of objects, keys in column order") {
  const Table table{{"domain", "count", "pct", "note"},
                    {{"example.com"s, int64_t{12}, 95.3, kNull},
                     {"a.org"s, int64_t{-5}, 100.0, "x"s},
                     {"b"s, int64_t{0}, 0.5, kNull}}};
  CHECK(json(table) ==
        "[\n"
        "  {\"domain\": \"example.com\", \"count\": 12, \"pct\": 95.3, \"note\": null},\n"
        "  {\"domain\": \"a.org\", \"count\": -5, \"pct\": 100, \"note\": \"x\"},\n"
        "  {\"domain\": \"b\", \"count\": 0, \"pct\": 0.5, \"note\": null}\n"
        "]\n");
}

TEST_CASE("an empty table prints an empty array") {
  CHECK(json(Table{{"a", "b"}, {}}) == "[]\n");
  CHECK(json(Table{}) == "[]\n");
  CHECK(json(Table{{}, {{}, {}}}) == "[\n  {},\n  {}\n]\n");
}

TEST_CASE("numbers and nulls") {
  struct Case {
    Cell cell;
    std::string_view out;
  };
  const Case cases[] = {
      {95.3, "95.3"},
      {100.0, "100"},
      {0.5, "0.5"},
      {-0.25, "-0.25"},
      {1e21, "1e+21"},
      {int64_t{-7}, "-7"},
      {std::numeric_limits<int64_t>::max(), "9223372036854775807"},
      {std::numeric_limits<double>::infinity(), "null"},
      {std::numeric_limits<double>::quiet_NaN(), "null"},
      {kNull, "null"},
      {"12"s, "\"12\""},  // text stays a string
  };
  for (const Case& c : cases) {
    CAPTURE(c.out);
    CHECK(value(c.cell) == c.out);
  }
}

TEST_CASE("string escaping keeps the JSON valid and terminal-inert") {
  struct Case {
    std::string_view in;
    std::string_view out;
  };
  const Case cases[] = {
      {"say \"hi\"", R"("say \"hi\"")"},
      {"back\\slash", R"("back\\slash")"},
      {"a\nb", R"("a\nb")"},
      {"\r\t\b\f", R"("\r\t\b\f")"},
      {"a\0b"sv, R"("a\u0000b")"},
      {"\x1b[31mred", R"("\u001b[31mred")"},
      {"\x01\x1f", R"("\u0001\u001f")"},
      {"del\x7f", R"("del\u007f")"},
      {"\xC2\x85\xC2\x9F", R"("\u0085\u009f")"},
      {"rtl\xE2\x80\xAE"
       "txt",
       R"("rtl\u202etxt")"},
      {"\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C\xE2\x80\xAA\xE2\x81\xA6\xE2\x81\xA9",
       R"("\u200e\u200f\u061c\u202a\u2066\u2069")"},
      {"\xC0\xAF", "\"\xEF\xBF\xBD\xEF\xBF\xBD\""},
      {"\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},
      {"\xE2\x82", "\"\xEF\xBF\xBD\""},
      {"x\xFF", "\"x\xEF\xBF\xBD\""},
      {"\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80 / '", "\"\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80 / '\""},
      {"", R"("")"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(value(std::string(c.in)) == c.out);
  }
}

TEST_CASE("keys are escaped like values") {
  CHECK(json(Table{{"a\"b", "\x1b", "\xFF"}, {{int64_t{1}, int64_t{2}, int64_t{3}}}}) ==
        "[\n  {\"a\\\"b\": 1, \"\\u001b\": 2, \"\xEF\xBF\xBD\": 3}\n]\n");
}

TEST_CASE("a short row is padded with nulls") {
  CHECK(json(Table{{"a", "b"}, {{int64_t{1}}}}) == "[\n  {\"a\": 1, \"b\": null}\n]\n");
}

TEST_CASE("random bytes always give valid UTF-8 with no raw controls") {
  std::mt19937 rng(8259);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 500; ++round) {
    std::string input(32, '\0');
    for (char& c : input) c = static_cast<char>(byte(rng));
    const std::string out = value(input);
    REQUIRE(core::is_valid_utf8(out));
    for (std::size_t pos = 0; pos < out.size();) {
      const core::Utf8Step step = core::decode_utf8(out, pos);
      REQUIRE_FALSE(core::is_terminal_unsafe(step.code_point));
      pos += step.length;
    }
  }
}

TEST_CASE("json: boolean and list columns are typed; tables and CSV keep the text") {
  Table table{{"kept", "ips", "note"},
              {{Cell("yes"s), Cell("192.0.2.1 2001:db8::1"s), Cell("yes"s)},
               {Cell("no"s), Cell(""s), Cell("a b"s)},
               {Cell("maybe"s), kNull, Cell(""s)}}};
  table.set_kind("kept", core::ColumnKind::kBoolean);
  table.set_kind("ips", core::ColumnKind::kList);
  table.set_kind("absent", core::ColumnKind::kList);  // no such column: nothing changes
  CHECK(json(table) ==
        "[\n"
        "  {\"kept\": true, \"ips\": [\"192.0.2.1\", \"2001:db8::1\"], \"note\": \"yes\"},\n"
        "  {\"kept\": false, \"ips\": [], \"note\": \"a b\"},\n"
        "  {\"kept\": \"maybe\", \"ips\": null, \"note\": \"\"}\n"
        "]\n");
}

}  // namespace
}  // namespace dmarcq::output
