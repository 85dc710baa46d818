#include "acme/order.h"

#include <cstdint>
#include <vector>

#include "acme/account.h"
#include "acme/acme_test_util.h"
#include "acme/authorization.h"
#include "acme/challenge.h"
#include "base/fake_clock.h"
#include "crypto/crypto_test_util.h"
#include "crypto/csr.h"
#include "crypto/jwk.h"
#include "fakes/fake_acme_ca.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(Order) {
  FakeClock clock{from_unix(1767225600)};
  std::vector<std::uint64_t> memory =
      std::vector<std::uint64_t>(ChallengeTable::region_size(4) / 8 + 1, 0);
  ChallengeTable table = *ChallengeTable::format(memory.data(), memory.size() * 8, 4);
  FakeAcmeCa ca{table, clock};
  PrivateKey key = rfc7515_ec_key();
  AcmeClient client{ca, FakeAcmeCa::kDirectoryUrl};

  void setup() override {
    client.set_signer(&key, "");
    auto account = new_account(client, {{}, true, false, ""});
    CHECK(account.ok());
    client.set_signer(&key, account->url);
  }
};

TEST(Order, NewOrderNamesEveryIdentifierLowerCased) {
  auto order = new_order(client, {"A.Example", "www.a.example"});
  CHECK_TEXT(order.ok(), order.status().to_string().c_str());
  STRCMP_EQUAL("https://ca.test/order/0", order->url.c_str());
  CHECK(order->status == OrderStatus::kPending);
  LONGS_EQUAL(2, order->identifiers.size());
  STRCMP_EQUAL("dns", order->identifiers[0].type.c_str());
  STRCMP_EQUAL("a.example", order->identifiers[0].value.c_str());
  LONGS_EQUAL(2, order->authorizations.size());
  STRCMP_EQUAL("https://ca.test/order/0/finalize", order->finalize.c_str());
  STRCMP_EQUAL("", order->certificate.c_str());
  CHECK_FALSE(order->has_error);
}

TEST(Order, FromPendingThroughReadyToValid) {
  auto order = new_order(client, {"a.example"});
  auto authz = fetch_authorization(client, order->authorizations[0]);
  const Challenge* ch = authz->find(kHttp01);
  CHECK(ch != nullptr);
  CHECK(table.put("a.example", ch->token, key_authorization(ch->token, *jwk_thumbprint(key))).ok());
  CHECK(respond_to_challenge(client, ch->url).ok());
  auto ready = fetch_order(client, order->url);
  CHECK(ready->status == OrderStatus::kReady);
  PrivateKey cert_key = std::move(PrivateKey::generate(KeyType::kP256).value());
  auto finalized = finalize_order(client, *ready, *make_csr_der(cert_key, {"a.example"}));
  CHECK_TEXT(finalized.ok(), finalized.status().to_string().c_str());
  CHECK(finalized->status == OrderStatus::kValid);
  STRCMP_EQUAL(order->url.c_str(), finalized->url.c_str());
  STRCMP_EQUAL("https://ca.test/cert/0", finalized->certificate.c_str());
}

TEST(Order, FinalizeTooEarlyIsOrderNotReady) {
  auto order = new_order(client, {"a.example"});
  PrivateKey cert_key = std::move(PrivateKey::generate(KeyType::kP256).value());
  auto r = finalize_order(client, *order, *make_csr_der(cert_key, {"a.example"}));
  STRCMP_EQUAL(problem::kOrderNotReady, r.status().tag().c_str());
  CHECK(r.status().message().rfind("finalizing order: ", 0) == 0);
}

TEST(Order, FinalizeSendsTheCsrAsBase64url) {
  std::string payload;
  ScriptedCa scripted([&payload](const HttpRequest&, const DecodedJws& jws) {
    payload = jws.payload;
    return json_response(200, R"({"status":"processing"})", {{"replay-nonce", "n"}});
  });
  AcmeClient scripted_client(scripted.http, kCaDir);
  scripted_client.set_signer(&key, "https://ca.test/acct/1");
  Order order;
  order.url = "https://ca.test/order/5";
  order.finalize = "https://ca.test/order/5/finalize";
  auto r = finalize_order(scripted_client, order, std::string("\x30\x82\xff\x00", 4));
  CHECK(r.ok());
  CHECK(r->status == OrderStatus::kProcessing);
  STRCMP_EQUAL("https://ca.test/order/5", r->url.c_str());
  STRCMP_EQUAL(R"({"csr":"MIL_AA"})", payload.c_str());
  STRCMP_EQUAL("https://ca.test/order/5/finalize", scripted.http.requests.back().url.c_str());
}

TEST(Order, NewOrderWithoutLocationIsAProtocolError) {
  ScriptedCa scripted([](const HttpRequest&, const DecodedJws&) {
    return json_response(201, R"({"status":"pending"})", {{"replay-nonce", "n"}});
  });
  AcmeClient scripted_client(scripted.http, kCaDir);
  scripted_client.set_signer(&key, "https://ca.test/acct/1");
  auto r = new_order(scripted_client, {"a.example"});
  CHECK(r.status().code() == Code::kProtocol);
}

TEST(Order, ParseOrder) {
  auto o = parse_order("https://ca.test/order/1", *Json::parse(R"({
    "status":"invalid","identifiers":[{"type":"dns","value":"a.example"}],
    "authorizations":["https://ca.test/authz/1"],"finalize":"https://ca.test/f",
    "error":{"type":"urn:ietf:params:acme:error:unauthorized","detail":"no"}})"));
  CHECK(o.ok());
  CHECK(o->status == OrderStatus::kInvalid);
  CHECK_TRUE(o->has_error);
  STRCMP_EQUAL("unauthorized: no", o->error.describe().c_str());
  STRCMP_EQUAL("https://ca.test/authz/1", o->authorizations[0].c_str());
  auto bad = parse_order("https://ca.test/order/2", *Json::parse(R"({"identifiers":[]})"));
  CHECK(bad.status().code() == Code::kProtocol);
  CHECK(bad.status().message().find("order https://ca.test/order/2") != std::string::npos);
  CHECK(bad.status().message().find("'status'") != std::string::npos);
}
