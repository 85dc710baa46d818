// Clock: the only source of "now" in the core, so decisions about renewal,
// polling and backoff can be tested on a fake clock.
#pragma once

#include <chrono>

namespace acme {

using TimePoint = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

inline long long to_unix(TimePoint t) {
  return std::chrono::duration_cast<Seconds>(t.time_since_epoch()).count();
}
// Saturates at the ends of TimePoint's range instead of overflowing: libstdc++'s
// system_clock counts nanoseconds in 64 bits, which ends in April 2262, while
// certificates, OCSP responses and CAs may name any year up to 9999 (RFC 5280
// §4.1.2.5). A time at or past the end reads as TimePoint::max().
inline TimePoint from_unix(long long secs) {
  constexpr long long kLast =
      std::chrono::duration_cast<Seconds>(TimePoint::max().time_since_epoch()).count();
  constexpr long long kFirst =
      std::chrono::duration_cast<Seconds>(TimePoint::min().time_since_epoch()).count();
  if (secs >= kLast) return TimePoint::max();
  if (secs <= kFirst) return TimePoint::min();
  return TimePoint(Seconds(secs));
}

}  // namespace acme
