// Renewal decisions: implements schedule/policy.h (ACMERenewWindow parsing,
// when a certificate is due, retry backoff with jitter, and the RFC 8555
// §7.5.1 polling schedule).
#include "schedule/policy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "base/time_format.h"

namespace acme {

namespace {

Status bad_window(const std::string& text) {
  return Status(Code::kInvalidArgument,
                "'" + text +
                    "' is not a valid renew window: use a percentage of the lifetime below 100% "
                    "(e.g. 33%) or a duration (e.g. 30d)");
}

// Strict decimal "12" or "12.5": strtod would also take "inf", "1e2",
// hex and leading blanks, none of which an admin means in a directive.
bool parse_decimal(const std::string& text, double* out) {
  std::size_t digits = 0, dots = 0;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      ++digits;
    else if (c == '.')
      ++dots;
    else
      return false;
  }
  if (digits == 0 || dots > 1) return false;
  *out = std::strtod(text.c_str(), nullptr);
  return true;
}

}  // namespace

Result<RenewWindow> parse_renew_window(const std::string& text) {
  RenewWindow window;
  if (!text.empty() && text.back() == '%') {
    double percent = 0;
    if (!parse_decimal(text.substr(0, text.size() - 1), &percent) || percent <= 0 || percent >= 100)
      return bad_window(text);
    window.is_fraction = true;
    window.fraction = percent / 100.0;
    return window;
  }
  auto duration = parse_duration(text);
  if (!duration.ok() || duration->count() <= 0) return bad_window(text);
  window.is_fraction = false;
  window.duration = *duration;
  return window;
}

std::string format_renew_window(const RenewWindow& window) {
  if (!window.is_fraction) return format_duration(window.duration);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g%%", window.fraction * 100.0);
  return buf;
}

TimePoint renewal_time(TimePoint not_before, TimePoint not_after, const RenewWindow& window) {
  // A certificate that expires before it starts is broken: due at once.
  if (not_after <= not_before) return std::min(not_before, not_after);
  auto lifetime = not_after - not_before;
  auto before_expiry = std::chrono::duration_cast<TimePoint::duration>(window.duration);
  if (window.is_fraction) {
    double ticks = static_cast<double>(lifetime.count()) * std::clamp(window.fraction, 0.0, 1.0);
    before_expiry = TimePoint::duration(static_cast<TimePoint::duration::rep>(ticks));
  }
  if (before_expiry >= lifetime) return not_before;
  return not_after - before_expiry;
}

bool renewal_due(TimePoint not_before, TimePoint not_after, const RenewWindow& window,
                 TimePoint now) {
  return now >= renewal_time(not_before, not_after, window);
}

Seconds retry_delay(int failures, Seconds base, Seconds max, double random01) {
  if (base.count() <= 0 || max.count() <= 0) return Seconds(0);
  // Double until the cap; comparing against max/2 first keeps the doubling
  // from overflowing however many failures piled up.
  long long delay = std::min(base.count(), max.count());
  for (int i = 1; i < failures && delay < max.count(); ++i)
    delay = delay > max.count() / 2 ? max.count() : delay * 2;
  // NaN fails every comparison, so clamp it explicitly to the low end.
  double r = std::isnan(random01) ? 0.0 : std::clamp(random01, 0.0, 1.0);
  double jittered = static_cast<double>(delay) * (0.5 + 0.5 * r);
  // Near LLONG_MAX the double rounds up past it; llround would overflow.
  if (jittered >= static_cast<double>(delay)) return Seconds(delay);
  return Seconds(std::llround(jittered));
}

Millis poll_delay(int attempt) {
  constexpr Millis kFirst{100};
  constexpr Millis kMax{8000};
  if (attempt <= 0) return kFirst;
  // 100 ms * 2^7 already reaches the cap; stop shifting before it overflows.
  if (attempt >= 7) return kMax;
  return std::min(kMax, kFirst * (1 << attempt));
}

}  // namespace acme
