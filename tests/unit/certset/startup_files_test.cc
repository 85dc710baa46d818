// The files handed to mod_ssl at startup: the real pass makes what is
// missing and says so; the dry run writes nothing.
#include "certset/startup_files.h"

#include <sys/stat.h>

#include <string>
#include <vector>

#include "base/memory_log_sink.h"
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
