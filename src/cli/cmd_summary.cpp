// dmarcq summary: totals and pass rates grouped by domain, reporter, source, day, week.
#include <algorithm>
#include <iostream>

#include "cli/command.h"
#include "cli/coverage.h"
#include "cli/exit_codes.h"
#include "core/text.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] summary [--by KEYS] [--domain D] [--from DATE] [--to DATE]\n"
    "                                  [--format table|csv|json]\n"
    "\n"
    "Messages and DMARC results, grouped by KEYS: a comma list of domain, sender,\n"
    "reporter, source, day, week (default: domain). 'domain' is the policy domain of\n"
    "the report; 'sender' is the catalog sender of the source ('unknown' otherwise,\n"
    "see 'dmarcq senders').\n"
    "Columns: the keys, messages, dmarc_pass, dmarc_fail, spf_aligned_pass,\n"
    "dkim_aligned_pass, quarantined, rejected, pass_rate (percent of messages passing\n"
    "DMARC, i.e. aligned SPF or aligned DKIM, as the reporter evaluated it).\n"
    "\n"
    "Days and weeks are UTC (ISO 8601 weeks). A report covering several days has each\n"
    "record's count spread evenly over those days: day i of n gets count / n, plus one\n"
    "for the first count % n days, so every figure is an exact integer and the days add\n"
    "up to the count. --from/--to select days by the same rule.";

std::vector<store::GroupKey> parse_keys(const std::vector<std::string>& values) {
  std::vector<store::GroupKey> keys;
  for (const std::string& value : values) {
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      const std::string name =
          core::ascii_lower(core::trim(std::string_view(value).substr(start, comma - start)));
      start = comma + 1;
      if (name.empty()) continue;
      auto key = store::parse_group_key(name);
      if (!key) {
        throw UsageError{"unknown --by key '" + name +
                         "' (choose from domain, sender, reporter, source, day, week)"};
      }
      for (store::GroupKey seen : keys) {
        if (seen == *key) throw UsageError{"--by key '" + name + "' given twice"};
      }
      keys.push_back(*key);
    }
  }
  if (keys.empty()) throw UsageError{"--by needs at least one key"};
  return keys;
}

}  // namespace

int run_summary(const GlobalOptions& global, const std::vector<std::string>& args) {
  po::options_description options("summary options");
  add_db_option(options);
  options.add_options()("by", po::value<std::vector<std::string>>()->composing(),
                        "group keys, comma-separated: domain, sender, reporter, source, day, week");
  add_filter_options(options);
  add_format_option(options);
  add_catalog_option(options);
  auto vm = parse_command_line(args, options, {}, kUsage);
  if (!vm) return kExitOk;

  store::SummaryQuery query;
  if (vm->count("by")) query.by = parse_keys((*vm)["by"].as<std::vector<std::string>>());
  const Filters filters = filters_of(*vm, global);
  query.domains = filters.domains;
  query.from_day = filters.from_day;
  query.to_day = filters.to_day;
  const output::Format format = format_of(*vm);

  auto store = open_store_or_report(*vm, global, store::OpenMode::kReadOnly);
  if (!store) return kExitFatal;
  auto coverage = read_coverage(*store);
  if (!coverage) {
    print_error(coverage.error().to_string());
    return kExitFatal;
  }
  require_known_domains(*coverage, filters.domains);
  note_if_window_empty(*coverage, filters.domains, filters.from_day, filters.to_day);
  // Sender and source are properties of a record's fact: their summary sums the
  // packed records per fact (analysis::sender_summary). The other keys are in the
  // daily totals.
  const bool by_fact = std::any_of(query.by.begin(), query.by.end(), [](store::GroupKey key) {
    return key == store::GroupKey::kSender || key == store::GroupKey::kSource;
  });
  return print_table(by_fact ? analysis::sender_summary(*store, query, load_catalog(global, *vm))
                             : store->summary(query),
                     format, kExitFatal);
}

}  // namespace dmarcq::cli
