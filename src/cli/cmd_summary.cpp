// dmarcq summary: totals and pass rates grouped by domain, reporter, source, day, week.
#include <algorithm>
#include <iostream>
#include <optional>

#include "cli/command.h"
#include "cli/coverage.h"
#include "cli/exit_codes.h"
#include "core/text.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] summary [--by KEYS] [--domain D] [--from DAY]\n"
    "                  [--to DAY] [--sort COLUMN] [--top N] [--format table|csv|json]\n"
    "\n"
    "Messages and DMARC results, grouped by KEYS: a comma list of domain, sender,\n"
    "reporter, source, day, week (default: domain). 'domain' is the policy domain of\n"
    "the report; 'sender' is the catalog sender of the source ('unknown' otherwise,\n"
    "see 'dmarcq senders'). Columns: the keys, messages, dmarc_pass, dmarc_fail,\n"
    "spf_aligned_pass, dkim_aligned_pass, quarantined, rejected, pass_rate (percent\n"
    "of messages passing DMARC, i.e. aligned SPF or aligned DKIM, as the reporter\n"
    "evaluated it).\n"
    "\n"
    "Rows are in the order of their keys; --by source sorts by messages, busiest\n"
    "first. --sort COLUMN sorts by any column (numbers largest first), --top N keeps\n"
    "N rows.\n"
    "\n"
    "Days are the reporters' days, as the reports state them (UTC for Google,\n"
    "Microsoft and Yahoo), and weeks ISO 8601 weeks; --tz only says what today is\n"
    "for --from and --to (today, yesterday, Nd). A report covering several days has\n"
    "each record's count spread evenly over those days: day i of n gets count / n,\n"
    "plus one for the first count % n days, so every figure is an exact integer and\n"
    "the days add up to the count. --from/--to select days by the same rule.";

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

// Sorts by the column `name`: numbers largest first, text in order; ties keep the
// keys' order. An unknown column is a usage error listing the columns.
void sort_rows(core::Table& table, const std::string& name, std::size_t grouped_by = 0) {
  const auto column = std::find(table.columns.begin(), table.columns.end(), name);
  if (column == table.columns.end()) {
    std::string names;
    for (const std::string& each : table.columns) names += (names.empty() ? "" : ", ") + each;
    throw UsageError{"unknown --sort column '" + name + "' (choose from " + names + ")"};
  }
  const std::size_t index = static_cast<std::size_t>(column - table.columns.begin());
  auto number = [](const core::Cell& cell) -> std::optional<double> {
    if (const auto* i = std::get_if<std::int64_t>(&cell)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&cell)) return *d;
    return std::nullopt;
  };
  std::stable_sort(table.rows.begin(), table.rows.end(), [&](const auto& a, const auto& b) {
    // Within the groups of the first `grouped_by` keys, which keep their order.
    for (std::size_t key = 0; key < grouped_by; ++key) {
      if (a[key] != b[key]) return a[key] < b[key];
    }
    const auto x = number(a[index]);
    const auto y = number(b[index]);
    if (x || y) return x.value_or(-1e300) > y.value_or(-1e300);
    const auto* s = std::get_if<std::string>(&a[index]);
    const auto* t = std::get_if<std::string>(&b[index]);
    return (s != nullptr ? *s : std::string()) < (t != nullptr ? *t : std::string());
  });
}

}  // namespace

int run_summary(const GlobalOptions& global, const std::vector<std::string>& args) {
  po::options_description options("summary options");
  add_db_option(options);
  options.add_options()("by", po::value<std::vector<std::string>>()->composing(),
                        "group keys, comma-separated: domain, sender, reporter, source, day, week");
  // clang-format off
  options.add_options()
      ("sort", po::value<std::string>()->value_name("COLUMN"),
       "sort by this column: numbers largest first (default for --by source: messages)")
      ("top", po::value<std::int64_t>()->value_name("N"), "only the first N rows");
  // clang-format on
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
  if (!check_coverage(*store, filters.domains, filters.from_day, filters.to_day)) {
    return kExitFatal;
  }
  // Sender and source are properties of a record's fact: their summary sums the
  // packed records per fact (analysis::sender_summary). The other keys are in the
  // daily totals.
  const bool by_fact = std::any_of(query.by.begin(), query.by.end(), [](store::GroupKey key) {
    return key == store::GroupKey::kSender || key == store::GroupKey::kSource;
  });
  auto table = by_fact ? analysis::sender_summary(*store, query, load_catalog(global, *vm))
                       : store->summary(query);
  if (!table) return print_table(table, format, kExitFatal);
  // Sources are many and only the busiest matter: by messages unless --sort says
  // otherwise. Other groupings keep their keys' order.
  const auto source = std::find(query.by.begin(), query.by.end(), store::GroupKey::kSource);
  if (vm->count("sort")) {
    sort_rows(*table, (*vm)["sort"].as<std::string>());
  } else if (source != query.by.end()) {
    // Busiest sources first within each group of the keys before them (--by
    // reporter,source: each reporter's sources).
    sort_rows(*table, "messages", static_cast<std::size_t>(source - query.by.begin()));
  }
  if (vm->count("top")) {
    const std::int64_t top = (*vm)["top"].as<std::int64_t>();
    if (top < 1) throw UsageError{"--top must be 1 or more"};
    const std::size_t rows = table->rows.size();
    if (rows > static_cast<std::size_t>(top)) {
      table->rows.resize(static_cast<std::size_t>(top));
      print_note("summary: the first " + with_thousands(top) + " of " +
                 with_thousands(static_cast<std::int64_t>(rows)) + " rows (--top)");
    }
  }
  return print_table(table, format, kExitFatal);
}

}  // namespace dmarcq::cli
