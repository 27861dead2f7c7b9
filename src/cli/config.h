// The config file and the default locations, so that cron (which runs in $HOME) and
// an interactive shell in any directory find the same store.
//   $XDG_CONFIG_HOME/dmarcq/config.toml  (default ~/.config/dmarcq/config.toml)
//   $XDG_DATA_HOME/dmarcq/dmarcq.db      (default ~/.local/share/dmarcq/dmarcq.db)
#ifndef DMARCQ_CLI_CONFIG_H_
#define DMARCQ_CLI_CONFIG_H_

#include <optional>
#include <string>
#include <vector>

namespace dmarcq::cli {

// What a config file may set. Paths are absolute: a relative one is taken relative
// to the file's directory, and "~/" is the home directory.
struct ConfigFile {
  std::string path;
  std::optional<std::string> db;
  std::vector<std::string> catalogs;
  std::optional<std::string> lang;  // "en" or "ja"
  std::optional<std::string> tz;    // IANA zone name, checked when used
};

// Where the config file is looked for when --config is not given; empty when neither
// $XDG_CONFIG_HOME nor $HOME is set.
std::string default_config_path();
// The store used when neither --db, $DMARCQ_DB nor the config file names one:
// ./dmarcq.db only when neither $XDG_DATA_HOME nor $HOME is set.
std::string default_store_path();

// Reads a config file. A file that does not exist yields nullopt when `must_exist` is
// false (the default location), and is a usage error otherwise (--config). Syntax
// errors, unknown keys and values of the wrong type are usage errors naming the file
// and line.
std::optional<ConfigFile> read_config(const std::string& path, bool must_exist);

}  // namespace dmarcq::cli

#endif  // DMARCQ_CLI_CONFIG_H_
