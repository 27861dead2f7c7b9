// dmarcq import PATH...: reads report files, archives and directories into the store.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/importer.h"
#include "cli/progress.h"
#include "ingest/ingest.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] import [options] PATH...\n"
    "\n"
    "Imports DMARC aggregate reports into the database. PATH may be a report file\n"
    "(.xml, .xml.gz, .zip, .tar.*, .bz2, .xz: recognised by content, not name), a\n"
    "directory (walked recursively, hidden entries skipped) or '-' for standard input.\n"
    "Every document ends as imported, duplicate or rejected (kept with its reason and\n"
    "bytes, see 'dmarcq rejects'); files that are not reports are skipped. Importing\n"
    "the same input again adds nothing. The accounting is printed on stderr.\n"
    "\n"
    "Exit status: 0 all imported or duplicate, 2 some inputs rejected (the rest was\n"
    "committed), 3 the database failed.";

constexpr std::int64_t kMiB = 1 << 20;

std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value);
  for (int i = static_cast<int>(digits.size()) - 3; i > (value < 0 ? 1 : 0); i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

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

std::string plural(std::int64_t n, const char* one, const char* many) {
  return with_thousands(n) + " " + (n == 1 ? one : many);
}

void print_accounting(const ImportStats& stats, double seconds) {
  print_note("import: " + plural(stats.files, "file", "files") + " read (" +
             human_bytes(stats.file_bytes) + ") in " + std::to_string(seconds).substr(0, 4) +
             " s");
  print_note("import: " + plural(stats.imported, "report", "reports") + " imported, " +
             plural(stats.duplicates, "duplicate", "duplicates") + ", " +
             with_thousands(stats.rejected) + " rejected, " + with_thousands(stats.skipped) +
             " skipped (not a report)");
  print_note("import: " + plural(stats.records, "record", "records") + " and " +
             plural(stats.messages, "message", "messages") + " added" +
             (stats.dropped_records > 0
                  ? "; " + plural(stats.dropped_records, "bad record", "bad records") +
                        " dropped (warnings kept with their reports)"
                  : ""));
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < stats.rejects.size() && i < kShown; ++i) {
    print_note("rejected: " + stats.rejects[i]);
  }
  if (stats.rejects.size() > kShown) {
    print_note("rejected: ... and " + with_thousands(static_cast<std::int64_t>(stats.rejects.size() - kShown)) +
               " more (see 'dmarcq rejects')");
  }
  for (std::size_t i = 0; i < stats.skips.size() && i < kShown; ++i) {
    print_note("skipped: " + stats.skips[i]);
  }
  if (stats.skips.size() > kShown) {
    print_note("skipped: ... and " + with_thousands(static_cast<std::int64_t>(stats.skips.size() - kShown)) + " more");
  }
}

}  // namespace

int run_import(const GlobalOptions& global, const std::vector<std::string>& args) {
  ingest::Limits limits;
  po::options_description options("import options");
  add_db_option(options);
  options.add_options()
      ("path", po::value<std::vector<std::string>>()->composing(), "input paths")
      ("quiet,q", "no progress line")
      ("max-document-size", po::value<std::uint64_t>(&limits.max_document_bytes)->default_value(limits.max_document_bytes),
       "bytes of one uncompressed report document")
      ("max-input-size", po::value<std::uint64_t>(&limits.max_input_bytes)->default_value(limits.max_input_bytes),
       "bytes of one input file")
      ("max-members", po::value<std::uint32_t>(&limits.max_members)->default_value(limits.max_members),
       "files in one archive")
      ("max-depth", po::value<std::uint32_t>(&limits.max_depth)->default_value(limits.max_depth),
       "containers around a document (2: a gzip inside a zip)")
      ("max-expansion-ratio", po::value<std::uint64_t>(&limits.max_expansion_ratio)->default_value(limits.max_expansion_ratio),
       "uncompressed / compressed size of one input");
  po::positional_options_description positional;
  positional.add("path", -1);
  auto vm = parse_command_line(args, options, positional, kUsage);
  if (!vm) return kExitOk;
  if (!vm->count("path")) throw UsageError{"import needs at least one PATH"};
  const auto paths = (*vm)["path"].as<std::vector<std::string>>();

  auto store = open_store_or_report(db_path_of(*vm, global), store::OpenMode::kReadWrite);
  if (!store) return kExitFatal;

  const auto started = std::chrono::steady_clock::now();
  ProgressLine progress(!vm->count("quiet"));
  Importer importer(*store, [&](const ImportStats& stats) {
    if (!progress.enabled()) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.0f", seconds > 0 ? stats.imported / seconds : 0.0);
    progress.update("importing: " + human_bytes(stats.file_bytes) + " in " +
                    plural(stats.files, "file", "files") + ", " +
                    plural(stats.units(), "document", "documents") + ", " +
                    plural(stats.imported, "report", "reports") + " new (" + rate + "/s)");
  });
  if (auto status = importer.start(); !status) {
    print_error(status.error().to_string());
    return kExitFatal;
  }
  ingest::ingest_paths(paths, limits, importer);
  core::Status finished = importer.finish();
  progress.clear();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  print_accounting(importer.stats(), seconds);
  if (!finished) {
    print_error(finished.error().to_string());
    print_error("import stopped; nothing of the last batch was committed, run it again");
    return kExitFatal;
  }
  return importer.stats().rejected > 0 ? kExitRejected : kExitOk;
}

}  // namespace dmarcq::cli
