#include "certset/chain_choice.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "acme/acme_test_util.h"
#include "base/memory_log_sink.h"
#include "crypto/crypto_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z
const auto kDay = std::chrono::hours(24);

// Two roots, each with an intermediate of the same name, as a cross-sign
// has (RFC 8555 §7.4.2's alternates). The choice reads names only, so the
// keys need not match here; verification happens after it.
struct CrossSigned {
  Issued root_a = issue("Root A", nullptr, "", kNow - kDay, kNow + 365 * kDay, 1);
  Issued root_b = issue("Root B", nullptr, "", kNow - kDay, kNow + 365 * kDay, 2);
  Issued inter_a = issue("Intermediate", &root_a, "", kNow - kDay, kNow + 365 * kDay, 3);
  Issued inter_b = issue("Intermediate", &root_b, "", kNow - kDay, kNow + 365 * kDay, 4);
  Issued leaf = issue("a.example", &inter_a, "DNS:a.example", kNow - kDay, kNow + 90 * kDay, 5);

  std::string chain_a() const { return leaf.cert.to_pem() + inter_a.cert.to_pem(); }
  std::string chain_b() const { return leaf.cert.to_pem() + inter_b.cert.to_pem(); }
  // With the root at the end, as some CAs send it: its issuer is itself.
  std::string chain_b_with_root() const { return chain_b() + root_b.cert.to_pem(); }
};

const char kCertUrl[] = "https://ca.test/cert/1";

std::string alt_url(int i) {
  return std::string(kCertUrl) + "/" + std::to_string(i);
}

}  // namespace

TEST_GROUP(ChainChoice) {
  std::unique_ptr<CrossSigned> pki = std::make_unique<CrossSigned>();
  PrivateKey key = rfc7515_ec_key();
  std::map<std::string, std::string> served;  // URL -> PEM chain
  std::vector<std::string> fetched;
  ScriptedCa ca{[this](const HttpRequest& r, const DecodedJws& jws) {
    fetched.push_back(r.url);
    CHECK(jws.payload.empty());  // POST-as-GET, RFC 8555 §6.3
    auto it = served.find(r.url);
    if (it == served.end())
      return problem_response(404, "urn:ietf:params:acme:error:malformed", "no such certificate",
                              "n");
    return make_response(
        200, it->second,
        {{"content-type", "application/pem-certificate-chain"}, {"replay-nonce", "n"}});
  }};
  AcmeClient client{ca.http, kCaDir};
  MemoryLogSink log;

  void setup() override {
    client.set_signer(&key, "https://ca.test/acct/1");
  }

  IssuedChain issued(int alternates) {
    IssuedChain chain{pki->chain_a(), {}, {}};
    for (int i = 1; i <= alternates; ++i) chain.alternates.push_back(alt_url(i));
    return chain;
  }
};

TEST(ChainChoice, TopIssuerIsTheIssuerOfTheLastCertificate) {
  TopIssuer top = top_issuer(pki->chain_b());
  STRCMP_EQUAL("Root B", top.common_name.c_str());
  STRCMP_EQUAL("CN=Root B", top.name.c_str());
  STRCMP_EQUAL("Root B", top_issuer(pki->chain_b_with_root()).common_name.c_str());
  STRCMP_EQUAL("", top_issuer("not pem").common_name.c_str());
}

TEST(ChainChoice, MatchesByCommonNameOrWholeNameIgnoringCase) {
  CHECK(chain_matches(pki->chain_b(), "Root B"));
  CHECK(chain_matches(pki->chain_b(), "root b"));
  CHECK(chain_matches(pki->chain_b(), "CN=Root B"));
  CHECK(chain_matches(pki->chain_b_with_root(), "Root B"));
  CHECK_FALSE(chain_matches(pki->chain_b(), "Root A"));
  CHECK_FALSE(chain_matches(pki->chain_b(), "Intermediate"));  // the top cert's issuer, not subject
  CHECK_FALSE(chain_matches(pki->chain_b(), ""));
}

TEST(ChainChoice, NoPreferenceKeepsTheDefaultWithoutFetching) {
  served[alt_url(1)] = pki->chain_b();
  IssuedChain chosen = choose_chain(client, issued(1), "", log);
  STRCMP_EQUAL(pki->chain_a().c_str(), chosen.pem.c_str());
  LONGS_EQUAL(0, fetched.size());
}

TEST(ChainChoice, DefaultThatMatchesIsKeptWithoutFetching) {
  served[alt_url(1)] = pki->chain_b();
  IssuedChain chosen = choose_chain(client, issued(1), "Root A", log);
  STRCMP_EQUAL(pki->chain_a().c_str(), chosen.pem.c_str());
  LONGS_EQUAL(0, fetched.size());
}

TEST(ChainChoice, PreferredAlternateIsFetchedAndChosen) {
  served[alt_url(1)] = pki->chain_a();  // the same again: no match
  served[alt_url(2)] = pki->chain_b();
  IssuedChain chosen = choose_chain(client, issued(2), "Root B", log);
  STRCMP_EQUAL(pki->chain_b().c_str(), chosen.pem.c_str());
  LONGS_EQUAL(2, fetched.size());
  STRCMP_EQUAL(alt_url(2).c_str(), fetched[1].c_str());
  CHECK(log.contains("ACMEPreferredChain 'Root B': using the alternate chain " + alt_url(2)));
}

TEST(ChainChoice, NoMatchFallsBackToTheDefaultNamingWhatWasOffered) {
  served[alt_url(1)] = pki->chain_b();
  IssuedChain chosen = choose_chain(client, issued(1), "Root C", log);
  STRCMP_EQUAL(pki->chain_a().c_str(), chosen.pem.c_str());
  CHECK_TEXT(log.contains("ACMEPreferredChain 'Root C': no chain the CA offers ends at it "
                          "(topmost issuers: 'Root A', 'Root B'); using the default chain"),
             log.lines.back().message.c_str());
}

TEST(ChainChoice, AnAlternateThatCannotBeFetchedIsSkipped) {
  served[alt_url(2)] = pki->chain_b();  // alt 1 answers 404
  IssuedChain chosen = choose_chain(client, issued(2), "Root B", log);
  STRCMP_EQUAL(pki->chain_b().c_str(), chosen.pem.c_str());
  CHECK(log.contains("alternate chain " + alt_url(1) + " could not be fetched"));
}

TEST(ChainChoice, AtMostABoundedNumberOfAlternatesIsFetched) {
  for (int i = 1; i <= 8; ++i) served[alt_url(i)] = pki->chain_a();
  served[alt_url(8)] = pki->chain_b();  // beyond the bound
  IssuedChain chosen = choose_chain(client, issued(8), "Root B", log);
  STRCMP_EQUAL(pki->chain_a().c_str(), chosen.pem.c_str());
  LONGS_EQUAL(kMaxAlternateChains, fetched.size());
}
