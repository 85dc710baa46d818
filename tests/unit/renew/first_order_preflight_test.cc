#include "renew/first_order_preflight.h"

#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "fakes/fake_dns_resolver.h"
#include "store/memory_store.h"

#include <CppUTest/TestHarness.h>  // last: it redefines new

using namespace acme;

namespace {

const TimePoint kStart = TimePoint(std::chrono::seconds(1'800'000'000));

// Reaches no address; each probe costs `cost` on the fake clock.
class SlowProber : public Prober {
 public:
  SlowProber(FakeClock& clock, Millis cost, int* probes)
      : clock_(clock), cost_(cost), probes_(probes) {}
  Status probe(const std::string&, int, bool, const std::string&) override {
    ++*probes_;
    clock_.advance(cost_);
    return Status(Code::kNetwork, "Connection refused");
  }
  std::string url(const std::string& name, int, bool) const override { return "http://" + name; }

 private:
  FakeClock& clock_;
  Millis cost_;
  int* probes_;
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
  int probes = 0;
  int resolvers = 0;
  Millis probe_cost{100};

  void setup() override {
    table = *ChallengeTable::format(memory.data(), memory.size() * 8, 8);
    publisher = std::make_unique<ProbePublisher>(store, table, log);
  }

  FirstOrderPreflight make() {
    return FirstOrderPreflight(
        *publisher, clock, log, FirstOrderPreflight::Options{},
        [this]() -> Result<std::unique_ptr<DnsResolver>> {
          ++resolvers;
          auto fake = std::make_unique<FakeDnsResolver>();
          fake->add("a.example", kDnsTypeA, std::string("\xc6\x33\x64\x07", 4));
          fake->add("b.example", kDnsTypeA, std::string("\xc6\x33\x64\x08", 4));
          dns = fake.get();
          return std::unique_ptr<DnsResolver>(std::move(fake));
        },
        [this](const std::vector<Probe>&) {
          return std::make_unique<SlowProber>(clock, probe_cost, &probes);
        });
  }
};

TEST(FirstOrderPreflight, WarnsWithTheFixOncePerName) {
  FirstOrderPreflight p = make();
  p.check(cert({"a.example"}), clock.now());
  LONGS_EQUAL(1, probes);
  bool warned = false;
  for (const auto& l : log.lines)
    warned = warned || (l.level == LogLevel::kWarn && l.msgno == kMsgPreflight &&
                        l.message.find("198.51.100.7") != std::string::npos &&
                        l.message.find("FIX: ") != std::string::npos);
  CHECK(warned);
  p.check(cert({"a.example"}), clock.now());  // checked already
  LONGS_EQUAL(1, probes);
  LONGS_EQUAL(1, resolvers);
  LONGS_EQUAL(0, table.used());  // the probe was withdrawn
}

TEST(FirstOrderPreflight, AWildcardWithoutDns01Warns) {
  FirstOrderPreflight p = make();
  p.check(cert({"*.a.example"}), clock.now());
  LONGS_EQUAL(0, probes);
  CHECK(log.contains("is a wildcard name"));
}

TEST(FirstOrderPreflight, StopsAtTheTickBudget) {
  probe_cost = FirstOrderPreflight::kTickBudget;  // the first probe spends it all
  FirstOrderPreflight p = make();
  TimePoint tick = clock.now();
  p.check(cert({"a.example", "b.example"}), tick);
  LONGS_EQUAL(1, probes);  // b.example was not probed
  CHECK(log.contains("this tick's time for checks is spent"));
  p.check(cert({"c.example"}), tick);  // a later certificate in the same tick
  LONGS_EQUAL(1, resolvers);
  CHECK(log.contains("preflight of c.example skipped"));
}
