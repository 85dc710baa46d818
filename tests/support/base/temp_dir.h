// TempDir: a fresh directory under /tmp for one test, removed with all it
// holds when the object goes (a test leaves no temp dir behind). Fails the
// run loudly when no directory can be made.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace acme {
namespace testing {

class TempDir {
 public:
  // The directory is /tmp/<prefix>.XXXXXX.
  explicit TempDir(const std::string& prefix) {
    std::string tmpl = "/tmp/" + prefix + ".XXXXXX";
    if (mkdtemp(&tmpl[0]) == nullptr) {
      std::perror(("mkdtemp " + tmpl).c_str());
      std::abort();
    }
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes an executable /bin/sh script `name` here ("#!/bin/sh", body);
  // returns its path.
  std::string write_script(const std::string& name, const std::string& body) const {
    const std::string script = path_ + "/" + name;
    std::ofstream(script) << "#!/bin/sh\n" << body << "\n";
    chmod(script.c_str(), 0755);
    return script;
  }

 private:
  std::string path_;
};

}  // namespace testing
}  // namespace acme
