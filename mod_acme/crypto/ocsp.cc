#include "crypto/ocsp.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

#include "base/enum_names.h"
#include "base/handle.h"
#include "base/time_format.h"
#include "crypto/cert_facts.h"
#include "crypto/key.h"

namespace acme {

namespace {

using CertIdDeleter = FreeWith<OCSP_CERTID_free>;
using RequestDeleter = FreeWith<OCSP_REQUEST_free>;
using ResponseDeleter = FreeWith<OCSP_RESPONSE_free>;
using BasicDeleter = FreeWith<OCSP_BASICRESP_free>;
using CertIdPtr = std::unique_ptr<OCSP_CERTID, CertIdDeleter>;
using BasicPtr = std::unique_ptr<OCSP_BASICRESP, BasicDeleter>;

// RFC 6960 §4.2.2.1: responders and clients may differ a little in time.
constexpr Seconds kClockSkew{300};

Status failed(const std::string& message) {
  return Status(Code::kVerifyFailed, message);
}

std::string what(const Certificate& leaf) {
  std::vector<std::string> names = leaf.names();
  return names.empty() ? "'" + leaf.subject() + "'" : names.front();
}

std::string aia_uri(const Certificate& cert, int method) {
  return cert.get() ? acme::aia_uri(X509_get0_extensions(cert.get()), method) : std::string();
}

// Catches a caller pairing a leaf with the wrong CA before any CertID built
// from the pair silently matches nothing.
Status check_issued(const Certificate& leaf, const Certificate& issuer) {
  if (!leaf.get() || !issuer.get()) {
    return Status(Code::kInvalidArgument, "OCSP needs both a certificate and its issuer");
  }
  if (X509_check_issued(issuer.get(), leaf.get()) != X509_V_OK) {
    return Status(Code::kInvalidArgument, "certificate for " + what(leaf) + " was not issued by '" +
                                              issuer.subject() + "' (its issuer is '" +
                                              leaf.issuer() + "')");
  }
  return Status::ok_status();
}

// RFC 6960 §4.1.1 CertID; SHA-1 per RFC 5019 §2.1.1.
Result<CertIdPtr> cert_id(const Certificate& leaf, const Certificate& issuer) {
  CertIdPtr id(OCSP_cert_to_id(EVP_sha1(), leaf.get(), issuer.get()));
  if (!id) return crypto_error("building the OCSP CertID for " + what(leaf));
  return Result<CertIdPtr>(std::move(id));
}

Result<BasicPtr> parse_basic(const std::string& der, const std::string& name) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<OCSP_RESPONSE, ResponseDeleter> response(
      d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  if (!response) {
    return failed("OCSP response for " + name + " is malformed: " + openssl_errors());
  }
  // It is stapled as received: trailing bytes would reach every client.
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return failed("OCSP response for " + name + " has trailing data");
  }
  int status = OCSP_response_status(response.get());
  if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    return failed("OCSP responder for " + name + " answered " + OCSP_response_status_str(status) +
                  " (responseStatus " + std::to_string(status) + ") instead of a status");
  }
  BasicPtr basic(OCSP_response_get1_basic(response.get()));
  if (!basic) {
    return failed("OCSP response for " + name + " is not a BasicOCSPResponse: " + openssl_errors());
  }
  return Result<BasicPtr>(std::move(basic));
}

// OCSP_basic_verify puts the X509 verify reason ("unable to get local issuer
// certificate") in the error's data, which openssl_errors() leaves out.
std::string verify_errors() {
  const char* data = nullptr;
  int flags = 0;
  std::string detail;
  if (ERR_peek_last_error_data(&data, &flags) != 0 && data && (flags & ERR_TXT_STRING)) {
    detail = data;
  }
  std::string errors = openssl_errors();
  return detail.empty() ? errors : errors + " (" + detail + ")";
}

// RFC 6960 §4.2.2.2: the issuer signs, or a responder it certified with
// id-kp-OCSPSigning. Only the issuer is trusted, as a partial chain judged at
// now. OCSP_basic_verify then requires the signer to be the issuer, or be
// issued by it and carry the EKU. Never OCSP_NOCHECKS: it would accept any
// certificate the issuer ever signed, e.g. another customer's TLS leaf.
Status check_signer(OCSP_BASICRESP* basic, const Certificate& issuer, TimePoint now,
                    const std::string& name) {
  X509StorePtr store(X509_STORE_new());
  X509StackPtr certs(sk_X509_new_null());
  if (!store || !certs || X509_STORE_add_cert(store.get(), issuer.get()) != 1 ||
      sk_X509_push(certs.get(), issuer.get()) <= 0) {
    return crypto_error("preparing OCSP verification for " + name);
  }
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), static_cast<time_t>(to_unix(now)));
  // certs finds an issuer that signed without enclosing its certificate.
  if (OCSP_basic_verify(basic, certs.get(), store.get(), 0) != 1) {
    return failed("OCSP response for " + name + " is not signed by its issuer '" +
                  issuer.subject() + "' or a responder it delegated to: " + verify_errors());
  }
  return Status::ok_status();
}

// RFC 6960 §4.2.2.1 and §2.4: thisUpdate not in the future (beyond skew),
// nextUpdate, when given, still ahead.
Status check_times(const OcspResult& result, bool has_next, TimePoint now,
                   const std::string& name) {
  if (result.this_update > now + kClockSkew) {
    return failed("OCSP response for " + name + " is not yet valid: thisUpdate " +
                  format_rfc3339(result.this_update) + " is after now (" + format_rfc3339(now) +
                  "); check the system clock");
  }
  if (!has_next) return Status::ok_status();
  if (result.next_update < result.this_update) {
    return failed("OCSP response for " + name + " is malformed: nextUpdate " +
                  format_rfc3339(result.next_update) + " precedes thisUpdate " +
                  format_rfc3339(result.this_update));
  }
  if (result.next_update <= now) {
    return failed("OCSP response for " + name + " is stale: nextUpdate " +
                  format_rfc3339(result.next_update) + " is in the past");
  }
  return Status::ok_status();
}

Result<OcspResult> read_status(OCSP_BASICRESP* basic, OCSP_CERTID* id, TimePoint now,
                               const std::string& name) {
  int status = -1, reason = -1;
  ASN1_GENERALIZEDTIME *revoked = nullptr, *this_update = nullptr, *next_update = nullptr;
  if (OCSP_resp_find_status(basic, id, &status, &reason, &revoked, &this_update, &next_update) !=
      1) {
    return failed("OCSP response for " + name +
                  " has no status for this certificate (it answers for another one)");
  }
  OcspResult result;
  result.status = status == V_OCSP_CERTSTATUS_GOOD      ? CertStatus::kGood
                  : status == V_OCSP_CERTSTATUS_REVOKED ? CertStatus::kRevoked
                                                        : CertStatus::kUnknown;
  result.this_update = asn1_time_point(this_update);
  result.next_update = next_update ? asn1_time_point(next_update) : result.this_update;
  if (result.status == CertStatus::kRevoked) {
    result.revoked_at = asn1_time_point(revoked);
    result.reason = reason;
  }
  ACME_RETURN_IF_ERROR(check_times(result, next_update != nullptr, now, name));
  return result;
}

}  // namespace

std::string ocsp_url(const Certificate& cert) {
  return aia_uri(cert, NID_ad_OCSP);
}

std::string ca_issuers_url(const Certificate& cert) {
  return aia_uri(cert, NID_ad_ca_issuers);
}

// RFC 6960 §4.1.1: one Request, no requestorName, signature or extensions.
Result<std::string> make_ocsp_request(const Certificate& leaf, const Certificate& issuer) {
  ERR_clear_error();
  ACME_RETURN_IF_ERROR(check_issued(leaf, issuer));
  Result<CertIdPtr> id = cert_id(leaf, issuer);
  ACME_RETURN_IF_ERROR(id);
  std::unique_ptr<OCSP_REQUEST, RequestDeleter> request(OCSP_REQUEST_new());
  if (!request || !OCSP_request_add0_id(request.get(), id->get())) {
    return crypto_error("building an OCSP request for " + what(leaf));
  }
  id->release();  // the request owns it now
  unsigned char* der = nullptr;
  int len = i2d_OCSP_REQUEST(request.get(), &der);
  if (len <= 0) return crypto_error("encoding the OCSP request for " + what(leaf));
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

const char* cert_status_name(CertStatus status) {
  static constexpr EnumName<CertStatus> kNames[] = {
      {CertStatus::kGood, "good"},
      {CertStatus::kRevoked, "revoked"},
      {CertStatus::kUnknown, "unknown"},
  };
  return name_of(status, kNames, "unknown");
}

Result<OcspResult> verify_ocsp_response(const std::string& der, const Certificate& leaf,
                                        const Certificate& issuer, TimePoint now) {
  ERR_clear_error();
  ACME_RETURN_IF_ERROR(check_issued(leaf, issuer));
  std::string name = what(leaf);
  Result<BasicPtr> basic = parse_basic(der, name);
  ACME_RETURN_IF_ERROR(basic);
  ACME_RETURN_IF_ERROR(check_signer(basic->get(), issuer, now, name));
  Result<CertIdPtr> id = cert_id(leaf, issuer);
  ACME_RETURN_IF_ERROR(id);
  Result<OcspResult> result = read_status(basic->get(), id->get(), now, name);
  if (result.ok()) result->der = der;
  ERR_clear_error();
  return result;
}

}  // namespace acme
