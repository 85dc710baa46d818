// EtcdLock: a lock in etcd held by a lease, one per certificate, so one node
// of the cluster orders it at a time (issue 10 item 3).
//
// acquire() creates the lock key bound to a lease, in one transaction, only
// if the key does not exist (Compare create_revision == 0); the key's value
// is the holder's node name. The lease (cluster/lock_lease.h) is either the
// lock's own (granted by acquire(), revoked by release(): etcd_probe, tests)
// or shared by all the locks of one watchdog (ClusterSession), which keeps it
// alive from a thread of its own (cluster/lease_keeper.h): a node that stops
// (killed, partitioned) lets it run out, etcd deletes every key bound to it,
// and the next acquire() by another node succeeds. release() gives the lock
// up at once: it revokes a lease of its own, and deletes the key from a
// shared one (if it is still bound to it).
//
// The owner is one node, whose watchdogs follow each other (a graceful
// restart ends one, the next starts) and never run at once (the node's
// store lock): a key this owner holds under another lease is its previous
// watchdog's, which ended without giving it up so that its orders stay on
// this node. acquire() takes such a key over under its own lease, in one
// transaction that compares the lease it saw (the old lease then ends
// harmless; a key another node took meanwhile is left alone).
//
// A transaction whose answer was lost (member failover) may have created the
// key: acquire() then sees the key bound to its own lease and counts that as
// held, so repeating it is safe. holds_compare() is the guard for the
// holder's writes: put it into a transaction's compare list so a write made
// after the lock was lost does not apply.
//
// held() is false once the lease is known to have ended (or was replaced by
// a new one after it ended). held_now() is the local clock's estimate
// (LockLease::valid_until): past it etcd may have given the lock to another
// node, or the renewal's answer is merely late. It is no guard for writes:
// those carry holds_compare(), which etcd decides on its own lease state, so
// a write is sent while held() (EtcdStore::commit). The holder uses it before
// a step of its work (ClusterSession::claim): a lock not surely held is
// checked against the shared state as if just taken.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "cluster/etcd_client.h"
#include "cluster/lock_lease.h"

namespace acme {

class EtcdLock {
 public:
  static constexpr long long kDefaultTtlS = LockLease::kDefaultTtlS;

  // A lock with a lease of its own. clock: nullptr = the system clock.
  EtcdLock(EtcdClient& etcd, std::string key, std::string owner, long long ttl_s = kDefaultTtlS,
           const Clock* clock = nullptr);
  // A lock bound to a shared lease, which outlives it.
  EtcdLock(EtcdClient& etcd, std::string key, std::string owner, LockLease& lease);
  EtcdLock(const EtcdLock&) = delete;
  EtcdLock& operator=(const EtcdLock&) = delete;

  // true: held now; false: another holder has it (holder() names it).
  Result<bool> acquire();
  // Renews the lease (a shared one for every lock bound to it). kNotFound
  // when the lease is gone: the lock is lost, and whatever was done under it
  // must be taken up from the shared state by the next holder.
  Status keep_alive();
  // Gives the lock up; a lease already gone is not an error.
  Status release();

  bool held() const { return lease_ != 0 && lease_ == lease_ref_.id(); }  // as etcd last said
  bool held_now() const { return held() && lease_ref_.held_now(); }
  TimePoint valid_until() const { return lease_ref_.valid_until(); }
  long long lease() const { return lease_; }
  const std::string& holder() const { return holder_; }  // as last seen
  const std::string& key() const { return key_; }
  EtcdCompare holds_compare() const;  // LEASE(key) == this lock's lease

 private:
  Result<bool> try_create(long long lease);
  Result<bool> try_adopt(long long lease);
  void forget();

  EtcdClient& etcd_;
  std::unique_ptr<LockLease> own_lease_;  // null when shared
  LockLease& lease_ref_;
  std::string key_;
  std::string owner_;
  long long lease_ = 0;  // the lease the key was bound to by acquire(); 0 while not held
  std::string holder_;
  long long holder_lease_ = 0;  // the lease the key was seen under
};

}  // namespace acme
