// post_config's steps for one generation, without httpd: what each server's
// record hands mod_ssl in the dry run and in the real pass, when the
// watchdog is wanted, and the errors that stop the server from starting.
#include "renew/generation_start.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "base/memory_log_sink.h"
#include "renew/heap_segments.h"
#include "store/store_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

VhostDirectives server(std::vector<std::string> domains) {
  VhostDirectives v;
  v.domains = std::move(domains);
  return v;
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// The main server without names, then a.test's and b.test's vhosts.
struct Start {
  TempStoreDir dir;
  Segments segments;
  MemoryLogSink log;
  Generation g;
  StartupInputs in;

  Start() {
    in.settings.store_dir = dir.root;
    in.vhosts = {server({}), server({"a.test", "www.a.test"}), server({"b.test"})};
    in.regions = segments.source();
    in.child = ChildUser{geteuid(), getegid()};
    in.servers = {{"main.test", false}, {"a.test", false}, {"b.test", false}};
  }
  Startup run() { return start_generation(g, in, log); }
};

}  // namespace

TEST_GROUP(GenerationStart){};

TEST(GenerationStart, NoNamesAttachesTheSharedMemoryAndHandsNothing) {
  Start s;
  s.in.vhosts = {server({})};
  s.in.servers = {{"main.test", false}};
  Startup started = s.run();
  CHECK(started.ok);
  CHECK(!started.start_watchdog);
  LONGS_EQUAL(1, started.handed.size());
  CHECK(started.handed[0].cert_files.empty() && started.handed[0].fallback_cert_file.empty());
  LONGS_EQUAL(4, s.segments.made);
  CHECK(!exists(s.dir.root + "/fallback"));
}

TEST(GenerationStart, TheRealPassHandsEachSetToTheServerItNamesAndWantsTheWatchdog) {
  Start s;
  Startup started = s.run();
  CHECK(started.ok);
  CHECK(started.start_watchdog);
  LONGS_EQUAL(2, s.g.certs.size());
  LONGS_EQUAL(3, started.handed.size());
  CHECK(started.handed[0].fallback_cert_file.empty());
  STRCMP_EQUAL((s.dir.root + "/fallback/a.test/cert.pem").c_str(),
               started.handed[1].fallback_cert_file.c_str());
  STRCMP_EQUAL((s.dir.root + "/fallback/b.test/cert.pem").c_str(),
               started.handed[2].fallback_cert_file.c_str());
  CHECK(started.handed[1].on_fallback);
  CHECK(exists(s.dir.root + "/fallback/a.test/privkey.pem"));
}

TEST(GenerationStart, TheDryRunHandsThePlaceholderWritesNothingAndStartsNothing) {
  Start s;
  int asked = 0;
  s.in.dry_run_placeholder = [&asked] {
    ++asked;
    return std::string("/proc/self/fd/42");
  };
  Startup started = s.run();
  CHECK(started.ok);
  CHECK(!started.start_watchdog);
  LONGS_EQUAL(1, asked);
  STRCMP_EQUAL("/proc/self/fd/42", started.handed[1].fallback_cert_file.c_str());
  STRCMP_EQUAL("/proc/self/fd/42", started.handed[2].fallback_key_file.c_str());
  CHECK(!exists(s.dir.root + "/fallback"));
}

TEST(GenerationStart, ADryRunWithoutAPlaceholderRunsAsTheRealPass) {
  Start s;
  s.in.dry_run_placeholder = [] { return std::string(); };
  Startup started = s.run();
  CHECK(started.ok);
  CHECK(started.start_watchdog);
  CHECK(exists(s.dir.root + "/fallback/a.test/cert.pem"));
}

TEST(GenerationStart, AStoreThatCannotBePreparedStopsTheStartNamingACMEStoreDir) {
  Start s;
  s.in.settings.store_dir = s.dir.root + "/file";
  put(s.in.settings.store_dir, "not a directory");
  Startup started = s.run();
  CHECK(!started.ok);
  CHECK(s.log.contains("ACMEStoreDir " + s.dir.root + "/file: "));
}

TEST(GenerationStart, SharedMemoryThatCannotBeMadeStopsTheStart) {
  Start s;
  s.in.regions.make = [](const char* key, std::size_t) -> Result<Region> {
    return Status(Code::kIo, std::string("creating shared memory (") + key + "): no space");
  };
  Startup started = s.run();
  CHECK(!started.ok);
  CHECK(s.log.contains("creating shared memory (mod_acme_challenge_shm): no space"));
}

TEST(GenerationStart, TlsAlpnIsWantedForTheNamesOfServersThatAllowIt) {
  Start s;
  s.in.vhosts[2].where = "httpd.conf:20";
  s.in.vhosts[2].challenges = {"tls-alpn-01"};
  s.in.servers = {{"main.test", true}, {"a.test", true}, {"b.test", false}};
  s.in.dry_run_placeholder = [] { return std::string("/proc/self/fd/42"); };
  CHECK(s.run().ok);
  CHECK(s.g.tls_alpn_wanted);
  CHECK(s.g.tls_alpn_names == std::vector<std::string>({"a.test", "www.a.test"}));
  // b.test asks for tls-alpn-01 without allowing acme-tls/1: named in the warning.
  CHECK(s.log.contains("virtual host b.test (httpd.conf:20) lists tls-alpn-01"));
}
