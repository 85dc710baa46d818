// EtcdClient: etcd's v3 API through its JSON gateway (POST /v3/..., etcd 3.4
// and later; Debian 12 ships 3.4.23), over the project's HttpClient, so there is
// no gRPC and no new library.
//
// Several endpoints (the members of one cluster): a request goes to the member
// that answered last; on a transport failure (connect, TLS, timeout) or a 503
// (gRPC Unavailable: a member without a leader) it is sent to the next one,
// and only when every member failed is it an error, naming each endpoint and
// its cause. A write whose answer was lost may have been applied by the member
// that failed; callers make their writes safe to repeat (see cluster/etcd_lock.h).
//
// Errors: gateway errors {"error","message","code"} become a Status naming the
// endpoint, the call and etcd's message (gRPC NotFound -> kNotFound,
// InvalidArgument/FailedPrecondition -> kInvalidArgument, others kProtocol);
// an answer that is not the expected JSON is kProtocol. Not thread-safe: the
// watchdog is one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "cluster/etcd_types.h"
#include "http/http_client.h"
#include "json/json.h"

namespace acme {

// ACMESharedStoreTLS: client certificate and key (PEM) and the CA that signed
// the members' certificates; all empty = plain http:// or the system's trust.
struct EtcdTls {
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
};

// Validates endpoints ("http://host:port" or "https://host:port", a trailing
// "/" dropped) and the TLS files' pairing. Errors name the value and the fix.
Result<std::vector<std::string>> etcd_check_endpoints(const std::vector<std::string>& endpoints);
Status etcd_check_tls(const EtcdTls& tls);

// A request that waits for etcd, made outside a fiber (base/fiber.h), would
// block the watchdog's tick on the network: with `required` (the callers'
// Options::require_fiber) it is refused at once, naming who, what and the key.
Status etcd_call_in_fiber(bool required, const char* who, const char* doing,
                          const std::string& key);
// The libcurl client for etcd: short timeouts (a lock's TTL is ~10 s), the
// client certificate when one is configured.
std::unique_ptr<HttpClient> make_etcd_http_client(const EtcdTls& tls);
HttpOptions etcd_http_options(const EtcdTls& tls);  // what that client uses

class EtcdClient {
 public:
  // endpoints: already checked by etcd_check_endpoints.
  EtcdClient(std::vector<std::string> endpoints, std::unique_ptr<HttpClient> http);
  EtcdClient(const EtcdClient&) = delete;
  EtcdClient& operator=(const EtcdClient&) = delete;

  Result<long long> put(const std::string& key, const std::string& value, long long lease = 0);
  Result<EtcdRangeResult> range(const EtcdRange& range);
  Result<EtcdRangeResult> get(const std::string& key);  // one key; kvs empty when absent
  // The whole range in pages of at most `page` keys, all read at the first
  // page's revision (one snapshot however many pages; the answer limit is per
  // page, so a prefix of any size loads). An error when the snapshot was
  // compacted away between pages: range again.
  Result<EtcdRangeResult> range_all(EtcdRange range, long long page = kRangePage);
  static constexpr long long kRangePage = 500;
  Result<long long> remove(const std::string& key, const std::string& range_end = "");
  Result<EtcdTxnResult> txn(const EtcdTxn& txn);

  Result<EtcdLease> lease_grant(long long ttl_s);
  // One keep-alive; ttl_s == 0 in the answer: the lease is gone (expired or revoked).
  Result<EtcdLease> lease_keepalive(long long id);
  Status lease_revoke(long long id);  // kNotFound when already gone

  const std::string& current_endpoint() const { return endpoints_[current_]; }

 private:
  // POSTs body to path, failing over across endpoints; the parsed JSON answer.
  Result<Json> call(const std::string& path, const Json& body);
  Result<Json> call_one(const std::string& endpoint, const std::string& path,
                        const std::string& body, bool* try_next);

  std::vector<std::string> endpoints_;
  std::unique_ptr<HttpClient> http_;
  std::size_t current_ = 0;
};

}  // namespace acme
