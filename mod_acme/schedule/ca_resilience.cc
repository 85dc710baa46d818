#include "schedule/ca_resilience.h"

#include <algorithm>

namespace acme {

Seconds clamp_ca_wait(Seconds asked) {
  return std::clamp(asked, Seconds(0), kMaxRetryAfter);
}

bool count_ca_failure(bool ca_unavailable, std::size_t ca_count, int* ca_index, int* ca_failures) {
  if (!ca_unavailable) {
    *ca_failures = 0;
    return false;
  }
  if (++*ca_failures < kFailoverAfter || ca_count < 2) return false;
  *ca_failures = 0;
  *ca_index = static_cast<int>((static_cast<std::size_t>(*ca_index) + 1) % ca_count);
  return true;
}

}  // namespace acme
