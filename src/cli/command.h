// What every command shares: the global options, diagnostics in one format, and the
// option parsing helpers. Each command lives in cmd_<name>.cpp with its help text.
#ifndef DMARCQ_CLI_COMMAND_H_
#define DMARCQ_CLI_COMMAND_H_

#include <boost/program_options.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "core/error.h"
#include "ingest/ingest.h"
#include "output/output.h"
#include "store/store.h"

namespace dmarcq::cli {

namespace po = boost::program_options;

// The settings before the command name, completed from the environment and the
// config file: the command line wins, then the environment, then the config file.
struct GlobalOptions {
  std::string db_path;         // --db, else $DMARCQ_DB, else config db, else default_store_path()
  bool db_is_default = false;  // nothing named the store: the XDG location
  std::vector<std::string> catalogs;  // config's, then --catalog FILE (repeatable)
  std::optional<std::string> lang;    // config lang
  std::optional<std::string> tz;      // config tz
  std::string config_path;            // the config file read, for messages; empty if none
};

// --quiet (-q), before or after the command: notes and progress are not printed;
// warnings and errors are.
void set_quiet(bool quiet);
bool quiet();
// A config file that cannot be used is a usage error of the command, raised by
// parse_command_line after --help has had its chance: help must work whatever the
// config says.
void defer_config_error(const std::string& message);

// One diagnostic line on stderr, "dmarcq: error: ..." ; the text is made terminal-safe
// because it may hold names from archives and reports.
void print_error(const std::string& message);
void print_warning(const std::string& message);
void print_note(const std::string& message);  // "dmarcq: <message>"

// Thrown by option validation inside commands; main turns it into exit code 1.
// Whether `path` does not exist, as opposed to existing or being out of reach for
// another reason (no permission), which the caller leaves to the code that opens it.
bool path_missing(const std::string& path);

struct UsageError {
  std::string message;
};

// Parses a command's arguments. Returns nullopt after printing help for --help.
// `hidden` holds the options behind positional arguments, which the usage line shows.
std::optional<po::variables_map> parse_command_line(
    const std::vector<std::string>& args, const po::options_description& options,
    const po::positional_options_description& positional, const char* usage,
    const po::options_description* hidden = nullptr);

// --tz ZONE: the zone of "today" (clock.h); default: config tz, else $TZ, else the
// system's. add_filter_options adds it; commands with no other date use this.
void add_tz_option(po::options_description& options);
void apply_tz(const po::variables_map& vm, const GlobalOptions& global);

// Options every data-printing command takes.
void add_format_option(po::options_description& options);
output::Format format_of(const po::variables_map& vm);
// --domain (repeatable), --from, --to, --tz. filters_of also applies --tz.
void add_filter_options(po::options_description& options);
struct Filters {
  std::vector<std::string> domains;
  std::optional<std::int64_t> from_day;
  std::optional<std::int64_t> to_day;
};
Filters filters_of(const po::variables_map& vm, const GlobalOptions& global);

// The resource limits of ingest (--max-document-size, ...) as an option group, bound
// to `limits`, whose values are the defaults shown. Shared by import and rejects
// --retry, which must read the same bytes the same way.
po::options_description limit_options(ingest::Limits& limits);
// True when any option of `group` was given on the command line (not defaulted).
bool any_given(const po::variables_map& vm, const po::options_description& group);

// "1,234,567": counts in the accounting lines on stderr.
std::string with_thousands(std::int64_t value);
// "1 report", "2,000 reports".
std::string plural(std::int64_t n, const char* one, const char* many);

// --db given after the command overrides the global one.
void add_db_option(po::options_description& options);
std::string db_path_of(const po::variables_map& vm, const GlobalOptions& global);

// Writes a query's table to stdout, or prints its error and returns `error_exit`.
int print_table(const core::Result<core::Table>& table, output::Format format, int error_exit);

// The built-in sender catalog with the --catalog files merged over it. A bad file is
// a usage error (thrown as UsageError, with file and line).
// --catalog after the command adds to those given before it (add_catalog_option).
void add_catalog_option(po::options_description& options);
analysis::Catalog load_catalog(const GlobalOptions& global, const po::variables_map& vm);

// --lang en|ja; default: config lang, else $LC_ALL, $LC_MESSAGES or $LANG ("ja..."
// means Japanese).
void add_lang_option(po::options_description& options);
analysis::Lang lang_of(const po::variables_map& vm, const GlobalOptions& global);

// Opens the store or prints why not; nullptr means exit code 3. A missing store for
// reading, or a missing directory, is a UsageError. Opening the default store for
// writing creates its directory, and says once that the store was created.
std::unique_ptr<store::Store> open_store_or_report(const std::string& path, store::OpenMode mode,
                                                   bool is_default = false);
// The same for the store that --db after the command, or `global`, names. A command
// that changes a store but must not create one (rebuild, rejects --forget/--retry)
// passes `existing`: a missing store is then a usage error.
enum class StoreNeed { kMayCreate, kExisting };
std::unique_ptr<store::Store> open_store_or_report(const po::variables_map& vm,
                                                   const GlobalOptions& global,
                                                   store::OpenMode mode,
                                                   StoreNeed need = StoreNeed::kMayCreate);

int run_import(const GlobalOptions& global, const std::vector<std::string>& args);
int run_summary(const GlobalOptions& global, const std::vector<std::string>& args);
int run_rejects(const GlobalOptions& global, const std::vector<std::string>& args);
int run_sql(const GlobalOptions& global, const std::vector<std::string>& args);
int run_digest(const GlobalOptions& global, const std::vector<std::string>& args);
int run_explain(const GlobalOptions& global, const std::vector<std::string>& args);
int run_senders(const GlobalOptions& global, const std::vector<std::string>& args);
int run_rebuild(const GlobalOptions& global, const std::vector<std::string>& args);

}  // namespace dmarcq::cli

#endif  // DMARCQ_CLI_COMMAND_H_
