// mod_acme: the module record and register_hooks, the table of contents of
// the httpd edge. C linkage only here and in the other httpd/ callbacks.
#include <httpd.h>  // first: the other httpd headers need its types

#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <http_ssl.h>
#include <mod_status.h>
#include <mpm_common.h>

#include "httpd/activation.h"
#include "httpd/config.h"
#include "httpd/log_sink.h"
#include "httpd/request.h"
#include "httpd/stapling.h"
#include "httpd/startup.h"
#include "httpd/state.h"
#include "httpd/status.h"
#include "httpd/tls_alpn.h"
#include "httpd/watchdog.h"

using namespace acme;

extern "C" {

static int acme_check_config(apr_pool_t*, apr_pool_t*, apr_pool_t*, server_rec* s) {
  return guarded(s, HTTP_INTERNAL_SERVER_ERROR, [&] {
    Status error = check_config(all_directives(s));
    if (error.ok()) return OK;
    ServerLogSink(s).log(LogLevel::kError, kMsgConfig, error.message());
    return HTTP_INTERNAL_SERVER_ERROR;
  });
}

static int acme_post_config(apr_pool_t* pconf, apr_pool_t*, apr_pool_t* ptemp, server_rec* s) {
  return guarded(s, HTTP_INTERNAL_SERVER_ERROR, [&] { return startup(pconf, ptemp, s); });
}

// After every other module's post_config (mod_ssl's loads each vhost's files).
static int acme_post_config_last(apr_pool_t* pconf, apr_pool_t*, apr_pool_t*, server_rec* s) {
  if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) return OK;  // dry run
  return guarded(s, OK, [&] {
    note_restart_done(s);
    start_parent_threads(pconf);
    return OK;
  });
}

static int acme_add_cert_files(server_rec* s, apr_pool_t*, apr_array_header_t* certs,
                               apr_array_header_t* keys) {
  const ServerConf* sc = server_conf(s);
  if (!sc || sc->cert_files.empty()) return DECLINED;
  for (std::size_t i = 0; i < sc->cert_files.size(); ++i) {  // one pair per key type
    APR_ARRAY_PUSH(certs, const char*) = sc->cert_files[i].c_str();
    APR_ARRAY_PUSH(keys, const char*) = sc->key_files[i].c_str();
  }
  return OK;
}

static int acme_add_fallback_cert_files(server_rec* s, apr_pool_t*, apr_array_header_t* certs,
                                        apr_array_header_t* keys) {
  const ServerConf* sc = server_conf(s);
  if (!sc || sc->fallback_cert_file.empty()) return DECLINED;
  APR_ARRAY_PUSH(certs, const char*) = sc->fallback_cert_file.c_str();
  APR_ARRAY_PUSH(keys, const char*) = sc->fallback_key_file.c_str();
  return OK;
}

static int acme_ocsp_prime(server_rec* s, apr_pool_t* p, const char* id, apr_size_t id_len,
                           const char* pem) {
  return guarded(s, DECLINED, [&] { return ocsp_prime(s, p, id, id_len, pem); });
}

static int acme_ocsp_get_resp(server_rec* s, conn_rec* c, const char* id, apr_size_t id_len,
                              ap_ssl_ocsp_copy_resp* cb, void* userdata) {
  return guarded(s, DECLINED, [&] { return ocsp_get_response(s, c, id, id_len, cb, userdata); });
}

static int acme_protocol_propose(conn_rec* c, request_rec* r, server_rec* s,
                                 const apr_array_header_t* offers, apr_array_header_t* proposals) {
  return guarded(s ? s : c->base_server, DECLINED,
                 [&] { return tls_alpn_propose(c, r, s, offers, proposals); });
}

static int acme_protocol_switch(conn_rec* c, request_rec* r, server_rec* s, const char* protocol) {
  return guarded(c->base_server, DECLINED, [&] { return tls_alpn_switch(c, r, s, protocol); });
}

static const char* acme_protocol_get(const conn_rec* c) {
  return tls_alpn_protocol(c);  // no C++ that could throw
}

static int acme_answer_challenge(conn_rec* c, const char* server_name, const char** cert_pem,
                                 const char** key_pem) {
  return guarded(c->base_server, DECLINED,
                 [&] { return tls_alpn_answer(c, server_name, cert_pem, key_pem); });
}

static int acme_post_read_request(request_rec* r) {
  return guarded(r->server, DECLINED, [&] { return answer_request(r); });
}

static int acme_quick_handler(request_rec* r, int lookup_uri) {
  return guarded(r->server, DECLINED, [&] { return send_decided_answer(r, lookup_uri); });
}

static int acme_handler(request_rec* r) {
  return guarded(r->server, HTTP_INTERNAL_SERVER_ERROR, [&] { return status_handler(r); });
}

static int acme_status_section(request_rec* r, int flags) {
  return guarded(r->server, OK, [&] { return status_section(r, flags); });
}

static int acme_monitor(apr_pool_t*, server_rec* s) {
  guarded(s, 0, [&] {
    if (ModuleState* st = module_state()) check_activation(*st);
    return 0;
  });
  return DECLINED;
}

static void acme_child_init(apr_pool_t* pchild, server_rec* s) {
  guarded(s, 0, [&] {
    watchdog_child_init(pchild);
    return 0;
  });
}

static void acme_register_hooks(apr_pool_t*) {
  static const char* const before_ssl[] = {"mod_ssl.c", nullptr};

  // Configuration: cross-directive checks so `apachectl -t` catches them.
  ap_hook_check_config(acme_check_config, nullptr, nullptr, APR_HOOK_MIDDLE);
  // Startup: must run before mod_ssl loads certificates, so the files it is
  // handed (live set or fallback) exist by then.
  ap_hook_post_config(acme_post_config, nullptr, before_ssl, APR_HOOK_MIDDLE);
  ap_hook_post_config(acme_post_config_last, nullptr, nullptr, APR_HOOK_REALLY_LAST);
  // Children: exiting waits for a running watchdog tick (httpd/watchdog.h).
  ap_hook_child_init(acme_child_init, nullptr, nullptr, APR_HOOK_MIDDLE);
  // Certificates for mod_ssl through httpd's core hooks (http_ssl.h).
  ap_hook_ssl_add_cert_files(acme_add_cert_files, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_ssl_add_fallback_cert_files(acme_add_fallback_cert_files, nullptr, nullptr,
                                      APR_HOOK_MIDDLE);
  // OCSP stapling: mod_ssl primes each certificate (parent) and asks for the
  // response in each handshake (workers), answered from shared memory.
  ap_hook_ssl_ocsp_prime_hook(acme_ocsp_prime, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_ssl_ocsp_get_resp_hook(acme_ocsp_get_resp, nullptr, nullptr, APR_HOOK_MIDDLE);
  // tls-alpn-01: in the handshake mod_ssl selects the ALPN protocol (we
  // propose acme-tls/1 for a name with a published challenge and accept the
  // switch), then asks for the certificate that answers it, from shared memory.
  ap_hook_protocol_propose(acme_protocol_propose, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_protocol_switch(acme_protocol_switch, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_protocol_get(acme_protocol_get, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_ssl_answer_challenge(acme_answer_challenge, nullptr, nullptr, APR_HOOK_MIDDLE);
  // Requests: http-01 answers before auth, rewrites and redirects, and
  // before mod_ssl's own 503 for fallback connections.
  ap_hook_post_read_request(acme_post_read_request, nullptr, before_ssl, APR_HOOK_REALLY_FIRST);
  // ...and sent from the quick handler, before translate_name, auth and any
  // other handler, without dropping keep-alive as an answer from
  // post_read_request would.
  ap_hook_quick_handler(acme_quick_handler, nullptr, nullptr, APR_HOOK_REALLY_FIRST);
  // Status for people and machines: SetHandler acme-status, and a section
  // in mod_status' server-status (an optional hook: mod_status may be absent).
  ap_hook_handler(acme_handler, nullptr, nullptr, APR_HOOK_MIDDLE);
  APR_OPTIONAL_HOOK(ap, status_hook, acme_status_section, nullptr, nullptr, APR_HOOK_MIDDLE);
  // Activation: a thread in the parent (started by post_config, see
  // httpd/activation.h) notices a staged set within a tick and restarts
  // gracefully; the monitor hook (about every 10 s) is its fallback and
  // tells the admin under ACMEActivation manual.
  ap_hook_monitor(acme_monitor, nullptr, nullptr, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA acme_module = {STANDARD20_MODULE_STUFF,
                                             nullptr,             // per-directory config
                                             nullptr,             // merge per-directory
                                             create_server_conf,  // per-server config
                                             merge_server_conf,   // merge per-server
                                             kDirectives,
                                             acme_register_hooks,
#if defined(AP_MODULE_FLAG_NONE)
                                             AP_MODULE_FLAG_ALWAYS_MERGE
#endif
};

}  // extern "C"
