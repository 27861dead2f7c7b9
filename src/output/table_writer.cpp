// The aligned text table for people at a terminal. Cells are made terminal-safe before
// they are measured, so an escape sequence in a report can neither recolour the screen
// nor throw the columns out of line.
#include <algorithm>
#include <cstddef>
#include <cstdint>
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
    for (const std::vector<RenderedCell>& row : body_) {
      for (std::size_t i = 0; i < column_count; ++i) {
        widths_[i] = std::max(widths_[i], row[i].width);
        if (row[i].numeric) has_number[i] = true;
        if (!row[i].numeric && !row[i].text.empty()) has_text[i] = true;
      }
    }
    line_.clear();
    for (std::size_t i = 0; i < column_count; ++i) {
      if (i > 0) line_ += kColumnGap;
      append_padded(line_, header_[i], widths_[i], has_number[i] && !has_text[i]);
    }
    end_line(line_, out_);
    line_.clear();
    for (std::size_t i = 0; i < column_count; ++i) {
      if (i > 0) line_ += kColumnGap;
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
      if (i > 0) line_ += kColumnGap;
      append_padded(line_, row[i], widths_[i], row[i].numeric);
    }
    end_line(line_, out_);
  }

  std::ostream& out_;
  std::size_t measured_rows_;
  std::vector<RenderedCell> header_;
  std::vector<std::vector<RenderedCell>> body_;  // rows held until the widths are known
  std::vector<std::size_t> widths_;
  bool measured_ = false;
  std::string line_;
};

}  // namespace

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
