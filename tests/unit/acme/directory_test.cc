#include "acme/directory.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

Result<Directory> parse(const std::string& text) {
  return parse_directory(*Json::parse(text));
}

const char kFull[] = R"({
  "newNonce": "https://ca.test/nonce", "newAccount": "https://ca.test/acct",
  "newOrder": "https://ca.test/order", "revokeCert": "https://ca.test/revoke",
  "keyChange": "https://ca.test/key", "renewalInfo": "https://ca.test/ari",
  "meta": {"termsOfService": "https://ca.test/tos", "website": "https://ca.test/",
           "externalAccountRequired": true,
           "profiles": {"classic": "the usual", "shortlived": "6 days"}}
})";

}  // namespace

TEST_GROUP(Directory){};

TEST(Directory, ParsesEveryMember) {
  auto d = parse(kFull);
  CHECK(d.ok());
  STRCMP_EQUAL("https://ca.test/nonce", d->new_nonce.c_str());
  STRCMP_EQUAL("https://ca.test/acct", d->new_account.c_str());
  STRCMP_EQUAL("https://ca.test/order", d->new_order.c_str());
  STRCMP_EQUAL("https://ca.test/revoke", d->revoke_cert.c_str());
  STRCMP_EQUAL("https://ca.test/key", d->key_change.c_str());
  STRCMP_EQUAL("https://ca.test/ari", d->renewal_info.c_str());
  STRCMP_EQUAL("https://ca.test/tos", d->terms_of_service.c_str());
  STRCMP_EQUAL("https://ca.test/", d->website.c_str());
  CHECK_TRUE(d->external_account_required);
  LONGS_EQUAL(2, d->profiles.size());
  STRCMP_EQUAL("classic", d->profiles[0].c_str());
  STRCMP_EQUAL("shortlived", d->profiles[1].c_str());
}

TEST(Directory, MetaIsOptional) {
  auto d = parse(R"({"newNonce":"n","newAccount":"a","newOrder":"o"})");
  CHECK(d.ok());
  STRCMP_EQUAL("", d->terms_of_service.c_str());
  STRCMP_EQUAL("", d->renewal_info.c_str());
  CHECK_FALSE(d->external_account_required);
  LONGS_EQUAL(0, d->profiles.size());
}

TEST(Directory, RequiredMembersAreNamedWhenMissing) {
  const char* docs[][2] = {
      {R"({"newAccount":"a","newOrder":"o"})", "'newNonce'"},
      {R"({"newNonce":"n","newOrder":"o"})", "'newAccount'"},
      {R"({"newNonce":"n","newAccount":"a","newOrder":7})", "'newOrder'"},
  };
  for (const auto& doc : docs) {
    auto d = parse(doc[0]);
    CHECK_FALSE(d.ok());
    CHECK(d.status().code() == Code::kProtocol);
    CHECK_TEXT(d.status().message().find(doc[1]) != std::string::npos,
               d.status().message().c_str());
    CHECK(d.status().message().find("ACME directory") != std::string::npos);
  }
  CHECK_FALSE(parse("[]").ok());
}

TEST(Directory, KnownCaNames) {
  STRCMP_EQUAL("https://acme-v02.api.letsencrypt.org/directory",
               known_ca_url("letsencrypt").c_str());
  STRCMP_EQUAL("https://acme-v02.api.letsencrypt.org/directory",
               known_ca_url("LetsEncrypt").c_str());
  STRCMP_EQUAL("https://acme-staging-v02.api.letsencrypt.org/directory",
               known_ca_url("letsencrypt-staging").c_str());
  STRCMP_EQUAL("https://acme.zerossl.com/v2/DV90", known_ca_url("zerossl").c_str());
  STRCMP_EQUAL("https://dv.acme-v02.api.pki.goog/directory", known_ca_url("google").c_str());
  STRCMP_EQUAL("", known_ca_url("https://ca.test/dir").c_str());
  STRCMP_EQUAL("", known_ca_url("letsencrypt2").c_str());
  STRCMP_EQUAL("", known_ca_url("").c_str());
}
