// LeaseKeeper: keeps one LockLease alive from a thread of its own, over a
// connection of its own, so the renewal of a watchdog's locks waits neither
// for its tick (a tick that stages and publishes a hundred certificates at
// once does seconds of disk and CPU work) nor behind the orders' own etcd
// requests (at 1,000 names hundreds of them are in flight on the watchdog's
// connections). Both made keep-alives come too late on a loaded machine:
// 403 locks lost in one 1,000-name run (bench/RESULTS.md).
//
// It renews only while the watchdog shows it is alive (heartbeat(), once per
// tick), and passes that on at every look (Options::alive): a watchdog stuck
// for stall_bound is no better than a dead one, and its locks must lapse so
// another node resumes its orders (their writes are fenced by etcd,
// cluster/etcd_store.h, so a watchdog that wakes up later cannot write under
// a lock it lost).
//
// The thread logs nothing (the watchdog thread is the only user of the log):
// it records the last outcome, and the watchdog says what changed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "base/status.h"
#include "cluster/etcd_client.h"
#include "cluster/lock_lease.h"

namespace acme {

class LeaseKeeper {
 public:
  // The watchdog did not tick for this long: renewals stop, the lease lapses.
  static constexpr Millis kStallBound{30000};
  struct Options {
    Millis stall_bound = kStallBound;
    Millis look{250};  // how often the thread looks whether a renewal is due
    // Called on every look while the watchdog ticks: a liveness beat the
    // node's children can see (renew/cluster_session.h). Must be thread-safe.
    std::function<void()> alive = nullptr;
  };
  // The keeper's own client (a blocking HttpClient: its own connection),
  // made once; its transfers stop when `stop` reads true (HttpOptions::abort).
  using ClientFactory = std::function<std::unique_ptr<EtcdClient>(const std::atomic<bool>& stop)>;
  LeaseKeeper(LockLease& lease, const ClientFactory& make_client, Options options);
  LeaseKeeper(LockLease& lease, const ClientFactory& make_client)
      : LeaseKeeper(lease, make_client, Options()) {}
  // Stops and joins the thread: a renewal in flight is aborted (within about
  // a second) rather than waited out.
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // Starts the thread; false when it could not start (then nothing renews
  // the lease here: the caller renews it itself).
  bool start();
  // The watchdog is alive: called from its every tick.
  void heartbeat();
  // One look, as the thread takes it: renews when a renewal is due and the
  // watchdog is alive. Public for tests, which call it without the thread.
  void look();
  // The last renewal's outcome (ok before the first), and whether a look
  // found the watchdog stalled since the last renewal that worked.
  Status status() const;
  bool stalled() const { return stalled_.load(); }

 private:
  void loop();

  LockLease& lease_;
  std::atomic<bool> stopping_{false};  // also the client's abort flag: before it
  std::unique_ptr<EtcdClient> etcd_;
  const Options options_;
  std::atomic<long long> heartbeat_;  // the lease clock's time of the last tick, in ms
  std::atomic<bool> stalled_{false};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Status status_;
  std::thread thread_;
};

}  // namespace acme
