// PollPace: how long after telling the CA to validate (or after finalizing)
// a job polls its order first, learnt from this CA's recent orders. Pure,
// no I/O; one per CaSession (per CA, per watchdog).
//
// A poll that finds the order unchanged is a request wasted (RFC 8555
// §7.5.1 leaves the pace to the client when the CA sends no Retry-After;
// pebble sends none). A fixed 100 ms first poll missed most of the time
// under load (3.5 order fetches per certificate where 2 suffice): the
// first poll now waits about as long as the same wait took the last orders,
// 100 ms until anything is known, at most 2 s. A first poll that found the
// change feeds back a little less than it waited, so the pace follows the
// CA down again when it gets faster.
#pragma once

#include <map>
#include <string>

#include "base/clock.h"

namespace acme {

class PollPace {
 public:
  // What a poll waits for: "pending" (validation) or "processing"
  // (issuance; "ready" counts as the finalize's wait).
  static std::string wait_of(const std::string& order_status);

  // The first poll's delay for a wait of this kind.
  Millis first(const std::string& wait) const;
  // A wait of this kind ended `waited` after it began; `at_first_poll`:
  // the first poll already found the change.
  void observe(const std::string& wait, Millis waited, bool at_first_poll);

 private:
  std::map<std::string, Millis> estimate_;  // smoothed, by kind of wait
};

}  // namespace acme
