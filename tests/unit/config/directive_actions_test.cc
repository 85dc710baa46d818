// The directive table's actions: each directive line, as httpd hands its
// words, lands in the right field of the vhost's or the main server's
// record; a refused value leaves the record as it was.
#include "config/directive_actions.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "config/config_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

// A server's record and the ServerRoot its paths resolve against.
struct Record {
  TempRoot root;
  VhostDirectives vhost;
  GlobalSettings global;
  PathResolver resolve = root.resolver();

  // One directive line; the refusal as `apachectl -t` prints it, "" if taken.
  std::string line(const std::string& directive, const DirectiveArgs& args) {
    const DirectiveAction* action = find_directive(directive);
    if (!action) return "unknown";
    return refusal(directive, action->apply(DirectiveTarget{vhost, global, resolve}, args));
  }
};

}  // namespace

TEST_GROUP(DirectiveActions){};

TEST(DirectiveActions, OnlyTheModulesDirectivesAreFound) {
  CHECK(find_directive("ACMEDomain") != nullptr);
  CHECK(find_directive("ACMENoSuchThing") == nullptr);
  CHECK(find_directive("SSLEngine") == nullptr);
}

TEST(DirectiveActions, ServerWideDirectivesAreGlobalOnly) {
  for (const char* name : {"ACMEStoreDir", "ACMEActivation", "ACMECheckInterval", "ACMEMaxParallel",
                           "ACMEPortMap", "ACMENotifyCommand", "ACMEStapling", "ACMEPreflight",
                           "ACMEPreflightResolver", "ACMESharedStore", "ACMESharedStorePrefix",
                           "ACMESharedStoreTLS", "ACMESharedStoreKeyFile", "ACMENodeName"})
    CHECK_TEXT(find_directive(name)->global_only, name);
  for (const char* name : {"ACMEDomain", "ACMECertificateAuthority", "ACMEKeyType",
                           "ACMEChallenges", "ACMERetryDelay", "ACMERenewWindow"})
    CHECK_TEXT(!find_directive(name)->global_only, name);
}

TEST(DirectiveActions, OneValueIntoItsField) {
  Record r;
  STRCMP_EQUAL("", r.line("ACMEContactEmail", {"ops@example.org"}).c_str());
  STRCMP_EQUAL("ops@example.org", r.vhost.contact.c_str());
  STRCMP_EQUAL("", r.line("ACMECheckInterval", {"90s"}).c_str());
  LONGS_EQUAL(90, r.global.check_interval.count());
  STRCMP_EQUAL("", r.line("ACMEMaxParallel", {"16"}).c_str());
  LONGS_EQUAL(16, r.global.max_parallel);
  STRCMP_EQUAL("", r.line("ACMEActivation", {"manual"}).c_str());
  CHECK(r.global.manual_activation);
  STRCMP_EQUAL("", r.line("ACMERetryDelay", {"10m"}).c_str());
  LONGS_EQUAL(600, r.vhost.retry_delay->count());
}

TEST(DirectiveActions, ARefusedValueNamesTheDirectiveAndKeepsTheField) {
  Record r;
  r.line("ACMECheckInterval", {"1h"});
  STRCMP_EQUAL("ACMECheckInterval: 'often' is not a positive duration; write e.g. 1h, 30m or 3600s",
               r.line("ACMECheckInterval", {"often"}).c_str());
  LONGS_EQUAL(3600, r.global.check_interval.count());
  STRCMP_EQUAL("ACMEPortMap needs 80:PORT and/or 443:PORT", r.line("ACMEPortMap", {}).c_str());
  LONGS_EQUAL(80, r.global.port_http);
}

TEST(DirectiveActions, EveryWordAndFlags) {
  Record r;
  STRCMP_EQUAL("", r.line("ACMEChallenges", {"DNS-01", "http-01"}).c_str());
  LONGS_EQUAL(2, r.vhost.challenges.size());
  STRCMP_EQUAL("dns-01", r.vhost.challenges[0].c_str());
  STRCMP_EQUAL("", r.line("ACMEKeyType", {"p384", "rsa2048"}).c_str());
  LONGS_EQUAL(2, r.vhost.key_types.size());
  CHECK(!r.vhost.key_reuse);
  r.line("ACMEKeyReuse", {"on"});
  CHECK(*r.vhost.key_reuse);
  r.line("ACMEStapling", {"off"});
  CHECK(!r.global.stapling);
  r.line("ACMEPreflight", {"off"});
  CHECK(!r.global.preflight);
}

TEST(DirectiveActions, DomainLinesAppend) {
  Record r;
  r.line("ACMEDomain", {"a.test"});
  STRCMP_EQUAL("", r.line("ACMEDomain", {"WWW.a.test"}).c_str());
  LONGS_EQUAL(2, r.vhost.domains.size());
  STRCMP_EQUAL("www.a.test", r.vhost.domains[1].c_str());
  CHECK(!r.line("ACMEDomain", {"a.test"}).empty());  // named twice: refused, nothing added
  LONGS_EQUAL(2, r.vhost.domains.size());
}

TEST(DirectiveActions, PortMapKeepsThePortItLeavesOut) {
  Record r;
  STRCMP_EQUAL("", r.line("ACMEPortMap", {"443:8443"}).c_str());
  LONGS_EQUAL(80, r.global.port_http);
  LONGS_EQUAL(8443, r.global.port_https);
  r.line("ACMEPortMap", {"80:8080"});
  LONGS_EQUAL(8080, r.global.port_http);
  LONGS_EQUAL(8443, r.global.port_https);
}

TEST(DirectiveActions, PathsResolveAgainstServerRoot) {
  Record r;
  const std::string roots = r.root.put("roots.pem", "x", 0644);
  STRCMP_EQUAL("", r.line("ACMETrustAnchorFile", {"roots.pem"}).c_str());
  STRCMP_EQUAL(roots.c_str(), r.vhost.trust_anchor_file.c_str());
  CHECK(r.vhost.ca_file.empty());
  r.line("ACMEStoreDir", {"acme"});
  STRCMP_EQUAL((r.root.dir + "/acme").c_str(), r.global.store_dir.c_str());
  r.root.put("notify.sh", "#!/bin/sh\n", 0755);
  STRCMP_EQUAL("", r.line("ACMENotifyCommand", {"notify.sh --to ops"}).c_str());
  STRCMP_EQUAL((r.root.dir + "/notify.sh --to ops").c_str(), r.global.notify_command.c_str());
}

TEST(DirectiveActions, TermsEabProfileResolver) {
  Record r;
  CHECK(!r.line("ACMETermsOfService", {"maybe"}).empty());
  CHECK(!r.vhost.terms_agreed);
  r.line("ACMETermsOfService", {"agreed"});
  CHECK(r.vhost.terms_agreed);
  // pebble's example key, kept base64url (its raw bytes may hold NUL).
  const std::string key = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
  STRCMP_EQUAL("", r.line("ACMEExternalAccountBinding", {"kid-1", key}).c_str());
  STRCMP_EQUAL("kid-1", r.vhost.eab_kid.c_str());
  STRCMP_EQUAL(key.c_str(), r.vhost.eab_key.c_str());
  r.line("ACMEProfile", {"shortlived", "mandatory"});
  STRCMP_EQUAL("shortlived", r.vhost.profile.name.c_str());
  CHECK(r.vhost.profile.mandatory);
  r.line("ACMEPreflightResolver", {"127.0.0.1:5353"});
  STRCMP_EQUAL("127.0.0.1", r.global.preflight_server.c_str());
  LONGS_EQUAL(5353, r.global.preflight_port);
}

TEST(DirectiveActions, ClusterDirectivesFillTheClusterSettings) {
  Record r;
  STRCMP_EQUAL("",
               r.line("ACMESharedStore", {"etcd", "https://e1:2379", "https://e2:2379"}).c_str());
  STRCMP_EQUAL("", r.line("ACMESharedStorePrefix", {"/mod_acme/prod"}).c_str());
  STRCMP_EQUAL("", r.line("ACMESharedStoreTLS", {"/c.pem", "/c.key", "/ca.pem"}).c_str());
  STRCMP_EQUAL("", r.line("ACMESharedStoreKeyFile", {"/etc/apache2/acme-cluster.key"}).c_str());
  STRCMP_EQUAL("", r.line("ACMENodeName", {"web1"}).c_str());
  const ClusterSettings& c = r.global.cluster;
  CHECK(c.enabled && c.prefix_given && c.tls_given);
  LONGS_EQUAL(2, c.endpoints.size());
  STRCMP_EQUAL("https://e2:2379", c.endpoints[1].c_str());
  STRCMP_EQUAL("/mod_acme/prod", c.prefix.c_str());
  STRCMP_EQUAL("/ca.pem", c.tls.ca_file.c_str());
  STRCMP_EQUAL("/etc/apache2/acme-cluster.key", c.key_file.c_str());
  STRCMP_EQUAL("web1", c.node_name.c_str());
}

TEST(DirectiveActions, ClusterRefusalsNameTheDirectiveOnce) {
  Record r;
  STRCMP_EQUAL(
      "ACMENodeName 'web 1': use 1 to 253 letters, digits, '-', '.' or '_' (e.g. web1), "
      "unique in the cluster",
      r.line("ACMENodeName", {"web 1"}).c_str());
  CHECK(r.global.cluster.node_name.empty());
  STRCMP_EQUAL("ACMESharedStoreKeyFile 'acme.key': give an absolute path",
               r.line("ACMESharedStoreKeyFile", {"acme.key"}).c_str());
  std::string consul = r.line("ACMESharedStore", {"consul", "http://c:8500"});
  CHECK_TEXT(consul.rfind("ACMESharedStore 'consul': ", 0) == 0, consul.c_str());
  CHECK(!r.global.cluster.enabled);
}

TEST(DirectiveActions, TheListHoldsEachDirectiveOnceWithItsHelp) {
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < kDirectiveCount; ++i) {
    const DirectiveAction& action = directive_actions()[i];
    const std::string name = action.name;
    CHECK_TEXT(name.rfind("ACME", 0) == 0, name.c_str());
    CHECK_TEXT(action.help && *action.help, name.c_str());
    CHECK_TEXT(std::find(seen.begin(), seen.end(), name) == seen.end(), name.c_str());
    POINTERS_EQUAL(&action, find_directive(name));
    seen.push_back(name);
  }
}

// httpd counts the words before apply() runs, by the arity the table gives it.
TEST(DirectiveActions, EachTakesTheWordsItsValueNeeds) {
  for (const char* name : {"ACMEKeyReuse", "ACMEStapling", "ACMEPreflight"})
    CHECK_TEXT(find_directive(name)->arity == Arity::kFlag, name);
  for (const char* name : {"ACMEExternalAccountBinding", "ACMEProfile"})
    CHECK_TEXT(find_directive(name)->arity == Arity::kOneOrTwo, name);
  for (const char* name :
       {"ACMEDomain", "ACMECertificateAuthority", "ACMEKeyType", "ACMEPortMap", "ACMEChallenges",
        "ACMEDns01Command", "ACMESharedStore", "ACMESharedStoreTLS"})
    CHECK_TEXT(find_directive(name)->arity == Arity::kWords, name);
  CHECK(find_directive("ACMENotifyCommand")->arity == Arity::kWholeLine);
  for (const char* name : {"ACMEStoreDir", "ACMEContactEmail", "ACMERenewWindow", "ACMENodeName"})
    CHECK_TEXT(find_directive(name)->arity == Arity::kOne, name);
}
