#include "acme/account.h"

#include <cstdint>
#include <vector>

#include "acme/acme_test_util.h"
#include "acme/problem.h"
#include "base/fake_clock.h"
#include "crypto/crypto_test_util.h"
#include "fakes/fake_acme_ca.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(Account) {
  FakeClock clock{from_unix(1767225600)};
  std::vector<std::uint64_t> memory =
      std::vector<std::uint64_t>(ChallengeTable::region_size(1) / 8 + 1, 0);
  ChallengeTable table = *ChallengeTable::format(memory.data(), memory.size() * 8, 1);
  FakeAcmeCa ca{table, clock};
  PrivateKey key = rfc7515_ec_key();
};

TEST(Account, ContactUri) {
  STRCMP_EQUAL("mailto:admin@a.example", contact_uri("admin@a.example").c_str());
  STRCMP_EQUAL("mailto:admin@a.example", contact_uri("mailto:admin@a.example").c_str());
  STRCMP_EQUAL("tel:+1555", contact_uri("tel:+1555").c_str());
}

TEST(Account, CreatesThenFindsTheSameAccount) {
  AcmeClient client(ca, FakeAcmeCa::kDirectoryUrl);
  client.set_signer(&key, "");
  auto first = new_account(client, {{"admin@a.example"}, true, false, ""});
  CHECK_TEXT(first.ok(), first.status().to_string().c_str());
  STRCMP_EQUAL("valid", first->status.c_str());
  LONGS_EQUAL(1, first->contact.size());
  STRCMP_EQUAL("mailto:admin@a.example", first->contact[0].c_str());
  CHECK(first->url.rfind("https://ca.test/acct/", 0) == 0);
  STRCMP_EQUAL((first->url + "/orders").c_str(), first->orders.c_str());
  // RFC 8555 §7.3.1: the same key again, from a fresh session, is the same account.
  AcmeClient again(ca, FakeAcmeCa::kDirectoryUrl);
  again.set_signer(&key, "");
  auto second = new_account(again, {{"admin@a.example"}, true, false, ""});
  CHECK(second.ok());
  STRCMP_EQUAL(first->url.c_str(), second->url.c_str());
  LONGS_EQUAL(1, ca.accounts_created());
  auto existing = new_account(again, {{}, false, true, ""});
  STRCMP_EQUAL(first->url.c_str(), existing->url.c_str());
}

TEST(Account, OnlyReturnExistingForAnUnknownKey) {
  AcmeClient client(ca, FakeAcmeCa::kDirectoryUrl);
  client.set_signer(&key, "");
  auto r = new_account(client, {{}, false, true, ""});
  CHECK(r.status().code() == Code::kProblem);
  STRCMP_EQUAL(problem::kAccountDoesNotExist, r.status().tag().c_str());
  CHECK(r.status().message().rfind("registering ACME account: ", 0) == 0);
  LONGS_EQUAL(0, ca.accounts_created());
}

TEST(Account, PayloadCarriesContactsAndAgreementOnlyWhenSet) {
  std::vector<std::string> payloads;
  ScriptedCa scripted([&payloads](const HttpRequest&, const DecodedJws& jws) {
    payloads.push_back(jws.payload);
    return json_response(201, R"({"status":"valid"})",
                         {{"location", "https://ca.test/acct/7"}, {"replay-nonce", "n"}});
  });
  AcmeClient client(scripted.http, kCaDir);
  client.set_signer(&key, "");
  CHECK(new_account(client, {{"a@a.example", "mailto:b@a.example"}, true, false, ""}).ok());
  CHECK(new_account(client, {{}, false, false, ""}).ok());
  STRCMP_EQUAL(
      R"({"contact":["mailto:a@a.example","mailto:b@a.example"],"termsOfServiceAgreed":true})",
      payloads[0].c_str());
  STRCMP_EQUAL("{}", payloads[1].c_str());
}

TEST(Account, AnswerWithoutLocationOrNotValid) {
  HttpResponse answer = json_response(201, R"({"status":"valid"})", {{"replay-nonce", "n"}});
  ScriptedCa scripted([&answer](const HttpRequest&, const DecodedJws&) { return answer; });
  AcmeClient client(scripted.http, kCaDir);
  client.set_signer(&key, "");
  auto r = new_account(client, {});
  CHECK(r.status().code() == Code::kProtocol);
  CHECK(r.status().message().find("Location") != std::string::npos);
  answer = json_response(200, R"({"status":"deactivated"})",
                         {{"location", "https://ca.test/acct/3"}, {"replay-nonce", "n"}});
  r = new_account(client, {});
  CHECK(r.status().code() == Code::kProblem);
  STRCMP_EQUAL("ACME account https://ca.test/acct/3 is deactivated", r.status().message().c_str());
}
