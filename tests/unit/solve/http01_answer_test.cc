// What a worker answers on the http-01 path, and the fallback's 503.
#include "solve/http01_answer.h"

#include <string>
#include <vector>

#include "renew/renew_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

using Kind = Http01Answer::Kind;
const std::string kToken = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";

}  // namespace

TEST_GROUP(Http01Answer) {
  RenewHarness h;
  std::vector<std::string> hosts{"a.example", "www.a.example"};

  Http01Answer ask(const std::string& path, const char* host, bool is_get = true,
                   bool on_fallback = false, bool answering = true) {
    Http01Request request;
    request.path = path.c_str();
    request.host = host;
    request.is_get = is_get;
    request.on_fallback = on_fallback;
    request.answering = answering;
    return answer_http01(h.table, hosts, request);
  }
  std::string challenge(const std::string& token) {
    return "/.well-known/acme-challenge/" + token;
  }
};

TEST(Http01Answer, APublishedTokenIsAnswered) {
  CHECK(h.table.put("www.a.example", kToken, kToken + ".thumb").ok());
  Http01Answer answer = ask(challenge(kToken), "www.a.example");
  CHECK(answer.kind == Kind::kAnswer);
  STRCMP_EQUAL((kToken + ".thumb").c_str(), answer.body.c_str());
}

TEST(Http01Answer, AManagedNameAnswersEveryOtherTokenWith404) {
  CHECK(h.table.put("www.a.example", kToken, kToken + ".thumb").ok());
  CHECK(ask(challenge(kToken), "a.example").kind == Kind::kNotFound);  // another host's
  CHECK(ask(challenge("unknown"), "a.example").kind == Kind::kNotFound);
  CHECK(ask(challenge("bad/token"), "a.example").kind == Kind::kNotFound);  // not base64url
}

TEST(Http01Answer, OnlyGetAndHeadAreAllowed) {
  CHECK(h.table.put("a.example", kToken, kToken + ".thumb").ok());
  CHECK(ask(challenge(kToken), "a.example", false).kind == Kind::kMethodNotAllowed);
}

TEST(Http01Answer, OtherNamesKeepTheirWebrootExceptForProbes) {
  CHECK(h.table.put("other.example", kToken, "x").ok());
  CHECK(ask(challenge(kToken), "other.example").kind == Kind::kDecline);
  CHECK(ask(challenge("unknown"), "other.example").kind == Kind::kDecline);
  CHECK(ask(challenge(kToken), nullptr).kind == Kind::kDecline);
  CHECK(h.table.put("new.example", "preflight-abc", "probe-value").ok());
  Http01Answer probe = ask(challenge("preflight-abc"), "new.example");
  CHECK(probe.kind == Kind::kAnswer);
  STRCMP_EQUAL("probe-value", probe.body.c_str());
  CHECK(ask(challenge("preflight-abc"), "new.example", false).kind == Kind::kDecline);
  CHECK(ask(challenge("preflight-zzz"), "new.example").kind == Kind::kDecline);
}

TEST(Http01Answer, TheFallbackServesNothingButChallenges) {
  CHECK(ask("/index.html", "a.example", true, true).kind == Kind::kUnavailable);
  CHECK(ask("/index.html", "a.example").kind == Kind::kDecline);
  CHECK(h.table.put("a.example", kToken, kToken + ".thumb").ok());
  CHECK(ask(challenge(kToken), "a.example", true, true).kind == Kind::kAnswer);
}

TEST(Http01Answer, ManagesHostIsAnExactLookup) {
  CHECK(manages_host(hosts, "a.example"));
  CHECK_FALSE(manages_host(hosts, "b.example"));
  CHECK_FALSE(manages_host(hosts, "example"));
  CHECK_FALSE(manages_host(hosts, nullptr));
}

TEST(Http01Answer, EachAnswerIsSentWithItsHttpStatus) {
  CHECK(h.table.put("a.example", kToken, kToken + ".thumb").ok());
  LONGS_EQUAL(200, ask(challenge(kToken), "a.example").http_status());
  LONGS_EQUAL(404, ask(challenge("unknown"), "a.example").http_status());
  LONGS_EQUAL(405, ask(challenge(kToken), "a.example", false).http_status());
  LONGS_EQUAL(503, ask("/index.html", "a.example", true, true).http_status());
  LONGS_EQUAL(0, ask("/index.html", "a.example").http_status());  // declined: httpd goes on
}

// The readiness answer a balancer checks before it sends the CA to a node
// (docs/cluster.md): on any host, also a fallback vhost's; 503 while the
// node does not serve the cluster's answers yet.
TEST(Http01Answer, TheReadinessAnswerSaysWhetherTheCaMayComeHere) {
  const std::string ready = challenge(kReadinessToken);
  for (const char* host :
       {"a.example", "other.example", "127.0.0.2", static_cast<const char*>(nullptr)}) {
    Http01Answer yes = ask(ready, host);
    CHECK(yes.kind == Kind::kAnswer);
    STRCMP_EQUAL("ready\n", yes.body.c_str());
    CHECK(ask(ready, host, true, false, false).kind == Kind::kUnavailable);
  }
  CHECK(ask(ready, "a.example", true, true, true).kind == Kind::kAnswer);  // on the fallback
  LONGS_EQUAL(503, ask(ready, "a.example", true, false, false).http_status());
  // A POST is not a check: what any unpublished token gets, another name's webroot.
  CHECK(ask(ready, "a.example", false).kind == Kind::kNotFound);
  CHECK(ask(ready, "other.example", false).kind == Kind::kDecline);
}
