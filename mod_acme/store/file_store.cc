// FileStore: implements store/file_store.h (the Store contract of
// store/store.h on a local file system).
//
// Every write goes to a temp file in the target's own directory (so rename
// stays on one file system and is atomic), is fsynced, renamed over the
// target, and the directory is fsynced so the rename itself survives a crash.
#include "store/file_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>

namespace acme {

namespace {

// Trivially destructible, so safe in a DSO that httpd unloads and reloads.
std::atomic<unsigned long> g_temp_counter{0};

Status io_error(const std::string& action, const std::string& path, int err) {
  return Status(Code::kIo, action + " " + path + ": " + std::strerror(err));
}

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

std::string dir_of(const std::string& abs) {
  std::size_t slash = abs.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : abs.substr(0, slash);
}

std::string temp_name(const std::string& abs) {
  return abs + ".tmp." + std::to_string(getpid()) + "." + std::to_string(++g_temp_counter);
}

// "<name>.tmp.<pid>.<counter>" as temp_name() makes them. A process killed
// between open and rename leaves one behind; list() hides it so callers
// never mistake it for a real entry.
bool is_temp_name(const char* name) {
  const char* tmp = std::strstr(name, ".tmp.");
  if (tmp == nullptr || tmp == name) return false;
  const char* p = tmp + 5;
  std::size_t digits = 0, dots = 0;
  for (; *p != '\0'; ++p) {
    if (*p == '.' && digits > 0 && dots == 0)
      ++dots;
    else if (*p >= '0' && *p <= '9')
      ++digits;
    else
      return false;
  }
  return dots == 1 && p[-1] != '.';
}

// mkdir -p; each directory it creates gets exactly `mode`, whatever the umask.
Status make_dirs_abs(const std::string& abs, int mode) {
  for (std::size_t pos = 1; pos <= abs.size(); ++pos) {
    if (pos < abs.size() && abs[pos] != '/') continue;
    std::string prefix = abs.substr(0, pos);
    if (mkdir(prefix.c_str(), static_cast<mode_t>(mode)) == 0) {
      if (chmod(prefix.c_str(), static_cast<mode_t>(mode)) != 0)
        return io_error("setting the mode of", prefix, errno);
      continue;
    }
    struct stat st;
    if (errno != EEXIST) return io_error("creating directory", prefix, errno);
    if (stat(prefix.c_str(), &st) != 0) return io_error("creating directory", prefix, errno);
    if (!S_ISDIR(st.st_mode)) return io_error("creating directory", prefix, ENOTDIR);
  }
  return Status();
}

// Makes a rename or unlink in dir durable.
Status sync_dir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("syncing directory", dir, errno);
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  return rc == 0 ? Status() : io_error("syncing directory", dir, err);
}

// Writes all of data, retrying short writes and EINTR. fail_after >= 0
// simulates a full disk after that many bytes (the test hook).
int write_all(int fd, const std::string& data, long fail_after) {
  std::size_t done = 0;
  while (done < data.size()) {
    std::size_t chunk = data.size() - done;
    if (fail_after >= 0) {
      if (done >= static_cast<std::size_t>(fail_after)) return ENOSPC;
      chunk = std::min(chunk, static_cast<std::size_t>(fail_after) - done);
    }
    ssize_t n = ::write(fd, data.data() + done, chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

// Post-order walk without following symlinks: children before their directory,
// which is the order both recursive removal and chown need.
Status walk_tree(const std::string& abs, const std::function<int(const std::string&, bool)>& fn) {
  struct stat st;
  if (lstat(abs.c_str(), &st) != 0) return io_error("examining", abs, errno);
  bool is_dir = S_ISDIR(st.st_mode);
  if (is_dir) {
    DIR* dir = opendir(abs.c_str());
    if (dir == nullptr) return io_error("opening directory", abs, errno);
    std::vector<std::string> names;
    while (dirent* entry = readdir(dir)) {
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
        names.push_back(entry->d_name);
    }
    closedir(dir);
    for (const auto& name : names) ACME_RETURN_IF_ERROR(walk_tree(abs + "/" + name, fn));
  }
  int err = fn(abs, is_dir);
  return err == 0 ? Status() : Status(Code::kIo, abs + ": " + std::strerror(err));
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
  std::string abs = absolute(path);
  int fd = open(abs.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return Status(err == ENOENT ? Code::kNotFound : Code::kIo,
                  "reading " + abs + ": " + std::strerror(err));
  }
  std::string data;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : 0;
      close(fd);
      if (err != 0) return io_error("reading", abs, err);
      return data;
    }
    data.append(buf, static_cast<std::size_t>(n));
  }
}

Status FileStore::write(const std::string& path, const std::string& data, int mode) {
  ACME_RETURN_IF_ERROR(check_path(path, false));
  std::string abs = absolute(path);
  std::string dir = dir_of(abs);
  ACME_RETURN_IF_ERROR(make_dirs_abs(dir, 0755).with_context("writing " + abs));
  std::string tmp = temp_name(abs);
  int fd = open(tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return io_error("writing", abs, errno);
  long fail_after = fail_after_;
  fail_after_ = -1;  // the hook fires once
  // fchmod because open() applied the umask; privkey.pem must be exactly 0600.
  int err = fchmod(fd, static_cast<mode_t>(mode)) != 0 ? errno : 0;
  if (err == 0) err = write_all(fd, data, fail_after);
  if (err == 0 && fsync(fd) != 0) err = errno;
  if (close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && rename(tmp.c_str(), abs.c_str()) != 0) err = errno;
  if (err != 0) {
    unlink(tmp.c_str());
    return io_error("writing", abs, err);
  }
  return sync_dir(dir).with_context("writing " + abs);
}

bool FileStore::exists(const std::string& path) const {
  struct stat st;
  return check_path(path, false).ok() && lstat(absolute(path).c_str(), &st) == 0;
}

Status FileStore::remove(const std::string& path) {
  ACME_RETURN_IF_ERROR(check_path(path, false));
  std::string abs = absolute(path);
  struct stat st;
  if (lstat(abs.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status();
    return io_error("removing", abs, errno);
  }
  Status s = walk_tree(abs, [](const std::string& p, bool is_dir) {
    int rc = is_dir ? rmdir(p.c_str()) : unlink(p.c_str());
    return rc == 0 || errno == ENOENT ? 0 : errno;
  });
  ACME_RETURN_IF_ERROR(s.with_context("removing " + abs));
  return sync_dir(dir_of(abs)).with_context("removing " + abs);
}

Result<std::vector<std::string>> FileStore::list(const std::string& dir) const {
  ACME_RETURN_IF_ERROR(check_path(dir, true));
  std::string abs = dir.empty() ? root_ : absolute(dir);
  std::vector<std::string> names;
  DIR* d = opendir(abs.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return names;
    return io_error("listing", abs, errno);
  }
  while (dirent* entry = readdir(d)) {
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0 &&
        !is_temp_name(entry->d_name))
      names.push_back(entry->d_name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

Status FileStore::link(const std::string& target, const std::string& link_path) {
  ACME_RETURN_IF_ERROR(check_path(link_path, false));
  ACME_RETURN_IF_ERROR(check_link_target(target, link_path));
  std::string abs = absolute(link_path);
  std::string dir = dir_of(abs);
  ACME_RETURN_IF_ERROR(make_dirs_abs(dir, 0755).with_context("linking " + abs));
  // symlink() refuses to replace; rename() of a fresh link swaps atomically,
  // so a reader of live/<name>/ sees the old set or the new, never neither.
  std::string tmp = temp_name(abs);
  if (symlink(target.c_str(), tmp.c_str()) != 0)
    return io_error("linking " + abs + " to " + target + ": creating", tmp, errno);
  if (rename(tmp.c_str(), abs.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return io_error("linking " + target + " at", abs, err);
  }
  return sync_dir(dir).with_context("linking " + abs);
}

Result<std::string> FileStore::read_link(const std::string& link_path) const {
  ACME_RETURN_IF_ERROR(check_path(link_path, false));
  std::string abs = absolute(link_path);
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = readlink(abs.c_str(), &buf[0], buf.size());
    if (n < 0) {
      int err = errno;
      Code code = err == ENOENT   ? Code::kNotFound
                  : err == EINVAL ? Code::kInvalidArgument
                                  : Code::kIo;
      const char* cause = err == EINVAL ? "not a symbolic link" : std::strerror(err);
      return Status(code, "reading link " + abs + ": " + cause);
    }
    if (static_cast<std::size_t>(n) < buf.size()) return buf.substr(0, static_cast<std::size_t>(n));
    buf.resize(buf.size() * 2);  // possibly truncated: retry larger
  }
}

Status FileStore::make_dirs(const std::string& dir, int mode) {
  ACME_RETURN_IF_ERROR(check_path(dir, true));
  return make_dirs_abs(dir.empty() ? root_ : absolute(dir), mode);
}

Status FileStore::chown_tree(const std::string& dir, uid_t uid, gid_t gid) {
  ACME_RETURN_IF_ERROR(check_path(dir, true));
  std::string abs = dir.empty() ? root_ : absolute(dir);
  // lchown: a link must not redirect the parent's root powers outside the tree.
  Status s = walk_tree(abs, [uid, gid](const std::string& p, bool) {
    return lchown(p.c_str(), uid, gid) == 0 ? 0 : errno;
  });
  return s.with_context("changing owner of " + abs);
}

}  // namespace acme
