// The watch stream's decoding: lines as etcd 3.4.23 sends them, split
// anywhere by the network, and malformed ones.
#include "cluster/etcd_watch.h"

#include "cluster/etcd_json.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

const std::string kCreated =
    R"({"result":{"header":{"cluster_id":"15118495548433857066","member_id":"1366803315117190)"
    R"(1709","revision":"1","raft_term":"2"},"created":true}})"
    "\n";
const std::string kPut =
    R"({"result":{"header":{"revision":"2"},"events":[{"kv":{"key":"Zm9v","create_revision":)"
    R"("2","mod_revision":"2","version":"1","value":"YmFy"}}]}})"
    "\n";
const std::string kDelete =
    R"({"result":{"header":{"revision":"3"},"events":[{"type":"DELETE","kv":{"key":"Zm9v",)"
    R"("mod_revision":"3"}}]}})"
    "\n";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_GROUP(EtcdWatchDecoder){};

TEST(EtcdWatchDecoder, CreatedPutDelete) {
  EtcdWatchDecoder d;
  auto r = d.feed(kCreated + kPut + kDelete);
  CHECK_TRUE(r.ok());
  LONGS_EQUAL(3, r->size());
  CHECK_TRUE((*r)[0].created);
  LONGS_EQUAL(1, (*r)[0].revision);
  LONGS_EQUAL(0, (*r)[0].events.size());
  const EtcdEvent& put = (*r)[1].events.at(0);
  CHECK_TRUE(put.type == EtcdEvent::Type::kPut);  // PUT is 0: the server leaves "type" out
  STRCMP_EQUAL("foo", put.kv.key.c_str());
  STRCMP_EQUAL("bar", put.kv.value.c_str());
  const EtcdEvent& del = (*r)[2].events.at(0);
  CHECK_TRUE(del.type == EtcdEvent::Type::kDelete);
  LONGS_EQUAL(3, del.kv.mod_revision);
  LONGS_EQUAL(0, d.buffered());
}

TEST(EtcdWatchDecoder, SplitAnywhere) {
  std::string all = kCreated + kPut + kDelete;
  for (std::size_t cut = 1; cut < all.size(); cut += 7) {
    EtcdWatchDecoder d;
    auto a = d.feed(all.substr(0, cut));
    auto b = d.feed(all.substr(cut));
    CHECK_TRUE(a.ok() && b.ok());
    LONGS_EQUAL(3, a->size() + b->size());
  }
}

TEST(EtcdWatchDecoder, CompactedAndCanceled) {
  EtcdWatchDecoder d;
  auto r = d.feed(R"({"result":{"header":{"revision":"9"},"watch_id":"1","canceled":true,)"
                  R"("compact_revision":"5","cancel_reason":"mvcc: required revision has been )"
                  R"(compacted"}})"
                  "\n");
  CHECK_TRUE(r.ok());
  CHECK_TRUE((*r)[0].canceled);
  LONGS_EQUAL(5, (*r)[0].compact_revision);
  LONGS_EQUAL(1, (*r)[0].watch_id);
  CHECK(contains((*r)[0].cancel_reason, "compacted"));
}

TEST(EtcdWatchDecoder, MalformedLines) {
  const char* bad[] = {
      "not json\n",
      "[1]\n",
      R"({"error":{"grpc_code":14,"http_code":503,"message":"no leader"}})"
      "\n",
      R"({"result":{"events":[{"type":"DELETE"}]}})"
      "\n",
      R"({"result":{"events":[{"type":"EXPIRE","kv":{}}]}})"
      "\n",
      R"({"result":{"events":{}}})"
      "\n",
      R"({"result":{"header":{"revision":"x"}}})"
      "\n",
      R"({"result":{"events":[{"kv":{"key":"%%"}}]}})"
      "\n",
  };
  for (const char* line : bad) {
    EtcdWatchDecoder d;
    auto r = d.feed(line);
    CHECK_FALSE_TEXT(r.ok(), line);
    LONGS_EQUAL(static_cast<int>(Code::kProtocol), static_cast<int>(r.status().code()));
  }
}

TEST(EtcdWatchDecoder, ErrorNamesWhatTheServerSaid) {
  EtcdWatchDecoder d;
  auto r = d.feed(R"({"error":{"message":"etcdserver: no leader"}})"
                  "\n");
  CHECK_TEXT(contains(r.status().message(), "no leader"), r.status().message().c_str());
}

TEST(EtcdWatchDecoder, BlankLinesAndPartialTail) {
  EtcdWatchDecoder d;
  auto r = d.feed("\n\r\n" + kPut.substr(0, 10));
  CHECK_TRUE(r.ok());
  LONGS_EQUAL(0, r->size());
  LONGS_EQUAL(10, d.buffered());
  CHECK_TRUE(d.pending() == kPut.substr(0, 10));  // named when the stream ends there
}

TEST_GROUP(EtcdWatch){};

TEST(EtcdWatch, PollBeforeStartIsAnError) {
  EtcdWatch w({"http://127.0.0.1:1"}, EtcdTls{});
  CHECK_FALSE(w.poll(Millis(0)).ok());
}

TEST(EtcdWatch, RequestBody) {
  STRCMP_EQUAL(R"({"create_request":{"key":"L20v","range_end":"L20w","start_revision":7}})",
               etcd_watch_json("/m/", prefix_end("/m/"), 7).dump().c_str());
  STRCMP_EQUAL(R"({"create_request":{"key":"L20v"}})",
               etcd_watch_json("/m/", "", 0).dump().c_str());
}
