#include "store/file_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "store/store_test_util.h"

using namespace acme;
using namespace acme::testing;

TEST_GROUP(FileStore) {
  TempStoreDir temp;
  std::string& root = temp.root;
  std::string& outside = temp.outside;
  FileStore*& store = temp.store;
  void make_attack(const std::string& dir) {
    temp.make_attack(dir);
  }
};

TEST(FileStore, WriteReadRoundTrip) {
  CHECK(store->write("a.txt", "hello").ok());
  CHECK(store->exists("a.txt"));
  STRCMP_EQUAL("hello", store->read("a.txt")->c_str());
  CHECK(store->write("empty", "").ok());
  STRCMP_EQUAL("", store->read("empty")->c_str());
}

TEST(FileStore, OverwriteReplacesContent) {
  CHECK(store->write("a.txt", "a much longer first version").ok());
  CHECK(store->write("a.txt", "short").ok());
  STRCMP_EQUAL("short", store->read("a.txt")->c_str());
}

TEST(FileStore, ReadMissingIsNotFoundAndNamesThePath) {
  auto r = store->read("nope.json");
  CHECK_FALSE(r.ok());
  CHECK(r.status().code() == Code::kNotFound);
  CHECK(contains(r.status().message(), root + "/nope.json"));
  CHECK_FALSE(store->exists("nope.json"));
}

TEST(FileStore, ModeIsHonouredDespiteUmask) {
  mode_t old = umask(077);
  CHECK(store->write("privkey.pem", "secret", 0600).ok());
  CHECK(store->write("cert.pem", "public", 0644).ok());
  umask(old);
  LONGS_EQUAL(0600, mode_of(root + "/privkey.pem"));
  LONGS_EQUAL(0644, mode_of(root + "/cert.pem"));
}

TEST(FileStore, WriteCreatesParents) {
  CHECK(store->write("jobs/a.example/job.json", "{}").ok());
  LONGS_EQUAL(0755, mode_of(root + "/jobs/a.example"));
  STRCMP_EQUAL("{}", store->read("jobs/a.example/job.json")->c_str());
}

// Unsynced writes skip the fsyncs only: still atomic (old content or new,
// never a torn file or a temp left behind), same modes, same path rules.
TEST(FileStore, UnsyncedWriteIsAtomicToo) {
  CHECK(store->write_unsynced("jobs/a.example/job.json", "old content", 0600).ok());
  LONGS_EQUAL(0600, mode_of(root + "/jobs/a.example/job.json"));
  store->fail_next_write_after(3);
  CHECK_FALSE(store->write_unsynced("jobs/a.example/job.json", "new content").ok());
  STRCMP_EQUAL("old content", store->read("jobs/a.example/job.json")->c_str());
  LONGS_EQUAL(1, store->list("jobs/a.example")->size());  // no temp file left
  CHECK_FALSE(store->write_unsynced("../escape", "x").ok());
}

TEST(FileStore, FailedWriteKeepsOldContentAndLeavesNoTemp) {
  CHECK(store->write("jobs/a.example/job.json", "old content").ok());
  store->fail_next_write_after(3);
  Status s = store->write("jobs/a.example/job.json", "new content");
  CHECK_FALSE(s.ok());
  CHECK(s.code() == Code::kIo);
  CHECK(contains(s.message(), root + "/jobs/a.example/job.json"));
  CHECK(contains(s.message(), "No space left on device"));
  STRCMP_EQUAL("old content", store->read("jobs/a.example/job.json")->c_str());
  auto names = os_list(root + "/jobs/a.example");
  LONGS_EQUAL(1, names.size());
  STRCMP_EQUAL("job.json", names[0].c_str());
  // The hook fires once: the next write goes through.
  CHECK(store->write("jobs/a.example/job.json", "new content").ok());
  STRCMP_EQUAL("new content", store->read("jobs/a.example/job.json")->c_str());
}

TEST(FileStore, ListIsSortedAndMissingDirIsEmpty) {
  CHECK(store->write("jobs/c", "").ok());
  CHECK(store->write("jobs/a", "").ok());
  CHECK(store->write("jobs/b/x", "").ok());
  auto names = store->list("jobs");
  CHECK(names.ok());
  LONGS_EQUAL(3, names->size());
  STRCMP_EQUAL("a", (*names)[0].c_str());
  STRCMP_EQUAL("b", (*names)[1].c_str());
  STRCMP_EQUAL("c", (*names)[2].c_str());
  CHECK(store->list("missing")->empty());
  LONGS_EQUAL(1, store->list("")->size());  // the root itself
}

TEST(FileStore, ListHidesTempFilesLeftByACrash) {
  CHECK(store->write("jobs/a/job.json", "{}").ok());
  FILE* stray = std::fopen((root + "/jobs/a/job.json.tmp.4242.7").c_str(), "w");
  CHECK(stray != nullptr);
  std::fclose(stray);
  CHECK(store->write("jobs/a/x.tmp.json", "").ok());  // not a temp name
  auto names = store->list("jobs/a");
  LONGS_EQUAL(2, names->size());
  STRCMP_EQUAL("job.json", (*names)[0].c_str());
  STRCMP_EQUAL("x.tmp.json", (*names)[1].c_str());
  CHECK(store->remove("jobs").ok());  // and remove() still clears them
  CHECK_FALSE(store->exists("jobs"));
}

TEST(FileStore, RemoveTreeAndMissingIsFine) {
  CHECK(store->write("t/a", "1").ok());
  CHECK(store->write("t/b/c", "2").ok());
  CHECK(store->link("b", "t/l").ok());
  CHECK(store->remove("t").ok());
  CHECK_FALSE(store->exists("t"));
  CHECK(store->remove("t").ok());
  CHECK(store->write("f", "x").ok());
  CHECK(store->remove("f").ok());
  CHECK_FALSE(store->exists("f"));
}

TEST(FileStore, RemoveLinkKeepsItsTarget) {
  CHECK(store->write("archive/1/cert.pem", "one").ok());
  CHECK(store->link("../archive/1", "live/a").ok());
  CHECK(store->remove("live/a").ok());
  CHECK_FALSE(store->exists("live/a"));
  STRCMP_EQUAL("one", store->read("archive/1/cert.pem")->c_str());
}

TEST(FileStore, LinkSwapReplacesExistingLink) {
  CHECK(store->write("archive/a/1/cert.pem", "one").ok());
  CHECK(store->write("archive/a/2/cert.pem", "two").ok());
  CHECK(store->link("../archive/a/1", "live/a").ok());
  STRCMP_EQUAL("one", store->read("live/a/cert.pem")->c_str());
  CHECK(store->link("../archive/a/2", "live/a").ok());
  STRCMP_EQUAL("two", store->read("live/a/cert.pem")->c_str());
  STRCMP_EQUAL("../archive/a/2", store->read_link("live/a")->c_str());
  auto names = os_list(root + "/live");
  LONGS_EQUAL(1, names.size());  // no temp link left behind
}

TEST(FileStore, ReadLinkErrors) {
  CHECK(store->write("f", "x").ok());
  CHECK(store->read_link("f").status().code() == Code::kInvalidArgument);
  CHECK(store->read_link("none").status().code() == Code::kNotFound);
}

TEST(FileStore, LinkOverDirectoryFails) {
  CHECK(store->write("live/a/cert.pem", "x").ok());
  CHECK_FALSE(store->link("../archive/a/1", "live/a").ok());
  STRCMP_EQUAL("x", store->read("live/a/cert.pem")->c_str());
}

TEST(FileStore, RejectsEscapingPaths) {
  CHECK(store->write("../x", "").code() == Code::kInvalidArgument);
  CHECK(store->write("a/../../x", "").code() == Code::kInvalidArgument);
  CHECK(store->write("a/..", "").code() == Code::kInvalidArgument);
  CHECK(store->read("/etc/passwd").status().code() == Code::kInvalidArgument);
  CHECK(store->remove("..").code() == Code::kInvalidArgument);
  CHECK(store->list("../").status().code() == Code::kInvalidArgument);
  CHECK(store->link("../../outside", "live/a").code() == Code::kInvalidArgument);
  CHECK(store->link("/etc", "live/a").code() == Code::kInvalidArgument);
  CHECK(store->write("a..b/c..", "fine").ok());  // ".." only as a whole component
}

TEST(FileStore, AbsoluteJoinsRoot) {
  STRCMP_EQUAL((root + "/live/a/fullchain.pem").c_str(),
               store->absolute("live/a/fullchain.pem").c_str());
}

TEST(FileStore, MakeDirsAppliesMode) {
  mode_t old = umask(022);
  CHECK(store->make_dirs("accounts/ca", 0700).ok());
  umask(old);
  LONGS_EQUAL(0700, mode_of(root + "/accounts"));
  LONGS_EQUAL(0700, mode_of(root + "/accounts/ca"));
  CHECK(store->make_dirs("accounts/ca", 0700).ok());  // existing is fine
}

TEST(FileStore, MakeDirsCreatesTheRootItself) {
  FileStore nested(root + "/a/b/store");
  CHECK(nested.make_dirs("", 0755).ok());
  LONGS_EQUAL(0755, mode_of(root + "/a/b/store"));
  CHECK(nested.write("x", "1").ok());
}

// As root, in a directory of another user: only that user's files (or
// root's own single-link files), never a hard link to someone else's file.
TEST(FileStore, GiveDirChangesTheOwnerOfThatDirectoryOnly) {
  uid_t to = geteuid() == 0 ? kOther : geteuid();
  CHECK(store->write("jobs/a/job.json", "{}").ok());
  mode_t old = umask(077);
  CHECK(store->give_dir("jobs", 0700, to, geteuid() == 0 ? kOther : getegid()).ok());
  CHECK(store->give_dir("status", 0700, to, geteuid() == 0 ? kOther : getegid()).ok());
  umask(old);
  LONGS_EQUAL(to, owner_of(root + "/jobs"));
  LONGS_EQUAL(geteuid(), owner_of(root + "/jobs/a"));  // nothing inside is touched
  LONGS_EQUAL(geteuid(), owner_of(root + "/jobs/a/job.json"));
  LONGS_EQUAL(to, owner_of(root + "/status"));
  LONGS_EQUAL(0700, mode_of(root + "/status"));
}

TEST(FileStore, GiveDirRefusesALinkAndLeavesItsTarget) {
  make_attack("x");
  CHECK(symlink(outside.c_str(), (root + "/jobs").c_str()) == 0);
  uid_t before = owner_of(outside);
  Status s = store->give_dir("jobs", 0700, geteuid() == 0 ? kOther : geteuid(), getegid());
  CHECK_FALSE(s.ok());
  CHECK(contains(s.message(), root + "/jobs is not a directory"));
  LONGS_EQUAL(before, owner_of(outside));
  LONGS_EQUAL(before, owner_of(outside + "/secret"));
}

TEST(FileStore, CheckPrivateNamesTheDirectoryAndTheFix) {
  CHECK(store->check_private("live", geteuid()).ok());  // missing is fine
  CHECK(store->make_dirs("live", 0755).ok());
  CHECK(store->check_private("live", geteuid()).ok());
  CHECK(store->check_private("", geteuid()).ok());
  CHECK(chmod((root + "/live").c_str(), 0775) == 0);
  Status s = store->check_private("live", geteuid());
  CHECK_FALSE(s.ok());
  CHECK(contains(s.message(), root + "/live is owned by uid"));
  CHECK(contains(s.message(), "mode 0775"));
  CHECK(contains(s.message(), "&& chmod 755 " + root + "/live"));
  CHECK(chmod((root + "/live").c_str(), 0755) == 0);
  CHECK_FALSE(store->check_private("live", geteuid() + 1).ok());  // someone else's
  CHECK(symlink("live", (root + "/archive").c_str()) == 0);
  s = store->check_private("archive", geteuid());
  CHECK_FALSE(s.ok());
  CHECK(contains(s.message(), "not a directory"));
}
