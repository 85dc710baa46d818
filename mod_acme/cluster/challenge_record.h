// A challenge answer as the nodes of a cluster share it (issue 10 item 4):
// the value of <prefix>/challenges/<token> (cluster/etcd_layout.h), written
// by the ordering node (cluster/challenge_publisher.h) and served by every
// node (cluster/challenge_subscriber.h).
//
//   http-01 (RFC 8555 §8.3):
//     {"kind":"http-01","identifier":NAME,"answer":KEY_AUTHORIZATION}
//   tls-alpn-01 (RFC 8737 §3):
//     {"kind":"tls-alpn-01","identifier":NAME,"certificate":CERT_PEM,
//      "sealed_key":BASE64(sealed KEY_PEM)}
//
// In memory a tls-alpn-01 answer is "certificate PEM + key PEM", what the
// node's AlpnCertTable serves. Its key part is sealed with the cluster key
// (cluster/cluster_key.h), bound to the challenge's etcd key name. The key
// guards nothing by itself (the CA checks only the acmeIdentifier extension,
// which anyone who saw the certificate can copy), but sealing keeps the rule
// "no private key in etcd in clear" without exception, and a value planted by
// someone without the cluster key does not open and is not served.
//
// decode_challenge() refuses anything else (unknown kind, missing fields, a
// token outside base64url, a key that does not open) with an error naming
// the etcd key; nothing it refuses reaches shared memory.
#pragma once

#include <string>

#include "base/status.h"
#include "cluster/cluster_key.h"

namespace acme {

enum class ChallengeKind { kHttp01, kTlsAlpn01 };

const char* challenge_kind_name(ChallengeKind kind);  // "http-01", "tls-alpn-01"
Result<ChallengeKind> parse_challenge_kind(const std::string& name);

struct ChallengeAnswer {
  std::string token;  // base64url (RFC 8555 §8.1)
  ChallengeKind kind = ChallengeKind::kHttp01;
  std::string identifier;  // the name (or IP address) being validated
  // http-01: the key authorization; tls-alpn-01: certificate PEM + key PEM.
  std::string answer;
  bool operator==(const ChallengeAnswer& o) const {
    return token == o.token && kind == o.kind && identifier == o.identifier && answer == o.answer;
  }
};

// The value stored under etcd_key (the challenge's key: the seal is bound to it).
Result<std::string> encode_challenge(const ChallengeAnswer& a, const ClusterKey& key,
                                     const std::string& etcd_key);
// token: from the key name (EtcdLayout::challenge(token)).
Result<ChallengeAnswer> decode_challenge(const std::string& token, const std::string& value,
                                         const ClusterKey& key, const std::string& etcd_key);

}  // namespace acme
