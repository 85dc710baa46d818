// OCSP stapling through httpd's core hooks (http_ssl.h): mod_ssl primes
// each certificate at startup (parent), then asks for the response in every
// handshake (workers); staple/stapling_index.h decides both.
#include <httpd.h>  // first: the other httpd headers need its types

#include <http_core.h>  // ap_state_query

#include <string>

#include "httpd/glue.h"
#include "store/file_store.h"

using namespace acme;

// Parent, during mod_ssl's post_config.
int acme_ocsp_prime(server_rec* s, apr_pool_t*, const char* id, apr_size_t id_len,
                    const char* pem) {
  return guarded(s, DECLINED, [&] {
    ModuleState* st = module_state();
    if (!st || !st->settings.stapling || !pem) return DECLINED;
    // The dry run's configuration is thrown away unused: nothing to take over.
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) return DECLINED;
    FileStore store(st->settings.store_dir);
    return st->stapling.prime(store, st->certs, std::string(id, id_len), pem) ? OK : DECLINED;
  });
}

// Workers, in the handshake: shared memory only.
int acme_ocsp_get_resp(server_rec* s, conn_rec*, const char* id, apr_size_t id_len,
                       ap_ssl_ocsp_copy_resp* cb, void* userdata) {
  return guarded(s, DECLINED, [&] {
    const ModuleState* st = module_state();
    std::string der;
    switch (st ? st->stapling.response(std::string(id, id_len), st->ocsp_table, &der)
               : StaplingIndex::Answer::kNotOurs) {
      case StaplingIndex::Answer::kNotOurs:
        return DECLINED;
      case StaplingIndex::Answer::kNoResponse:
        cb(nullptr, 0, userdata);  // primed, but no response (yet) for this leaf
        return OK;
      case StaplingIndex::Answer::kResponse:
        cb(reinterpret_cast<const unsigned char*>(der.data()), der.size(), userdata);
        return OK;
    }
    return DECLINED;
  });
}
