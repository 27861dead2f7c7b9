// dmarcq rejects: what could not be imported, and why; --retry reads it all again.
#include <iostream>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "import/import.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] rejects [--format table|csv|json]\n"
    "       dmarcq [--db PATH] rejects --retry [limit options]\n"
    "\n"
    "Lists the inputs that could not be imported, in the order they were met: where\n"
    "they came from (file › archive member), the reason (with the line for XML), the\n"
    "kind of failure (corrupt, invalid, limit, unsupported, io), the size in bytes and\n"
    "whether the bytes are kept in the database for a retry (not over 32 MiB).\n"
    "\n"
    "--retry reads the kept bytes of every reject again, exactly as 'import' reads its\n"
    "inputs, with the limits given (the defaults of 'import' otherwise): a newer\n"
    "dmarcq or wider limits may read them now. A reject whose reports now import (or\n"
    "were stored meanwhile, as duplicates) leaves the list; its reports keep its\n"
    "original origin. One that fails again stays, with its new reason and kind. The\n"
    "accounting is printed on stderr, and the rejects that remain are listed there.\n"
    "\n"
    "Exit status: 0 success; with --retry, 2 when rejects remain (still rejected, or\n"
    "their bytes were not kept); 3 the database failed.";

constexpr std::size_t kRejectsShown = 10;

void print_retry_accounting(const import::RetryStats& stats) {
  print_note("retry: " + plural(stats.retried(), "reject", "rejects") +
             " retried: " + with_thousands(stats.imported) + " imported, " +
             plural(stats.duplicates, "duplicate", "duplicates") + ", " +
             with_thousands(stats.still_rejected) + " still rejected; " +
             with_thousands(stats.not_kept) + " not retried because their bytes were not kept");
  print_note("retry: " + plural(stats.records, "record", "records") + " and " +
             plural(stats.messages, "message", "messages") + " added");
  for (std::size_t i = 0; i < stats.rejects.size() && i < kRejectsShown; ++i) {
    print_note("rejected: " + stats.rejects[i]);
  }
  if (stats.rejects.size() > kRejectsShown) {
    print_note("rejected: ... and " +
               with_thousands(static_cast<std::int64_t>(stats.rejects.size() - kRejectsShown)) +
               " more (see 'dmarcq rejects')");
  }
}

int run_retry(const std::string& db_path, const ingest::Limits& limits) {
  auto store = open_store_or_report(db_path, store::OpenMode::kReadWrite);
  if (!store) return kExitFatal;
  auto stats = import::retry_rejects(*store, limits);
  if (!stats) {
    print_error(stats.error().to_string());
    print_error(
        "retry stopped: the batch in flight was rolled back; run the same retry "
        "again to finish");
    return kExitFatal;
  }
  print_retry_accounting(*stats);
  return stats->still_rejected + stats->not_kept > 0 ? kExitRejected : kExitOk;
}

}  // namespace

int run_rejects(const GlobalOptions& global, const std::vector<std::string>& args) {
  ingest::Limits limits;
  po::options_description options("rejects options");
  add_db_option(options);
  add_format_option(options);
  options.add_options()("retry", "read every kept reject again and import what reads now");
  const po::options_description limits_group = limit_options(limits);
  options.add(limits_group);
  auto vm = parse_command_line(args, options, {}, kUsage);
  if (!vm) return kExitOk;
  const std::string db_path = db_path_of(*vm, global);
  if (vm->count("retry")) {
    if (!(*vm)["format"].defaulted()) {
      throw UsageError{
          "--retry prints its accounting on stderr and takes no --format; "
          "list the rejects with 'dmarcq rejects'"};
    }
    return run_retry(db_path, limits);
  }
  if (any_given(*vm, limits_group)) throw UsageError{"the limit options go with --retry"};
  const output::Format format = format_of(*vm);
  auto store = open_store_or_report(db_path, store::OpenMode::kReadOnly);
  if (!store) return kExitFatal;
  return print_table(store->rejects(), format, kExitFatal);
}

}  // namespace dmarcq::cli
