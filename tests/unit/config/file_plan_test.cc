// Which files mod_ssl gets for each vhost: live sets, a fallback while a
// vhost has none, the dry run's placeholder; the http-01 names.
#include "config/file_plan.h"

#include "base/memory_log_sink.h"

#include <set>
#include <string>
#include <vector>

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

ManagedCert cert(const std::string& name, std::vector<std::string> names,
                 std::vector<std::string> challenges = {}) {
  ManagedCert c;
  c.name = name;
  c.names = std::move(names);
  c.challenges = std::move(challenges);
  return c;
}

HasFiles in(std::set<std::string> names) {
  return [names](const std::string& name) { return names.count(name) > 0; };
}

// a.test with two key types, b.test with one.
const std::vector<ManagedCert> kCerts = {cert("a.test", {"a.test", "www.a.test"}),
                                         cert("a.test_rsa2048", {"a.test", "www.a.test"}),
                                         cert("b.test", {"b.test"})};

}  // namespace

TEST_GROUP(FilePlan){};

TEST(FilePlan, LiveSetsOfEveryKeyType) {
  FilePlan plan = plan_files(kCerts, in({"a.test", "a.test_rsa2048", "b.test"}));
  LONGS_EQUAL(2, plan.vhosts.size());
  const VhostFiles& a = plan.vhosts.at("a.test");
  CHECK((a.live == std::vector<std::string>{"a.test", "a.test_rsa2048"}));
  CHECK(a.fallback.empty() && plan.fallbacks_to_make.empty() && plan.notices.empty());
}

TEST(FilePlan, FallbackOnlyWhileAVhostHasNoLiveSet) {
  FilePlan plan = plan_files(kCerts, in({}));
  STRCMP_EQUAL("a.test", plan.vhosts.at("a.test").fallback.c_str());  // its first type
  STRCMP_EQUAL("b.test", plan.vhosts.at("b.test").fallback.c_str());
  CHECK((plan.fallbacks_to_make == std::vector<std::string>{"a.test", "b.test"}));
  CHECK(plan.notices.empty());
  CHECK(!plan.vhosts.at("a.test").placeholder);
}

TEST(FilePlan, OtherKeyTypeServesMeanwhile) {
  FilePlan plan = plan_files(kCerts, in({"a.test_rsa2048", "b.test"}));
  const VhostFiles& a = plan.vhosts.at("a.test");
  CHECK((a.live == std::vector<std::string>{"a.test_rsa2048"}));
  CHECK(a.fallback.empty() && plan.fallbacks_to_make.empty());
  LONGS_EQUAL(1, plan.notices.size());
  STRCMP_EQUAL(
      "no certificate for a.test yet: a.test is served with its other key type until the CA "
      "issues one",
      plan.notices[0].c_str());
}

TEST(FilePlan, DryRunHandsWhatExistsElseThePlaceholder) {
  FilePlan plan = plan_dry_run(kCerts, in({}), in({"b.test"}));
  const VhostFiles& a = plan.vhosts.at("a.test");
  STRCMP_EQUAL("a.test", a.fallback.c_str());
  CHECK(a.placeholder);
  const VhostFiles& b = plan.vhosts.at("b.test");
  STRCMP_EQUAL("b.test", b.fallback.c_str());
  CHECK(!b.placeholder);
  CHECK(plan.fallbacks_to_make.empty());  // the dry run makes nothing
}

TEST(FilePlan, DryRunMayHandAFallbackAndTheSecondTypesLiveSet) {
  FilePlan plan = plan_dry_run(kCerts, in({"a.test_rsa2048"}), in({}));
  const VhostFiles& a = plan.vhosts.at("a.test");
  STRCMP_EQUAL("a.test", a.fallback.c_str());
  CHECK((a.live == std::vector<std::string>{"a.test_rsa2048"}));
  // The first type live: no fallback for the second.
  FilePlan first_live = plan_dry_run(kCerts, in({"a.test"}), in({}));
  CHECK(first_live.vhosts.at("a.test").fallback.empty());
}

TEST(FilePlan, Http01HostsOncePerNameWithoutWildcards) {
  std::vector<ManagedCert> certs = kCerts;
  certs.push_back(cert("c.test", {"c.test", "*.c.test"}));
  CHECK((http01_hosts(certs) ==
         std::vector<std::string>{"a.test", "b.test", "c.test", "www.a.test"}));
}

TEST(FilePlan, Port80NeededUnlessEveryCertLeavesHttp01Out) {
  CHECK(may_use_http01(kCerts));
  CHECK(!may_use_http01(
      {cert("a.test", {"a.test"}, {"tls-alpn-01"}), cert("b.test", {"b.test"}, {"dns-01"})}));
  CHECK(may_use_http01({cert("a.test", {"a.test"}, {"tls-alpn-01"}),
                        cert("b.test", {"b.test"}, {"dns-01", "http-01"})}));
  CHECK(!may_use_http01({}));
}

TEST(FilePlan, Http01UnreachableWithoutAListenerOnTheMappedPort) {
  MemoryLogSink log;
  CHECK(http01_reachable({443, 80}, 80, true, log));
  CHECK(log.lines.empty());
  CHECK(!http01_reachable({443, 8080}, 80, false, log));  // http-01 not wanted: silent
  CHECK(log.lines.empty());
  CHECK(!http01_reachable({443, 80}, 8080, true, log));
  CHECK(
      log.contains("no Listen on port 8080: the CA's http-01 requests (port 80) cannot reach "
                   "this server; add 'Listen 8080' or set 'ACMEPortMap 80:<local port>'"));
}
