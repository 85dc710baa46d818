// FileLock: an exclusive flock(2) on a lock file, the "one watchdog per
// store" rule. Non-blocking: try_lock() answers at once, so a watchdog that
// finds the store taken skips its tick instead of hanging in it. The lock is
// the open file description's: closing it (or the process dying, even by
// SIGKILL) releases it, so a crashed holder never leaves the store locked.
//
// The file is opened O_NOFOLLOW (a symlink planted at the path is refused)
// and O_CLOEXEC (hook programs never inherit it); it is created 0600 if
// missing and never written: its content means nothing, only the lock does.
#pragma once

#include <string>

#include "base/status.h"

namespace acme {

class FileLock {
 public:
  explicit FileLock(std::string path) : path_(std::move(path)) {}
  ~FileLock() { unlock(); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // True if this holds the lock now (taken now or before). Code::kPending
  // when another holds it; another code when the file cannot be opened.
  Status try_lock();
  bool held() const { return fd_ >= 0; }
  void unlock();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace acme
