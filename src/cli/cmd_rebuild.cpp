// dmarcq rebuild: recomputes the derived tables from the records and their facts.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "cli/exit_codes.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] rebuild\n"
    "\n"
    "Recomputes the tables that import derives from the records, in one transaction:\n"
    "the daily totals per domain and reporter (which summary --by\n"
    "domain|reporter|day|week reads), the totals per domain and fact (which\n"
    "explain over all time reads) and each report's records packed as (fact,\n"
    "messages) pairs (which summary --by sender|source, explain over days and\n"
    "digest read). Import keeps them up to date, so this is for a\n"
    "store whose derived data is suspect, or edited by hand; the answers of every\n"
    "command are the same before and after. (The facts each record refers to are\n"
    "not derived: they hold its authentication results.)\n"
    "\n"
    "Exit status: 0 rebuilt, 3 the database failed (nothing changed).";

}  // namespace

int run_rebuild(const GlobalOptions& global, const std::vector<std::string>& args) {
  po::options_description options("rebuild options");
  add_db_option(options);
  // Accepted on either side of every command, like --db; this one reads no catalog.
  add_catalog_option(options);
  auto vm = parse_command_line(args, options, {}, kUsage);
  if (!vm) return kExitOk;
  // Rebuild reads records that must exist: a missing store is the usage error it is,
  // not an empty one to create.
  auto store = open_store_or_report(*vm, global, store::OpenMode::kReadWrite, StoreNeed::kExisting);
  if (!store) return kExitFatal;
  const auto started = std::chrono::steady_clock::now();
  if (auto status = store->rebuild(); !status) {
    print_error(status.error().to_string());
    return kExitFatal;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char line[128];
  std::snprintf(line, sizeof line,
                "rebuild: daily and fact totals and packed records recomputed in %.2f s", seconds);
  print_note(line);
  return kExitOk;
}

}  // namespace dmarcq::cli
