// FirstOrderPreflight: before the first order of a certificate (no live
// set yet), the watchdog runs the checks of `acmectl preflight`
// (preflight/checks.h) for each of its names, once per name in this
// process, and logs each problem as a warning (ACME10180) with its fix. The
// order goes ahead whatever they find: the checks can be wrong (split-horizon
// DNS, a CA that validates from elsewhere), the CA is the judge.
//
// It runs on the watchdog's tick, so it is bounded hard: 1 s per DNS
// question (the system's resolver), 1 s per probe, and kTickBudget for all
// checks of one tick; a certificate that finds the budget spent is not
// checked (logged at info). The probe is published straight into shared
// memory (the watchdog is the table's writer) and withdrawn at once.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "base/clock.h"
#include "base/log.h"
#include "preflight/checks.h"
#include "preflight/dns.h"
#include "preflight/probe.h"
#include "renew/managed_cert.h"

namespace acme {

class FirstOrderPreflight {
 public:
  static constexpr Millis kTickBudget{2000};

  struct Options {
    int http_port = 80;  // where the CA's port 80 arrives here (ACMEPortMap)
    int tls_port = 443;
    bool http01_by_default = true;
  };
  using ResolverFactory = std::function<Result<std::unique_ptr<DnsResolver>>()>;
  using ProberFactory = std::function<std::unique_ptr<Prober>(const std::vector<Probe>&)>;

  FirstOrderPreflight(ProbePublisher& probes, const Clock& clock, LogSink& log, Options options,
                      ResolverFactory resolver = nullptr, ProberFactory prober = nullptr);

  // Call where a first order is about to start; does nothing for names
  // already checked. tick_start: the tick's start, for its budget.
  void check(const ManagedCert& cert, TimePoint tick_start);

 private:
  PreflightSettings settings_for(const ManagedCert& cert) const;
  void report(const ManagedCert& cert, const NameReport& report);

  ProbePublisher& probes_;
  const Clock& clock_;
  LogSink& log_;
  Options options_;
  ResolverFactory resolver_;
  ProberFactory prober_;
  std::set<std::string> done_;  // names checked in this process
};

}  // namespace acme
