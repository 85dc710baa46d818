// Fuzzes what mod_acme reads as certificates: PEM chains (from the CA's
// download and from the store), single DER certificates (AIA caIssuers and
// "up" links) and private keys from the store, then every fact the module
// takes from a parsed certificate (dates, names, serial, AIA URLs, the ARI
// certID). The same input is tried as each form.
#include <cstddef>
#include <cstdint>
#include <string>

#include "acme/ari.h"
#include "crypto/certificate.h"
#include "crypto/key.h"
#include "crypto/ocsp.h"
#include "fuzz_util.h"

namespace acme {
namespace {

void inspect(const Certificate& cert) {
  (void)cert.to_pem();
  (void)cert.to_der();
  (void)cert.not_before();
  (void)cert.not_after();
  (void)cert.serial_hex();
  (void)cert.subject();
  (void)cert.issuer();
  (void)cert.names();
  (void)cert.self_issued();
  (void)ocsp_url(cert);
  (void)ca_issuers_url(cert);
  (void)ari_cert_id(cert);
}

}  // namespace
}  // namespace acme

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input = acme::fuzz::text(data, size);
  auto chain = acme::Certificate::parse_pem_chain(input);
  if (chain.ok()) {
    for (const auto& cert : *chain) acme::inspect(cert);
    (void)acme::chain_pem(*chain, 1);
  }
  auto der = acme::Certificate::from_der(input);
  if (der.ok()) acme::inspect(*der);
  (void)acme::pem_from_pem_or_der(input);
  (void)acme::PrivateKey::from_pem(input);
  return 0;
}
