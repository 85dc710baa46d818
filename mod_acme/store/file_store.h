// FileStore: the Store on a local file system (ACMEStoreDir).
//
// Atomic writes: temp file in the same directory, write, fsync, rename,
// fsync the directory. Every path is resolved from a descriptor of the store
// root, one component at a time, never by path (store/fd_walk.h has the
// rules): the parent runs as root over directories the child user writes,
// and acmectl does too, so the store itself must not let a planted symbolic
// or hard link choose what root reads, writes, removes or changes the owner
// of (DESIGN.md "The privilege rule").
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
  Status write_unsynced(const std::string& path, const std::string& data, int mode = 0644) override;
  bool exists(const std::string& path) const override;
  Status remove(const std::string& path) override;
  Result<std::vector<std::string>> list(const std::string& dir) const override;
  Status link(const std::string& target, const std::string& link_path) override;
  Result<std::string> read_link(const std::string& link_path) const override;
  std::string absolute(const std::string& path) const override;

  // Creates dir (and parents, and the store root) with mode.
  Status make_dirs(const std::string& dir, int mode = 0755);

  // For the child user's directories: creates dir with mode if missing and
  // gives that one directory (a real directory, never a link; never what is
  // inside it) to uid:gid. Used by the parent, as root, at every start.
  Status give_dir(const std::string& dir, int mode, uid_t uid, gid_t gid);

  // For the directories root writes (the store root "", live, archive,
  // fallback): if dir exists it must be a real directory owned by owner and
  // not writable by group or others, else the child user could swap what
  // root serves. The error names the directory, the cause and the fix.
  Status check_private(const std::string& dir, uid_t owner) const;

  // Test hook: the next write fails after writing this many bytes of the
  // temp file, as a full disk would (ENOSPC). -1 disables.
  void fail_next_write_after(long bytes) { fail_after_ = bytes; }

 private:
  Status write_file(const std::string& path, const std::string& data, int mode, bool sync);
  std::string root_;
  long fail_after_ = -1;
};

}  // namespace acme
