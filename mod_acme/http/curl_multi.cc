#include "http/curl_multi.h"

#include <memory>

#include "base/fiber.h"

namespace acme {

struct CurlMulti::Pending {
  CurlTransfer transfer;
  Result<HttpResponse> result = Status(Code::kNetwork, "request not finished");
  bool done = false;
};

CurlMulti::CurlMulti(long connections_per_host) : multi_(curl_multi_init()) {
  if (!multi_) return;
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, connections_per_host);
}

// Transfers still running belong to fibers that will never be resumed: the
// handles go; their Pending is not touched (see send()).
CurlMulti::~CurlMulti() {
  for (CURL* easy : easies_) {
    if (multi_) curl_multi_remove_handle(multi_, easy);
    curl_easy_cleanup(easy);
  }
  if (multi_) curl_multi_cleanup(multi_);
}

Result<HttpResponse> CurlMulti::send(const HttpRequest& request, const HttpOptions& options) {
  CURL* easy = multi_ ? curl_easy_init() : nullptr;
  if (!easy) return Status(Code::kNetwork, "libcurl could not create a handle");
  // Owned here, not on the fiber's stack: a fiber dropped while it waits
  // (a watchdog that ends drops its suspended fibers, whose stacks are
  // unmapped without unwinding) leaves its transfer in the multi handle, and
  // libcurl goes on writing headers and body into it until it is done. Such
  // a Pending stays until this object goes (at most the requests in flight
  // when a watchdog ends); before, it was the unmapped stack, and the
  // watchdog crashed (bench/RESULTS.md).
  auto made = std::make_unique<Pending>();
  Pending& pending = *made;
  pendings_.emplace(&pending, std::move(made));
  pending.transfer.request = request;
  setup_easy(easy, options, &pending.transfer);
  // HTTP/2 where the CA offers it (ALPN; curl's default for https, said
  // here because multiplexing depends on it). No CURLOPT_PIPEWAIT: with it a
  // reused HTTP/1.1 connection holding a stray body (a HEAD answered with
  // one) was read as the next answer ("Unsupported protocol", test_610).
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  // A HEAD (newNonce, only when the nonce pool is dry) gets a connection of
  // its own that is not kept: a server that sends a body with it anyway
  // would otherwise leave that body to be read as the next answer.
  if (request.method == "HEAD") curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
  if (request.method == "HEAD") curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &pending);
  if (curl_multi_add_handle(multi_, easy) != CURLM_OK) {
    curl_easy_cleanup(easy);
    pendings_.erase(&pending);
    return Status(Code::kNetwork, "libcurl refused a transfer for " + request.url);
  }
  easies_.insert(easy);
  if (Fiber::current()) {
    int running = 0;
    curl_multi_perform(multi_, &running);  // sends what it can now
    collect();
    Fiber::wait_for(&pending.done);
  } else {
    while (!pending.done) wait(Millis(100));
  }
  Result<HttpResponse> result = std::move(pending.result);
  pendings_.erase(&pending);
  return result;
}

void CurlMulti::wait(Millis max_wait) {
  if (!multi_ || easies_.empty()) return;
  int running = 0;
  curl_multi_perform(multi_, &running);
  collect();
  if (running == 0) return;
  curl_multi_poll(multi_, nullptr, 0, static_cast<int>(max_wait.count()), nullptr);
  curl_multi_perform(multi_, &running);
  collect();
}

// Finished transfers: their result goes to their Pending, the handle away.
void CurlMulti::collect() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    CURLcode rc = msg->data.result;
    Pending* pending = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, reinterpret_cast<char**>(&pending));
    pending->result = finish_easy(easy, rc, &pending->transfer);
    pending->done = true;
    curl_multi_remove_handle(multi_, easy);
    curl_easy_cleanup(easy);
    easies_.erase(easy);
  }
}

}  // namespace acme
