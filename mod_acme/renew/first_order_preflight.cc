#include "renew/first_order_preflight.h"

#include <algorithm>

#include "preflight/curl_prober.h"

namespace acme {

namespace {

constexpr Seconds kDnsTimeout{1};
constexpr Seconds kProbeTimeout{1};

Result<std::unique_ptr<DnsResolver>> system_resolver() {
  ResolverOptions options;
  options.timeout = kDnsTimeout;
  return make_libresolv_resolver(options);
}

std::unique_ptr<Prober> curl_prober(const std::vector<Probe>& probes) {
  auto prober = std::make_unique<CurlProber>(kProbeTimeout);
  for (const auto& p : probes) prober->add(p);
  return prober;
}

// Past the tick's budget every further question fails at once (the finding
// says "not checked"): each one already under way ends within its timeout.
class BudgetResolver : public DnsResolver {
 public:
  BudgetResolver(DnsResolver& inner, const Clock& clock, TimePoint deadline)
      : inner_(inner), clock_(clock), deadline_(deadline) {}
  Result<DnsAnswer> query(const std::string& name, int type) override {
    if (clock_.now() >= deadline_)
      return Status(Code::kTimeout, "not asked: this tick's time for checks is spent");
    return inner_.query(name, type);
  }

 private:
  DnsResolver& inner_;
  const Clock& clock_;
  TimePoint deadline_;
};

class BudgetProber : public Prober {
 public:
  BudgetProber(Prober& inner, const Clock& clock, TimePoint deadline)
      : inner_(inner), clock_(clock), deadline_(deadline) {}
  Status probe(const std::string& address, int port, bool tls, const std::string& name) override {
    if (clock_.now() >= deadline_)
      return Status(Code::kTimeout, "not probed: this tick's time for checks is spent");
    return inner_.probe(address, port, tls, name);
  }
  std::string url(const std::string& name, int port, bool tls) const override {
    return inner_.url(name, port, tls);
  }

 private:
  Prober& inner_;
  const Clock& clock_;
  TimePoint deadline_;
};

}  // namespace

FirstOrderPreflight::FirstOrderPreflight(ProbePublisher& probes, const Clock& clock, LogSink& log,
                                         Options options, ResolverFactory resolver,
                                         ProberFactory prober)
    : probes_(probes),
      clock_(clock),
      log_(log),
      options_(options),
      resolver_(resolver ? std::move(resolver) : system_resolver),
      prober_(prober ? std::move(prober) : curl_prober) {}

// The module's default order is http-01, tls-alpn-01, dns-01 (the latter
// with ACMEDns01Command); the probe is for http-01 when it may be used.
PreflightSettings FirstOrderPreflight::settings_for(const ManagedCert& cert) const {
  PreflightSettings s;
  s.challenges = cert.challenges;
  if (s.challenges.empty()) {
    if (options_.http01_by_default) s.challenges.push_back("http-01");
    if (!cert.dns01_command.empty()) s.challenges.push_back("dns-01");
    if (s.challenges.empty()) s.challenges.push_back("tls-alpn-01");
  }
  s.dns01_configured = !cert.dns01_command.empty();
  s.ca = cert.ca.directory_url;  // its CAA identity is not known here: see docs/decisions.md
  s.http_port = options_.http_port;
  s.tls_port = options_.tls_port;
  return s;
}

void FirstOrderPreflight::check(const ManagedCert& cert, TimePoint tick_start) {
  std::vector<std::string> names;
  for (const auto& n : cert.names)
    if (done_.insert(n).second) names.push_back(n);
  if (names.empty()) return;
  if (clock_.now() - tick_start >= kTickBudget) {
    log_.log(LogLevel::kInfo, kMsgPreflight,
             "preflight of " + cert.name + " skipped: this tick's time for checks is spent");
    return;
  }
  auto resolver = resolver_();
  if (!resolver.ok()) return;
  std::vector<Probe> probes;
  for (const auto& n : names) {
    if (n.compare(0, 2, "*.") == 0) continue;
    Probe p = new_probe(n);
    if (probes_.publish(p, clock_.now()).ok()) probes.push_back(p);
  }
  auto prober = prober_(probes);
  const TimePoint deadline = tick_start + kTickBudget;
  BudgetResolver dns(**resolver, clock_, deadline);
  BudgetProber probe(*prober, clock_, deadline);
  for (const auto& n : names) report(cert, run_preflight(n, settings_for(cert), dns, probe));
  for (const auto& p : probes) probes_.withdraw(p.token);
}

void FirstOrderPreflight::report(const ManagedCert& cert, const NameReport& report) {
  for (const auto& f : report.findings) {
    if (f.severity == Severity::kOk) continue;
    log_.log(f.severity == Severity::kProblem ? LogLevel::kWarn : LogLevel::kInfo, kMsgPreflight,
             "preflight before the first order of " + cert.name + ": " + report.name + ": " +
                 f.text + "; FIX: " + f.fix + " (ordering anyway)");
  }
}

}  // namespace acme
