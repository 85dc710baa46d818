// ActivationSignal: the words the watchdog and httpd's parent exchange about
// activation restarts, in a small shared-memory region of their own (any
// job can signal without the http-01 table; httpd/startup.cc attaches it
// next to the tables, and like them it survives graceful restarts).
//
// - "Activation wanted": the watchdog bumps a counter after staging a
//   verified set; the parent compares it with the value it saw last.
// - Draining: a graceful restart ends httpd generation G, yet its watchdog
//   may finish the orders it has in flight (no new ones) while the next
//   generation's watchdog waits for the store lock (httpd/watchdog.cc). The
//   parent permits that for G before it restarts gracefully, and halts it
//   for every generation up to G on a stop or a hard restart.
//
// Every word only grows (plain atomics, no lock). Only std:: here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/status.h"

namespace acme {

class ActivationSignal {
 public:
  ActivationSignal() = default;  // detached until format() or attach()

  static std::size_t region_size();
  // format() runs once (in the parent, before children fork); attach()
  // checks the header and fails on a mismatch.
  static Result<ActivationSignal> format(void* memory, std::size_t size);
  static Result<ActivationSignal> attach(void* memory, std::size_t size);

  // Activation: the watchdog asks, the parent samples the generation.
  void request_activation();
  std::uint64_t activation_generation() const;

  // Generation marks (see above): "mark(m, G)" records that m holds for
  // generation G and every one before it; marks only ever grow.
  enum Mark {
    kDrainPermitted,  // G's watchdog may finish its orders in flight
    kDrainHalted,     // a stop or hard restart: G's watchdog stops at once
    // G's watchdog is up and waits for the store lock: G - 1's starts no
    // more orders and hands over (renew/watchdog_session.h).
    kWatchdogWaiting,
    // The restart that ends G is one the module started to activate sets:
    // the configuration is the same, so G's watchdog may also start new
    // orders until its successor is up. After an admin's graceful restart
    // (perhaps a changed configuration) it only finishes those in flight.
    kWorkOnPermitted,
    // G's watchdog serves the cluster's challenge answers: registered in
    // etcd and loaded every published answer (renew/cluster_session.h).
    // What a node's readiness answer for the balancer reports
    // (solve/http01_answer.h).
    kAnswering,
    // On a cluster the parent of G restarts within about a second to
    // activate sets (renew/activation_thread.h): G's children report "not
    // ready" now, so the balancer stops sending the CA before they stop
    // accepting for the seconds a restart of many vhosts takes.
    kRestartAnnounced,
    // On a cluster the parent of G wants an activation restart and waits
    // for its turn before it announces one (renew/activation_thread.h):
    // G's watchdog takes the cluster's restart turn in etcd and marks
    // kRestartTurn, so the nodes restart one after the other and the
    // balancer always has a node ready for the CA (renew/cluster_session.h).
    kRestartWanted,
    kRestartTurn,
    kMarkCount
  };
  void mark(Mark mark, std::uint64_t generation);
  bool marked(Mark mark, std::uint64_t generation) const;
  // Whether generation's children may be sent the CA on a cluster: its own
  // watchdog serves the cluster's answers, and no activation restart of it
  // is announced. False after every start and restart until that watchdog
  // has registered and loaded them: the answers of the watchdog before stay
  // in shared memory, but what was published while it handed over is not
  // there yet (a restart let back in at once got the CA 404s: bench/RESULTS.md).
  bool answering(std::uint64_t generation) const {
    return marked(kAnswering, generation) && !marked(kRestartAnnounced, generation);
  }

  // The answering watchdog is alive: it beats several times a second
  // (renew/cluster_session.h, from its lease keeper's thread) while it
  // serves the cluster's answers. kAnswering stays once marked, and a
  // watchdog that died (crashed, killed) takes in no new answer until the
  // next one has loaded them, seconds later: its children must not say
  // ready meanwhile (a node whose watchdog had crashed answered the CA 404
  // for 10 s: bench/RESULTS.md). Times are steady_ms(): CLOCK_MONOTONIC,
  // one clock for every process of the host.
  void beat(std::int64_t now_ms);
  bool beating(std::int64_t now_ms) const;  // a beat within kBeatStaleMs
  static constexpr std::int64_t kBeatStaleMs = 3000;
  static std::int64_t steady_ms();
  // What a cluster node's readiness answer says (solve/http01_answer.h).
  bool ready_for_ca(std::uint64_t generation, std::int64_t now_ms) const {
    return answering(generation) && beating(now_ms);
  }
  bool ready_for_ca(std::uint64_t generation) const {
    return ready_for_ca(generation, steady_ms());
  }

  struct Words;  // layout, defined in the .cc

 private:
  explicit ActivationSignal(Words* words) : words_(words) {}

  Words* words_ = nullptr;
};

}  // namespace acme
