// RFC 4180 CSV for spreadsheets and scripts. A report's text reaches the user's
// spreadsheet, so text that a spreadsheet would run as a formula is defused here.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/text.h"
#include "output/output.h"

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
    case '\r': return true;
    default: return false;
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

// Appends `text` as valid UTF-8, with the controls above as U+FFFD rather than
// vanishing: dropping them silently would hide that the report contained them. An
// ill-formed sequence becomes U+FFFD too (the maximal subparts of decode_utf8).
// ASCII that needs nothing, most of every cell, is copied in runs.
void append_clean(std::string& out, std::string_view text) {
  // A formula character is ASCII, so it starts the cleaned text exactly when it
  // starts the text.
  if (starts_like_formula(text)) out += '\'';
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t run = pos;
    while (run < text.size()) {
      const auto byte = static_cast<unsigned char>(text[run]);
      if (byte >= 0x80 || (byte < 0x20 && is_control_to_replace(byte))) break;
      ++run;
    }
    out.append(text, pos, run - pos);
    pos = run;
    if (pos == text.size()) break;
    const core::Utf8Step step = core::decode_utf8(text, pos);
    if (!step.valid || is_control_to_replace(step.code_point)) {
      out += kReplacement;
    } else {
      out.append(text, pos, step.length);
    }
    pos += step.length;
  }
}

// Appends `field` to the line, quoted when RFC 4180 needs it, with its quotes doubled.
void append_field(std::string& line, std::string_view field) {
  if (!needs_quotes(field)) {
    line += field;
    return;
  }
  line += '"';
  for (std::size_t pos = 0; pos < field.size();) {
    const std::size_t quote = field.find('"', pos);
    if (quote == std::string_view::npos) {
      line.append(field, pos, field.size() - pos);
      break;
    }
    line.append(field, pos, quote + 1 - pos);
    line += '"';
    pos = quote + 1;
  }
  line += '"';
}

// Appends one cell: text cleaned, then quoted; numbers as format_number writes them;
// NULL as nothing. `scratch` holds the cleaned text (reused, so cells allocate nothing).
void append_cell(std::string& line, const core::Cell& cell, std::string& scratch) {
  if (const auto* text = std::get_if<std::string>(&cell)) {
    scratch.clear();
    append_clean(scratch, *text);
    append_field(line, scratch);
  } else if (auto number = format_number(cell)) {
    line += *number;
  }
}

}  // namespace

namespace {

class CsvRowWriter final : public core::RowSink {
 public:
  CsvRowWriter(std::ostream& out, const CsvOptions& options)
      : out_(out), line_end_(options.excel ? "\r\n" : "\n"), excel_(options.excel) {}

  void columns(const std::vector<std::string>& names) override {
    column_count_ = names.size();
    if (column_count_ == 0) return;  // RFC 4180 has no record with zero fields
    if (excel_) out_ << kUtf8Bom;
    // Column names get the text treatment too: a user may alias a column to anything,
    // and to the spreadsheet the header row is cells like any other.
    line_.clear();
    for (std::size_t i = 0; i < column_count_; ++i) {
      if (i > 0) line_ += ',';
      append_cell(line_, core::Cell(names[i]), scratch_);
    }
    line_ += line_end_;
    out_ << line_;
  }

  bool row(const std::vector<core::Cell>& cells) override {
    if (column_count_ == 0) return true;
    line_.clear();
    for (std::size_t i = 0; i < column_count_; ++i) {
      if (i > 0) line_ += ',';
      // A short row is padded with NULLs rather than read past its end.
      if (i < cells.size()) append_cell(line_, cells[i], scratch_);
    }
    line_ += line_end_;
    out_ << line_;
    return true;
  }

  void finish() override {}

 private:
  std::ostream& out_;
  std::string_view line_end_;
  bool excel_;
  std::size_t column_count_ = 0;
  std::string line_;
  std::string scratch_;  // the cleaned text of a cell, reused
};

}  // namespace

std::unique_ptr<core::RowSink> csv_row_writer(std::ostream& out, const CsvOptions& options) {
  return std::make_unique<CsvRowWriter>(out, options);
}

void write_csv(const core::Table& table, std::ostream& out, const CsvOptions& options) {
  CsvRowWriter writer(out, options);
  writer.columns(table.columns);
  for (const std::vector<core::Cell>& row : table.rows) writer.row(row);
  writer.finish();
}

}  // namespace dmarcq::output
