// The privilege rule through FileStore (store/fd_walk.h): what a child user
// plants in its directories never chooses what root reads, writes or removes.
#include "store/fd_walk.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/file_store.h"
#include "store/store_test_util.h"

using namespace acme;
using namespace acme::testing;

TEST_GROUP(FdWalk) {
  TempStoreDir temp;
  std::string& root = temp.root;
  std::string& outside = temp.outside;
  FileStore*& store = temp.store;
  void make_attack(const std::string& dir) {
    temp.make_attack(dir);
  }
};

TEST(FdWalk, SymlinkedDirectoryInAnOpenDirectoryIsRefused) {
  make_attack("jobs");
  CHECK(symlink(outside.c_str(), (root + "/jobs/a").c_str()) == 0);
  auto r = store->read("jobs/a/secret");
  CHECK_FALSE(r.ok());
  CHECK_TEXT(contains(r.status().message(), "symbolic link"), r.status().message().c_str());
  CHECK(contains(r.status().message(), root + "/jobs/a/secret"));
  CHECK_FALSE(store->write("jobs/a/job.json", "{}").ok());
  CHECK_FALSE(std::filesystem::exists(outside + "/job.json"));
  CHECK_FALSE(store->remove("jobs/a/secret").ok());
  CHECK_FALSE(store->list("jobs/a").ok());
  CHECK_FALSE(store->exists("jobs/a/secret"));
  CHECK_FALSE(store->link("x", "jobs/a/l").ok());
  STRCMP_EQUAL("canary", get(outside + "/secret").c_str());
  LONGS_EQUAL(1, os_list(outside).size());
}

TEST(FdWalk, LinkInTrustedDirectoryIsFollowedOnlyInsideTheStore) {
  make_attack("jobs");
  CHECK(store->write("archive/a/1/cert.pem", "one").ok());
  CHECK(store->link("../archive/a/1", "live/a").ok());
  STRCMP_EQUAL("one", store->read("live/a/cert.pem")->c_str());
  // Links only root could have made, but pointing out of the store.
  CHECK(symlink(outside.c_str(), (root + "/live/b").c_str()) == 0);
  CHECK(symlink(("../../" + outside.substr(5)).c_str(), (root + "/live/c").c_str()) == 0);
  for (const char* name : {"live/b/secret", "live/c/secret"}) {
    auto r = store->read(name);
    CHECK_FALSE(r.ok());
    CHECK_TEXT(contains(r.status().message(), "leaves the store"), r.status().message().c_str());
  }
}

TEST(FdWalk, SymlinkedFileIsNeverRead) {
  CHECK(store->make_dirs("staging/a", 0700).ok());  // even in a trusted directory
  CHECK(symlink("/etc/hostname", (root + "/staging/a/cert.pem").c_str()) == 0);
  auto r = store->read("staging/a/cert.pem");
  CHECK_FALSE(r.ok());
  CHECK(contains(r.status().message(), "symbolic link; not followed"));
}

TEST(FdWalk, FifoIsRefusedWithoutBlocking) {
  CHECK(store->make_dirs("staging/a", 0700).ok());
  CHECK(mkfifo((root + "/staging/a/fullchain.pem").c_str(), 0600) == 0);
  auto r = store->read("staging/a/fullchain.pem");  // O_NONBLOCK: no writer, no hang
  CHECK_FALSE(r.ok());
  CHECK(contains(r.status().message(), "not a regular file"));
}

TEST(FdWalk, ReadsAreCappedAtOneMiB) {
  CHECK(store->write("ocsp/ok.der", std::string(kMaxStoreFileSize, 'x')).ok());
  LONGS_EQUAL(kMaxStoreFileSize, store->read("ocsp/ok.der")->size());
  CHECK(store->write("ocsp/big.der", std::string(kMaxStoreFileSize + 1, 'x')).ok());
  auto r = store->read("ocsp/big.der");
  CHECK_FALSE(r.ok());
  CHECK(contains(r.status().message(), root + "/ocsp/big.der"));
  CHECK(contains(r.status().message(), "more than the 1 MiB"));
}

TEST(FdWalk, HardLinkToAnotherFileIsNotReadByRoot) {
  make_attack("staging");
  CHECK(link((outside + "/secret").c_str(), (root + "/staging/h.pem").c_str()) == 0);
  put(root + "/staging/mine.pem", "child");
  if (geteuid() != 0) {  // nobody to protect: the rule is root's
    STRCMP_EQUAL("canary", store->read("staging/h.pem")->c_str());
    return;
  }
  CHECK(chown((root + "/staging").c_str(), kOther, kOther) == 0);
  CHECK(chmod((root + "/staging").c_str(), 0700) == 0);
  auto r = store->read("staging/h.pem");
  CHECK_FALSE(r.ok());
  CHECK_TEXT(contains(r.status().message(), "root does not read it"), r.status().message().c_str());
  put(root + "/staging/root-own.pem", "root's");  // root's, one link: fine
  STRCMP_EQUAL("root's", store->read("staging/root-own.pem")->c_str());
  CHECK(chown((root + "/staging/mine.pem").c_str(), kOther, kOther) == 0);
  STRCMP_EQUAL("child", store->read("staging/mine.pem")->c_str());
  // A regular file of a third user is refused too.
  CHECK(chown((root + "/staging/mine.pem").c_str(), kOther - 1, kOther) == 0);
  CHECK_FALSE(store->read("staging/mine.pem").ok());
}

TEST(FdWalk, RemoveNeverFollowsALinkOutOfTheTree) {
  make_attack("staging");
  CHECK(store->write("staging/a/fullchain.pem", "x").ok());
  CHECK(store->make_dirs("staging/a/deeper", 0755).ok());
  CHECK(symlink(outside.c_str(), (root + "/staging/a/dirlink").c_str()) == 0);
  CHECK(symlink(outside.c_str(), (root + "/staging/a/deeper/dirlink").c_str()) == 0);
  CHECK(symlink((outside + "/secret").c_str(), (root + "/staging/a/privkey.pem").c_str()) == 0);
  CHECK(link((outside + "/secret").c_str(), (root + "/staging/a/hard.pem").c_str()) == 0);
  CHECK(store->remove("staging/a").ok());
  CHECK_FALSE(std::filesystem::exists(root + "/staging/a"));
  LONGS_EQUAL(1, os_list(outside).size());
  STRCMP_EQUAL("canary", get(outside + "/secret").c_str());
  // A link where a directory was is removed itself, not what it points at.
  CHECK(symlink(outside.c_str(), (root + "/staging/b").c_str()) == 0);
  CHECK(store->remove("staging/b").ok());
  CHECK_FALSE(std::filesystem::is_symlink(root + "/staging/b"));
  LONGS_EQUAL(1, os_list(outside).size());
}

TEST(FdWalk, RemoveRefusesATreeNestedTooDeep) {
  std::string deep = "t";
  for (int i = 0; i < 20; ++i) deep += "/d";
  CHECK(store->make_dirs(deep, 0755).ok());
  Status s = store->remove("t");
  CHECK_FALSE(s.ok());
  CHECK(contains(s.message(), "nested too deep"));
}

TEST(FdWalk, WriteReplacesAPlantedLinkNotItsTarget) {
  make_attack("requests");
  CHECK(symlink((outside + "/secret").c_str(), (root + "/requests/a.json").c_str()) == 0);
  CHECK(store->write("requests/a.json", "{}").ok());
  STRCMP_EQUAL("canary", get(outside + "/secret").c_str());
  STRCMP_EQUAL("{}", get(root + "/requests/a.json").c_str());
  CHECK_FALSE(std::filesystem::is_symlink(root + "/requests/a.json"));
}
