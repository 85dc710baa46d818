#include "staple/leaf_index.h"

#include "crypto/base64url.h"
#include "crypto/cert_facts.h"
#include "crypto/certificate.h"
#include "store/layout.h"

namespace acme {

void LeafIndex::add(const Store& store, const std::string& name) {
  auto pem = store.read(layout::file_in(layout::live_dir(name), layout::kCertFile));
  if (!pem.ok()) return;
  auto der = first_certificate_der(*pem);
  if (!der.ok()) return;
  ++parses_;
  auto facts = read_cert_facts(*der);
  if (!facts.ok()) return;
  by_digest_[sha256(*der)] = LiveLeaf{name, facts->serial_hex, facts->ocsp_url};
}

const LiveLeaf* LeafIndex::find(const std::string& pem) const {
  auto der = first_certificate_der(pem);
  if (!der.ok()) return nullptr;
  auto it = by_digest_.find(sha256(*der));
  return it == by_digest_.end() ? nullptr : &it->second;
}

}  // namespace acme
