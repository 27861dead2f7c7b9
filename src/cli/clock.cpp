#include "cli/clock.h"

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "cli/command.h"
#include "core/date.h"

namespace dmarcq::cli {

namespace {

std::string g_zone_name;

// IANA names are ASCII words joined by '/': "Asia/Tokyo", "America/Argentina/Salta",
// "Etc/GMT-9", "UTC". Anything else (a path, "..") is refused before it reaches the
// file system or the C library.
bool looks_like_zone_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string::npos || name.find("//") != std::string::npos) return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

// Whether the zone database holds `name`: a TZif file under $TZDIR or the system's.
bool zone_exists(const std::string& name) {
  const char* tzdir = std::getenv("TZDIR");
  const std::filesystem::path dir =
      tzdir != nullptr && *tzdir != '\0' ? tzdir : "/usr/share/zoneinfo";
  std::ifstream in(dir / name, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::string_view(magic, 4) == "TZif";
}

}  // namespace

std::int64_t now_seconds() {
  const char* fixed = std::getenv("DMARCQ_NOW");
  if (fixed != nullptr && *fixed != '\0') {
    auto parsed = core::parse_iso8601(fixed);
    if (!parsed) {
      throw UsageError{std::string("$DMARCQ_NOW '") + fixed +
                       "' is not an ISO 8601 date-time (2026-12-07T07:00:00+09:00)"};
    }
    return *parsed;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void use_time_zone(const std::optional<std::string>& zone) {
  if (!zone) {
    const char* tz = std::getenv("TZ");
    g_zone_name = tz != nullptr && *tz != '\0' ? tz : "local time";
    // A $TZ that names a zone the database lacks ("Asia/Tokio") makes the C library
    // use UTC without a word; POSIX rules such as "JST-9" have no '/' and stand alone.
    if (tz != nullptr && *tz != '\0') {
      const std::string name = tz[0] == ':' ? tz + 1 : tz;
      if (name.find('/') != std::string::npos &&
          (!looks_like_zone_name(name) || !zone_exists(name))) {
        print_warning("$TZ '" + std::string(tz) +
                      "' is not a known time zone; the C library uses UTC");
        g_zone_name = "UTC";
      }
    }
    tzset();
    return;
  }
  const bool utc = *zone == "UTC" || *zone == "Etc/UTC";
  if (!looks_like_zone_name(*zone) || (!utc && !zone_exists(*zone))) {
    throw UsageError{"unknown time zone '" + *zone +
                     "' (an IANA name such as Asia/Tokyo, Europe/Berlin or UTC)"};
  }
  ::setenv("TZ", zone->c_str(), 1);
  tzset();
  g_zone_name = *zone;
}

std::string time_zone_name() { return g_zone_name.empty() ? "local time" : g_zone_name; }

std::int64_t local_today() {
  const std::time_t now = static_cast<std::time_t>(now_seconds());
  std::tm local{};
  if (localtime_r(&now, &local) == nullptr) return core::day_of(now_seconds());
  return core::days_from_civil(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
}

std::int64_t last_complete_week(std::int64_t today) {
  const std::int64_t weekday = ((today + 3) % 7 + 7) % 7;  // Monday = 0
  return today - weekday - 7;
}

std::optional<std::int64_t> parse_day_argument(const std::string& text) {
  if (text == "today") return local_today();
  if (text == "yesterday") return local_today() - 1;
  if (text.size() >= 2 && text.back() == 'd') {
    std::int64_t days = 0;
    const char* end = text.data() + text.size() - 1;
    const auto [ptr, ec] = std::from_chars(text.data(), end, days);
    if (ec == std::errc() && ptr == end && days >= 0 && days <= 100'000) {
      return local_today() - days;
    }
    return std::nullopt;
  }
  return core::parse_day(text);
}

}  // namespace dmarcq::cli
