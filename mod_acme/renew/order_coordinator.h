// OrderCoordinator: what the Renewer asks when other nodes share its
// certificates (a cluster on etcd, renew/cluster_session.h); absent on a
// single server. One node orders a certificate at a time (issue 10 item 3):
// each step of a job first claims the certificate's lock, the job works on
// a store whose shared writes hold only while the lock does, and its new set
// is published for every node before the job ends.
//
// Tick calls never wait for the network; fiber calls (from a job's step,
// base/fiber.h) may.
#pragma once

#include <string>

#include "base/status.h"
#include "store/store.h"

namespace acme {

class OrderCoordinator {
 public:
  enum class Claim {
    kGo,         // this node holds the lock: step
    kElsewhere,  // another node holds it: drop the job, look again later
    kWait,       // this node's own request on the lock runs: step again shortly
    kDone,       // another node renewed it since the job began: drop the job
  };
  virtual ~OrderCoordinator() = default;

  // Tick: what the cluster serves for name now (the shared set's seq, "" none),
  // noted when a job begins, so claim() can tell that another node renewed.
  virtual std::string shared_set_seen(const std::string& name) = 0;
  // Tick: the store the job of name works on, valid until released.
  virtual Store& job_store(const std::string& name) = 0;
  // Fiber, before each step of name's job. kGo means the lock is held now;
  // when it was just taken and the shared store holds no job for name, a
  // shared set other than `seen` means another node renewed: kDone.
  virtual Result<Claim> claim(const std::string& name, const std::string& seen) = 0;
  // Fiber: the job staged (verified) this set: every node gets it.
  virtual Status publish(const std::string& name, const std::string& chain_pem,
                         const std::string& key_pem) = 0;
  // Tick: the job of name is over: its lock is given up soon (not waiting).
  virtual void release(const std::string& name) = 0;
  // Fiber: before a step that loads or registers the account of a CA (by
  // canonical URL): one node at a time, so the cluster has one account.
  virtual Result<Claim> claim_account(const std::string& ca) = 0;
  virtual void release_account(const std::string& ca) = 0;  // tick
};

}  // namespace acme
