#include <charconv>
#include <cmath>
#include <type_traits>

#include "output/output.h"

namespace dmarcq::output {

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") return Format::kTable;
  if (name == "csv") return Format::kCsv;
  if (name == "json") return Format::kJson;
  return std::nullopt;
}

std::optional<std::string> format_number(const core::Cell& cell) {
  return std::visit(
      [](const auto& value) -> std::optional<std::string> {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>) {
          if constexpr (std::is_same_v<T, double>) {
            // "inf" and "nan" are not numbers in JSON and mean nothing in a report.
            if (!std::isfinite(value)) return std::nullopt;
          }
          char buffer[32];  // enough for any int64 and any shortest double
          const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
          if (error != std::errc()) return std::nullopt;
          return std::string(buffer, end);
        } else {
          return std::nullopt;
        }
      },
      cell);
}

namespace {
CsvOptions g_csv_options;
}  // namespace

void set_csv_options(const CsvOptions& options) { g_csv_options = options; }

void write(const core::Table& table, Format format, std::ostream& out) {
  switch (format) {
    case Format::kTable: write_table(table, out); return;
    case Format::kCsv: write_csv(table, out, g_csv_options); return;
    case Format::kJson: write_json(table, out); return;
  }
}

std::unique_ptr<core::RowSink> row_writer(Format format, std::ostream& out,
                                          std::size_t measured_rows) {
  switch (format) {
    case Format::kTable: return table_row_writer(out, measured_rows);
    case Format::kCsv: return csv_row_writer(out, g_csv_options);
    case Format::kJson: return json_row_writer(out);
  }
  return nullptr;
}

}  // namespace dmarcq::output
