#include "httpd/stapling.h"

#include <http_core.h>  // ap_state_query

#include <string>

#include "httpd/state.h"
#include "store/file_store.h"

namespace acme {

// Parent, during mod_ssl's post_config.
int ocsp_prime(server_rec*, apr_pool_t*, const char* id, apr_size_t id_len, const char* pem) {
  ModuleState* st = module_state();
  if (!st || !st->settings.stapling || !pem) return DECLINED;
  // The dry run's configuration is thrown away unused: nothing to take over.
  if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) return DECLINED;
  FileStore store(st->settings.store_dir);
  return st->stapling.prime(store, st->certs, std::string(id, id_len), pem) ? OK : DECLINED;
}

// Workers, in the handshake: shared memory only.
int ocsp_get_response(server_rec*, conn_rec*, const char* id, apr_size_t id_len,
                      ap_ssl_ocsp_copy_resp* cb, void* userdata) {
  const ModuleState* st = module_state();
  if (!st) return DECLINED;
  std::string der;
  switch (st->stapling.response(std::string(id, id_len), st->ocsp_table, &der)) {
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
}

}  // namespace acme
