// A FileStore in a temporary directory for acmectl's store-reading tests.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/file_store.h"

namespace acme {
namespace testing {

class TempStore {
 public:
  TempStore() {
    char tmpl[] = "/tmp/acmectl_test.XXXXXX";
    if (!mkdtemp(tmpl)) std::abort();
    root_ = tmpl;
    store_ = new FileStore(root_);
  }
  ~TempStore() {
    delete store_;
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;

  FileStore& store() { return *store_; }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  FileStore* store_;
};

}  // namespace testing
}  // namespace acme
