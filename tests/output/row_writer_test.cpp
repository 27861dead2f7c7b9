// The writers fed a row at a time (dmarcq sql): the same bytes as the whole-table
// writers for CSV and JSON, and a text table sized on its first rows.
#include <doctest/doctest.h>

#include <cstdint>
#include <sstream>
#include <string>

#include "core/table.h"
#include "output/output.h"

namespace dmarcq::output {
namespace {

using core::Cell;
using core::Table;
using std::int64_t;

Cell text(const char* value) { return std::string(value); }

const Table kTable{{"domain", "count"},
                   {{text("a.org"), int64_t{12}},
                    {text("example.com"), int64_t{1234567}},
                    {text("=cmd"), std::monostate{}}}};

std::string streamed(Format format, std::size_t measured_rows, const Table& table = kTable) {
  std::ostringstream out;
  auto writer = row_writer(format, out, measured_rows);
  writer->columns(table.columns);
  for (const auto& row : table.rows) CHECK(writer->row(row));
  writer->finish();
  return out.str();
}

std::string whole(Format format, const Table& table = kTable) {
  std::ostringstream out;
  write(table, format, out);
  return out.str();
}

TEST_CASE("row writers: CSV and JSON row by row are the whole-table bytes") {
  CHECK(streamed(Format::kCsv, 1) == whole(Format::kCsv));
  CHECK(streamed(Format::kJson, 1) == whole(Format::kJson));
  const Table empty{{"a", "b"}, {}};
  CHECK(streamed(Format::kJson, 1, empty) == "[]\n");
  CHECK(streamed(Format::kCsv, 1, empty) == "a,b\n");
  CHECK(streamed(Format::kTable, 1, empty) == whole(Format::kTable, empty));
}

TEST_CASE("row writers: the table is sized on its first rows; a wider cell later widens its line") {
  CHECK(streamed(Format::kTable, 1000) == whole(Format::kTable));
  CHECK(streamed(Format::kTable, 1) ==
        "domain  count\n"
        "------  -----\n"
        "a.org      12\n"
        "example.com  1,234,567\n"
        "=cmd\n");
}

}  // namespace
}  // namespace dmarcq::output
