// Retry-After (RFC 9110 §10.2.3): how long a server asks a client to wait,
// as delta-seconds ("120") or an HTTP-date. ACME servers send it with 429
// rateLimited and 503 answers (RFC 8555 §6.6) and with renewal information
// (RFC 9773 §4.3). "now" comes in so decisions run on a fake clock.
#pragma once

#include <string>

#include "base/clock.h"
#include "base/status.h"

namespace acme {

// The wait the header asks for, from now; a date in the past is 0 s.
// kInvalidArgument for anything else (a client then waits as it would have).
Result<Seconds> parse_retry_after(const std::string& value, TimePoint now);

// d limited to [lo, hi]: a server's wish is honoured within sane bounds.
Seconds clamp_seconds(Seconds d, Seconds lo, Seconds hi);

}  // namespace acme
