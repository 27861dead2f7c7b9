// dmarcq rejects: what could not be imported, and why.
#include <iostream>

#include "cli/command.h"
#include "cli/exit_codes.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] rejects [--format table|csv|json]\n"
    "\n"
    "Lists the inputs that could not be imported, in the order they were met: where\n"
    "they came from (file › archive member), the reason (with the line for XML), the\n"
    "kind of failure (corrupt, invalid, limit, unsupported, io) and the size in bytes.\n"
    "The bytes themselves are kept in the database so that a later dmarcq can retry.";

}  // namespace

int run_rejects(const GlobalOptions& global, const std::vector<std::string>& args) {
  po::options_description options("rejects options");
  add_db_option(options);
  add_format_option(options);
  auto vm = parse_command_line(args, options, {}, kUsage);
  if (!vm) return kExitOk;
  const output::Format format = format_of(*vm);
  auto store = open_store_or_report(db_path_of(*vm, global), store::OpenMode::kReadOnly);
  if (!store) return kExitFatal;
  return print_table(store->rejects(), format, kExitFatal);
}

}  // namespace dmarcq::cli
