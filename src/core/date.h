// UTC calendar arithmetic for report periods: days since the epoch, ISO dates and
// ISO 8601 weeks. Reports state their periods in seconds since the epoch, UTC; all
// grouping by day and week in dmarcq is UTC (DESIGN.md).
#ifndef DMARCQ_CORE_DATE_H_
#define DMARCQ_CORE_DATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dmarcq::core {

constexpr std::int64_t kSecondsPerDay = 86400;

struct CivilDate {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t year, int month, int day);
CivilDate civil_from_days(std::int64_t days);

// The UTC day (days since the epoch) that contains `seconds`; floors negative values.
std::int64_t day_of(std::int64_t seconds);

// "2026-11-09"
std::string format_day(std::int64_t days);
// "2026-W46": the ISO 8601 week (Monday first; week 1 holds the year's first Thursday).
std::string iso_week(std::int64_t days);
// The Monday (days since epoch) of an ISO week given as "YYYY-Www"; nullopt if malformed.
std::optional<std::int64_t> parse_iso_week(std::string_view text);
// "2026-11-09T00:00:00Z"
std::string format_timestamp(std::int64_t seconds);

// "YYYY-MM-DD" -> days since the epoch; nullopt unless it is a real calendar date.
std::optional<std::int64_t> parse_day(std::string_view text);
// ISO 8601 / RFC 3339 date-time: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with an
// optional "Z" or "+hh:mm"/"-hh:mm" offset (no offset means UTC); a space may stand
// for the "T". Returns seconds since the epoch.
std::optional<std::int64_t> parse_iso8601(std::string_view text);

}  // namespace dmarcq::core

#endif  // DMARCQ_CORE_DATE_H_
