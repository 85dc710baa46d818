// mod_acme: the module record and register_hooks, the table of contents of
// the httpd edge (the callbacks are declared in httpd/glue.h; each file's
// header says what its callbacks do). The comments here say why a hook sits
// where it does in httpd's order.
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

using acme::kDirectives;

extern "C" {

static void acme_register_hooks(apr_pool_t*) {
  static const char* const before_ssl[] = {"mod_ssl.c", nullptr};

  ap_hook_check_config(acme_check_config, nullptr, nullptr, APR_HOOK_MIDDLE);
  // Before mod_ssl loads certificates, so the files it is handed (live set
  // or fallback) exist by then; the activation thread only after every
  // other module's (httpd/activation.cc says why).
  ap_hook_post_config(acme_post_config, nullptr, before_ssl, APR_HOOK_MIDDLE);
  ap_hook_post_config(acme_post_config_last, nullptr, nullptr, APR_HOOK_REALLY_LAST);
  ap_hook_child_init(acme_child_init, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_ssl_add_cert_files(acme_add_cert_files, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_ssl_add_fallback_cert_files(acme_add_fallback_cert_files, nullptr, nullptr,
                                      APR_HOOK_MIDDLE);
  ap_hook_ssl_ocsp_prime_hook(acme_ocsp_prime, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_ssl_ocsp_get_resp_hook(acme_ocsp_get_resp, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_protocol_propose(acme_protocol_propose, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_protocol_switch(acme_protocol_switch, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_protocol_get(acme_protocol_get, nullptr, nullptr, APR_HOOK_MIDDLE);
  ap_hook_ssl_answer_challenge(acme_answer_challenge, nullptr, nullptr, APR_HOOK_MIDDLE);
  // http-01 answers are decided before auth, rewrites and redirects, and
  // before mod_ssl's own 503 for fallback connections...
  ap_hook_post_read_request(acme_post_read_request, nullptr, before_ssl, APR_HOOK_REALLY_FIRST);
  // ...and sent from the quick handler, before translate_name, auth and any
  // other handler, without dropping keep-alive as an answer from
  // post_read_request would.
  ap_hook_quick_handler(acme_quick_handler, nullptr, nullptr, APR_HOOK_REALLY_FIRST);
  ap_hook_handler(acme_status_handler, nullptr, nullptr, APR_HOOK_MIDDLE);
  // An optional hook: mod_status may be absent.
  APR_OPTIONAL_HOOK(ap, status_hook, acme_status_section, nullptr, nullptr, APR_HOOK_MIDDLE);
  // The fallback of the activation thread (httpd/activation.cc).
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
