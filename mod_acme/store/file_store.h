// FileStore: the Store on a local file system (ACMEStoreDir).
// Atomic writes: temp file in the same directory, write, fsync, rename,
// fsync the directory.
#pragma once

#include <sys/types.h>

#include <string>

#include "store/store.h"

namespace acme {

class FileStore : public Store {
 public:
  explicit FileStore(std::string root);
  FileStore(const FileStore&) = delete;
  FileStore& operator=(const FileStore&) = delete;

  Result<std::string> read(const std::string& path) const override;
  Status write(const std::string& path, const std::string& data, int mode = 0644) override;
  bool exists(const std::string& path) const override;
  Status remove(const std::string& path) override;
  Result<std::vector<std::string>> list(const std::string& dir) const override;
  Status link(const std::string& target, const std::string& link_path) override;
  Result<std::string> read_link(const std::string& link_path) const override;
  std::string absolute(const std::string& path) const override;

  // Creates dir (and parents) with mode; used by the parent at startup.
  Status make_dirs(const std::string& dir, int mode = 0755);
  // Gives a tree to the child user (parent runs as root; the watchdog does not).
  Status chown_tree(const std::string& dir, uid_t uid, gid_t gid);

  // Test hook: the next write fails after writing this many bytes of the
  // temp file, as a full disk would (ENOSPC). -1 disables.
  void fail_next_write_after(long bytes) { fail_after_ = bytes; }

 private:
  std::string root_;
  long fail_after_ = -1;
};

}  // namespace acme
