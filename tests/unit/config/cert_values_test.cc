// The directives of one certificate: the value each keeps, and the text
// `apachectl -t` prints for a refused one (directive, value, fix).
#include <string>
#include <vector>

#include "config/config_test_util.h"
#include "config/directive_values.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A valid DNS name of exactly `length` characters (test_300_config.py's dns_name).
std::string dns_name(std::size_t length) {
  std::string name;
  while (name.size() < length) {
    if (!name.empty()) name += '.';
    name += std::string(std::min<std::size_t>(63, length - name.size()), 'a');
  }
  return name;
}

std::string domains_refusal(const std::vector<std::string>& args,
                            const std::vector<std::string>& earlier = {}) {
  return refusal("ACMEDomain", parse_domains(args, earlier));
}

const char kNotKeyType[] =
    "is not a supported key type; use one of rsa2048, rsa3072, rsa4096, p256, p384 (default p256)";

}  // namespace

TEST_GROUP(CertValues){};

TEST(CertValues, DomainsCanonical) {
  auto names = parse_domains({"a.test", "WWW.a.test", "2001:DB8:0::1", "127.0.0.1"}, {});
  CHECK(names.ok());
  LONGS_EQUAL(4, names->size());
  STRCMP_EQUAL("www.a.test", (*names)[1].c_str());
  STRCMP_EQUAL("2001:db8::1", (*names)[2].c_str());
  CHECK(parse_domains({"*.a.test"}, {}).ok());  // its dns-01 need: check_config
}

TEST(CertValues, DomainInvalidNameRefused) {
  // test_300_01[domain-invalid-name]
  const std::string text = domains_refusal({"bad_name!.test"});
  CHECK_TEXT(text.rfind("ACMEDomain: 'bad_name!.test' is not a name a CA can certify: ", 0) == 0,
             text.c_str());
  CHECK(!domains_refusal({"a..test"}).empty());
}

TEST(CertValues, DomainWithoutArgument) {
  // test_300_01[domain-no-argument]
  STRCMP_EQUAL(
      "ACMEDomain needs at least one name, e.g. 'ACMEDomain example.org www.example.org' (the "
      "first name names the certificate)",
      domains_refusal({}).c_str());
}

TEST(CertValues, DomainListedTwiceRefused) {
  STRCMP_EQUAL("ACMEDomain: 'A.test' is listed twice; list each name once",
               domains_refusal({"a.test", "A.test"}).c_str());
  STRCMP_EQUAL("ACMEDomain: 'a.test' is listed twice; list each name once",
               domains_refusal({"a.test"}, {"b.test", "a.test"}).c_str());
  STRCMP_EQUAL("ACMEDomain: '2001:DB8:0::1' is listed twice; list each name once",
               domains_refusal({"2001:db8::1", "2001:DB8:0::1"}).c_str());
}

TEST(CertValues, FirstDomainPastNameMaxRefused) {
  // test_300_01[domain-name-past-name-max], test_300_03
  const std::string too_long = dns_name(251);
  const std::string text = domains_refusal({too_long, "a.test"});
  CHECK_TEXT(text.rfind("ACMEDomain: '" + too_long + "' has 251 characters; ", 0) == 0,
             text.c_str());
  CHECK_TEXT(contains(text, "at most 219 characters") && contains(text, "255"), text.c_str());
  // test_300_02[domain-longest-name]: only the first name names the files.
  CHECK(parse_domains({dns_name(219), too_long}, {}).ok());
  CHECK(parse_domains({too_long}, {"a.test"}).ok());
}

TEST(CertValues, KeyTypes) {
  auto types = parse_key_types({"p256", "rsa2048"});
  CHECK(types.ok());
  LONGS_EQUAL(2, types->size());
  CHECK((*types)[0] == KeyType::kP256 && (*types)[1] == KeyType::kRsa2048);
}

TEST(CertValues, KeyTypeUnknownRefused) {
  // test_300_01[keytype-rsa1024], [keytype-bad-second]
  STRCMP_EQUAL((std::string("ACMEKeyType: 'rsa1024' ") + kNotKeyType).c_str(),
               refusal("ACMEKeyType", parse_key_types({"rsa1024"})).c_str());
  STRCMP_EQUAL((std::string("ACMEKeyType: 'rsa1024' ") + kNotKeyType).c_str(),
               refusal("ACMEKeyType", parse_key_types({"p256", "rsa1024"})).c_str());
  STRCMP_EQUAL("ACMEKeyType needs a key type, e.g. 'ACMEKeyType p256 rsa2048'",
               refusal("ACMEKeyType", parse_key_types({})).c_str());
}

TEST(CertValues, KeyTypeConflictRefused) {
  // test_300_01[keytype-twice], [keytype-two-ecdsa]
  const std::string twice = refusal("ACMEKeyType", parse_key_types({"p256", "rsa2048", "ec"}));
  CHECK_TEXT(twice.rfind("ACMEKeyType: 'ec' cannot be added: ", 0) == 0, twice.c_str());
  const std::string ecdsa = refusal("ACMEKeyType", parse_key_types({"p256", "p384"}));
  CHECK_TEXT(ecdsa.rfind("ACMEKeyType: 'p384' cannot be added: ", 0) == 0, ecdsa.c_str());
}

TEST(CertValues, Challenges) {
  auto types = parse_challenges({"TLS-ALPN-01", "http-01", "dns-01"});
  CHECK(types.ok());
  STRCMP_EQUAL("tls-alpn-01", (*types)[0].c_str());
  LONGS_EQUAL(3, types->size());
}

TEST(CertValues, ChallengesRefused) {
  STRCMP_EQUAL(
      "ACMEChallenges: 'http-02' is not a challenge type; use http-01, tls-alpn-01 and/or dns-01, "
      "most preferred first, e.g. 'ACMEChallenges tls-alpn-01 http-01'",
      refusal("ACMEChallenges", parse_challenges({"http-02"})).c_str());
  STRCMP_EQUAL("ACMEChallenges: 'HTTP-01' is listed twice; list each challenge type once",
               refusal("ACMEChallenges", parse_challenges({"http-01", "HTTP-01"})).c_str());
  STRCMP_EQUAL(
      "ACMEChallenges needs at least one challenge type, e.g. 'ACMEChallenges tls-alpn-01 "
      "http-01' (http-01, tls-alpn-01, dns-01; most preferred first)",
      refusal("ACMEChallenges", parse_challenges({})).c_str());
}

TEST(CertValues, RenewWindow) {
  STRCMP_EQUAL("50%", parse_renew_window_value("50%")->c_str());
  STRCMP_EQUAL("30d", parse_renew_window_value("30d")->c_str());
  // test_300_01[renewwindow-150pct], [renewwindow-word]
  for (const char* bad : {"150%", "soon"}) {
    STRCMP_EQUAL((std::string("ACMERenewWindow: '") + bad +
                  "' is not a renew window; use a percentage of the lifetime below 100% (e.g. "
                  "33%) or a duration (e.g. 30d)")
                     .c_str(),
                 refusal("ACMERenewWindow", parse_renew_window_value(bad)).c_str());
  }
}

TEST(CertValues, RetryDelay) {
  LONGS_EQUAL(600, parse_retry_delay("10m")->count());
  // test_300_01[retrydelay-negative]
  for (const char* bad : {"-5", "0", "soon"}) {
    STRCMP_EQUAL((std::string("ACMERetryDelay: '") + bad +
                  "' is not a positive duration; write e.g. 10m, 30s or 1h")
                     .c_str(),
                 refusal("ACMERetryDelay", parse_retry_delay(bad)).c_str());
  }
}

TEST(CertValues, Dns01CommandResolvedAndQuoted) {
  TempRoot root;
  const std::string path = root.put("dns.sh", "#!/bin/sh\n", 0755);
  auto command = parse_dns01_command({"dns.sh", "--zone", "it's.test"}, root.resolver());
  CHECK(command.ok());
  STRCMP_EQUAL(("'" + path + "' '--zone' 'it'\\''s.test'").c_str(), command->c_str());
}

TEST(CertValues, Dns01CommandNotExecutableNamedWithoutArguments) {
  // test_300_01[dns01command-not-executable], test_300_08[ACMEDns01Command]
  TempRoot root;
  root.put("plain.sh", "#!/bin/sh\n", 0644);
  const std::string fix =
      "is not an executable program; give its full path, e.g. 'ACMEDns01Command "
      "/usr/local/bin/acme-dns --zone example.org' (called as PROGRAM [ARGS] setup|teardown NAME "
      "TOKEN TXTVALUE)";
  STRCMP_EQUAL(("ACMEDns01Command: '/nonexistent-hook' " + fix).c_str(),
               refusal("ACMEDns01Command",
                       parse_dns01_command({"/nonexistent-hook", "--api-token", "tok-5e3c2b1a"},
                                           root.resolver()))
                   .c_str());
  STRCMP_EQUAL(
      ("ACMEDns01Command: 'plain.sh' " + fix).c_str(),
      refusal("ACMEDns01Command", parse_dns01_command({"plain.sh"}, root.resolver())).c_str());
  STRCMP_EQUAL(("ACMEDns01Command: '' " + fix).c_str(),
               refusal("ACMEDns01Command", parse_dns01_command({}, root.resolver())).c_str());
}
