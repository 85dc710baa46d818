// FakeAcmeCa, its key material: the throwaway PKI it issues from, leaves for
// the CSRs it finalizes, and public keys rebuilt from the JWKs clients send.
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "crypto/base64url.h"
#include "fakes/fake_acme_ca.h"

namespace acme {
namespace testing {

namespace {

constexpr auto kDay = std::chrono::hours(24);

struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct BnDeleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;

Status bad_jwk(const std::string& why) {
  return Status(Code::kInvalidArgument, "fake CA: unusable JWK: " + why);
}

Result<std::string> member(const Json& jwk, const char* name) {
  auto text = jwk.get_string(name);
  if (!text.ok()) return bad_jwk(text.status().message());
  auto bytes = base64url_decode(*text);
  if (!bytes.ok() || bytes->empty()) return bad_jwk(std::string(name) + " is not base64url");
  return *bytes;
}

BnPtr to_bn(const std::string& bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr));
}

Result<PrivateKey> from_params(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return bad_jwk("OpenSSL refused the " + std::string(type) + " key: " + openssl_errors());
  }
  return PrivateKey::adopt(pkey);
}

bool is_ip(const std::string& name) {
  return name.find(':') != std::string::npos ||
         name.find_first_not_of("0123456789.") == std::string::npos;
}

}  // namespace

Result<PrivateKey> public_key_from_jwk(const Json& jwk) {
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  const std::string kty = jwk.get_string_or("kty", "");
  if (kty == "EC") {
    const std::string crv = jwk.get_string_or("crv", "");
    if (crv != "P-256" && crv != "P-384") return bad_jwk("curve '" + crv + "'");
    auto x = member(jwk, "x");
    auto y = member(jwk, "y");
    if (!x.ok()) return x.status();
    if (!y.ok()) return y.status();
    std::string point = "\x04" + *x + *y;
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, crv.c_str(), 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                     point.size());
    return from_params("EC", bld.get());
  }
  if (kty == "RSA") {
    auto n = member(jwk, "n");
    auto e = member(jwk, "e");
    if (!n.ok()) return n.status();
    if (!e.ok()) return e.status();
    BnPtr bn_n = to_bn(*n), bn_e = to_bn(*e);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get());
    return from_params("RSA", bld.get());
  }
  return bad_jwk("kty '" + kty + "'");
}

FakeAcmeCa::FakeAcmeCa(const ChallengeTable& table, const Clock& clock)
    : table_(table),
      clock_(clock),
      pki_root_(issue("Fake ACME Root", nullptr, "", clock.now() - 365 * kDay,
                      clock.now() + 3650 * kDay, 1)),
      pki_intermediate_(issue("Fake ACME Intermediate", &pki_root_, "", clock.now() - 30 * kDay,
                              clock.now() + 1000 * kDay, 2)),
      root_file_(std::make_unique<TempFile>(pki_root_.cert.to_pem())) {}

std::unique_ptr<HttpClient> FakeAcmeCa::client() {
  return std::make_unique<ForwardingHttpClient>(*this);
}

// A TLS server leaf for names with the CSR's public key, signed by the
// intermediate; valid from an hour ago for `validity`.
Result<std::string> FakeAcmeCa::issue_leaf(EVP_PKEY* public_key,
                                           const std::vector<std::string>& names) {
  Certificate cert(X509_new());
  X509* x = cert.get();
  const TimePoint now = clock_.now();
  X509_set_version(x, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x), ++serial_);
  ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(to_unix(now) - 3600));
  ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(to_unix(now + validity)));
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(names.front().c_str()), -1, -1,
                             0);
  X509* issuer = pki_intermediate_.cert.get();
  X509_set_issuer_name(x, X509_get_subject_name(issuer));
  if (X509_set_pubkey(x, public_key) != 1) return crypto_error("fake CA: setting the leaf key");
  std::string san;
  for (const auto& name : names)
    san += (san.empty() ? "" : ",") + std::string(is_ip(name) ? "IP:" : "DNS:") + name;
  add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE");
  add_ext(x, issuer, NID_key_usage, "critical,digitalSignature");
  add_ext(x, issuer, NID_ext_key_usage, "serverAuth");
  add_ext(x, issuer, NID_subject_alt_name, san.c_str());
  add_authority_key_id(x);  // fake_acme_ca_ari.cc
  if (X509_sign(x, pki_intermediate_.key.get(), EVP_sha256()) <= 0)
    return crypto_error("fake CA: signing the leaf");
  return cert.to_pem();
}

}  // namespace testing
}  // namespace acme
