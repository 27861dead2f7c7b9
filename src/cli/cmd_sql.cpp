// dmarcq sql QUERY: one read-only SQL statement over the store.
#include <cstdint>
#include <iostream>

#include "cli/command.h"
#include "cli/count_option.h"
#include "cli/exit_codes.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] sql [--format table|csv|json] [--max-rows N] QUERY\n"
    "\n"
    "Runs one SQL statement on a read-only connection to the database and prints the\n"
    "rows as they are read. Tables: report, report_day, report_note, record, fact,\n"
    "day_total, input, reject, message; views per record: dkim_result, spf_result,\n"
    "policy_reason; conflict, reports delivered twice with different records (see\n"
    "schema/*.sql). Only SELECT (WITH and RECURSIVE included), SQLite's functions\n"
    "that read their arguments only, and the PRAGMAs that describe tables\n"
    "(table_info, table_list, index_list, ...) and integrity_check run; anything\n"
    "else (ATTACH, a PRAGMA that sets, load_extension(), any write) is refused with\n"
    "exit 1.\n"
    "\n"
    "At most --max-rows rows are printed (default 1,000,000; 0: all), with a note on\n"
    "stderr when there were more. The table format sizes its columns on the first\n"
    "1,000 rows.\n"
    "\n"
    "example: dmarcq sql \"SELECT source_ip, sum(message_count) FROM record GROUP BY\n"
    "1\"";

// Rows a table view measures before it prints: enough for any real column, bounded
// so that a query of millions of rows prints in flat memory.
constexpr std::size_t kMeasuredRows = 1000;

// Passes at most `max_rows` rows (0: all) to the writer, and notes whether there were
// more.
class RowLimit final : public core::RowSink {
 public:
  RowLimit(core::RowSink& writer, std::uint64_t max_rows) : writer_(writer), max_rows_(max_rows) {}
  void columns(const std::vector<std::string>& names) override { writer_.columns(names); }
  bool row(const std::vector<core::Cell>& cells) override {
    if (max_rows_ != 0 && rows_ == max_rows_) {
      cut_ = true;
      return false;
    }
    ++rows_;
    return writer_.row(cells);
  }
  void finish() override { writer_.finish(); }
  bool cut() const { return cut_; }

 private:
  core::RowSink& writer_;
  std::uint64_t max_rows_;
  std::uint64_t rows_ = 0;
  bool cut_ = false;
};

}  // namespace

int run_sql(const GlobalOptions& global, const std::vector<std::string>& args) {
  std::uint64_t max_rows = 1'000'000;
  po::options_description options("sql options");
  add_db_option(options);
  // Accepted on either side of every command, like --db; this one reads no catalog.
  add_catalog_option(options);
  add_format_option(options);
  // clang-format off
  options.add_options()
      ("max-rows", count_value("max-rows", max_rows, std::uint64_t{0}, UINT64_MAX),
       "rows printed at most (0: all)")
      ("query", po::value<std::string>(), "the SQL statement");
  // clang-format on
  po::positional_options_description positional;
  positional.add("query", 1);
  auto vm = parse_command_line(args, options, positional, kUsage);
  if (!vm) return kExitOk;
  if (!vm->count("query")) throw UsageError{"sql needs a QUERY"};
  const output::Format format = format_of(*vm);
  auto store = open_store_or_report(*vm, global, store::OpenMode::kReadOnly);
  if (!store) return kExitFatal;
  // Query results print as SQLite gives them: an integer may be a year or an id.
  output::set_table_thousands(false);
  const auto writer = output::row_writer(format, std::cout, kMeasuredRows);
  RowLimit limit(*writer, max_rows);
  const core::Status status = store->query((*vm)["query"].as<std::string>(), limit);
  if (!status) {
    print_error(status.error().to_string());
    // The database opened fine, so a refused or failing statement is the query's
    // fault: exit 1.
    return kExitUsage;
  }
  if (limit.cut()) {
    print_note("sql: printed the first " + with_thousands(static_cast<std::int64_t>(max_rows)) +
               " rows; there are more (--max-rows 0 prints all)");
  }
  return kExitOk;
}

}  // namespace dmarcq::cli
