// The libcurl < 7.85 branch of http/curl_protocols.h (CURLOPT_PROTOCOLS bit
// mask), compiled here on purpose on this newer libcurl: the library's own
// branch is tested through CurlHttpClient (curl_http_client_test.cc).
#define ACME_FORCE_OLD_CURL_PROTOCOLS
#include "http/curl_protocols.h"

#include <memory>

#include "http/curl_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

namespace {

size_t discard(char*, size_t size, size_t count, void*) {
  return size * count;
}

// GET url on a fresh handle, restricted to http(s) or not, no proxy.
CURLcode fetch(const std::string& url, bool restricted) {
  std::unique_ptr<CURL, void (*)(CURL*)> c(curl_easy_init(), curl_easy_cleanup);
  if (restricted) CHECK_EQUAL(CURLE_OK, acme::restrict_to_http(c.get()));
  curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, discard);
  return curl_easy_perform(c.get());
}

}  // namespace

TEST_GROUP(CurlProtocolsFallback){};

TEST(CurlProtocolsFallback, ThisFileCompilesTheOldBranch) {
  LONGS_EQUAL(0, ACME_CURL_PROTOCOLS_STR);
}

TEST(CurlProtocolsFallback, FileUrlRefused) {
  acme_test::SecretFile file;
  LONGS_EQUAL(CURLE_OK, fetch(file.url(), false));  // readable without the restriction
  LONGS_EQUAL(CURLE_UNSUPPORTED_PROTOCOL, fetch(file.url(), true));
}

TEST(CurlProtocolsFallback, HttpStillAllowed) {
  acme_test::ClosedPort port;
  // Refused by the peer, not by the protocol restriction: http was tried.
  LONGS_EQUAL(CURLE_COULDNT_CONNECT, fetch(port.url(), true));
}
