// tls-alpn-01 in the handshake: the vhosts whose names are answered (and
// the warning for one that cannot be), and the certificate a handshake's
// SNI gets from the table the responder writes.
#include "solve/tls_alpn_answer.h"

#include <string>
#include <vector>

#include "renew/renew_test_util.h"
#include "solve/tls_alpn01_responder.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

TlsAlpnVhost vhost(const std::string& where, std::vector<std::string> domains, bool allows,
                   bool lists) {
  TlsAlpnVhost v;
  v.where = where;
  v.domains = std::move(domains);
  v.allows_acme_tls1 = allows;
  v.lists_tls_alpn01 = lists;
  return v;
}

}  // namespace

TEST_GROUP(TlsAlpnPlan) {
  MemoryLogSink log;
  std::vector<std::string> names;
};

TEST(TlsAlpnPlan, OnlyVhostsAllowingTheProtocolAreAnswered) {
  CHECK(plan_tls_alpn({vhost("a", {"a.example", "www.a.example"}, true, false),
                       vhost("b", {"b.example"}, false, false)},
                      log, &names));
  LONGS_EQUAL(2u, names.size());
  STRCMP_EQUAL("a.example", names[0].c_str());
  STRCMP_EQUAL("www.a.example", names[1].c_str());
  CHECK(log.lines.empty());
}

TEST(TlsAlpnPlan, NoVhostAllowsOrAsks) {
  CHECK_FALSE(plan_tls_alpn({vhost("b", {"b.example"}, false, false)}, log, &names));
  CHECK_FALSE(plan_tls_alpn({vhost("c", {}, true, true)}, log, &names));  // no ACMEDomain
  CHECK(names.empty());
  CHECK(log.lines.empty());
}

// Listed without the protocol: the responder is registered (the order then
// fails without asking the CA), and the admin is told how to fix it.
TEST(TlsAlpnPlan, AskingWithoutTheProtocolWarnsNamingTheVhostAndTheFix) {
  CHECK(plan_tls_alpn({vhost("b.example (/etc/httpd.conf:12)", {"b.example"}, false, true)}, log,
                      &names));
  CHECK(names.empty());
  LONGS_EQUAL(1u, log.lines.size());
  LONGS_EQUAL(kMsgTlsAlpnConfig, log.lines[0].msgno);
  CHECK(log.lines[0].level == LogLevel::kWarn);
  CHECK(log.contains("virtual host b.example (/etc/httpd.conf:12) lists tls-alpn-01"));
  CHECK(log.contains("'Protocols h2 http/1.1 acme-tls/1'"));
}

TEST_GROUP(TlsAlpnAnswer) {
  FakeClock clock{kStart};
  std::vector<std::uint64_t> memory =
      std::vector<std::uint64_t>(AlpnCertTable::region_size(4) / 8 + 1);
  AlpnCertTable table = *AlpnCertTable::format(memory.data(), memory.size() * 8, 4);
  TlsAlpn01Responder responder{table, clock};
};

TEST(TlsAlpnAnswer, ThePublishedNameGetsItsCertificateAnyCase) {
  CHECK(responder.publish({"dns", "a.example"}, "token1", "token1.thumb").ok());
  CHECK(challenge_published(table, "a.example"));
  CHECK(challenge_published(table, "A.Example."));
  std::string cert, key;
  CHECK(challenge_certificate(table, "A.EXAMPLE", &cert, &key));
  CHECK(cert.rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
  CHECK(key.find("PRIVATE KEY-----") != std::string::npos);
}

TEST(TlsAlpnAnswer, NoCertificateForOtherNames) {
  CHECK(responder.publish({"dns", "a.example"}, "token1", "token1.thumb").ok());
  std::string cert, key;
  CHECK_FALSE(challenge_published(table, "b.example"));
  CHECK_FALSE(challenge_published(table, ""));
  CHECK_FALSE(challenge_published(table, nullptr));
  CHECK_FALSE(challenge_certificate(table, "b.example", &cert, &key));
  CHECK_FALSE(challenge_certificate(table, nullptr, &cert, &key));
  responder.withdraw({"dns", "a.example"}, "token1");
  CHECK_FALSE(challenge_certificate(table, "a.example", &cert, &key));
}

TEST(TlsAlpnAnswer, AnIpAddressIsAskedForByItsReverseName) {
  CHECK(responder.publish({"ip", "127.0.0.1"}, "token4", "token4.thumb").ok());
  std::string cert, key;
  CHECK(challenge_certificate(table, "1.0.0.127.in-addr.arpa", &cert, &key));
  CHECK_FALSE(challenge_published(table, "127.0.0.1"));
}

TEST(TlsAlpnPlan, AServersVhostNamesItsServerNameAndPlaceAndWhetherItAsks) {
  VhostDirectives directives;
  directives.where = "httpd.conf:12";
  directives.domains = {"a.example"};
  directives.challenges = {"http-01", "tls-alpn-01"};
  TlsAlpnVhost v = tls_alpn_vhost(directives, "www.a.example", true);
  STRCMP_EQUAL("www.a.example (httpd.conf:12)", v.where.c_str());
  CHECK(v.domains == directives.domains);
  CHECK(v.allows_acme_tls1);
  CHECK(v.lists_tls_alpn01);
  directives.challenges = {"http-01"};
  CHECK_FALSE(tls_alpn_vhost(directives, "www.a.example", false).lists_tls_alpn01);
}
