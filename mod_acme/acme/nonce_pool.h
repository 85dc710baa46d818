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
  // More than are ever in circulation: each answer brings one, and at most
  // AcmeClient::kMaxInFlight requests are in flight per CA, so the pool
  // holds about that many plus what an ending watchdog handed over. It was
  // once the bound itself: a pool of 128 with 256 orders sending at once
  // dropped half their nonces (754 HEADs for 1,000 names). The oldest are
  // dropped first; about 50 bytes each.
  static constexpr std::size_t kMax = 1024;

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
