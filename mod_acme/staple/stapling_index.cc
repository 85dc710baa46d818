#include "staple/stapling_index.h"

#include "staple/ocsp_refresher.h"

namespace acme {

bool StaplingIndex::prime(const Store& store, const std::vector<ManagedCert>& certs,
                          const std::string& id, const std::string& pem) {
  if (!leaves_read_) {
    leaves_read_ = true;
    for (const auto& cert : certs) live_leaves_.add(store, cert.name);
  }
  const LiveLeaf* leaf = live_leaves_.find(pem);
  if (!leaf || leaf->responder.empty()) return false;
  ids_[id] = {leaf->name, leaf->serial};
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
