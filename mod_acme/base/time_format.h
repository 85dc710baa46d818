// Parsing and formatting of the time formats ACME and HTTP use:
// RFC 3339 timestamps (RFC 8555 "expires", ARI windows) and HTTP-date
// (RFC 9110 §5.6.7, in Retry-After), plus human durations for directives.
#pragma once

#include <string>

#include "base/clock.h"
#include "base/status.h"

namespace acme {

// "2026-11-27T08:00:00Z", fractional seconds and numeric offsets ("+HH:MM",
// "-HH:MM") accepted, nothing looser. Dates past TimePoint's range (2262)
// saturate to TimePoint::max(), as do HTTP-dates.
Result<TimePoint> parse_rfc3339(const std::string& text);
std::string format_rfc3339(TimePoint t);

// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate; the obsolete forms are not
// sent by ACME servers).
Result<TimePoint> parse_http_date(const std::string& text);

// "30d", "12h", "90m", "45s", "2w" or a bare number of seconds.
Result<Seconds> parse_duration(const std::string& text);
std::string format_duration(Seconds d);

}  // namespace acme
