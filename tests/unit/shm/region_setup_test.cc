// A table's region at startup: the previous generation's is kept when it
// still attaches (what it holds survives a graceful restart), replaced with
// a warning when it does not, and made fresh when there is none.
#include "shm/region_setup.h"

#include <cstdint>
#include <string>
#include <vector>

#include "base/memory_log_sink.h"
#include "shm/challenge_table.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

// uint64_t elements give the 8-byte alignment apr_shm gives in httpd.
struct Memory {
  std::vector<std::uint64_t> words =
      std::vector<std::uint64_t>(ChallengeTable::region_size(4) / 8 + 1);
  int made = 0;
  Region region() { return Region{words.data(), words.size() * 8}; }
  MakeRegion maker() {
    return [this](std::size_t size) -> Result<Region> {
      ++made;
      if (size > words.size() * 8) return Status(Code::kIo, "too big");
      return region();
    };
  }
};

}  // namespace

TEST_GROUP(RegionSetup){};

TEST(RegionSetup, NoneYetIsFormattedInAFreshRegion) {
  Memory mem;
  MemoryLogSink log;
  auto table = attach_or_format<ChallengeTable>(std::nullopt, mem.maker(), log, std::size_t{4});
  CHECK(table.ok());
  LONGS_EQUAL(1, mem.made);
  LONGS_EQUAL(4, table->capacity());
  CHECK(log.lines.empty());
}

TEST(RegionSetup, ThePreviousRegionKeepsWhatItHolds) {
  Memory old;
  MemoryLogSink log;
  auto first = attach_or_format<ChallengeTable>(std::nullopt, old.maker(), log, std::size_t{4});
  CHECK(first->put("a.test", "token", "answer").ok());
  Memory unused;
  auto again = attach_or_format<ChallengeTable>(old.region(), unused.maker(), log, std::size_t{4});
  CHECK(again.ok());
  LONGS_EQUAL(0, unused.made);
  std::string value;
  CHECK(again->lookup("a.test", "token", &value));
  STRCMP_EQUAL("answer", value.c_str());
  CHECK(log.lines.empty());
}

TEST(RegionSetup, ARegionThatNoLongerAttachesIsReplacedWithAWarning) {
  std::vector<std::uint64_t> scribbled(64, 0xdeadbeef);
  Memory fresh;
  MemoryLogSink log;
  auto table = attach_or_format<ChallengeTable>(Region{scribbled.data(), scribbled.size() * 8},
                                                fresh.maker(), log, std::size_t{4});
  CHECK(table.ok());
  LONGS_EQUAL(1, fresh.made);
  LONGS_EQUAL(1, log.lines.size());
  LONGS_EQUAL(kMsgConfig, log.lines[0].msgno);
  CHECK(log.contains(": a fresh region replaces it for this generation"));
}

TEST(RegionSetup, ARegionThatCannotBeMadeIsAnError) {
  Memory small;
  MemoryLogSink log;
  auto table = attach_or_format<ChallengeTable>(std::nullopt, small.maker(), log, std::size_t{8});
  CHECK(!table.ok());
  STRCMP_EQUAL("too big", table.status().message().c_str());
}
