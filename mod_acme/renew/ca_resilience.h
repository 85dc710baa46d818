// How a renewal job treats a CA that is unreachable, overloaded or asks it
// to slow down. Pure decisions, like renew/policy.h.
//
//   Retry-After  RFC 8555 §6.6, RFC 9110 §10.2.3: a CA's 429 rateLimited or
//                503 may say how long to wait (delta-seconds or HTTP-date);
//                the next attempt comes no earlier, capped at kMaxRetryAfter.
//                Rate limits are answered by waiting, never by retrying at once.
//   failover     several ACMECertificateAuthority: after kFailoverAfter
//                consecutive attempts that failed because the CA could not be
//                reached or broke (transport errors, 5xx), the next attempt
//                goes to the next CA, each with its own account. A CA that
//                answers (even "no") is reachable and resets the count.
#pragma once

#include <cstddef>
#include <optional>

#include "base/clock.h"
#include "base/status.h"

namespace acme {

constexpr Seconds kMaxRetryAfter{86400};
constexpr int kFailoverAfter = 3;

// The wait the CA asked for with this error, clamped to [0, kMaxRetryAfter];
// nullopt when it sent no (usable) Retry-After.
std::optional<Seconds> ca_requested_wait(const Status& error, TimePoint now);

// Transport failure or a 5xx answer: the CA is down, not saying no.
bool ca_unavailable(const Status& error);

// Counts the failure against the current CA (*ca_failures) and moves
// *ca_index to the next of ca_count CAs after kFailoverAfter in a row.
// True when it moved.
bool count_ca_failure(const Status& error, std::size_t ca_count, int* ca_index, int* ca_failures);

}  // namespace acme
