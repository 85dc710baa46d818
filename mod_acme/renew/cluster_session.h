// ClusterSession: the watchdog's side of a cluster (ACMESharedStore, issue
// 10; docs/cluster.md). Owns this node's connection to etcd and everything
// fed from it, and never makes the tick wait for the network: every etcd
// request runs in a fiber of its own (base/fiber.h) on the watchdog's
// CurlMulti, and the tick reads shared state from the watched mirror.
//
// - tick_store(): the Store the tick and its side fibers use: this node's
//   files and, for the shared paths (cluster/shared_paths.h), the mirror,
//   with writes queued and sent in order by a fiber (cluster/queued_store.h).
// - ready() once the mirror and the challenges are loaded: before that the
//   renewer does not start, so with etcd unreachable no order starts and the
//   node serves what its files hold.
// - The challenge fan-out: this node registers itself (with a lease), serves
//   every published answer from its shared memory and acks it.
// - OrderCoordinator for the renewer: one lock per certificate (and per CA
//   account), all bound to this watchdog's one lease, which a thread of its
//   own keeps alive (cluster/lease_keeper.h); the job's store under the
//   lock; the new set published for every node.
// - New sets published by any node are installed here (verified, staged,
//   activation raised) as the mirror shows them.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/fiber_set.h"
#include "base/log.h"
#include "certset/shared_sets.h"
#include "cluster/challenge_publisher.h"
#include "cluster/challenge_subscriber.h"
#include "cluster/cluster_key.h"
#include "cluster/cluster_settings.h"
#include "cluster/etcd_client.h"
#include "cluster/etcd_lock.h"
#include "cluster/etcd_mirror.h"
#include "cluster/etcd_store.h"
#include "cluster/etcd_watch.h"
#include "cluster/lease_keeper.h"
#include "cluster/lock_lease.h"
#include "cluster/node_registry.h"
#include "cluster/queued_store.h"
#include "cluster/restart_turn.h"
#include "cluster/routing_store.h"
#include "config/managed_cert.h"
#include "http/http_client.h"
#include "renew/order_coordinator.h"
#include "shm/activation_signal.h"
#include "shm/alpn_cert_table.h"
#include "shm/challenge_table.h"

namespace acme {

class ClusterSession : public OrderCoordinator {
 public:
  struct Parts {
    const ClusterSettings& settings;
    const ClusterKey& key;
    Store& files;  // this node's FileStore
    ChallengeTable& table;
    AlpnCertTable& alpn_table;
    ActivationSignal& signal;
    const Clock& clock;
    LogSink& log;
    std::unique_ptr<HttpClient> http;  // for etcd: over the watchdog's CurlMulti
    HttpDriver* driver = nullptr;      // where the fibers' requests progress
    std::uint64_t generation = 0;      // httpd's, for the kAnswering mark
    // Makes a blocking client for etcd, for the thread that keeps the locks'
    // lease alive on a connection of its own (cluster/lease_keeper.h); null:
    // the lease is renewed from the tick (tests).
    std::function<std::unique_ptr<HttpClient>(const HttpOptions&)> lease_http = nullptr;
  };
  explicit ClusterSession(Parts parts);
  // Gives up the locks of ended jobs, waiting at most ~2 s. The locks of
  // orders still in progress stay: the next watchdog of this node (a
  // graceful restart) takes them over (cluster/etcd_lock.h) and resumes the
  // orders here; when the node stopped they lapse with their lease (TTL
  // 10 s, no longer renewed) and another node resumes them. The registration stays too: a
  // graceful restart ends this watchdog, and while the next one
  // starts an order of another node must wait for this node's ack (its
  // shared memory keeps serving every answer it had; a new answer it has
  // not loaded yet would get the CA a 404). The next watchdog registers
  // again (the same key under a new lease, so the old lease ends harmless);
  // a node that stopped drops out when its lease runs out (TTL 10 s).
  ~ClusterSession() override;
  ClusterSession(const ClusterSession&) = delete;
  ClusterSession& operator=(const ClusterSession&) = delete;

  Store& tick_store() { return tick_store_; }
  ChallengePublisher& publisher() { return publisher_; }
  bool ready() const { return mirror_.loaded() && subscriber_.loaded(); }
  // This node is registered (the other nodes' orders wait for its acks)
  // and serves every published answer: the CA may be sent here. tick()
  // then marks kAnswering for this generation in the signal, the node's
  // readiness answer for the balancer (solve/http01_answer.h), and beats
  // (from the keeper's thread too) so that answer turns 503 within 3 s of
  // this watchdog's death. The mark stays: an etcd lost later leaves the
  // loaded answers served, and no order starts anywhere etcd cannot be
  // reached.
  bool answering() const { return registry_.registered() && subscriber_.loaded(); }
  // This node's record in etcd says "ready" (cluster/node_registry.h), for
  // the ordering nodes, once its readiness answer has said ready for
  // kReadySettle: a balancer checking every 250-500 ms counts it in by
  // then. It says "not ready" again as soon as a restart is announced (the
  // readiness answer's 503) or the answering ends.
  static constexpr Millis kReadySettle{1000};
  static constexpr Millis kReadyLook{250};  // how often a ready node looks for an announce
  // How soon the watchdog should tick again for that record to follow the
  // readiness answer (an announced restart comes a second before the
  // restart itself), or for the parent waiting for this node's restart
  // turn; TimePoint::max() when nothing waits.
  TimePoint next_look(TimePoint now) const;
  // On a cluster the nodes restart to activate sets one at a time
  // (cluster/restart_turn.h): when the parent marks kRestartWanted, the
  // watchdog takes the cluster's turn and marks kRestartTurn; the next
  // watchdog of this node gives the turn up once its record says ready.
  // Registered for kJoinGrace: nodes started together see each other before
  // this one orders (an order's answer is acked by the live nodes only, and
  // a node whose port is open but not registered yet would answer 404). At
  // once when this node's registration was still live (the watchdog of a
  // graceful restart: each costs its in-flight orders a hand-over already).
  bool settled() const;
  static constexpr Millis kJoinGrace{2000};
  // Each tick: moves the fibers along, applies what the watches brought,
  // starts the background requests that are due, installs new shared sets.
  void tick(const std::vector<ManagedCert>& certs);
  bool busy() const { return !fibers_.empty(); }
  // Resumes the fibers whose requests are answered (also from the renewer's
  // pump, so a job waiting on an ack does not wait for the next tick).
  bool pump();
  // Shared memory holds every published answer again (after the renewer's
  // start withdrew what no local job published).
  void restore_answers();

  // OrderCoordinator
  std::string shared_set_seen(const std::string& name) override;
  Store& job_store(const std::string& name) override;
  Result<Claim> claim(const std::string& name, const std::string& seen) override;
  Status publish(const std::string& name, const std::string& chain_pem,
                 const std::string& key_pem) override;
  void release(const std::string& name) override;
  Result<Claim> claim_account(const std::string& ca) override;
  void release_account(const std::string& ca) override;

 private:
  // A certificate's (or an account's) lock and the job's store under it.
  struct Held {
    std::unique_ptr<EtcdLock> lock;
    std::unique_ptr<EtcdStoreView> view;
    std::unique_ptr<RoutingStore> store;
    bool releasing = false;   // the job ended: give the lock up when idle
    std::string holder_said;  // the other holder last logged
  };
  // Serves through the shared-memory sink and remembers what it serves.
  class ServedSink : public ChallengeSink {
   public:
    ServedSink(ChallengeTable& table, AlpnCertTable& alpn);
    Status publish(const ChallengeAnswer& a) override;
    void withdraw(const ChallengeAnswer& a) override;
    void restore();

   private:
    std::unique_ptr<ChallengeSink> shm_;
    std::map<std::string, ChallengeAnswer> served_;  // by token
  };

  void run(const std::string& key, std::function<void()> body);
  void load(TimePoint now);
  void load_answers();
  void load_store();
  void poll_watches(TimePoint now);
  void keep_up(TimePoint now);
  bool ready_for_ca(TimePoint now);  // the record's "ready", as it should be now
  void take_turns();                 // the cluster's restart turn (cluster/restart_turn.h)
  bool turn_wanted() const;          // the parent waits for kRestartTurn
  void keep_locks();
  void keep_lock_lease();  // renewals (the keeper's, or from here) and their troubles
  void install(const std::vector<ManagedCert>& certs, TimePoint now);
  Held& held(const std::string& lock_name);
  Result<Claim> take(const std::string& lock_name, const std::string& what);
  void trouble(const std::string& what, const Status& status);  // logged once per cause
  void untroubled(const std::string& what);
  bool still_registered();

  const ClusterSettings& settings_;
  EtcdLayout layout_;
  ClusterKey key_;
  Store& files_;
  ActivationSignal& signal_;
  const Clock& clock_;
  LogSink& log_;
  HttpDriver* driver_;
  std::uint64_t generation_;
  EtcdClient etcd_;
  EtcdStore shared_;
  EtcdMirror mirror_;
  MirrorStore mirror_view_;
  QueuedStore queued_;
  RoutingStore tick_store_;
  EtcdWatch store_watch_;
  EtcdWatch challenge_watch_;
  // The answers' and the store's range and watch.
  struct Stream {
    bool watching = false;
    bool reload = false;  // the watch lost events: range again, serving the last state meanwhile
    TimePoint next_try{};
    TimePoint next_watch{};
  };
  Stream answers_;
  Stream store_;
  void again_later(Stream& stream);
  bool range_then_watch(Stream& stream, EtcdWatch& watch, const std::string& root,
                        const std::string& range_end, const char* what,
                        const std::function<long long(const EtcdRangeResult&)>& take);
  NodeRegistry registry_;
  TimePoint next_keep_alive_{};
  TimePoint registered_at_{};    // this watchdog's first registration
  TimePoint answering_since_{};  // the readiness answer says ready since; {} while it does not
  // The restart turn: this watchdog took it for its generation's restart
  // (the next watchdog gives it up), bound it to its lease after the
  // restart before (adopted), gave it up once ready (released).
  RestartTurn turn_;
  bool turn_taken_ = false;
  bool turn_adopted_ = false;
  bool turn_released_ = false;
  std::string turn_waits_for_;  // the holder last logged
  bool rejoined_ = false;       // this node's key was live then (settled() at once)
  ServedSink sink_;
  ChallengeSubscriber subscriber_;
  ChallengePublisher publisher_;
  // The one lease of this watchdog's locks, and the thread that keeps it
  // (declared after it: stopped first).
  LockLease lock_lease_;
  std::atomic<bool> beating_{false};  // this watchdog's beat goes to the signal
  std::unique_ptr<LeaseKeeper> keeper_;
  std::set<long long> leases_ended_;   // lock leases whose end was said
  std::map<std::string, Held> locks_;  // by lock name
  FiberSet fibers_;
  SharedSetMemory sets_;
  std::map<std::string, std::string> installed_;  // by cert name: the `current` last looked at
  std::map<std::string, std::string> troubles_;   // what -> the cause last logged
};

}  // namespace acme
