// FakeEtcd: an in-memory stand-in for etcd's JSON gateway, enough of it for the
// lock, client and store tests: /v3/kv/put, /v3/kv/range (one key or a range,
// limit, keys_only), /v3/kv/deleterange, /v3/kv/txn (EQUAL compares on
// CREATE, LEASE and VALUE, put, range and delete ops),
// /v3/lease/grant, /v3/lease/keepalive, /v3/lease/revoke. Answers in the
// gateway's own spelling (int64 as strings, zero fields left out), as the real
// etcd 3.4 was seen to answer. Leases expire only when a test says so.
// Every change is also recorded as a watch event (events_), and watch() hands
// a test the message a watch over a prefix would have sent since a revision.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cluster/etcd_types.h"
#include "crypto/base64url.h"
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
    paths.push_back(path);
    bodies.push_back(request.body);
    if (fail_status != 0) {
      Json error = Json::object().set("error", fail_message).set("message", fail_message);
      return json_response(fail_status, error.set("code", fail_code).dump());
    }
    if (path == "/v3/kv/put" && !lease_known(int64(*body, "lease"))) return lease_not_found();
    if (path == "/v3/kv/put") return answer(put(*body));
    if (path == "/v3/kv/range") return answer(range(*body));
    if (path == "/v3/kv/deleterange") return answer(remove(*body));
    if (path == "/v3/kv/txn") return answer(txn(*body));
    if (path == "/v3/lease/grant") return grant(*body);
    if (path == "/v3/lease/keepalive") return keepalive(*body);
    if (path == "/v3/lease/revoke") return revoke(*body);
    return json_response(404, R"({"error":"Not Found","code":5})");
  }

  // The lease runs out: etcd deletes its keys.
  void expire(long long lease) {
    leases_.erase(lease);
    ++revision_;
    for (auto it = kv_.begin(); it != kv_.end();) {
      bool bound = it->second.lease == lease;
      if (bound) deleted_event(it->first);
      it = bound ? kv_.erase(it) : std::next(it);
    }
  }

  // The events under prefix with mod_revision >= from, as one watch message.
  EtcdWatchResponse watch(const std::string& prefix, long long from) const {
    EtcdWatchResponse m;
    m.revision = revision_;
    for (const EtcdEvent& e : events_)
      if (e.kv.mod_revision >= from && e.kv.key.compare(0, prefix.size(), prefix) == 0)
        m.events.push_back(e);
    return m;
  }

  // Every request's path, in order.
  std::vector<std::string> paths;
  std::vector<std::string> bodies;  // and its JSON body
  // Non-zero: every request is answered with this HTTP status and a gateway
  // error {"error": fail_message, "code": fail_code} (503 fails over).
  int fail_status = 0;
  std::string fail_message;
  long long fail_code = 2;

  std::map<std::string, Entry> kv_;
  std::map<long long, long long> leases_;  // id -> TTL
  long long revision_ = 1;
  long long next_lease_ = 7587000000000000001LL;  // ids beyond 2^53, as etcd's are
  std::vector<EtcdEvent> events_;                 // every put and delete, in order

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
    EtcdEvent e;
    e.kv = EtcdKeyValue{key, kv_[key].value, created, revision_, 1, lease};
    events_.push_back(e);
    return header();
  }

  Json kv_json(const std::string& key, const Entry& e, bool keys_only) const {
    Json j = Json::object();
    j.set("key", base64_encode(key)).set("create_revision", std::to_string(e.create_revision));
    j.set("mod_revision", std::to_string(e.mod_revision)).set("version", "1");
    if (!e.value.empty() && !keys_only) j.set("value", base64_encode(e.value));
    if (e.lease != 0) j.set("lease", std::to_string(e.lease));
    return j;
  }

  static bool in_range(const std::string& k, const std::string& key, const std::string& end) {
    return end.empty() ? k == key : (k >= key && (end == std::string(1, '\0') || k < end));
  }

  Json range(const Json& req) {
    std::string key = bytes(req, "key"), end = bytes(req, "range_end");
    long long limit = int64(req, "limit"), count = 0;
    Json kvs = Json::array();
    for (const auto& [k, e] : kv_) {
      if (!in_range(k, key, end)) continue;
      ++count;
      if (limit == 0 || static_cast<long long>(kvs.size()) < limit)
        kvs.append(kv_json(k, e, req.get_bool_or("keys_only", false)));
    }
    Json out = header();
    if (kvs.size() > 0) out.set("kvs", kvs).set("count", std::to_string(count));
    if (count > static_cast<long long>(kvs.size())) out.set_bool("more", true);
    return out;
  }

  // A delete event carries the key and the revision of the delete only.
  void deleted_event(const std::string& key) {
    EtcdEvent e;
    e.type = EtcdEvent::Type::kDelete;
    e.kv.key = key;
    e.kv.mod_revision = revision_;
    events_.push_back(e);
  }

  Json remove(const Json& req) {
    std::string key = bytes(req, "key"), end = bytes(req, "range_end");
    long long deleted = 0;
    for (const auto& [k, e] : kv_) deleted += in_range(k, key, end);
    if (deleted > 0) ++revision_;
    for (auto it = kv_.begin(); it != kv_.end();) {
      bool in = in_range(it->first, key, end);
      if (in) deleted_event(it->first);
      it = in ? kv_.erase(it) : std::next(it);
    }
    Json out = header();
    if (deleted > 0) out.set("deleted", std::to_string(deleted));
    return out;
  }

  bool holds(const Json& c) const {
    auto it = kv_.find(bytes(c, "key"));
    std::string target = c.get_string_or("target", "");
    if (target == "VALUE") {  // as etcd: a value compare on a missing key fails
      return c.get_string_or("result", "") == "EQUAL" && it != kv_.end() &&
             it->second.value == bytes(c, "value");
    }
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
      } else if (op.has("request_delete_range")) {
        Json r = remove(op.get("request_delete_range"));
        responses.append(Json::object().set("response_delete_range", r));
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
