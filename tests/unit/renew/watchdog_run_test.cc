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

// A generation over a temp store and heap tables, as post_config makes one.
struct TestGeneration {
  std::vector<std::uint64_t> memory[4];
  Generation g;
  std::string dir;

  TestGeneration() {
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
  }
  ~TestGeneration() {
    delete g.watchdog;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

TEST_GROUP(WatchdogRun) {
  TestGeneration* t = nullptr;
  std::string dir;
  std::unique_ptr<WatchdogRun> run;
  TickGate gate;

  void setup() override {
    t = new TestGeneration;
    dir = t->dir;
    run = std::make_unique<WatchdogRun>(t->g, std::make_unique<MemoryLogSink>(), Millis(100),
                                        [] { return false; });
    gate.started();
  }
  void teardown() override {
    run.reset();
    delete t;
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

TEST_GROUP(WatchdogCallbacks) {
  TestGeneration* t = nullptr;
  TickGate gate;

  void setup() override {
    t = new TestGeneration;
  }
  void teardown() override {
    delete t;
  }
};

TEST(WatchdogCallbacks, StartingTicksStopping) {
  int ticks = 0;
  auto next = [&](std::chrono::microseconds) { ++ticks; };
  Generation& g = t->g;
  watchdog_tick(g, gate, next);  // before STARTING: nothing to tick
  LONGS_EQUAL(0, ticks);
  watchdog_start(g, gate, std::make_unique<MemoryLogSink>(), Millis(100), [] { return false; });
  CHECK(g.watchdog != nullptr);
  watchdog_tick(g, gate, next);
  LONGS_EQUAL(1, ticks);
  watchdog_stop(g, gate);
  CHECK(g.watchdog == nullptr);
  watchdog_tick(g, gate, next);
  LONGS_EQUAL(1, ticks);
  // The watchdog stopped: a child's exit has nothing to wait for.
  const auto begin = std::chrono::steady_clock::now();
  gate.exit_wait(std::chrono::milliseconds(5000));
  CHECK(std::chrono::steady_clock::now() - begin < std::chrono::milliseconds(4000));
}
