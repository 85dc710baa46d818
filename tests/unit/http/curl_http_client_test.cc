// CurlHttpClient's protocol restriction (http/curl_protocols.h, the branch
// this libcurl selects): a CA's URL may only be https or http.
#include "http/curl_http_client.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

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

// A thread that must end (cluster/lease_keeper.h) stops its request when its
// abort flag is set, instead of waiting out the timeout (a minute here).
TEST(CurlHttpClient, AnAbortFlagStopsARequestThatGetsNoAnswer) {
  acme_test::SilentPort port;
  std::atomic<bool> abort{false};
  HttpOptions options;
  options.connect_timeout_s = 60;
  options.total_timeout_s = 60;
  options.abort = &abort;
  CurlHttpClient client{options};
  HttpRequest request;
  request.url = port.url();
  std::thread stopper([&abort] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    abort.store(true);
  });
  auto r = client.send(request);
  stopper.join();
  CHECK_FALSE(r.ok());
  LONGS_EQUAL(static_cast<int>(Code::kNetwork), static_cast<int>(r.status().code()));
  CHECK_TEXT(r.status().message().find("aborted") != std::string::npos,
             r.status().message().c_str());
}
