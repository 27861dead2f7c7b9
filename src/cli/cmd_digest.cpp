// dmarcq digest: the weekly digest for the people who own the domains.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

#include "cli/clock.h"
#include "cli/command.h"
#include "cli/coverage.h"
#include "cli/exit_codes.h"
#include "cli/output_file.h"
#include "core/date.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] digest [--week YYYY-Www] [--domain D] [--out FILE]\n"
    "                             [--format csv|json] [--lang en|ja] [--tz ZONE]\n"
    "       dmarcq [--db PATH] digest --all-weeks --out-dir DIR [--force]\n"
    "\n"
    "The digest of one ISO week, Monday to Sunday by report day: by default the last\n"
    "complete week before today in --tz. Each domain opens with its total row\n"
    "(sender 'all'): messages, pass rate against the week before, the reporters\n"
    "whose reports arrived, and the findings on the domain's own policy. Then one\n"
    "row per sender the domain uses, one for forwarded mail ('forwarders') and one\n"
    "for its unknown sources ('unknown'), worst first, with causes and fix as\n"
    "explain gives them. Columns, always in this order: week, domain, sender,\n"
    "sender_name, source_ips, messages, dmarc_pass, dmarc_fail, pass_rate,\n"
    "spf_aligned_pass, dkim_aligned_pass, quarantined, rejected, causes, severity,\n"
    "fix, messages_prev_week, pass_rate_prev_week, pass_rate_change, reporters,\n"
    "reporters_prev_week (see README.md). The rows other than 'all' add up to it,\n"
    "and to 'summary --by domain,week'. --lang ja names the columns in Japanese.\n"
    "\n"
    "CSV is RFC 4180, UTF-8. Written to a file (--out, --all-weeks) it starts with a\n"
    "byte order mark and ends lines with CRLF, because Excel opens a CSV without the\n"
    "mark in the system's code page (Shift_JIS in Japan) and garbles every non-ASCII\n"
    "character; --no-excel leaves both out, --excel adds them on standard output\n"
    "too. Text cells that start with = + - @, tab or CR are prefixed with ' so that\n"
    "spreadsheets show them as text.\n"
    "\n"
    "A week without reports is said on stderr with the newest week that has them (a\n"
    "warning for the default week: reports may have stopped arriving), and so is a\n"
    "week whose reporters are fewer than the week before's: reports for a week's\n"
    "last days arrive a day or two after it. --all-weeks writes\n"
    "dmarcq-digest-YYYY-Www.csv (.json) into --out-dir for every complete week with\n"
    "reports; a file that exists is rewritten while its week ended less than 7 days\n"
    "ago, and kept after that unless --force.\n"
    "\n"
    "cron, every Monday at 09:00 (cron mails what a job prints: -q prints only\n"
    "problems; mailing the file is left to your mail program, here GNU mailutils):\n"
    "  0 9 * * 1  w=$(date -d '7 days ago' +\\%G-W\\%V); mkdir -p ~/dmarc;\n"
    "    dmarcq -q import ~/Maildir/.DMARC;\n"
    "    dmarcq -q digest --week $w --out ~/dmarc/digest-$w.csv &&\n"
    "    echo | mail -s \"DMARC digest $w\" -A ~/dmarc/digest-$w.csv postmaster@example.co.jp\n"
    "(one line in the crontab; README.md has it ready to paste).";

constexpr std::int64_t kRewriteDays = 7;

std::string extension_of(output::Format format) {
  switch (format) {
    case output::Format::kCsv: return ".csv";
    case output::Format::kJson: return ".json";
    case output::Format::kTable: break;
  }
  return ".txt";
}

// The reporters with reports for the days `from` to `to` of any of `domains`.
core::Result<std::set<std::string>> reporters_of(store::Store& store,
                                                 const std::vector<std::string>& domains,
                                                 std::int64_t from, std::int64_t to) {
  auto by_domain = analysis::reporters_by_domain(store, domains, from, to);
  if (!by_domain) return std::move(by_domain).error();
  std::set<std::string> reporters;
  for (const auto& [domain, names] : *by_domain) reporters.insert(names.begin(), names.end());
  return reporters;
}

// Says on stderr when the week has no reports, is not over yet, or has fewer
// reporters than the week before. `named` is whether the user named the week (else
// it is the default, the last complete one).
bool note_week_state(store::Store& store, const Coverage& coverage,
                     const std::vector<std::string>& domains, std::int64_t monday, bool named,
                     std::int64_t today) {
  const std::string week = core::iso_week(monday);
  if (!coverage.covers(domains, monday, monday + 6)) {
    std::string message = "digest: no reports for " + week + " (" + core::format_day(monday) +
                          " to " + core::format_day(monday + 6) + ")";
    if (!named) message += ", the last complete week in " + time_zone_name();
    if (const auto newest = coverage.newest_day(domains)) {
      const std::string newest_week = core::iso_week(*newest);
      message += "; the newest reports are for " + core::format_day(*newest) + " (" + newest_week +
                 ": dmarcq digest --week " + newest_week + ")";
      if (!named && *newest < monday) message += "; are reports still arriving?";
    } else {
      message += "; the store holds no reports yet";
    }
    print_warning(message);
    return true;
  }
  if (today <= monday + 6) {
    print_warning("digest: " + week + " is not over yet (today is " + core::format_day(today) +
                  " in " + time_zone_name() + "): its figures are partial");
    return true;
  }
  auto now = reporters_of(store, domains, monday, monday + 6);
  auto before = reporters_of(store, domains, monday - 7, monday - 1);
  if (!now || !before) {
    print_error((!now ? now.error() : before.error()).to_string());
    return false;
  }
  std::vector<std::string> missing;
  for (const std::string& reporter : *before) {
    if (now->count(reporter) == 0) missing.push_back(reporter);
  }
  if (missing.empty()) return true;
  std::string message = "digest: " + week + ": reports from " + std::to_string(now->size()) +
                        " of the " + std::to_string(before->size()) +
                        " reporters of the week before (missing: ";
  for (std::size_t i = 0; i < missing.size() && i < 3; ++i) {
    message += (i == 0 ? "" : ", ") + missing[i];
  }
  message += missing.size() > 3 ? ", ...)" : ")";
  if (today <= monday + 6 + 2) {
    message += "; reports for a week's last days arrive a day or two after it: run again after " +
               core::format_day(monday + 6 + 2) + " for the whole week";
  }
  print_note(message);
  return true;
}

}  // namespace

int run_digest(const GlobalOptions& global, const std::vector<std::string>& args) {
  po::options_description options("digest options");
  add_db_option(options);
  // One option per line, as Boost.Program_options documents them.
  // clang-format off
  options.add_options()
      ("week", po::value<std::string>(),
       "ISO week, YYYY-Www (default: the last complete week in --tz)")
      ("domain", po::value<std::vector<std::string>>()->composing(),
       "only this policy domain (repeatable)")
      ("out", po::value<std::string>(), "write to FILE instead of standard output")
      ("format", po::value<std::string>()->default_value("csv"), "csv or json")
      ("excel", "byte order mark and CRLF line ends on standard output too")
      ("no-excel", "no byte order mark and LF line ends in files too")
      ("all-weeks", "one file per week with reports (needs --out-dir)")
      ("out-dir", po::value<std::string>(), "directory for --all-weeks")
      ("force", "with --all-weeks: rewrite files of weeks that ended 7 days ago or more");
  // clang-format on
  add_tz_option(options);
  add_lang_option(options);
  add_catalog_option(options);
  auto vm = parse_command_line(args, options, {}, kUsage);
  if (!vm) return kExitOk;
  const Filters filters = filters_of(*vm, global);
  const analysis::Lang lang = lang_of(*vm, global);
  const output::Format format = format_of(*vm);
  // A digest row carries a fix of many lines: a text table of it is unreadable, and
  // explain is the view for a terminal.
  if (format == output::Format::kTable) {
    throw UsageError{"digest writes csv or json; explain shows the findings on a terminal"};
  }
  if (vm->count("excel") && vm->count("no-excel")) {
    throw UsageError{"--excel and --no-excel contradict each other"};
  }
  if (format != output::Format::kCsv && (vm->count("excel") || vm->count("no-excel"))) {
    throw UsageError{"--excel and --no-excel go with --format csv"};
  }
  const bool all_weeks = vm->count("all-weeks") > 0;
  if (all_weeks && !vm->count("out-dir")) throw UsageError{"--all-weeks needs --out-dir DIR"};
  if (!all_weeks && vm->count("out-dir")) throw UsageError{"--out-dir goes with --all-weeks"};
  if (!all_weeks && vm->count("force")) throw UsageError{"--force goes with --all-weeks"};
  if (all_weeks && (vm->count("week") || vm->count("out"))) {
    throw UsageError{"--all-weeks writes every week: leave out --week and --out"};
  }
  const std::int64_t today = local_today();
  const bool named = vm->count("week") > 0;
  std::int64_t monday = last_complete_week(today);
  if (named) {
    const std::string text = (*vm)["week"].as<std::string>();
    auto parsed = core::parse_iso_week(text);
    if (!parsed) throw UsageError{"--week '" + text + "' is not an ISO week (YYYY-Www)"};
    monday = *parsed;
  }
  const analysis::Catalog catalog = load_catalog(global, *vm);
  auto store = open_store_or_report(*vm, global, store::OpenMode::kReadOnly);
  if (!store) return kExitFatal;
  auto coverage = read_coverage(*store);
  if (!coverage) {
    print_error(coverage.error().to_string());
    return kExitFatal;
  }
  require_known_domains(*coverage, filters.domains);

  // Files are for spreadsheets unless --no-excel; standard output is for scripts and
  // pipes unless --excel.
  auto csv_for = [&](bool to_file) {
    output::CsvOptions csv;
    csv.excel = vm->count("excel") > 0 || (to_file && !vm->count("no-excel"));
    return csv;
  };
  auto write_week = [&](std::int64_t week_monday, std::ostream& out, bool to_file) -> bool {
    // JSON keys are ids for scripts in every language; CSV and table headers are for
    // people.
    auto table = analysis::digest(*store, week_monday, filters.domains, catalog, lang,
                                  format != output::Format::kJson);
    if (!table) {
      print_error(table.error().to_string());
      return false;
    }
    if (format == output::Format::kCsv) {
      output::write_csv(*table, out, csv_for(to_file));
    } else {
      output::write(*table, format, out);
    }
    return true;
  };
  auto write_file = [&](std::int64_t week_monday, const std::string& path) -> bool {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && path_missing(parent.string())) {
      throw UsageError{path + ": directory " + parent.string() + " does not exist"};
    }
    // Written beside and renamed, so that a killed run never leaves half a file.
    auto out = OutputFile::open(path);
    if (!out) {
      print_error(out.error().to_string());
      return false;
    }
    if (!write_week(week_monday, (*out)->stream(), true)) return false;
    if (const core::Status written = (*out)->commit(); !written) {
      print_error(written.error().to_string());
      return false;
    }
    return true;
  };

  if (!all_weeks) {
    if (!note_week_state(*store, *coverage, filters.domains, monday, named, today)) {
      return kExitFatal;
    }
    if (!vm->count("out")) return write_week(monday, std::cout, false) ? kExitOk : kExitFatal;
    return write_file(monday, (*vm)["out"].as<std::string>()) ? kExitOk : kExitFatal;
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
  if (weeks->empty()) {
    print_warning("digest: the store holds no reports" +
                  std::string(filters.domains.empty() ? "" : " for these domains") +
                  ": no week to write");
  }
  const bool force = vm->count("force") > 0;
  const std::int64_t this_week = last_complete_week(today) + 7;
  for (const std::string& week : *weeks) {
    const std::int64_t week_monday = *core::parse_iso_week(week);
    // The running week is not written: it would look complete to whoever opens it.
    if (week_monday >= this_week) {
      print_note("digest: " + week + " is not over yet, not written");
      continue;
    }
    const std::filesystem::path path = dir / ("dmarcq-digest-" + week + extension_of(format));
    // Reports for a week keep arriving for days after it: its file is rewritten until
    // a week has passed, and kept from then on.
    const bool settled = today > week_monday + 6 + kRewriteDays;
    const bool exists = std::filesystem::exists(path, ec);
    if (exists && settled && !force) {
      print_note("digest: kept " + path.string() + " (its week is settled; --force rewrites it)");
      continue;
    }
    if (!write_file(week_monday, path.string())) return kExitFatal;
    print_note("digest: " + std::string(exists ? "rewrote " : "wrote ") + path.string() +
               (settled ? ""
                        : " (reports for it may still arrive: rewritten until " +
                              core::format_day(week_monday + 6 + kRewriteDays) + ")"));
  }
  return kExitOk;
}

}  // namespace dmarcq::cli
