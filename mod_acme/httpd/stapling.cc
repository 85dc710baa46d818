#include "httpd/stapling.h"

#include <map>
#include <string>

#include "crypto/base64url.h"
#include "crypto/certificate.h"
#include "crypto/ocsp.h"
#include "httpd/state.h"
#include "staple/ocsp_refresher.h"
#include "store/file_store.h"
#include "store/layout.h"

namespace acme {

namespace {

// Leaf digest -> certificate name for every live set, read once per
// configuration (the first prime of a post_config): mod_ssl primes each of
// its certificates, so looking every live set up per prime was O(N^2).
const std::map<std::string, std::string>& live_leaves(ModuleState& st) {
  if (st.live_leaves_read) return st.live_leaves;
  st.live_leaves_read = true;
  FileStore store(st.settings.store_dir);
  for (const auto& cert : st.certs) {
    auto live = store.read(layout::live_dir(cert.name) + "/cert.pem");
    if (!live.ok()) continue;
    auto certs = Certificate::parse_pem_chain(*live);
    if (certs.ok()) st.live_leaves.emplace(sha256(certs->front().to_der()), cert.name);
  }
  return st.live_leaves;
}

// The name of the managed certificate whose live leaf is the first
// certificate in pem, or null.
const std::string* managed_leaf(ModuleState& st, const std::string& pem,
                                std::string* ocsp_responder, std::string* serial) {
  auto offered = Certificate::parse_pem_chain(pem);
  if (!offered.ok()) return nullptr;
  const auto& leaves = live_leaves(st);
  auto it = leaves.find(sha256(offered->front().to_der()));
  if (it == leaves.end()) return nullptr;
  *ocsp_responder = ocsp_url(offered->front());
  *serial = offered->front().serial_hex();
  return &it->second;
}

}  // namespace

// Parent, during mod_ssl's post_config: we take over stapling for our own
// certificates that name a responder; everything else stays with mod_ssl.
int ocsp_prime(server_rec*, apr_pool_t*, const char* id, apr_size_t id_len, const char* pem) {
  ModuleState* st = module_state();
  if (!st || !st->settings.stapling || !pem) return DECLINED;
  std::string responder, serial;
  const std::string* name = managed_leaf(*st, pem, &responder, &serial);
  if (!name || responder.empty()) return DECLINED;
  st->ocsp_ids[std::string(id, id_len)] = {*name, serial};
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
