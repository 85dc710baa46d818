// FakeEtcd: an in-memory stand-in for etcd's JSON gateway, enough of it for the
// lock and client tests: /v3/kv/put, /v3/kv/range (one key or a range),
// /v3/kv/txn (compares on CREATE and LEASE, put and range ops),
// /v3/lease/grant, /v3/lease/keepalive, /v3/lease/revoke. Answers in the
// gateway's own spelling (int64 as strings, zero fields left out), as the real
// etcd 3.4 was seen to answer. Leases expire only when a test says so.
#pragma once

#include <map>
#include <string>

#include "cluster/base64.h"
#include "fakes/fake_http_client.h"
#include "json/json.h"

namespace acme {
namespace testing {

class FakeEtcd {
 public:
  struct Entry {
    std::string value;
    long long create_revision, mod_revision, lease;
  };

  // The handler for a FakeHttpClient: every endpoint is this one etcd.
  Result<HttpResponse> handle(const HttpRequest& request) {
    auto body = Json::parse(request.body);
    if (!body.ok()) return json_response(400, R"({"error":"bad json","code":3})");
    const std::string path = request.url.substr(request.url.find("/v3/"));
    if (path == "/v3/kv/put" && !lease_known(int64(*body, "lease"))) return lease_not_found();
    if (path == "/v3/kv/put") return answer(put(*body));
    if (path == "/v3/kv/range") return answer(range(*body));
    if (path == "/v3/kv/txn") return answer(txn(*body));
    if (path == "/v3/lease/grant") return grant(*body);
    if (path == "/v3/lease/keepalive") return keepalive(*body);
    if (path == "/v3/lease/revoke") return revoke(*body);
    return json_response(404, R"({"error":"Not Found","code":5})");
  }

  // The lease runs out: etcd deletes its keys.
  void expire(long long lease) {
    leases_.erase(lease);
    for (auto it = kv_.begin(); it != kv_.end();) {
      it = it->second.lease == lease ? kv_.erase(it) : std::next(it);
    }
    ++revision_;
  }

  std::map<std::string, Entry> kv_;
  std::map<long long, long long> leases_;  // id -> TTL
  long long revision_ = 1;
  long long next_lease_ = 7587000000000000001LL;  // ids beyond 2^53, as etcd's are

 private:
  static std::string bytes(const Json& j, const char* field) {
    auto r = base64_decode(j.get_string_or(field, ""));
    return r.ok() ? *r : std::string("<bad base64>");
  }
  static long long int64(const Json& j, const char* field) {
    Json v = j.get(field);
    return v.is_string() ? std::atoll(v.as_string().c_str()) : j.get_int_or(field, 0);
  }
  Json header() const {
    return Json::object().set("header", Json::object().set("revision", std::to_string(revision_)));
  }
  HttpResponse answer(Json j) { return json_response(200, j.dump()); }

  bool lease_known(long long lease) const { return lease == 0 || leases_.count(lease) != 0; }
  static HttpResponse lease_not_found() {
    return json_response(404, R"({"error":"etcdserver: requested lease not found",)"
                              R"("message":"etcdserver: requested lease not found","code":5})");
  }

  Json put(const Json& req) {
    long long lease = int64(req, "lease");
    std::string key = bytes(req, "key");
    ++revision_;
    auto it = kv_.find(key);
    long long created = it == kv_.end() ? revision_ : it->second.create_revision;
    kv_[key] = Entry{bytes(req, "value"), created, revision_, lease};
    return header();
  }

  Json kv_json(const std::string& key, const Entry& e) const {
    Json j = Json::object();
    j.set("key", base64_encode(key)).set("create_revision", std::to_string(e.create_revision));
    j.set("mod_revision", std::to_string(e.mod_revision)).set("version", "1");
    if (!e.value.empty()) j.set("value", base64_encode(e.value));
    if (e.lease != 0) j.set("lease", std::to_string(e.lease));
    return j;
  }

  Json range(const Json& req) {
    std::string key = bytes(req, "key"), end = bytes(req, "range_end");
    Json kvs = Json::array();
    for (const auto& [k, e] : kv_) {
      bool in = end.empty() ? k == key : (k >= key && (end == std::string(1, '\0') || k < end));
      if (in) kvs.append(kv_json(k, e));
    }
    Json out = header();
    if (kvs.size() > 0) out.set("kvs", kvs).set("count", std::to_string(kvs.size()));
    return out;
  }

  bool holds(const Json& c) const {
    auto it = kv_.find(bytes(c, "key"));
    std::string target = c.get_string_or("target", "");
    long long actual = target == "CREATE"  ? (it == kv_.end() ? 0 : it->second.create_revision)
                       : target == "LEASE" ? (it == kv_.end() ? 0 : it->second.lease)
                                           : -1;
    long long want = int64(c, target == "CREATE" ? "create_revision" : "lease");
    return c.get_string_or("result", "") == "EQUAL" && actual == want;
  }

  Json txn(const Json& req) {
    bool ok = true;
    Json compare = req.get("compare");
    for (std::size_t i = 0; i < compare.size(); ++i) ok = ok && holds(compare.at(i));
    Json ops = req.get(ok ? "success" : "failure");
    Json responses = Json::array();
    for (std::size_t i = 0; i < ops.size(); ++i) {
      Json op = ops.at(i);
      if (op.has("request_put")) {
        Json r = put(op.get("request_put"));
        responses.append(Json::object().set("response_put", r));
      } else {
        responses.append(Json::object().set("response_range", range(op.get("request_range"))));
      }
    }
    Json out = header();
    if (ok) out.set_bool("succeeded", true);
    return out.set("responses", responses);
  }

  HttpResponse grant(const Json& req) {
    long long id = next_lease_++;
    leases_[id] = int64(req, "TTL");
    Json out = header();
    return answer(out.set("ID", std::to_string(id)).set("TTL", std::to_string(leases_[id])));
  }

  HttpResponse keepalive(const Json& req) {
    long long id = int64(req, "ID");
    Json result = header();
    result.set("ID", std::to_string(id));
    if (leases_.count(id)) result.set("TTL", std::to_string(leases_[id]));
    return answer(Json::object().set("result", result));
  }

  HttpResponse revoke(const Json& req) {
    long long id = int64(req, "ID");
    if (leases_.count(id) == 0) return lease_not_found();
    expire(id);
    return answer(header());
  }
};

}  // namespace testing
}  // namespace acme
