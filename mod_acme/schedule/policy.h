// Pure renewal decisions: when a certificate is due, and how long to wait
// after failures. No I/O; time and randomness come in as arguments.
#pragma once

#include <string>

#include "base/clock.h"
#include "base/status.h"

namespace acme {

// ACMERenewWindow: renew when the remaining lifetime drops below either a
// fraction of the whole lifetime ("33%") or a fixed duration ("30d").
struct RenewWindow {
  bool is_fraction = true;
  double fraction = 1.0 / 3.0;  // of the lifetime, when is_fraction
  Seconds duration{0};          // when !is_fraction
};

// "33%", "33.3%", "30d", "720h"; percentages in (0, 100), durations > 0.
Result<RenewWindow> parse_renew_window(const std::string& text);
std::string format_renew_window(const RenewWindow& window);

// The moment the certificate valid in [not_before, not_after] becomes due.
// A duration window longer than the lifetime makes it due at once.
TimePoint renewal_time(TimePoint not_before, TimePoint not_after, const RenewWindow& window);
bool renewal_due(TimePoint not_before, TimePoint not_after, const RenewWindow& window,
                 TimePoint now);

// Delay before retry after `failures` consecutive failures (>= 1):
// base * 2^(failures-1) capped at max, then jittered into [d/2, d] with
// random01 in [0, 1) so many servers do not retry in lockstep.
Seconds retry_delay(int failures, Seconds base, Seconds max, double random01);

// Bounded, backing-off schedule for polling authorizations and orders
// (RFC 8555 §7.5.1 asks clients not to hammer): 100 ms doubling up to 8 s.
// The first poll is early because a CA that validates at once (a company
// CA, pebble) is then done within one; a CA that takes seconds costs one or
// two polls more than a 250 ms start would (bench/RESULTS.md).
Millis poll_delay(int attempt);
// Give up polling one resource after this long and fail the attempt.
constexpr Seconds kPollBudget{300};

}  // namespace acme
