// Chain completion (issue 9 item 6): a chain the CA sent without its
// intermediate gets the issuer from the leaf's AIA caIssuers URL (RFC 5280
// §4.2.2.1), DER or PEM; a complete chain is left alone and asks nothing;
// a fetch that fails leaves the chain as it was (the caller's verification
// then refuses it) and says why in the log.
#include "certset/chain_completion.h"
#include "base/memory_log_sink.h"

#include <openssl/x509v3.h>

#include <string>

#include "crypto/crypto_test_util.h"
#include "fakes/fake_http_client.h"
#include "renew/renew_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const char kAia[] = "http://ca.test/intermediate.der";

std::string der_of(const Certificate& cert) {
  return cert.to_der();
}

}  // namespace

TEST_GROUP(ChainCompletion) {
  Issued root = issue("Root", nullptr, "", kStart - 400 * kDay, kStart + 400 * kDay, 1);
  Issued intermediate =
      issue("Intermediate", &root, "", kStart - 300 * kDay, kStart + 300 * kDay, 2);
  Issued leaf =
      issue_with_extensions("a.example", intermediate, kStart - kDay, kStart + 60 * kDay, 3,
                            {{NID_basic_constraints, "critical,CA:FALSE"},
                             {NID_subject_alt_name, "DNS:a.example"},
                             {NID_info_access, std::string("caIssuers;URI:") + kAia}});
  TempFile anchors{root.cert.to_pem()};
  FakeHttpClient http;  // the AIA fetches
  FakeHttpClient ca;    // the ACME client's; never asked here (no "up" links)
  AcmeClient client{ca, "https://ca.test/dir"};
  MemoryLogSink log;

  std::string complete(const std::string& pem) {
    IssuedChain issued;
    issued.pem = pem;
    return complete_chain(client, http, issued, anchors.path(), log);
  }
};

TEST(ChainCompletion, MissingIntermediateIsFetchedFromAia) {
  http.push(make_response(200, der_of(intermediate.cert)));
  std::string pem = complete(leaf.cert.to_pem());
  auto chain = Certificate::parse_pem_chain(pem);
  CHECK(chain.ok());
  LONGS_EQUAL(2, chain->size());
  STRCMP_EQUAL(intermediate.cert.serial_hex().c_str(), (*chain)[1].serial_hex().c_str());
  LONGS_EQUAL(1, http.requests.size());
  STRCMP_EQUAL(kAia, http.requests[0].url.c_str());
  CHECK(log.contains("fetched it so the chain is complete"));
  LONGS_EQUAL(0, ca.requests.size());
}

TEST(ChainCompletion, CompleteChainAsksNothing) {
  const std::string pem = leaf.cert.to_pem() + intermediate.cert.to_pem();
  STRCMP_EQUAL(pem.c_str(), complete(pem).c_str());
  LONGS_EQUAL(0, http.requests.size());
}

TEST(ChainCompletion, FailedFetchLeavesTheChainAndSaysWhy) {
  http.push(make_response(404, "not here"));
  const std::string pem = leaf.cert.to_pem();
  STRCMP_EQUAL(pem.c_str(), complete(pem).c_str());
  CHECK(log.contains("without its issuer 'CN=Intermediate'"));
  CHECK(log.contains("answered HTTP 404"));
}

TEST(ChainCompletion, AFetchThatIsNotACertificateIsNotAppended) {
  http.push(make_response(200, "<html>login</html>"));
  const std::string pem = leaf.cert.to_pem();
  STRCMP_EQUAL(pem.c_str(), complete(pem).c_str());
  CHECK(log.contains("without its issuer"));
}
