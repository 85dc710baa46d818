#include "renew/cluster_session.h"

#include <algorithm>
#include <chrono>

#include "base/text.h"
#include "renew/shm_challenge_sink.h"
#include "store/layout.h"

namespace acme {

namespace {

constexpr Millis kLoadRetry{2000};  // etcd unreachable at start: asked again this often
constexpr Millis kIoSlice{20};
constexpr Millis kWatchRetry{1000};      // a broken watch: started again after this
const char kAccountLock[] = "account:";  // ':' is in no DNS name: no certificate's lock

EtcdStore::Options in_fibers() {
  EtcdStore::Options o;
  o.require_fiber = true;
  return o;
}

ChallengePublisher::Options publisher_options() {
  ChallengePublisher::Options o;
  o.require_fiber = true;
  o.self_served = true;  // ClusterResponder publishes to this node's shared memory first
  return o;
}

}  // namespace

ClusterSession::ServedSink::ServedSink(ChallengeTable& table, AlpnCertTable& alpn)
    : shm_(std::make_unique<ShmChallengeSink>(table, alpn)) {}

Status ClusterSession::ServedSink::publish(const ChallengeAnswer& a) {
  Status s = shm_->publish(a);
  if (s.ok()) served_[a.token] = a;
  return s;
}

void ClusterSession::ServedSink::withdraw(const ChallengeAnswer& a) {
  shm_->withdraw(a);
  served_.erase(a.token);
}

void ClusterSession::ServedSink::restore() {
  for (const auto& [token, a] : served_) (void)shm_->publish(a);  // served before: fits again
}

ClusterSession::ClusterSession(Parts parts)
    : settings_(parts.settings),
      layout_(*EtcdLayout::make(parts.settings.prefix)),  // checked with the directive
      key_(parts.key),
      files_(parts.files),
      signal_(parts.signal),
      clock_(parts.clock),
      log_(parts.log),
      driver_(parts.driver),
      generation_(parts.generation),
      etcd_(parts.settings.endpoints, std::move(parts.http)),
      shared_(etcd_, layout_, key_, in_fibers()),
      mirror_(layout_.store_root()),
      mirror_view_(mirror_, layout_, key_),
      queued_(mirror_view_, clock_),
      tick_store_(files_, queued_),
      store_watch_(parts.settings.endpoints, parts.settings.tls),
      challenge_watch_(parts.settings.endpoints, parts.settings.tls),
      registry_(etcd_, layout_, parts.settings.node_name),
      turn_(etcd_, layout_, parts.settings.node_name),
      sink_(parts.table, parts.alpn_table),
      subscriber_(layout_, key_, sink_),
      publisher_(etcd_, layout_, key_, parts.settings.node_name, publisher_options(), &clock_),
      lock_lease_(EtcdLock::kDefaultTtlS, &clock_) {
  log_.log(LogLevel::kInfo, kMsgClusterStore,
           "cluster node " + settings_.node_name + ": shared store " +
               join(settings_.endpoints, " ") + " under " + layout_.prefix());
  if (parts.lease_http) {
    LeaseKeeper::Options options;
    options.alive = [this] {
      if (beating_.load()) signal_.beat(ActivationSignal::steady_ms());
    };
    auto make_client = [&](const std::atomic<bool>& stop) {
      HttpOptions http = etcd_http_options(settings_.tls);
      http.abort = &stop;
      return std::make_unique<EtcdClient>(settings_.endpoints, parts.lease_http(http));
    };
    keeper_ = std::make_unique<LeaseKeeper>(lock_lease_, make_client, options);
    if (!keeper_->start()) {
      keeper_.reset();
      log_.log(LogLevel::kWarn, kMsgClusterStore,
               "cluster: no thread for the locks' keep-alives could start; the watchdog renews "
               "them between its steps (a busy watchdog may then lose them on a loaded machine)");
    }
  }
}

ClusterSession::~ClusterSession() {
  run("bye", [this] {
    bool kept = false;  // an order in progress: its lock stays for the next watchdog
    for (auto& [name, h] : locks_) {
      if (h.releasing && h.lock->held()) (void)h.lock->release();  // a lease gone is no loss
      kept = kept || h.lock->held();
    }
    if (!kept) (void)lock_lease_.revoke(etcd_);  // else it lapses, or the next one adopts
  });
  const auto until = std::chrono::steady_clock::now() + Millis(2000);
  while (!fibers_.empty() && std::chrono::steady_clock::now() < until) {
    if (driver_ && driver_->in_flight() > 0) driver_->wait(Millis(20));
    if (!pump() && !(driver_ && driver_->in_flight() > 0)) break;
  }
  // Fibers still suspended are dropped with their stacks (Renewer::~Renewer).
}

void ClusterSession::run(const std::string& key, std::function<void()> body) {
  (void)fibers_.start(key, std::move(body));  // ended at once, or kept: either is fine
}

bool ClusterSession::pump() {
  return fibers_.pump();
}

// Once per outage and concern (the cause names a member, and the next try
// goes to the next member: logging each cause would repeat every tick).
void ClusterSession::trouble(const std::string& what, const Status& status) {
  if (!troubles_.emplace(what, status.message()).second) return;
  log_.log(LogLevel::kWarn, kMsgClusterStore, what + ": " + status.message());
}

void ClusterSession::untroubled(const std::string& what) {
  if (troubles_.erase(what) > 0)
    log_.log(LogLevel::kNotice, kMsgClusterStore, what + ": works again");
}

void ClusterSession::tick(const std::vector<ManagedCert>& certs) {
  if (keeper_) keeper_->heartbeat();
  pump();
  const TimePoint now = clock_.now();
  load(now);
  poll_watches(now);
  queued_.settle();
  keep_up(now);
  keep_locks();
  // Before the renewer starts nothing else drives the multi handle its
  // requests are on: a short wait for them, then on with what answered.
  if (driver_ && driver_->in_flight() > 0) driver_->wait(kIoSlice);
  pump();
  if (answering()) signal_.mark(ActivationSignal::kAnswering, generation_);
  // The beat (shm/activation_signal.h): from here, and several times a
  // second from the keeper's thread, so a busy tick does not look dead. A
  // watchdog of a generation whose successor answers already leaves it.
  beating_.store(answering() && !signal_.marked(ActivationSignal::kAnswering, generation_ + 1));
  if (beating_.load()) signal_.beat(ActivationSignal::steady_ms());
  if (ready()) install(certs, now);
}

// Two ranges, each then watched from the revision after it: the challenge
// answers (a few keys: this node serves and acks them within a tick or two
// of its start, also after each graceful restart, when an order of another
// node may be waiting for its ack) and the shared store (every
// certificate's files: megabytes at a thousand names). Until both answered,
// the renewer does not start; a failed one is tried again after a pause.
void ClusterSession::load(TimePoint now) {
  if ((!subscriber_.loaded() || answers_.reload) && now >= answers_.next_try)
    run("load answers", [this] { load_answers(); });
  if ((!mirror_.loaded() || store_.reload) && now >= store_.next_try)
    run("load store", [this] { load_store(); });
}

// One range (paged: 500 keys per answer, however large), handed to take(),
// then a watch from the revision take() returns: what the two loads share.
// False while etcd does not answer (tried again after kLoadRetry).
bool ClusterSession::range_then_watch(
    Stream& stream, EtcdWatch& watch, const std::string& root, const std::string& range_end,
    const char* what, const std::function<long long(const EtcdRangeResult&)>& take) {
  auto all = etcd_.range_all({root, range_end});
  if (!all.ok()) {
    stream.next_try = clock_.now() + kLoadRetry;
    trouble(what, all.status());
    return false;
  }
  stream.reload = false;
  stream.watching = watch.start(root, range_end, take(*all)).ok();
  if (!stream.watching) again_later(stream);
  untroubled(what);
  return true;
}

void ClusterSession::load_answers() {
  (void)range_then_watch(  // a failure is logged and tried again
      answers_, challenge_watch_, subscriber_.root(), subscriber_.range_end(),
      "cluster: loading the challenge answers (other nodes' new answers are not served here "
      "until it answers)",
      [this](const EtcdRangeResult& all) {
        Status served = subscriber_.load(all);
        if (!served.ok()) log_.log(LogLevel::kWarn, kMsgClusterChallenge, served.message());
        return subscriber_.next_revision();
      });
}

void ClusterSession::load_store() {
  const bool loaded = range_then_watch(
      store_, store_watch_, mirror_.root(), mirror_.range_end(),
      "cluster: loading the shared store (no order starts until it answers; the certificates "
      "in use keep serving)",
      [this](const EtcdRangeResult& all) {
        mirror_.load(all);
        return mirror_.next_revision();
      });
  if (!loaded) return;
  log_.log(LogLevel::kInfo, kMsgClusterStore,
           "cluster: shared store loaded at revision " + std::to_string(mirror_.revision()) + " (" +
               std::to_string(mirror_.size()) + " keys)");
}

// A watch that did not start: a range and a watch again after a pause (what
// was loaded serves meanwhile).
void ClusterSession::again_later(Stream& stream) {
  stream.reload = true;
  stream.next_try = clock_.now() + kWatchRetry;
}

// A broken stream is started again from its next revision (on the next
// member) after a pause; history compacted away means a range again (the
// mirror, and shared memory, serve their last state meanwhile).
void ClusterSession::poll_watches(TimePoint now) {
  if (mirror_.loaded() && store_.watching && now >= store_.next_watch) {
    auto news = store_watch_.poll(Millis(0));
    if (!news.ok()) {
      trouble("cluster: watching the shared store", news.status());
      // A start that fails shows as the next poll's error and is tried again then.
      (void)store_watch_.start(mirror_.root(), mirror_.range_end(), mirror_.next_revision());
      store_.next_watch = now + kWatchRetry;
    } else if (!news->empty()) {
      untroubled("cluster: watching the shared store");
    }
    for (const auto& message : news.ok() ? *news : std::vector<EtcdWatchResponse>()) {
      if (!mirror_.apply(message).ok()) store_.reload = true;  // events may be missing
    }
  }
  if (subscriber_.loaded() && answers_.watching && now >= answers_.next_watch) {
    auto answers = challenge_watch_.poll(Millis(0));
    if (!answers.ok()) {
      trouble("cluster: watching the challenge answers", answers.status());
      // As above: a failed start is the next poll's error, tried again then.
      (void)challenge_watch_.start(subscriber_.root(), subscriber_.range_end(),
                                   subscriber_.next_revision());
      answers_.next_watch = now + kWatchRetry;
    } else if (!answers->empty()) {
      untroubled("cluster: watching the challenge answers");
    }
    for (const auto& message : answers.ok() ? *answers : std::vector<EtcdWatchResponse>()) {
      if (message.compact_revision > 0 || message.canceled) answers_.reload = true;
      Status applied = subscriber_.apply(message);
      if (!applied.ok()) log_.log(LogLevel::kWarn, kMsgClusterChallenge, applied.message());
    }
  }
}

// The registration and its keep-alive (every third of its TTL), the acks of
// new answers, the tick's queued writes: each in a fiber of its own.
// This node registers at once: from then on the other nodes' orders wait
// for its ack (a node whose port is open but which is not registered yet
// would answer the CA 404 for an answer it has not loaded). It acks once it
// serves the answers, without waiting for the shared store.
void ClusterSession::keep_up(TimePoint now) {
  if (!registry_.registered() || now >= next_keep_alive_) {
    next_keep_alive_ = now + Seconds(NodeRegistry::kDefaultTtlS) / 3;
    run("registry", [this] {
      const char* what = "cluster: registering this node";
      if (registered_at_ == TimePoint{} && !registry_.registered()) rejoined_ = still_registered();
      Status s = registry_.registered() ? registry_.keep_alive() : registry_.start();
      if (!s.ok()) return trouble(what, s);
      if (registered_at_ == TimePoint{}) registered_at_ = clock_.now();
      untroubled(what);
    });
  }
  const bool ready = ready_for_ca(now);
  if (registry_.registered() && !registry_.superseded() && ready != registry_.ready()) {
    run("ready", [this, ready] {
      const char* what = "cluster: telling the other nodes whether the CA may come here";
      Status s = registry_.set_ready(ready);
      if (!s.ok()) return trouble(what, s);
      untroubled(what);
      if (registry_.ready() != ready) return;  // superseded: the next watchdog speaks
      log_.log(LogLevel::kInfo, kMsgClusterChallenge,
               ready ? "cluster: this node is ready for the CA's validations; the ordering nodes "
                       "count it"
                     : "cluster: this node is not ready for the CA's validations (a restart is "
                       "announced, or it no longer serves the answers); the ordering nodes wait "
                       "for another");
    });
  }
  if (registry_.registered()) take_turns();
  if (registry_.registered() && subscriber_.loaded() && subscriber_.unacked() > 0) {
    run("acks", [this] {
      const char* what = "cluster: acknowledging challenge answers";
      Status s = subscriber_.write_acks(etcd_, registry_);
      if (!s.ok()) return trouble(what, s);
      untroubled(what);
    });
  }
  if (queued_.queued() > 0) {
    run("flush", [this] {
      const char* what = "cluster: writing status and requests to the shared store";
      EtcdStoreView to(shared_);
      Status s = queued_.flush(to);
      if (!s.ok()) return trouble(what, s);
      untroubled(what);
    });
  }
}

bool ClusterSession::turn_wanted() const {
  return signal_.marked(ActivationSignal::kRestartWanted, generation_) &&
         !signal_.marked(ActivationSignal::kRestartTurn, generation_);
}

// One fiber for every step on the turn, in this order: take it when the
// parent wants to restart; else bind the turn this node may hold from its
// restart before to this watchdog's lease; else give it up once ready.
void ClusterSession::take_turns() {
  const long long lease = registry_.lease();
  if (turn_wanted()) {
    run("turn", [this, lease] {
      const char* what = "cluster: taking the turn to restart";
      auto mine = turn_.take(lease);
      if (!mine.ok()) return trouble(what, mine.status());
      untroubled(what);
      if (!*mine) {
        if (turn_.holder() != turn_waits_for_) {
          turn_waits_for_ = turn_.holder();
          log_.log(LogLevel::kInfo, kMsgClusterOrder,
                   "cluster: this node's activation restart waits for node " + turn_.holder() +
                       " to restart and be ready for the CA again (one node at a time)");
        }
        return;
      }
      turn_taken_ = turn_adopted_ = true;
      turn_waits_for_.clear();
      signal_.mark(ActivationSignal::kRestartTurn, generation_);
    });
  } else if (!turn_adopted_) {
    run("turn", [this, lease] {
      const char* what = "cluster: keeping the turn to restart";
      Status s = turn_.adopt(lease);
      if (!s.ok()) return trouble(what, s);
      untroubled(what);
      turn_adopted_ = true;
    });
  } else if (!turn_taken_ && !turn_released_ && registry_.ready()) {
    run("turn", [this] {
      const char* what = "cluster: giving up the turn to restart";
      Status s = turn_.release();
      if (!s.ok()) return trouble(what, s);
      untroubled(what);
      turn_released_ = true;
    });
  }
}

bool ClusterSession::ready_for_ca(TimePoint now) {
  if (!answering() || !signal_.answering(generation_)) {
    answering_since_ = TimePoint{};
    return false;
  }
  if (answering_since_ == TimePoint{}) answering_since_ = now;
  return now - answering_since_ >= kReadySettle;
}

TimePoint ClusterSession::next_look(TimePoint now) const {
  if (turn_wanted()) return now + kReadyLook;  // the parent waits for the turn
  if (!registry_.registered() || registry_.superseded()) return TimePoint::max();
  if (answering_since_ != TimePoint{} && !registry_.ready())
    return answering_since_ + kReadySettle;  // to be written ready
  // Ready: an announced restart must be seen within a fraction of its lead.
  if (registry_.ready()) return now + kReadyLook;
  return TimePoint::max();
}

// The locks of ended jobs are given up from here, one fiber per lock:
// never two requests at once on one EtcdLock. Their lease is renewed by
// keep_lock_lease().
void ClusterSession::keep_locks() {
  keep_lock_lease();
  for (auto it = locks_.begin(); it != locks_.end();) {
    const std::string name = it->first;
    Held& h = it->second;
    const bool idle = !fibers_.contains("lock " + name);
    if (idle && h.releasing && !h.lock->held()) {
      it = locks_.erase(it);
      continue;
    }
    if (idle && h.releasing)
      run("lock " + name, [&h] { (void)h.lock->release(); });  // else it lapses with the lease
    ++it;
  }
}

// The keeper thread renews the lease (a third of the TTL after the last
// renewal was sent); without one, a fiber of the tick does. A lease that
// ended takes every lock bound to it: said once, with how many were held
// and why; the next claim of each binds it to a new lease, or finds that
// another node took it and resumes from the shared state.
void ClusterSession::keep_lock_lease() {
  const char* what = "cluster: keeping this node's locks alive";
  if (keeper_) {
    Status s = keeper_->status();
    if (s.ok() || s.code() == Code::kNotFound) {
      untroubled(what);
    } else {
      trouble(what, s);
    }
  } else if (lock_lease_.renewal_due(clock_.now()) && !fibers_.contains("lock lease")) {
    run("lock lease", [this, what] {
      Status s = lock_lease_.keep_alive(etcd_);
      if (!s.ok() && s.code() != Code::kNotFound) return trouble(what, s);
      untroubled(what);
    });
  }
  const long long id = lock_lease_.id();
  std::map<long long, int> lost;  // by ended lease: the locks still bound to it here
  for (const auto& [name, h] : locks_) {
    const long long bound = h.lock->lease();
    if (bound != 0 && bound != id && !leases_ended_.count(bound)) ++lost[bound];
  }
  const bool stalled = keeper_ && keeper_->stalled();
  for (const auto& [ended, count] : lost) {
    leases_ended_.insert(ended);
    log_.log(LogLevel::kWarn, kMsgClusterStore,
             "cluster: the lease of this node's locks ended, and " + std::to_string(count) +
                 " lock(s) with it: " +
                 (stalled ? "the watchdog did not tick for " +
                                std::to_string(LeaseKeeper::kStallBound.count() / 1000) +
                                " s, so its keep-alives stopped"
                          : "its keep-alives came too late") +
                 "; their orders go on from the shared state, here or on another node");
  }
}

// A set another node published: verified and staged here, then activated
// by this node's parent like any staged set. Looked at when `current` moves.
void ClusterSession::install(const std::vector<ManagedCert>& certs, TimePoint now) {
  for (const auto& cert : certs) {
    auto current = tick_store_.read_link(layout::shared_set_current(cert.name));
    if (!current.ok()) continue;
    auto seen = installed_.find(cert.name);
    if (seen != installed_.end() && seen->second == *current) continue;
    const std::string what = "cluster: installing the certificate of " + cert.name;
    auto staged = install_shared_set(tick_store_, files_, cert, now, sets_, log_);
    if (!staged.ok()) {
      trouble(what, staged.status());
      continue;
    }
    untroubled(what);
    if (!sets_.waiting.count(cert.name)) installed_[cert.name] = *current;
    if (*staged) signal_.request_activation();
  }
}

bool ClusterSession::settled() const {
  return registry_.registered() && registered_at_ != TimePoint{} &&
         (rejoined_ || clock_.now() - registered_at_ >= kJoinGrace);
}

// This node's key is live: the watchdog before this one (a graceful
// restart) registered it, and every node has counted this one since.
bool ClusterSession::still_registered() {
  EtcdRange r;
  r.key = registry_.key();
  auto got = etcd_.range(r);
  return got.ok() && !got->kvs.empty();
}

void ClusterSession::restore_answers() {
  sink_.restore();
}

std::string ClusterSession::shared_set_seen(const std::string& name) {
  auto current = tick_store_.read_link(layout::shared_set_current(name));
  return current.ok() ? *current : "";
}

ClusterSession::Held& ClusterSession::held(const std::string& lock_name) {
  Held& h = locks_[lock_name];
  if (!h.lock) {
    h.lock = std::make_unique<EtcdLock>(etcd_, layout_.lock(lock_name), settings_.node_name,
                                        lock_lease_);
    h.view = std::make_unique<EtcdStoreView>(shared_, h.lock.get());
    h.store = std::make_unique<RoutingStore>(files_, *h.view);
  }
  h.releasing = false;
  return h;
}

Store& ClusterSession::job_store(const std::string& name) {
  return *held(name).store;
}

// kGo while held (renewed from the tick); else one try to take it.
Result<OrderCoordinator::Claim> ClusterSession::take(const std::string& lock_name,
                                                     const std::string& what) {
  Held& h = held(lock_name);
  if (fibers_.contains("lock " + lock_name)) return Claim::kWait;  // its release runs
  if (h.lock->held_now()) return Claim::kGo;
  auto got = h.lock->acquire();
  if (!got.ok()) return got.status();
  if (*got) {
    h.holder_said.clear();
    return Claim::kGo;
  }
  if (h.holder_said != h.lock->holder()) {
    h.holder_said = h.lock->holder();
    log_.log(LogLevel::kInfo, kMsgClusterOrder,
             "cluster node " + h.lock->holder() + " works on " + what + "; this node waits");
  }
  return Claim::kElsewhere;
}

Result<OrderCoordinator::Claim> ClusterSession::claim(const std::string& name,
                                                      const std::string& seen) {
  const bool was_held = held(name).lock->held_now();
  auto claimed = take(name, "the certificate " + name);
  if (!claimed.ok()) return claimed;
  if (*claimed == Claim::kElsewhere)  // the holder may have published already
    return shared_set_seen(name) != seen ? Claim::kDone : Claim::kElsewhere;
  if (was_held || shared_.exists(layout::job_file(name))) return Claim::kGo;  // resumes an order
  auto current = shared_.read_link(layout::shared_set_current(name));
  if (!current.ok() && current.status().code() != Code::kNotFound) return current.status();
  if ((current.ok() ? *current : "") == seen) return Claim::kGo;
  log_.log(LogLevel::kInfo, kMsgClusterOrder,
           "another cluster node renewed " + name + " meanwhile: this node installs its set");
  (void)held(name).lock->release();  // not needed; if lost, it expires with its lease
  return Claim::kDone;
}

Status ClusterSession::publish(const std::string& name, const std::string& chain_pem,
                               const std::string& key_pem) {
  auto seq = publish_shared_set(job_store(name), name, chain_pem, key_pem, log_);
  if (!seq.ok()) return seq.status().with_context("publishing the set of " + name);
  installed_[name] = *seq;  // this node staged it itself
  return Status();
}

void ClusterSession::release(const std::string& name) {
  auto it = locks_.find(name);
  if (it != locks_.end()) it->second.releasing = true;
}

Result<OrderCoordinator::Claim> ClusterSession::claim_account(const std::string& ca) {
  return take(kAccountLock + ca, "the account at " + ca);
}

void ClusterSession::release_account(const std::string& ca) {
  release(kAccountLock + ca);
}

}  // namespace acme
