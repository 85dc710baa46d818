#include "httpd/stapling.h"

#include <http_core.h>  // ap_state_query

#include <string>

#include "httpd/state.h"
#include "renew/leaf_index.h"
#include "renew/ocsp_refresher.h"
#include "store/file_store.h"

namespace acme {

namespace {

// Every live leaf, read once per configuration (the first prime of the real
// post_config): mod_ssl primes each of its certificates, so looking every
// live set up per prime was O(N^2).
const LeafIndex& live_leaves(ModuleState& st) {
  if (st.live_leaves_read) return st.live_leaves;
  st.live_leaves_read = true;
  FileStore store(st.settings.store_dir);
  for (const auto& cert : st.certs) st.live_leaves.add(store, cert.name);
  return st.live_leaves;
}

}  // namespace

// Parent, during mod_ssl's post_config: we take over stapling for our own
// certificates that name a responder; everything else stays with mod_ssl.
int ocsp_prime(server_rec*, apr_pool_t*, const char* id, apr_size_t id_len, const char* pem) {
  ModuleState* st = module_state();
  if (!st || !st->settings.stapling || !pem) return DECLINED;
  // The dry run's configuration is thrown away unused: nothing to take over.
  if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) return DECLINED;
  const LiveLeaf* leaf = live_leaves(*st).find(pem);
  if (!leaf || leaf->responder.empty()) return DECLINED;
  st->ocsp_ids[std::string(id, id_len)] = {leaf->name, leaf->serial};
  return OK;
}

// Workers, in the handshake: shared memory only.
int ocsp_get_response(server_rec*, conn_rec*, const char* id, apr_size_t id_len,
                      ap_ssl_ocsp_copy_resp* cb, void* userdata) {
  const ModuleState* st = module_state();
  if (!st) return DECLINED;
  auto it = st->ocsp_ids.find(std::string(id, id_len));
  if (it == st->ocsp_ids.end()) return DECLINED;
  std::string entry, der;
  // Only a response for this very leaf: after a renewal the entry may still
  // hold the predecessor's until the watchdog has fetched a new one.
  if (!st->ocsp_table.get(it->second.first, &entry) ||
      !staple_for_serial(entry, it->second.second, &der)) {
    cb(nullptr, 0, userdata);  // primed, but no response (yet) for this leaf
    return OK;
  }
  cb(reinterpret_cast<const unsigned char*>(der.data()), der.size(), userdata);
  return OK;
}

}  // namespace acme
