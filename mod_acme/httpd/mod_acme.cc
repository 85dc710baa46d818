// mod_acme: the module record and register_hooks, the table of contents of
// the httpd edge (the callbacks are declared in httpd/glue.h), and the
// running configuration's state.
#include <httpd.h>  // first: the other httpd headers need its types

#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <http_ssl.h>
#include <mod_status.h>
#include <mpm_common.h>

#include "httpd/glue.h"

namespace acme {

namespace {
ModuleState* g_state = nullptr;  // plain pointer: nothing to destroy at unload
}

ModuleState* module_state() {
  return g_state;
}
void set_module_state(ModuleState* state) {
  g_state = state;
}

}  // namespace acme

using acme::kDirectives;

extern "C" {

static void acme_register_hooks(apr_pool_t*) {
  static const char* const before_ssl[] = {"mod_ssl.c", nullptr};

  // Configuration: cross-directive checks so `apachectl -t` catches them.
  ap_hook_check_config(acme_check_config, nullptr, nullptr, APR_HOOK_MIDDLE);
  // Startup: must run before mod_ssl loads certificates, so the files it is
  // handed (live set or fallback) exist by then.
  ap_hook_post_config(acme_post_config, nullptr, before_ssl, APR_HOOK_MIDDLE);
  ap_hook_post_config(acme_post_config_last, nullptr, nullptr, APR_HOOK_REALLY_LAST);
  // Children: exiting waits for a running watchdog tick (httpd/watchdog.cc).
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
  ap_hook_handler(acme_status_handler, nullptr, nullptr, APR_HOOK_MIDDLE);
  APR_OPTIONAL_HOOK(ap, status_hook, acme_status_section, nullptr, nullptr, APR_HOOK_MIDDLE);
  // Activation: a thread in the parent (started by post_config, see
  // httpd/activation.cc) notices a staged set within a tick and restarts
  // gracefully; the monitor hook (about every 10 s) is its fallback and
  // tells the admin under ACMEActivation manual.
  ap_hook_monitor(acme_monitor, nullptr, nullptr, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA acme_module = {STANDARD20_MODULE_STUFF,
                                             nullptr,                  // per-directory config
                                             nullptr,                  // merge per-directory
                                             acme_create_server_conf,  // per-server config
                                             acme_merge_server_conf,   // merge per-server
                                             kDirectives.data(),
                                             acme_register_hooks,
#if defined(AP_MODULE_FLAG_NONE)
                                             AP_MODULE_FLAG_ALWAYS_MERGE
#endif
};

}  // extern "C"
