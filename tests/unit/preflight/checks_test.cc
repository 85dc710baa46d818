#include "preflight/checks.h"

#include <set>

#include "fakes/fake_dns_resolver.h"

#include <CppUTest/TestHarness.h>  // last: it redefines new

using namespace acme;

namespace {

// Answers for the addresses in `reaching`; records every probe.
class FakeProber : public Prober {
 public:
  Status probe(const std::string& address, int port, bool tls, const std::string& name) override {
    asked.push_back(address + ":" + std::to_string(port) + (tls ? " tls " : " ") + name);
    if (reaching.count(address)) return Status::ok_status();
    if (other_server.count(address))
      return Status(Code::kNotFound,
                    "a server answered (HTTP 404) but not with this httpd's probe");
    return Status(Code::kNetwork, "Couldn't connect to server");
  }
  std::string url(const std::string& name, int, bool) const override {
    return "http://" + name + "/.well-known/acme-challenge/P";
  }
  std::set<std::string> reaching;
  std::set<std::string> other_server;  // a server answers there, not with the probe
  std::vector<std::string> asked;
};

std::string v4(unsigned char a, unsigned char b, unsigned char c, unsigned char d) {
  return std::string{static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                     static_cast<char>(d)};
}

PreflightSettings settings() {
  PreflightSettings s;
  s.challenges = {"http-01"};
  s.issuer_domains = {"letsencrypt.org"};
  s.ca = "letsencrypt";
  s.local_addresses = {"192.0.2.10"};
  return s;
}

std::string text(const NameReport& r) {
  return format_name_report(r);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_GROUP(Preflight) {
  FakeDnsResolver dns;
  FakeProber prober;
};

TEST(Preflight, ANamePointingHerePasses) {
  dns.add("a.example", kDnsTypeA, v4(192, 0, 2, 10));
  prober.reaching = {"192.0.2.10"};
  NameReport r = run_preflight("a.example", settings(), dns, prober);
  CHECK_FALSE(has_severity(r, Severity::kProblem));
  CHECK_FALSE(has_severity(r, Severity::kUnchecked));
  CHECK_TEXT(contains(text(r), "192.0.2.10, an address of this server"), text(r).c_str());
  LONGS_EQUAL(1, prober.asked.size());
  STRCMP_EQUAL("192.0.2.10:80 a.example", prober.asked[0].c_str());
}

TEST(Preflight, AnAddressThatDoesNotReachHereIsAProblemWithAFix) {
  dns.add("a.example", kDnsTypeA, v4(192, 0, 2, 10));
  dns.add("a.example", kDnsTypeA, v4(198, 51, 100, 7));
  prober.reaching = {"192.0.2.10"};
  NameReport r = run_preflight("a.example", settings(), dns, prober);
  CHECK(has_severity(r, Severity::kProblem));
  CHECK_TEXT(contains(text(r), "resolves to 198.51.100.7, not an address of this server"),
             text(r).c_str());
  CHECK_TEXT(contains(text(r),
                      "FAIL  http://a.example/.well-known/acme-challenge/P via "
                      "198.51.100.7: Couldn't connect"),
             text(r).c_str());
  CHECK_TEXT(contains(text(r), "FIX: make 198.51.100.7 port 80 reach this httpd"), text(r).c_str());
}

TEST(Preflight, BehindNatTheProbeDecides) {
  dns.add("a.example", kDnsTypeA, v4(203, 0, 113, 5));
  prober.reaching = {"203.0.113.5"};
  CHECK_FALSE(
      has_severity(run_preflight("a.example", settings(), dns, prober), Severity::kProblem));
}

TEST(Preflight, ANameWithoutAddressIsAProblem) {
  dns.nxdomain("a.example", kDnsTypeA);
  dns.nxdomain("a.example", kDnsTypeAaaa);
  NameReport r = run_preflight("a.example", settings(), dns, prober);
  CHECK(has_severity(r, Severity::kProblem));
  CHECK_TEXT(contains(text(r), "a.example does not exist in DNS"), text(r).c_str());
  CHECK_TEXT(contains(text(r), "FIX: add an A (and/or AAAA) record"), text(r).c_str());
  NameReport nodata = run_preflight("b.example", settings(), dns, prober);
  CHECK_TEXT(contains(text(nodata), "has no A or AAAA record"), text(nodata).c_str());
}

TEST(Preflight, TlsAlpnProbesTheTlsPort) {
  dns.add("a.example", kDnsTypeAaaa, std::string(15, '\0') + "\x01");
  prober.reaching = {"::1"};
  PreflightSettings s = settings();
  s.challenges = {"tls-alpn-01"};
  s.tls_port = 8443;
  NameReport r = run_preflight("a.example", s, dns, prober);
  LONGS_EQUAL(1, prober.asked.size());
  STRCMP_EQUAL("::1:8443 tls a.example", prober.asked[0].c_str());
}

TEST(Preflight, AWildcardWithoutDns01IsAProblem) {
  NameReport r = run_preflight("*.a.example", settings(), dns, prober);
  CHECK(has_severity(r, Severity::kProblem));
  CHECK_TEXT(contains(text(r), "FIX: set ACMEDns01Command"), text(r).c_str());
  LONGS_EQUAL(0, prober.asked.size());  // dns-01 only: nothing to probe
  PreflightSettings s = settings();
  s.challenges = {"http-01", "dns-01"};
  s.dns01_configured = true;
  CHECK_FALSE(has_severity(run_preflight("*.a.example", s, dns, prober), Severity::kProblem));
}

TEST(Preflight, CaaNamingAnotherCaIsAProblem) {
  dns.add("a.example", kDnsTypeA, v4(192, 0, 2, 10));
  dns.add("example", kDnsTypeCaa, caa_rdata(0, "issue", "other.example"));
  prober.reaching = {"192.0.2.10"};
  NameReport r = run_preflight("a.example", settings(), dns, prober);
  CHECK(has_severity(r, Severity::kProblem));
  CHECK_TEXT(contains(text(r), "CAA at example (issue) allows only other.example"),
             text(r).c_str());
  CHECK_TEXT(contains(text(r), "FIX: add a CAA record at example: 0 issue \"letsencrypt.org\""),
             text(r).c_str());
}

TEST(Preflight, DnsFailuresAreUncheckedNotPassed) {
  dns.fail("a.example", kDnsTypeA);
  dns.fail("a.example", kDnsTypeCaa);
  NameReport r = run_preflight("a.example", settings(), dns, prober);
  CHECK(has_severity(r, Severity::kUnchecked));
  CHECK_FALSE(has_severity(r, Severity::kOk));
}

TEST(Preflight, ProbesTheServerDidNotTakeAreUnchecked) {
  dns.add("a.example", kDnsTypeA, v4(192, 0, 2, 10));
  PreflightSettings s = settings();
  s.probes_served = false;
  NameReport r = run_preflight("a.example", s, dns, prober);
  CHECK(has_severity(r, Severity::kUnchecked));
  CHECK_FALSE(has_severity(r, Severity::kProblem));
  LONGS_EQUAL(0, prober.asked.size());
}

// On a cluster the balancer may hand the probe to another node, which does
// not serve this node's probe: no finding. Nobody answering still is one.
TEST(Preflight, OnAClusterAnotherServersAnswerIsUnchecked) {
  dns.add("a.example", kDnsTypeA, v4(192, 0, 2, 10));
  prober.other_server = {"192.0.2.10"};
  PreflightSettings s = settings();
  CHECK(has_severity(run_preflight("a.example", s, dns, prober), Severity::kProblem));
  s.cluster = true;
  NameReport r = run_preflight("a.example", s, dns, prober);
  CHECK_FALSE(has_severity(r, Severity::kProblem));
  CHECK_TEXT(contains(text(r), "another node behind the balancer"), text(r).c_str());

  prober.other_server.clear();  // nothing answers at all
  CHECK(has_severity(run_preflight("a.example", s, dns, prober), Severity::kProblem));
}
