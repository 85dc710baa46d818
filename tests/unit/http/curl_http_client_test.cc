// CurlHttpClient's protocol restriction (http/curl_protocols.h, the branch
// this libcurl selects): a CA's URL may only be https or http.
#include "http/curl_http_client.h"

#include <string>

#include "http/curl_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(CurlHttpClient){};

TEST(CurlHttpClient, FileUrlRefused) {
  acme_test::SecretFile file;
  CurlHttpClient client{HttpOptions{}};
  HttpRequest request;
  request.url = file.url();
  auto r = client.send(request);
  CHECK_FALSE(r.ok());
  LONGS_EQUAL(static_cast<int>(Code::kNetwork), static_cast<int>(r.status().code()));
  CHECK(r.status().message().find("Unsupported protocol") != std::string::npos);
}

TEST(CurlHttpClient, HttpTried) {
  acme_test::ClosedPort port;
  CurlHttpClient client{HttpOptions{}};
  HttpRequest request;
  request.url = port.url();
  auto r = client.send(request);
  CHECK_FALSE(r.ok());
  CHECK(r.status().message().find("Unsupported protocol") == std::string::npos);
}
