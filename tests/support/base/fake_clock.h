// FakeClock: a Clock a test moves by hand. A test double: lives with the
// tests (tests/support), never in mod_acme.so or acmectl.
#pragma once

#include "base/clock.h"

namespace acme {

class FakeClock : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(std::chrono::system_clock::duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

}  // namespace acme
