// FileLock with real files: exclusive between open file descriptions (as
// between two watchdog processes), released on unlock, no symlinks.
#include "base/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "base/temp_dir.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(FileLock) {
  acme::testing::TempDir temp{"file_lock_test"};
  const std::string dir = temp.path();
};

TEST(FileLock, OneHolderAtATime) {
  FileLock first(dir + "/lock"), second(dir + "/lock");
  CHECK(first.try_lock().ok());
  CHECK(first.held());
  CHECK(first.try_lock().ok());  // held already
  Status busy = second.try_lock();
  LONGS_EQUAL(static_cast<int>(Code::kPending), static_cast<int>(busy.code()));
  CHECK_FALSE(second.held());
  first.unlock();
  CHECK(second.try_lock().ok());
  struct stat st;
  CHECK(stat((dir + "/lock").c_str(), &st) == 0);
  LONGS_EQUAL(0600, st.st_mode & 0777);
}

// Someone else's flock (another process's, as `flock(1)` or python takes it).
TEST(FileLock, AnotherDescriptionsFlockKeepsItOut) {
  int fd = open((dir + "/lock").c_str(), O_RDWR | O_CREAT, 0600);
  CHECK(fd >= 0);
  CHECK(flock(fd, LOCK_EX) == 0);
  FileLock lock(dir + "/lock");
  CHECK_FALSE(lock.try_lock().ok());
  close(fd);
  CHECK(lock.try_lock().ok());
}

TEST(FileLock, SymlinkIsRefused) {
  CHECK(symlink((dir + "/elsewhere").c_str(), (dir + "/lock").c_str()) == 0);
  FileLock lock(dir + "/lock");
  Status s = lock.try_lock();
  CHECK_FALSE(s.ok());
  CHECK(s.code() != Code::kPending);
  CHECK(s.message().find(dir + "/lock") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/elsewhere"));
}
