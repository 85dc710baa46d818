#include "staple/leaf_index.h"

#include <memory>
#include <string>

#include "crypto/crypto_test_util.h"
#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z
const auto kDay = std::chrono::hours(24);
constexpr const char* kAia = "OCSP;URI:http://ocsp.test.example/";

}  // namespace

TEST_GROUP(LeafIndex) {
  std::unique_ptr<Issued> root = std::make_unique<Issued>(
      issue("Test Root", nullptr, "", kNow - 365 * kDay, kNow + 3650 * kDay, 1));
  MemoryStore store;

  Certificate leaf(const std::string& name, long serial, const char* aia) {
    std::vector<std::pair<int, std::string>> ext = {{NID_subject_alt_name, "DNS:" + name}};
    if (aia) ext.emplace_back(NID_info_access, aia);
    return std::move(
        issue_with_extensions(name, root.get(), kNow - kDay, kNow + 89 * kDay, serial, ext).cert);
  }
  // A live set as the parent promotes one: archive/<name>/1/ + the link.
  void go_live(const std::string& name, const Certificate& cert) {
    const std::string dir = "archive/" + name + "/1";
    CHECK(store.write(dir + "/cert.pem", cert.to_pem()).ok());
    CHECK(store.link("../" + dir, "live/" + name).ok());
  }
  // What mod_ssl hands the prime hook: the leaf's PEM, then its issuer's.
  std::string primed(const Certificate& cert) {
    return cert.to_pem() + root->cert.to_pem();
  }
};

TEST(LeafIndex, FindsTheLiveLeafMod_sslPrimesWithItsSerialAndResponder) {
  Certificate a = leaf("a.example", 0x1A, kAia);
  Certificate b = leaf("b.example", 0x2B, nullptr);
  go_live("a.example", a);
  go_live("b.example", b);
  LeafIndex index;
  for (const char* name : {"a.example", "b.example", "c.example"}) index.add(store, name);
  LONGS_EQUAL(2, index.size());
  const LiveLeaf* found = index.find(primed(a));
  CHECK(found != nullptr);
  STRCMP_EQUAL("a.example", found->name.c_str());
  STRCMP_EQUAL("1A", found->serial.c_str());
  STRCMP_EQUAL("http://ocsp.test.example/", found->responder.c_str());
  found = index.find(primed(b));
  CHECK(found != nullptr);
  STRCMP_EQUAL("b.example", found->name.c_str());
  STRCMP_EQUAL("", found->responder.c_str());
}

TEST(LeafIndex, OtherCertificatesAndGarbageAreNotFound) {
  go_live("a.example", leaf("a.example", 0x1A, kAia));
  LeafIndex index;
  index.add(store, "a.example");
  // Same name and serial, another key: not the live leaf.
  POINTERS_EQUAL(nullptr, index.find(primed(leaf("a.example", 0x1A, kAia))));
  POINTERS_EQUAL(nullptr, index.find(root->cert.to_pem()));
  POINTERS_EQUAL(nullptr, index.find("not a certificate"));
}

// The shortcut: a prime costs no certificate parse. 1,000 names primed
// with leaf and issuer parsed 2,000 certificates per pass before.
TEST(LeafIndex, ParsesEachLiveLeafOnceAndNoPrimedOne) {
  Certificate a = leaf("a.example", 0x1A, kAia);
  go_live("a.example", a);
  LeafIndex index;
  index.add(store, "a.example");
  for (int i = 0; i < 10; ++i) CHECK(index.find(primed(a)) != nullptr);
  LONGS_EQUAL(1, index.parses());
}
