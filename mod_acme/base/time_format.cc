#include "base/time_format.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace acme {

namespace {

Status bad_time(const std::string& what, const std::string& text) {
  return Status(Code::kInvalidArgument, "'" + text + "' is not a valid " + what);
}

bool valid_tm(const std::tm& tm) {
  return tm.tm_mon >= 0 && tm.tm_mon < 12 && tm.tm_mday >= 1 && tm.tm_mday <= 31 &&
         tm.tm_hour >= 0 && tm.tm_hour < 24 && tm.tm_min >= 0 && tm.tm_min < 60 && tm.tm_sec >= 0 &&
         tm.tm_sec <= 60;
}

// Exactly `n` ASCII digits at `p` (sscanf's %2d would also take "+1" or " 1").
bool fixed_digits(const char* p, int n, int* out) {
  int value = 0;
  for (int i = 0; i < n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(p[i]))) return false;
    value = value * 10 + (p[i] - '0');
  }
  *out = value;
  return true;
}

// RFC 3339 §5.6 full-date "T" partial-time without fraction: exactly
// "YYYY-MM-DDTHH:MM:SS" (a space for the T, as §5.6's note allows).
bool parse_date_time(const char* p, std::tm* tm) {
  bool shaped =
      fixed_digits(p, 4, &tm->tm_year) && p[4] == '-' && fixed_digits(p + 5, 2, &tm->tm_mon) &&
      p[7] == '-' && fixed_digits(p + 8, 2, &tm->tm_mday) && std::strchr("Tt ", p[10]) && p[10] &&
      fixed_digits(p + 11, 2, &tm->tm_hour) && p[13] == ':' &&
      fixed_digits(p + 14, 2, &tm->tm_min) && p[16] == ':' && fixed_digits(p + 17, 2, &tm->tm_sec);
  tm->tm_year -= 1900;
  tm->tm_mon -= 1;
  return shaped && valid_tm(*tm);
}

// time-offset = "Z" / ("+" / "-") time-hour ":" time-minute (RFC 3339 §5.6),
// nothing after it. Sets the offset east of UTC in seconds.
bool parse_offset(const char* p, long long* offset) {
  if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') {
    *offset = 0;
    return true;
  }
  int hours = 0, minutes = 0;
  if ((p[0] != '+' && p[0] != '-') || !fixed_digits(p + 1, 2, &hours) || p[3] != ':' ||
      !fixed_digits(p + 4, 2, &minutes) || p[6] != '\0' || hours > 23 || minutes > 59)
    return false;
  *offset = (hours * 3600LL + minutes * 60LL) * (p[0] == '-' ? -1 : 1);
  return true;
}

}  // namespace

Result<TimePoint> parse_rfc3339(const std::string& text) {
  std::tm tm{};
  if (text.size() < 20 || !parse_date_time(text.c_str(), &tm))
    return bad_time("RFC 3339 time", text);
  const char* rest = text.c_str() + 19;
  long long millis = 0;
  if (*rest == '.') {
    ++rest;
    int digits = 0;
    while (std::isdigit(static_cast<unsigned char>(*rest))) {
      if (digits < 3) millis = millis * 10 + (*rest - '0');
      ++digits;
      ++rest;
    }
    if (digits == 0) return bad_time("RFC 3339 time", text);
    for (; digits < 3; ++digits) millis *= 10;
  }
  long long offset = 0;
  if (!parse_offset(rest, &offset)) return bad_time("RFC 3339 time", text);
  TimePoint t = from_unix(static_cast<long long>(timegm(&tm)) - offset);
  // from_unix leaves at least a second below max() unless it saturated.
  return t == TimePoint::max() ? t : t + Millis(millis);
}

std::string format_rfc3339(TimePoint t) {
  std::time_t secs = static_cast<std::time_t>(to_unix(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<TimePoint> parse_http_date(const std::string& text) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char wday[4] = {0}, mon[4] = {0}, zone[4] = {0};
  std::tm tm{};
  if (std::sscanf(text.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d %3s", wday, &tm.tm_mday, mon,
                  &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, zone) != 8 ||
      std::strcmp(zone, "GMT") != 0)
    return bad_time("HTTP-date", text);
  tm.tm_mon = -1;
  for (int i = 0; i < 12; ++i)
    if (std::strcmp(mon, kMonths[i]) == 0) tm.tm_mon = i;
  tm.tm_year -= 1900;
  if (!valid_tm(tm)) return bad_time("HTTP-date", text);
  return from_unix(static_cast<long long>(timegm(&tm)));
}

Result<Seconds> parse_duration(const std::string& text) {
  if (text.empty()) return bad_time("duration", text);
  std::size_t pos = 0;
  long long value = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    value = value * 10 + (text[pos] - '0');
    if (value > 10LL * 365 * 86400) return bad_time("duration (too large)", text);
    ++pos;
  }
  if (pos == 0) return bad_time("duration", text);
  std::string unit = text.substr(pos);
  long long scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1;
  else if (unit == "m")
    scale = 60;
  else if (unit == "h")
    scale = 3600;
  else if (unit == "d")
    scale = 86400;
  else if (unit == "w")
    scale = 7 * 86400;
  else
    return bad_time("duration (units: s, m, h, d, w)", text);
  return Seconds(value * scale);
}

std::string format_duration(Seconds d) {
  long long s = d.count();
  if (s % 86400 == 0 && s != 0) return std::to_string(s / 86400) + "d";
  if (s % 3600 == 0 && s != 0) return std::to_string(s / 3600) + "h";
  if (s % 60 == 0 && s != 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

}  // namespace acme
