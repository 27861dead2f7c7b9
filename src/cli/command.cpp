#include "cli/command.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/clock.h"
#include "cli/count_option.h"
#include "core/date.h"
#include "core/text.h"
#include "report/report.h"

namespace dmarcq::cli {

void print_error(const std::string& message) {
  std::cerr << "dmarcq: error: " << core::terminal_safe(message) << '\n';
}

void print_warning(const std::string& message) {
  std::cerr << "dmarcq: warning: " << core::terminal_safe(message) << '\n';
}

namespace {
bool g_quiet = false;
std::string g_config_error;
}  // namespace

void set_quiet(bool quiet) { g_quiet = quiet; }
void defer_config_error(const std::string& message) { g_config_error = message; }
bool quiet() { return g_quiet; }

void print_note(const std::string& message) {
  if (g_quiet) return;
  std::cerr << "dmarcq: " << core::terminal_safe(message) << '\n';
}

std::optional<po::variables_map> parse_command_line(
    const std::vector<std::string>& args, const po::options_description& options,
    const po::positional_options_description& positional, const char* usage,
    const po::options_description* hidden) {
  po::options_description common("common options");
  // clang-format off
  common.add_options()
      ("quiet,q", "print nothing but warnings and errors")
      ("help,h", "show this help");
  // clang-format on
  po::options_description shown;
  shown.add(options).add(common);
  po::options_description all;
  all.add(shown);
  if (hidden != nullptr) all.add(*hidden);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << usage << "\n\n" << shown << '\n';
    return std::nullopt;
  }
  po::notify(vm);
  if (vm.count("quiet")) set_quiet(true);
  if (!g_config_error.empty()) throw UsageError{g_config_error};
  return vm;
}

void add_format_option(po::options_description& options) {
  // clang-format off
  options.add_options()
      ("format", po::value<std::string>()->default_value("table"),
       "output format: table, csv or json")
      ("excel", "with --format csv: a byte order mark and CRLF line ends, which Excel needs "
                "to read UTF-8");
  // clang-format on
}

output::Format format_of(const po::variables_map& vm) {
  const std::string name = vm["format"].as<std::string>();
  auto format = output::parse_format(name);
  if (!format) throw UsageError{"unknown --format '" + name + "' (choose table, csv or json)"};
  if (vm.count("excel") > 0) {
    if (*format != output::Format::kCsv) throw UsageError{"--excel goes with --format csv"};
    output::CsvOptions csv;
    csv.excel = true;
    output::set_csv_options(csv);
  }
  return *format;
}

void add_filter_options(po::options_description& options) {
  // One option per line, as Boost.Program_options documents them.
  // clang-format off
  options.add_options()
      ("domain", po::value<std::vector<std::string>>()->composing(),
       "only this policy domain (repeatable)")
      ("from", po::value<std::string>(),
       "first report day, inclusive: YYYY-MM-DD, today, yesterday, or Nd (N days ago)")
      ("to", po::value<std::string>(), "last report day, inclusive (same forms as --from)");
  // clang-format on
  add_tz_option(options);
}

void add_tz_option(po::options_description& options) {
  options.add_options()("tz", po::value<std::string>(),
                        "time zone of 'today', an IANA name such as Asia/Tokyo (default: "
                        "config tz, else $TZ, else the system's)");
}

void apply_tz(const po::variables_map& vm, const GlobalOptions& global) {
  if (vm.count("tz")) {
    use_time_zone(vm["tz"].as<std::string>());
    return;
  }
  try {
    use_time_zone(global.tz);
  } catch (const UsageError& error) {
    // Only a zone from the config file is checked here: name the file.
    throw UsageError{global.config_path + ": tz: " + error.message};
  }
}

Filters filters_of(const po::variables_map& vm, const GlobalOptions& global) {
  apply_tz(vm, global);
  Filters filters;
  if (vm.count("domain")) {
    for (const std::string& domain : vm["domain"].as<std::vector<std::string>>()) {
      std::string normalized = report::normalize_domain(domain);
      if (normalized.empty()) throw UsageError{"--domain needs a domain name"};
      filters.domains.push_back(std::move(normalized));
    }
  }
  auto day = [&](const char* name) -> std::optional<std::int64_t> {
    if (!vm.count(name)) return std::nullopt;
    const std::string text = vm[name].as<std::string>();
    auto parsed = parse_day_argument(text);
    if (!parsed) {
      throw UsageError{std::string("--") + name + " '" + text +
                       "' is not a day (YYYY-MM-DD, today, yesterday or Nd)"};
    }
    return parsed;
  };
  filters.from_day = day("from");
  filters.to_day = day("to");
  if (filters.from_day && filters.to_day && *filters.from_day > *filters.to_day) {
    throw UsageError{"--from is after --to"};
  }
  return filters;
}

po::options_description limit_options(ingest::Limits& limits) {
  po::options_description group("limits");
  // Sizes stop at 4 GiB: GMime and the hashes index a message or document with 32 bits,
  // and the memory bound (ingest.h) grows with every limit anyway.
  constexpr std::uint64_t kMaxBytes = std::uint64_t{4} << 30;
  constexpr std::uint64_t kMaxCount = 100'000'000;
  // One option per line, as Boost.Program_options documents them.
  // clang-format off
  group.add_options()
      ("max-document-size",
       size_value("max-document-size", limits.max_document_bytes, std::uint64_t{1}, kMaxBytes),
       "size of one uncompressed report document (K, M, G: KiB, MiB, GiB)")
      ("max-input-size",
       size_value("max-input-size", limits.max_input_bytes, std::uint64_t{1}, kMaxBytes),
       "size of one input file read whole (a larger mbox or archive is streamed)")
      ("max-members", count_value("max-members", limits.max_members, 1u, 100'000'000u),
       "files in one archive")
      ("max-depth", count_value("max-depth", limits.max_depth, 0u, 8u),
       "containers around a document (2: a gzip inside a zip)")
      ("max-expansion-ratio",
       count_value("max-expansion-ratio", limits.max_expansion_ratio, std::uint64_t{1},
                   std::uint64_t{1'000'000}),
       "uncompressed / compressed size of one input")
      ("max-message-size",
       size_value("max-message-size", limits.max_message_bytes, std::uint64_t{1}, kMaxBytes - 1),
       "size of one mail message")
      ("max-message-depth", count_value("max-message-depth", limits.max_message_depth, 0u, 100u),
       "levels of forwarded messages (message/rfc822) inside a message")
      ("max-mime-headers",
       count_value("max-mime-headers", limits.max_mime_headers, std::uint64_t{1}, kMaxCount),
       "header fields in one message, its parts and forwarded messages")
      ("max-mime-parts",
       count_value("max-mime-parts", limits.max_mime_parts, std::uint64_t{1}, kMaxCount),
       "MIME parts in one message")
      ("max-mime-parameters",
       count_value("max-mime-parameters", limits.max_mime_parameters, std::uint64_t{0},
                   kMaxCount),
       "';' and ',' in the header fields of one message (parameters, addresses)")
      ("max-mime-depth", count_value("max-mime-depth", limits.max_mime_depth, 1u, 1000u),
       "levels of multiparts and forwarded messages, one inside the other");
  // clang-format on
  return group;
}

bool any_given(const po::variables_map& vm, const po::options_description& group) {
  for (const auto& option : group.options()) {
    const std::string& name = option->long_name();
    if (vm.count(name) && !vm[name].defaulted()) return true;
  }
  return false;
}

std::string with_thousands(std::int64_t value) { return core::group_thousands(value); }

std::string plural(std::int64_t n, const char* one, const char* many) {
  return with_thousands(n) + " " + (n == 1 ? one : many);
}

void add_db_option(po::options_description& options) {
  options.add_options()("db", po::value<std::string>(),
                        "database file (default: $DMARCQ_DB, else the config file's db, else "
                        "$XDG_DATA_HOME/dmarcq/dmarcq.db)");
}

std::string db_path_of(const po::variables_map& vm, const GlobalOptions& global) {
  if (!vm.count("db")) return global.db_path;
  const std::string& path = vm["db"].as<std::string>();
  // SQLite would open a private temporary database for "", and every answer would
  // be empty.
  if (path.empty()) throw UsageError{"--db needs a non-empty PATH"};
  return path;
}

int print_table(const core::Result<core::Table>& table, output::Format format, int error_exit) {
  if (!table) {
    print_error(table.error().to_string());
    return error_exit;
  }
  output::write(*table, format, std::cout);
  return 0;
}

void add_catalog_option(po::options_description& options) {
  options.add_options()("catalog", po::value<std::vector<std::string>>()->composing(),
                        "senders to add to the built-in catalog (repeatable; schema/senders.md)");
}

analysis::Catalog load_catalog(const GlobalOptions& global, const po::variables_map& vm) {
  auto catalog = analysis::Catalog::builtin();
  if (!catalog) throw UsageError{"the built-in catalog is broken: " + catalog.error().to_string()};
  std::vector<std::string> paths = global.catalogs;
  if (vm.count("catalog")) {
    for (const std::string& path : vm["catalog"].as<std::vector<std::string>>()) {
      paths.push_back(path);
    }
  }
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError{"--catalog " + path + ": cannot read: " + std::strerror(errno)};
    std::ostringstream text;
    text << in.rdbuf();
    auto extra = analysis::Catalog::parse(text.str(), path);
    if (!extra) throw UsageError{"--catalog: " + extra.error().to_string()};
    catalog->merge(std::move(*extra));
  }
  return std::move(*catalog);
}

void add_lang_option(po::options_description& options) {
  options.add_options()("lang", po::value<std::string>(),
                        "language of causes and fixes: en or ja (default: config lang, else "
                        "from $LANG)");
}

analysis::Lang lang_of(const po::variables_map& vm, const GlobalOptions& global) {
  std::string lang;
  if (vm.count("lang")) {
    lang = vm["lang"].as<std::string>();
    if (lang != "en" && lang != "ja")
      throw UsageError{"unknown --lang '" + lang + "' (choose en or ja)"};
    return lang == "ja" ? analysis::Lang::kJa : analysis::Lang::kEn;
  }
  if (global.lang) return *global.lang == "ja" ? analysis::Lang::kJa : analysis::Lang::kEn;
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      lang = value;
      break;
    }
  }
  return lang.rfind("ja", 0) == 0 ? analysis::Lang::kJa : analysis::Lang::kEn;
}

bool path_missing(const std::string& path) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (std::filesystem::exists(status)) return false;
  return status.type() == std::filesystem::file_type::not_found &&
         (!ec || ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory);
}

std::unique_ptr<store::Store> open_store_or_report(const po::variables_map& vm,
                                                   const GlobalOptions& global,
                                                   store::OpenMode mode, StoreNeed need) {
  const std::string path = db_path_of(vm, global);
  const bool is_default = !vm.count("db") && global.db_is_default;
  if (need == StoreNeed::kExisting && path != ":memory:" && path_missing(path)) {
    throw UsageError{"no store at " + path + ": run `dmarcq import` first, or give --db PATH"};
  }
  return open_store_or_report(path, mode, is_default);
}

std::unique_ptr<store::Store> open_store_or_report(const std::string& path, store::OpenMode mode,
                                                   bool is_default) {
  // Say what is wrong in the user's terms before SQLite says "unable to open database
  // file": a directory given as the store, no store yet, a directory that is missing.
  // These are paths that do not exist or are not files: usage errors (DESIGN.md).
  // Anything else (no permission) is left to SQLite, which names it.
  if (!path.empty() && path != ":memory:") {
    std::error_code ec;
    const std::filesystem::path file(path);
    const std::filesystem::file_status status = std::filesystem::status(file, ec);
    if (!ec && std::filesystem::is_directory(status)) {
      throw UsageError{path + ": is a directory; --db takes a database file, such as " +
                       (file / "dmarcq.db").string()};
    }
    if (mode == store::OpenMode::kReadOnly && path_missing(path)) {
      std::string message =
          "no store at " + path + ": run `dmarcq import` first, or give --db PATH (or $DMARCQ_DB)";
      if (is_default && std::filesystem::is_regular_file("dmarcq.db", ec)) {
        message += "; a dmarcq.db in this directory is used only with --db dmarcq.db";
      }
      throw UsageError{message};
    }
    const std::filesystem::path parent = file.parent_path();
    if (is_default && mode == store::OpenMode::kReadWrite && path_missing(path)) {
      std::error_code made;
      if (!parent.empty()) std::filesystem::create_directories(parent, made);
      if (made) {
        print_error(parent.string() + ": cannot create the store's directory: " + made.message());
        return nullptr;
      }
      print_note("created the store " + path + " (--db or $DMARCQ_DB choose another)");
    }
    if (mode == store::OpenMode::kReadWrite && !parent.empty()) {
      std::error_code parent_ec;
      const std::filesystem::file_status parent_status = std::filesystem::status(parent, parent_ec);
      if (path_missing(parent.string())) {
        throw UsageError{path + ": directory " + parent.string() + " does not exist"};
      }
      if (std::filesystem::exists(parent_status) && !std::filesystem::is_directory(parent_status)) {
        throw UsageError{path + ": " + parent.string() + " is not a directory"};
      }
    }
  }
  auto store = store::open(path, mode);
  if (!store) {
    print_error(store.error().to_string());
    return nullptr;
  }
  return std::move(*store);
}

}  // namespace dmarcq::cli
