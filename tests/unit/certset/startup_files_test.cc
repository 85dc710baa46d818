// The files handed to mod_ssl at startup: the real pass makes what is
// missing and says so; the dry run writes nothing.
#include "certset/startup_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "base/memory_log_sink.h"
#include "store/layout.h"
#include "store/store_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

ManagedCert cert(const std::string& name) {
  ManagedCert c;
  c.name = name;
  c.names = {name};
  return c;
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_GROUP(StartupFiles){};

TEST(StartupFiles, DryRunWritesNothingAndAsksForThePlaceholder) {
  TempStoreDir dir;
  FilePlan plan = plan_dry_run_files(dir.root, {cert("a.test")});
  CHECK(plan.vhosts.at("a.test").placeholder);
  CHECK(plan.vhosts.at("a.test").live.empty());
  CHECK(!exists(dir.root + "/fallback"));
}

TEST(StartupFiles, RealPassMakesTheFallbackAndSaysSo) {
  TempStoreDir dir;
  MemoryLogSink log;
  auto plan = plan_startup_files(dir.root, {cert("a.test")}, HttpdVersion{2, 4, 62},
                                 std::chrono::system_clock::now(), log);
  CHECK(plan.ok());
  STRCMP_EQUAL("a.test", plan->vhosts.at("a.test").fallback.c_str());
  CHECK(!plan->vhosts.at("a.test").placeholder);
  CHECK(exists(dir.root + "/fallback/a.test/cert.pem"));
  CHECK(exists(dir.root + "/fallback/a.test/privkey.pem"));
  CHECK(log.contains("no certificate for a.test yet: serving a self-signed fallback"));
  // Now that it exists, the dry run hands it instead of the placeholder.
  FilePlan dry = plan_dry_run_files(dir.root, {cert("a.test")});
  CHECK(!dry.vhosts.at("a.test").placeholder);
  STRCMP_EQUAL("a.test", dry.vhosts.at("a.test").fallback.c_str());
}

TEST(StartupFiles, RealPassPreparesTheStoreFirst) {
  TempStoreDir dir;
  MemoryLogSink log;
  auto plan = plan_real_pass(dir.root, ChildUser{geteuid(), getegid()}, {cert("a.test")},
                             HttpdVersion{2, 4, 62}, std::chrono::system_clock::now(), log);
  CHECK(plan.ok());
  for (const char* child_dir : layout::kChildWritable) CHECK(exists(dir.root + "/" + child_dir));
  CHECK(exists(dir.root + "/fallback/a.test/cert.pem"));
}

TEST(StartupFiles, RealPassStopsAtAStoreRootMustNotFollow) {
  TempStoreDir dir;
  MemoryLogSink log;
  CHECK(chmod(dir.root.c_str(), 0777) == 0);
  auto plan = plan_real_pass(dir.root, ChildUser{geteuid(), getegid()}, {cert("a.test")},
                             HttpdVersion{2, 4, 62}, std::chrono::system_clock::now(), log);
  // Root follows no path others may change; an unprivileged parent gives nothing away.
  CHECK_EQUAL(geteuid() != 0, plan.ok());
  CHECK_EQUAL(geteuid() != 0, exists(dir.root + "/fallback/a.test/cert.pem"));
}

TEST(StartupFiles, HandedPathsOnePairPerLiveSetElseTheFallback) {
  const FileStore store("/srv/acme/");
  HandedFiles handed;
  VhostFiles live;
  live.live = {"a.test", "a.test-rsa"};
  hand_files(store, live, "", handed);
  LONGS_EQUAL(2, handed.cert_files.size());
  STRCMP_EQUAL("/srv/acme/live/a.test-rsa/fullchain.pem", handed.cert_files[1].c_str());
  STRCMP_EQUAL("/srv/acme/live/a.test-rsa/privkey.pem", handed.key_files[1].c_str());
  CHECK(handed.fallback_cert_file.empty() && !handed.on_fallback);
  VhostFiles waiting;
  waiting.fallback = "b.test";
  hand_files(store, waiting, "", handed);
  STRCMP_EQUAL("/srv/acme/fallback/b.test/cert.pem", handed.fallback_cert_file.c_str());
  STRCMP_EQUAL("/srv/acme/fallback/b.test/privkey.pem", handed.fallback_key_file.c_str());
  CHECK(handed.on_fallback);
}

TEST(StartupFiles, TheDryRunsPlaceholderHoldsBoth) {
  HandedFiles handed;
  VhostFiles first_start;
  first_start.fallback = "a.test";
  first_start.placeholder = true;
  hand_files(FileStore("/srv/acme"), first_start, "/proc/self/fd/7", handed);
  STRCMP_EQUAL("/proc/self/fd/7", handed.fallback_cert_file.c_str());
  STRCMP_EQUAL("/proc/self/fd/7", handed.fallback_key_file.c_str());
  CHECK(handed.on_fallback);
}
