#include "cluster/etcd_client.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/fiber.h"
#include "cluster/etcd_json.h"
#include "http/curl_http_client.h"

namespace acme {

namespace {

constexpr char kEndpointFix[] =
    "; give each etcd member's client URL, e.g. https://etcd1.example.org:2379";

// gRPC status codes (grpc/codes) the gateway puts in "code".
Code code_for_grpc(long long grpc) {
  switch (grpc) {
    case 3:  // InvalidArgument
    case 9:  // FailedPrecondition
      return Code::kInvalidArgument;
    case 4:
      return Code::kTimeout;  // DeadlineExceeded
    case 5:
      return Code::kNotFound;
    case 14:
      return Code::kNetwork;  // Unavailable
    default:
      return Code::kProtocol;
  }
}

// The answer of call(), read by parse; a failed call passes its error through.
template <typename Parse>
auto parsed(const Result<Json>& answer, Parse parse) -> decltype(parse(*answer)) {
  if (!answer.ok()) return answer.status();
  return parse(*answer);
}

// The lease calls take one number each: {"TTL": n} or {"ID": n}.
Json number_body(const char* name, long long value) {
  Json body = Json::object();
  body.set(name, value);
  return body;
}

Status gateway_error(const std::string& url, const HttpResponse& response) {
  auto json = Json::parse(response.body);
  std::string where = "etcd " + url + " answered HTTP " + std::to_string(response.status);
  if (!json.ok() || !json->is_object() || !json->has("error")) {
    return Status(Code::kProtocol, where + " without an etcd error document");
  }
  std::string message = json->get_string_or("message", json->get_string_or("error", "?"));
  return Status(code_for_grpc(json->get_int_or("code", 2)), where + ": " + message);
}

Status check_endpoint(const std::string& url) {
  std::size_t scheme = url.rfind("https://", 0) == 0 ? 8 : url.rfind("http://", 0) == 0 ? 7 : 0;
  if (scheme == 0) {
    return Status(Code::kInvalidArgument, "ACMESharedStore: '" + url +
                                              "' is not an http:// or https:// URL" + kEndpointFix);
  }
  std::string rest = url.substr(scheme);
  if (rest.empty() || rest.find('/') != std::string::npos || rest.find('?') != std::string::npos) {
    return Status(
        Code::kInvalidArgument,
        "ACMESharedStore: '" + url + "' must be scheme, host and port with no path" + kEndpointFix);
  }
  return Status::ok_status();
}

// The admin's own files, read as root at configuration time (no child-writable
// directory is involved): what is wrong with the path is said exactly.
Status check_file(const std::string& path, const char* what) {
  struct stat st;
  const char* cause = nullptr;
  if (stat(path.c_str(), &st) != 0) {
    cause = std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    cause = "not a regular file";
  } else if (access(path.c_str(), R_OK) != 0) {
    cause = "not readable";
  }
  if (!cause) return Status::ok_status();
  return Status(Code::kInvalidArgument, std::string("ACMESharedStoreTLS: the ") + what + " '" +
                                            path + "': " + cause + "; give the path of a file " +
                                            "httpd's parent (root) can read");
}

}  // namespace

Result<std::vector<std::string>> etcd_check_endpoints(const std::vector<std::string>& endpoints) {
  if (endpoints.empty()) {
    return Status(Code::kInvalidArgument,
                  std::string("ACMESharedStore: no endpoint") + kEndpointFix);
  }
  std::vector<std::string> out;
  for (std::string url : endpoints) {
    if (url.size() > 1 && url.back() == '/') url.pop_back();
    ACME_RETURN_IF_ERROR(check_endpoint(url));
    out.push_back(url);
  }
  return out;
}

Status etcd_call_in_fiber(bool required, const char* who, const char* doing,
                          const std::string& key) {
  if (!required || Fiber::current() != nullptr) return Status();
  return Status(Code::kInvalidArgument,
                std::string(who) + ": " + doing + " " + key +
                    " outside a fiber would block the watchdog's tick on the network; "
                    "call it from a job's or a side fiber");
}

Status etcd_check_tls(const EtcdTls& tls) {
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return Status(Code::kInvalidArgument,
                  "ACMESharedStoreTLS: a client certificate needs its key, and a key its "
                  "certificate; give both (client.pem client.key ca.pem)");
  }
  if (!tls.cert_file.empty()) ACME_RETURN_IF_ERROR(check_file(tls.cert_file, "certificate"));
  if (!tls.key_file.empty()) ACME_RETURN_IF_ERROR(check_file(tls.key_file, "key"));
  if (!tls.ca_file.empty()) ACME_RETURN_IF_ERROR(check_file(tls.ca_file, "CA file"));
  return Status::ok_status();
}

HttpOptions etcd_http_options(const EtcdTls& tls) {
  HttpOptions options;
  options.ca_file = tls.ca_file;
  options.client_cert_file = tls.cert_file;
  options.client_key_file = tls.key_file;
  // Short: a member that does not answer within a few seconds is skipped for
  // the next one long before a ~10 s lock lease runs out.
  options.connect_timeout_s = 2;
  options.total_timeout_s = 5;
  options.max_body = 16 << 20;  // a range over the prefix; etcd's own request limit is 1.5 MiB
  return options;
}

std::unique_ptr<HttpClient> make_etcd_http_client(const EtcdTls& tls) {
  return std::make_unique<CurlHttpClient>(etcd_http_options(tls));
}

EtcdClient::EtcdClient(std::vector<std::string> endpoints, std::unique_ptr<HttpClient> http)
    : endpoints_(std::move(endpoints)), http_(std::move(http)) {
  if (endpoints_.empty()) endpoints_.push_back("http://127.0.0.1:2379");
}

Result<Json> EtcdClient::call_one(const std::string& endpoint, const std::string& path,
                                  const std::string& body, bool* try_next) {
  HttpRequest request = http_post(endpoint + path, body, "application/json");
  auto response = http_->send(request);
  *try_next = !response.ok() || response->status == 503;
  if (!response.ok()) return response.status();
  if (response->status != 200) return gateway_error(request.url, *response);
  auto json = Json::parse(response->body);
  if (!json.ok() || !json->is_object()) {
    return Status(Code::kProtocol, "etcd " + request.url + " answered something not a JSON object");
  }
  if (json->has("error")) {  // a stream's in-band error (keep-alive, watch) comes with HTTP 200
    return Status(Code::kProtocol, "etcd " + request.url + " answered an error: " + json->dump());
  }
  return json;
}

Result<Json> EtcdClient::call(const std::string& path, const Json& body) {
  const std::string text = body.dump();
  std::string failures;
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    std::size_t at = (current_ + i) % endpoints_.size();
    bool try_next = false;
    auto answer = call_one(endpoints_[at], path, text, &try_next);
    if (!try_next) {
      current_ = at;  // it answered: stay with it
      return answer;
    }
    failures += (failures.empty() ? "" : "; ") + answer.status().message();
  }
  return Status(Code::kNetwork,
                "no etcd endpoint answered " + path + " (" + failures +
                    "); check that the members named by ACMESharedStore run and, for https://, "
                    "that ACMESharedStoreTLS names their CA and a client "
                    "certificate they accept");
}

Result<long long> EtcdClient::put(const std::string& key, const std::string& value,
                                  long long lease) {
  return parsed(call("/v3/kv/put", etcd_put_json(key, value, lease)), etcd_header_revision);
}

Result<EtcdRangeResult> EtcdClient::range(const EtcdRange& range) {
  return parsed(call("/v3/kv/range", etcd_range_json(range)), etcd_parse_range);
}

Result<EtcdRangeResult> EtcdClient::range_all(EtcdRange range, long long page) {
  range.limit = page;
  EtcdRangeResult all;
  for (;;) {
    auto part = this->range(range);
    if (!part.ok()) return part;
    if (range.revision == 0) all.revision = range.revision = part->revision;
    all.kvs.insert(all.kvs.end(), part->kvs.begin(), part->kvs.end());
    if (!part->more || part->kvs.empty()) break;
    range.key = part->kvs.back().key + std::string(1, '\0');  // the next key after it
  }
  all.count = static_cast<long long>(all.kvs.size());
  return all;
}

Result<EtcdRangeResult> EtcdClient::get(const std::string& key) {
  EtcdRange r;
  r.key = key;
  return range(r);
}

Result<long long> EtcdClient::remove(const std::string& key, const std::string& range_end) {
  return parsed(call("/v3/kv/deleterange", etcd_delete_json(key, range_end)), etcd_parse_deleted);
}

Result<EtcdTxnResult> EtcdClient::txn(const EtcdTxn& txn) {
  return parsed(call("/v3/kv/txn", etcd_txn_json(txn)), etcd_parse_txn);
}

Result<EtcdLease> EtcdClient::lease_grant(long long ttl_s) {
  return parsed(call("/v3/lease/grant", number_body("TTL", ttl_s)), etcd_parse_lease);
}

// LeaseKeepAlive is a bidirectional stream; the gateway takes one request as
// the whole request stream and sends its one answer as {"result": ...}.
Result<EtcdLease> EtcdClient::lease_keepalive(long long id) {
  return parsed(call("/v3/lease/keepalive", number_body("ID", id)), etcd_parse_lease);
}

Status EtcdClient::lease_revoke(long long id) {
  return parsed(call("/v3/lease/revoke", number_body("ID", id)), etcd_header_revision).status();
}

}  // namespace acme
