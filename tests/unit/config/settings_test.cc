// From each vhost's directives to the core's settings: the rules across
// directives (check_config) and every default of a ManagedCert.
#include "config/settings.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "crypto/base64url.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

VhostDirectives vhost(const std::string& where, std::vector<std::string> domains) {
  VhostDirectives d;
  d.where = where;
  d.domains = std::move(domains);
  return d;
}

std::string problem(const std::vector<VhostDirectives>& vhosts) {
  return check_config(vhosts).message();
}

}  // namespace

TEST_GROUP(Settings){};

TEST(Settings, DistinctNamesPass) {
  // test_300_02[two-vhosts]
  CHECK(check_config({vhost("main.conf:1", {}), vhost("a.conf:3", {"a.test", "www.a.test"}),
                      vhost("b.conf:9", {"b.test"})})
            .ok());
}

TEST(Settings, NameInTwoVhostsRefused) {
  // test_300_01[domain-in-two-vhosts]
  STRCMP_EQUAL(
      "ACMEDomain: 'a.test' is managed twice (virtual hosts at a.conf:3 and b.conf:9); name it "
      "in one ACMEDomain only",
      problem({vhost("a.conf:3", {"a.test"}), vhost("b.conf:9", {"b.test", "a.test"})}).c_str());
  // test_300_01[domain-ipv6-twice]: parse_domains made both spellings one.
  STRCMP_EQUAL(
      "ACMEDomain: '2001:db8::1' is managed twice (virtual hosts at a.conf:3 and b.conf:9); name "
      "it in one ACMEDomain only",
      problem({vhost("a.conf:3", {"2001:db8::1"}), vhost("b.conf:9", {"2001:db8::1"})}).c_str());
}

TEST(Settings, WildcardNeedsDns01Command) {
  // test_300_01[domain-wildcard-without-dns01]
  STRCMP_EQUAL(
      "ACMEDomain: '*.a.test' (virtual host at a.conf:3): wildcard names need the dns-01 "
      "challenge: set ACMEDns01Command",
      problem({vhost("a.conf:3", {"*.a.test"})}).c_str());
  VhostDirectives with = vhost("a.conf:3", {"*.a.test"});
  with.dns01_command = "'/usr/local/bin/dns'";
  CHECK(check_config({with}).ok());
}

TEST(Settings, DefaultsOfAManagedCert) {
  auto certs = managed_certs({vhost("main.conf:1", {}), vhost("a.conf:3", {"a.test", "b.test"})});
  LONGS_EQUAL(1, certs.size());
  const ManagedCert& c = certs[0];
  STRCMP_EQUAL("a.test", c.name.c_str());
  LONGS_EQUAL(2, c.names.size());
  CHECK(c.key_type == kDefaultKeyType);
  STRCMP_EQUAL("https://acme-v02.api.letsencrypt.org/directory", c.ca.directory_url.c_str());
  CHECK(c.failover_cas.empty() && c.ca.contact.empty() && !c.ca.terms_agreed && c.ca.eab.empty());
  CHECK(!c.key_reuse && c.profile.empty() && c.challenges.empty() && c.dns01_command.empty());
  CHECK(c.renew_window.is_fraction == RenewWindow().is_fraction);
  LONGS_EQUAL(600, c.retry_delay.count());
}

TEST(Settings, FailoverCasShareAllButTheBinding) {
  VhostDirectives d = vhost("a.conf:3", {"a.test"});
  d.cas = {"https://ca-one.test/dir", "https://ca-two.test/dir"};
  d.ca_file = "/etc/ca.pem";
  d.contact = "admin@a.test";
  d.terms_agreed = true;
  d.eab_kid = "kid-1";
  d.eab_key = base64url_encode("0123456789abcdef");
  auto certs = managed_certs({d});
  const ManagedCert& c = certs.at(0);
  STRCMP_EQUAL("https://ca-one.test/dir", c.ca.directory_url.c_str());
  STRCMP_EQUAL("kid-1", c.ca.eab.kid.c_str());
  STRCMP_EQUAL("0123456789abcdef", c.ca.eab.hmac_key.c_str());
  LONGS_EQUAL(1, c.failover_cas.size());
  const CaSettings& more = c.failover_cas[0];
  STRCMP_EQUAL("https://ca-two.test/dir", more.directory_url.c_str());
  STRCMP_EQUAL("/etc/ca.pem", more.ca_file.c_str());
  CHECK(more.terms_agreed && more.contact.at(0) == "admin@a.test" && more.eab.empty());
}

TEST(Settings, OneCertPerKeyTypeAndTheChosenValues) {
  VhostDirectives d = vhost("a.conf:3", {"a.test"});
  d.key_types = {KeyType::kP256, KeyType::kRsa2048};
  d.key_reuse = true;
  d.preferred_chain = "ISRG Root X1";
  d.profile = {"tlsserver", true};
  d.renew_window = "10d";
  d.retry_delay = Seconds(30);
  d.challenges = {"tls-alpn-01"};
  d.trust_anchor_file = "/etc/anchor.pem";
  auto certs = managed_certs({d});
  LONGS_EQUAL(2, certs.size());
  STRCMP_EQUAL("a.test", certs[0].name.c_str());
  STRCMP_EQUAL("a.test_rsa2048", certs[1].name.c_str());
  CHECK(certs[1].key_type == KeyType::kRsa2048);
  for (const ManagedCert& c : certs) {
    CHECK(c.key_reuse && c.profile == "tlsserver" && c.profile_mandatory);
    CHECK(c.preferred_chain == "ISRG Root X1" && c.trust_anchor_file == "/etc/anchor.pem");
    CHECK(!c.renew_window.is_fraction && c.renew_window.duration.count() == 864000);
    LONGS_EQUAL(30, c.retry_delay.count());
    CHECK(c.challenges == std::vector<std::string>{"tls-alpn-01"});
  }
}

TEST_GROUP(MergeVhost){};

TEST(MergeVhost, UnsetSettingsComeFromTheMainServer) {
  VhostDirectives base = vhost("main", {"main.test"});
  base.cas = {"https://a.test/dir", "https://b.test/dir"};
  base.ca_file = "/roots.pem";
  base.terms_agreed = true;
  base.contact = "admin@a.test";
  base.key_types = {KeyType::kRsa2048};
  base.key_reuse = true;
  base.renew_window = "30d";
  base.retry_delay = Seconds(60);
  base.challenges = {"dns-01"};
  VhostDirectives m = merge_vhost(base, vhost("a.conf:3", {"a.test"}));
  CHECK(m.cas == base.cas && m.ca_file == "/roots.pem" && m.terms_agreed);
  CHECK(m.contact == "admin@a.test" && m.key_types == base.key_types && *m.key_reuse);
  CHECK(m.renew_window == "30d" && m.retry_delay == Seconds(60) && m.challenges == base.challenges);
  // The names and the place are the vhost's own, never inherited.
  CHECK(m.domains == std::vector<std::string>{"a.test"});
  STRCMP_EQUAL("a.conf:3", m.where.c_str());
}

TEST(MergeVhost, TheVhostsOwnSettingsWin) {
  VhostDirectives base = vhost("main", {});
  base.cas = {"https://a.test/dir", "https://b.test/dir"};
  base.key_reuse = true;
  base.contact = "admin@a.test";
  VhostDirectives add = vhost("a.conf:3", {});
  add.cas = {"https://c.test/dir"};  // the whole list: no failover from the main server
  add.key_reuse = false;             // an explicit off beats the main server's on
  add.contact = "ops@c.test";
  VhostDirectives m = merge_vhost(base, add);
  CHECK(m.cas == std::vector<std::string>{"https://c.test/dir"});
  CHECK(m.key_reuse.has_value() && !*m.key_reuse);
  STRCMP_EQUAL("ops@c.test", m.contact.c_str());
  CHECK(!merge_vhost(VhostDirectives(), VhostDirectives()).key_reuse.has_value());
}

TEST(MergeVhost, PairedSettingsComeWholeFromOneSide) {
  VhostDirectives base = vhost("main", {});
  base.eab_kid = "kid-main";
  base.eab_key = "a2V5";
  base.profile = {"tlsserver", true};
  VhostDirectives inherited = merge_vhost(base, vhost("a.conf:3", {}));
  CHECK(inherited.eab_kid == "kid-main" && inherited.eab_key == "a2V5");
  CHECK(inherited.profile.name == "tlsserver" && inherited.profile.mandatory);
  VhostDirectives add = vhost("b.conf:9", {});
  add.eab_kid = "kid-b";
  add.eab_key = "b3du";
  add.profile = {"shortlived", false};
  VhostDirectives own = merge_vhost(base, add);
  CHECK(own.eab_kid == "kid-b" && own.eab_key == "b3du");
  CHECK(own.profile.name == "shortlived" && !own.profile.mandatory);
}

TEST(Settings, CheckGlobalNamesTheNodeAfterThisHost) {
  GlobalSettings g;
  CHECK_TRUE(check_global(&g).ok());  // no cluster: nothing to check
  CHECK(g.cluster.node_name.empty());
  char tmpl[] = "/tmp/acme-check-global.XXXXXX";
  CHECK(mkdtemp(tmpl) != nullptr);
  const std::string key_file = std::string(tmpl) + "/cluster.key";
  FILE* f = fopen(key_file.c_str(), "w");
  CHECK(f != nullptr);
  fputs((base64_encode(std::string(32, 'k')) + "\n").c_str(), f);
  fclose(f);
  chmod(key_file.c_str(), 0600);
  CHECK_TRUE(parse_shared_store({"etcd", "http://127.0.0.1:2379"}, &g.cluster).ok());
  CHECK_TRUE(parse_shared_store_key_file(key_file, &g.cluster).ok());
  Status checked = check_global(&g);
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  unlink(key_file.c_str());
  rmdir(tmpl);
  CHECK_TEXT(checked.ok(), checked.message().c_str());
  STRCMP_EQUAL(host, g.cluster.node_name.c_str());
}

TEST(Settings, CheckGlobalRefusesANodeNameWithoutCluster) {
  GlobalSettings g;
  CHECK_TRUE(parse_node_name("web1", &g.cluster).ok());
  Status checked = check_global(&g);
  CHECK_TEXT(checked.message().find("ACMENodeName 'web1' needs ACMESharedStore") == 0,
             checked.message().c_str());
}
