// tls-alpn-01 (RFC 8737) in the handshake, without httpd: which vhosts'
// names the responder answers for, whether a handshake's SNI has a
// challenge certificate, and which certificate and key answer it. The CA
// sends the name it validates as SNI (the reverse-DNS name for an IP
// address, RFC 8738 §6) and offers only the ALPN protocol "acme-tls/1".
// httpd/tls_alpn.cc wires this into mod_ssl's hooks; the watchdog's
// TlsAlpn01Responder (renew/tls_alpn01_responder.h) writes the table.
#pragma once

#include <string>
#include <vector>

#include "base/log.h"
#include "config/settings.h"
#include "shm/alpn_cert_table.h"

namespace acme {

constexpr const char kAcmeTls1[] = "acme-tls/1";

// One vhost with ACMEDomain names, as the configuration has it.
struct TlsAlpnVhost {
  std::string where;                 // "name (file:line)", for the warning
  std::vector<std::string> domains;  // its ACMEDomain names
  bool allows_acme_tls1 = false;     // its Protocols allow acme-tls/1
  bool lists_tls_alpn01 = false;     // its ACMEChallenges lists tls-alpn-01
};

// A server's TlsAlpnVhost from its directives (their `where`, "FILE:LINE"),
// its ServerName and whether its Protocols allow acme-tls/1.
TlsAlpnVhost tls_alpn_vhost(const VhostDirectives& directives, const std::string& server_name,
                            bool allows_acme_tls1);

// Collects the names of vhosts that allow acme-tls/1 (the only names
// tls-alpn-01 answers for), and warns (ACME10160) for each vhost whose
// ACMEChallenges lists tls-alpn-01 without allowing it. True if the
// responder is worth registering: some vhost allows the protocol or asks for
// tls-alpn-01 (which then fails without asking the CA, instead of falling
// back to another type).
bool plan_tls_alpn(const std::vector<TlsAlpnVhost>& vhosts, LogSink& log,
                   std::vector<std::string>* names);

// A challenge certificate is published for this SNI (null or "": no).
bool challenge_published(const AlpnCertTable& table, const char* sni);
// The certificate and key PEM that answer the handshake for sni.
bool challenge_certificate(const AlpnCertTable& table, const char* sni, std::string* cert_pem,
                           std::string* key_pem);

}  // namespace acme
