// ShmChallengeSink: on a cluster, the answers any node published in etcd
// (cluster/challenge_subscriber.h) served from this node's shared memory,
// where this node's own responders put theirs, so the CA's validation
// request may reach any node behind the balancer (issue 10 item 4):
//   http-01      the ChallengeTable, by identifier and token (the key
//                authorization; solve/http01_answer.h serves it);
//   tls-alpn-01  the AlpnCertTable, under the server name the CA's
//                handshake sends (tls_alpn01_server_name): the certificate
//                and key the ordering node made (httpd/tls_alpn.cc serves it).
// Not wired into the watchdog yet (docs/cluster.md, "Next for issue 10").
#pragma once

#include "cluster/challenge_subscriber.h"
#include "shm/alpn_cert_table.h"
#include "shm/challenge_table.h"

namespace acme {

class ShmChallengeSink : public ChallengeSink {
 public:
  ShmChallengeSink(ChallengeTable& http01, AlpnCertTable& alpn) : http01_(http01), alpn_(alpn) {}

  // kInvalidArgument for a tls-alpn-01 identifier no handshake can name, or
  // an answer that is not a certificate followed by its key.
  Status publish(const ChallengeAnswer& a) override;
  // A tls-alpn-01 withdrawal leaves a different answer published since for
  // the same server name (another order's) in place.
  void withdraw(const ChallengeAnswer& a) override;

 private:
  ChallengeTable& http01_;
  AlpnCertTable& alpn_;
};

}  // namespace acme
