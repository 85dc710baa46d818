// ClusterResponder: the challenge responder of the node that orders on a
// cluster (issue 10 item 4, docs/cluster.md "The challenge fan-out"). It
// wraps this node's own responder of one kind (http-01 or tls-alpn-01) and
// shares each answer through the ChallengePublisher, so the CA may validate
// through any node behind the balancer.
//
// publish(): the local responder first (its error, or Code::kPending, is
// passed through and nothing goes to etcd); then the answer is written to
// etcd (http-01: the key authorization; tls-alpn-01: the certificate and key
// the local responder made, TlsAlpn01Responder::served_pems) and the acks
// are read. While ready() says not yet it answers Code::kPending naming the
// nodes still missing, and the job steps again 500 ms later (renew/job.cc),
// as for a dns-01 hook. Go with every ack: ok. Go past the bound: ok, and
// the nodes that did not ack are logged once per token (ACME10200). While
// no node that acked is ready for the CA (each restarting) it also answers
// Code::kPending; go past that bound: ok, logged once (ACME10200). Once a
// token went ahead, further calls (the job's steps while the CA validates)
// ask etcd nothing more unless its answer changed. An etcd error (etcd
// away) is an error naming the cause: the job backs off as for a CA outage.
//
// withdraw(): the local answer goes, then the etcd key (every node drops it
// when its watch brings the delete). The answer carries no lease, so one
// that etcd did not delete would be served by every node until deleted: a
// failed withdrawal is logged (ACME10230) and retried on the next call that
// reaches etcd; a watchdog restart forgets it.
//
// Every call but type(), can_answer() and poll() makes etcd requests: from
// the job's step, in a fiber (the publisher may require one). Fibers
// interleave at each request; the state here is consistent between them.
// Not thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>

#include "base/log.h"
#include "cluster/challenge_publisher.h"
#include "solve/challenge_responder.h"
#include "solve/tls_alpn01_responder.h"

namespace acme {

class ClusterResponder : public ChallengeResponder {
 public:
  // local, publisher and log are the caller's and outlive this object.
  ClusterResponder(Http01Responder& local, ChallengePublisher& publisher, LogSink& log);
  ClusterResponder(TlsAlpn01Responder& local, ChallengePublisher& publisher, LogSink& log);
  ClusterResponder(const ClusterResponder&) = delete;
  ClusterResponder& operator=(const ClusterResponder&) = delete;

  const char* type() const override { return local_.type(); }
  bool can_answer(const Identifier& id, bool wildcard) const override {
    return local_.can_answer(id, wildcard);
  }
  Status publish(const Identifier& id, const std::string& token,
                 const std::string& key_authorization) override;
  void withdraw(const Identifier& id, const std::string& token) override;
  bool poll() override { return local_.poll(); }

  // Tokens whose withdrawal etcd has not confirmed yet.
  std::size_t left_in_etcd() const { return left_.size(); }

 private:
  Result<ChallengeAnswer> answer_of(const Identifier& id, const std::string& token,
                                    const std::string& key_authorization) const;
  Status judge(const ChallengeAnswer& answer, const AckReport& report);
  bool withdraw_from_etcd(const std::string& token);  // false: left in etcd
  void retry_withdrawals();

  struct Went {
    long long revision = 0;  // of the answer that went ahead
    bool warned = false;     // ACME10200 logged for the token
  };

  ChallengeResponder& local_;
  TlsAlpn01Responder* alpn_ = nullptr;  // set for tls-alpn-01
  ChallengeKind kind_;
  ChallengePublisher& publisher_;
  LogSink& log_;
  std::map<std::string, Went> went_;  // by token: those the CA may be told to validate
  std::set<std::string> left_;        // tokens whose withdrawal from etcd failed
};

}  // namespace acme
