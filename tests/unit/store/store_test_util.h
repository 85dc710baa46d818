// Helpers for the FileStore tests: a temp store root, a directory outside
// it (what an attacker points links at), and what the OS sees.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "store/file_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

namespace acme::testing {

inline int mode_of(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

// Every name in dir, as the OS sees it (temp files included).
inline std::vector<std::string> os_list(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  return names;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline void put(const std::string& path, const std::string& data) {
  FILE* f = std::fopen(path.c_str(), "w");
  CHECK(f != nullptr);
  std::fputs(data.c_str(), f);
  std::fclose(f);
}

inline std::string get(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline uid_t owner_of(const std::string& path) {
  struct stat st;
  CHECK(lstat(path.c_str(), &st) == 0);
  return st.st_uid;
}

// A uid other than ours: what a child user is to the root parent.
constexpr uid_t kOther = 65534;

// A FileStore on a fresh temp directory; removed with everything else made.
struct TempStoreDir {
  std::string root;
  std::string outside;  // a directory outside the store, the attacker's target
  FileStore* store = nullptr;

  TempStoreDir() {
    char tmpl[] = "/tmp/file_store_test.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) std::abort();
    root = tmpl;
    store = new FileStore(root);
  }
  ~TempStoreDir() {
    delete store;
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
    if (!outside.empty()) std::filesystem::remove_all(outside, ec);
  }
  TempStoreDir(const TempStoreDir&) = delete;
  TempStoreDir& operator=(const TempStoreDir&) = delete;

  // outside/secret, and root/<dir> made writable by others: a directory of
  // the child user, as the root parent sees it.
  void make_attack(const std::string& dir) {
    char tmpl[] = "/tmp/file_store_out.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    outside = tmpl;
    put(outside + "/secret", "canary");
    CHECK(store->make_dirs(dir, 0700).ok());
    CHECK(chmod((root + "/" + dir).c_str(), 0777) == 0);
  }
};

}  // namespace acme::testing
