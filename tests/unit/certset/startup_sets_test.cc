// The parent's store work at startup: the store prepared under the
// privilege rule, fallbacks made once and kept, nothing staged nothing promoted.
#include "certset/startup_sets.h"

#include <string>
#include <vector>

#include "base/memory_log_sink.h"
#include "crypto/certificate.h"
#include "store/layout.h"
#include "store/store_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

ManagedCert cert(const std::string& name, std::vector<std::string> names) {
  ManagedCert c;
  c.name = name;
  c.names = std::move(names);
  return c;
}

}  // namespace

TEST_GROUP(StartupSets){};

TEST(StartupSets, PrepareStoreGivesTheChildItsDirectories) {
  TempStoreDir dir;
  MemoryLogSink log;
  CHECK(prepare_store(*dir.store, ChildUser{kOther, kOther}, log).ok());
  for (const char* child_dir : layout::kChildWritable) {
    const std::string path = dir.root + "/" + child_dir;
    LONGS_EQUAL(0700, mode_of(path));
    // Root gives it to the child user; anyone else keeps it.
    LONGS_EQUAL(geteuid() == 0 ? kOther : geteuid(), owner_of(path));
  }
  CHECK(log.lines.empty());
}

TEST(StartupSets, PrepareStoreAsRootRefusesARootOthersMayWrite) {
  TempStoreDir dir;
  MemoryLogSink log;
  CHECK(chmod(dir.root.c_str(), 0777) == 0);
  // Root follows no path others may change; an unprivileged parent gives nothing away.
  CHECK_EQUAL(geteuid() != 0, prepare_store(*dir.store, ChildUser{kOther, kOther}, log).ok());
}

TEST(StartupSets, FallbacksMadeOnceAndKept) {
  TempStoreDir dir;
  const std::vector<ManagedCert> certs = {cert("a.test", {"a.test", "www.a.test"}),
                                          cert("b.test", {"b.test"})};
  const std::vector<const ManagedCert*> all = {&certs[0], &certs[1]};
  const TimePoint now = std::chrono::system_clock::now();
  CHECK(make_fallbacks(dir.root, all, now).ok());
  const std::string a = dir.root + "/fallback/a.test/cert.pem";
  auto chain = Certificate::parse_pem_chain(get(a));
  CHECK(chain.ok());
  CHECK(chain->front().not_after() > now + Seconds(29 * 86400));
  LONGS_EQUAL(0600, mode_of(dir.root + "/fallback/b.test/privkey.pem"));
  const std::string first = get(a);
  CHECK(make_fallbacks(dir.root, all, now + Seconds(86400)).ok());
  STRCMP_EQUAL(first.c_str(), get(a).c_str());  // still far from its end: kept
  CHECK(make_fallbacks(dir.root, all, now + Seconds(29 * 86400 + 3600)).ok());
  CHECK(first != get(a));  // less than a day left: made anew
}

TEST(StartupSets, NothingStagedNothingPromoted) {
  TempStoreDir dir;
  MemoryLogSink log;
  promote_all(dir.root, {cert("a.test", {"a.test"})}, HttpdVersion{2, 4, 62},
              std::chrono::system_clock::now(), log);
  CHECK(os_list(dir.root).empty());
  CHECK(log.lines.empty());
}
