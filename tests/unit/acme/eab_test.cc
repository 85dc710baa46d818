#include "acme/eab.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sys/stat.h>

#include <string>
#include <vector>

#include "acme/account.h"
#include "acme/acme_test_util.h"
#include "acme/problem.h"
#include "base/fake_clock.h"
#include "crypto/crypto_test_util.h"
#include "crypto/jwk.h"
#include "fakes/fake_acme_ca.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

// The HMAC key pebble's example configuration gives kid-1 (48 bytes).
constexpr const char kPebbleKey[] =
    "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

// Standard base64 with padding, by OpenSSL, not by the code under test.
std::string std_base64(const std::string& raw) {
  std::vector<unsigned char> out(4 * ((raw.size() + 2) / 3) + 1);
  int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  return std::string(reinterpret_cast<char*>(out.data()), static_cast<std::size_t>(n));
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_GROUP(Eab){};

TEST(Eab, Base64urlKeyAsCasHandItOut) {
  auto key = decode_eab_hmac_key(kPebbleKey);
  CHECK_TEXT(key.ok(), key.status().message().c_str());
  LONGS_EQUAL(48, key->size());
  STRCMP_EQUAL(kPebbleKey, base64url_encode(*key).c_str());
}

// Bytes whose base64 needs '+' and '/' and one '=': both spellings decode alike.
TEST(Eab, StandardBase64WithPaddingToo) {
  std::string raw;
  for (int i = 0; i < 35; ++i) raw += static_cast<char>(0xfb + (i % 5));
  std::string standard = std_base64(raw);
  CHECK(contains(standard, "+") && contains(standard, "/") && standard.back() == '=');
  auto from_standard = decode_eab_hmac_key(standard);
  CHECK_TEXT(from_standard.ok(), from_standard.status().message().c_str());
  CHECK(*from_standard == raw);
  auto from_url = decode_eab_hmac_key(base64url_encode(raw));
  CHECK(from_url.ok() && *from_url == raw);
  // base64url with padding, as a few CAs print it.
  auto padded_url = decode_eab_hmac_key(base64url_encode(raw) + "=");
  CHECK(padded_url.ok() && *padded_url == raw);
}

TEST(Eab, BadKeysSayWhy) {
  auto bad = decode_eab_hmac_key("zWND!M6eQGHWpSRTPal5eIUYFTu7EajV");
  CHECK(!bad.ok());
  CHECK_TEXT(contains(bad.status().message(), "position 5"), bad.status().message().c_str());
  CHECK(contains(bad.status().message(), "paste the HMAC key exactly"));
  CHECK(contains(decode_eab_hmac_key("ab-c+defghijklmnopqrstuvwxyz").status().message(), "mixes"));
  CHECK(contains(decode_eab_hmac_key("AAAAAAAA").status().message(), "6 bytes, too short"));
  CHECK(contains(decode_eab_hmac_key("AAAAAAAAAAAAAAAAAAAAAAAAA=").status().message(), "padding"));
  CHECK(
      contains(decode_eab_hmac_key("AAAAAAAAAAAAAAAAAAAAAAAAA").status().message(), "impossible"));
  CHECK(!decode_eab_hmac_key("").ok());
  CHECK(!decode_eab_hmac_key("====").ok());
}

TEST(Eab, KeyIds) {
  CHECK(check_eab_kid("kid-1").ok());
  CHECK(check_eab_kid("f1e2d3c4_B5A6/x+y=").ok());
  CHECK(!check_eab_kid("").ok());
  CHECK(!check_eab_kid("kid 1").ok());
  CHECK(!check_eab_kid("kid\x01").ok());
  CHECK(!check_eab_kid(std::string(513, 'k')).ok());
  CHECK(!parse_eab("kid 1", kPebbleKey).ok());
}

TEST(Eab, JsonFile) {
  TempFile good(std::string("{\"kid\": \"kid-1\", \"hmac_key\": \"") + kPebbleKey + "\"}\n");
  auto eab = read_eab_file(good.path());
  CHECK_TEXT(eab.ok(), eab.status().message().c_str());
  STRCMP_EQUAL("kid-1", eab->kid.c_str());
  LONGS_EQUAL(48, eab->hmac_key.size());
  TempFile no_key("{\"kid\": \"kid-1\"}");
  CHECK(contains(read_eab_file(no_key.path()).status().message(), "\"hmac_key\""));
  TempFile bad_key("{\"kid\": \"kid-1\", \"hmac_key\": \"a!b\"}");
  CHECK(contains(read_eab_file(bad_key.path()).status().message(), "has a \"hmac_key\" that is"));
  TempFile not_json("kid-1 zWNDZM6e");
  CHECK(contains(read_eab_file(not_json.path()).status().message(), "is not a JSON object"));
  CHECK(contains(read_eab_file("/nonexistent/eab.json").status().message(),
                 "is not a readable file"));
}

// The key is a secret: no message about a bad one repeats it, or any part.
TEST(Eab, BadKeyIsNeverInTheMessage) {
  const std::vector<std::string> bad = {"zWND!M6eQGHWpSRTPal5eIUYFTu7EajV", "s3cr3t-AAAA+BBBB/",
                                        "c2hvcnQ", "c2VjcmV0LWtleS1tYXRlcmlhbA="};
  for (const auto& key : bad) {
    auto parsed = parse_eab("kid-1", key);
    CHECK(!parsed.ok());
    CHECK_TEXT(!contains(parsed.status().message(), key), parsed.status().message().c_str());
    CHECK(!contains(parsed.status().message(), "!"));
    TempFile file("{\"kid\": \"kid-1\", \"hmac_key\": \"" + key + "\"}");
    auto from_file = read_eab_file(file.path());
    CHECK(!from_file.ok());
    CHECK_TEXT(!contains(from_file.status().message(), key), from_file.status().message().c_str());
  }
}

TEST(Eab, FileReadableByOthersIsRefused) {
  TempFile file(std::string("{\"kid\": \"kid-1\", \"hmac_key\": \"") + kPebbleKey + "\"}\n");
  for (mode_t mode : {0640, 0604, 0644}) {
    CHECK(chmod(file.path().c_str(), mode) == 0);
    auto eab = read_eab_file(file.path());
    CHECK(!eab.ok());
    CHECK_TEXT(contains(eab.status().message(), "chmod 600 " + file.path()),
               eab.status().message().c_str());
    CHECK(contains(eab.status().message(), "readable by group or others"));
    CHECK(!contains(eab.status().message(), kPebbleKey));
  }
  CHECK(chmod(file.path().c_str(), 0400) == 0);
  CHECK(read_eab_file(file.path()).ok());
}

// RFC 8555 §7.3.4: protected {alg HS256, kid, url}, payload the account JWK,
// signature HMAC-SHA256 over "<protected>.<payload>" (computed here with
// OpenSSL's HMAC, independently of the code under test).
TEST(Eab, JwsStructure) {
  PrivateKey account_key = rfc7515_ec_key();
  auto eab = parse_eab("kid-1", kPebbleKey);
  auto jws_text = eab_jws(*eab, account_key, kCaNewAccount);
  CHECK_TEXT(jws_text.ok(), jws_text.status().message().c_str());
  auto jws = Json::parse(*jws_text);
  CHECK(jws.ok());
  DecodedJws decoded = decode_jws(*jws_text);
  STRCMP_EQUAL(R"({"alg":"HS256","kid":"kid-1","url":"https://ca.test/new-account"})",
               decoded.header.dump().c_str());
  STRCMP_EQUAL(jwk_json(account_key)->c_str(), decoded.payload.c_str());
  std::string input = jws->get_string_or("protected", "") + "." + jws->get_string_or("payload", "");
  STRCMP_EQUAL(base64url_encode(hmac_sha256(eab->hmac_key, input)).c_str(),
               jws->get_string_or("signature", "").c_str());
}

TEST(Eab, NewAccountCarriesTheBinding) {
  PrivateKey key = rfc7515_ec_key();
  std::string payload;
  ScriptedCa scripted([&payload](const HttpRequest&, const DecodedJws& jws) {
    payload = jws.payload;
    return json_response(201, R"({"status":"valid"})",
                         {{"location", "https://ca.test/acct/7"}, {"replay-nonce", "n"}});
  });
  AcmeClient client(scripted.http, kCaDir);
  client.set_signer(&key, "");
  auto binding = eab_jws(*parse_eab("kid-1", kPebbleKey), key, kCaNewAccount);
  CHECK(new_account(client, {{}, true, false, *binding}).ok());
  auto sent = Json::parse(payload);
  CHECK(sent.ok());
  STRCMP_EQUAL(Json::parse(*binding)->dump().c_str(),
               sent->get("externalAccountBinding").dump().c_str());
}

TEST_GROUP(EabAtFakeCa) {
  FakeClock clock{from_unix(1767225600)};
  std::vector<std::uint64_t> memory =
      std::vector<std::uint64_t>(ChallengeTable::region_size(1) / 8 + 1, 0);
  ChallengeTable table = *ChallengeTable::format(memory.data(), memory.size() * 8, 1);
  FakeAcmeCa ca{table, clock};
  PrivateKey key = rfc7515_ec_key();

  Result<Account> register_with(const std::string& kid, const std::string& hmac_key) {
    AcmeClient client(ca, FakeAcmeCa::kDirectoryUrl);
    client.set_signer(&key, "");
    std::string binding;
    if (!kid.empty()) binding = *eab_jws(*parse_eab(kid, hmac_key), key, kCaNewAccount);
    return new_account(client, {{}, true, false, binding});
  }
};

TEST(EabAtFakeCa, RequiredBindingIsCheckedByTheCa) {
  ca.external_account_required = true;
  ca.eab_keys["kid-1"] = *decode_eab_hmac_key(kPebbleKey);
  auto none = register_with("", "");
  STRCMP_EQUAL(problem::kExternalAccountRequired, none.status().tag().c_str());
  std::string other_key = base64url_encode(std::string(32, 'x'));
  CHECK(register_with("kid-1", other_key).status().message().find("MAC") != std::string::npos);
  CHECK(!register_with("kid-2", kPebbleKey).ok());
  LONGS_EQUAL(0, ca.accounts_created());
  auto bound = register_with("kid-1", kPebbleKey);
  CHECK_TEXT(bound.ok(), bound.status().message().c_str());
  LONGS_EQUAL(1, ca.accounts_created());
}
