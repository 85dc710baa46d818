// ChallengePublisher: the ordering node's side of the challenge fan-out
// (issue 10 item 4). Any node may receive the CA's validation request (the
// balancer picks one), so the node that orders writes each answer to
// <prefix>/challenges/<token> (cluster/challenge_record.h), every node's
// ChallengeSubscriber serves it from its shared memory and acknowledges it
// under <prefix>/acks/<token>/<node> with its registration lease, and only
// then is the CA told to validate (RFC 8555 §7.5.1).
//
// The ack rule, ready(token): go ahead when every live node (a key under
// <prefix>/nodes/, cluster/node_registry.h) and this node itself has acked
// the revision this publisher wrote (or a later one; this node not when
// Options::self_served: its caller put the answer into this node's shared
// memory before publishing it); or, once `bound` has
// passed since the first publish() of the token, go ahead anyway and name the
// nodes that did not ack, for the caller to log (base/log.h kMsgClusterChallenge): such a
// node may answer the CA wrongly and the validation may fail, but one stuck
// node must not stop the cluster's renewals. A dead node drops out of both
// lists when its lease expires. The live nodes and the acks are read in one
// transaction, so at one revision.
//
// And a second rule: go ahead only when at least one node that acked (this
// node counts when self_served) says in its record that the CA may be sent
// to it ("ready", cluster/node_registry.h), or once `no_ready_bound` has
// passed since the first publish(). A balancer that checks the nodes'
// readiness sends the CA to every node when none is ready, and a node in
// the graceful restart of many vhosts then holds the CA's request past its
// timeout (pebble: 15 s) or answers 404 before it has loaded the answer:
// every failed validation of a 1,000-name run went that way
// (bench/RESULTS.md). While every node restarts, waiting costs seconds;
// a failed validation costs a new order.
//
// How it is used, never blocking a tick: as a poll from the job's step, which
// runs in a fiber (docs/cluster.md, "Never blocking a tick"). The step calls
// publish() (idempotent: this same answer already written by this object is
// not written again, so its revision and its acks stay) and ready(); while
// ready() says not yet, the responder answers Code::kPending and the job steps
// again in 500 ms, exactly as for a dns-01 hook that still runs. Each call is
// one etcd request; Options::require_fiber makes a call outside a fiber fail
// at once, naming the key, as EtcdStore's does.
//
// withdraw(token) deletes the answer and its acks in one transaction: every
// subscriber withdraws it from its shared memory when the watch brings the
// delete. Writes are safe to repeat after a lost answer (a put of the same
// value; a delete). Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "cluster/challenge_record.h"
#include "cluster/etcd_client.h"
#include "cluster/etcd_layout.h"

namespace acme {

struct AckReport {
  bool go = false;          // tell the CA to validate now
  bool all_acked = false;   // every live node acked (go and !all_acked: the bound passed)
  bool some_ready = false;  // a node that acked is ready (go and !some_ready: no_ready_bound)
  std::vector<std::string> acked;    // node names, sorted
  std::vector<std::string> missing;  // live nodes (and this one) without an ack, sorted
};

// The log line for a go-ahead past the bound: the token, the identifier and
// every node that did not ack.
std::string not_acked_message(const ChallengeAnswer& a, const AckReport& report);
// The log line for a go-ahead past no_ready_bound.
std::string none_ready_message(const ChallengeAnswer& a, Millis waited);

class ChallengePublisher {
 public:
  static constexpr Millis kDefaultBound{5000};
  // Longer than a graceful restart of thousands of vhosts on a busy node
  // (8-20 s on the benchmark's 2 cores): bounds the wait when no node ever
  // becomes ready (a node whose readiness is never written, say).
  static constexpr Millis kDefaultNoReadyBound{60000};
  struct Options {
    Millis bound = kDefaultBound;
    Millis no_ready_bound = kDefaultNoReadyBound;
    bool require_fiber = false;
    // This node serves what it publishes already (renew/cluster_responder.h
    // publishes locally first): its own ack is not waited for. On a busy
    // ordering node that ack comes last, behind the watch and its own
    // writes, and used to hold back most validations (bench/cluster.py).
    bool self_served = false;
  };

  // self: this node's name (as registered); clock: nullptr = the system clock.
  ChallengePublisher(EtcdClient& etcd, EtcdLayout layout, ClusterKey key, std::string self,
                     Options options, const Clock* clock = nullptr);
  ChallengePublisher(const ChallengePublisher&) = delete;
  ChallengePublisher& operator=(const ChallengePublisher&) = delete;

  Status publish(const ChallengeAnswer& a);
  // kNotFound when the token was not published through this object.
  Result<AckReport> ready(const std::string& token);
  Status withdraw(const std::string& token);

  // The revision publish() wrote the token's answer at; 0 if not published.
  long long revision(const std::string& token) const;
  const Options& options() const { return options_; }

 private:
  struct Published {
    ChallengeAnswer answer;
    long long revision = 0;
    TimePoint since;  // the first publish(): the bound runs from here
  };
  AckReport judge(const Published& p, const EtcdOpResult& nodes, const EtcdOpResult& acks) const;

  EtcdClient& etcd_;
  EtcdLayout layout_;
  ClusterKey key_;
  std::string self_;
  Options options_;
  SystemClock system_clock_;
  const Clock& clock_;
  std::map<std::string, Published> published_;  // by token
};

}  // namespace acme
