// WatchdogRun: the watchdog child's objects over a generation, its ticks
// and drain held in the child's TickGate. A real store in a temp dir, no
// managed certificates (no CA is asked), tables over heap buffers.
#include "renew/watchdog_run.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/memory_log_sink.h"
#include "store/layout.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

template <class Table, class... Slots>
Table over(std::vector<std::uint64_t>& memory, Slots... slots) {
  memory.resize(Table::region_size(slots...) / 8 + 1);
  return *Table::format(memory.data(), memory.size() * 8, slots...);
}

}  // namespace

TEST_GROUP(WatchdogRun) {
  std::vector<std::uint64_t> memory[4];
  Generation g;
  std::string dir;
  MemoryLogSink* log = new MemoryLogSink;  // owned by the run
  std::unique_ptr<WatchdogRun> run;
  TickGate gate;

  void setup() override {
    char tmpl[] = "/tmp/watchdog_run_test.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    std::filesystem::create_directory(dir + "/jobs");  // as prepare_store makes it
    g.settings.store_dir = dir;
    g.table = over<ChallengeTable>(memory[0], std::size_t{4});
    g.ocsp_table = over<OcspTable>(memory[1], std::size_t{4});
    g.alpn_table = over<AlpnCertTable>(memory[2], std::size_t{4});
    g.signal = over<ActivationSignal>(memory[3]);
    g.parent_pid = getppid();
    run = std::make_unique<WatchdogRun>(g, std::unique_ptr<LogSink>(log), Millis(100),
                                        [] { return false; });
    gate.started();
  }
  void teardown() override {
    run.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

TEST(WatchdogRun, TicksUntilTheProcessExits) {
  int ticks = 0;
  auto next = [&](std::chrono::microseconds wait) {
    ++ticks;
    CHECK(wait.count() > 0);
  };
  run->tick(gate, next);
  run->tick(gate, next);
  LONGS_EQUAL(2, ticks);
  CHECK(std::filesystem::exists(dir + "/" + layout::kWatchdogLockFile));  // it holds the store
  gate.stopped();
  gate.exit_wait(std::chrono::milliseconds(0));
  run->tick(gate, next);  // the exit began: no tick starts
  LONGS_EQUAL(2, ticks);
}

TEST(WatchdogRun, ADrainWithNothingInFlightReturns) {
  run->tick(gate, [](std::chrono::microseconds) {});
  run->drain(gate);
  gate.stopped();
  gate.exit_wait(std::chrono::milliseconds(0));
}
