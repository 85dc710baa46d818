// The gateway's JSON shapes, as etcd 3.4.23 was seen to send and accept them
// (answers below are copied from a real server and then broken on purpose).
#include "cluster/etcd_json.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

Json parse(const char* text) {
  auto j = Json::parse(text);
  CHECK_TRUE(j.ok());
  return *j;
}

void check_protocol_error(const Status& s, const char* names) {
  CHECK_FALSE(s.ok());
  LONGS_EQUAL(static_cast<int>(Code::kProtocol), static_cast<int>(s.code()));
  CHECK_TEXT(s.message().find(names) != std::string::npos, s.message().c_str());
}

const char* kRange =
    R"({"header":{"cluster_id":"15118495548433857066","member_id":"13668033151171901709",)"
    R"("revision":"4","raft_term":"2"},"kvs":[{"key":"Zm9v","create_revision":"4",)"
    R"("mod_revision":"4","version":"1","lease":"4111120338965924877"}],"count":"1"})";

}  // namespace

TEST_GROUP(EtcdJson){};

TEST(EtcdJson, PutBodyIsBase64WithLease) {
  STRCMP_EQUAL(R"({"key":"Zm9v","lease":42,"value":"YmFy"})",
               etcd_put_json("foo", "bar", 42).dump().c_str());
  STRCMP_EQUAL(R"({"key":"Zm9v","value":""})", etcd_put_json("foo", "", 0).dump().c_str());
}

TEST(EtcdJson, RangeBodyOmitsDefaults) {
  EtcdRange r;
  r.key = "/a/";
  STRCMP_EQUAL(R"({"key":"L2Ev"})", etcd_range_json(r).dump().c_str());
  r.range_end = prefix_end("/a/");
  r.limit = 10;
  r.keys_only = true;
  STRCMP_EQUAL(R"({"key":"L2Ev","keys_only":true,"limit":10,"range_end":"L2Ew"})",
               etcd_range_json(r).dump().c_str());
}

TEST(EtcdJson, TxnBodyNamesTargetAndOperand) {
  EtcdTxn txn;
  EtcdCompare c;
  c.key = "foo";
  txn.compare.push_back(c);
  c.target = EtcdCompare::Target::kValue;
  c.op = EtcdCompare::Op::kNotEqual;
  c.value = "x";
  txn.compare.push_back(c);
  txn.success.push_back(EtcdOp::put("foo", "bar", 5));
  txn.failure.push_back(EtcdOp::range("foo"));
  txn.failure.push_back(EtcdOp::remove("foo"));
  STRCMP_EQUAL(
      R"({"compare":[{"create_revision":0,"key":"Zm9v","result":"EQUAL","target":"CREATE"},)"
      R"({"key":"Zm9v","result":"NOT_EQUAL","target":"VALUE","value":"eA=="}],)"
      R"("failure":[{"request_range":{"key":"Zm9v"}},{"request_delete_range":{"key":"Zm9v"}}],)"
      R"("success":[{"request_put":{"key":"Zm9v","lease":5,"value":"YmFy"}}]})",
      etcd_txn_json(txn).dump().c_str());
}

TEST(EtcdJson, RangeAnswerWithOmittedValue) {
  auto r = etcd_parse_range(parse(kRange));
  CHECK_TRUE(r.ok());
  LONGS_EQUAL(4, r->revision);
  LONGS_EQUAL(1, r->count);
  LONGS_EQUAL(1, r->kvs.size());
  STRCMP_EQUAL("foo", r->kvs[0].key.c_str());
  STRCMP_EQUAL("", r->kvs[0].value.c_str());             // an empty value is left out
  CHECK_TRUE(r->kvs[0].lease == 4111120338965924877LL);  // beyond 2^53: read as a string
}

TEST(EtcdJson, EmptyRangeHasNoKvs) {
  auto r = etcd_parse_range(parse(R"({"header":{"revision":"2"}})"));
  CHECK_TRUE(r.ok());
  LONGS_EQUAL(0, r->kvs.size());
  LONGS_EQUAL(0, r->count);
}

TEST(EtcdJson, Int64AsNumberAccepted) {
  auto r = etcd_parse_range(parse(R"({"header":{"revision":7},"count":1})"));
  CHECK_TRUE(r.ok());
  LONGS_EQUAL(7, r->revision);
}

TEST(EtcdJson, MalformedRangeAnswers) {
  check_protocol_error(etcd_parse_range(parse(R"({"kvs":{}})")).status(), "\"kvs\"");
  check_protocol_error(etcd_parse_range(parse(R"({"kvs":[{"key":"!!"}]})")).status(), "\"key\"");
  check_protocol_error(etcd_parse_range(parse(R"({"kvs":[{"key":5}]})")).status(), "\"key\"");
  check_protocol_error(etcd_parse_range(parse(R"({"kvs":[7]})")).status(), "key-value");
  check_protocol_error(etcd_parse_range(parse(R"({"header":{"revision":"4x"}})")).status(),
                       "\"revision\"");
  check_protocol_error(etcd_parse_range(parse(R"({"header":[]})")).status(), "\"header\"");
  check_protocol_error(etcd_parse_range(parse(R"({"count":true})")).status(), "\"count\"");
  check_protocol_error(etcd_parse_range(parse(R"([])")).status(), "not an object");
  check_protocol_error(
      etcd_parse_range(parse(R"({"kvs":[{"key":"Zm9v","version":"99999999999999999999"}]})"))
          .status(),
      "\"version\"");
}

TEST(EtcdJson, TxnAnswers) {
  auto ok = etcd_parse_txn(
      parse(R"({"header":{"revision":"2"},"succeeded":true,"responses":[{"response_put":)"
            R"({"header":{"revision":"2"}}}]})"));
  CHECK_TRUE(ok.ok());
  CHECK_TRUE(ok->succeeded);
  CHECK_TRUE(ok->responses[0].kind == EtcdOp::Kind::kPut);
  auto failed = etcd_parse_txn(parse(
      R"({"header":{"revision":"2"},"responses":[{"response_range":{"header":{"revision":"2"},)"
      R"("kvs":[{"key":"Zm9v","create_revision":"2","value":"YmFy"}],"count":"1"}},)"
      R"({"response_delete_range":{"deleted":"1"}}]})"));
  CHECK_TRUE(failed.ok());
  CHECK_FALSE(failed->succeeded);  // "succeeded" false is left out
  STRCMP_EQUAL("bar", failed->responses[0].kvs[0].value.c_str());
  LONGS_EQUAL(1, failed->responses[1].deleted);
}

TEST(EtcdJson, MalformedTxnAnswers) {
  check_protocol_error(etcd_parse_txn(parse(R"({"responses":{}})")).status(), "\"responses\"");
  check_protocol_error(etcd_parse_txn(parse(R"({"responses":[{"response_x":{}}]})")).status(),
                       "none of put");
  check_protocol_error(etcd_parse_txn(parse(R"({"responses":[3]})")).status(), "not an object");
  check_protocol_error(
      etcd_parse_txn(parse(R"({"responses":[{"response_range":{"kvs":[{"value":"@"}]}}]})"))
          .status(),
      "\"value\"");
}

TEST(EtcdJson, LeaseAnswers) {
  auto grant = etcd_parse_lease(parse(R"({"header":{},"ID":"4111120338965924869","TTL":"5"})"));
  CHECK_TRUE(grant.ok());
  CHECK_TRUE(grant->id == 4111120338965924869LL);
  LONGS_EQUAL(5, grant->ttl_s);
  // A keep-alive is a stream: its answer comes wrapped in "result"; a lease
  // that is gone answers with no TTL.
  auto gone = etcd_parse_lease(parse(R"({"result":{"header":{},"ID":"123"}})"));
  CHECK_TRUE(gone.ok());
  LONGS_EQUAL(0, gone->ttl_s);
}

TEST(EtcdJson, MalformedLeaseAnswers) {
  check_protocol_error(etcd_parse_lease(parse(R"({"TTL":"5"})")).status(), "\"ID\"");
  check_protocol_error(etcd_parse_lease(parse(R"({"result":"x"})")).status(), "\"result\"");
  check_protocol_error(etcd_parse_lease(parse(R"({"ID":"1","TTL":"ten"})")).status(), "\"TTL\"");
}
