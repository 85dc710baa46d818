#include "shm/activation_signal.h"

#include <cstdint>
#include <vector>

#include "shm/challenge_table.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

// uint64_t elements give the 8-byte alignment apr_shm gives in httpd.
std::vector<std::uint64_t> signal_memory() {
  return std::vector<std::uint64_t>(ActivationSignal::region_size() / 8 + 1, 0);
}

std::size_t bytes(const std::vector<std::uint64_t>& mem) {
  return mem.size() * 8;
}

}  // namespace

TEST_GROUP(ActivationSignal) {
  std::vector<std::uint64_t> mem = signal_memory();
  ActivationSignal signal = *ActivationSignal::format(mem.data(), bytes(mem));
};

TEST(ActivationSignal, ActivationCounter) {
  LONGS_EQUAL(0, signal.activation_generation());
  signal.request_activation();
  signal.request_activation();
  LONGS_EQUAL(2, signal.activation_generation());
  // Another attachment (another process, or the next generation after a
  // graceful restart) sees the same counter.
  LONGS_EQUAL(2, ActivationSignal::attach(mem.data(), bytes(mem))->activation_generation());
  // A fresh format starts over (a cold start, not a graceful restart).
  signal = *ActivationSignal::format(mem.data(), bytes(mem));
  LONGS_EQUAL(0, signal.activation_generation());
}

TEST(ActivationSignal, DrainWordsOnlyGrow) {
  CHECK_FALSE(signal.marked(ActivationSignal::kDrainPermitted, 0));
  CHECK_FALSE(signal.marked(ActivationSignal::kDrainHalted, 0));
  signal.mark(ActivationSignal::kDrainPermitted, 3);  // a graceful restart ended generation 3
  CHECK(signal.marked(ActivationSignal::kDrainPermitted, 0));
  CHECK(signal.marked(ActivationSignal::kDrainPermitted, 3));
  CHECK_FALSE(signal.marked(ActivationSignal::kDrainPermitted, 4));
  signal.mark(ActivationSignal::kDrainPermitted, 1);  // an older word never lowers it
  CHECK(signal.marked(ActivationSignal::kDrainPermitted, 3));
  signal.mark(ActivationSignal::kDrainHalted, 2);  // a stop while generation 2 ran
  CHECK(signal.marked(ActivationSignal::kDrainHalted, 2));
  CHECK_FALSE(signal.marked(ActivationSignal::kDrainHalted, 3));
  // Seen through another attachment (another process).
  CHECK(ActivationSignal::attach(mem.data(), bytes(mem))
            ->marked(ActivationSignal::kDrainPermitted, 3));
  CHECK(
      ActivationSignal::attach(mem.data(), bytes(mem))->marked(ActivationSignal::kDrainHalted, 1));
  CHECK_FALSE(signal.marked(ActivationSignal::kWatchdogWaiting, 4));
  signal.mark(ActivationSignal::kWatchdogWaiting, 3);  // generation 3's own: no successor
  CHECK_FALSE(signal.marked(ActivationSignal::kWatchdogWaiting, 4));
  signal.mark(ActivationSignal::kWatchdogWaiting, 4);
  CHECK(signal.marked(ActivationSignal::kWatchdogWaiting, 4));
  CHECK_FALSE(signal.marked(ActivationSignal::kWatchdogWaiting, 5));
  CHECK_FALSE(signal.marked(ActivationSignal::kWorkOnPermitted, 3));
  signal.mark(ActivationSignal::kWorkOnPermitted, 3);
  CHECK(signal.marked(ActivationSignal::kWorkOnPermitted, 3));
  CHECK_FALSE(signal.marked(ActivationSignal::kWorkOnPermitted, 4));
}

TEST(ActivationSignal, AttachRejectsOtherRegionsAndShortMemory) {
  CHECK_FALSE(ActivationSignal::attach(mem.data(), 8).ok());
  CHECK_FALSE(ActivationSignal::attach(nullptr, bytes(mem)).ok());
  CHECK_FALSE(ActivationSignal::format(mem.data(), ActivationSignal::region_size() - 1).ok());
  // A challenge table's region is not an activation signal (other magic).
  std::vector<std::uint64_t> table(ChallengeTable::region_size(1) / 8 + 1, 0);
  CHECK(ChallengeTable::format(table.data(), bytes(table), 1).ok());
  CHECK_FALSE(ActivationSignal::attach(table.data(), bytes(table)).ok());
}

// A cluster node's readiness: a generation's children report it once their
// own watchdog serves the cluster's answers, until a restart of theirs is
// announced; the next generation's wait for their own watchdog.
TEST(ActivationSignal, AnsweringHoldsForTheMarkedGenerationUntilItsRestartIsAnnounced) {
  CHECK_FALSE(signal.answering(0));
  signal.mark(ActivationSignal::kAnswering, 0);
  CHECK(signal.answering(0));
  CHECK_FALSE(signal.answering(1));
  signal.mark(ActivationSignal::kRestartAnnounced, 0);
  CHECK_FALSE(signal.answering(0));
  signal.mark(ActivationSignal::kAnswering, 1);
  CHECK(signal.answering(1));
  CHECK_FALSE(signal.answering(2));
}

// The answering watchdog's beat: its children say ready for the CA only
// while it beat within the last 3 s, so a watchdog that died takes the node
// out of the balancer's CA backend (the mark itself stays).
TEST(ActivationSignal, ReadyForTheCaOnlyWhileTheWatchdogBeats) {
  signal.mark(ActivationSignal::kAnswering, 0);
  CHECK_FALSE(signal.beating(5000));  // no beat yet: a fresh region
  CHECK_FALSE(signal.ready_for_ca(0, 5000));
  signal.beat(5000);
  CHECK(signal.ready_for_ca(0, 5000));
  CHECK(signal.ready_for_ca(0, 5000 + ActivationSignal::kBeatStaleMs - 1));
  CHECK_FALSE(signal.ready_for_ca(0, 5000 + ActivationSignal::kBeatStaleMs));
  CHECK(signal.answering(0));  // the mark stays
  // Seen through another attachment (a child process).
  CHECK(ActivationSignal::attach(mem.data(), bytes(mem))->beating(6000));
  signal.beat(9000);  // the next watchdog beats again
  CHECK(signal.ready_for_ca(0, 9000));
  CHECK_FALSE(signal.ready_for_ca(1, 9000));  // its generation's own watchdog first
  CHECK(ActivationSignal::steady_ms() > 0);
}
