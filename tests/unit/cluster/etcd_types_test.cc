#include "cluster/etcd_types.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(EtcdTypes){};

TEST(EtcdTypes, PrefixEndIncrementsLastByte) {
  STRCMP_EQUAL("/mod_acme0", prefix_end("/mod_acme/").c_str());
  STRCMP_EQUAL("b", prefix_end("a").c_str());
}

TEST(EtcdTypes, PrefixEndSkipsTrailingFF) {
  CHECK_TRUE(prefix_end(std::string("a\xff\xff", 3)) == "b");
  CHECK_TRUE(prefix_end(std::string("\xff", 1)) == std::string(1, '\0'));  // every key
}

TEST(EtcdTypes, OpBuilders) {
  EtcdOp put = EtcdOp::put("k", "v", 7);
  CHECK_TRUE(put.kind == EtcdOp::Kind::kPut);
  LONGS_EQUAL(7, put.lease);
  CHECK_TRUE(EtcdOp::remove("k", "l").kind == EtcdOp::Kind::kDelete);
  STRCMP_EQUAL("l", EtcdOp::range("k", "l").range_end.c_str());
}
