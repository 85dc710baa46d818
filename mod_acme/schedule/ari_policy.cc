#include "schedule/ari_policy.h"

#include <algorithm>
#include <cmath>

namespace acme {

namespace {

constexpr TimePoint::duration kDay = std::chrono::hours(24);

}  // namespace

TimePoint pick_in_window(TimePoint start, TimePoint end, double random01) {
  if (end <= start) return start;
  double r = std::isnan(random01) ? 0.0 : std::clamp(random01, 0.0, 1.0);
  auto span = static_cast<double>((end - start).count());
  auto offset = static_cast<TimePoint::duration::rep>(span * r);
  return std::min(start + TimePoint::duration(offset), end - TimePoint::duration(1));
}

TimePoint baseline_renewal_time(TimePoint not_before, TimePoint not_after,
                                const RenewWindow& window) {
  TimePoint at = renewal_time(not_before, not_after, window);
  if (not_after <= not_before || not_after - not_before >= kShortLifetime) return at;
  return std::min(at, not_before + (not_after - not_before) / 2);
}

TimePoint emergency_renewal_time(TimePoint not_before, TimePoint not_after,
                                 const RenewWindow& window) {
  TimePoint baseline = baseline_renewal_time(not_before, not_after, window);
  if (baseline >= not_after) return not_after;
  auto margin = not_after - baseline;  // how long before expiry the window opens
  auto emergency = std::min(std::max(margin / 3, kDay), margin / 2);
  return not_after - emergency;
}

TimePoint ari_renewal_time(TimePoint not_before, TimePoint not_after, const RenewWindow& window,
                           std::optional<TimePoint> ari_chosen) {
  if (!ari_chosen) return baseline_renewal_time(not_before, not_after, window);
  return std::min(*ari_chosen, emergency_renewal_time(not_before, not_after, window));
}

}  // namespace acme
