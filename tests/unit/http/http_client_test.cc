#include "http/http_client.h"

#include <string>
#include <vector>

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

HttpResponse with_links(const std::vector<std::string>& values) {
  HttpResponse r;
  for (const auto& v : values) r.headers.emplace("link", v);
  return r;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : " ") + i;
  return out;
}

}  // namespace

TEST_GROUP(HttpResponse){};

TEST(HttpResponse, HeaderReturnsFirstValueOrEmpty) {
  HttpResponse r;
  r.headers.emplace("replay-nonce", "first");
  r.headers.emplace("replay-nonce", "second");
  r.headers.emplace("location", "https://ca.test/acct/1");
  STRCMP_EQUAL("first", r.header("replay-nonce").c_str());
  STRCMP_EQUAL("https://ca.test/acct/1", r.header("location").c_str());
  STRCMP_EQUAL("", r.header("retry-after").c_str());
  STRCMP_EQUAL("first second", joined(r.headers_named("replay-nonce")).c_str());
  LONGS_EQUAL(0, r.headers_named("absent").size());
}

TEST(HttpResponse, LinksFromSeveralHeaders) {
  HttpResponse r = with_links({"<https://ca.test/dir>;rel=\"index\"",
                               "<https://ca.test/cert/1/alt/1>;rel=\"alternate\"",
                               "<https://ca.test/cert/1/alt/2>; rel=\"alternate\""});
  STRCMP_EQUAL("https://ca.test/cert/1/alt/1 https://ca.test/cert/1/alt/2",
               joined(r.links("alternate")).c_str());
  STRCMP_EQUAL("https://ca.test/dir", joined(r.links("index")).c_str());
  LONGS_EQUAL(0, r.links("up").size());
}

TEST(HttpResponse, SeveralLinksInOneHeader) {
  HttpResponse r =
      with_links({"<https://ca.test/authz/1>;rel=\"up\", <https://ca.test/dir>;rel=\"index\","
                  "<https://ca.test/a,b>;rel=\"alternate\""});
  STRCMP_EQUAL("https://ca.test/authz/1", joined(r.links("up")).c_str());
  STRCMP_EQUAL("https://ca.test/dir", joined(r.links("index")).c_str());
  STRCMP_EQUAL("https://ca.test/a,b", joined(r.links("alternate")).c_str());  // ',' inside <>
}

TEST(HttpResponse, RelQuotedOrBareAnyCase) {
  HttpResponse r = with_links({"<https://ca.test/1>;rel=up", "<https://ca.test/2>; REL=\"UP\"",
                               "<https://ca.test/3>;rel=up;title=\"x\"",
                               "<https://ca.test/4>;rel=upper", "<https://ca.test/5>;rel=\"upx\""});
  STRCMP_EQUAL("https://ca.test/1 https://ca.test/2 https://ca.test/3",
               joined(r.links("up")).c_str());
}

TEST(HttpResponse, QuotedCommaAndSemicolonDoNotSplit) {
  HttpResponse r = with_links({"<https://ca.test/1>;title=\"a, b; rel=up\";rel=\"alternate\""});
  STRCMP_EQUAL("https://ca.test/1", joined(r.links("alternate")).c_str());
  LONGS_EQUAL(0, r.links("up").size());
}

// RFC 8288 §3.3: one rel may name several relation types, space-separated.
TEST(HttpResponse, RelWithSeveralTypes) {
  HttpResponse r = with_links({"<https://ca.test/1>;rel=\"up alternate\""});
  STRCMP_EQUAL("https://ca.test/1", joined(r.links("up")).c_str());
  STRCMP_EQUAL("https://ca.test/1", joined(r.links("alternate")).c_str());
}

TEST(HttpResponse, OtherParametersEndingInRelDoNotMatch) {
  HttpResponse r =
      with_links({"<https://ca.test/1>;xrel=\"up\"", "<https://ca.test/2>;rel = \"up\""});
  STRCMP_EQUAL("https://ca.test/2", joined(r.links("up")).c_str());
}

TEST(HttpResponse, MalformedLinksAreSkipped) {
  HttpResponse r = with_links({"https://ca.test/no-brackets;rel=\"up\"", "<unclosed;rel=\"up\"", "",
                               "<https://ca.test/ok>;rel=\"up\""});
  STRCMP_EQUAL("https://ca.test/ok", joined(r.links("up")).c_str());
}
