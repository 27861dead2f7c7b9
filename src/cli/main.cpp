// dmarcq: the command line. main() reads as the dispatch: global options, then one
// command, each in cmd_<name>.cpp with its own --help. Boost.Program_options throws;
// its exceptions are caught here only and become exit code 1 with a hint.
#include <sys/ioctl.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/config.h"
#include "cli/exit_codes.h"
#include "cli/output_file.h"

namespace {

using dmarcq::cli::GlobalOptions;

constexpr const char* kUsage =
    "usage: dmarcq [global options] <command> [options]\n"
    "\n"
    "DMARC aggregate report analyzer.\n"
    "\n"
    "commands:\n"
    "  import PATH...   read mailboxes, report files, archives and directories\n"
    "  summary          pass rates --by domain|sender|reporter|source|day|week\n"
    "  explain          failing sources, their cause, messages affected, and the fix\n"
    "  digest           the weekly digest for spreadsheets (--week YYYY-Www)\n"
    "  senders          the sender catalog in use\n"
    "  rejects          what could not be imported, and why (--retry, --forget)\n"
    "  sql QUERY        read-only SQL over the store\n"
    "  rebuild          recompute the tables derived from the records\n"
    "\n"
    "global options (--db, --catalog and --quiet may also follow the command):\n"
    "  --db PATH        the store; default $DMARCQ_DB, the config file's db, or\n"
    "                   $XDG_DATA_HOME/dmarcq/dmarcq.db (~/.local/share/dmarcq/)\n"
    "  --catalog FILE   senders to add to the built-in catalog (schema/senders.md)\n"
    "  --config FILE    settings (default: $XDG_CONFIG_HOME/dmarcq/config.toml, else\n"
    "                   ~/.config/dmarcq/config.toml): db, catalog, lang, tz\n"
    "  -q, --quiet      print nothing but warnings and errors\n"
    "  -h, --help       this help; 'dmarcq <command> --help' for a command\n"
    "  --version        print the version\n"
    "\n"
    "exit status: 0 success, 1 usage error, 2 this run rejected something new,\n"
    "3 fatal error";

struct Command {
  const char* name;
  int (*run)(const GlobalOptions&, const std::vector<std::string>&);
};

constexpr Command kCommands[] = {
    {"import", dmarcq::cli::run_import},   {"summary", dmarcq::cli::run_summary},
    {"rejects", dmarcq::cli::run_rejects}, {"sql", dmarcq::cli::run_sql},
    {"explain", dmarcq::cli::run_explain}, {"digest", dmarcq::cli::run_digest},
    {"senders", dmarcq::cli::run_senders}, {"rebuild", dmarcq::cli::run_rebuild},
};

int usage_error(const std::string& message, const std::string& command) {
  dmarcq::cli::print_error(message);
  std::cerr << "Try 'dmarcq " << (command.empty() ? "" : command + " ") << "--help'.\n";
  return dmarcq::cli::kExitUsage;
}

// A command's exit code, unless what it wrote to standard output did not all arrive
// (a full disk, a closed pipe's reader gone): then that is the failure.
int finish(int exit_code) {
  if (dmarcq::output::table_cells_cut()) {
    dmarcq::cli::print_note(
        "cells were cut to fit the terminal (…); --format csv, or a pipe, shows them whole");
  }
  const dmarcq::core::Status written = dmarcq::cli::finish_standard_output();
  if (written) return exit_code;
  dmarcq::cli::print_error(written.error().to_string());
  return dmarcq::cli::kExitFatal;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  dmarcq::cli::use_checked_standard_output();
  // Tables fit a terminal; a pipe or a file gets every cell whole.
  if (isatty(STDOUT_FILENO) == 1) {
    winsize size{};
    const char* columns = std::getenv("COLUMNS");
    std::size_t width = 80;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
      width = size.ws_col;
    } else if (columns != nullptr && std::atoi(columns) > 0) {
      width = static_cast<std::size_t>(std::atoi(columns));
    }
    dmarcq::output::set_table_width(width);
  }
  // libarchive converts member names to the locale's charset and gives up on names it
  // cannot convert in the "C" locale; reports and mailboxes carry UTF-8 names.
  std::setlocale(LC_CTYPE, "C.UTF-8");
  GlobalOptions global;
  std::optional<std::string> db_flag;
  std::optional<std::string> config_flag;
  std::vector<std::string> catalog_flags;

  int index = 1;
  for (; index < argc; ++index) {
    const std::string arg = argv[index];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage << '\n';
      return finish(dmarcq::cli::kExitOk);
    }
    if (arg == "--version") {
      std::cout << "dmarcq " DMARCQ_VERSION "\n";
      return finish(dmarcq::cli::kExitOk);
    }
    // "--name VALUE" or "--name=VALUE"; advances index past a separate value.
    auto value_of = [&](const char* name, std::optional<std::string>& out) {
      const std::string flag = std::string("--") + name;
      if (arg == flag) {
        if (index + 1 >= argc) return false;
        out = argv[++index];
        return true;
      }
      if (arg.rfind(flag + "=", 0) == 0) {
        out = arg.substr(flag.size() + 1);
        return true;
      }
      return false;
    };
    std::optional<std::string> catalog;
    if (arg == "--db" || arg == "--catalog" || arg == "--config") {
      if (index + 1 >= argc) return usage_error(arg + " needs a value", "");
    }
    if (value_of("db", db_flag) || value_of("config", config_flag)) continue;
    if (value_of("catalog", catalog)) {
      catalog_flags.push_back(*catalog);
    } else if (arg == "-q" || arg == "--quiet") {
      dmarcq::cli::set_quiet(true);
    } else if (!arg.empty() && arg[0] == '-') {
      return usage_error("unknown option '" + arg + "'", "");
    } else {
      break;
    }
  }

  if ((db_flag && db_flag->empty()) || (config_flag && config_flag->empty())) {
    return usage_error(
        std::string(db_flag && db_flag->empty() ? "--db" : "--config") + " needs a non-empty value",
        "");
  }
  // The command line wins, then the environment, then the config file.
  std::optional<dmarcq::cli::ConfigFile> config;
  try {
    if (config_flag) {
      config = dmarcq::cli::read_config(*config_flag, true);
    } else if (const std::string path = dmarcq::cli::default_config_path(); !path.empty()) {
      config = dmarcq::cli::read_config(path, false);
    }
  } catch (const dmarcq::cli::UsageError& error) {
    dmarcq::cli::defer_config_error(error.message);
  }
  const char* env_db = std::getenv("DMARCQ_DB");
  if (db_flag) {
    global.db_path = *db_flag;
  } else if (env_db != nullptr && *env_db != '\0') {
    global.db_path = env_db;
  } else if (config && config->db) {
    global.db_path = *config->db;
  } else {
    global.db_path = dmarcq::cli::default_store_path();
    global.db_is_default = true;
  }
  if (config) {
    global.config_path = config->path;
    global.catalogs = config->catalogs;
    global.lang = config->lang;
    global.tz = config->tz;
  }
  global.catalogs.insert(global.catalogs.end(), catalog_flags.begin(), catalog_flags.end());
  if (index >= argc) return usage_error("no command given", "");
  const std::string name = argv[index];
  const std::vector<std::string> args(argv + index + 1, argv + argc);
  for (const Command& command : kCommands) {
    if (name != command.name) continue;
    try {
      return finish(command.run(global, args));
    } catch (const dmarcq::cli::UsageError& error) {
      return usage_error(error.message, name);
    } catch (const boost::program_options::error& error) {
      return usage_error(error.what(), name);
    } catch (const std::exception& error) {
      // Modules return errors as values; what reaches here is the standard library
      // failing (out of memory, a filesystem error): fatal, but with a message.
      dmarcq::cli::print_error(std::string("unexpected failure: ") + error.what());
      return dmarcq::cli::kExitFatal;
    }
  }
  return usage_error("unknown command '" + name + "'", "");
}
