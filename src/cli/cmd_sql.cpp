// dmarcq sql QUERY: one read-only SQL statement over the store.
#include <iostream>

#include "cli/command.h"
#include "cli/exit_codes.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] sql [--format table|csv|json] QUERY\n"
    "\n"
    "Runs one SQL statement on a read-only connection to the database and prints the\n"
    "rows. Tables: report, report_day, report_note, record, fact, day_total, input,\n"
    "reject, message; views per record: dkim_result, spf_result, policy_reason (see\n"
    "schema/*.sql). The connection is\n"
    "opened read-only, and statements that would write anything (VACUUM INTO,\n"
    "ATTACH) are refused.\n"
    "\n"
    "example: dmarcq sql \"SELECT source_ip, sum(message_count) FROM record GROUP BY 1\"";

}  // namespace

int run_sql(const GlobalOptions& global, const std::vector<std::string>& args) {
  po::options_description options("sql options");
  add_db_option(options);
  add_format_option(options);
  options.add_options()("query", po::value<std::string>(), "the SQL statement");
  po::positional_options_description positional;
  positional.add("query", 1);
  auto vm = parse_command_line(args, options, positional, kUsage);
  if (!vm) return kExitOk;
  if (!vm->count("query")) throw UsageError{"sql needs a QUERY"};
  const output::Format format = format_of(*vm);
  auto store = open_store_or_report(db_path_of(*vm, global), store::OpenMode::kReadOnly);
  if (!store) return kExitFatal;
  // The database opened fine, so a refused statement is the query's fault: exit 1.
  return print_table(store->query((*vm)["query"].as<std::string>()), format, kExitUsage);
}

}  // namespace dmarcq::cli
