// RFC 8555 §6.1: the client contacts the ACME API over HTTPS only. Whatever
// hands it an http:// URL (its configuration, the directory, Location and
// Link headers, an order's finalize or certificate URL), the request is
// refused with a kInsecureUrl Status naming the URL, and nothing is sent to it.
#include <string>

#include "acme/acme_test_util.h"
#include "acme/certificate.h"
#include "acme/client.h"
#include "acme/order.h"
#include "crypto/crypto_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const std::string kKid = "https://ca.test/acct/1";

// A CA whose directory body is `directory`; POSTs answer with `answer`.
struct HttpsCa {
  std::string directory = directory_json();
  HttpResponse answer = json_response(200, R"({"status":"valid"})", {{"replay-nonce", "n2"}});
  FakeHttpClient http;

  HttpsCa() {
    http.handler = [this](const HttpRequest& r) -> Result<HttpResponse> {
      if (r.method == "GET") return json_response(200, directory);
      if (r.method == "HEAD") return make_response(200, "", {{"replay-nonce", "n1"}});
      return answer;
    };
  }
  bool contacted_plain_http() const {
    for (const auto& r : http.requests)
      if (r.url.rfind("https://", 0) != 0) return true;
    return false;
  }
};

void check_refused(const Status& status, const std::string& url) {
  CHECK_FALSE(status.ok());
  CHECK(status.code() == Code::kProtocol);
  STRCMP_EQUAL(kInsecureUrl, status.tag().c_str());
  CHECK_TEXT(status.message().find("'" + url + "'") != std::string::npos, status.message().c_str());
}

}  // namespace

TEST_GROUP(AcmeClientHttps) {
  PrivateKey key = rfc7515_ec_key();
};

TEST(AcmeClientHttps, RequireHttps) {
  CHECK(require_https("https://ca.test/dir", "x").ok());
  CHECK(require_https("HTTPS://ca.test/dir", "x").ok());
  check_refused(require_https("http://ca.test/dir", "x"), "http://ca.test/dir");
  check_refused(require_https("https://", "x"), "https://");
  check_refused(require_https("https:///dir", "x"), "https:///dir");
  check_refused(require_https("ftp://ca.test/dir", "x"), "ftp://ca.test/dir");
  check_refused(require_https("/relative", "x"), "/relative");
}

TEST(AcmeClientHttps, PlainHttpDirectoryUrlIsNeverFetched) {
  HttpsCa ca;
  AcmeClient client(ca.http, "http://ca.test/dir");
  check_refused(client.directory().status(), "http://ca.test/dir");
  LONGS_EQUAL(0, ca.http.requests.size());
}

// The finding: a directory listing http:// endpoints got newNonce and
// newAccount over plain http.
TEST(AcmeClientHttps, DirectoryEntriesMustBeHttps) {
  const char* entries[] = {"newNonce",   "newAccount", "newOrder",
                           "revokeCert", "keyChange",  "renewalInfo"};
  for (const char* entry : entries) {
    HttpsCa ca;
    std::string url = std::string("http://ca.test/") + entry;
    auto dir = Json::parse(directory_json());
    ca.directory = dir->set(entry, url).dump();
    AcmeClient client(ca.http, kCaDir);
    client.set_signer(&key, kKid);
    auto posted = client.post("https://ca.test/order/1", "");
    check_refused(posted.status(), url);
    CHECK_TEXT(posted.status().message().find(entry) != std::string::npos, entry);
    CHECK_FALSE(ca.contacted_plain_http());
  }
}

TEST(AcmeClientHttps, PlainHttpRequestUrlIsNotSigned) {
  HttpsCa ca;
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  Order order;
  order.url = "https://ca.test/order/1";
  order.finalize = "http://ca.test/finalize/1";
  check_refused(finalize_order(client, order, "csr").status(), order.finalize);
  check_refused(download_certificate(client, "http://ca.test/cert/1").status(),
                "http://ca.test/cert/1");
  check_refused(fetch_order(client, "http://ca.test/order/1").status(), "http://ca.test/order/1");
  CHECK_FALSE(ca.contacted_plain_http());
  for (const auto& r : ca.http.requests) CHECK(r.method != "POST");
}

TEST(AcmeClientHttps, PlainHttpLocationIsRefused) {
  HttpsCa ca;
  ca.answer = json_response(201, R"({"status":"pending"})",
                            {{"replay-nonce", "n2"}, {"location", "http://ca.test/order/7"}});
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  check_refused(new_order(client, {"a.test"}, {}).status(), "http://ca.test/order/7");
}

TEST(AcmeClientHttps, PlainHttpLinksAreRefused) {
  for (const char* rel : {"up", "alternate"}) {
    HttpsCa ca;
    std::string link = std::string("<http://ca.test/cert/1/") + rel + ">;rel=\"" + rel + "\"";
    ca.answer = make_response(200, "-----BEGIN CERTIFICATE-----\n",
                              {{"replay-nonce", "n2"}, {"link", link}});
    AcmeClient client(ca.http, kCaDir);
    client.set_signer(&key, kKid);
    check_refused(download_certificate(client, "https://ca.test/cert/1").status(),
                  std::string("http://ca.test/cert/1/") + rel);
  }
}

TEST(AcmeClientHttps, HttpsLinksPass) {
  HttpsCa ca;
  ca.answer = make_response(200, "-----BEGIN CERTIFICATE-----\n",
                            {{"replay-nonce", "n2"},
                             {"link", "<https://ca.test/cert/1/1>;rel=\"alternate\""},
                             {"link", "<https://ca.test/issuer>;rel=\"up\""}});
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  auto chain = download_certificate(client, "https://ca.test/cert/1");
  CHECK_TEXT(chain.ok(), chain.status().to_string().c_str());
  LONGS_EQUAL(1, chain->alternates.size());
}
