// TlsAlpn01Responder: answers tls-alpn-01 challenges (RFC 8737) from shared
// memory. publish() makes a self-signed P-256 certificate for the identifier
// carrying the critical acmeIdentifier extension (SHA-256 of the key
// authorization, §3) and stores "certificate PEM + key PEM" in a blob table
// keyed by the TLS server name the CA will send (tls_alpn01_server_name);
// workers hand it to mod_ssl in the acme-tls/1 handshake (httpd/tls_alpn.cc)
// without touching the disk. withdraw() removes it.
//
// The table is an AlpnCertTable (shm/alpn_cert_table.h), a shared-memory
// region of its own. One server
// name can show one certificate at a time, so while a token is published for
// a name, publishing another token for it (a second order for the same name,
// e.g. another ACMEKeyType) fails and is retried later, instead of silently
// breaking the validation that is already running.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "shm/alpn_cert_table.h"
#include "shm/ocsp_table.h"
#include "solve/challenge_responder.h"

namespace acme {

// RFC 8737 §3 / RFC 8738 §6: the SNI of the CA's handshake. A DNS name in
// lower case; an IP address as its reverse-DNS name ("1.0.0.127.in-addr.arpa",
// the nibble form under ip6.arpa for IPv6); "" for anything else.
std::string tls_alpn01_server_name(const Identifier& id);
// The reverse-DNS name of an IP address (RFC 1035 §3.5, RFC 3596 §2.5), no
// trailing dot; "" if ip is not an IP address.
std::string reverse_dns_name(const std::string& ip);
// What a handshake's SNI is looked up as: lower case, no trailing dot.
std::string normalized_server_name(const std::string& sni);

// A stored answer split back into the certificate and its key.
bool split_challenge_pems(const std::string& blob, std::string* cert_pem, std::string* key_pem);

class TlsAlpn01Responder : public ChallengeResponder {
 public:
  TlsAlpn01Responder(AlpnCertTable& table, const Clock& clock) : table_(table), clock_(clock) {}
  TlsAlpn01Responder(const TlsAlpn01Responder&) = delete;
  TlsAlpn01Responder& operator=(const TlsAlpn01Responder&) = delete;

  // The watchdog starts: whatever a previous life left in the table goes;
  // running jobs publish theirs again on their next step.
  void withdraw_all();
  // Only these names (ACMEDomain spelling) from now on; httpd/ passes those
  // of vhosts whose Protocols allow acme-tls/1. Not called: any name.
  void answer_only(const std::vector<std::string>& names);

  // ChallengeResponder:
  const char* type() const override { return "tls-alpn-01"; }
  // DNS names and IP addresses (RFC 8738 §6), never wildcards (RFC 8737 §3).
  bool can_answer(const Identifier& id, bool wildcard) const override;
  Status publish(const Identifier& id, const std::string& token,
                 const std::string& key_authorization) override;
  void withdraw(const Identifier& id, const std::string& token) override;

  // The certificate PEM + key PEM publish() made for token and id, as served
  // (on a cluster every node serves the same, renew/cluster_responder.h);
  // "" when token is not what this responder serves for id.
  std::string served_pems(const Identifier& id, const std::string& token) const;

 private:
  struct Served {
    std::string token;
    std::string pems;  // certificate PEM + key PEM
  };
  AlpnCertTable& table_;
  const Clock& clock_;
  std::map<std::string, Served> tokens_;  // by server name: what is published for it
  bool restricted_ = false;
  std::set<std::string> answerable_;  // server names, when restricted_
};

}  // namespace acme
