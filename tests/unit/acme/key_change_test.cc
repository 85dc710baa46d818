#include "acme/key_change.h"

#include <string>
#include <vector>

#include "acme/account.h"
#include "acme/acme_test_util.h"
#include "acme/problem.h"
#include "base/fake_clock.h"
#include "crypto/crypto_test_util.h"
#include "crypto/jwk.h"
#include "crypto/jws.h"
#include "fakes/fake_acme_ca.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {
constexpr const char kKeyChange[] = "https://ca.test/key-change";

PrivateKey fresh_p256() {
  auto key = PrivateKey::generate(KeyType::kP256);
  CHECK(key.ok());
  return std::move(*key);
}
}  // namespace

TEST_GROUP(KeyChange) {
  FakeClock clock{from_unix(1767225600)};
  std::vector<std::uint64_t> memory =
      std::vector<std::uint64_t>(ChallengeTable::region_size(1) / 8 + 1, 0);
  ChallengeTable table = *ChallengeTable::format(memory.data(), memory.size() * 8, 1);
  FakeAcmeCa ca{table, clock};
  PrivateKey old_key = rfc7515_ec_key();
  PrivateKey new_key = fresh_p256();
  AcmeClient client{ca, FakeAcmeCa::kDirectoryUrl};
  std::string account_url;

  void setup() override {
    client.set_signer(&old_key, "");
    auto account = new_account(client, {{"old@a.example"}, true, false, ""});
    CHECK(account.ok());
    account_url = account->url;
    client.set_signer(&old_key, account_url);
  }
};

// RFC 8555 §7.3.5: the inner JWS is signed by the new key, embeds it as jwk,
// has the keyChange url and no nonce; it names the account and the old key.
TEST(KeyChange, InnerJwsStructure) {
  auto inner = key_change_inner_jws(new_key, old_key, kKeyChange, "https://ca.test/acct/0");
  CHECK_TEXT(inner.ok(), inner.status().message().c_str());
  DecodedJws decoded = decode_jws(*inner);
  STRCMP_EQUAL("ES256", decoded.header.get_string_or("alg", "").c_str());
  STRCMP_EQUAL(kKeyChange, decoded.header.get_string_or("url", "").c_str());
  STRCMP_EQUAL(jwk_json(new_key)->c_str(), decoded.header.get("jwk").dump().c_str());
  CHECK(!decoded.header.has("nonce"));
  CHECK(!decoded.header.has("kid"));
  auto payload = Json::parse(decoded.payload);
  STRCMP_EQUAL("https://ca.test/acct/0", payload->get_string_or("account", "").c_str());
  STRCMP_EQUAL(jwk_json(old_key)->c_str(), payload->get("oldKey").dump().c_str());
  auto verified = jws_verify(new_key, *inner);
  CHECK(verified.ok());
  CHECK(!jws_verify(old_key, *inner).ok());
}

// The outer JWS is an ordinary kid request by the old key carrying the inner
// JWS; afterwards the CA knows the account by the new key only.
TEST(KeyChange, TheCaSwitchesTheAccountToTheNewKey) {
  std::string outer_body;
  ca.on_request = [&outer_body](const HttpRequest& r) {
    if (r.url == kKeyChange) outer_body = r.body;
  };
  Status changed = change_account_key(client, old_key, new_key);
  CHECK_TEXT(changed.ok(), changed.message().c_str());
  LONGS_EQUAL(1, ca.key_changes());
  STRCMP_EQUAL(jwk_json(new_key)->c_str(), ca.account_jwk(account_url).c_str());

  DecodedJws outer = decode_jws(outer_body);
  STRCMP_EQUAL(account_url.c_str(), outer.header.get_string_or("kid", "").c_str());
  STRCMP_EQUAL(kKeyChange, outer.header.get_string_or("url", "").c_str());
  CHECK(outer.header.has("nonce"));
  CHECK(jws_verify(old_key, outer_body).ok());
  DecodedJws inner = decode_jws(outer.payload);
  STRCMP_EQUAL(jwk_json(new_key)->c_str(), inner.header.get("jwk").dump().c_str());

  // The same account URL now answers to the new key, not the old.
  client.set_signer(&new_key, account_url);
  CHECK(client.post_as_get(account_url).ok());
  client.set_signer(&old_key, account_url);
  CHECK(!client.post_as_get(account_url).ok());
  // And the new key registering again finds the same account (§7.3.1).
  AcmeClient fresh(ca, FakeAcmeCa::kDirectoryUrl);
  fresh.set_signer(&new_key, "");
  auto found = new_account(fresh, {{}, false, true, ""});
  CHECK(found.ok());
  STRCMP_EQUAL(account_url.c_str(), found->url.c_str());
  LONGS_EQUAL(1, ca.accounts_created());
}

TEST(KeyChange, NeedsAnAccount) {
  client.set_signer(&old_key, "");
  CHECK(change_account_key(client, old_key, new_key).code() == Code::kInvalidArgument);
  LONGS_EQUAL(0, ca.key_changes());
}

// RFC 8555 §7.3.2.
TEST(KeyChange, ContactUpdatePostsToTheAccountUrl) {
  std::string posted_to, payload;
  ca.on_request = [&](const HttpRequest& r) {
    if (r.method == "POST") {
      posted_to = r.url;
      payload = decode_jws(r.body).payload;
    }
  };
  auto updated = update_account_contact(client, {"new@a.example"});
  CHECK_TEXT(updated.ok(), updated.status().message().c_str());
  STRCMP_EQUAL(account_url.c_str(), posted_to.c_str());
  STRCMP_EQUAL(R"({"contact":["mailto:new@a.example"]})", payload.c_str());
  STRCMP_EQUAL(R"(["mailto:new@a.example"])", ca.account_contact(account_url).c_str());
  LONGS_EQUAL(1, updated->contact.size());
  STRCMP_EQUAL(account_url.c_str(), updated->url.c_str());
  LONGS_EQUAL(1, ca.account_updates());
  LONGS_EQUAL(1, ca.accounts_created());
}
