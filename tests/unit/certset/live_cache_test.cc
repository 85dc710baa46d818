#include "certset/live_cache.h"

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

}  // namespace

TEST_GROUP(LiveCache) {
  std::unique_ptr<Issued> root = std::make_unique<Issued>(
      issue("Test Root", nullptr, "", kNow - 365 * kDay, kNow + 3650 * kDay, 1));
  MemoryStore store;

  std::string leaf_pem(long serial) {
    return issue("a.example", root.get(), "DNS:a.example", kNow - kDay, kNow + 89 * kDay, serial)
        .cert.to_pem();
  }
  // A live set as the parent promotes one: archive/a.example/<seq>/ + the link.
  void go_live(int seq, long serial) {
    const std::string dir = "archive/a.example/" + std::to_string(seq);
    CHECK(store.write(dir + "/cert.pem", leaf_pem(serial)).ok());
    CHECK(store.link("../" + dir, "live/a.example").ok());
  }
  std::string serial(LiveCache & cache) {
    auto info = cache.get("a.example");
    CHECK_TEXT(info.ok(), info.status().message().c_str());
    return info.ok() ? info->serial : "";
  }
};

TEST(LiveCache, ParsesALiveSetOnceWhileItsLinkIsUnchanged) {
  go_live(1, 0x11);
  LiveCache cache(store);
  std::string first = serial(cache);
  for (int i = 0; i < 5; ++i) STRCMP_EQUAL(first.c_str(), serial(cache).c_str());
  LONGS_EQUAL(1, cache.parses());
}

TEST(LiveCache, ReadsANewSetWhenTheLinkMoves) {
  go_live(1, 0x11);
  LiveCache cache(store);
  std::string first = serial(cache);
  go_live(2, 0x22);
  std::string second = serial(cache);
  CHECK(first != second);
  auto direct = read_live(store, "a.example");
  CHECK(direct.ok());
  STRCMP_EQUAL(direct->serial.c_str(), second.c_str());
  LONGS_EQUAL(2, cache.parses());
}

TEST(LiveCache, ALiveDirectoryThatIsNoLinkIsReadEachTime) {
  CHECK(store.write("live/a.example/cert.pem", leaf_pem(0x11)).ok());
  LiveCache cache(store);
  std::string first = serial(cache);
  CHECK(store.write("live/a.example/cert.pem", leaf_pem(0x22)).ok());
  CHECK(first != serial(cache));
  LONGS_EQUAL(2, cache.parses());
}

TEST(LiveCache, NoLiveSetIsAnErrorThatIsNotCached) {
  LiveCache cache(store);
  CHECK_FALSE(cache.get("a.example").ok());
  go_live(1, 0x11);
  auto info = cache.get("a.example");
  CHECK(info.ok());
}
