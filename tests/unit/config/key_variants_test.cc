#include "config/key_variants.h"

#include "config/managed_cert.h"
#include "crypto/crypto_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

ManagedCert base_cert() {
  ManagedCert cert;
  cert.name = "a.example";
  cert.names = {"a.example", "www.a.example"};
  cert.preferred_chain = "Root X";
  cert.key_reuse = true;
  return cert;
}

}  // namespace

TEST_GROUP(KeyVariants){};

TEST(KeyVariants, NoKeyTypeDirectiveKeepsTheCertificateAsItIs) {
  auto certs = per_key_type(base_cert(), {});
  LONGS_EQUAL(1, certs.size());
  STRCMP_EQUAL("a.example", certs[0].name.c_str());
  CHECK(certs[0].key_type == kDefaultKeyType);
}

TEST(KeyVariants, OneTypeKeepsThePlainName) {
  auto certs = per_key_type(base_cert(), {KeyType::kRsa2048});
  LONGS_EQUAL(1, certs.size());
  STRCMP_EQUAL("a.example", certs[0].name.c_str());
  CHECK(certs[0].key_type == KeyType::kRsa2048);
}

// ACMEKeyType p256 rsa2048: two certificates for the same names; the first
// keeps live/a.example/, the second is a.example_rsa2048.
TEST(KeyVariants, EachFurtherTypeIsACertificateOfItsOwn) {
  auto certs = per_key_type(base_cert(), {KeyType::kP256, KeyType::kRsa2048});
  LONGS_EQUAL(2, certs.size());
  STRCMP_EQUAL("a.example", certs[0].name.c_str());
  CHECK(certs[0].key_type == KeyType::kP256);
  STRCMP_EQUAL("a.example_rsa2048", certs[1].name.c_str());
  CHECK(certs[1].key_type == KeyType::kRsa2048);
  for (const auto& cert : certs) {  // everything else is shared
    LONGS_EQUAL(2, cert.names.size());
    STRCMP_EQUAL("a.example", cert.names[0].c_str());
    STRCMP_EQUAL("Root X", cert.preferred_chain.c_str());
    CHECK(cert.key_reuse);
  }
}

TEST(KeyVariants, OrderDecidesWhichTypeHasThePlainName) {
  auto certs = per_key_type(base_cert(), {KeyType::kRsa3072, KeyType::kP384});
  STRCMP_EQUAL("a.example", certs[0].name.c_str());
  CHECK(certs[0].key_type == KeyType::kRsa3072);
  STRCMP_EQUAL("a.example_p384", certs[1].name.c_str());
}

TEST(KeyVariants, IpNamesGetVariantsToo) {
  STRCMP_EQUAL("2001:db8::1_rsa2048",
               key_variant_name("2001:db8::1", KeyType::kRsa2048, false).c_str());
  STRCMP_EQUAL("192.0.2.1", key_variant_name("192.0.2.1", KeyType::kRsa2048, true).c_str());
}

TEST(KeyVariants, OneRsaAndOneEcdsaTypeGoTogether) {
  STRCMP_EQUAL("", key_type_conflict({KeyType::kP256}, KeyType::kRsa2048).c_str());
  STRCMP_EQUAL("", key_type_conflict({KeyType::kRsa4096}, KeyType::kP384).c_str());
  STRCMP_EQUAL("", key_type_conflict({}, KeyType::kP256).c_str());
}

TEST(KeyVariants, TheSameTypeTwiceIsRefused) {
  STRCMP_EQUAL("p256 is listed twice", key_type_conflict({KeyType::kP256}, KeyType::kP256).c_str());
}

// OpenSSL keeps one certificate per algorithm: a second ECDSA (or RSA)
// type would silently replace the first in mod_ssl.
TEST(KeyVariants, TwoTypesOfOneAlgorithmAreRefused) {
  std::string ec = key_type_conflict({KeyType::kP256}, KeyType::kP384);
  CHECK(ec.find("p384 and p256 are both ECDSA") == 0);
  CHECK(ec.find("at most one RSA and one ECDSA") != std::string::npos);
  std::string rsa = key_type_conflict({KeyType::kP256, KeyType::kRsa2048}, KeyType::kRsa4096);
  CHECK(rsa.find("rsa4096 and rsa2048 are both RSA") == 0);
}

TEST(KeyVariants, CertificateKeyTypeReadsTheLeafKey) {
  const TimePoint now = from_unix(1767225600);
  Issued root = issue("Root", nullptr, "", now, now + std::chrono::hours(24), 1);
  auto type = certificate_key_type(root.cert);
  CHECK(type.ok());
  CHECK(*type == KeyType::kP256);
  CHECK_FALSE(certificate_key_type(Certificate()).ok());
}
