// FakeAcmeCa, the renewal extensions: renewal information (RFC 9773 §4),
// "replaces" (§5), profiles (draft-ietf-acme-profiles) and rate limits
// with Retry-After (RFC 8555 §6.6). Scripted by the knobs in the header.
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "base/time_format.h"
#include "crypto/base64url.h"
#include "fakes/fake_acme_ca.h"

namespace acme {
namespace testing {

namespace {

const std::string kErr = "urn:ietf:params:acme:error:";

}  // namespace

void FakeAcmeCa::add_ari_directory(Json& dir, Json& meta) const {
  if (renewal_window) dir.set("renewalInfo", std::string(kBase) + "/renewal-info");
  if (profiles.empty()) return;
  Json offered = Json::object();
  for (const auto& name : profiles) offered.set(name, "the " + name + " profile");
  meta.set("profiles", offered);
}

// RFC 5280 §4.2.1.2 method (1): SHA-1 of the issuer's subjectPublicKey.
std::string FakeAcmeCa::issuer_key_id() const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_pubkey_digest(pki_intermediate_.cert.get(), EVP_sha1(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

// Every leaf names its issuer's key, as real CAs' leaves do.
void FakeAcmeCa::add_authority_key_id(X509* leaf) const {
  AUTHORITY_KEYID* akid = AUTHORITY_KEYID_new();
  const std::string key_id = issuer_key_id();
  akid->keyid = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(akid->keyid, reinterpret_cast<const unsigned char*>(key_id.data()),
                        static_cast<int>(key_id.size()));
  X509_add1_ext_i2d(leaf, NID_authority_key_identifier, akid, 0, X509V3_ADD_DEFAULT);
  AUTHORITY_KEYID_free(akid);
}

// Computed here from what the fake put in the leaf, not with the module's
// code: base64url(AKI keyIdentifier) "." base64url(serial content octets).
std::string FakeAcmeCa::cert_id(long serial) const {
  std::string serial_bytes;
  for (long v = serial; v > 0; v >>= 8) serial_bytes.insert(0, 1, static_cast<char>(v & 0xff));
  if (serial_bytes.empty() || (serial_bytes[0] & 0x80)) serial_bytes.insert(0, 1, '\0');
  return base64url_encode(issuer_key_id()) + "." + base64url_encode(serial_bytes);
}

HttpResponse FakeAcmeCa::renewal_info(const HttpRequest& request) {
  ++renewal_info_requests_;
  const std::string id = request.url.substr(std::string(kBase).size() + 14);
  bool known = false;
  for (long serial = 101; serial <= serial_; ++serial) known = known || id == cert_id(serial);
  if (!renewal_window || request.method != "GET" || !known)
    return make_response(404, "", {{"content-type", "text/plain"}});
  auto [start, end] = renewal_window();
  Json window = Json::object().set("start", format_rfc3339(start)).set("end", format_rfc3339(end));
  Json body = Json::object().set("suggestedWindow", window);
  body.set("explanationURL", std::string(kBase) + "/why");
  HttpResponse r = json_response(200, body.dump());
  if (!renewal_retry_after.empty()) r.headers.emplace("retry-after", renewal_retry_after);
  return r;
}

// Before any order exists: refusals leave no order behind.
HttpResponse FakeAcmeCa::check_order_extensions(const Json& payload) {
  order_requests_.push_back(payload);
  if (rate_limited_orders > 0) {
    --rate_limited_orders;
    HttpResponse r = problem(429, kErr + "rateLimited", "too many new orders recently");
    if (!rate_limit_retry_after.empty()) r.headers.emplace("retry-after", rate_limit_retry_after);
    return r;
  }
  if (busy_orders > 0) {  // an overloaded front end: no problem document
    --busy_orders;
    HttpResponse r = make_response(503, "Service Unavailable", {{"content-type", "text/plain"}});
    if (!rate_limit_retry_after.empty()) r.headers.emplace("retry-after", rate_limit_retry_after);
    return r;
  }
  const std::string replaces = payload.get_string_or("replaces", "");
  if (!replaces.empty() && !refuse_replaces.empty()) {
    int status = refuse_replaces == kErr + "alreadyReplaced" ? 409 : 400;
    return problem(status, refuse_replaces, "cannot accept replaces " + replaces);
  }
  const std::string profile = payload.get_string_or("profile", "");
  if (!profile.empty() && refuse_profile)
    return problem(400, kErr + "invalidProfile", "profile " + profile + " is not available");
  return HttpResponse();
}

}  // namespace testing
}  // namespace acme
