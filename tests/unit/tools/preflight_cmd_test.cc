#include "acmectl/preflight_cmd.h"

#include <sstream>

#include "store/memory_store.h"

#include <CppUTest/TestHarness.h>  // last: it redefines new

using namespace acme;
using namespace acme::ctl;

namespace {

NameReport report(std::vector<Severity> severities) {
  NameReport r;
  r.name = "a.example";
  for (Severity s : severities) r.findings.push_back({s, "x", ""});
  return r;
}

DirectoryFetcher fetcher(Result<std::vector<std::string>> answer, std::string* asked) {
  return [answer, asked](const std::string& url) {
    *asked = url;
    return answer;
  };
}

Result<Args> parse(const std::vector<std::string>& argv) {
  return parse_args(argv, nullptr);
}

}  // namespace

TEST_GROUP(PreflightCmd){};

TEST(PreflightCmd, ExitCodesLikeCheck) {
  LONGS_EQUAL(kExitOk, preflight_exit_code({report({Severity::kOk}), report({Severity::kOk})}));
  LONGS_EQUAL(kExitProblem,
              preflight_exit_code({report({Severity::kOk}), report({Severity::kProblem})}));
  // Something not checked is not a pass, even next to a problem.
  LONGS_EQUAL(kExitUsage,
              preflight_exit_code({report({Severity::kProblem}), report({Severity::kUnchecked})}));
}

TEST(PreflightCmd, AnIssuerDomainIsTakenAsIs) {
  std::string asked;
  CaIdentity ca = resolve_ca("LetsEncrypt.org", fetcher(std::vector<std::string>{}, &asked));
  STRCMP_EQUAL("", asked.c_str());
  LONGS_EQUAL(1, ca.issuer_domains.size());
  STRCMP_EQUAL("letsencrypt.org", ca.issuer_domains[0].c_str());
}

TEST(PreflightCmd, AKnownNameOrUrlAsksTheDirectory) {
  std::string asked;
  CaIdentity ca =
      resolve_ca("letsencrypt", fetcher(std::vector<std::string>{"letsencrypt.org"}, &asked));
  STRCMP_EQUAL("https://acme-v02.api.letsencrypt.org/directory", asked.c_str());
  STRCMP_EQUAL("letsencrypt.org", ca.issuer_domains.at(0).c_str());
  CaIdentity none = resolve_ca("https://ca.test/dir", fetcher(std::vector<std::string>{}, &asked));
  STRCMP_EQUAL("https://ca.test/dir", asked.c_str());
  CHECK(none.issuer_domains.empty());
  CHECK(none.note.find("no caaIdentities") != std::string::npos);
  CaIdentity down = resolve_ca("https://ca.test/dir",
                               fetcher(Status(Code::kNetwork, "connection refused"), &asked));
  CHECK(down.note.find("connection refused") != std::string::npos);
}

TEST(PreflightCmd, AProbeNobodyTakesIsWithdrawnAndReported) {
  MemoryStore store;
  std::ostringstream err;
  CHECK_FALSE(publish_probes(store, "id", {new_probe("a.example")}, Millis(250), err));
  CHECK_FALSE(store.exists(probe_request_path("id")));
}

TEST(PreflightCmd, ParsesItsOptions) {
  Result<Args> a =
      parse({"preflight", "--ca", "letsencrypt", "--resolver", "[::1]:5353",
             "--challenges=tls-alpn-01,dns-01", "--http-port", "8080", "a.example", "*.a.example"});
  CHECK_TEXT(a.ok(), a.status().message().c_str());
  CHECK(a->command == Command::kPreflight);
  LONGS_EQUAL(2, a->names.size());
  STRCMP_EQUAL("::1", a->resolver_address.host.c_str());
  LONGS_EQUAL(5353, a->resolver_address.port);
  LONGS_EQUAL(2, a->challenges.size());
  STRCMP_EQUAL("dns-01", a->challenges[1].c_str());
  LONGS_EQUAL(8080, a->http_port);
  LONGS_EQUAL(443, a->tls_port);
  Result<Args> d = parse({"preflight", "--resolver", "127.0.0.1", "a.example"});
  LONGS_EQUAL(53, d->resolver_address.port);
  STRCMP_EQUAL("http-01", d->challenges.at(0).c_str());
}

TEST(PreflightCmd, RefusesBadUsage) {
  CHECK_FALSE(parse({"preflight"}).ok());
  CHECK_FALSE(parse({"preflight", "--challenges", "http-02", "a.example"}).ok());
  CHECK_FALSE(parse({"preflight", "--http-port", "0", "a.example"}).ok());
  CHECK_FALSE(parse({"preflight", "--resolver", "[::1", "a.example"}).ok());
  CHECK_FALSE(parse({"check", "--resolver", "127.0.0.1", "https://a.example"}).ok());
}

TEST(PreflightCmd, WithoutCaTheStoresOneAccountNamesIt) {
  MemoryStore store;
  STRCMP_EQUAL("", store_ca(store).c_str());
  CHECK(store
            .write("accounts/ca.test_dir/account.json",
                   R"({"url": "https://ca.test/acct/1", "ca": "https://ca.test/dir"})")
            .ok());
  STRCMP_EQUAL("https://ca.test/dir", store_ca(store).c_str());
  CHECK(store.write("accounts/other_dir/account.json", R"({"ca": "https://other/dir"})").ok());
  STRCMP_EQUAL("", store_ca(store).c_str());  // which one? --ca must say
}
