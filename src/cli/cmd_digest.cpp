// dmarcq digest: the weekly CSV for the people who own the domains.
#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/output_file.h"
#include "core/date.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] [--catalog FILE] digest [--week YYYY-Www] [--domain D]\n"
    "                      [--out FILE] [--excel] [--lang en|ja]\n"
    "       dmarcq [--db PATH] digest --all-weeks --out-dir DIR [--force]\n"
    "\n"
    "Writes the weekly digest as CSV (RFC 4180, UTF-8, a header row) of one ISO\n"
    "week, Monday 00:00 to Sunday 24:00 UTC; by default the last complete week. One\n"
    "row per (domain, sender), plus one per domain for forwarded mail (forwarders)\n"
    "and one for its unknown sources (unknown), as explain groups them. Columns,\n"
    "always in this order: week, domain, sender, sender_name, source_ips, messages,\n"
    "dmarc_pass, dmarc_fail, pass_rate, spf_aligned_pass, dkim_aligned_pass,\n"
    "quarantined, rejected, causes, severity, fix, messages_prev_week,\n"
    "pass_rate_prev_week, pass_rate_change\n"
    "(see README.md). A domain's messages add up to 'summary --by domain,week'.\n"
    "--excel adds a byte order mark and CRLF line ends for spreadsheets. Text cells\n"
    "that start with = + - @, tab or CR are prefixed with ' so that spreadsheets show\n"
    "them as text. --all-weeks writes dmarcq-digest-YYYY-Www.csv into --out-dir for\n"
    "every complete week with data, skipping files that exist unless --force.\n"
    "\n"
    "cron: 0 7 * * 1  dmarcq --db /var/lib/dmarcq.db digest --out /tmp/digest.csv";

// The Monday of the last complete ISO week before `today` (days since the epoch).
std::int64_t last_complete_week(std::int64_t today) {
  const std::int64_t weekday = ((today + 3) % 7 + 7) % 7;  // Monday = 0
  return today - weekday - 7;
}

}  // namespace

int run_digest(const GlobalOptions& global, const std::vector<std::string>& args) {
  po::options_description options("digest options");
  add_db_option(options);
  // One option per line, as Boost.Program_options documents them.
  // clang-format off
  options.add_options()
      ("week", po::value<std::string>(),
       "ISO week, YYYY-Www (default: the last complete week, UTC)")
      ("domain", po::value<std::vector<std::string>>()->composing(),
       "only this policy domain (repeatable)")
      ("out", po::value<std::string>(), "write to FILE instead of standard output")
      ("excel", "byte order mark and CRLF line ends, for spreadsheets")
      ("all-weeks", "one file per week with data (needs --out-dir)")
      ("out-dir", po::value<std::string>(), "directory for --all-weeks")
      ("force", "with --all-weeks: rewrite files that exist");
  // clang-format on
  add_lang_option(options);
  auto vm = parse_command_line(args, options, {}, kUsage);
  if (!vm) return kExitOk;
  const Filters filters = filters_of(*vm);
  const analysis::Lang lang = lang_of(*vm);
  output::CsvOptions csv;
  csv.excel = vm->count("excel") > 0;
  const bool all_weeks = vm->count("all-weeks") > 0;
  if (all_weeks && !vm->count("out-dir")) throw UsageError{"--all-weeks needs --out-dir DIR"};
  if (!all_weeks && vm->count("out-dir")) throw UsageError{"--out-dir goes with --all-weeks"};
  if (all_weeks && (vm->count("week") || vm->count("out"))) {
    throw UsageError{"--all-weeks writes every week: leave out --week and --out"};
  }
  std::int64_t monday = 0;
  if (vm->count("week")) {
    const std::string text = (*vm)["week"].as<std::string>();
    auto parsed = core::parse_iso_week(text);
    if (!parsed) throw UsageError{"--week '" + text + "' is not an ISO week (YYYY-Www)"};
    monday = *parsed;
  } else {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    monday = last_complete_week(
        core::day_of(std::chrono::duration_cast<std::chrono::seconds>(now).count()));
  }
  const analysis::Catalog catalog = load_catalog(global);
  auto store = open_store_or_report(db_path_of(*vm, global), store::OpenMode::kReadOnly);
  if (!store) return kExitFatal;

  auto write_week = [&](std::int64_t week_monday, std::ostream& out) -> bool {
    auto table = analysis::digest(*store, week_monday, filters.domains, catalog, lang);
    if (!table) {
      print_error(table.error().to_string());
      return false;
    }
    output::write_csv(*table, out, csv);
    return true;
  };

  if (!all_weeks) {
    if (!vm->count("out")) return write_week(monday, std::cout) ? kExitOk : kExitFatal;
    auto out = OutputFile::open((*vm)["out"].as<std::string>());
    if (!out) {
      print_error(out.error().to_string());
      return kExitFatal;
    }
    if (!write_week(monday, (*out)->stream())) return kExitFatal;
    if (const core::Status written = (*out)->commit(); !written) {
      print_error(written.error().to_string());
      return kExitFatal;
    }
    return kExitOk;
  }

  const std::filesystem::path dir = (*vm)["out-dir"].as<std::string>();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    print_error(dir.string() + ": cannot create: " + ec.message());
    return kExitFatal;
  }
  auto weeks = store->weeks(filters.domains);
  if (!weeks) {
    print_error(weeks.error().to_string());
    return kExitFatal;
  }
  const bool force = vm->count("force") > 0;
  const std::int64_t this_week =
      last_complete_week(core::day_of(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count())) +
      7;
  for (const std::string& week : *weeks) {
    // The running week is not written: its file would be skipped for ever once its
    // reports were complete.
    if (*core::parse_iso_week(week) >= this_week) {
      print_note("digest: " + week + " is not complete yet, not written");
      continue;
    }
    const std::filesystem::path path = dir / ("dmarcq-digest-" + week + ".csv");
    if (std::filesystem::exists(path) && !force) {
      print_note("digest: " + path.string() + " exists, skipped (--force rewrites it)");
      continue;
    }
    // Written beside and renamed, so that a killed run never leaves half a file that
    // the next run would skip.
    auto out = OutputFile::open(path.string());
    if (!out) {
      print_error(out.error().to_string());
      return kExitFatal;
    }
    if (!write_week(*core::parse_iso_week(week), (*out)->stream())) return kExitFatal;
    if (const core::Status written = (*out)->commit(); !written) {
      print_error(written.error().to_string());
      return kExitFatal;
    }
    print_note("digest: wrote " + path.string());
  }
  return kExitOk;
}

}  // namespace dmarcq::cli
