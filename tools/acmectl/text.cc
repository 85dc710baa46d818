#include "text.h"

#include <cstdlib>

#include "base/time_format.h"

namespace acme::ctl {

namespace {

std::string count_of(long long n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

// The largest unit that fits, so "in 29 days" rather than "in 2505600 seconds".
std::string span(long long secs) {
  if (secs >= 2 * 86400) return count_of(secs / 86400, "day");
  if (secs >= 2 * 3600) return count_of(secs / 3600, "hour");
  if (secs >= 2 * 60) return count_of(secs / 60, "minute");
  return count_of(secs, "second");
}

}  // namespace

long days_until(TimePoint t, TimePoint now) {
  long long secs = to_unix(t) - to_unix(now);
  long long days = secs / 86400;
  if (secs < 0 && secs % 86400 != 0) --days;  // floor, not truncation
  return static_cast<long>(days);
}

std::string format_time(TimePoint t) {
  return t == TimePoint{} ? "-" : format_rfc3339(t);
}

std::string relative_time(TimePoint t, TimePoint now) {
  long long secs = to_unix(t) - to_unix(now);
  if (secs == 0) return "now";
  if (secs > 0) return "in " + span(secs);
  return span(-secs) + " ago";
}

std::string join(const std::vector<std::string>& items, const std::string& empty_text) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? empty_text : out;
}

}  // namespace acme::ctl
