// OCSP responses for unit tests, built with OpenSSL directly (RFC 6960
// §4.2) so the code under test does not make its own fixtures.
#pragma once

#include <openssl/ocsp.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "base/clock.h"
#include "crypto/certificate.h"
#include "crypto/test_pki.h"

namespace acme {
namespace testing {

struct Asn1TimeDeleter {
  void operator()(ASN1_TIME* t) const { ASN1_TIME_free(t); }
};
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Asn1TimeDeleter>;

inline Asn1TimePtr asn1_generalized_time(TimePoint t) {
  return Asn1TimePtr(ASN1_GENERALIZEDTIME_set(nullptr, static_cast<time_t>(to_unix(t))));
}

// What a responder says about one certificate, and how it signs.
struct OcspAnswer {
  int status = V_OCSP_CERTSTATUS_GOOD;
  int reason = OCSP_REVOKED_STATUS_NOSTATUS;
  TimePoint revoked_at{};
  TimePoint this_update{};
  TimePoint next_update{};       // TimePoint() for none
  unsigned long sign_flags = 0;  // OCSP_NOCERTS, OCSP_RESPID_KEY
};

// The DER OCSPResponse of response_status with basic (none: nullptr).
inline std::string ocsp_response_der(int response_status, OCSP_BASICRESP* basic) {
  OCSP_RESPONSE* response = OCSP_response_create(response_status, basic);
  unsigned char* der = nullptr;
  int len = i2d_OCSP_RESPONSE(response, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  OCSP_RESPONSE_free(response);
  return out;
}

// A DER OCSPResponse built with OpenSSL directly, signed by signer.
inline std::string ocsp_respond(const Certificate& cert, const Certificate& issuer,
                                const Issued& signer, const OcspAnswer& answer) {
  OCSP_BASICRESP* basic = OCSP_BASICRESP_new();
  OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert.get(), issuer.get());
  Asn1TimePtr revoked = asn1_generalized_time(answer.revoked_at);
  Asn1TimePtr this_update = asn1_generalized_time(answer.this_update);
  Asn1TimePtr next_update = asn1_generalized_time(answer.next_update);
  bool has_next = answer.next_update != TimePoint();
  if (!OCSP_basic_add1_status(basic, id, answer.status, answer.reason,
                              answer.status == V_OCSP_CERTSTATUS_REVOKED ? revoked.get() : nullptr,
                              this_update.get(), has_next ? next_update.get() : nullptr) ||
      OCSP_basic_sign(basic, signer.cert.get(), signer.key.get(), EVP_sha256(), nullptr,
                      answer.sign_flags) != 1) {
    std::abort();
  }
  std::string out = ocsp_response_der(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic);
  OCSP_CERTID_free(id);
  OCSP_BASICRESP_free(basic);
  return out;
}

// A "good" response for cert from this_update to next_update, signed by
// its issuer.
inline std::string good_ocsp_response(const Issued& cert, const Issued& issuer,
                                      TimePoint this_update, TimePoint next_update) {
  OcspAnswer answer;
  answer.this_update = this_update;
  answer.next_update = next_update;
  return ocsp_respond(cert.cert, issuer.cert, issuer, answer);
}

}  // namespace testing
}  // namespace acme
