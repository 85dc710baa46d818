// Fuzzes OCSP response verification (RFC 6960), fed by the network (the
// responder) and the store (persisted responses): the input is a DER
// OCSPResponse checked against the fixed CA and leaf in ocsp_fixture.h, which
// the seeds in corpus/ocsp_fuzz were made for (make_crypto_seeds.sh).
#include <cstddef>
#include <cstdint>
#include <string>

#include "crypto/certificate.h"
#include "crypto/ocsp.h"
#include "fuzz_util.h"
#include "ocsp_fixture.h"

namespace {

const acme::Certificate& fixture(const char* pem) {
  auto chain = acme::Certificate::parse_pem_chain(pem);
  if (!chain.ok()) __builtin_trap();  // the fixture itself is broken
  return *new acme::Certificate(std::move(chain->front()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const acme::Certificate& issuer = fixture(kFixtureIssuerPem);
  static const acme::Certificate& leaf = fixture(kFixtureLeafPem);
  auto result = acme::verify_ocsp_response(acme::fuzz::text(data, size), leaf, issuer,
                                           acme::fuzz::fixed_now());
  if (result.ok())
    (void)acme::cert_status_name(result->status);
  else
    (void)result.status().to_string();
  return 0;
}
