// tls-alpn-01 (RFC 8737) at the httpd edge. The CA opens a TLS connection
// to port 443 offering only the ALPN protocol "acme-tls/1" with the name it
// validates as SNI (the reverse-DNS name for an IP address, RFC 8738 §6).
// mod_ssl asks the protocol hooks which protocol to take and then, for one
// that is not h2 or http/1.1, asks ap_ssl_answer_challenge for a certificate
// that replaces the configured one:
//
//   protocol_propose  "acme-tls/1" if offered and a challenge certificate is
//                     published for the SNI (core keeps it only if the
//                     vhost's Protocols allow it)
//   protocol_switch   accept: the connection is for the handshake only
//   protocol_get      "acme-tls/1" on such connections
//   answer_challenge  certificate + key PEM from shared memory (no disk)
//
// The watchdog's TlsAlpn01Responder (renew/tls_alpn01_responder.h) writes
// ModuleState::alpn_table; workers only read it (solve/tls_alpn_answer.h).
#pragma once

#include <httpd.h>  // first: the other httpd headers need its types

#include <string>
#include <vector>

#include "base/log.h"
#include "solve/tls_alpn_answer.h"

namespace acme {

// Parent, post_config: solve/tls_alpn_answer.h's plan_tls_alpn for the
// vhosts with ACMEDomain names.
bool check_tls_alpn(server_rec* main_server, LogSink& log, std::vector<std::string>* names);

int tls_alpn_propose(conn_rec* c, request_rec* r, server_rec* s, const apr_array_header_t* offers,
                     apr_array_header_t* proposals);
int tls_alpn_switch(conn_rec* c, request_rec* r, server_rec* s, const char* protocol);
const char* tls_alpn_protocol(const conn_rec* c);
int tls_alpn_answer(conn_rec* c, const char* server_name, const char** cert_pem,
                    const char** key_pem);

}  // namespace acme
