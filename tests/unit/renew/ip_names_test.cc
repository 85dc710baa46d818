// IP addresses as certificate names (RFC 8738): the canonical spelling, the
// "ip" identifier, a whole issuance with iPAddress SANs, and store paths
// named by the address (IPv6 colons included).
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "acme/acme_test_util.h"
#include "acme/identifier.h"
#include "certset/cert_files.h"
#include "config/key_variants.h"
#include "crypto/certificate.h"
#include "renew/renew_test_util.h"
#include "store/file_store.h"
#include "store/layout.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(IpNames){};

// RFC 8738 §3: IPv4 as a dotted quad, IPv6 as RFC 5952 §4 text; the same
// form certificates print, so "does the live certificate cover it" holds.
TEST(IpNames, CanonicalSpelling) {
  STRCMP_EQUAL("127.0.0.1", canonical_name("127.0.0.1").c_str());
  STRCMP_EQUAL("2001:db8::1", canonical_name("2001:DB8:0:0:0:0:0:1").c_str());
  STRCMP_EQUAL("::1", canonical_name("0:0::1").c_str());
  STRCMP_EQUAL("a.example", canonical_name("A.Example").c_str());
}

TEST(IpNames, IdentifierTypeIp) {
  Identifier id = identifier_for("2001:DB8::1");
  STRCMP_EQUAL("ip", id.type.c_str());
  STRCMP_EQUAL("2001:db8::1", id.value.c_str());
  STRCMP_EQUAL(R"({"type":"ip","value":"127.0.0.1"})",
               identifier_json(identifier_for("127.0.0.1")).dump().c_str());
  STRCMP_EQUAL("dns", identifier_for("a.example").type.c_str());
}

TEST(IpNames, Http01CanAnswerForAnAddress) {
  std::vector<std::uint64_t> memory(ChallengeTable::region_size(2) / 8 + 1, 0);
  ChallengeTable table = *ChallengeTable::format(memory.data(), memory.size() * 8, 2);
  Http01Responder http01(table);
  CHECK(http01.can_answer(identifier_for("127.0.0.1"), false));
}

// The whole job for two addresses: "ip" identifiers in newOrder, http-01
// answered with the address as host (the fake CA looks the answer up so),
// a CSR the CA accepts (its names are the order's) and a certificate with
// iPAddress SANs that verifies, files named by the first address.
TEST(IpNames, IssuesForAddresses) {
  RenewHarness h;
  h.cert = managed_cert("192.0.2.1", {"192.0.2.1", "2001:db8::1"}, h.ca.trust_anchor_file());
  std::string order_payload;
  h.ca.on_request = [&](const HttpRequest& r) {
    if (r.url == std::string(FakeAcmeCa::kBase) + "/new-order")
      order_payload = decode_jws(r.body).payload;
  };
  auto session = h.session();
  auto job = h.job();
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
  STRCMP_EQUAL(R"({"identifiers":[{"type":"ip","value":"192.0.2.1"},)"
               R"({"type":"ip","value":"2001:db8::1"}]})",
               Json::parse(order_payload)->dump().c_str());
  auto chain = Certificate::parse_pem_chain(*h.store.read("staging/192.0.2.1/fullchain.pem"));
  CHECK(chain.ok());
  auto names = chain->front().names();
  LONGS_EQUAL(2, names.size());
  STRCMP_EQUAL("192.0.2.1", names[0].c_str());
  STRCMP_EQUAL("2001:db8::1", names[1].c_str());
  CHECK(X509_check_ip_asc(chain->front().get(), "2001:db8::1", 0) == 1);
}

TEST(IpNames, StorePathsNamedByIpv6Address) {
  char tmpl[] = "/tmp/ip_names_test.XXXXXX";
  CHECK(mkdtemp(tmpl) != nullptr);
  {
    FileStore store(tmpl);
    const std::string name = key_variant_name("2001:db8::1", KeyType::kRsa2048, false);
    STRCMP_EQUAL("live/2001:db8::1_rsa2048", layout::live_dir(name).c_str());
    CHECK(stage_set(store, "::1", "chain", "key").ok());
    CHECK(has_staged(store, "::1"));
    CHECK(std::filesystem::exists(std::string(tmpl) + "/staging/::1/fullchain.pem"));
  }
  std::filesystem::remove_all(tmpl);
}
