// WatchdogSession: the watchdog child's work between mod_watchdog's
// callbacks, without httpd. httpd/watchdog.cc builds one at STARTING, calls
// tick() at each RUNNING callback (and sleeps as long as it answers), and
// drain() at STOPPING; what it owns lives from STARTING to STOPPING.
//
// One watchdog works on a store at a time (docs/decisions.md): after a
// graceful restart the old generation's may still be in a tick. A new one
// skips its ticks until it holds the store lock, and only then starts the
// Renewer (which clears the challenge tables the old one may still use); it
// keeps the lock until it is destroyed.
//
// Outliving a graceful restart: the old watchdog goes on working while the
// parent restarts (seconds with many vhosts) if the parent permitted it
// (ActivationSignal::kDrainPermitted), and once the next generation's watchdog
// waits for the store lock it starts no more steps, finishes those in
// flight and hands its orders over through their job files.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/file_lock.h"
#include "base/log.h"
#include "cluster/cluster_key.h"
#include "cluster/cluster_settings.h"
#include "config/managed_cert.h"
#include "http/curl_multi.h"
#include "http/http_client.h"
#include "renew/cluster_responder.h"
#include "renew/cluster_session.h"
#include "renew/renewer.h"
#include "report/notifier.h"
#include "shm/activation_signal.h"
#include "shm/alpn_cert_table.h"
#include "shm/challenge_table.h"
#include "shm/ocsp_table.h"
#include "solve/dns01_responder.h"
#include "solve/tls_alpn01_responder.h"
#include "staple/ocsp_refresher.h"
#include "store/store.h"

namespace acme {

class WatchdogSession {
 public:
  // What the httpd edge hands over: the shared memory, the store, the
  // network and the settings of this configuration.
  struct Parts {
    Store& store;
    ChallengeTable& table;
    ActivationSignal& signal;  // activation and drain words (parent <-> watchdog)
    OcspTable& ocsp_table;
    AlpnCertTable& alpn_table;  // tls-alpn-01 certificates
    const Clock& clock;
    LogSink& log;
    Renewer::HttpFactory ca_http;
    std::unique_ptr<HttpClient> ocsp_http;
    HttpDriver* driver = nullptr;  // null: synchronous clients (tests)
    std::function<double()> random01;
    // How a drain waits between its ticks; null: this thread sleeps (tests
    // pass their fake clock's time instead).
    std::function<void(std::chrono::system_clock::duration)> sleep = nullptr;
    // A client for etcd with these options (a cluster only): over the same
    // multi handle as the CA's, so its requests suspend only their fiber.
    std::function<std::unique_ptr<HttpClient>(const HttpOptions&)> etcd_http = nullptr;
    // A blocking client for etcd: the locks' keep-alives, from a thread and
    // on a connection of their own (cluster/lease_keeper.h); null: from the tick.
    std::function<std::unique_ptr<HttpClient>(const HttpOptions&)> lease_http = nullptr;

    // The watchdog's own: every CA's client and the OCSP client share one
    // multi handle (http/curl_multi.h), randomness from the system.
    static Parts over_multi(Store& store, ChallengeTable& table, ActivationSignal& signal,
                            OcspTable& ocsp_table, AlpnCertTable& alpn_table, const Clock& clock,
                            LogSink& log, CurlMulti& multi);
  };
  struct Options {
    Renewer::Options renewer;
    std::vector<ManagedCert> certs;
    std::string lock_path;       // the store's lock file (one watchdog per store)
    std::string notify_command;  // ACMENotifyCommand ("" none)
    bool stapling = false;       // ACMEStapling on: the OCSP refresher runs
    bool tls_alpn_wanted = false;
    std::vector<std::string> tls_alpn_names;  // vhosts allowing acme-tls/1
    std::uint64_t generation = 0;             // httpd's configuration generation
    Millis min_interval{100};                 // mod_watchdog's time slice
    Millis drain_limit{20000};
    Millis drain_horizon{2000};  // steps due later resume in the next watchdog
    Millis verdict_wait{300};    // the parent's word comes within its 100 ms tick
    // A cluster (ACMESharedStore, docs/cluster.md): shared state in etcd.
    ClusterSettings cluster;
    std::optional<ClusterKey> cluster_key;  // set when cluster.enabled
  };
  // parent_gone: httpd's parent has exited; process_stopping: the MPM stops
  // this child. Both are asked from inside ticks.
  WatchdogSession(Parts parts, Options options, std::function<bool()> parent_gone,
                  std::function<bool()> process_stopping);
  // Before the store lock goes (after drain(), or at a stop): the unused
  // nonces are handed to the next watchdog (renew/nonce_handover.h).
  ~WatchdogSession();
  WatchdogSession(const WatchdogSession&) = delete;
  WatchdogSession& operator=(const WatchdogSession&) = delete;

  // One RUNNING callback: how long until the next. Without the store lock
  // nothing runs and the answer is min_interval (the lock is free as soon
  // as the old watchdog's drain ends).
  std::chrono::microseconds tick();
  // STOPPING: works on through a graceful restart when the parent permits
  // it and orders are in flight (at most drain_limit); returns at once
  // otherwise.
  void drain();

  bool holds_store() const { return lock_.held(); }
  bool started() const { return started_; }

 private:
  bool take_store();  // the store lock, etcd's state (a cluster), then the renewer's start
  bool take_lock();
  std::unique_ptr<ClusterSession> make_cluster(Parts& parts);
  bool may_drain() const;
  bool halted() const;  // a stop or a hard restart, or the parent gone

  ActivationSignal& signal_;
  const Clock& clock_;
  LogSink& log_;
  Options options_;
  std::function<bool()> parent_gone_;
  std::function<void(std::chrono::system_clock::duration)> sleep_;
  std::atomic<bool> draining_{false};
  FileLock lock_;  // released last, after the hooks' grace
  CommandNotifier notifier_;
  // On a cluster, the store of the tick is the cluster's (shared paths from
  // etcd's mirror); else the node's files.
  std::unique_ptr<ClusterSession> cluster_;
  Store& store_;
  OcspRefresher ocsp_;
  Dns01Responder dns01_;  // before renewer_, which points at it
  TlsAlpn01Responder tls_alpn01_;
  Renewer renewer_;
  std::unique_ptr<ClusterResponder> cluster_http01_;  // the fan-out around each responder
  std::unique_ptr<ClusterResponder> cluster_tls_alpn01_;
  bool started_ = false;      // the renewer started (a cluster: once etcd's state is loaded)
  std::string lock_trouble_;  // the last reason the lock was not taken (logged once)
};

}  // namespace acme
