// What "today" is for the commands: the clock (which tests can fix) and the user's
// time zone. Report days themselves are the reporters' days (their periods are cut at
// midnight UTC by Google, Microsoft and Yahoo); the zone only decides which day it is
// now, hence the last complete week and relative dates such as "7d".
#ifndef DMARCQ_CLI_CLOCK_H_
#define DMARCQ_CLI_CLOCK_H_

#include <cstdint>
#include <optional>
#include <string>

namespace dmarcq::cli {

// Seconds since the epoch: $DMARCQ_NOW (ISO 8601, e.g. 2026-12-07T07:00:00+09:00) when
// set, so that tests and replays can fix the clock; else the system clock. A malformed
// $DMARCQ_NOW is a usage error.
std::int64_t now_seconds();

// Selects the zone that local_today() uses: an IANA name such as Asia/Tokyo, or
// nullopt for the process's own ($TZ, else /etc/localtime). An unknown name is a usage
// error: the C library would silently use UTC for it.
void use_time_zone(const std::optional<std::string>& zone);

// The zone in use, for messages: the name given, $TZ, or "local time".
std::string time_zone_name();

// Today's date in the zone in use, as days since the epoch.
std::int64_t local_today();

// The Monday of the last complete ISO week before `today` (days since the epoch).
std::int64_t last_complete_week(std::int64_t today);

// A day given on the command line: YYYY-MM-DD, "today", "yesterday", or "Nd" (N days
// before today, so --from 7d covers the last seven days and today). nullopt if none.
std::optional<std::int64_t> parse_day_argument(const std::string& text);

}  // namespace dmarcq::cli

#endif  // DMARCQ_CLI_CLOCK_H_
