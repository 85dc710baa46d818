// Helpers for the config/ tests: the message an admin would read for a
// refused value, and a temporary ServerRoot with files of chosen modes.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/status.h"
#include "config/directive_error.h"
#include "config/directive_values.h"

namespace acme::testing {

// "DIRECTIVE: ..." as `apachectl -t` prints it; "" when the value was taken.
template <class T>
std::string refusal(const std::string& directive, const Result<T>& result) {
  return result.ok() ? "" : directive_message(directive, result.status());
}
inline std::string refusal(const std::string& directive, const Status& status) {
  return status.ok() ? "" : directive_message(directive, status);
}

// A fresh directory standing in for ServerRoot; removed with its files.
struct TempRoot {
  std::string dir;
  TempRoot() {
    char tmpl[] = "/tmp/config_test.XXXXXX";
    if (!mkdtemp(tmpl)) std::abort();
    dir = tmpl;
  }
  ~TempRoot() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  TempRoot(const TempRoot&) = delete;
  TempRoot& operator=(const TempRoot&) = delete;

  // Writes dir/name with mode; returns its path.
  std::string put(const std::string& name, const std::string& text, mode_t mode) const {
    const std::string path = dir + "/" + name;
    std::ofstream(path) << text;
    chmod(path.c_str(), mode);
    return path;
  }
  // ap_server_root_relative's rule: absolute paths as given, others below dir.
  PathResolver resolver() const {
    return [root = dir](const std::string& path) {
      return !path.empty() && path[0] == '/' ? path : root + "/" + path;
    };
  }
};

}  // namespace acme::testing
