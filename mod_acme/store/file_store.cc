// FileStore: implements store/file_store.h (the Store contract of
// store/store.h on a local file system).
//
// Every write goes to a temp file in the target's own directory (so rename
// stays on one file system and is atomic), is fsynced, renamed over the
// target, and the directory is fsynced so the rename itself survives a crash.
// Paths are checked here and walked by store/fd_walk.h from a descriptor of
// the root; only the configured root path itself is opened by path.
#include "store/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "store/fd_walk.h"

namespace acme {

namespace {

using fdwalk::Fd;
using fdwalk::io_error;

// Store paths come from configuration (domain names become directory names):
// an absolute path or ".." would let a crafted name escape the store root.
Status check_path(const std::string& path, bool allow_empty) {
  bool bad = (path.empty() && !allow_empty) || (!path.empty() && path[0] == '/');
  std::size_t start = 0;
  while (!bad && start <= path.size()) {
    std::size_t end = std::min(path.find('/', start), path.size());
    bad = path.compare(start, end - start, "..") == 0;
    start = end + 1;
  }
  if (!bad) return Status();
  return Status(Code::kInvalidArgument, "store path '" + path +
                                            "' must be relative to the store root and "
                                            "must not contain '..'");
}

// A link target is relative to the link's directory; it may climb with ".."
// (live/a -> ../archive/a/1) but must not leave the store root.
Status check_link_target(const std::string& target, const std::string& link_path) {
  long depth = static_cast<long>(std::count(link_path.begin(), link_path.end(), '/'));
  bool bad = target.empty() || target[0] == '/';
  std::size_t start = 0;
  while (!bad && start < target.size()) {
    std::size_t end = std::min(target.find('/', start), target.size());
    std::string part = target.substr(start, end - start);
    if (part == "..")
      bad = --depth < 0;
    else if (!part.empty() && part != ".")
      ++depth;
    start = end + 1;
  }
  if (!bad) return Status();
  return Status(Code::kInvalidArgument, "link target '" + target + "' for '" + link_path +
                                            "' must be relative and stay inside the store");
}

// mkdir -p of the configured root (the admin's path, like any other path
// in httpd.conf); each directory it creates gets exactly 0755.
Status make_root(const std::string& abs) {
  for (std::size_t pos = 1; pos <= abs.size(); ++pos) {
    if (pos < abs.size() && abs[pos] != '/') continue;
    std::string prefix = abs.substr(0, pos);
    if (mkdir(prefix.c_str(), 0755) == 0) {
      if (chmod(prefix.c_str(), 0755) != 0) return io_error("setting the mode of", prefix, errno);
      continue;
    }
    struct stat st;
    if (errno != EEXIST) return io_error("creating directory", prefix, errno);
    if (stat(prefix.c_str(), &st) != 0) return io_error("creating directory", prefix, errno);
    if (!S_ISDIR(st.st_mode)) return io_error("creating directory", prefix, ENOTDIR);
  }
  return Status();
}

Result<Fd> open_root(const std::string& root, bool create) {
  if (create) ACME_RETURN_IF_ERROR(make_root(root));
  Fd fd(open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) return fd;
  int err = errno;
  return Status(err == ENOENT ? Code::kNotFound : Code::kIo,
                "opening the store " + root + ": " + std::strerror(err));
}

struct Parent {
  Fd dir;            // the directory holding the last component
  std::string name;  // the last component
};

// Opens the directory that holds path (a checked, non-empty store path).
Result<Parent> open_parent(const std::string& root, const std::string& path, bool create,
                           const std::string& shown) {
  auto parts = fdwalk::components(path);
  if (parts.empty()) return Status(Code::kInvalidArgument, shown + ": not a file in the store");
  auto root_fd = open_root(root, create);
  if (!root_fd.ok()) return root_fd.status();
  std::string name = parts.back();
  parts.pop_back();
  auto dir = fdwalk::open_dir(root_fd->get(), parts, create, 0755, shown);
  if (!dir.ok()) return dir.status();
  return Parent{std::move(*dir), name};
}

std::string private_dir_problem(const std::string& abs, const struct stat& st, uid_t owner) {
  if (st.st_uid == owner && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0) return "";
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  std::string who = owner == 0 ? "root:root" : std::to_string(owner);
  return abs + " is owned by uid " + std::to_string(st.st_uid) + " with mode " + mode +
         ": another user (such as the one httpd's children run as) could replace the files "
         "root writes and serves from it; fix: chown " +
         who + " " + abs + " && chmod 755 " + abs;
}

}  // namespace

FileStore::FileStore(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string FileStore::absolute(const std::string& path) const {
  return root_ + "/" + path;
}

Result<std::string> FileStore::read(const std::string& path) const {
  ACME_RETURN_IF_ERROR(check_path(path, false));
  const std::string abs = absolute(path);
  auto parent = open_parent(root_, path, false, abs);
  if (!parent.ok())
    return parent.status().code() == Code::kNotFound
               ? Status(Code::kNotFound, "reading " + abs + ": " + std::strerror(ENOENT))
               : parent.status();
  return fdwalk::read_file(parent->dir.get(), parent->name, abs);
}

Status FileStore::write(const std::string& path, const std::string& data, int mode) {
  return write_file(path, data, mode, true);
}

Status FileStore::write_unsynced(const std::string& path, const std::string& data, int mode) {
  return write_file(path, data, mode, false);
}

Status FileStore::write_file(const std::string& path, const std::string& data, int mode,
                             bool sync) {
  ACME_RETURN_IF_ERROR(check_path(path, false));
  const std::string abs = absolute(path);
  auto parent = open_parent(root_, path, true, abs);
  if (!parent.ok()) return parent.status().with_context("writing " + abs);
  long fail_after = fail_after_;
  fail_after_ = -1;  // the hook fires once
  return fdwalk::write_file(parent->dir.get(), parent->name, data, mode, fail_after, abs, sync);
}

bool FileStore::exists(const std::string& path) const {
  if (!check_path(path, false).ok()) return false;
  auto parent = open_parent(root_, path, false, absolute(path));
  struct stat st;
  return parent.ok() &&
         fstatat(parent->dir.get(), parent->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

Status FileStore::remove(const std::string& path) {
  ACME_RETURN_IF_ERROR(check_path(path, false));
  const std::string abs = absolute(path);
  auto parent = open_parent(root_, path, false, abs);
  if (!parent.ok()) return parent.status().code() == Code::kNotFound ? Status() : parent.status();
  return fdwalk::remove(parent->dir.get(), parent->name, abs);
}

Result<std::vector<std::string>> FileStore::list(const std::string& dir) const {
  ACME_RETURN_IF_ERROR(check_path(dir, true));
  const std::string abs = dir.empty() ? root_ : absolute(dir);
  std::vector<std::string> names;
  auto root_fd = open_root(root_, false);
  if (!root_fd.ok()) {
    if (root_fd.status().code() == Code::kNotFound) return names;
    return root_fd.status();
  }
  auto fd = fdwalk::open_dir(root_fd->get(), fdwalk::components(dir), false, 0755, abs);
  if (!fd.ok()) {
    if (fd.status().code() == Code::kNotFound) return names;
    return fd.status();
  }
  auto all = fdwalk::list(fd->get(), abs);
  if (!all.ok()) return all.status();
  // A process killed between open and rename leaves a temp file behind;
  // callers must never mistake it for a real entry.
  for (const auto& name : *all)
    if (!fdwalk::is_temp_name(name.c_str())) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

Status FileStore::link(const std::string& target, const std::string& link_path) {
  ACME_RETURN_IF_ERROR(check_path(link_path, false));
  ACME_RETURN_IF_ERROR(check_link_target(target, link_path));
  const std::string abs = absolute(link_path);
  auto parent = open_parent(root_, link_path, true, abs);
  if (!parent.ok()) return parent.status().with_context("linking " + abs);
  return fdwalk::link(parent->dir.get(), target, parent->name, abs);
}

Result<std::string> FileStore::read_link(const std::string& link_path) const {
  ACME_RETURN_IF_ERROR(check_path(link_path, false));
  const std::string abs = absolute(link_path);
  auto parent = open_parent(root_, link_path, false, abs);
  if (!parent.ok()) return parent.status();
  return fdwalk::read_link(parent->dir.get(), parent->name, abs);
}

Status FileStore::make_dirs(const std::string& dir, int mode) {
  ACME_RETURN_IF_ERROR(check_path(dir, true));
  const std::string abs = dir.empty() ? root_ : absolute(dir);
  auto root_fd = open_root(root_, true);
  if (!root_fd.ok()) return root_fd.status();
  auto fd = fdwalk::open_dir(root_fd->get(), fdwalk::components(dir), true, mode, abs);
  return fd.ok() ? Status() : fd.status().with_context("creating directory " + abs);
}

Status FileStore::give_dir(const std::string& dir, int mode, uid_t uid, gid_t gid) {
  ACME_RETURN_IF_ERROR(check_path(dir, false));
  const std::string abs = absolute(dir);
  auto parent = open_parent(root_, dir, true, abs);
  if (!parent.ok()) return parent.status();
  const int pfd = parent->dir.get();
  const char* name = parent->name.c_str();
  bool made = mkdirat(pfd, name, static_cast<mode_t>(mode)) == 0;
  if (!made && errno != EEXIST) return io_error("creating directory", abs, errno);
  // O_NOFOLLOW|O_DIRECTORY: the owner change below lands on this very
  // directory, never on what a link or a swapped entry points at.
  Fd fd(openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0 && (errno == ENOTDIR || errno == ELOOP)) {
    return Status(Code::kIo, abs +
                                 " is not a directory (a symbolic link or a file?); "
                                 "remove it and restart httpd to have it created again");
  }
  if (fd.get() < 0) return io_error("opening", abs, errno);
  if (made && fchmod(fd.get(), static_cast<mode_t>(mode)) != 0)
    return io_error("setting the mode of", abs, errno);
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return io_error("examining", abs, errno);
  if (st.st_uid == uid && st.st_gid == gid) return Status();
  if (fchown(fd.get(), uid, gid) == 0) return Status();
  return io_error(
      "changing the owner (to " + std::to_string(uid) + ":" + std::to_string(gid) + ") of", abs,
      errno);
}

Status FileStore::check_private(const std::string& dir, uid_t owner) const {
  ACME_RETURN_IF_ERROR(check_path(dir, true));
  const std::string abs = dir.empty() ? root_ : absolute(dir);
  auto root_fd = open_root(root_, false);
  if (!root_fd.ok())
    return root_fd.status().code() == Code::kNotFound ? Status() : root_fd.status();
  struct stat st;
  if (dir.empty()) {
    if (fstat(root_fd->get(), &st) != 0) return io_error("examining", abs, errno);
  } else {
    auto parent = open_parent(root_, dir, false, abs);
    if (!parent.ok()) return parent.status().code() == Code::kNotFound ? Status() : parent.status();
    if (fstatat(parent->dir.get(), parent->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      return errno == ENOENT ? Status() : io_error("examining", abs, errno);
    if (!S_ISDIR(st.st_mode)) {
      return Status(Code::kInvalidArgument,
                    abs +
                        " is not a directory (a symbolic link or a file?): root writes the "
                        "certificates it serves there; remove it and restart httpd");
    }
  }
  std::string problem = private_dir_problem(abs, st, owner);
  return problem.empty() ? Status() : Status(Code::kInvalidArgument, problem);
}

}  // namespace acme
