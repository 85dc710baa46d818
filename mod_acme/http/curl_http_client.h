// CurlHttpClient: HttpClient over libcurl. One easy handle reused for
// connection reuse; not thread-safe (the watchdog is one thread). Honours
// the usual proxy environment variables, as libcurl does.
#pragma once

#include <memory>

#include "http/curl_easy.h"

namespace acme {

class CurlHttpClient : public HttpClient {
 public:
  explicit CurlHttpClient(HttpOptions options);
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  Result<HttpResponse> send(const HttpRequest& request) override;

  // curl_global_init; call once per process before threads (httpd: post_config).
  static void global_init();

 private:
  HttpOptions options_;
  std::unique_ptr<CURL, CurlDeleter> curl_;
};

}  // namespace acme
