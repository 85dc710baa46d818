// HttpClient: the one way the core talks HTTP(S) to a CA. An interface so
// the ACME layer is tested against a scripted fake; CurlHttpClient is the
// real one.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace acme {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, POST
  std::string url;
  std::string body;
  std::string content_type;  // e.g. application/jose+json
};

// A POST of body, typed content_type, to url.
HttpRequest http_post(std::string url, std::string body, std::string content_type);

struct HttpResponse {
  int status = 0;
  // Header names lower-cased; a header sent several times (Link) keeps every
  // value in order.
  std::multimap<std::string, std::string> headers;
  std::string body;

  std::string header(const std::string& lower_name) const;  // first value or ""
  std::vector<std::string> headers_named(const std::string& lower_name) const;
  // RFC 8288 Link header values with the given rel ("up", "alternate", "index").
  std::vector<std::string> links(const std::string& rel) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // A transport failure (DNS, connect, TLS, timeout, oversized answer) is an
  // error Status; any HTTP status, 4xx/5xx included, is a Response.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// Makes progress on requests in flight that were started by fibers
// (http/curl_multi.h): whoever runs the fibers waits here between resumes.
class HttpDriver {
 public:
  virtual ~HttpDriver() = default;
  virtual void wait(Millis max_wait) = 0;  // at most max_wait
  virtual std::size_t in_flight() const = 0;
};

struct HttpOptions {
  std::string ca_file;  // trust for the CA's HTTPS API; empty = system store
  // A client certificate and its key (PEM files), for servers that want one
  // (etcd with --client-cert-auth, cluster/etcd_client.h); empty = none.
  std::string client_cert_file;
  std::string client_key_file;
  long connect_timeout_s = 10;
  long total_timeout_s = 30;
  std::size_t max_body = 1 << 20;  // a CA answer larger than this is refused
  std::string user_agent = "mod_acme/" ACME_VERSION;
  // Set: a transfer stops within about a second once it reads true (a
  // thread that must end does not wait out a timeout, cluster/lease_keeper.h).
  const std::atomic<bool>* abort = nullptr;
};

}  // namespace acme
