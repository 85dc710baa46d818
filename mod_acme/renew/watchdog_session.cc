#include "renew/watchdog_session.h"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <thread>

#include "http/curl_http_client.h"

namespace acme {

namespace {

// Said first, before any part is built (the lock's path passes through).
const std::string& announced(LogSink& log, const WatchdogSession::Options& options) {
  log.log(LogLevel::kNotice, kMsgWatchdog,
          "watchdog running in pid " + std::to_string(getpid()) + " for " +
              std::to_string(options.certs.size()) + " certificate(s)");
  return options.lock_path;
}

}  // namespace

WatchdogSession::Parts WatchdogSession::Parts::over_multi(
    Store& store, ChallengeTable& table, ActivationSignal& signal, OcspTable& ocsp_table,
    AlpnCertTable& alpn_table, const Clock& clock, LogSink& log, CurlMulti& multi) {
  auto ca_http = [&multi](const CaSettings& ca) -> std::unique_ptr<HttpClient> {
    HttpOptions options;
    options.ca_file = ca.ca_file;
    return std::make_unique<MultiHttpClient>(multi, options);
  };
  auto random01 = [] {
    std::random_device device;
    return std::uniform_real_distribution<double>(0.0, 1.0)(device);
  };
  Parts parts{store,      table,      signal,
              ocsp_table, alpn_table, clock,
              log,        ca_http,    std::make_unique<MultiHttpClient>(multi, HttpOptions()),
              &multi,     random01};
  parts.etcd_http = [&multi](const HttpOptions& o) -> std::unique_ptr<HttpClient> {
    return std::make_unique<MultiHttpClient>(multi, o);
  };
  parts.lease_http = [](const HttpOptions& o) -> std::unique_ptr<HttpClient> {
    return std::make_unique<CurlHttpClient>(o);
  };
  return parts;
}

std::unique_ptr<ClusterSession> WatchdogSession::make_cluster(Parts& parts) {
  if (!options_.cluster.enabled || !options_.cluster_key || !parts.etcd_http) return nullptr;
  return std::make_unique<ClusterSession>(
      ClusterSession::Parts{options_.cluster, *options_.cluster_key, parts.store, parts.table,
                            parts.alpn_table, parts.signal, parts.clock, parts.log,
                            parts.etcd_http(etcd_http_options(options_.cluster.tls)), parts.driver,
                            options_.generation, parts.lease_http});
}

WatchdogSession::WatchdogSession(Parts parts, Options options, std::function<bool()> parent_gone,
                                 std::function<bool()> process_stopping)
    : signal_(parts.signal),
      clock_(parts.clock),
      log_(parts.log),
      options_(std::move(options)),
      parent_gone_(std::move(parent_gone)),
      sleep_(std::move(parts.sleep)),
      lock_(announced(log_, options_)),
      notifier_(options_.notify_command, log_),
      cluster_(make_cluster(parts)),
      store_(cluster_ ? cluster_->tick_store() : parts.store),
      ocsp_(store_, parts.ocsp_table, clock_, log_, std::move(parts.ocsp_http)),
      dns01_(options_.certs, store_, log_),
      tls_alpn01_(parts.alpn_table, clock_),
      renewer_(store_, parts.table, signal_, clock_, log_, std::move(parts.ca_http),
               std::move(parts.random01), options_.renewer) {
  renewer_.set_http_driver(parts.driver);
  // Steps stop with the process, unless this watchdog outlives a graceful
  // restart (drain()): then only a halt from the parent stops them.
  renewer_.set_stopping([this, stopping = std::move(process_stopping)] {
    return draining_.load() ? halted() : stopping();
  });
  renewer_.set_notifier(&notifier_);
  if (options_.stapling) renewer_.set_ocsp(&ocsp_);
  tls_alpn01_.answer_only(options_.tls_alpn_names);
  if (options_.tls_alpn_wanted) renewer_.add_responder(&tls_alpn01_);
  // Last: the default order is http-01, tls-alpn-01, dns-01.
  if (!dns01_.empty()) renewer_.add_responder(&dns01_);
  if (cluster_) {
    // Any node may receive the CA's validation: the answers go to every node.
    renewer_.set_coordinator(cluster_.get());
    cluster_http01_ =
        std::make_unique<ClusterResponder>(renewer_.http01(), cluster_->publisher(), log_);
    cluster_tls_alpn01_ =
        std::make_unique<ClusterResponder>(tls_alpn01_, cluster_->publisher(), log_);
    renewer_.replace_responder(&renewer_.http01(), cluster_http01_.get());
    renewer_.replace_responder(&tls_alpn01_, cluster_tls_alpn01_.get());
  }
}

// The body runs before any member goes: lock_ is still held.
WatchdogSession::~WatchdogSession() {
  if (started_) renewer_.save_nonces();
}

bool WatchdogSession::halted() const {
  return signal_.marked(ActivationSignal::kDrainHalted, options_.generation) || parent_gone_();
}

bool WatchdogSession::take_store() {
  if (started_) return true;
  if (!lock_.held() && !take_lock()) return false;
  if (cluster_ && !(cluster_->ready() && cluster_->settled())) {
    // Loads etcd's state and registers; nothing starts before, and the
    // renewer only once the nodes started with this one are registered too.
    cluster_->tick(options_.certs);
    if (!(cluster_->ready() && cluster_->settled())) return false;
  }
  renewer_.set_certs(options_.certs);
  renewer_.start();
  tls_alpn01_.withdraw_all();  // as start() does for http-01
  dns01_.withdraw_all();
  if (cluster_) cluster_->restore_answers();  // other nodes' orders' answers stay
  started_ = true;
  return true;
}

bool WatchdogSession::take_lock() {
  Status locked = lock_.try_lock();
  if (!locked.ok()) {
    signal_.mark(ActivationSignal::kWatchdogWaiting,
                 options_.generation);  // the old one hands over
    if (locked.message() != lock_trouble_) {
      const bool busy = locked.code() == Code::kPending;
      log_.log(busy ? LogLevel::kInfo : LogLevel::kWarn, kMsgWatchdog,
               "waiting for the store lock: " + locked.message() +
                   (busy ? " (another watchdog is still working)" : ""));
      lock_trouble_ = locked.message();
    }
    return false;
  }
  if (!lock_trouble_.empty())
    log_.log(LogLevel::kInfo, kMsgWatchdog, "store lock " + lock_.path() + " taken");
  return true;
}

std::chrono::microseconds WatchdogSession::tick() {
  if (!take_store()) return options_.min_interval;
  TimePoint now = clock_.now();
  if (cluster_) cluster_->tick(options_.certs);
  TimePoint next = renewer_.run_once();
  if (cluster_ && cluster_->busy()) next = now;  // its requests: back at the next slice
  if (cluster_) next = std::min(next, cluster_->next_look(now));
  auto wait = std::max<std::chrono::system_clock::duration>(next - now, options_.min_interval);
  return std::chrono::duration_cast<std::chrono::microseconds>(wait);
}

// The parent permits a drain before a graceful restart (httpd/activation.cc)
// and halts it on a stop or a hard restart; without its word, no drain.
bool WatchdogSession::may_drain() const {
  const auto until = std::chrono::steady_clock::now() + options_.verdict_wait;
  while (!halted()) {
    if (signal_.marked(ActivationSignal::kDrainPermitted, options_.generation)) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(Millis(10));
  }
  return false;
}

void WatchdogSession::drain() {
  if (!started_ || !renewer_.has_work(options_.drain_horizon) || !may_drain()) return;
  draining_.store(true);
  log_.log(LogLevel::kInfo, kMsgWatchdog,
           "graceful restart: this watchdog works on until the next one is up, then finishes "
           "its steps in flight and hands its orders over (at most " +
               std::to_string(options_.drain_limit.count() / 1000) + " s)");
  const auto deadline = std::chrono::steady_clock::now() + options_.drain_limit;
  // After an admin's graceful restart (maybe a new configuration) only the
  // orders in flight are finished; after an activation it works on.
  if (!signal_.marked(ActivationSignal::kWorkOnPermitted, options_.generation))
    renewer_.set_draining();
  // This generation's children no longer accept connections; until the next
  // one's do, a CA validating an http-01 or tls-alpn-01 answer waits in the
  // listen backlog. On a cluster the balancer sends it to the other nodes.
  if (!cluster_) renewer_.hold_validation_polls();
  bool successor_up = false;
  while (std::chrono::steady_clock::now() < deadline && !halted()) {
    if (!successor_up &&
        signal_.marked(ActivationSignal::kWatchdogWaiting, options_.generation + 1)) {
      // It resumes the orders from their job files: only the steps in
      // flight are finished here.
      renewer_.set_handing_over();
      successor_up = true;
    }
    TimePoint now = clock_.now();
    if (cluster_) cluster_->tick(options_.certs);  // lock keep-alives, acks, queued writes
    TimePoint next = renewer_.run_once();
    if (!renewer_.has_work(options_.drain_horizon)) break;
    if (successor_up && renewer_.steps_in_flight() == 0) break;
    auto wait = std::clamp<std::chrono::system_clock::duration>(next - now, Millis(0),
                                                                options_.min_interval);
    if (sleep_) {
      sleep_(wait);
    } else {
      std::this_thread::sleep_for(wait);
    }
  }
  log_.log(LogLevel::kInfo, kMsgWatchdog,
           renewer_.has_work(options_.drain_horizon)
               ? "handing over with orders left: the next watchdog resumes them"
               : "orders finished: the next watchdog takes over");
}

}  // namespace acme
