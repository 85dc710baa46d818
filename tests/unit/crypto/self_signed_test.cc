#include "crypto/self_signed.h"

#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "crypto/base64url.h"
#include "crypto/certificate.h"
#include "crypto/crypto_test_util.h"
#include "crypto/verify.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z
const Seconds kThirtyDays(30 * 86400);

Certificate only_cert(const SelfSigned& set) {
  Result<std::vector<Certificate>> certs = Certificate::parse_pem_chain(set.cert_pem);
  CHECK_TRUE(certs.ok());
  LONGS_EQUAL(1, certs->size());
  return std::move((*certs)[0]);
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

// The extension with the given dotted OID, or null.
X509_EXTENSION* find_ext(const Certificate& cert, const char* oid) {
  ASN1_OBJECT* obj = OBJ_txt2obj(oid, 1);
  int at = X509_get_ext_by_OBJ(cert.get(), obj, -1);
  ASN1_OBJECT_free(obj);
  return at < 0 ? nullptr : X509_get_ext(cert.get(), at);
}

}  // namespace

TEST_GROUP(SelfSigned){};

TEST(SelfSigned, FallbackCertificate) {
  Result<SelfSigned> set = make_self_signed({"a.example", "www.a.example", "192.0.2.1"},
                                            KeyType::kP256, kNow, kThirtyDays);
  CHECK_TRUE(set.ok());
  Certificate cert = only_cert(*set);
  STRCMP_EQUAL("a.example www.a.example 192.0.2.1", join(cert.names()).c_str());
  STRCMP_EQUAL("CN=a.example", cert.subject().c_str());
  CHECK_TRUE(cert.self_issued());
  LONGS_EQUAL(to_unix(kNow) - 3600, to_unix(cert.not_before()));
  LONGS_EQUAL(to_unix(kNow + kThirtyDays), to_unix(cert.not_after()));
  LONGS_EQUAL(3, X509_get_version(cert.get()) + 1);
  CHECK_EQUAL(0, X509_check_ca(cert.get()));  // basicConstraints CA:FALSE
  CHECK_TRUE(find_ext(cert, "1.3.6.1.5.5.7.1.31") == nullptr);
  Result<PrivateKey> key = PrivateKey::from_pem(set->key_pem);
  CHECK_TRUE(key->type() == KeyType::kP256);
  CHECK_EQUAL(1, X509_check_private_key(cert.get(), key->get()));
  CHECK_EQUAL(1, X509_verify(cert.get(), key->get()));
}

TEST(SelfSigned, KeyTypeAndFreshSerials) {
  Result<SelfSigned> a = make_self_signed({"a.example"}, KeyType::kRsa2048, kNow, kThirtyDays);
  Result<SelfSigned> b = make_self_signed({"a.example"}, KeyType::kP384, kNow, kThirtyDays);
  CHECK_TRUE(PrivateKey::from_pem(a->key_pem)->type() == KeyType::kRsa2048);
  CHECK_TRUE(PrivateKey::from_pem(b->key_pem)->type() == KeyType::kP384);
  std::string serial = only_cert(*a).serial_hex();
  CHECK_TRUE(serial.size() >= 30);
  CHECK_TRUE(serial != only_cert(*b).serial_hex());
}

// RFC 8737 §3: critical id-pe-acmeIdentifier whose value is the DER OCTET
// STRING of SHA-256(key authorization).
TEST(SelfSigned, AcmeIdentifierExtension) {
  std::string digest = sha256("token.thumbprint");
  Result<SelfSigned> set =
      make_self_signed({"a.example"}, KeyType::kP256, kNow, Seconds(3600), digest);
  CHECK_TRUE(set.ok());
  Certificate cert = only_cert(*set);
  X509_EXTENSION* ext = find_ext(cert, "1.3.6.1.5.5.7.1.31");
  CHECK_TRUE(ext != nullptr);
  CHECK_EQUAL(1, X509_EXTENSION_get_critical(ext));
  ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
  std::string der(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                  static_cast<std::size_t>(ASN1_STRING_length(value)));
  CHECK_TRUE(std::string("\x04\x20", 2) + digest == der);
  STRCMP_EQUAL("a.example", join(cert.names()).c_str());
}

TEST(SelfSigned, RejectsBadInput) {
  CHECK_FALSE(make_self_signed({}, KeyType::kP256, kNow, kThirtyDays).ok());
  CHECK_FALSE(make_self_signed({"a.example"}, KeyType::kP256, kNow, Seconds(0)).ok());
  Result<SelfSigned> short_digest =
      make_self_signed({"a.example"}, KeyType::kP256, kNow, kThirtyDays, "too short");
  CHECK_FALSE(short_digest.ok());
  STRCMP_CONTAINS("32-byte", short_digest.status().message().c_str());
}

TEST(SelfSigned, LongFirstName) {
  std::string long_name = std::string(70, 'a') + ".example";
  Result<SelfSigned> set = make_self_signed({long_name}, KeyType::kP256, kNow, kThirtyDays);
  CHECK_TRUE(set.ok());
  STRCMP_EQUAL(long_name.c_str(), join(only_cert(*set).names()).c_str());
}

// What a client sees: trusted only if the admin anchors it, otherwise named.
TEST(SelfSigned, VerifiesOnlyAgainstItself) {
  Result<SelfSigned> set = make_self_signed({"a.example"}, KeyType::kP256, kNow, kThirtyDays);
  TempFile self(set->cert_pem);
  VerifyOptions options{self.path(), {"a.example"}, kNow};
  Status status = verify_cert_set(set->cert_pem, set->key_pem, options);
  CHECK_TRUE_TEXT(status.ok(), status.message().c_str());
  Result<SelfSigned> other = make_self_signed({"a.example"}, KeyType::kP256, kNow, kThirtyDays);
  TempFile other_anchor(other->cert_pem);
  options.trust_anchor_file = other_anchor.path();
  STRCMP_CONTAINS("is self-signed",
                  verify_cert_set(set->cert_pem, set->key_pem, options).message().c_str());
}
