#include "crypto/certificate.h"

#include <openssl/x509.h>

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

// Leaf (a.example, www.a.example, 192.0.2.1, 2001:db8::1 and an e-mail
// address) and its intermediate, made with python3-cryptography:
// leaf serial 0xABCDEF0123456789, 2025-03-01T12:30:05Z .. 2025-05-30T12:30:04Z;
// intermediate valid until 2051 (GeneralizedTime).
constexpr const char* kLeafPem = R"(-----BEGIN CERTIFICATE-----
MIIBrjCCAVSgAwIBAgIJAKvN7wEjRWeJMAoGCCqGSM49BAMCMEUxCzAJBgNVBAYT
AlhYMRcwFQYDVQQKDA5tb2RfYWNtZSB0ZXN0czEdMBsGA1UEAwwURml4dHVyZSBJ
bnRlcm1lZGlhdGUwHhcNMjUwMzAxMTIzMDA1WhcNMjUwNTMwMTIzMDA0WjAUMRIw
EAYDVQQDDAlhLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQDXS6X
ZFGBB5QbdNBFMCros1W1v79AanuB6itZ9fiteRqWvo3NRxhJTKZ871fgKoUN0Cuq
Jaasg1L9ikcusr4zo14wXDAMBgNVHRMBAf8EAjAAMEwGA1UdEQRFMEOCCWEuZXhh
bXBsZYINd3d3LmEuZXhhbXBsZYcEwAACAYcQIAENuAAAAAAAAAAAAAAAAYEPYWRt
aW5AYS5leGFtcGxlMAoGCCqGSM49BAMCA0gAMEUCIQCKUbXSlX5Ay+pwLSTGrABH
/o2/Zh0iCZe0xdj6LuM5RQIgDKxNlzmlVwTiSj4eEseN4a2RcR1p0NRF09favNS6
xiQ=
-----END CERTIFICATE-----
)";
constexpr const char* kIntermediatePem = R"(-----BEGIN CERTIFICATE-----
MIIBijCCATCgAwIBAgICEAAwCgYIKoZIzj0EAwIwPTELMAkGA1UEBhMCWFgxFzAV
BgNVBAoMDm1vZF9hY21lIHRlc3RzMRUwEwYDVQQDDAxGaXh0dXJlIFJvb3QwIBcN
MjQwMTAxMDAwMDAwWhgPMjA1MTAxMDEwMDAwMDBaMEUxCzAJBgNVBAYTAlhYMRcw
FQYDVQQKDA5tb2RfYWNtZSB0ZXN0czEdMBsGA1UEAwwURml4dHVyZSBJbnRlcm1l
ZGlhdGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQIuGTkFN/oyX2nspJe5AeZ
8+RsQQUcfk5DNC2nVf2KMJ7m+/I6Izgnee9NInCm234qWLN1S+EgJBsJ3byuwxmH
oxYwFDASBgNVHRMBAf8ECDAGAQH/AgEAMAoGCCqGSM49BAMCA0gAMEUCIQCRVOdm
lqlZeO9LrHAMig2xZAJpbCpfIXzfo3uqserUTQIgHKn59EkMPyQetTZLhd0KSrDA
vVDpKk1hquq0qLVoBmg=
-----END CERTIFICATE-----
)";

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

std::string chain() {
  return std::string(kLeafPem) + kIntermediatePem;
}

}  // namespace

TEST_GROUP(Certificate){};

TEST(Certificate, ParsesChainInOrder) {
  Result<std::vector<Certificate>> certs = Certificate::parse_pem_chain(chain());
  CHECK_TRUE(certs.ok());
  LONGS_EQUAL(2, certs->size());
  STRCMP_EQUAL("CN=a.example", (*certs)[0].subject().c_str());
  STRCMP_EQUAL("CN=Fixture Intermediate,O=mod_acme tests,C=XX", (*certs)[0].issuer().c_str());
  STRCMP_EQUAL("CN=Fixture Intermediate,O=mod_acme tests,C=XX", (*certs)[1].subject().c_str());
  STRCMP_EQUAL("CN=Fixture Root,O=mod_acme tests,C=XX", (*certs)[1].issuer().c_str());
  CHECK_FALSE((*certs)[0].self_issued());
}

TEST(Certificate, Facts) {
  Result<std::vector<Certificate>> certs = Certificate::parse_pem_chain(chain());
  const Certificate& leaf = (*certs)[0];
  LONGS_EQUAL(1740832205LL, to_unix(leaf.not_before()));  // 2025-03-01T12:30:05Z
  LONGS_EQUAL(1748608204LL, to_unix(leaf.not_after()));   // 2025-05-30T12:30:04Z
  STRCMP_EQUAL("ABCDEF0123456789", leaf.serial_hex().c_str());
  STRCMP_EQUAL("1000", (*certs)[1].serial_hex().c_str());
  LONGS_EQUAL(2556144000LL, to_unix((*certs)[1].not_after()));  // 2051-01-01, GeneralizedTime
  // The rfc822Name is not a name mod_acme serves.
  STRCMP_EQUAL("a.example www.a.example 192.0.2.1 2001:db8::1", join(leaf.names()).c_str());
  LONGS_EQUAL(0, (*certs)[1].names().size());
}

// notAfter Nov 4 9966 (openssl req -x509 -days 2900000). Found by tests/fuzz:
// from_unix overflowed for any time after 2262.
TEST(Certificate, TimesAfter2255Saturate) {
  auto certs = Certificate::parse_pem_chain(
      "-----BEGIN CERTIFICATE-----\n"
      "MIIBezCCASGgAwIBAgIUNsURK/xyuswGwNQhY3EprcfrOccwCgYIKoZIzj0EAwIw\n"
      "EjEQMA4GA1UEAwwHZm9yZXZlcjAgFw0yNjExMjkyMzU3MzVaGA85OTY2MTEwNDIz\n"
      "NTczNVowEjEQMA4GA1UEAwwHZm9yZXZlcjBZMBMGByqGSM49AgEGCCqGSM49AwEH\n"
      "A0IABPYpUzwACz9baz3okhAnzZb6pEDNSI71bD8BdiUbEqa2wxpJGiACRppkk3/O\n"
      "ZuF9Cihi5+D/nimnM3lDkRt7M+GjUzBRMB0GA1UdDgQWBBSHonkZcdKVzggxO1cv\n"
      "zx01zKfsMTAfBgNVHSMEGDAWgBSHonkZcdKVzggxO1cvzx01zKfsMTAPBgNVHRMB\n"
      "Af8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIEuCBQt/63OMLWgRS93ddoefK/UU\n"
      "ad+IxDfqRZHyb7tTAiEA3l8PS/kmKQtoFKbgFClH6z+h/spOEpzhHQInweF+Xhs=\n"
      "-----END CERTIFICATE-----\n");
  CHECK(certs.ok());
  LONGS_EQUAL(9000000000LL, to_unix(certs->front().not_after()));  // 2255-03-14T16:00:00Z
  CHECK(certs->front().not_before() < certs->front().not_after());
}

TEST(Certificate, PemAndDerRoundTrip) {
  Result<std::vector<Certificate>> certs = Certificate::parse_pem_chain(chain());
  STRCMP_EQUAL(kLeafPem, (*certs)[0].to_pem().c_str());
  STRCMP_EQUAL(kIntermediatePem, chain_pem(*certs, 1).c_str());
  STRCMP_EQUAL(chain().c_str(), chain_pem(*certs, 0).c_str());
  STRCMP_EQUAL("", chain_pem(*certs, 2).c_str());
  Result<Certificate> again = Certificate::from_der((*certs)[0].to_der());
  CHECK_TRUE(again.ok());
  STRCMP_EQUAL(kLeafPem, again->to_pem().c_str());
  CHECK_FALSE(Certificate::from_der((*certs)[0].to_der() + "x").ok());
  CHECK_FALSE(Certificate::from_der("garbage").ok());
}

TEST(Certificate, IgnoresTextAroundBlocks) {
  std::string pem =
      "subject=CN=a.example\n" + std::string(kLeafPem) + "\n# comment\n" + kIntermediatePem + "\n";
  Result<std::vector<Certificate>> certs = Certificate::parse_pem_chain(pem);
  CHECK_TRUE(certs.ok());
  LONGS_EQUAL(2, certs->size());
}

TEST(Certificate, RejectsGarbage) {
  CHECK_FALSE(Certificate::parse_pem_chain("").ok());
  Result<std::vector<Certificate>> none = Certificate::parse_pem_chain("hello world\n");
  CHECK_FALSE(none.ok());
  STRCMP_CONTAINS("no PEM certificate", none.status().message().c_str());
}

TEST(Certificate, RejectsMalformedBlock) {
  std::string broken = kIntermediatePem;
  broken.replace(broken.find("MIIB"), 4, "M!!B");
  Result<std::vector<Certificate>> certs = Certificate::parse_pem_chain(kLeafPem + broken);
  CHECK_FALSE(certs.ok());
  STRCMP_CONTAINS("certificate #2", certs.status().message().c_str());
  std::string truncated = chain().substr(0, chain().size() - 40);
  CHECK_FALSE(Certificate::parse_pem_chain(truncated).ok());
}

TEST(Certificate, GeneralNames) {
  CHECK_TRUE(is_ip_literal("192.0.2.1"));
  CHECK_TRUE(is_ip_literal("2001:db8::1"));
  CHECK_FALSE(is_ip_literal("a.example"));
  CHECK_FALSE(is_ip_literal("192.0.2"));
  Result<GeneralNamesPtr> gens = make_general_names({"a.example", "::1", "10.0.0.1"});
  CHECK_TRUE(gens.ok());
  STRCMP_EQUAL("a.example ::1 10.0.0.1", join(general_names_text(gens->get())).c_str());
  CHECK_FALSE(make_general_names({"a example"}).ok());
}

TEST(Certificate, EmptyCertificateIsHarmless) {
  Certificate empty;
  STRCMP_EQUAL("", empty.to_pem().c_str());
  STRCMP_EQUAL("", empty.serial_hex().c_str());
  LONGS_EQUAL(0, empty.names().size());
  CHECK_FALSE(empty.self_issued());
}

// RFC 5280 §4.1.2.5: 99991231235959Z means "no well-defined expiration"; it is
// past std::chrono's range and must saturate (at the same 2255 bound as above,
// which leaves room for arithmetic on it), not wrap into the past.
TEST(Certificate, NotAfter9999Saturates) {
  Result<std::vector<Certificate>> certs = Certificate::parse_pem_chain(chain());
  const Certificate& leaf = (*certs)[0];
  CHECK(ASN1_TIME_set_string(X509_getm_notAfter(leaf.get()), "99991231235959Z") == 1);
  LONGS_EQUAL(9000000000LL, to_unix(leaf.not_after()));
}

// A leaf is matched by its bytes (staple/leaf_index.h): the DER of the first
// block, the same bytes a parse would re-encode, without parsing.
TEST(Certificate, FirstCertificateDerIsTheLeafsDer) {
  auto der = first_certificate_der(chain());
  CHECK_TEXT(der.ok(), der.status().message().c_str());
  auto certs = Certificate::parse_pem_chain(chain());
  CHECK(certs.ok());
  CHECK((*certs)[0].to_der() == *der);
  CHECK((*certs)[1].to_der() != *der);
}

TEST(Certificate, FirstCertificateDerSkipsOtherBlocksAndRejectsNone) {
  const std::string key_first = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  auto der = first_certificate_der(key_first + kLeafPem);
  CHECK_TEXT(der.ok(), der.status().message().c_str());
  CHECK(Certificate::parse_pem_chain(kLeafPem)->front().to_der() == *der);
  CHECK_FALSE(first_certificate_der("no PEM here").ok());
  CHECK_FALSE(first_certificate_der(key_first).ok());
}
