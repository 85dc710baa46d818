// LockLease: one etcd lease and what this process knows of it, shared by the
// keys bound to it (etcd's own client calls this a session: clientv3's
// concurrency.Session, whose Mutex keys all live under one lease).
//
// A watchdog binds every certificate's lock to one such lease (cluster/
// etcd_lock.h): one keep-alive every TTL/3 keeps all of them, however many
// orders are in flight, and when the node stops (killed, partitioned) they
// all lapse together one TTL later, which is what the TTL is for. A lock of
// its own per certificate (before 2026-12-01) cost a grant, a keep-alive per
// third of the TTL and a revoke per order, and hundreds of keep-alives queued
// behind the orders' writes came too late under load (bench/RESULTS.md).
//
// The requests go through whichever EtcdClient the caller passes: the
// watchdog grants from a fiber and renews from a thread of its own with its
// own connection (cluster/lease_keeper.h). The state (id, how long it surely
// lasts) is guarded, so both may look at it at once.
//
// valid_until() is the local clock's estimate: the lease started no earlier
// than the request that granted or renewed it was sent, so until that send
// time plus the TTL it surely lasts; past it, etcd may have ended it, or the
// renewal's answer is merely late. Writes do not trust it: they carry a
// compare that etcd decides on its own lease state (EtcdLock::holds_compare).
#pragma once

#include <mutex>

#include "base/clock.h"
#include "base/status.h"
#include "cluster/etcd_client.h"

namespace acme {

class LockLease {
 public:
  static constexpr long long kDefaultTtlS = 10;

  // clock: nullptr = the system clock.
  explicit LockLease(long long ttl_s = kDefaultTtlS, const Clock* clock = nullptr);
  LockLease(const LockLease&) = delete;
  LockLease& operator=(const LockLease&) = delete;

  // The lease's id; grants one when none is held.
  Result<long long> ensure(EtcdClient& etcd);
  // Renews the lease. kNotFound once etcd says it is gone (expired or
  // revoked): id() is 0 from then on, and every key bound to it was deleted
  // with it.
  Status keep_alive(EtcdClient& etcd);
  // Ends the lease and every key bound to it; a lease already gone is no error.
  Status revoke(EtcdClient& etcd);

  long long id() const;           // 0 while none is held
  TimePoint valid_until() const;  // surely lasts until then (local clock)
  bool held_now() const;          // id() != 0 and valid_until() not passed
  // A renewal is due: a third of the TTL has passed since the last one was sent.
  bool renewal_due(TimePoint now) const;
  long long ttl_s() const { return ttl_s_; }
  const Clock& clock() const { return clock_; }

 private:
  SystemClock system_clock_;
  const Clock& clock_;
  const long long ttl_s_;
  mutable std::mutex mutex_;
  long long id_ = 0;
  long long granted_ttl_s_ = 0;  // what etcd last said
  TimePoint valid_until_{};
};

}  // namespace acme
