// TickGate: an exiting child waits for the running tick, starts none after,
// and never waits for itself.
#include "renew/tick_gate.h"

#include <atomic>
#include <thread>

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {
using Steady = std::chrono::steady_clock;
}

TEST_GROUP(TickGate){};

TEST(TickGate, TicksRunUntilTheExit) {
  TickGate gate;
  {
    TickGate::Tick tick(gate);
    CHECK(tick.may_run());
  }
  gate.exit_wait(std::chrono::milliseconds(1000));  // nothing running: returns at once
  TickGate::Tick after(gate);
  CHECK_FALSE(after.may_run());
}

TEST(TickGate, TheExitWaitsForTheRunningTick) {
  TickGate gate;
  std::atomic<bool> in_tick{false};
  std::atomic<bool> tick_over{false};
  std::thread watchdog([&] {
    TickGate::Tick tick(gate);
    in_tick = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    tick_over = true;
  });
  while (!in_tick) std::this_thread::yield();
  gate.exit_wait(std::chrono::milliseconds(5000));
  CHECK(tick_over.load());
  watchdog.join();
}

// STOPPING may drain for seconds: the exit waits for it too.
TEST(TickGate, TheExitWaitsForTheWatchdogsStop) {
  TickGate gate;
  std::atomic<bool> started{false};
  std::atomic<bool> stopped{false};
  std::thread watchdog([&] {
    gate.started();
    started = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stopped = true;
    gate.stopped();
  });
  while (!started) std::this_thread::yield();
  gate.exit_wait(std::chrono::milliseconds(5000));
  CHECK(stopped.load());
  watchdog.join();
}

TEST(TickGate, AnExitFromInsideTheTickDoesNotWaitForItself) {
  TickGate gate;
  gate.started();
  TickGate::Tick tick(gate);
  const auto before = Steady::now();
  gate.exit_wait(std::chrono::milliseconds(5000));
  CHECK(Steady::now() - before < std::chrono::milliseconds(1000));
}
