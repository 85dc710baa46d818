// Issue 8: a watchdog tick with nothing due reads no live set (before, every
// tick parsed each live certificate twice: the OCSP refresher and the
// status record).
#include <memory>
#include <string>
#include <vector>

#include "crypto/crypto_test_util.h"
#include "fakes/fake_http_client.h"
#include "renew/renew_test_util.h"
#include "renew/renewer.h"
#include "staple/ocsp_refresher.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

// The harness's store, counting what is read under live/.
class CountingStore : public MemoryStore {
 public:
  Result<std::string> read(const std::string& path) const override {
    if (path.compare(0, 5, "live/") == 0) ++live_reads;
    if (path == "live/a.example/cert.pem") ++cert_reads;
    return MemoryStore::read(path);
  }
  mutable int live_reads = 0;
  mutable int cert_reads = 0;  // the leaf, which renewal information is asked about
};

}  // namespace

TEST_GROUP(RenewerTick) {
  RenewHarness h;
  CountingStore store;
  std::vector<std::uint64_t> ocsp_memory =
      std::vector<std::uint64_t>(OcspTable::region_size(4) / 8 + 1, 0);
  OcspTable ocsp_table = *OcspTable::format(ocsp_memory.data(), ocsp_memory.size() * 8, 4);
  std::unique_ptr<OcspRefresher> ocsp;
  std::unique_ptr<Renewer> renewer;

  void setup() override {
    Renewer::Options options;
    options.request_poll = Seconds(1);  // a tick every second, as the watchdog's
    Issued root = issue("Root", nullptr, "", kStart - 400 * kDay, kStart + 400 * kDay, 1);
    Issued leaf = issue("a.example", &root, "DNS:a.example,DNS:www.a.example", kStart - kDay,
                        kStart + 89 * kDay, 7);
    const std::string dir = "archive/a.example/1/";
    CHECK(store.write(dir + "cert.pem", leaf.cert.to_pem()).ok());
    CHECK(store.write(dir + "fullchain.pem", leaf.cert.to_pem() + root.cert.to_pem()).ok());
    CHECK(store.link("../archive/a.example/1", "live/a.example").ok());
    ocsp = std::make_unique<OcspRefresher>(store, ocsp_table, h.clock, h.log,
                                           std::make_unique<FakeHttpClient>());
    renewer = std::make_unique<Renewer>(
        store, h.table, h.activation, h.clock, h.log,
        [this](const CaSettings&) { return h.ca.client(); }, [] { return 0.5; }, options);
    renewer->set_ocsp(ocsp.get());
    renewer->set_certs({h.cert});
    renewer->start();
  }
};

TEST(RenewerTick, TicksWithNothingDueReadNoLiveSet) {
  renewer->run_once();  // the first look: due check, OCSP (no responder named)
  CHECK(store.live_reads > 0);
  store.live_reads = 0;
  for (int i = 0; i < 10; ++i) {
    h.clock.advance(Seconds(1));
    renewer->run_once();
  }
  LONGS_EQUAL(0, store.live_reads);
  LONGS_EQUAL(0, h.ca.requests_seen());
}

// due() asks whether renewal information is to be polled, then decides:
// both need the live leaf's certID, read and parsed once for the two (it
// was once each: three reads with the live set's own).
TEST(RenewerTick, ADueCheckReadsTheLiveLeafOnceForRenewalInformation) {
  renewer->run_once();
  LONGS_EQUAL(2, store.cert_reads);  // the live set (renew/live_cache.h), the certID
}
