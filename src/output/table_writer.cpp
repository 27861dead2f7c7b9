// The aligned text table for people at a terminal. Cells are made terminal-safe before
// they are measured, so an escape sequence in a report can neither recolour the screen
// nor throw the columns out of line.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/text.h"
#include "output/output.h"

namespace dmarcq::output {
namespace {

constexpr std::string_view kColumnGap = "  ";

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

}  // namespace

void write_table(const core::Table& table, std::ostream& out) {
  const std::size_t column_count = table.columns.size();
  if (column_count == 0) return;

  std::vector<RenderedCell> header;
  header.reserve(column_count);
  for (const std::string& name : table.columns) header.push_back(render_text(name));

  std::vector<std::vector<RenderedCell>> body;
  body.reserve(table.rows.size());
  for (const std::vector<core::Cell>& row : table.rows) {
    std::vector<RenderedCell>& rendered = body.emplace_back();
    rendered.reserve(column_count);
    // A short row is padded with NULLs rather than read past its end.
    for (std::size_t i = 0; i < column_count; ++i) {
      rendered.push_back(i < row.size() ? render(row[i]) : RenderedCell{});
    }
  }

  // A column of numbers gets a right-aligned header so that it sits over the digits.
  std::vector<std::size_t> widths(column_count, 1);
  std::vector<bool> has_number(column_count, false);
  std::vector<bool> has_text(column_count, false);
  for (std::size_t i = 0; i < column_count; ++i) {
    widths[i] = std::max(widths[i], header[i].width);
  }
  for (const std::vector<RenderedCell>& row : body) {
    for (std::size_t i = 0; i < column_count; ++i) {
      widths[i] = std::max(widths[i], row[i].width);
      if (row[i].numeric) has_number[i] = true;
      if (!row[i].numeric && !row[i].text.empty()) has_text[i] = true;
    }
  }

  std::string line;
  for (std::size_t i = 0; i < column_count; ++i) {
    if (i > 0) line += kColumnGap;
    append_padded(line, header[i], widths[i], has_number[i] && !has_text[i]);
  }
  end_line(line, out);

  line.clear();
  for (std::size_t i = 0; i < column_count; ++i) {
    if (i > 0) line += kColumnGap;
    line.append(widths[i], '-');
  }
  end_line(line, out);

  for (const std::vector<RenderedCell>& row : body) {
    line.clear();
    for (std::size_t i = 0; i < column_count; ++i) {
      if (i > 0) line += kColumnGap;
      append_padded(line, row[i], widths[i], row[i].numeric);
    }
    end_line(line, out);
  }
}

}  // namespace dmarcq::output
