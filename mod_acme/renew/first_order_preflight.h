// FirstOrderPreflight: before the first order of a certificate (no live
// set yet), the watchdog runs the checks of `acmectl preflight`
// (preflight/checks.h) for each of its names, once per name in this
// process, and logs each problem as a warning (ACME10180) with its fix. The
// order goes ahead whatever they find: the checks can be wrong (split-horizon
// DNS, a CA that validates from elsewhere), the CA is the judge.
//
// The checks wait on the network (1 s per DNS question, 1 s per probe), so
// they run on one worker thread of this object's own, started at the first
// check(); the watchdog's tick never waits for them (issue 7 item 5).
// Threads: check() and poll() are called on the watchdog thread only, which
// stays the only writer of the challenge table (check() publishes the
// probes, poll() withdraws them) and the only user of the LogSink (poll()
// logs what the worker found). The worker gets copies of everything it
// needs (names, PreflightSettings) and makes its own resolver and prober.
// Probes take challenge-table slots, which the orders need: at most
// kHandedMax certificates are with the worker (their probes published);
// the others wait in a backlog, without probes, until poll() hands them on.
// The destructor sets a stop flag and joins: the worker looks at the flag
// before each DNS question and probe, so the join waits for the one under
// way (a probe: 1 s; a question: 1 s per server and exchange, 1 s for one
// server answering over UDP).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "config/managed_cert.h"
#include "preflight/checks.h"
#include "preflight/dns.h"
#include "preflight/probe.h"

namespace acme {

class FirstOrderPreflight {
 public:
  static constexpr std::size_t kHandedMax = 2;  // certificates with the worker at once

  struct Options {
    int http_port = 80;    // where the CA's port 80 arrives here (ACMEPortMap)
    bool cluster = false;  // ACMESharedStore (PreflightSettings::cluster)
    int tls_port = 443;
    bool http01_by_default = true;
    // ACMEPreflightResolver: server "" = the system's (resolv.conf). The
    // timeout is ours (1 s), whatever is set here.
    ResolverOptions resolver;
  };
  // Both are called on the worker thread.
  using ResolverFactory = std::function<Result<std::unique_ptr<DnsResolver>>()>;
  using ProberFactory = std::function<std::unique_ptr<Prober>(const std::vector<Probe>&)>;

  FirstOrderPreflight(ProbePublisher& probes, const Clock& clock, LogSink& log, Options options,
                      ResolverFactory resolver = nullptr, ProberFactory prober = nullptr);
  ~FirstOrderPreflight();
  FirstOrderPreflight(const FirstOrderPreflight&) = delete;
  FirstOrderPreflight& operator=(const FirstOrderPreflight&) = delete;

  // Watchdog thread, where a first order is about to start: queues the names
  // not checked yet (publishing their probes as they go to the worker);
  // returns at once.
  void check(const ManagedCert& cert);
  // Watchdog thread, each tick: logs the checks the worker finished,
  // withdraws their probes and hands on the backlog. True while checks are
  // queued or running.
  bool poll();
  // Blocks until the worker has nothing queued or running (unit tests; the
  // watchdog never calls it).
  void wait_until_idle();

 private:
  struct Work {
    std::string cert;
    std::vector<std::string> names;
    PreflightSettings settings;
    std::vector<Probe> probes;  // published, for the prober
  };
  struct Done {
    std::string cert;
    std::vector<NameReport> reports;
    std::vector<std::string> tokens;  // to withdraw
    Status status;                    // the resolver could not be made
  };

  PreflightSettings settings_for(const ManagedCert& cert) const;
  void report(const Done& done);
  void hand_on();              // watchdog thread: backlog -> worker
  void work();                 // the worker's loop
  Done run(const Work& item);  // worker thread
  bool stopping() const;       // worker thread, between questions

  ProbePublisher& probes_;
  const Clock& clock_;
  LogSink& log_;
  Options options_;
  ResolverFactory resolver_;
  ProberFactory prober_;
  std::set<std::string> checked_;  // names handed to the worker in this process
  std::deque<Work> backlog_;       // not handed to the worker yet (no probes)
  std::size_t pending_ = 0;        // items handed over and not yet polled back

  mutable std::mutex mutex_;  // guards what follows
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Work> queue_;
  std::deque<Done> done_;
  bool busy_ = false;  // the worker runs an item
  bool stop_ = false;
  std::thread worker_;  // last: started lazily, joined in the destructor
};

}  // namespace acme
