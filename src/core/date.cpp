#include "core/date.h"

#include <cstdio>

namespace dmarcq::core {

namespace {

// Floor division: C++ rounds toward zero, calendars need toward minus infinity.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool is_leap(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(std::int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Parses exactly `width` ASCII digits at text[pos]; advances pos.
std::optional<int> take_digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool take_char(std::string_view text, std::size_t& pos, char expected) {
  if (pos < text.size() && text[pos] == expected) {
    ++pos;
    return true;
  }
  return false;
}

// Weekday of a day number, Monday = 0 (1970-01-01 was a Thursday).
int weekday_monday0(std::int64_t days) { return static_cast<int>(((days + 3) % 7 + 7) % 7); }

}  // namespace

std::int64_t days_from_civil(std::int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = floor_div(year, 400);
  const std::int64_t yoe = year - era * 400;
  const std::int64_t mp = (month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = floor_div(days, 146097);
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

std::int64_t day_of(std::int64_t seconds) { return floor_div(seconds, kSecondsPerDay); }

std::string format_day(std::int64_t days) {
  const CivilDate date = civil_from_days(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(date.year), date.month,
                date.day);
  return buf;
}

std::string iso_week(std::int64_t days) {
  // The ISO year is the year of the Thursday of the same week.
  const std::int64_t thursday = days - weekday_monday0(days) + 3;
  const std::int64_t iso_year = civil_from_days(thursday).year;
  const std::int64_t week = (thursday - days_from_civil(iso_year, 1, 1)) / 7 + 1;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-W%02lld", static_cast<long long>(iso_year),
                static_cast<long long>(week));
  return buf;
}

std::optional<std::int64_t> parse_iso_week(std::string_view text) {
  std::size_t pos = 0;
  auto year = take_digits(text, pos, 4);
  if (!year || !take_char(text, pos, '-') || !take_char(text, pos, 'W')) return std::nullopt;
  auto week = take_digits(text, pos, 2);
  if (!week || pos != text.size() || *week < 1 || *week > 53) return std::nullopt;
  // Week 1 contains January 4th.
  const std::int64_t jan4 = days_from_civil(*year, 1, 4);
  const std::int64_t monday = jan4 - weekday_monday0(jan4) + (*week - 1) * 7;
  if (iso_week(monday) != text) return std::nullopt;  // week 53 in a 52-week year
  return monday;
}

std::string format_timestamp(std::int64_t seconds) {
  const std::int64_t days = day_of(seconds);
  const std::int64_t rest = seconds - days * kSecondsPerDay;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02lld:%02lld:%02lldZ", format_day(days).c_str(),
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60));
  return buf;
}

std::optional<std::int64_t> parse_day(std::string_view text) {
  std::size_t pos = 0;
  auto year = take_digits(text, pos, 4);
  if (!year || !take_char(text, pos, '-')) return std::nullopt;
  auto month = take_digits(text, pos, 2);
  if (!month || !take_char(text, pos, '-')) return std::nullopt;
  auto day = take_digits(text, pos, 2);
  if (!day || pos != text.size()) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month)) {
    return std::nullopt;
  }
  return days_from_civil(*year, *month, *day);
}

std::optional<std::int64_t> parse_iso8601(std::string_view text) {
  if (text.size() < 10) return std::nullopt;
  auto days = parse_day(text.substr(0, 10));
  if (!days) return std::nullopt;
  std::int64_t seconds = *days * kSecondsPerDay;
  std::size_t pos = 10;
  if (pos == text.size()) return seconds;
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  auto hour = take_digits(text, pos, 2);
  if (!hour || !take_char(text, pos, ':')) return std::nullopt;
  auto minute = take_digits(text, pos, 2);
  if (!minute || *hour > 23 || *minute > 59) return std::nullopt;
  int second = 0;
  if (take_char(text, pos, ':')) {
    auto parsed = take_digits(text, pos, 2);
    if (!parsed || *parsed > 60) return std::nullopt;
    second = *parsed;
    if (take_char(text, pos, '.') || take_char(text, pos, ',')) {
      std::size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      if (pos == start) return std::nullopt;
    }
  }
  seconds += *hour * 3600 + *minute * 60 + second;
  if (pos == text.size()) return seconds;
  if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) return seconds;
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const int sign = text[pos] == '+' ? 1 : -1;
  ++pos;
  auto off_hour = take_digits(text, pos, 2);
  if (!off_hour) return std::nullopt;
  take_char(text, pos, ':');
  auto off_minute = take_digits(text, pos, 2);
  if (!off_minute || pos != text.size() || *off_hour > 23 || *off_minute > 59) return std::nullopt;
  return seconds - sign * (*off_hour * 3600 + *off_minute * 60);
}

}  // namespace dmarcq::core
