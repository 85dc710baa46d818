// Renewer: the watchdog's work. Knows every managed certificate, decides
// which are due (missing, names changed, inside the renew window) and steps
// their RenewalJobs, up to Options::max_parallel orders at once, on one
// thread. Once a CA's account is ready, each job step runs in its own Fiber
// (base/fiber.h): its requests are in flight together on the HttpDriver
// (http/curl_multi.h), and run_once() drives them for at most
// Options::tick_budget before it returns, so a slow CA never stalls a tick.
// A CA that rate-limits (429, RFC 8555 §6.6) holds back all its jobs until
// its Retry-After. The other requests of the watchdog (OCSP refreshes,
// renewal information, admin requests, account contact updates) run in
// side fibers the same way (renew/renewer_side.cc): no tick waits for a
// responder either.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/fiber_set.h"
#include "base/log.h"
#include "certset/live_cache.h"
#include "config/managed_cert.h"
#include "http/http_client.h"
#include "preflight/probe.h"
#include "renew/ari_schedule.h"
#include "renew/ca_session.h"
#include "renew/first_order_preflight.h"
#include "renew/job.h"
#include "renew/order_coordinator.h"
#include "report/notifier.h"
#include "report/status_record.h"
#include "shm/activation_signal.h"
#include "shm/challenge_table.h"
#include "staple/ocsp_refresher.h"
#include "store/store.h"

namespace acme {

// ACMEMaxParallel: 1,000 names against pebble on 2 cores were served in 61
// to 83 s with 64 orders at once, 49 to 54 s with 128, 34 to 44 s with 256
// and 34 s with 512 (bench/RESULTS.md); each order in flight costs the
// watchdog a few KB. A CA's own limits are honoured anyway (429 and
// Retry-After hold back every order of that CA).
constexpr std::size_t kDefaultMaxParallel = 256;

class Renewer {
 public:
  using HttpFactory = std::function<std::unique_ptr<HttpClient>(const CaSettings&)>;

  struct Options {
    Seconds check_interval{3600};  // ACMECheckInterval: re-read the store at least this often
    std::size_t max_parallel = kDefaultMaxParallel;  // ACMEMaxParallel: orders in flight at once
    Millis tick_budget{500};                         // run_once() drives requests at most this long
    Seconds request_poll{2};                         // how soon `acmectl renew|revoke` is picked up
    // False when nothing listens where the CA's port 80 arrives: without
    // ACMEChallenges, certificates then skip http-01.
    bool http01_by_default = true;
    // Check each name before its first order (renew/first_order_preflight.h);
    // off in unit tests, which must not ask the system's DNS.
    bool preflight = false;
    int preflight_http_port = 80;  // where the CA's port 80 arrives (ACMEPortMap)
    int preflight_tls_port = 443;
    bool preflight_cluster = false;      // ACMESharedStore (preflight/checks.h)
    ResolverOptions preflight_resolver;  // ACMEPreflightResolver; server "" = the system's
  };

  Renewer(Store& store, ChallengeTable& table, ActivationSignal& activation, const Clock& clock,
          LogSink& log, HttpFactory http_factory, std::function<double()> random01,
          Options options);
  ~Renewer();
  Renewer(const Renewer&) = delete;
  Renewer& operator=(const Renewer&) = delete;

  void set_certs(std::vector<ManagedCert> certs);
  void set_notifier(Notifier* notifier) { notifier_ = notifier ? notifier : &null_notifier_; }
  // OCSP stapling (ACMEStapling on): the refresher runs beside the jobs.
  void set_ocsp(OcspRefresher* ocsp) { ocsp_ = ocsp; }
  // Challenge types beyond http-01 (which is built in), in default order.
  void add_responder(ChallengeResponder* responder) { responders_.push_back(responder); }
  // The built-in http-01 responder, and a stand-in for a responder (a
  // cluster's ClusterResponder wrapping it: renew/cluster_responder.h).
  Http01Responder& http01() { return http01_; }
  void replace_responder(ChallengeResponder* old, ChallengeResponder* with) {
    for (auto& r : responders_)
      if (r == old) r = with;
  }
  // Other nodes share the certificates (renew/cluster_session.h): each job
  // claims its certificate before a step, works on the coordinator's store
  // and publishes its set. Jobs then load their state in their first step.
  void set_coordinator(OrderCoordinator* coordinator) { coordinator_ = coordinator; }
  // The watchdog starts: answers left in shared memory by a previous life are
  // withdrawn; running jobs publish theirs again on their next step.
  void start();
  TimePoint run_once();
  // Where requests started by job steps make progress; without one (unit
  // tests with synchronous fakes) fibers are simply resumed.
  void set_http_driver(HttpDriver* driver) { driver_ = driver; }
  // True once the process is going away (httpd: the MPM is stopping): no
  // step starts or resumes, so none fails half-way and records a failure
  // (with its backoff) that the next watchdog would have to wait out.
  void set_stopping(std::function<bool()> stopping) { stopping_ = std::move(stopping); }
  std::size_t steps_in_flight() const { return running_.size(); }
  // A graceful restart ended this watchdog's generation (renew/watchdog_session.h):
  // from now on run_once() only moves the orders it already has; it starts
  // none, takes no admin request and leaves OCSP to the next watchdog.
  void set_draining() { draining_ = true; }
  // The next watchdog is up and waits for the store lock: no step starts any
  // more, those in flight finish (steps_in_flight() reaches 0), and every
  // order stays in its job file for the next watchdog to resume. Handing
  // over between steps instead of between orders: the next watchdog used to
  // sit idle for seconds while this one finished every order.
  void set_handing_over() { draining_ = handing_over_ = true; }
  // This watchdog's workers are gone (its generation ends in a graceful
  // restart): an order waiting for the CA to validate an answer they give
  // is not polled any more (RenewalJob::awaiting_validation_here); the next
  // watchdog resumes it once its own workers answer. Its other steps go on.
  void hold_validation_polls() { hold_validation_polls_ = true; }
  // Draining: an order still has a step in flight or due within `horizon`
  // (one that waits longer, a backoff say, resumes in the next watchdog).
  bool has_work(Millis horizon) const;
  std::size_t side_in_flight() const { return side_.size(); }
  // The watchdog ends, still holding the store lock: each CA's unused nonces
  // go to the store for the next one (renew/nonce_handover.h).
  void save_nonces();

 private:
  // Longest single wait for network activity inside a tick.
  static constexpr Millis kIoSlice{20};
  static constexpr const char* kRolloverKey = "rollover";
  enum class Side { kDone, kInFlight, kBusy };
  // Runs body in a side fiber under key (one per key; at most max_parallel
  // at once: kBusy) to its first wait. kDone: it ended at once (an answer
  // already there, or a synchronous client).
  Side run_side(const std::string& key, std::function<void()> body);
  // kDone when due() may decide now: renewal information is not to be
  // asked, or was answered at once. kInFlight: a side fiber asks, and sends
  // the certificate back to due() when the answer is in.
  Side ask_renewal_info(const ManagedCert& cert, const Result<std::string>& cert_id);
  void update_contacts();  // ACMEContactEmail changed: each CA's account, in side fibers
  void start_rollover();   // `acmectl rollover`, once no step is in flight
  bool due(const ManagedCert& cert, TimePoint now, TimePoint* next_check);
  TimePoint process(const ManagedCert& cert, TimePoint now);
  TimePoint start_step(const ManagedCert& cert, RenewalJob& job, TimePoint now);
  void step(const ManagedCert& cert, RenewalJob& job, CaSession& session);
  // Cluster: whether this node may step the job now (renew/order_coordinator.h).
  bool claimed(const ManagedCert& cert, RenewalJob& job);
  bool account_claimed(const std::string& ca, const std::string& name);
  void end_job(const std::string& name);
  void pace_resumed(const RenewalJob& job, TimePoint now);
  void preflight_first_order(const ManagedCert& cert);  // no live set yet: checked once
  void pump(TimePoint deadline);
  void start_due_steps();   // steps of existing jobs whose time came (polls)
  void fill_free_places();  // new orders for waiting names, as places free up
  void drain();             // every step in flight to its end (the CA's timeouts bound it)
  void take_requests();
  bool take_request_file(const std::string& path);  // removed: act on it
  void roll_account_keys();  // `acmectl rollover`: every CA in use (in its side fiber)
  void handle_request(const ManagedCert& cert, const AdminRequest& request);
  Status revoke_live(const ManagedCert& cert, int reason);
  void after_step(const ManagedCert& cert, const RenewalJob& job, int failures_before,
                  const RenewalJob::Outcome& outcome);
  // succeeded: the time a renewal staged its set (epoch: keep the one on file).
  void record(const ManagedCert& cert, const std::string& state, TimePoint next,
              const JobState* job, TimePoint succeeded = TimePoint{});
  void note_live_serial(const ManagedCert& cert, const std::string& serial);
  TimePoint check_ocsp(const ManagedCert& cert);
  void ocsp_refreshed(const ManagedCert& cert, const OcspRefresher::Outcome& outcome);
  std::vector<ChallengeResponder*> responders_for(const ManagedCert& cert) const;
  CaSession& session_for(const CaSettings& ca);

  Store& store_;
  ChallengeTable& table_;
  ActivationSignal& activation_;
  const Clock& clock_;
  LogSink& log_;
  HttpFactory http_factory_;
  std::function<double()> random01_;
  Options options_;
  AriSchedule ari_{store_, clock_, log_, random01_};  // RFC 9773 renewal windows
  std::vector<ManagedCert> certs_;
  std::map<std::string, TimePoint> next_check_;  // by cert name
  std::map<std::string, TimePoint> ocsp_next_;   // by cert name: the OCSP refresher's next
  LiveCache live_{store_};                       // parsed live sets (certset/live_cache.h)
  std::map<std::string, std::unique_ptr<RenewalJob>> jobs_;
  std::set<std::string> waiting_;   // due, waiting for a place under max_parallel
  std::set<std::string> resuming_;  // due only for a saved job (Renewer::due)
  std::map<std::string, std::unique_ptr<CaSession>> sessions_;
  std::map<std::string, std::string> counts_written_;  // by canonical CA URL (report/ca_counts.h)
  std::map<std::string, TimePoint> step_at_;           // Outcome::next, by cert name
  FiberSet running_;                                   // steps in flight, by cert name
  FiberSet side_;                                      // "ocsp NAME", "ari NAME", "rollover", ...
  bool rollover_pending_ = false;      // asked for; starts when no step is in flight
  std::set<std::string> unremovable_;  // request files that could not be removed (said once)
  std::map<std::string, TimePoint> ca_wait_until_;  // rate-limited CAs, canonical URL
  std::set<std::string> registering_;  // CAs whose account a step in flight loads or registers
  HttpDriver* driver_ = nullptr;
  std::function<bool()> stopping_ = [] { return false; };
  bool draining_ = false;
  bool hold_validation_polls_ = false;
  bool handing_over_ = false;
  std::map<std::string, bool> forced_;              // renew now, whatever is due
  std::map<std::string, std::string> last_record_;  // status JSON last written
  struct LastState {
    std::string state;
    TimePoint next;
    bool has_job = false;
    JobState job;
  };
  std::map<std::string, LastState> last_state_;        // to rewrite the record on OCSP news
  std::map<std::string, std::string> revoked_serial_;  // OCSP revocations already acted on
  // The live serial last seen, by cert name ("" none; nullopt: never known).
  std::map<std::string, std::optional<std::string>> live_serial_;
  OcspRefresher* ocsp_ = nullptr;
  Http01Responder http01_{table_};
  ProbePublisher probes_{store_, table_, log_};     // `acmectl preflight` (preflight/probe.h)
  std::unique_ptr<FirstOrderPreflight> preflight_;  // Options::preflight
  std::vector<ChallengeResponder*> responders_{&http01_};
  NullNotifier null_notifier_;
  OrderCoordinator* coordinator_ = nullptr;
  std::map<std::string, std::string> seen_;  // cluster: the shared set a job began with
  bool claims_failing_ = false;              // cluster: etcd did not answer the last claim
  Notifier* notifier_ = &null_notifier_;
};

}  // namespace acme
