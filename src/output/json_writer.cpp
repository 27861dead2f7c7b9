// JSON for scripts. The output must parse whatever the report contained, so text is
// forced to valid UTF-8, and it is escaped enough to be inert when someone cats it to a
// terminal.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/text.h"
#include "output/output.h"

namespace dmarcq::output {
namespace {

// Printable ASCII other than the two JSON metacharacters is copied as it is, in runs:
// most report text is exactly that, and the output can run to tens of megabytes.
bool is_plain_ascii(unsigned char byte) {
  return byte >= 0x20 && byte < 0x7F && byte != '"' && byte != '\\';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t run = pos;
    while (run < text.size() && is_plain_ascii(static_cast<unsigned char>(text[run]))) ++run;
    if (run > pos) {
      out.append(text, pos, run - pos);
      pos = run;
      continue;
    }
    // Invalid UTF-8 comes out as U+FFFD (decode_utf8's code point for it), so the
    // output always parses.
    const core::Utf8Step step = core::decode_utf8(text, pos);
    switch (step.code_point) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        // Every code point in this set is in the BMP, so one \u escape suffices.
        if (core::is_terminal_unsafe(step.code_point)) {
          core::append_u_escape(out, step.code_point);
        } else if (!step.valid) {
          out += "\xEF\xBF\xBD";
        } else {
          out.append(text, pos, step.length);
        }
    }
    pos += step.length;
  }
  out += '"';
}

void append_json_value(std::string& out, const core::Cell& cell) {
  if (const auto* text = std::get_if<std::string>(&cell)) {
    append_json_string(out, *text);
  } else {
    out += format_number(cell).value_or("null");
  }
}

namespace {

// "a b c" as ["a", "b", "c"]; "" as [].
void append_json_list(std::string& out, std::string_view items) {
  out += '[';
  bool first = true;
  while (!items.empty()) {
    const std::size_t space = items.find(' ');
    const std::string_view item = items.substr(0, space);
    if (!item.empty()) {
      if (!first) out += ", ";
      append_json_string(out, item);
      first = false;
    }
    if (space == std::string_view::npos) break;
    items.remove_prefix(space + 1);
  }
  out += ']';
}

class JsonRowWriter final : public core::RowSink {
 public:
  explicit JsonRowWriter(std::ostream& out) : out_(out) {}

  void columns(const std::vector<std::string>& names) override {
    // Keys are escaped once, not once per row.
    keys_.clear();
    for (const std::string& name : names) {
      std::string& key = keys_.emplace_back();
      append_json_string(key, name);
      key += ": ";
    }
  }

  void kinds(std::vector<core::ColumnKind> kinds) { kinds_ = std::move(kinds); }

  bool row(const std::vector<core::Cell>& cells) override {
    line_.assign(rows_ == 0 ? "[\n  {" : ",\n  {");
    ++rows_;
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      if (i > 0) line_ += ", ";
      line_ += keys_[i];
      // A short row is padded with nulls rather than read past its end.
      if (i >= cells.size()) {
        line_ += "null";
        continue;
      }
      const auto* text = std::get_if<std::string>(&cells[i]);
      const core::ColumnKind kind = i < kinds_.size() ? kinds_[i] : core::ColumnKind::kPlain;
      if (text != nullptr && kind == core::ColumnKind::kBoolean &&
          (*text == "yes" || *text == "no")) {
        line_ += *text == "yes" ? "true" : "false";
      } else if (text != nullptr && kind == core::ColumnKind::kList) {
        append_json_list(line_, *text);
      } else {
        append_json_value(line_, cells[i]);
      }
    }
    line_ += '}';
    out_ << line_;
    return true;
  }

  void finish() override { out_ << (rows_ == 0 ? "[]\n" : "\n]\n"); }

 private:
  std::ostream& out_;
  std::vector<std::string> keys_;
  std::vector<core::ColumnKind> kinds_;
  std::string line_;
  std::size_t rows_ = 0;
};

}  // namespace

std::unique_ptr<core::RowSink> json_row_writer(std::ostream& out) {
  return std::make_unique<JsonRowWriter>(out);
}

void write_json(const core::Table& table, std::ostream& out) {
  JsonRowWriter writer(out);
  writer.columns(table.columns);
  writer.kinds(table.kinds);
  for (const std::vector<core::Cell>& row : table.rows) writer.row(row);
  writer.finish();
}

}  // namespace dmarcq::output
