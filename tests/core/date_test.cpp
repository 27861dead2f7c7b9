#include "core/date.h"

#include <doctest/doctest.h>

using namespace dmarcq::core;

TEST_CASE("date: civil round trip and formatting") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2026, 11, 9) == 20766);
  CHECK(format_day(20766) == "2026-11-09");
  CHECK(format_day(-1) == "1969-12-31");
  for (std::int64_t day = -800; day < 80000; day += 37) {
    const CivilDate date = civil_from_days(day);
    CHECK(days_from_civil(date.year, date.month, date.day) == day);
  }
  CHECK(day_of(-1) == -1);
  CHECK(day_of(86399) == 0);
  CHECK(format_timestamp(1762646400) == "2025-11-09T00:00:00Z");
  CHECK(format_timestamp(1763251199) == "2025-11-15T23:59:59Z");
}

TEST_CASE("date: ISO weeks") {
  struct Case {
    const char* day;
    const char* week;
  };
  const Case cases[] = {
      {"2026-11-09", "2026-W46"}, {"2026-11-15", "2026-W46"}, {"2026-11-16", "2026-W47"},
      {"2026-01-01", "2026-W01"}, {"2025-12-29", "2026-W01"}, {"2021-01-03", "2020-W53"},
      {"2020-12-31", "2020-W53"}, {"2024-12-30", "2025-W01"}, {"2027-01-03", "2026-W53"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.day);
    CHECK(iso_week(*parse_day(c.day)) == c.week);
  }
  CHECK(parse_iso_week("2026-W46") == parse_day("2026-11-09"));
  CHECK(parse_iso_week("2020-W53") == parse_day("2020-12-28"));
  CHECK_FALSE(parse_iso_week("2025-W53").has_value());  // 2025 has 52 weeks
  CHECK_FALSE(parse_iso_week("2026-W00").has_value());
  CHECK_FALSE(parse_iso_week("2026W46").has_value());
}

TEST_CASE("date: parse_day is strict") {
  CHECK(parse_day("2024-02-29").has_value());
  CHECK_FALSE(parse_day("2026-02-29").has_value());
  CHECK_FALSE(parse_day("2026-13-01").has_value());
  CHECK_FALSE(parse_day("2026-1-01").has_value());
  CHECK_FALSE(parse_day("2026-11-09x").has_value());
  CHECK_FALSE(parse_day("").has_value());
}

TEST_CASE("date: ISO 8601 date-times") {
  CHECK(parse_iso8601("2026-11-09") == 1794182400);
  CHECK(parse_iso8601("2026-11-09T00:00:00Z") == 1794182400);
  CHECK(parse_iso8601("2026-11-09T09:00:00+09:00") == 1794182400);
  CHECK(parse_iso8601("2026-11-08 19:00:00-05:00") == 1794182400);
  CHECK(parse_iso8601("2026-11-09T00:00:00.123Z") == 1794182400);
  CHECK(parse_iso8601("2026-11-09T23:59") == 1794182400 + 86340);
  CHECK_FALSE(parse_iso8601("2026-11-09T24:00:00Z").has_value());
  CHECK_FALSE(parse_iso8601("2026-11-09T00:00:00Q").has_value());
  CHECK_FALSE(parse_iso8601("1794182400").has_value());
}
