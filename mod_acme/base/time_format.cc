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

}  // namespace

Result<TimePoint> parse_rfc3339(const std::string& text) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%*[Tt ]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return bad_time("RFC 3339 time", text);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  if (!valid_tm(tm)) return bad_time("RFC 3339 time", text);
  const char* rest = text.c_str() + consumed;
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
  if (*rest == 'Z' || *rest == 'z') {
    ++rest;
  } else if (*rest == '+' || *rest == '-') {
    int oh = 0, om = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &oh, &om) != 2) return bad_time("RFC 3339 time", text);
    offset = (oh * 3600LL + om * 60LL) * (*rest == '-' ? -1 : 1);
    rest += 6;
  } else {
    return bad_time("RFC 3339 time", text);
  }
  if (*rest != '\0') return bad_time("RFC 3339 time", text);
  long long secs = static_cast<long long>(timegm(&tm)) - offset;
  return TimePoint(Seconds(secs)) + Millis(millis);
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
  return TimePoint(Seconds(static_cast<long long>(timegm(&tm))));
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
