// TempDir (tests/support): a private directory that goes with the object,
// and scripts in it that run.
#include "base/temp_dir.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using acme::testing::TempDir;

TEST_GROUP(TempDir){};

TEST(TempDir, MadeFreshAndRemovedWithWhatItHolds) {
  std::string path;
  {
    TempDir one("temp_dir_test"), two("temp_dir_test");
    path = one.path();
    CHECK(path.rfind("/tmp/temp_dir_test.", 0) == 0);
    CHECK(one.path() != two.path());
    CHECK(std::filesystem::is_directory(path));
    std::filesystem::create_directory(path + "/sub");
    std::ofstream(path + "/sub/file") << "x";
  }
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST(TempDir, WriteScriptMakesAnExecutableShellScript) {
  TempDir dir("temp_dir_test");
  const std::string script = dir.write_script("s.sh", "exit 7");
  STRCMP_EQUAL((dir.path() + "/s.sh").c_str(), script.c_str());
  struct stat st;
  CHECK(stat(script.c_str(), &st) == 0);
  LONGS_EQUAL(0755, st.st_mode & 0777);
  int status = std::system(script.c_str());
  CHECK(WIFEXITED(status));
  LONGS_EQUAL(7, WEXITSTATUS(status));
}
