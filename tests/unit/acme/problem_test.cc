#include "acme/problem.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

Problem parse(const std::string& text, int http_status) {
  auto json = Json::parse(text);
  CHECK_TEXT(json.ok(), text.c_str());
  auto p = parse_problem(*json, http_status);
  CHECK(p.ok());
  return *p;
}

// RFC 8555 §6.7.1, the example with subproblems.
const char kCompound[] = R"({
  "type": "urn:ietf:params:acme:error:malformed",
  "detail": "Some of the identifiers requested were rejected",
  "subproblems": [
    {"type": "urn:ietf:params:acme:error:malformed",
     "detail": "Invalid underscore in DNS name \"_example.org\"",
     "identifier": {"type": "dns", "value": "_example.org"}},
    {"type": "urn:ietf:params:acme:error:rejectedIdentifier",
     "detail": "This CA will not issue for \"example.net\"",
     "identifier": {"type": "dns", "value": "example.net"}}
  ]
})";

}  // namespace

TEST_GROUP(Problem){};

TEST(Problem, ParsesTypeDetailStatusAndSubproblems) {
  Problem p = parse(kCompound, 403);
  STRCMP_EQUAL(problem::kMalformed, p.type.c_str());
  STRCMP_EQUAL("Some of the identifiers requested were rejected", p.detail.c_str());
  LONGS_EQUAL(403, p.status);  // from HTTP, the document has none
  LONGS_EQUAL(2, p.subproblems.size());
  STRCMP_EQUAL(problem::kRejectedIdentifier, p.subproblems[1].type.c_str());
  STRCMP_EQUAL("example.net", p.subproblems[1].identifier.c_str());
  STRCMP_EQUAL("Invalid underscore in DNS name \"_example.org\"", p.subproblems[0].detail.c_str());
}

TEST(Problem, StatusInTheDocumentWins) {
  Problem p = parse(R"({"type":"urn:ietf:params:acme:error:rateLimited","status":429})", 400);
  LONGS_EQUAL(429, p.status);
}

TEST(Problem, MissingTypeIsAboutBlank) {
  Problem p = parse(R"({"detail":"something"})", 500);
  STRCMP_EQUAL("about:blank", p.type.c_str());
  STRCMP_EQUAL("about:blank", p.short_type().c_str());
}

TEST(Problem, NonObjectIsAProtocolError) {
  auto p = parse_problem(*Json::parse("[1]"), 400);
  CHECK(p.status().code() == Code::kProtocol);
  CHECK_FALSE(parse_problem(Json(), 400).ok());
}

TEST(Problem, ShortType) {
  Problem p;
  p.type = problem::kRateLimited;
  STRCMP_EQUAL("rateLimited", p.short_type().c_str());
  p.type = "https://example.org/problems/custom";
  STRCMP_EQUAL("https://example.org/problems/custom", p.short_type().c_str());
  p.type = "";
  STRCMP_EQUAL("about:blank", p.short_type().c_str());
}

TEST(Problem, DescribeIsOneLineForAnAdmin) {
  Problem p = parse(R"({"type":"urn:ietf:params:acme:error:rateLimited",
      "detail":"too many certificates","status":429,
      "subproblems":[{"type":"urn:ietf:params:acme:error:dns","detail":"NXDOMAIN",
                      "identifier":{"type":"dns","value":"www.a.example"}},
                     {"type":"urn:ietf:params:acme:error:caa"}]})",
                    0);
  STRCMP_EQUAL("rateLimited (HTTP 429): too many certificates; www.a.example: dns: NXDOMAIN; caa",
               p.describe().c_str());
  Problem bare;
  bare.type = problem::kServerInternal;
  STRCMP_EQUAL("serverInternal", bare.describe().c_str());
}

TEST(Problem, ToStatusIsTaggedWithTheType) {
  Problem p = parse(R"({"type":"urn:ietf:params:acme:error:badNonce","detail":"stale"})", 400);
  Status s = p.to_status("https://ca.test/new-order");
  CHECK(s.code() == Code::kProblem);
  STRCMP_EQUAL(problem::kBadNonce, s.tag().c_str());
  STRCMP_EQUAL("https://ca.test/new-order: CA answered badNonce (HTTP 400): stale",
               s.message().c_str());
  STRCMP_EQUAL(problem::kBadNonce, s.with_context("ordering").tag().c_str());
}

TEST(Problem, ConstantsCarryThePrefix) {
  const std::string prefix = problem::kPrefix;
  for (const char* urn : {problem::kAccountDoesNotExist, problem::kBadCSR, problem::kCompound,
                          problem::kUserActionRequired, problem::kAlreadyReplaced}) {
    STRCMP_EQUAL(prefix.c_str(), std::string(urn).substr(0, prefix.size()).c_str());
  }
}

TEST(Problem, ContentType) {
  CHECK(is_problem_content_type("application/problem+json"));
  CHECK(is_problem_content_type("application/problem+json; charset=utf-8"));
  CHECK_FALSE(is_problem_content_type("application/json"));
  CHECK_FALSE(is_problem_content_type(""));
}
