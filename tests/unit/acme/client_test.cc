#include "acme/client.h"

#include <algorithm>
#include <string>
#include <vector>

#include "acme/acme_test_util.h"
#include "acme/problem.h"
#include "base/fiber.h"
#include "base/fiber_set.h"
#include "crypto/crypto_test_util.h"
#include "crypto/jwk.h"
#include "crypto/jws.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const std::string kUrl = "https://ca.test/order/1";
const std::string kKid = "https://ca.test/acct/1";

HttpResponse bad_nonce(const std::string& fresh) {
  return problem_response(400, problem::kBadNonce, "stale nonce", fresh);
}

HttpResponse ok_json(const std::string& nonce) {
  return json_response(200, R"({"status":"valid"})", {{"replay-nonce", nonce}});
}

}  // namespace

TEST_GROUP(AcmeClient) {
  PrivateKey key = rfc7515_ec_key();
  std::vector<DecodedJws> posts;
  int bad_nonces_left = 0;

  // Answers badNonce (fresh nonce "fresh-<n>") while bad_nonces_left > 0.
  ScriptedCa::OnPost counting() {
    return [this](const HttpRequest&, const DecodedJws& jws) {
      posts.push_back(jws);
      if (bad_nonces_left-- > 0) return bad_nonce("fresh-" + std::to_string(posts.size()));
      return ok_json("after-" + std::to_string(posts.size()));
    };
  }
};

TEST(AcmeClient, RetriesBadNonceWithTheFreshNonce) {
  bad_nonces_left = 3;
  ScriptedCa ca(counting());
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  auto r = client.post(kUrl, R"({"a":1})");
  CHECK_TEXT(r.ok(), r.status().to_string().c_str());
  STRCMP_EQUAL("valid", r->json.get_string("status")->c_str());
  LONGS_EQUAL(3, client.bad_nonce_retries());
  LONGS_EQUAL(4, posts.size());
  LONGS_EQUAL(1, ca.heads);  // retries use the nonce the badNonce answer carried
  STRCMP_EQUAL("head-1", posts[0].header.get_string_or("nonce", "").c_str());
  for (std::size_t i = 1; i < posts.size(); ++i) {
    STRCMP_EQUAL(("fresh-" + std::to_string(i)).c_str(),
                 posts[i].header.get_string_or("nonce", "").c_str());
  }
  for (const auto& jws : posts) {
    STRCMP_EQUAL(kUrl.c_str(), jws.header.get_string_or("url", "").c_str());
    STRCMP_EQUAL(R"({"a":1})", jws.payload.c_str());
  }
}

TEST(AcmeClient, GivesUpAfterBoundedBadNonceRetries) {
  bad_nonces_left = 1000;
  ScriptedCa ca(counting());
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  auto r = client.post(kUrl, "{}");
  CHECK_FALSE(r.ok());
  CHECK(r.status().code() == Code::kProblem);
  STRCMP_EQUAL(problem::kBadNonce, r.status().tag().c_str());
  LONGS_EQUAL(AcmeClient::kMaxBadNonceRetries + 1, posts.size());
  LONGS_EQUAL(AcmeClient::kMaxBadNonceRetries, client.bad_nonce_retries());
}

TEST(AcmeClient, OtherProblemsAreNotRetried) {
  ScriptedCa ca([this](const HttpRequest&, const DecodedJws& jws) {
    posts.push_back(jws);
    return problem_response(403, problem::kUnauthorized, "not your order", "n2");
  });
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  auto r = client.post(kUrl, "");
  CHECK_FALSE(r.ok());
  LONGS_EQUAL(1, posts.size());
  LONGS_EQUAL(0, client.bad_nonce_retries());
  CHECK(r.status().code() == Code::kProblem);
  STRCMP_EQUAL(problem::kUnauthorized, r.status().tag().c_str());
  STRCMP_EQUAL((kUrl + ": CA answered unauthorized (HTTP 403): not your order").c_str(),
               r.status().message().c_str());
}

TEST(AcmeClient, BadNonceWithoutFreshNonceFetchesOne) {
  ScriptedCa ca([this](const HttpRequest&, const DecodedJws& jws) {
    posts.push_back(jws);
    return posts.size() == 1 ? bad_nonce("") : ok_json("n");
  });
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  CHECK(client.post(kUrl, "").ok());
  LONGS_EQUAL(2, ca.heads);
  STRCMP_EQUAL("head-2", posts[1].header.get_string_or("nonce", "").c_str());
}

TEST(AcmeClient, SignsWithKidOrEmbeddedJwk) {
  ScriptedCa ca(counting());
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, "");
  CHECK(client.post(kCaNewAccount, "{}").ok());
  client.set_signer(&key, kKid);
  STRCMP_EQUAL(kKid.c_str(), client.kid().c_str());
  CHECK(client.post(kUrl, "").ok());
  const Json& first = posts[0].header;
  CHECK(first.get("jwk").is_object());
  CHECK_FALSE(first.has("kid"));
  STRCMP_EQUAL(jwk_json(key)->c_str(), first.get("jwk").dump().c_str());
  STRCMP_EQUAL("ES256", first.get_string_or("alg", "").c_str());
  STRCMP_EQUAL(kCaNewAccount, first.get_string_or("url", "").c_str());
  const Json& second = posts[1].header;
  STRCMP_EQUAL(kKid.c_str(), second.get_string_or("kid", "").c_str());
  CHECK_FALSE(second.has("jwk"));
  STRCMP_EQUAL("after-1", second.get_string_or("nonce", "").c_str());  // from the last answer
  STRCMP_EQUAL("", posts[1].payload.c_str());                          // POST-as-GET
  const HttpRequest& sent = ca.http.requests.back();
  STRCMP_EQUAL("POST", sent.method.c_str());
  STRCMP_EQUAL("application/jose+json", sent.content_type.c_str());
  CHECK(jws_verify(key, sent.body).ok());
}

TEST(AcmeClient, DirectoryIsFetchedOnce) {
  ScriptedCa ca(counting());
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  CHECK(client.post(kUrl, "").ok());
  CHECK(client.post(kUrl, "").ok());
  auto dir = client.directory();
  CHECK(dir.ok());
  STRCMP_EQUAL(kCaNewOrder, (*dir)->new_order.c_str());
  int gets = 0;
  for (const auto& r : ca.http.requests) gets += r.method == "GET";
  LONGS_EQUAL(1, gets);
}

TEST(AcmeClient, DirectoryFailuresNameTheUrl) {
  FakeHttpClient http;
  AcmeClient client(http, kCaDir);
  http.push(make_response(404, "not here"));
  auto r = client.directory();
  CHECK(r.status().code() == Code::kNetwork);
  CHECK(r.status().message().find(std::string(kCaDir) + " answered HTTP 404") != std::string::npos);
  http.push(json_response(200, "{oops"));
  CHECK(client.directory().status().code() == Code::kProtocol);
  http.push(json_response(200, R"({"newNonce":"x","newAccount":"y"})"));
  r = client.directory();
  CHECK(r.status().message().find("'newOrder'") != std::string::npos);
  CHECK(r.status().message().find(kCaDir) != std::string::npos);
  http.push_error(Status(Code::kNetwork, "connection refused"));
  CHECK(client.directory().status().message().find("connection refused") != std::string::npos);
}

TEST(AcmeClient, ErrorsWithoutProblemDocuments) {
  int status = 503;
  ScriptedCa ca([&status](const HttpRequest&, const DecodedJws&) {
    return make_response(status, "<html>busy</html>", {{"content-type", "text/html"}});
  });
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  auto r = client.post(kUrl, "");
  CHECK(r.status().code() == Code::kNetwork);
  STRCMP_EQUAL((kUrl + ": HTTP 503 without a problem document").c_str(),
               r.status().message().c_str());
  status = 404;
  CHECK(client.post(kUrl, "").status().code() == Code::kProtocol);
}

TEST(AcmeClient, NonJsonSuccessKeepsTheBody) {
  ScriptedCa ca([](const HttpRequest&, const DecodedJws&) {
    return make_response(200, "-----BEGIN CERTIFICATE-----",
                         {{"content-type", "application/pem-certificate-chain"}});
  });
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  auto r = client.post(kUrl, "");
  CHECK(r.ok());
  CHECK_FALSE(r->json.valid());
  STRCMP_EQUAL("-----BEGIN CERTIFICATE-----", r->http.body.c_str());
}

TEST(AcmeClient, TransportErrorsAndMissingKey) {
  FakeHttpClient http;
  AcmeClient client(http, kCaDir);
  auto r = client.post(kUrl, "");
  CHECK(r.status().code() == Code::kInvalidArgument);
  LONGS_EQUAL(0, http.requests.size());
  client.set_signer(&key, kKid);
  http.push(json_response(200, directory_json()));
  http.push(make_response(200, "", {{"replay-nonce", "n1"}}));
  http.push_error(Status(Code::kNetwork, "timeout"));
  r = client.post(kUrl, "");
  CHECK(r.status().code() == Code::kNetwork);
  LONGS_EQUAL(3, http.requests.size());
}

namespace {

// The CA's directory, answered only once the asking fiber is resumed again
// (as CurlMulti does: the request is in flight meanwhile).
class SlowDirectory : public HttpClient {
 public:
  int gets = 0;
  bool refuse = false;
  Result<HttpResponse> send(const HttpRequest&) override {
    ++gets;
    Fiber::yield();
    if (refuse) return Status(Code::kNetwork, "connection refused");
    return json_response(200, directory_json());
  }
};

}  // namespace

// A new watchdog's first tick starts many steps at once: the directory is
// fetched once, the others wait for that answer (or share its failure).
TEST(AcmeClient, FibersAskingAtOnceShareOneDirectoryFetch) {
  for (bool refuse : {false, true}) {
    SlowDirectory http;
    http.refuse = refuse;
    AcmeClient client(http, kCaDir);
    int answered = 0, failed = 0;
    FiberSet fibers;
    for (int i = 0; i < 5; ++i) {
      fibers.add("f" + std::to_string(i), [&] {
        auto dir = client.directory();
        if (dir.ok() && (*dir)->new_order == kCaNewOrder) ++answered;
        if (!dir.ok() && dir.status().message().find("refused") != std::string::npos) ++failed;
      });
    }
    while (!fibers.empty()) fibers.pump();
    LONGS_EQUAL(1, http.gets);
    LONGS_EQUAL(refuse ? 0 : 5, answered);
    LONGS_EQUAL(refuse ? 5 : 0, failed);
  }
}

namespace {

// A CA that answers a HEAD or POST only after the asking fiber is resumed
// twice more (the request is in flight meanwhile), counting what is.
class BusyCa : public HttpClient {
 public:
  int heads = 0;
  int most_in_flight = 0;
  Result<HttpResponse> send(const HttpRequest& request) override {
    if (request.method == "GET") return json_response(200, directory_json());
    most_in_flight = std::max(most_in_flight, ++in_flight_);
    Fiber::yield();
    Fiber::yield();
    --in_flight_;
    const std::string nonce = "n" + std::to_string(++issued_);
    if (request.method != "HEAD") return ok_json(nonce);
    ++heads;
    return make_response(200, "", {{"replay-nonce", nonce}});
  }

 private:
  int in_flight_ = 0;
  int issued_ = 0;
};

}  // namespace

// Many orders starting at once: the CA sees at most kMaxInFlight signed
// requests at a time, and the nonces their answers carry serve the fibers
// that waited, so no more than that many are fetched with HEAD.
TEST(AcmeClient, ManyFibersKeepAtMostTheLimitInFlightAndFetchAsFewNonces) {
  BusyCa http;
  AcmeClient client(http, kCaDir);
  client.set_signer(&key, kKid);
  const int fibers_at_once = 3 * AcmeClient::kMaxInFlight;
  int answered = 0;
  FiberSet fibers;
  for (int i = 0; i < fibers_at_once; ++i) {
    fibers.add("f" + std::to_string(i), [&] {
      if (client.post_as_get(kUrl).ok()) ++answered;
    });
  }
  while (!fibers.empty()) fibers.pump();
  LONGS_EQUAL(fibers_at_once, answered);
  LONGS_EQUAL(AcmeClient::kMaxInFlight, http.most_in_flight);
  CHECK_TEXT(http.heads <= AcmeClient::kMaxInFlight, std::to_string(http.heads).c_str());
}
