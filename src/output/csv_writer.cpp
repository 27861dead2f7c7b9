// RFC 4180 CSV for spreadsheets and scripts. A report's text reaches the user's
// spreadsheet, so text that a spreadsheet would run as a formula is defused here.
#include "output/output.h"

#include <algorithm>

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/text.h"

namespace dmarcq::output {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Spreadsheets may run a cell starting with one of these as a formula; the list is
// OWASP's CSV injection one. A leading quote makes the cell plain text.
bool starts_like_formula(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

bool needs_quotes(std::string_view field) {
  if (field.empty()) return false;
  return field.find_first_of(",\"\r\n") != std::string_view::npos || field.front() == ' ' ||
         field.back() == ' ';
}

// C0 controls other than TAB, CR and LF (which CSV carries inside quotes), and C1
// controls: a NUL or ESC can truncate or confuse the program reading the file, and
// U+009B is CSI to a terminal that the file is printed on, as ESC [ is. Text has no
// use for them. DEL and the bidi controls are inert there and stay text.
bool is_control_to_replace(char32_t code_point) {
  if (code_point < 0x20) return code_point != '\t' && code_point != '\r' && code_point != '\n';
  return code_point >= 0x80 && code_point <= 0x9F;
}

// Text becomes valid UTF-8, and the controls above become U+FFFD rather than
// vanishing: dropping them silently would hide that the report contained them.
std::string clean_text(std::string_view text) {
  // Printable ASCII (most cells) needs nothing but the formula guard.
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F; })) {
    std::string out;
    out.reserve(text.size() + 1);
    if (starts_like_formula(text)) out += '\'';
    out += text;
    return out;
  }
  const std::string valid = core::to_valid_utf8(text);
  std::string out;
  out.reserve(valid.size() + 1);
  if (starts_like_formula(valid)) out += '\'';
  for (std::size_t pos = 0; pos < valid.size();) {
    const core::Utf8Step step = core::decode_utf8(valid, pos);
    if (is_control_to_replace(step.code_point)) {
      out += kReplacement;
    } else {
      out.append(valid, pos, step.length);
    }
    pos += step.length;
  }
  return out;
}

void append_field(std::string& line, std::string_view field) {
  if (!needs_quotes(field)) {
    line += field;
    return;
  }
  line += '"';
  for (const char c : field) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

std::string render(const core::Cell& cell) {
  if (const auto* text = std::get_if<std::string>(&cell)) return clean_text(*text);
  return format_number(cell).value_or(std::string());
}

}  // namespace

void write_csv(const core::Table& table, std::ostream& out, const CsvOptions& options) {
  const std::size_t column_count = table.columns.size();
  if (column_count == 0) return;  // RFC 4180 has no record with zero fields
  const std::string_view line_end = options.excel ? "\r\n" : "\n";
  if (options.excel) out << kUtf8Bom;

  // Column names get the text treatment too: a user may alias a column to anything,
  // and to the spreadsheet the header row is cells like any other.
  std::string line;
  for (std::size_t i = 0; i < column_count; ++i) {
    if (i > 0) line += ',';
    append_field(line, clean_text(table.columns[i]));
  }
  line += line_end;
  out << line;

  for (const std::vector<core::Cell>& row : table.rows) {
    line.clear();
    for (std::size_t i = 0; i < column_count; ++i) {
      if (i > 0) line += ',';
      // A short row is padded with NULLs rather than read past its end.
      if (i < row.size()) append_field(line, render(row[i]));
    }
    line += line_end;
    out << line;
  }
}

}  // namespace dmarcq::output
