// What a failed attempt says about the CA, for the decisions of
// schedule/ca_resilience.h: whether the CA is down (a transport failure or
// a 5xx serverInternal problem, RFC 8555 §6.7) and how long it asked the
// client to wait (Retry-After, RFC 8555 §6.6, RFC 9110 §10.2.3).
#pragma once

#include <optional>

#include "base/clock.h"
#include "base/status.h"

namespace acme {

// The wait the CA asked for with this error, clamped to [0, kMaxRetryAfter];
// nullopt when it sent no (usable) Retry-After.
std::optional<Seconds> ca_requested_wait(const Status& error, TimePoint now);

// Transport failure or a 5xx answer: the CA is down, not saying no.
bool ca_unavailable(const Status& error);

}  // namespace acme
