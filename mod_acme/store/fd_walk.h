// fd_walk: the file system calls under FileStore, all relative to directory
// file descriptors (DESIGN.md "The privilege rule", Postfix safe_open()).
//
// A store path is resolved one component at a time from a descriptor of the
// store root with openat(O_DIRECTORY|O_NOFOLLOW), so whoever can write a
// directory on the way may choose names but never what the caller follows.
// The one exception: a symbolic link is followed when the directory holding
// it is trusted (owned by root or by the caller, not writable by group or
// others: only they can have made it) and its target stays inside the store.
// That is how live/<name> -> ../archive/<name>/<seq> is read, and why a link
// a child user plants in its own directories is refused to root.
//
// Final files are opened with O_NOFOLLOW|O_NONBLOCK and must be regular files
// of at most kMaxStoreFileSize bytes. As root, a file in an untrusted
// directory is read only if its owner owns that directory, or if it is
// root's own file with a single link: a hard link to someone else's file is
// refused. Removal walks with descriptors (unlinkat), never by path.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "base/status.h"

namespace acme::fdwalk {

// Owns one file descriptor; move-only.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release();

 private:
  int fd_ = -1;
};

// The non-empty components of a checked store path ("" and "." dropped).
std::vector<std::string> components(const std::string& path);

// True if only root or the caller can have changed dir (st of a directory).
bool trusted_dir(const struct stat& st);

// Walks parts from root (a descriptor of the store root). create: missing
// directories are made with mode (exactly, whatever the umask). shown names
// the path in messages. A missing component is Code::kNotFound.
Result<Fd> open_dir(int root, const std::vector<std::string>& parts, bool create, int mode,
                    const std::string& shown);

// Reads name in dir under the rules above; shown names it in messages.
Result<std::string> read_file(int dir, const std::string& name, const std::string& shown);

// Writes name in dir atomically: temp file, fsync, renameat, fsync of dir
// (both fsyncs only when sync). fail_after >= 0 fails with ENOSPC after that
// many bytes (FileStore's hook).
Status write_file(int dir, const std::string& name, const std::string& data, int mode,
                  long fail_after, const std::string& shown, bool sync = true);

// Removes name (a file, link or whole tree) from dir; missing is fine.
Status remove(int dir, const std::string& name, const std::string& shown);

// Entry names in dir, unsorted, "." and ".." left out.
Result<std::vector<std::string>> list(int dir, const std::string& shown);

// Points name in dir at target (symlinkat + renameat: an atomic swap).
Status link(int dir, const std::string& target, const std::string& name, const std::string& shown);

Result<std::string> read_link(int dir, const std::string& name, const std::string& shown);

// "<name>.tmp.<pid>.<counter>" as write_file and link make them.
bool is_temp_name(const char* name);

Status io_error(const std::string& action, const std::string& path, int err);

}  // namespace acme::fdwalk
