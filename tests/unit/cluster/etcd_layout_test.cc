#include "cluster/etcd_layout.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

EtcdLayout layout(const char* prefix = EtcdLayout::kDefaultPrefix) {
  auto l = EtcdLayout::make(prefix);
  CHECK_TRUE(l.ok());
  return *l;
}

}  // namespace

TEST_GROUP(EtcdLayout){};

TEST(EtcdLayout, KeysUnderThePrefix) {
  EtcdLayout l = layout("/mod_acme/prod");
  STRCMP_EQUAL("/mod_acme/prod/", l.all().c_str());
  STRCMP_EQUAL("/mod_acme/prod/locks/example.org", l.lock("example.org").c_str());
  STRCMP_EQUAL("/mod_acme/prod/store/jobs/example.org/job.json",
               l.store("jobs/example.org/job.json").c_str());
  STRCMP_EQUAL("/mod_acme/prod/challenges/tok-_1", l.challenge("tok-_1").c_str());
  STRCMP_EQUAL("/mod_acme/prod/nodes/web1", l.node("web1").c_str());
}

TEST(EtcdLayout, ComponentsCannotReachAnotherSubtree) {
  EtcdLayout l = layout();
  STRCMP_EQUAL("/mod_acme/locks/..%2Fcerts%2Fx", l.lock("../certs/x").c_str());
  STRCMP_EQUAL("/mod_acme/locks/%", l.lock("").c_str());
  STRCMP_EQUAL("/mod_acme/locks/100%25", l.lock("100%").c_str());
  CHECK_FALSE(l.lock("%") == l.lock(""));  // "%" escapes to "%25"
}

TEST(EtcdLayout, PrefixChecked) {
  CHECK_TRUE(EtcdLayout::make("/a").ok());
  for (const char* bad : {"", "/", "mod_acme", "/mod_acme/", "/a//b"}) {
    auto l = EtcdLayout::make(bad);
    CHECK_FALSE(l.ok());
    CHECK(l.status().message().find("ACMESharedStorePrefix") != std::string::npos);
  }
}

TEST(EtcdLayout, ChallengeAcksAndNodes) {
  EtcdLayout l = layout("/p");
  STRCMP_EQUAL("/p/challenges/", l.challenges().c_str());
  STRCMP_EQUAL("/p/acks/tok/", l.acks("tok").c_str());
  STRCMP_EQUAL("/p/acks/tok/web1", l.ack("tok", "web1").c_str());
  // A token cannot reach into another token's acks, nor a node name up a level.
  STRCMP_EQUAL("/p/acks/a%2Fb/%2F..", l.ack("a/b", "/..").c_str());
}

TEST(EtcdLayout, ComponentDecodeIsTheInverse) {
  for (const char* raw : {"web1", "", "%", "a/b%2F", "100%25/x"}) {
    auto back = etcd_key_component_decode(etcd_key_component(raw));
    CHECK_TRUE(back.ok());
    STRCMP_EQUAL(raw, back->c_str());
  }
  for (const char* bad : {"a%", "%2", "%41", "x%zz"}) {
    auto back = etcd_key_component_decode(bad);
    CHECK_FALSE(back.ok());
    CHECK(back.status().message().find(bad) != std::string::npos);
  }
}
