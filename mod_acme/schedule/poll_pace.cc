#include "schedule/poll_pace.h"

#include <algorithm>

namespace acme {

namespace {
constexpr Millis kFirst{100};     // nothing known yet: as policy.h's poll_delay(0)
constexpr Millis kLongest{2000};  // a slow spell must not hold every order for long
}  // namespace

std::string PollPace::wait_of(const std::string& order_status) {
  return order_status == "pending" ? "pending" : "processing";
}

Millis PollPace::first(const std::string& wait) const {
  auto it = estimate_.find(wait);
  if (it == estimate_.end()) return kFirst;
  return std::clamp(it->second, kFirst, kLongest);
}

void PollPace::observe(const std::string& wait, Millis waited, bool at_first_poll) {
  // Found at the first poll: the change came some time before it; probe lower.
  if (at_first_poll) waited = waited * 4 / 5;
  auto it = estimate_.find(wait);
  if (it == estimate_.end()) {
    estimate_[wait] = waited;
    return;
  }
  it->second = (it->second * 3 + waited) / 4;  // smoothed: one slow order moves it a quarter
}

}  // namespace acme
