#include "preflight/caa.h"

#include "fakes/fake_dns_resolver.h"

#include <CppUTest/TestHarness.h>  // last: it redefines new

using namespace acme;

namespace {

RelevantCaa at(const std::string& owner, std::vector<CaaRecord> records) {
  return RelevantCaa{owner, std::move(records)};
}

const std::vector<std::string> kLe{"letsencrypt.org"};

}  // namespace

TEST_GROUP(Caa){};

TEST(Caa, ParsesTheWireFormat) {
  // flags 0, tag length 5, "issue", value "letsencrypt.org"
  Result<CaaRecord> r = parse_caa(std::string("\x00\x05issueletsencrypt.org", 22));
  CHECK(r.ok());
  CHECK_FALSE(r->critical);
  STRCMP_EQUAL("issue", r->tag.c_str());
  STRCMP_EQUAL("letsencrypt.org", r->value.c_str());
  Result<CaaRecord> critical = parse_caa(std::string("\x80\x03TBSx", 6));
  CHECK(critical.ok());
  CHECK(critical->critical);
  STRCMP_EQUAL("tbs", critical->tag.c_str());  // tags compare case-insensitively
}

TEST(Caa, RefusesMalformedRecords) {
  CHECK_FALSE(parse_caa(std::string("\x00", 1)).ok());
  CHECK_FALSE(parse_caa(std::string("\x00\x00", 2)).ok());       // empty tag
  CHECK_FALSE(parse_caa(std::string("\x00\x09issue", 7)).ok());  // tag longer than the rest
}

TEST(Caa, IssuerDomainDropsParameters) {
  STRCMP_EQUAL("ca.example", caa_issuer_domain(" CA.example ; account=12").c_str());
  STRCMP_EQUAL("", caa_issuer_domain(";").c_str());
  STRCMP_EQUAL("", caa_issuer_domain("").c_str());
}

TEST(Caa, ClimbsFromTheNameToItsParents) {
  FakeDnsResolver dns;
  dns.add("example.org", kDnsTypeCaa, caa_rdata(0, "issue", "letsencrypt.org"));
  Result<RelevantCaa> caa = find_relevant_caa(dns, "a.b.example.org");
  CHECK(caa.ok());
  STRCMP_EQUAL("example.org", caa->owner.c_str());
  LONGS_EQUAL(1, caa->records.size());
  LONGS_EQUAL(3, dns.asked.size());
  STRCMP_EQUAL("a.b.example.org", dns.asked[0].first.c_str());
  STRCMP_EQUAL("b.example.org", dns.asked[1].first.c_str());
}

TEST(Caa, TheFirstNonEmptySetWins) {
  FakeDnsResolver dns;
  dns.add("b.example.org", kDnsTypeCaa, caa_rdata(0, "issue", "other.example"));
  dns.add("example.org", kDnsTypeCaa, caa_rdata(0, "issue", "letsencrypt.org"));
  Result<RelevantCaa> caa = find_relevant_caa(dns, "a.b.example.org");
  CHECK(caa.ok());
  STRCMP_EQUAL("b.example.org", caa->owner.c_str());
  LONGS_EQUAL(2, dns.asked.size());  // example.org is never asked
}

TEST(Caa, ClimbsToTheTopWhenNothingIsFound) {
  FakeDnsResolver dns;
  Result<RelevantCaa> caa = find_relevant_caa(dns, "a.example.org.");
  CHECK(caa.ok());
  STRCMP_EQUAL("", caa->owner.c_str());
  LONGS_EQUAL(3, dns.asked.size());  // a.example.org, example.org, org; never the root
  STRCMP_EQUAL("org", dns.asked[2].first.c_str());
}

TEST(Caa, AWildcardStartsAtItsBase) {
  FakeDnsResolver dns;
  (void)find_relevant_caa(dns, "*.example.org");
  STRCMP_EQUAL("example.org", dns.asked[0].first.c_str());
}

TEST(Caa, AResolverFailureStopsTheClimb) {
  FakeDnsResolver dns;
  dns.fail("b.example.org", kDnsTypeCaa);
  dns.add("example.org", kDnsTypeCaa, caa_rdata(0, "issue", "letsencrypt.org"));
  CHECK_FALSE(find_relevant_caa(dns, "a.b.example.org").ok());
}

TEST(Caa, NoRecordsAllowEveryCa) {
  CHECK(evaluate_caa(at("", {}), false, kLe).allowed);
}

TEST(Caa, IssueMustNameTheCa) {
  CHECK(evaluate_caa(at("x", {{false, "issue", "letsencrypt.org; validationmethods=http-01"}}),
                     false, kLe)
            .allowed);
  CaaVerdict other = evaluate_caa(at("x", {{false, "issue", "other.example"}}), false, kLe);
  CHECK_FALSE(other.allowed);
  CHECK(other.reason.find("allows only other.example") != std::string::npos);
  CHECK_FALSE(evaluate_caa(at("x", {{false, "issue", ";"}}), false, kLe).allowed);
}

TEST(Caa, IssuewildAloneGovernsWildcards) {
  RelevantCaa caa = at("x", {{false, "issue", "letsencrypt.org"}, {false, "issuewild", ";"}});
  CHECK(evaluate_caa(caa, false, kLe).allowed);
  CHECK_FALSE(evaluate_caa(caa, true, kLe).allowed);
  // Without issuewild, issue covers wildcards too.
  CHECK(evaluate_caa(at("x", {{false, "issue", "letsencrypt.org"}}), true, kLe).allowed);
  CHECK_FALSE(evaluate_caa(at("x", {{false, "issue", "other.example"}}), true, kLe).allowed);
  // issuewild says nothing about the plain name.
  CHECK(evaluate_caa(at("x", {{false, "issuewild", "other.example"}}), false, kLe).allowed);
}

TEST(Caa, ACriticalUnknownTagForbidsIssuance) {
  CHECK_FALSE(
      evaluate_caa(at("x", {{false, "issue", "letsencrypt.org"}, {true, "tbs", "x"}}), false, kLe)
          .allowed);
  CHECK(
      evaluate_caa(at("x", {{false, "issue", "letsencrypt.org"}, {false, "tbs", "x"}}), false, kLe)
          .allowed);
  CHECK(evaluate_caa(at("x", {{true, "iodef", "mailto:a@b"}}), false, kLe).allowed);
}

TEST(Caa, AnUnknownCaIsNotAllowedByARestriction) {
  CHECK_FALSE(evaluate_caa(at("x", {{false, "issue", "letsencrypt.org"}}), false, {}).allowed);
  CHECK(evaluate_caa(at("x", {{false, "iodef", "mailto:a@b"}}), false, {}).allowed);
}
