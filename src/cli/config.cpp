#include "cli/config.h"

#include <toml++/toml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/command.h"

namespace dmarcq::cli {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// The XDG base directory `variable`, or $HOME/`fallback`; empty when neither is set.
// The specification ignores a relative value.
std::filesystem::path xdg_dir(const char* variable, const char* fallback) {
  const std::string value = env(variable);
  if (!value.empty() && value.front() == '/') return value;
  const std::string home = env("HOME");
  if (home.empty()) return {};
  return std::filesystem::path(home) / fallback;
}

[[noreturn]] void config_error(const std::string& file, const toml::source_region& where,
                               const std::string& message) {
  throw UsageError{file + ":" + std::to_string(where.begin.line) + ": " + message};
}

std::string resolve_path(const std::string& file, const toml::node& node, const std::string& value,
                         const std::filesystem::path& base) {
  if (value == "~" || value.rfind("~/", 0) == 0) {
    const std::string home = env("HOME");
    if (home.empty()) config_error(file, node.source(), "'~' needs $HOME, which is not set");
    return (std::filesystem::path(home) / value.substr(value.size() > 1 ? 2 : 1)).string();
  }
  const std::filesystem::path path(value);
  return path.is_absolute() ? value : (base / path).lexically_normal().string();
}

const std::string& string_value(const std::string& file, const toml::node& node,
                                std::string_view key) {
  const auto* text = node.as_string();
  if (text == nullptr)
    config_error(file, node.source(), "'" + std::string(key) + "' must be a string");
  if (text->get().empty()) config_error(file, node.source(), "'" + std::string(key) + "' is empty");
  if (text->get().find('\0') != std::string::npos) {
    config_error(file, node.source(), "'" + std::string(key) + "' holds a NUL character");
  }
  return text->get();
}

}  // namespace

std::string default_config_path() {
  const std::filesystem::path dir = xdg_dir("XDG_CONFIG_HOME", ".config");
  return dir.empty() ? std::string() : (dir / "dmarcq" / "config.toml").string();
}

std::string default_store_path() {
  const std::filesystem::path dir = xdg_dir("XDG_DATA_HOME", ".local/share");
  return dir.empty() ? std::string("dmarcq.db") : (dir / "dmarcq" / "dmarcq.db").string();
}

std::optional<ConfigFile> read_config(const std::string& path, bool must_exist) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!must_exist && status.type() == std::filesystem::file_type::not_found) return std::nullopt;
  if (std::filesystem::is_directory(status)) {
    throw UsageError{"config file " + path + ": is a directory"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError{"config file " + path + ": cannot read: " + std::strerror(errno)};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(bytes.str(), path);
  } catch (const toml::parse_error& failure) {
    throw UsageError{path + ":" + std::to_string(failure.source().begin.line) + ": " +
                     std::string(failure.description())};
  }
  ConfigFile config;
  config.path = path;
  const std::filesystem::path base = std::filesystem::path(path).parent_path();
  for (const auto& [key, node] : root) {
    if (key == "db") {
      config.db = resolve_path(path, node, string_value(path, node, key), base);
    } else if (key == "catalog") {
      if (const toml::array* list = node.as_array()) {
        for (const toml::node& item : *list) {
          config.catalogs.push_back(resolve_path(path, item, string_value(path, item, key), base));
        }
      } else {
        config.catalogs.push_back(resolve_path(path, node, string_value(path, node, key), base));
      }
    } else if (key == "lang") {
      const std::string& lang = string_value(path, node, key);
      if (lang != "en" && lang != "ja")
        config_error(path, node.source(), "lang must be \"en\" or \"ja\"");
      config.lang = lang;
    } else if (key == "tz") {
      config.tz = string_value(path, node, key);
    } else {
      config_error(path, node.source(),
                   "unknown key '" + std::string(key.str()) + "' (known: db, catalog, lang, tz)");
    }
  }
  return config;
}

}  // namespace dmarcq::cli
