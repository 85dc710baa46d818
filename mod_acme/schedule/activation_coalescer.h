// ActivationCoalescer: when the parent should restart to activate staged
// certificate sets. Pure logic on a counter and a clock, no I/O.
//
// The watchdog bumps a shared counter once per staged set (ActivationSignal::
// request_activation); the parent samples it every tick and asks
// restart_due(). Sets staged close together go live in one restart: the
// restart waits until the counter has been still for `quiet`, but never
// longer than `max_wait` after the first change it saw. When every set this
// configuration still lacks has been staged (`awaited`), nothing is left to
// wait for and the restart is due at once (the first certificate of a
// fresh start goes live within a tick).
//
// A restart is not free: with 1,000 vhosts the parent spends seconds in it
// and nobody accepts the CA's validation connections meanwhile. So a batch
// also waits for `not_before` (set by the caller: the end of the previous
// restart plus twice what it cost), except the batch that completes the
// awaited sets: a stream of staged sets then keeps the parent restarting at
// most a third of the time instead of back to back.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace acme {

class ActivationCoalescer {
 public:
  using Instant = std::chrono::steady_clock::time_point;
  using Millis = std::chrono::milliseconds;

  struct Options {
    Millis quiet{250};
    Millis max_wait{1000};
  };

  // seen: the counter value this configuration already covers; awaited: how
  // many of its certificates have no live set yet (0: none is awaited).
  ActivationCoalescer(std::uint64_t seen, std::size_t awaited, Options options);

  // One tick: the counter's current value at `now`. True when the restart
  // should start now; the batch is then closed (the counter it covered
  // counts as seen) and a later change starts a new one.
  bool restart_due(std::uint64_t generation, Instant now);

  // No restart before `at` unless every awaited set is staged (see above).
  void hold_until(Instant at) { not_before_ = at; }

  // Sets covered by the restarts decided so far (for the log line).
  std::uint64_t activated() const { return activated_; }

 private:
  bool batch_complete(Instant now) const;

  Options options_;
  std::uint64_t seen_;
  std::uint64_t last_ = 0;  // counter value at the last change
  std::size_t awaited_;
  bool pending_ = false;
  Instant first_change_{};
  Instant last_change_{};
  Instant not_before_{};
  std::uint64_t activated_ = 0;
};

}  // namespace acme
