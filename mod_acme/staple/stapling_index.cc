#include "staple/stapling_index.h"

#include "crypto/base64url.h"
#include "crypto/certificate.h"
#include "crypto/ocsp.h"
#include "staple/ocsp_refresher.h"
#include "store/layout.h"

namespace acme {

void StaplingIndex::read_live_leaves(const Store& store, const std::vector<ManagedCert>& certs) {
  leaves_read_ = true;
  for (const auto& cert : certs) {
    auto live = store.read(layout::live_dir(cert.name) + "/cert.pem");
    if (!live.ok()) continue;
    auto chain = Certificate::parse_pem_chain(*live);
    if (chain.ok()) live_leaves_.emplace(sha256(chain->front().to_der()), cert.name);
  }
}

bool StaplingIndex::prime(const Store& store, const std::vector<ManagedCert>& certs,
                          const std::string& id, const std::string& pem) {
  auto offered = Certificate::parse_pem_chain(pem);
  if (!offered.ok()) return false;
  if (!leaves_read_) read_live_leaves(store, certs);
  const Certificate& leaf = offered->front();
  auto it = live_leaves_.find(sha256(leaf.to_der()));
  if (it == live_leaves_.end() || ocsp_url(leaf).empty()) return false;
  ids_[id] = {it->second, leaf.serial_hex()};
  return true;
}

StaplingIndex::Answer StaplingIndex::response(const std::string& id, const OcspTable& table,
                                              std::string* der) const {
  auto it = ids_.find(id);
  if (it == ids_.end()) return Answer::kNotOurs;
  std::string entry;
  if (!table.get(it->second.first, &entry) || !staple_for_serial(entry, it->second.second, der))
    return Answer::kNoResponse;
  return Answer::kResponse;
}

}  // namespace acme
