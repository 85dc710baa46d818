// How a renewal job treats a CA that is unreachable, overloaded or asks it
// to slow down: the pure decisions, like schedule/policy.h. Which error is
// which (a transport failure, a 5xx, a Retry-After) is read by the order
// drive in renew/ca_errors.h, which knows the ACME problem types.
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

#include "base/clock.h"

namespace acme {

constexpr Seconds kMaxRetryAfter{86400};
constexpr int kFailoverAfter = 3;

// A wait a CA asked for, clamped to [0, kMaxRetryAfter].
Seconds clamp_ca_wait(Seconds asked);

// Counts a failed attempt against the current CA (*ca_failures): one where
// the CA was unavailable counts, any other resets the count. Moves
// *ca_index to the next of ca_count CAs after kFailoverAfter in a row.
// True when it moved.
bool count_ca_failure(bool ca_unavailable, std::size_t ca_count, int* ca_index, int* ca_failures);

}  // namespace acme
