#include "renew/first_order_preflight.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "base/fake_clock.h"
#include "base/memory_log_sink.h"
#include "fakes/fake_dns_resolver.h"
#include "store/memory_store.h"

#include <CppUTest/TestHarness.h>  // last: it redefines new
// After TestHarness.h, which it depends on.
#include <CppUTest/MemoryLeakWarningPlugin.h>

using namespace acme;

namespace {

const TimePoint kStart = TimePoint(std::chrono::seconds(1'800'000'000));

// Reaches no address.
class RefusedProber : public Prober {
 public:
  explicit RefusedProber(std::atomic<int>* probes) : probes_(probes) {}
  Status probe(const std::string&, int, bool, const std::string&) override {
    ++*probes_;
    return Status(Code::kNetwork, "Connection refused");
  }
  std::string url(const std::string& name, int, bool) const override { return "http://" + name; }

 private:
  std::atomic<int>* probes_;
};

// A latch the test opens; a wait on it gives up after kLatchLimit (then
// `gave_up` is set), so a test of the synchronous code fails, not hangs.
constexpr std::chrono::seconds kLatchLimit{5};
struct Latch {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  bool gave_up = false;
  int waits = 0;
  void wait() {
    std::unique_lock<std::mutex> lock(mutex);
    ++waits;
    if (!cv.wait_for(lock, kLatchLimit, [this] { return open; })) gave_up = true;
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      open = true;
    }
    cv.notify_all();
  }
  bool blocked_then_gave_up() {
    std::lock_guard<std::mutex> lock(mutex);
    return gave_up;
  }
  int count() {
    std::lock_guard<std::mutex> lock(mutex);
    return waits;
  }
};

// Each question first waits on the latch, then asks the inner fake.
class LatchedResolver : public DnsResolver {
 public:
  LatchedResolver(Latch& latch, std::unique_ptr<DnsResolver> inner)
      : latch_(latch), inner_(std::move(inner)) {}
  Result<DnsAnswer> query(const std::string& name, int type) override {
    latch_.wait();
    return inner_->query(name, type);
  }

 private:
  Latch& latch_;
  std::unique_ptr<DnsResolver> inner_;
};

ManagedCert cert(std::vector<std::string> names) {
  ManagedCert c;
  c.name = names.front();
  c.names = names;
  c.ca.directory_url = "https://ca.test/dir";
  return c;
}

}  // namespace

TEST_GROUP(FirstOrderPreflight) {
  std::vector<std::uint64_t> memory =
      std::vector<std::uint64_t>(ChallengeTable::region_size(8) / 8 + 1, 0);
  ChallengeTable table;
  MemoryStore store;
  MemoryLogSink log;
  FakeClock clock{kStart};
  std::unique_ptr<ProbePublisher> publisher;
  FakeDnsResolver* dns = nullptr;  // owned by the last resolver handed out
  std::atomic<int> probes{0};      // counted on the worker thread
  std::atomic<int> resolvers{0};
  Latch* latch = nullptr;  // set: each question waits on it

  // The worker thread allocates while the test runs: CppUTest's leak
  // detector must use its locked new/delete (as ChallengeTableConcurrency).
  void setup() override {
    MemoryLeakWarningPlugin::turnOnThreadSafeNewDeleteOverloads();
    table = *ChallengeTable::format(memory.data(), memory.size() * 8, 8);
    publisher = std::make_unique<ProbePublisher>(store, table, log);
  }
  void teardown() override {
    MemoryLeakWarningPlugin::turnOnDefaultNotThreadSafeNewDeleteOverloads();
  }

  std::unique_ptr<FirstOrderPreflight> make() {
    return std::make_unique<FirstOrderPreflight>(
        *publisher, clock, log, FirstOrderPreflight::Options{},
        [this]() -> Result<std::unique_ptr<DnsResolver>> {
          ++resolvers;
          auto fake = std::make_unique<FakeDnsResolver>();
          fake->add("a.example", kDnsTypeA, std::string("\xc6\x33\x64\x07", 4));
          fake->add("b.example", kDnsTypeA, std::string("\xc6\x33\x64\x08", 4));
          dns = fake.get();
          if (!latch) return std::unique_ptr<DnsResolver>(std::move(fake));
          return std::unique_ptr<DnsResolver>(
              std::make_unique<LatchedResolver>(*latch, std::move(fake)));
        },
        [this](const std::vector<Probe>&) { return std::make_unique<RefusedProber>(&probes); });
  }
};

bool warned_about(const MemoryLogSink& log, const std::string& text) {
  for (const auto& l : log.lines)
    if (l.level == LogLevel::kWarn && l.msgno == kMsgPreflight &&
        l.message.find(text) != std::string::npos && l.message.find("FIX: ") != std::string::npos)
      return true;
  return false;
}

TEST(FirstOrderPreflight, WarnsWithTheFixOncePerName) {
  auto p = make();
  p->check(cert({"a.example"}));
  p->wait_until_idle();
  CHECK_FALSE(p->poll());  // nothing more to come
  LONGS_EQUAL(1, probes.load());
  CHECK(warned_about(log, "198.51.100.7"));
  p->check(cert({"a.example"}));  // checked already
  p->wait_until_idle();
  p->poll();
  LONGS_EQUAL(1, probes.load());
  LONGS_EQUAL(1, resolvers.load());
  LONGS_EQUAL(0, table.used());  // the probe was withdrawn
}

TEST(FirstOrderPreflight, AWildcardWithoutDns01Warns) {
  auto p = make();
  p->check(cert({"*.a.example"}));
  p->wait_until_idle();
  p->poll();
  LONGS_EQUAL(0, probes.load());
  CHECK(log.contains("is a wildcard name"));
}

// Issue 7 item 5: the watchdog's tick never waits for DNS. The synchronous
// check waited for the latch until it gave up.
TEST(FirstOrderPreflight, CheckReturnsWhileTheResolverIsBlocked) {
  Latch blocked;
  latch = &blocked;
  auto p = make();
  p->check(cert({"a.example", "b.example"}));
  CHECK_FALSE(blocked.blocked_then_gave_up());
  LONGS_EQUAL(2, table.used());  // both probes published by check(), on this thread
  CHECK(p->poll());              // still running: nothing logged yet
  CHECK_FALSE(log.contains("198.51.100"));
  blocked.release();
  p->wait_until_idle();
  CHECK_FALSE(p->poll());
  CHECK(warned_about(log, "198.51.100.7"));
  CHECK(warned_about(log, "198.51.100.8"));
  LONGS_EQUAL(0, table.used());  // withdrawn by poll()
  CHECK_FALSE(blocked.blocked_then_gave_up());
}

// The destructor stops the worker between questions: of the several
// questions a name takes (A, AAAA, CAA), only the one under way is asked.
TEST(FirstOrderPreflight, TheDestructorStopsBetweenQuestions) {
  Latch blocked;
  latch = &blocked;
  auto p = make();
  p->check(cert({"a.example"}));
  while (blocked.count() == 0) std::this_thread::yield();  // the first question waits
  // Opens the latch once the destructor has asked the worker to stop
  // (wait_until_idle returns then), so the next question sees the flag.
  std::thread opener([&blocked, raw = p.get()] {
    raw->wait_until_idle();
    blocked.release();
  });
  p.reset();  // joins the worker
  opener.join();
  LONGS_EQUAL(1, blocked.count());
  LONGS_EQUAL(0, table.used());  // the destructor withdrew the probe
}

// The probes wait in the challenge table's slots, which the orders need: a
// hundred first orders at once put kHandedMax certificates' probes there,
// not a hundred.
TEST(FirstOrderPreflight, ABacklogHoldsNoTableSlots) {
  Latch blocked;
  latch = &blocked;
  auto p = make();
  for (int i = 0; i < 100; ++i) p->check(cert({"n" + std::to_string(i) + ".example"}));
  LONGS_EQUAL(FirstOrderPreflight::kHandedMax, table.used());
  blocked.release();
  do p->wait_until_idle();
  while (p->poll());
  LONGS_EQUAL(100, resolvers.load());  // every certificate was checked in the end
  LONGS_EQUAL(0, table.used());
}
