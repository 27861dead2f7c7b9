// dmarcq senders: the sender catalog in use (built-in, plus --catalog files).
#include <iostream>

#include "cli/command.h"
#include "cli/exit_codes.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--catalog FILE] senders [--format table|csv|json]\n"
    "\n"
    "Lists the senders dmarcq identifies sources with: the built-in catalog\n"
    "(schema/senders.toml) with any --catalog files merged over it (an entry with\n"
    "the same id replaces the built-in one). The format is documented in\n"
    "schema/senders.md. Columns: id, name, type, the SPF include it asks for,\n"
    "whether its envelope is the customer's domain by default, its envelope and DKIM\n"
    "domains, its number of IP ranges, and where the entry was defined.";

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

}  // namespace

int run_senders(const GlobalOptions& global, const std::vector<std::string>& args) {
  po::options_description options("senders options");
  add_format_option(options);
  add_catalog_option(options);
  auto vm = parse_command_line(args, options, {}, kUsage);
  if (!vm) return kExitOk;
  const output::Format format = format_of(*vm);
  const analysis::Catalog catalog = load_catalog(global, *vm);
  core::Table table;
  table.columns = {"id",
                   "name",
                   "type",
                   "spf_includes",
                   "customer_envelope",
                   "envelope_domains",
                   "dkim_domains",
                   "ip_ranges",
                   "defined_at"};
  for (const analysis::Sender& sender : catalog.senders()) {
    table.rows.push_back({sender.id, sender.name, sender.type, joined(sender.spf_includes),
                          std::string(sender.envelope_is_customer_domain ? "yes" : "no"),
                          joined(sender.envelope_suffixes), joined(sender.dkim_domain_suffixes),
                          static_cast<std::int64_t>(sender.ip_ranges.size()), sender.origin});
  }
  for (const char* list : {"spf_includes", "envelope_domains", "dkim_domains"}) {
    table.set_kind(list, core::ColumnKind::kList);
  }
  table.set_kind("customer_envelope", core::ColumnKind::kBoolean);
  output::write(table, format, std::cout);
  return kExitOk;
}

}  // namespace dmarcq::cli
