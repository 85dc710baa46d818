// EtcdClient over a scripted HttpClient: the requests it sends, failover
// across endpoints, and how gateway errors and malformed answers surface.
#include "cluster/etcd_client.h"

#include <unistd.h>

#include <cstdio>

#include "cluster/fake_etcd.h"
#include "fakes/fake_http_client.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::FakeHttpClient;
using acme::testing::ForwardingHttpClient;
using acme::testing::json_response;
using acme::testing::make_response;

namespace {

const char* kA = "http://127.0.0.1:2379";
const char* kB = "https://etcd2.example.org:2379";

Status refused(const std::string& url) {
  return Status(Code::kNetwork, "POST " + url + ": Couldn't connect to server");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_GROUP(EtcdClient) {
  FakeHttpClient http;
  std::unique_ptr<EtcdClient> etcd;
  void setup() override {
    etcd = std::make_unique<EtcdClient>(std::vector<std::string>{kA, kB},
                                        std::make_unique<ForwardingHttpClient>(http));
  }
};

TEST(EtcdClient, PutPostsJsonToTheGateway) {
  http.push(json_response(200, R"({"header":{"revision":"9"}})"));
  auto rev = etcd->put("/mod_acme/x", "v", 0);
  CHECK_TRUE(rev.ok());
  LONGS_EQUAL(9, *rev);
  STRCMP_EQUAL("POST", http.requests[0].method.c_str());
  STRCMP_EQUAL("http://127.0.0.1:2379/v3/kv/put", http.requests[0].url.c_str());
  STRCMP_EQUAL("application/json", http.requests[0].content_type.c_str());
  STRCMP_EQUAL(R"({"key":"L21vZF9hY21lL3g=","value":"dg=="})", http.requests[0].body.c_str());
}

TEST(EtcdClient, FailsOverToTheNextEndpointAndStays) {
  http.push_error(refused(std::string(kA) + "/v3/kv/range"));
  http.push(json_response(200, R"({"header":{"revision":"3"}})"));
  http.push(json_response(200, R"({"header":{"revision":"4"}})"));
  CHECK_TRUE(etcd->get("k").ok());
  STRCMP_EQUAL(kB, etcd->current_endpoint().c_str());
  CHECK_TRUE(etcd->get("k").ok());
  LONGS_EQUAL(3, http.requests.size());
  STRCMP_EQUAL("https://etcd2.example.org:2379/v3/kv/range", http.requests[1].url.c_str());
  STRCMP_EQUAL("https://etcd2.example.org:2379/v3/kv/range", http.requests[2].url.c_str());
}

TEST(EtcdClient, FailsOverOnUnavailable) {
  http.push(json_response(503, R"({"error":"etcdserver: no leader","code":14})"));
  http.push(json_response(200, R"({"header":{"revision":"3"}})"));
  CHECK_TRUE(etcd->get("k").ok());
  STRCMP_EQUAL(kB, etcd->current_endpoint().c_str());
}

TEST(EtcdClient, AllEndpointsDownNamesEachAndItsCause) {
  http.push_error(refused(std::string(kA) + "/v3/kv/put"));
  http.push_error(Status(Code::kNetwork,
                         "POST https://etcd2.example.org:2379/v3/kv/put: "
                         "SSL certificate problem"));
  auto r = etcd->put("k", "v");
  CHECK_FALSE(r.ok());
  LONGS_EQUAL(static_cast<int>(Code::kNetwork), static_cast<int>(r.status().code()));
  const std::string& m = r.status().message();
  CHECK_TEXT(contains(m, "127.0.0.1:2379") && contains(m, "Couldn't connect"), m.c_str());
  CHECK_TEXT(contains(m, "etcd2.example.org") && contains(m, "SSL certificate"), m.c_str());
  CHECK_TEXT(contains(m, "ACMESharedStore"), m.c_str());
}

TEST(EtcdClient, GatewayErrorIsNotFailedOver) {
  http.push(json_response(404, R"({"error":"etcdserver: requested lease not found",)"
                               R"("message":"etcdserver: requested lease not found","code":5})"));
  Status s = etcd->lease_revoke(123);
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(s.code()));
  CHECK_TEXT(contains(s.message(), "requested lease not found"), s.message().c_str());
  CHECK_TEXT(contains(s.message(), "http://127.0.0.1:2379/v3/lease/revoke"), s.message().c_str());
  LONGS_EQUAL(1, http.requests.size());
}

TEST(EtcdClient, BadRequestIsInvalidArgument) {
  http.push(json_response(400, R"({"error":"illegal base64 data at input byte 0","code":3})"));
  auto r = etcd->get("k");
  LONGS_EQUAL(static_cast<int>(Code::kInvalidArgument), static_cast<int>(r.status().code()));
}

TEST(EtcdClient, MalformedAnswersAreProtocolErrors) {
  http.push(make_response(200, "<html>proxy</html>"));
  http.push(make_response(502, "Bad Gateway"));
  http.push(json_response(200, R"({"kvs":"nope"})"));
  http.push(json_response(200, R"({"error":{"grpc_code":14,"message":"stream broke"}})"));
  auto html = etcd->get("k");
  auto bad_gateway = etcd->get("k");
  auto kvs = etcd->get("k");
  auto in_band = etcd->lease_keepalive(1);
  LONGS_EQUAL(static_cast<int>(Code::kProtocol), static_cast<int>(html.status().code()));
  CHECK(contains(html.status().message(), "not a JSON object"));
  CHECK(contains(bad_gateway.status().message(), "HTTP 502"));
  CHECK(contains(kvs.status().message(), "\"kvs\""));
  CHECK(contains(in_band.status().message(), "stream broke"));
}

TEST(EtcdClient, KeepAliveOfAGoneLeaseIsZeroTtl) {
  http.push(json_response(200, R"({"result":{"header":{"revision":"3"},"ID":"123"}})"));
  auto lease = etcd->lease_keepalive(123);
  CHECK_TRUE(lease.ok());
  LONGS_EQUAL(0, lease->ttl_s);
  STRCMP_EQUAL(R"({"ID":123})", http.requests[0].body.c_str());
}

TEST(EtcdClient, AgainstTheFakeEtcd) {
  acme::testing::FakeEtcd fake;
  http.handler = [&](const HttpRequest& r) { return fake.handle(r); };
  CHECK_TRUE(etcd->put("/p/a", "1").ok());
  CHECK_TRUE(etcd->put("/p/b", "2").ok());
  CHECK_TRUE(etcd->put("/q", "3").ok());
  EtcdRange range;
  range.key = "/p/";
  range.range_end = prefix_end("/p/");
  auto r = etcd->range(range);
  CHECK_TRUE(r.ok());
  LONGS_EQUAL(2, r->kvs.size());
  STRCMP_EQUAL("2", r->kvs[1].value.c_str());
}

// The mirror's load: a store of any size in pages, one snapshot.
TEST(EtcdClient, RangeAllReadsEveryPageAtTheFirstPagesRevision) {
  acme::testing::FakeEtcd fake;
  http.handler = [&](const HttpRequest& r) { return fake.handle(r); };
  for (char c = 'a'; c <= 'g'; ++c) CHECK_TRUE(etcd->put(std::string("/p/") + c, {c}).ok());
  CHECK_TRUE(etcd->put("/q", "outside").ok());
  EtcdRange range;
  range.key = "/p/";
  range.range_end = prefix_end("/p/");
  const std::size_t before = http.requests.size();
  auto all = etcd->range_all(range, 3);
  CHECK_TRUE(all.ok());
  LONGS_EQUAL(7, all->kvs.size());
  STRCMP_EQUAL("/p/a", all->kvs.front().key.c_str());
  STRCMP_EQUAL("/p/g", all->kvs.back().key.c_str());
  LONGS_EQUAL(3, http.requests.size() - before);  // 3 + 3 + 1
  CHECK(contains(http.requests[before].body, "\"limit\":3"));
  CHECK_FALSE(contains(http.requests[before].body, "\"revision\""));
  const std::string pinned = "\"revision\":" + std::to_string(all->revision);
  CHECK(contains(http.requests[before + 1].body, pinned));
  CHECK(contains(http.requests[before + 2].body, pinned));
}

TEST_GROUP(EtcdConfig){};

TEST(EtcdConfig, EndpointsChecked) {
  auto ok = etcd_check_endpoints({"https://etcd1.example.org:2379/", "http://127.0.0.1:2379"});
  CHECK_TRUE(ok.ok());
  STRCMP_EQUAL("https://etcd1.example.org:2379", (*ok)[0].c_str());
  auto scheme = etcd_check_endpoints({"etcd1.example.org:2379"});
  CHECK_TEXT(contains(scheme.status().message(), "'etcd1.example.org:2379'"),
             scheme.status().message().c_str());
  CHECK(contains(scheme.status().message(), "ACMESharedStore"));
  CHECK_FALSE(etcd_check_endpoints({"http://127.0.0.1:2379/v3"}).ok());
  CHECK_FALSE(etcd_check_endpoints({"https://"}).ok());
  CHECK_FALSE(etcd_check_endpoints({}).ok());
}

TEST(EtcdConfig, TlsFilesChecked) {
  CHECK_TRUE(etcd_check_tls(EtcdTls{}).ok());
  Status half = etcd_check_tls(EtcdTls{"client.pem", "", ""});
  CHECK(contains(half.message(), "ACMESharedStoreTLS"));
  Status missing = etcd_check_tls(EtcdTls{"/nonexistent/c.pem", "/nonexistent/c.key", ""});
  CHECK_TEXT(contains(missing.message(), "/nonexistent/c.pem"), missing.message().c_str());
  CHECK_TEXT(contains(missing.message(), "No such file or directory"), missing.message().c_str());
  Status dir = etcd_check_tls(EtcdTls{"/tmp", "/tmp", ""});
  CHECK_TEXT(contains(dir.message(), "'/tmp': not a regular file"), dir.message().c_str());
  char path[] = "/tmp/acme-etcd-tls.XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  CHECK_TRUE(etcd_check_tls(EtcdTls{path, path, path}).ok());
  unlink(path);
}
