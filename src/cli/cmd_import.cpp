// dmarcq import PATH...: reads report files, archives and directories into the store.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/command.h"
#include "cli/count_option.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "import/import.h"
#include "ingest/ingest.h"

namespace dmarcq::cli {

namespace {

using import::FileCounts;
using import::ImportCounts;
using import::ImportStats;

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] import [options] PATH...\n"
    "\n"
    "Imports DMARC aggregate reports into the database. PATH may be a mailbox export\n"
    "(mbox, a Maildir, a .eml message: every attachment, inline part, pasted body\n"
    "and forwarded message is searched), a report file (.xml, .xml.gz, .zip, .tar.*,\n"
    ".bz2, .xz), a directory of any of these (walked recursively, hidden entries\n"
    "skipped) or '-' for standard input. Inputs are recognised by content, not name.\n"
    "Every report document ends as imported, duplicate or rejected (kept with its\n"
    "reason and bytes, see 'dmarcq rejects'); files that are not reports are skipped\n"
    "and mail without a report is counted by kind. Importing the same input again\n"
    "adds nothing and skips known files and mail without opening them. The\n"
    "accounting is printed on stderr. Documents are hashed and parsed on --jobs\n"
    "threads (default: one per core) and written by one thread in input order: the\n"
    "store and the accounting are the same for any number of jobs.\n"
    "\n"
    "Exit status: 0 all imported or duplicate (or rejected already by an earlier\n"
    "run), 1 a path that does not exist, 2 some inputs newly rejected (the rest was\n"
    "committed), 3 the database failed.";

constexpr std::int64_t kMiB = 1 << 20;

// Parse threads. Each holds its own buffers and hash state; past a few times the
// cores they only wait for the one writer.
constexpr unsigned kMaxJobs = 256;

std::string human_bytes(std::uint64_t bytes) {
  char buf[32];
  if (bytes >= static_cast<std::uint64_t>(kMiB)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / kMiB);
  } else if (bytes >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  }
  return buf;
}

std::string no_report_text(const ImportCounts& counts) {
  std::string text;
  for (const auto& [kind, n] : counts.no_report) {
    if (!text.empty()) text += ", ";
    text += with_thousands(n) + " " + kind;
  }
  return text;
}

std::string outcome_text(const ImportCounts& counts) {
  return plural(counts.imported, "report", "reports") + " imported, " +
         plural(counts.duplicates, "duplicate", "duplicates") + ", " +
         with_thousands(counts.rejected) + " rejected" +
         (counts.rejected_before > 0
              ? " (" + with_thousands(counts.rejected_before) + " already by an earlier run)"
              : std::string()) +
         ", " + with_thousands(counts.skipped) + " skipped (not a report)";
}

std::string mail_text(const ImportCounts& counts) {
  std::string text = plural(counts.mail_messages, "mail message", "mail messages") + ": " +
                     with_thousands(counts.with_report) + " with reports, " +
                     with_thousands(counts.without_report()) + " without";
  if (counts.without_report() > 0) text += " (" + no_report_text(counts) + ")";
  return text;
}

void print_accounting(const ImportStats& stats, double seconds, bool per_file) {
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.2f", seconds);
  if (per_file) {
    for (const FileCounts& file : stats.per_file) {
      std::string line = "file: " + file.path + ": ";
      if (file.counts.mail_messages > 0) line += mail_text(file.counts) + "; ";
      print_note(line + outcome_text(file.counts));
    }
  }
  print_note("import: " + plural(stats.files, "file", "files") + " read (" +
             human_bytes(stats.file_bytes) + ") in " + elapsed + " s");
  if (stats.total.mail_messages > 0) print_note("import: " + mail_text(stats.total));
  print_note("import: " + outcome_text(stats.total));
  print_note("import: " + plural(stats.records, "record", "records") + " and " +
             plural(stats.messages, "message", "messages") + " added" +
             (stats.dropped_records > 0
                  ? "; " + plural(stats.dropped_records, "bad record", "bad records") +
                        " dropped (warnings kept with their reports)"
                  : ""));
  constexpr std::size_t kShown = 10;
  if (!stats.conflicts.empty()) {
    print_warning(
        "import: " +
        plural(static_cast<std::int64_t>(stats.conflicts.size()), "duplicate", "duplicates") +
        " with different contents; the first copy of each is kept (see the "
        "conflict view: dmarcq sql \"SELECT * FROM conflict\")");
  }
  const std::size_t shown_conflicts = per_file ? stats.conflicts.size() : kShown;
  for (std::size_t i = 0; i < stats.conflicts.size() && i < shown_conflicts; ++i) {
    print_note("conflict: " + stats.conflicts[i]);
  }
  const std::size_t shown = per_file ? stats.rejects.size() : kShown;
  for (std::size_t i = 0; i < stats.rejects.size() && i < shown; ++i) {
    print_note("rejected: " + stats.rejects[i]);
  }
  if (stats.rejects.size() > shown) {
    print_note("rejected: ... and " +
               with_thousands(static_cast<std::int64_t>(stats.rejects.size() - shown)) +
               " more (see 'dmarcq rejects', or --verbose)");
  }
  const std::size_t shown_skips = per_file ? stats.skips.size() : kShown;
  for (std::size_t i = 0; i < stats.skips.size() && i < shown_skips; ++i) {
    print_note("skipped: " + stats.skips[i]);
  }
  if (stats.skips.size() > shown_skips) {
    print_note("skipped: ... and " +
               with_thousands(static_cast<std::int64_t>(stats.skips.size() - shown_skips)) +
               " more (--verbose lists them)");
  }
}

std::string duration_text(double seconds) {
  const auto total = static_cast<std::int64_t>(seconds + 0.5);
  char buf[32];
  if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(total / 3600),
                  static_cast<long long>(total / 60 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  }
  return buf;
}

std::string progress_text(const ImportStats& stats, std::uint64_t total_bytes, double seconds) {
  // The most useful first: a narrow terminal keeps the head of the line
  // (fit_progress_text).
  std::string text = "importing: " + human_bytes(stats.bytes_done);
  if (total_bytes > 0) {
    char percent[16];
    std::snprintf(percent, sizeof percent, " (%.0f%%)",
                  100.0 * static_cast<double>(std::min(stats.bytes_done, total_bytes)) /
                      static_cast<double>(total_bytes));
    text += " of " + human_bytes(total_bytes) + percent;
  }
  if (seconds > 0.5) {
    if (total_bytes > stats.bytes_done && stats.bytes_done > 0) {
      const double remaining = seconds * static_cast<double>(total_bytes - stats.bytes_done) /
                               static_cast<double>(stats.bytes_done);
      text += ", ETA " + duration_text(remaining);
    }
    char rate[48];
    std::snprintf(rate, sizeof rate, ", %.1f MiB/s",
                  static_cast<double>(stats.bytes_done) / kMiB / seconds);
    text += rate;
  }
  text += ", " + plural(stats.total.imported, "report", "reports") + " new, " +
          with_thousands(stats.total.duplicates) + " seen";
  if (stats.total.mail_messages > 0) {
    text += ", " + plural(stats.total.mail_messages, "mail message", "mail messages");
  }
  return text;
}

// The cores this machine has: the workers parse while this thread writes.
unsigned default_jobs() { return std::clamp(std::thread::hardware_concurrency(), 1u, kMaxJobs); }

}  // namespace

int run_import(const GlobalOptions& global, const std::vector<std::string>& args) {
  ingest::Limits limits;
  unsigned jobs = default_jobs();
  po::options_description options("import options");
  add_db_option(options);
  // Accepted on either side of every command, like --db; this one reads no catalog.
  add_catalog_option(options);
  // One option per line, as Boost.Program_options documents them.
  // clang-format off
  options.add_options()
      ("verbose,v", "the accounting of every input file, and every reject and skip")
      ("jobs,j", count_value("jobs", jobs, 1u, kMaxJobs),
       "threads that hash and parse documents (1: everything on one thread)");
  // clang-format on
  options.add(limit_options(limits));
  po::options_description hidden;
  hidden.add_options()("path", po::value<std::vector<std::string>>()->composing(), "input paths");
  po::positional_options_description positional;
  positional.add("path", -1);
  auto vm = parse_command_line(args, options, positional, kUsage, &hidden);
  if (!vm) return kExitOk;
  if (!vm->count("path")) throw UsageError{"import needs at least one PATH"};
  const auto paths = (*vm)["path"].as<std::vector<std::string>>();
  // A path that does not exist is a mistake on the command line (a typo, a mount not
  // there), not a document to keep as rejected: nothing is imported (DESIGN.md, exit 1).
  // A path that cannot be reached for another reason (no permission) goes on to the
  // import, which rejects it with the reason.
  for (const std::string& path : paths) {
    if (path != "-" && path_missing(path)) throw UsageError{path + ": no such file or directory"};
  }

  auto store = open_store_or_report(*vm, global, store::OpenMode::kReadWrite);
  if (!store) return kExitFatal;

  const auto started = std::chrono::steady_clock::now();
  ProgressLine progress(!quiet());
  const std::uint64_t total_bytes = progress.enabled() ? ingest::total_input_bytes(paths) : 0;
  import::ImportOptions import_options;
  import_options.limits = limits;
  import_options.workers = jobs;
  if (progress.enabled()) {
    import_options.progress = [&](const ImportStats& stats) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      progress.update(progress_text(stats, total_bytes, seconds));
    };
  }
  const std::string db_path = db_path_of(*vm, global);
  import_options.open_lookup = [db_path]() -> std::unique_ptr<store::Store> {
    auto lookup = store::open(db_path, store::OpenMode::kReadOnly);
    return lookup ? std::move(*lookup) : nullptr;  // without one, every document is parsed
  };
  const import::ImportOutcome outcome = import::import_paths(paths, *store, import_options);
  progress.clear();
  if (!outcome.started) {
    print_error(outcome.status.error().to_string());
    return kExitFatal;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // --quiet keeps silent on success only: a run that fails or rejects something new
  // says what and why.
  const ImportCounts& total = outcome.stats.total;
  if (!outcome.status || total.rejected > total.rejected_before) set_quiet(false);
  print_accounting(outcome.stats, seconds, vm->count("verbose") > 0);
  if (!outcome.status) {
    print_error(outcome.status.error().to_string());
    print_error("import stopped: the counts above include the last batch (up to " +
                std::to_string(import::kBatchMaxUnits) + " documents or mail messages, or " +
                std::to_string(import::kBatchMaxBytes >> 20) +
                " MiB of documents), which was rolled back; run the same import again to finish");
    return kExitFatal;
  }
  // Exit 2 says this run rejected something new (DESIGN.md); rejects an earlier run
  // kept are reported above and in `dmarcq rejects`.
  return total.rejected > total.rejected_before ? kExitRejected : kExitOk;
}

}  // namespace dmarcq::cli
