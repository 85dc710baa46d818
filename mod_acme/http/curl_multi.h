// CurlMulti: the watchdog's requests in flight on one libcurl multi handle
// (one thread): connections are shared and reused, and a CA that speaks
// HTTP/2 gets many requests multiplexed on one connection.
//
// send() is blocking code's view of it. Inside a Fiber (base/fiber.h) it
// adds the request and suspends the fiber until the answer is in, so other
// fibers' requests run meanwhile; whoever drives the fibers calls wait() to
// make progress. Outside a fiber it drives the multi handle itself until
// its own request is done (other transfers progress too, and are only
// marked done: their fibers run when resumed). A fiber dropped while it
// waits in send() leaves its transfer running on memory of its own, never
// on the dropped stack (curl_multi.cc).
//
// MultiHttpClient is the HttpClient for one CA's options over a shared
// CurlMulti. Neither is thread-safe.
#pragma once

#include <map>
#include <memory>
#include <set>

#include "base/clock.h"
#include "http/curl_easy.h"
#include "http/http_client.h"

namespace acme {

class CurlMulti : public HttpDriver {
 public:
  // connections_per_host: HTTP/1.1 parallelism; HTTP/2 multiplexes within.
  explicit CurlMulti(long connections_per_host = 8);
  ~CurlMulti() override;
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  Result<HttpResponse> send(const HttpRequest& request, const HttpOptions& options);
  // Progress on every transfer, waiting at most max_wait for activity.
  void wait(Millis max_wait) override;
  std::size_t in_flight() const override { return easies_.size(); }

 private:
  struct Pending;
  void collect();

  CURLM* multi_;
  std::set<CURL*> easies_;  // owned, removed and cleaned up when done
  // Each send()'s transfer and outcome, until that send() returns.
  std::map<const Pending*, std::unique_ptr<Pending>> pendings_;
};

class MultiHttpClient : public HttpClient {
 public:
  MultiHttpClient(CurlMulti& multi, HttpOptions options)
      : multi_(multi), options_(std::move(options)) {}
  Result<HttpResponse> send(const HttpRequest& request) override {
    return multi_.send(request, options_);
  }

 private:
  CurlMulti& multi_;
  HttpOptions options_;
};

}  // namespace acme
