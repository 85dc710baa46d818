// A generation's shared memory: made on the first start, attached again by
// the next generation with what it holds, the activation counter read.
#include "renew/generation.h"

#include <cstdint>
#include <string>
#include <vector>

#include "base/memory_log_sink.h"
#include "renew/heap_segments.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::Segments;

TEST_GROUP(Generation){};

TEST(Generation, TheNextGenerationAttachesWhatTheFirstMade) {
  Segments segments;
  MemoryLogSink log;
  Generation first;
  CHECK(attach_shared_memory(first, segments.source(), log).ok());
  LONGS_EQUAL(4, segments.made);
  LONGS_EQUAL(1024, first.table.capacity());
  CHECK(first.table.put("a.test", "token", "answer").ok());
  first.signal.request_activation();

  Generation next;
  CHECK(attach_shared_memory(next, segments.source(), log).ok());
  LONGS_EQUAL(4, segments.made);
  std::string value;
  CHECK(next.table.lookup("a.test", "token", &value));
  STRCMP_EQUAL("answer", value.c_str());
  // A request made before this start is promoted by it, not activated again.
  CHECK(next.seen_generation != 0);
  CHECK(next.seen_generation == next.signal.activation_generation());
  CHECK(log.lines.empty());
}

TEST(Generation, ASegmentThatCannotBeMadeStopsTheStart) {
  RegionSource regions = Segments().source();
  regions.existing = [](const char*) -> std::optional<Region> { return std::nullopt; };
  regions.make = [](const char* key, std::size_t) -> Result<Region> {
    return Status(Code::kIo, std::string("creating shared memory (") + key + "): no space");
  };
  Generation g;
  MemoryLogSink log;
  Status status = attach_shared_memory(g, regions, log);
  STRCMP_EQUAL("creating shared memory (mod_acme_challenge_shm): no space",
               status.message().c_str());
}
