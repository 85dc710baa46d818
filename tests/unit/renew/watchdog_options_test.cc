// From the configuration's settings to the watchdog session's options.
#include "renew/watchdog_options.h"

#include <string>
#include <vector>

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(WatchdogOptions){};

TEST(WatchdogOptions, CarriesEverySetting) {
  GlobalSettings g;
  g.store_dir = "/var/acme";
  g.check_interval = Seconds(600);
  g.max_parallel = 7;
  g.http01_reachable = false;
  g.preflight = false;
  g.preflight_server = "127.0.0.1";
  g.preflight_port = 5353;
  g.port_http = 8080;
  g.port_https = 8443;
  g.notify_command = "/bin/notify --quiet";
  g.stapling = false;
  ManagedCert cert;
  cert.name = "a.test";
  WatchdogSession::Options o = watchdog_options(g, {cert});
  LONGS_EQUAL(600, o.renewer.check_interval.count());
  LONGS_EQUAL(7, o.renewer.max_parallel);
  CHECK(!o.renewer.http01_by_default && !o.renewer.preflight && !o.stapling);
  STRCMP_EQUAL("127.0.0.1", o.renewer.preflight_resolver.server.c_str());
  LONGS_EQUAL(5353, o.renewer.preflight_resolver.port);
  LONGS_EQUAL(8080, o.renewer.preflight_http_port);
  LONGS_EQUAL(8443, o.renewer.preflight_tls_port);
  STRCMP_EQUAL("/var/acme/jobs/.watchdog.lock", o.lock_path.c_str());
  STRCMP_EQUAL("/bin/notify --quiet", o.notify_command.c_str());
  LONGS_EQUAL(1, o.certs.size());
  STRCMP_EQUAL("a.test", o.certs[0].name.c_str());
}

TEST(WatchdogOptions, UnsetMaxParallelKeepsTheRenewersDefault) {
  GlobalSettings g;  // ACMEMaxParallel unset: 0
  LONGS_EQUAL(Renewer::Options().max_parallel, watchdog_options(g, {}).renewer.max_parallel);
  CHECK(watchdog_options(g, {}).stapling);  // ACMEStapling's default: on
}
