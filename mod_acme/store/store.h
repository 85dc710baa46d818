// Store: where mod_acme keeps accounts, renewal jobs and certificate sets.
//
// Paths are relative to the store root and '/'-separated. Every write is
// atomic (readers and a crash see the old content or the new, never a mix)
// and, unless written with write_unsynced(), durable (fsync of file and
// directory) before it returns: the renewal job persists each step through
// this so a killed process resumes. A failed
// write (full disk, permissions) returns an error and leaves the old content.
// A distributed backend can implement the same interface later.
//
// read() returns regular files only, of at most kMaxStoreFileSize bytes
// (every file mod_acme writes is a few KiB): anything else in the store was
// not written by mod_acme and is refused with an error naming it.
#pragma once

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/status.h"

namespace acme {

constexpr std::size_t kMaxStoreFileSize = 1 << 20;

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<std::string> read(const std::string& path) const = 0;
  // Creates missing parent directories (0755). mode applies to the file.
  virtual Status write(const std::string& path, const std::string& data, int mode = 0644) = 0;
  // As write(), as atomic (a killed process leaves the old content or the
  // new), but not flushed to disk: for state that is simply redone when a
  // power loss takes it back (a job's progress, status records). Spares the
  // watchdog two fsyncs per order step, which dominated its time under load.
  virtual Status write_unsynced(const std::string& path, const std::string& data, int mode = 0644) {
    return write(path, data, mode);
  }
  virtual bool exists(const std::string& path) const = 0;
  // Removes a file or a whole directory tree; a missing path is not an error.
  virtual Status remove(const std::string& path) = 0;
  // Entry names (not paths) in dir, sorted; a missing dir lists as empty.
  virtual Result<std::vector<std::string>> list(const std::string& dir) const = 0;
  // Points link_path at target (a path relative to link_path's directory),
  // replacing any existing link atomically (symlink + rename).
  virtual Status link(const std::string& target, const std::string& link_path) = 0;
  virtual Result<std::string> read_link(const std::string& link_path) const = 0;
  // Absolute file system path (for files handed to mod_ssl, ssl.conf).
  virtual std::string absolute(const std::string& path) const = 0;
};

// For a removal whose failure harms nothing now but leaves a file behind
// that the next run removes (or acts on) again: the failure is logged as a
// warning naming the path, not returned.
inline void remove_logged(Store& store, const std::string& path, LogSink& log) {
  Status removed = store.remove(path);
  if (!removed.ok())
    log.log(LogLevel::kWarn, kMsgStoreError,
            "could not remove " + store.absolute(path) + ": " + removed.message() +
                " (it is tried again later)");
}

// Takes a request file (acmectl -> watchdog): removes it before it is acted
// on, so a bad request is reported once, not taken again every tick. False
// when it cannot be removed: then it must not be acted on either (it would
// be taken again every tick); report(cause) runs the first time a path is
// found so, `unremovable` remembering the paths already reported.
inline bool take_request_file(Store& store, const std::string& path,
                              std::set<std::string>& unremovable,
                              const std::function<void(const std::string& cause)>& report) {
  Status removed = store.remove(path);
  if (removed.ok()) return true;
  if (unremovable.insert(path).second) report(removed.message());
  return false;
}

}  // namespace acme
