// output: writes a core::Table as an aligned text table, CSV (RFC 4180) or JSON.
// The writers know nothing of DMARC or SQL. Every text cell may come from a stranger's
// report, so the table writer makes control and bidi characters visible, the CSV
// writer neutralises spreadsheet formulas, and the JSON writer always emits valid
// UTF-8 JSON.
#ifndef DMARCQ_OUTPUT_OUTPUT_H_
#define DMARCQ_OUTPUT_OUTPUT_H_

#include <cstddef>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/table.h"

namespace dmarcq::output {

enum class Format { kTable, kCsv, kJson };

// "table", "csv", "json" -> Format; nullopt for anything else.
std::optional<Format> parse_format(std::string_view name);

struct CsvOptions {
  // Spreadsheet mode: UTF-8 BOM first and CRLF line ends (Excel needs both).
  bool excel = false;
};

// Aligned columns with a header line and a dashed rule under it; numbers right-aligned,
// text left-aligned; NULL printed as empty. An empty table prints the header and rule.
void write_table(const core::Table& table, std::ostream& out);
// The width tables must fit, in columns (0: none, the default). Wider tables fold
// their column names at '_', then narrow the gaps, then cut text cells with "…";
// numbers are never cut. Applies to tables written to `terminal` only: the command
// line sets the terminal's width for std::cout when standard output is a terminal,
// so that pipes and files (--out) get every cell whole.
void set_table_width(std::size_t columns, const std::ostream& terminal = std::cout);
// Whether tables group integers by thousands ("1,582"; the default). `dmarcq sql`
// turns it off: its integers may be years, ids or timestamps.
void set_table_thousands(bool grouped);
// Whether any cell was cut so far (the command line says so once on stderr).
bool table_cells_cut();
// RFC 4180 with a header row. Text cells and column names that start with = + - @ TAB
// or CR get a leading ' (numbers never do); invalid UTF-8, C0 controls other than TAB,
// CR and LF, and C1 controls become U+FFFD, so the file stays valid UTF-8 and the
// cell inert.
void write_csv(const core::Table& table, std::ostream& out, const CsvOptions& options = {});
// An array of objects, one per row, keys in column order; always ends with a newline.
void write_json(const core::Table& table, std::ostream& out);

// Writes with the CSV options set by set_csv_options (none by default).
void write(const core::Table& table, Format format, std::ostream& out);
void set_csv_options(const CsvOptions& options);

// The same writers, fed a row at a time: CSV and JSON write each row as it comes; the
// text table measures its columns on the first `measured_rows` rows and writes later
// rows with those widths (a wider cell widens its own line only).
std::unique_ptr<core::RowSink> table_row_writer(std::ostream& out, std::size_t measured_rows);
std::unique_ptr<core::RowSink> csv_row_writer(std::ostream& out, const CsvOptions& options = {});
std::unique_ptr<core::RowSink> json_row_writer(std::ostream& out);
std::unique_ptr<core::RowSink> row_writer(Format format, std::ostream& out,
                                          std::size_t measured_rows);

// The pieces of write_json, for commands whose JSON nests (explain's causes): a JSON
// string (valid UTF-8, terminal-inert) and a cell (a string, number or null).
void append_json_string(std::string& out, std::string_view text);
void append_json_value(std::string& out, const core::Cell& cell);

// Breaks `text` into lines of at most `width` terminal columns: at spaces, or between
// any two wide (CJK) characters, which need no spaces; a word longer than the width
// is cut. Japanese closing punctuation never starts a line: it hangs up to two
// columns past the width. Explicit '\n' in the text start new lines. The text is
// made terminal-safe.
std::vector<std::string> wrap(std::string_view text, std::size_t width);

// The number formatting every writer shares: int64 as decimal, a finite double as the
// shortest text that reads back to the same value ("95.3", "100", "1e+21"). nullopt
// for NULL, text and non-finite doubles, which each writer prints as its own NULL.
std::optional<std::string> format_number(const core::Cell& cell);

}  // namespace dmarcq::output

#endif  // DMARCQ_OUTPUT_OUTPUT_H_
