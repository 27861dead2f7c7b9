// The aligned text table for people at a terminal. Cells are made terminal-safe before
// they are measured, so an escape sequence in a report can neither recolour the screen
// nor throw the columns out of line.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/text.h"
#include "output/output.h"

namespace dmarcq::output {
namespace {

constexpr std::string_view kColumnGap = "  ";
// Text columns are cut down to the first width, and only when that is not enough to
// the second: past it a cell says nothing, and the terminal wraps the line instead.
constexpr std::size_t kMinTextWidths[] = {12, 6};

std::size_t g_table_width = 0;  // 0: no limit
bool g_group_thousands = true;
const std::ostream* g_terminal = &std::cout;  // the stream g_table_width applies to
bool g_cells_cut = false;

// The longest prefix of `text` that fits `width` columns, with "…" when cut; of a
// path (a '/' and no space), the longest suffix ("…/reports/a.xml"), as its file
// name says most.
std::string fit_cell(const std::string& text, std::size_t width) {
  if (core::display_width(text) <= width) return text;
  if (text.find('/') != std::string::npos && text.find(' ') == std::string::npos && width > 1) {
    std::vector<std::size_t> starts;  // code point starts
    for (std::size_t pos = 0; pos < text.size();) {
      starts.push_back(pos);
      pos += core::decode_utf8(text, pos).length;
    }
    std::size_t used = 0;
    std::size_t keep = text.size();
    for (std::size_t i = starts.size(); i-- > 0;) {
      const core::Utf8Step step = core::decode_utf8(text, starts[i]);
      const std::size_t w = step.valid && core::is_wide(step.code_point) ? 2 : 1;
      if (used + w + 1 > width) break;
      used += w;
      keep = starts[i];
    }
    g_cells_cut = true;
    return "\u2026" + text.substr(keep);
  }
  std::string out;
  std::size_t used = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const core::Utf8Step step = core::decode_utf8(text, pos);
    const std::size_t w = step.valid && core::is_wide(step.code_point) ? 2 : 1;
    if (used + w + 1 > width) break;  // room for the ellipsis
    out.append(text, pos, step.length);
    used += w;
    pos += step.length;
  }
  g_cells_cut = true;
  return out + "\u2026";
}

// A column name folded at its underscores into lines no wider than `width` (or its
// longest part): "spf_aligned_pass" over three lines "spf", "aligned", "pass". Parts
// that fit a line together keep their underscore ("dmarc_pass" in a wide column).
std::vector<std::string> fold_name(const std::string& name, std::size_t width) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('_', start);
    if (end == std::string::npos) end = name.size();
    parts.push_back(name.substr(start, end - start));
    start = end + 1;
  }
  std::size_t longest = 0;
  for (const std::string& part : parts) longest = std::max(longest, core::display_width(part));
  width = std::max(width, longest);
  std::vector<std::string> lines;
  for (const std::string& part : parts) {
    if (!lines.empty() && core::display_width(lines.back() + "_" + part) <= width) {
      lines.back() += "_" + part;
    } else {
      lines.push_back(part);
    }
  }
  return lines;
}

struct RenderedCell {
  std::string text;
  std::size_t width = 0;
  bool numeric = false;
};

RenderedCell render_text(std::string_view text) {
  RenderedCell rendered;
  rendered.text = core::terminal_safe(text);
  rendered.width = core::display_width(rendered.text);
  return rendered;
}

RenderedCell render(const core::Cell& cell) {
  if (const auto* text = std::get_if<std::string>(&cell)) return render_text(*text);
  RenderedCell rendered;
  // A non-finite double prints empty like NULL but still counts as a number for the
  // column's alignment.
  rendered.numeric =
      std::holds_alternative<std::int64_t>(cell) || std::holds_alternative<double>(cell);
  if (auto number = format_number(cell)) {
    rendered.text = std::move(*number);
    // For people, counts are grouped by thousands as in the accounting and the fix
    // texts ("1,582"); CSV and JSON keep bare digits for programs.
    if (g_group_thousands && std::holds_alternative<std::int64_t>(cell)) {
      rendered.text = core::group_thousands(std::get<std::int64_t>(cell));
    }
    rendered.width = rendered.text.size();
  }
  return rendered;
}

void append_padded(std::string& line, const RenderedCell& cell, std::size_t width,
                   bool right_align) {
  const std::string padding(width - std::min(width, cell.width), ' ');
  if (right_align) line += padding;
  line += cell.text;
  if (!right_align) line += padding;
}

// Padding of the last column and empty trailing cells would leave spaces at the end of
// the line, which diff tools and copy-paste show as noise.
void end_line(std::string& line, std::ostream& out) {
  line.erase(line.find_last_not_of(' ') + 1);
  line += '\n';
  out << line;
}

class TableRowWriter final : public core::RowSink {
 public:
  TableRowWriter(std::ostream& out, std::size_t measured_rows)
      : out_(out), measured_rows_(measured_rows) {}

  void columns(const std::vector<std::string>& names) override {
    header_.clear();
    for (const std::string& name : names) header_.push_back(render_text(name));
  }

  bool row(const std::vector<core::Cell>& cells) override {
    if (header_.empty()) return true;
    std::vector<RenderedCell> rendered;
    rendered.reserve(header_.size());
    // A short row is padded with NULLs rather than read past its end.
    for (std::size_t i = 0; i < header_.size(); ++i) {
      rendered.push_back(i < cells.size() ? render(cells[i]) : RenderedCell{});
    }
    if (!measured_) {
      body_.push_back(std::move(rendered));
      if (body_.size() >= measured_rows_) write_measured();
      return true;
    }
    write_row(rendered);
    return true;
  }

  void finish() override {
    if (!header_.empty() && !measured_) write_measured();
  }

 private:
  // The widths from the header and the rows held so far; then the header, the rule and
  // those rows. A column of numbers gets a right-aligned header so that it sits over
  // the digits.
  void write_measured() {
    measured_ = true;
    const std::size_t column_count = header_.size();
    widths_.assign(column_count, 1);
    std::vector<bool> has_number(column_count, false);
    std::vector<bool> has_text(column_count, false);
    for (std::size_t i = 0; i < column_count; ++i)
      widths_[i] = std::max(widths_[i], header_[i].width);
    std::vector<std::size_t> data_widths(column_count, 1);
    for (const std::vector<RenderedCell>& row : body_) {
      for (std::size_t i = 0; i < column_count; ++i) {
        widths_[i] = std::max(widths_[i], row[i].width);
        data_widths[i] = std::max(data_widths[i], row[i].width);
        if (row[i].numeric) has_number[i] = true;
        if (!row[i].numeric && !row[i].text.empty()) has_text[i] = true;
      }
    }
    // Too wide for the terminal: fold the column names at their underscores, then
    // narrow the gaps, then cut the widest text columns (never numbers).
    std::vector<std::vector<std::string>> header_lines(column_count);
    for (std::size_t i = 0; i < column_count; ++i) header_lines[i] = {header_[i].text};
    gap_ = std::string(kColumnGap);
    auto total = [&] {
      std::size_t sum = gap_.size() * (column_count - 1);
      for (const std::size_t width : widths_) sum += width;
      return sum;
    };
    // Only standard output is the terminal: a file written with --out is whole.
    const std::size_t limit = &out_ == g_terminal ? g_table_width : 0;
    if (limit > 0 && total() > limit) {
      for (std::size_t i = 0; i < column_count; ++i) {
        header_lines[i] = fold_name(header_[i].text, data_widths[i]);
        widths_[i] = data_widths[i];
        for (const std::string& line : header_lines[i]) {
          widths_[i] = std::max(widths_[i], core::display_width(line));
        }
      }
      if (total() > limit) gap_ = " ";
      for (const std::size_t min_width : kMinTextWidths) {
        while (total() > limit) {
          std::size_t widest = column_count;
          for (std::size_t i = 0; i < column_count; ++i) {
            if (has_number[i] && !has_text[i]) continue;
            if (widths_[i] <= min_width) continue;
            if (widest == column_count || widths_[i] > widths_[widest]) widest = i;
          }
          if (widest == column_count) break;
          // One column at a time off the widest, so that wide columns share the cut
          // (a few hundred steps at most).
          --widths_[widest];
        }
      }
      cut_ = true;
    }
    std::size_t header_height = 1;
    for (const auto& lines : header_lines) header_height = std::max(header_height, lines.size());
    for (std::size_t row = 0; row < header_height; ++row) {
      line_.clear();
      for (std::size_t i = 0; i < column_count; ++i) {
        if (i > 0) line_ += gap_;
        // Folded names sit at the bottom, over the rule, as the last line is the one
        // next to the values.
        const std::size_t skip = header_height - header_lines[i].size();
        const std::string text = row >= skip ? header_lines[i][row - skip] : std::string();
        append_padded(line_, render_text(fit_cell(text, widths_[i])), widths_[i],
                      has_number[i] && !has_text[i]);
      }
      end_line(line_, out_);
    }
    line_.clear();
    for (std::size_t i = 0; i < column_count; ++i) {
      if (i > 0) line_ += gap_;
      line_.append(widths_[i], '-');
    }
    end_line(line_, out_);
    for (const std::vector<RenderedCell>& row : body_) write_row(row);
    body_.clear();
    body_.shrink_to_fit();
  }

  void write_row(const std::vector<RenderedCell>& row) {
    line_.clear();
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line_ += gap_;
      if (cut_ && !row[i].numeric && row[i].width > widths_[i]) {
        RenderedCell cut;
        cut.text = fit_cell(row[i].text, widths_[i]);
        cut.width = core::display_width(cut.text);
        append_padded(line_, cut, widths_[i], false);
      } else {
        append_padded(line_, row[i], widths_[i], row[i].numeric);
      }
    }
    end_line(line_, out_);
  }

  std::ostream& out_;
  std::size_t measured_rows_;
  std::vector<RenderedCell> header_;
  std::vector<std::vector<RenderedCell>> body_;  // rows held until the widths are known
  std::vector<std::size_t> widths_;
  bool measured_ = false;
  bool cut_ = false;  // fitted to g_table_width: cells wider than their column are cut
  std::string gap_ = std::string(kColumnGap);
  std::string line_;
};

}  // namespace

void set_table_width(std::size_t columns, const std::ostream& terminal) {
  g_table_width = columns;
  g_terminal = &terminal;
}
void set_table_thousands(bool grouped) { g_group_thousands = grouped; }
bool table_cells_cut() { return g_cells_cut; }

std::unique_ptr<core::RowSink> table_row_writer(std::ostream& out, std::size_t measured_rows) {
  return std::make_unique<TableRowWriter>(out, measured_rows);
}

void write_table(const core::Table& table, std::ostream& out) {
  TableRowWriter writer(out, table.rows.size() + 1);
  writer.columns(table.columns);
  for (const std::vector<core::Cell>& row : table.rows) writer.row(row);
  writer.finish();
}

}  // namespace dmarcq::output
