// run_guarded: no exception passes; each becomes the fallback and a logged
// "internal error" line.
#include "base/guard.h"

#include <stdexcept>

#include "base/memory_log_sink.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(Guard) {
  MemoryLogSink log;
};

TEST(Guard, TheBodysResultWhenItReturns) {
  LONGS_EQUAL(7, run_guarded(log, -1, [] { return 7; }));
  CHECK(log.lines.empty());
}

TEST(Guard, AnExceptionBecomesTheFallbackAndALogLine) {
  LONGS_EQUAL(-1, run_guarded(log, -1, []() -> int { throw std::runtime_error("boom"); }));
  LONGS_EQUAL(1u, log.lines.size());
  LONGS_EQUAL(kMsgGeneric, log.lines[0].msgno);
  CHECK(log.lines[0].level == LogLevel::kError);
  STRCMP_EQUAL("internal error: boom", log.lines[0].message.c_str());
}

TEST(Guard, AnythingThrownIsCaught) {
  LONGS_EQUAL(-1, run_guarded(log, -1, []() -> int { throw 42; }));
  STRCMP_EQUAL("internal error (unknown exception)", log.lines.at(0).message.c_str());
}
