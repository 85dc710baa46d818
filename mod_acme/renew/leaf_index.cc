#include "renew/leaf_index.h"

#include "crypto/base64url.h"
#include "crypto/certificate.h"
#include "crypto/ocsp.h"
#include "renew/layout.h"

namespace acme {

void LeafIndex::add(const Store& store, const std::string& name) {
  auto pem = store.read(layout::live_dir(name) + "/cert.pem");
  if (!pem.ok()) return;
  ++parses_;
  auto certs = Certificate::parse_pem_chain(*pem);
  if (!certs.ok()) return;
  const Certificate& leaf = certs->front();
  by_digest_[sha256(leaf.to_der())] = LiveLeaf{name, leaf.serial_hex(), ocsp_url(leaf)};
}

const LiveLeaf* LeafIndex::find(const std::string& pem) const {
  auto der = first_certificate_der(pem);
  if (!der.ok()) return nullptr;
  auto it = by_digest_.find(sha256(*der));
  return it == by_digest_.end() ? nullptr : &it->second;
}

}  // namespace acme
