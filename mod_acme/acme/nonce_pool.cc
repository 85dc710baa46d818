#include "acme/nonce_pool.h"

#include "crypto/base64url.h"

namespace acme {

void NoncePool::remember(const HttpResponse& response) {
  std::string nonce = response.header("replay-nonce");
  // §6.5.1: the value is base64url; anything else is not a nonce we can use.
  if (!is_base64url(nonce)) return;
  nonces_.push_back(nonce);
  if (nonces_.size() > kMax) nonces_.pop_front();  // oldest are likeliest stale
}

Result<std::string> NoncePool::take(HttpClient& http, const std::string& new_nonce_url) {
  if (nonces_.empty()) {
    HttpRequest request;
    request.method = "HEAD";
    request.url = new_nonce_url;
    auto response = http.send(request);
    if (!response.ok()) return response.status();
    remember(*response);
    if (nonces_.empty()) {
      return Status(Code::kProtocol, "newNonce " + new_nonce_url + " (HTTP " +
                                         std::to_string(response->status) +
                                         ") sent no usable Replay-Nonce");
    }
  }
  std::string nonce = nonces_.back();  // newest first
  nonces_.pop_back();
  return nonce;
}

std::vector<std::string> NoncePool::take_all() {
  std::vector<std::string> all(nonces_.begin(), nonces_.end());
  nonces_.clear();
  return all;
}

void NoncePool::add_older(const std::vector<std::string>& oldest_first) {
  for (auto it = oldest_first.rbegin(); it != oldest_first.rend(); ++it) {
    if (nonces_.size() >= kMax) break;  // the oldest are the ones left out
    if (is_base64url(*it)) nonces_.push_front(*it);
  }
}

}  // namespace acme
