#include "crypto/cert_facts.h"

#include "crypto/crypto_test_util.h"
#include "crypto/ocsp.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z
const auto kDay = std::chrono::hours(24);

Issued leaf(const Issued& root, long serial, const char* aia) {
  std::vector<std::pair<int, std::string>> ext = {{NID_basic_constraints, "critical,CA:FALSE"},
                                                  {NID_subject_alt_name, "DNS:a.example"}};
  if (aia) ext.emplace_back(NID_info_access, aia);
  return issue_with_extensions("a.example", root, kNow - kDay, kNow + 89 * kDay, serial, ext);
}

}  // namespace

TEST_GROUP(CertFacts) {
  Issued root = issue("Test Root", nullptr, "", kNow - 365 * kDay, kNow + 3650 * kDay, 1);
};

// The same facts a full parse gives (Certificate::serial_hex, ocsp_url).
TEST(CertFacts, SerialAndResponderAsAFullParseReadsThem) {
  Issued with_aia = leaf(root, 0x7FEDCBA987654321,
                         "caIssuers;URI:http://ca.test.example/i.der,"
                         "OCSP;URI:http://ocsp.test.example/");
  auto facts = read_cert_facts(with_aia.cert.to_der());
  CHECK_TEXT(facts.ok(), facts.status().message().c_str());
  STRCMP_EQUAL(with_aia.cert.serial_hex().c_str(), facts->serial_hex.c_str());
  STRCMP_EQUAL("7FEDCBA987654321", facts->serial_hex.c_str());
  STRCMP_EQUAL(ocsp_url(with_aia.cert).c_str(), facts->ocsp_url.c_str());
  STRCMP_EQUAL("http://ocsp.test.example/", facts->ocsp_url.c_str());
}

TEST(CertFacts, NoResponderAndCaCertificates) {
  auto facts = read_cert_facts(leaf(root, 5, nullptr).cert.to_der());
  CHECK(facts.ok());
  STRCMP_EQUAL("05", facts->serial_hex.c_str());
  STRCMP_EQUAL("", facts->ocsp_url.c_str());
  facts = read_cert_facts(root.cert.to_der());
  CHECK(facts.ok());
  STRCMP_EQUAL(root.cert.serial_hex().c_str(), facts->serial_hex.c_str());
}

TEST(CertFacts, RejectsMalformedAndTrailingBytes) {
  const std::string der = leaf(root, 5, nullptr).cert.to_der();
  CHECK_FALSE(read_cert_facts("").ok());
  CHECK_FALSE(read_cert_facts(der.substr(0, der.size() - 1)).ok());
  CHECK_FALSE(read_cert_facts(der + "x").ok());
  CHECK_FALSE(read_cert_facts("\x30\x03\x02\x01\x01").ok());
}
