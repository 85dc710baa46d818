// read_private_file: root reads an admin's secret file only through
// directories nobody else can write (the privilege rule), and only a
// regular file of root's that group and others cannot access.
#include "cluster/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void write_file(const std::string& path, const std::string& text, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  CHECK(fd >= 0);
  CHECK(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  close(fd);
  CHECK(chmod(path.c_str(), mode) == 0);
}

}  // namespace

TEST_GROUP(PrivateFile) {
  std::string dir;  // mode 0700, ours, under /tmp (sticky, root's)
  void setup() override {
    char tmpl[] = "/tmp/acme-private-file.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
  }
  void teardown() override {
    std::string command = "rm -rf '" + dir + "'";
    CHECK(system(command.c_str()) == 0);
  }
};

TEST(PrivateFile, OwnersFileInTrustedDirectoriesIsRead) {
  write_file(dir + "/key", "secret\n", 0600);
  auto text = read_private_file(dir + "/key", 100);
  CHECK_TEXT(text.ok(), text.status().message().c_str());
  STRCMP_EQUAL("secret\n", text->c_str());
  auto dotted = read_private_file(dir + "/./key", 100);  // "." and "//" are no components
  CHECK_TEXT(dotted.ok(), dotted.status().message().c_str());
}

TEST(PrivateFile, DirectoryOthersCanWriteIsRefusedNamingIt) {
  std::string open_dir = dir + "/shared";
  CHECK(mkdir(open_dir.c_str(), 0700) == 0);
  CHECK(chmod(open_dir.c_str(), 0777) == 0);  // as a child-writable directory
  write_file(open_dir + "/key", "secret", 0600);
  auto text = read_private_file(open_dir + "/key", 100);
  CHECK_FALSE(text.ok());
  const std::string& m = text.status().message();
  CHECK_TEXT(contains(m, "the directory " + open_dir) && contains(m, "mode 0777"), m.c_str());
  CHECK_TEXT(contains(m, "only root can write"), m.c_str());
  CHECK(chmod(open_dir.c_str(), 01777) == 0);  // sticky, as /tmp: others cannot replace ours
  CHECK_TEXT(read_private_file(open_dir + "/key", 100).ok(), m.c_str());
}

TEST(PrivateFile, FileOfAnotherUserIsRefused) {
  write_file(dir + "/key", "secret", 0600);
  // Needs root, as the parent runs; fails loudly otherwise.
  CHECK_TEXT(chown((dir + "/key").c_str(), 65534, 65534) == 0, "run the unit tests as root");
  auto text = read_private_file(dir + "/key", 100);
  CHECK_FALSE(text.ok());
  CHECK_TEXT(contains(text.status().message(), "belongs to uid 65534"),
             text.status().message().c_str());
}

TEST(PrivateFile, LinksAreFollowedOnlyThroughTrustedPlaces) {
  CHECK(mkdir((dir + "/real").c_str(), 0700) == 0);
  write_file(dir + "/real/key", "secret", 0600);
  CHECK(symlink("real", (dir + "/relative").c_str()) == 0);
  CHECK(symlink((dir + "/real/key").c_str(), (dir + "/absolute").c_str()) == 0);
  STRCMP_EQUAL("secret", read_private_file(dir + "/relative/key", 100)->c_str());
  STRCMP_EQUAL("secret", read_private_file(dir + "/absolute", 100)->c_str());
  // A link into a directory others can write leads nowhere root reads.
  CHECK(mkdir((dir + "/open").c_str(), 0777) == 0);
  CHECK(chmod((dir + "/open").c_str(), 0777) == 0);
  CHECK(symlink("open/key", (dir + "/planted").c_str()) == 0);
  auto planted = read_private_file(dir + "/planted", 100);
  CHECK_TEXT(!planted.ok() && contains(planted.status().message(), dir + "/open"),
             planted.status().message().c_str());
  CHECK(symlink("loop", (dir + "/loop").c_str()) == 0);
  auto loop = read_private_file(dir + "/loop", 100);
  CHECK_TEXT(!loop.ok() && contains(loop.status().message(), "too many links"),
             loop.status().message().c_str());
}

TEST(PrivateFile, ModeForOthersIsTaggedForTheChmodFix) {
  write_file(dir + "/key", "secret", 0640);
  auto text = read_private_file(dir + "/key", 100);
  CHECK_FALSE(text.ok());
  STRCMP_EQUAL(kPrivateFileMode, text.status().tag().c_str());
}

TEST(PrivateFile, MissingTooBigRelativeOrNotAFileRefused) {
  LONGS_EQUAL(static_cast<int>(Code::kNotFound),
              static_cast<int>(read_private_file(dir + "/none", 100).status().code()));
  write_file(dir + "/big", std::string(101, 'x'), 0600);
  CHECK_TEXT(contains(read_private_file(dir + "/big", 100).status().message(), "larger than 100"),
             "size");
  CHECK_TEXT(read_private_file(dir + "/big", 101).ok(), "exactly the cap");
  CHECK_FALSE(read_private_file("tmp/key", 100).ok());
  CHECK(mkfifo((dir + "/fifo").c_str(), 0600) == 0);
  CHECK_TEXT(contains(read_private_file(dir + "/fifo", 100).status().message(), "regular file"),
             "fifo");
}
