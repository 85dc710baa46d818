#include "renew/first_order_preflight.h"

#include <utility>

#include "preflight/curl_prober.h"

namespace acme {

namespace {

constexpr Seconds kDnsTimeout{1};
constexpr Seconds kProbeTimeout{1};

std::unique_ptr<Prober> curl_prober(const std::vector<Probe>& probes) {
  auto prober = std::make_unique<CurlProber>(kProbeTimeout);
  for (const auto& p : probes) prober->add(p);
  return prober;
}

// Once the watchdog stops, every further question fails at once, so the
// destructor's join waits for the one under way at most.
class StopResolver : public DnsResolver {
 public:
  StopResolver(DnsResolver& inner, std::function<bool()> stopping)
      : inner_(inner), stopping_(std::move(stopping)) {}
  Result<DnsAnswer> query(const std::string& name, int type) override {
    if (stopping_()) return Status(Code::kTimeout, "not asked: the watchdog stops");
    return inner_.query(name, type);
  }

 private:
  DnsResolver& inner_;
  std::function<bool()> stopping_;
};

class StopProber : public Prober {
 public:
  StopProber(Prober& inner, std::function<bool()> stopping)
      : inner_(inner), stopping_(std::move(stopping)) {}
  Status probe(const std::string& address, int port, bool tls, const std::string& name) override {
    if (stopping_()) return Status(Code::kTimeout, "not probed: the watchdog stops");
    return inner_.probe(address, port, tls, name);
  }
  std::string url(const std::string& name, int port, bool tls) const override {
    return inner_.url(name, port, tls);
  }

 private:
  Prober& inner_;
  std::function<bool()> stopping_;
};

}  // namespace

FirstOrderPreflight::FirstOrderPreflight(ProbePublisher& probes, const Clock& clock, LogSink& log,
                                         Options options, ResolverFactory resolver,
                                         ProberFactory prober)
    : probes_(probes),
      clock_(clock),
      log_(log),
      options_(std::move(options)),
      resolver_(std::move(resolver)),
      prober_(prober ? std::move(prober) : curl_prober) {
  if (resolver_) return;
  ResolverOptions ro = options_.resolver;
  ro.timeout = kDnsTimeout;
  resolver_ = [ro]() { return make_libresolv_resolver(ro); };
}

FirstOrderPreflight::~FirstOrderPreflight() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  idle_.notify_all();
  if (worker_.joinable()) worker_.join();
  // Back on the watchdog thread: the probes of unfinished checks go now (a
  // probe also expires by itself after kProbeLifetime).
  for (const auto& w : queue_)
    for (const auto& p : w.probes) probes_.withdraw(p.token);
  for (const auto& d : done_)
    for (const auto& t : d.tokens) probes_.withdraw(t);
}

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
  s.cluster = options_.cluster;
  return s;
}

void FirstOrderPreflight::check(const ManagedCert& cert) {
  Work item{cert.name, {}, settings_for(cert), {}};
  for (const auto& n : cert.names)
    if (checked_.insert(n).second) item.names.push_back(n);
  if (item.names.empty()) return;
  backlog_.push_back(std::move(item));
  hand_on();
}

void FirstOrderPreflight::hand_on() {
  while (pending_ < kHandedMax && !backlog_.empty()) {
    Work item = std::move(backlog_.front());
    backlog_.pop_front();
    for (const auto& n : item.names) {
      if (n.compare(0, 2, "*.") == 0) continue;
      Probe p = new_probe(n);
      if (probes_.publish(p, clock_.now()).ok()) item.probes.push_back(p);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(std::move(item));
      if (!worker_.joinable()) worker_ = std::thread([this] { work(); });
    }
    ++pending_;
    wake_.notify_one();
  }
}

bool FirstOrderPreflight::poll() {
  std::deque<Done> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done.swap(done_);
  }
  for (const auto& d : done) {
    report(d);
    for (const auto& t : d.tokens) probes_.withdraw(t);
  }
  pending_ -= done.size();
  hand_on();
  return pending_ > 0;
}

void FirstOrderPreflight::wait_until_idle() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return stop_ || (queue_.empty() && !busy_); });
}

bool FirstOrderPreflight::stopping() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stop_;
}

void FirstOrderPreflight::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) break;
    Work item = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Done d = run(item);
    lock.lock();
    done_.push_back(std::move(d));
    busy_ = false;
    idle_.notify_all();
  }
  idle_.notify_all();
}

FirstOrderPreflight::Done FirstOrderPreflight::run(const Work& item) {
  Done d{item.cert, {}, {}, Status::ok_status()};
  for (const auto& p : item.probes) d.tokens.push_back(p.token);
  auto resolver = resolver_();
  if (!resolver.ok()) {
    d.status = resolver.status();
    return d;
  }
  auto prober = prober_(item.probes);
  auto stop = [this] { return stopping(); };
  StopResolver dns(**resolver, stop);
  StopProber probe(*prober, stop);
  for (const auto& n : item.names) d.reports.push_back(run_preflight(n, item.settings, dns, probe));
  return d;
}

void FirstOrderPreflight::report(const Done& done) {
  if (!done.status.ok()) {
    log_.log(LogLevel::kWarn, kMsgPreflight,
             "preflight before the first order of " + done.cert + " not run: " +
                 done.status.message() + "; FIX: check ACMEPreflightResolver (ordering anyway)");
    return;
  }
  for (const auto& r : done.reports)
    for (const auto& f : r.findings) {
      if (f.severity == Severity::kOk) continue;
      log_.log(f.severity == Severity::kProblem ? LogLevel::kWarn : LogLevel::kInfo, kMsgPreflight,
               "preflight before the first order of " + done.cert + ": " + r.name + ": " + f.text +
                   "; FIX: " + f.fix + " (ordering anyway)");
    }
}

}  // namespace acme
