// The test double must be as strict as a real CA, or the tests that use it
// prove nothing: each check it makes is shown to bite here.
#include "fakes/fake_acme_ca.h"

#include <cstdint>
#include <vector>

#include "base/fake_clock.h"
#include "crypto/base64url.h"
#include "crypto/csr.h"
#include "crypto/jwk.h"
#include "crypto/jws.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(FakeAcmeCa) {
  FakeClock clock{from_unix(1767225600)};
  std::vector<std::uint64_t> memory =
      std::vector<std::uint64_t>(ChallengeTable::region_size(2) / 8 + 1, 0);
  ChallengeTable table = *ChallengeTable::format(memory.data(), memory.size() * 8, 2);
  FakeAcmeCa ca{table, clock};
  PrivateKey key = rfc7515_ec_key();

  std::string nonce() {
    return ca.send({"HEAD", std::string(FakeAcmeCa::kBase) + "/nonce", "", ""})
        ->header("replay-nonce");
  }
  HttpResponse post(const std::string& url, const std::string& body) {
    auto r = ca.send({"POST", url, body, "application/jose+json"});
    CHECK(r.ok());
    return *r;
  }
  std::string signed_body(const std::string& url, const std::string& kid,
                          const std::string& payload, const std::string& for_url = "") {
    return *jws_sign(key, {for_url.empty() ? url : for_url, nonce(), kid}, payload);
  }
  std::string new_account() {
    const std::string url = std::string(FakeAcmeCa::kBase) + "/new-account";
    return post(url, signed_body(url, "", "{}")).header("location");
  }
  std::string problem_type(const HttpResponse& r) {
    return Json::parse(r.body)->get_string_or("type", "");
  }
};

TEST(FakeAcmeCa, RefusesAReplayedNonce) {
  const std::string url = std::string(FakeAcmeCa::kBase) + "/new-account";
  std::string body = signed_body(url, "", "{}");
  LONGS_EQUAL(201, post(url, body).status);
  HttpResponse replay = post(url, body);
  LONGS_EQUAL(400, replay.status);
  STRCMP_EQUAL("urn:ietf:params:acme:error:badNonce", problem_type(replay).c_str());
  CHECK_FALSE(replay.header("replay-nonce").empty());
}

TEST(FakeAcmeCa, RefusesAUrlMismatch) {
  const std::string url = std::string(FakeAcmeCa::kBase) + "/new-account";
  HttpResponse r = post(url, signed_body(url, "", "{}", "https://ca.test/elsewhere"));
  LONGS_EQUAL(401, r.status);
  LONGS_EQUAL(0, ca.accounts_created());
}

TEST(FakeAcmeCa, RefusesATamperedPayload) {
  const std::string url = std::string(FakeAcmeCa::kBase) + "/new-account";
  Json jws = *Json::parse(signed_body(url, "", "{}"));
  jws.set("payload", base64url_encode(R"({"onlyReturnExisting":false})"));
  HttpResponse r = post(url, jws.dump());
  LONGS_EQUAL(400, r.status);
  CHECK(ca.last_problem().find("does not verify") != std::string::npos);
}

TEST(FakeAcmeCa, NeedsJwkForNewAccountAndKidElsewhere) {
  const std::string url = std::string(FakeAcmeCa::kBase) + "/new-account";
  LONGS_EQUAL(400, post(url, signed_body(url, "https://ca.test/acct/0", "{}")).status);
  const std::string order_url = std::string(FakeAcmeCa::kBase) + "/new-order";
  LONGS_EQUAL(400, post(order_url, signed_body(order_url, "", "{}")).status);
  HttpResponse r = post(order_url, signed_body(order_url, "https://ca.test/acct/9", "{}"));
  STRCMP_EQUAL("urn:ietf:params:acme:error:accountDoesNotExist", problem_type(r).c_str());
}

TEST(FakeAcmeCa, ValidatesAgainstTheChallengeTable) {
  const std::string kid = new_account();
  const std::string order_url = std::string(FakeAcmeCa::kBase) + "/new-order";
  post(order_url, signed_body(order_url, kid,
                              R"({"identifiers":[{"type":"dns","value":"a.example"},)"
                              R"({"type":"dns","value":"b.example"}]})"));
  auto authz = [&](int i) {
    const std::string url = std::string(FakeAcmeCa::kBase) + "/authz/" + std::to_string(i);
    return *Json::parse(post(url, signed_body(url, kid, "")).body);
  };
  std::string token_b = authz(1).get("challenges").at(0).get_string_or("token", "");
  CHECK(token_b.size() >= 22);
  CHECK(table.put("b.example", token_b, token_b + ".wrong-thumbprint").ok());
  for (int i : {0, 1}) {
    const std::string url = std::string(FakeAcmeCa::kBase) + "/chall/" + std::to_string(i);
    LONGS_EQUAL(200, post(url, signed_body(url, kid, "{}")).status);
  }
  Json a = authz(0), b = authz(1);
  STRCMP_EQUAL("invalid", a.get_string_or("status", "").c_str());
  CHECK(a.dump().find("answered 404") != std::string::npos);
  CHECK(b.dump().find("the key authorization served for b.example is wrong") != std::string::npos);
  LONGS_EQUAL(0, ca.open_orders());
}

TEST(FakeAcmeCa, FaultKnobs) {
  ca.server_error = true;
  auto r = ca.send({"GET", FakeAcmeCa::kDirectoryUrl, "", ""});
  LONGS_EQUAL(500, r->status);
  ca.server_error = false;
  ca.fail_after = 1;  // the one request above was answered; from now on refused
  CHECK(ca.send({"GET", FakeAcmeCa::kDirectoryUrl, "", ""}).status().code() == Code::kNetwork);
  LONGS_EQUAL(2, ca.requests_seen());
}

TEST(FakeAcmeCa, FinalizeChecksTheCsrAndIssues) {
  const std::string kid = new_account();
  const std::string base = FakeAcmeCa::kBase;
  post(base + "/new-order", signed_body(base + "/new-order", kid,
                                        R"({"identifiers":[{"type":"dns","value":"a.example"}]})"));
  PrivateKey cert_key = std::move(PrivateKey::generate(KeyType::kP256).value());
  auto finalize = [&](const std::string& name) {
    std::string csr = base64url_encode(*make_csr_der(cert_key, {name}));
    return post(base + "/order/0/finalize",
                signed_body(base + "/order/0/finalize", kid, R"({"csr":")" + csr + "\"}"));
  };
  STRCMP_EQUAL("urn:ietf:params:acme:error:orderNotReady",
               problem_type(finalize("a.example")).c_str());
  Json authz = *Json::parse(post(base + "/authz/0", signed_body(base + "/authz/0", kid, "")).body);
  std::string token = authz.get("challenges").at(0).get_string_or("token", "");
  CHECK(table.put("a.example", token, token + "." + *jwk_thumbprint(key)).ok());
  post(base + "/chall/0", signed_body(base + "/chall/0", kid, "{}"));
  STRCMP_EQUAL("urn:ietf:params:acme:error:badCSR", problem_type(finalize("b.example")).c_str());
  HttpResponse done = finalize("a.example");
  LONGS_EQUAL(200, done.status);
  STRCMP_EQUAL("valid", Json::parse(done.body)->get_string_or("status", "").c_str());
  HttpResponse chain = post(base + "/cert/0", signed_body(base + "/cert/0", kid, ""));
  LONGS_EQUAL(2, Certificate::parse_pem_chain(chain.body)->size());
  ca.omit_intermediate = true;
  chain = post(base + "/cert/0", signed_body(base + "/cert/0", kid, ""));
  LONGS_EQUAL(1, Certificate::parse_pem_chain(chain.body)->size());
  LONGS_EQUAL(1, ca.certificates_issued());
}
