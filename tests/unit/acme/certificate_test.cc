#include "acme/certificate.h"

#include "acme/acme_test_util.h"
#include "crypto/crypto_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(AcmeCertificate) {
  PrivateKey key = rfc7515_ec_key();
  HttpResponse answer;
  ScriptedCa ca{[this](const HttpRequest&, const DecodedJws&) { return answer; }};
  AcmeClient client{ca.http, kCaDir};

  void setup() override {
    client.set_signer(&key, "https://ca.test/acct/1");
  }
};

// RFC 8555 §7.4.2: the PEM chain, alternates in Link rel="alternate".
TEST(AcmeCertificate, DownloadsPemAndAlternates) {
  const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  answer = make_response(200, pem,
                         {{"content-type", "application/pem-certificate-chain"},
                          {"replay-nonce", "n"},
                          {"link", "<https://ca.test/cert/1/1>;rel=\"alternate\""},
                          {"link", "<https://ca.test/dir>;rel=\"index\""},
                          {"link", "<https://ca.test/cert/1/2>;rel=\"alternate\""}});
  auto chain = download_certificate(client, "https://ca.test/cert/1");
  CHECK(chain.ok());
  STRCMP_EQUAL(pem.c_str(), chain->pem.c_str());
  LONGS_EQUAL(2, chain->alternates.size());
  STRCMP_EQUAL("https://ca.test/cert/1/2", chain->alternates[1].c_str());
}

TEST(AcmeCertificate, NonPemIsAProtocolErrorNamingTheType) {
  answer = json_response(200, R"({"status":"valid"})", {{"replay-nonce", "n"}});
  auto chain = download_certificate(client, "https://ca.test/cert/1");
  CHECK(chain.status().code() == Code::kProtocol);
  STRCMP_EQUAL(
      "certificate https://ca.test/cert/1 is not a PEM chain (Content-Type application/json)",
      chain.status().message().c_str());
}

TEST(AcmeCertificate, ProblemHasContext) {
  answer = problem_response(404, "urn:ietf:params:acme:error:malformed", "gone", "n");
  auto chain = download_certificate(client, "https://ca.test/cert/1");
  CHECK(chain.status().message().rfind("downloading certificate: ", 0) == 0);
}
