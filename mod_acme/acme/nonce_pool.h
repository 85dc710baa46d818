// NoncePool (RFC 8555 §7.2): nonces from Replay-Nonce headers, used once
// each; fetched with HEAD newNonce only when the pool runs dry.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "base/status.h"
#include "http/http_client.h"

namespace acme {

class NoncePool {
 public:
  // Enough for the answers of ACMEMaxParallel's default (64) steps at once:
  // with 16, nonces were dropped while many orders waited and fetched again
  // with HEAD (a fresh connection each) when they resumed: 2.4 per certificate.
  static constexpr std::size_t kMax = 128;

  void remember(const HttpResponse& response);  // keeps its Replay-Nonce, if any
  Result<std::string> take(HttpClient& http, const std::string& new_nonce_url);
  void clear() { nonces_.clear(); }
  // Hands the unused nonces on (oldest first) and empties the pool: a
  // watchdog that ends gives them to the next (renew/nonce_handover.h).
  std::vector<std::string> take_all();
  // Nonces handed on (oldest first), behind any the pool holds: the pool
  // uses the newest first, and keeps at most kMax.
  void add_older(const std::vector<std::string>& oldest_first);
  std::size_t size() const { return nonces_.size(); }

 private:
  std::deque<std::string> nonces_;
};

}  // namespace acme
