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
// The watchdog's TlsAlpn01Responder (solve/tls_alpn01_responder.h) writes
// ModuleState::alpn_table; workers only read it (solve/tls_alpn_answer.h).
#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_ssl.h>

#include <cstring>
#include <string>

#include "httpd/glue.h"
#include "solve/tls_alpn_answer.h"

extern "C" module AP_MODULE_DECLARE_DATA acme_module;
APLOG_USE_MODULE(acme);

using namespace acme;

// Connection level only (r is null during the TLS handshake's ALPN).
int acme_protocol_propose(conn_rec* c, request_rec* r, server_rec* s,
                          const apr_array_header_t* offers, apr_array_header_t* proposals) {
  if (r || !offers || !ap_array_str_contains(offers, kAcmeTls1) || !ap_ssl_conn_is_ssl(c))
    return DECLINED;
  return guarded(s ? s : c->base_server, DECLINED, [&] {
    const ModuleState* st = module_state();
    if (!st || !challenge_published(st->alpn_table,
                                    ap_ssl_var_lookup(c->pool, s, c, nullptr, "SSL_TLS_SNI")))
      return DECLINED;
    APR_ARRAY_PUSH(proposals, const char*) = kAcmeTls1;
    return OK;
  });
}

// RFC 8737 §3: after the handshake the CA sends nothing and closes.
int acme_protocol_switch(conn_rec* c, request_rec* r, server_rec*, const char* protocol) {
  if (r || !protocol || std::strcmp(protocol, kAcmeTls1) != 0 || !ap_ssl_conn_is_ssl(c))
    return DECLINED;
  // The connection's module config: the protocol it switched to, a constant.
  ap_set_module_config(c->conn_config, &acme_module, const_cast<char*>(kAcmeTls1));
  c->keepalive = AP_CONN_CLOSE;
  return OK;
}

const char* acme_protocol_get(const conn_rec* c) {
  return static_cast<const char*>(ap_get_module_config(c->conn_config, &acme_module));
}

// mod_ssl replaces the vhost's certificate with this one for the handshake
// and answers any request on the connection with 503.
int acme_answer_challenge(conn_rec* c, const char* server_name, const char** cert_pem,
                          const char** key_pem) {
  const char* protocol = acme_protocol_get(c);
  if (!server_name || !protocol || std::strcmp(protocol, kAcmeTls1) != 0) return DECLINED;
  return guarded(c->base_server, DECLINED, [&] {
    const ModuleState* st = module_state();
    std::string cert, key;
    if (!st || !challenge_certificate(st->alpn_table, server_name, &cert, &key)) {
      ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, c,
                    "ACME%05d: acme-tls/1 handshake for %s: no tls-alpn-01 challenge is "
                    "published for that name",
                    kMsgTlsAlpnAnswer, server_name);
      return DECLINED;
    }
    *cert_pem = apr_pstrmemdup(c->pool, cert.data(), cert.size());
    *key_pem = apr_pstrmemdup(c->pool, key.data(), key.size());
    ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, c,
                  "ACME%05d: tls-alpn-01: answered the acme-tls/1 handshake for %s",
                  kMsgTlsAlpnAnswer, server_name);
    return OK;
  });
}
