// When to renew, with the CA's renewal information (RFC 9773) or without
// it. Pure decisions like schedule/policy.h: no I/O, time and randomness come
// in as arguments.
//
//   baseline   ACMERenewWindow; a certificate living under ten days is
//              renewed at half its lifetime at the latest.
//   ARI        a moment picked uniformly at random inside the CA's suggested
//              window (§4.2), once per window; a window in the past means now.
//   emergency  whatever the CA suggests, renew once little is left: a third
//              of the renew window, at least a day, at most half of it.
#pragma once

#include <optional>

#include "base/clock.h"
#include "schedule/policy.h"

namespace acme {

// Below this lifetime a certificate is renewed at half of it.
constexpr Seconds kShortLifetime{10 * 86400};

// §4.2: uniformly random in [start, end); random01 in [0, 1).
TimePoint pick_in_window(TimePoint start, TimePoint end, double random01);

TimePoint baseline_renewal_time(TimePoint not_before, TimePoint not_after,
                                const RenewWindow& window);
TimePoint emergency_renewal_time(TimePoint not_before, TimePoint not_after,
                                 const RenewWindow& window);

// The moment the certificate is due: the time picked in the CA's window when
// there is one (never later than the emergency time), else the baseline.
TimePoint ari_renewal_time(TimePoint not_before, TimePoint not_after, const RenewWindow& window,
                           std::optional<TimePoint> ari_chosen);

}  // namespace acme
