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
    "       dmarcq [--db PATH] rejects --forget ID... | --forget-all\n"
    "\n"
    "Lists the inputs that could not be imported, in the order they were met: where\n"
    "they came from (file › archive member), the reason (with the line for XML), the\n"
    "kind of failure (corrupt, invalid, limit, unsupported, io), the size in bytes,\n"
    "whether the bytes are kept in the database for a retry (not over 32 MiB), and\n"
    "the id that --forget takes.\n"
    "\n"
    "--retry reads the kept bytes of every reject again, exactly as 'import' reads\n"
    "its inputs, with the limits given (the defaults of 'import' otherwise): a newer\n"
    "dmarcq or wider limits may read them now. A reject whose reports now import (or\n"
    "were stored meanwhile, as duplicates) leaves the list; its reports keep its\n"
    "original origin. One that fails again stays, with its new reason and kind. The\n"
    "accounting is printed on stderr, and the rejects that remain are listed there.\n"
    "\n"
    "--forget ID (repeatable) removes a reject you give up on, with its bytes;\n"
    "--forget-all removes every one. The store still knows the document: read again,\n"
    "it counts as rejected by an earlier run and does not make the exit status 2.\n"
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

int run_retry(const po::variables_map& vm, const GlobalOptions& global,
              const ingest::Limits& limits) {
  auto store = open_store_or_report(vm, global, store::OpenMode::kReadWrite, StoreNeed::kExisting);
  if (!store) return kExitFatal;
  auto stats = import::retry_rejects(*store, limits);
  if (!stats) {
    print_error(stats.error().to_string());
    print_error(
        "retry stopped: the batch in flight was rolled back; run the same retry "
        "again to finish");
    return kExitFatal;
  }
  const bool remain = stats->still_rejected + stats->not_kept > 0;
  if (remain) set_quiet(false);  // exit 2 is not success: --quiet still says why
  print_retry_accounting(*stats);
  return remain ? kExitRejected : kExitOk;
}

}  // namespace

int run_rejects(const GlobalOptions& global, const std::vector<std::string>& args) {
  ingest::Limits limits;
  po::options_description options("rejects options");
  add_db_option(options);
  // Accepted on either side of every command, like --db; this one reads no catalog.
  add_catalog_option(options);
  add_format_option(options);
  // clang-format off
  options.add_options()
      ("retry", "read every kept reject again and import what reads now")
      ("forget", po::value<std::vector<std::string>>()->composing()->value_name("ID"),
       "remove this reject (repeatable)")
      ("forget-all", "remove every reject");
  // clang-format on
  const po::options_description limits_group = limit_options(limits);
  options.add(limits_group);
  auto vm = parse_command_line(args, options, {}, kUsage);
  if (!vm) return kExitOk;
  const bool forget = vm->count("forget") > 0 || vm->count("forget-all") > 0;
  if (forget) {
    if (vm->count("retry") || !(*vm)["format"].defaulted() || any_given(*vm, limits_group)) {
      throw UsageError{"--forget and --forget-all take no other option"};
    }
    if (vm->count("forget") && vm->count("forget-all")) {
      throw UsageError{"--forget ID and --forget-all contradict each other"};
    }
    auto store =
        open_store_or_report(*vm, global, store::OpenMode::kReadWrite, StoreNeed::kExisting);
    if (!store) return kExitFatal;
    std::vector<std::string> ids;
    if (vm->count("forget")) ids = (*vm)["forget"].as<std::vector<std::string>>();
    auto forgotten = store->forget_rejects(ids);
    if (!forgotten) {
      if (forgotten.error().code() == core::ErrorCode::kUsage) {
        throw UsageError{forgotten.error().to_string()};
      }
      print_error(forgotten.error().to_string());
      return kExitFatal;
    }
    print_note("rejects: forgot " + plural(*forgotten, "reject", "rejects"));
    return kExitOk;
  }
  if (vm->count("retry")) {
    if (!(*vm)["format"].defaulted()) {
      throw UsageError{
          "--retry prints its accounting on stderr and takes no --format; "
          "list the rejects with 'dmarcq rejects'"};
    }
    return run_retry(*vm, global, limits);
  }
  if (any_given(*vm, limits_group)) throw UsageError{"the limit options go with --retry"};
  const output::Format format = format_of(*vm);
  auto store = open_store_or_report(*vm, global, store::OpenMode::kReadOnly);
  if (!store) return kExitFatal;
  auto rejects = store->rejects();
  if (rejects) rejects->set_kind("kept", core::ColumnKind::kBoolean);
  return print_table(rejects, format, kExitFatal);
}

}  // namespace dmarcq::cli
