// fd_walk: implements store/fd_walk.h. Every call here names a file only
// relative to a directory descriptor the walk opened itself.
#include "store/fd_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "store/store.h"

namespace acme::fdwalk {

namespace {

// Link hops per lookup (live/<name> needs one) and depth of a removed tree
// (the store nests four levels): bounds on what a child user can make us walk.
constexpr int kMaxLinkHops = 8;
constexpr int kMaxRemoveDepth = 16;
constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// Trivially destructible, so safe in a DSO that httpd unloads and reloads.
std::atomic<unsigned long> g_temp_counter{0};

std::string temp_name(const std::string& name) {
  return name + ".tmp." + std::to_string(getpid()) + "." + std::to_string(++g_temp_counter);
}

Status not_found(const std::string& action, const std::string& shown) {
  return Status(Code::kNotFound, action + " " + shown + ": " + std::strerror(ENOENT));
}

bool is_link_at(int dir, const std::string& name) {
  struct stat st;
  return fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

// Opens (or with create, makes) one directory below dir; -1 with errno set.
int open_component(int dir, const std::string& name, bool create, int mode) {
  int fd = openat(dir, name.c_str(), kDirFlags);
  if (fd >= 0 || errno != ENOENT || !create) return fd;
  bool made = mkdirat(dir, name.c_str(), static_cast<mode_t>(mode)) == 0;
  if (!made && errno != EEXIST) return -1;
  fd = openat(dir, name.c_str(), kDirFlags);
  // fchmod on what we opened: mkdirat applied the umask.
  if (fd >= 0 && made && fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

// Where a link at parts[0..at) points, as store components; empty with
// *inside false when it leaves the store or is absolute.
std::vector<std::string> link_target(const std::vector<std::string>& parts, std::size_t at,
                                     const std::string& target, bool* inside) {
  std::vector<std::string> out(parts.begin(), parts.begin() + static_cast<long>(at));
  *inside = !target.empty() && target[0] != '/';
  for (const auto& part : components(target)) {
    if (part != "..") {
      out.push_back(part);
    } else if (out.empty()) {
      *inside = false;
    } else {
      out.pop_back();
    }
  }
  return out;
}

Result<Fd> open_dir_hops(int root, const std::vector<std::string>& parts, bool create, int mode,
                         const std::string& shown, int hops);

// parts[at] in dir is not a directory: follow it if it is a link the rule
// allows (header), else say why not.
Result<Fd> follow_link(int root, int dir, const std::vector<std::string>& parts, std::size_t at,
                       bool create, int mode, const std::string& shown, int hops) {
  if (!is_link_at(dir, parts[at]))
    return Status(Code::kIo, "opening " + shown + ": " + parts[at] + " is not a directory");
  struct stat st;
  if (fstat(dir, &st) != 0) return io_error("opening", shown, errno);
  if (!trusted_dir(st) || hops >= kMaxLinkHops) {
    return Status(Code::kIo, "opening " + shown + ": " + parts[at] +
                                 " is a symbolic link in a directory other users can write; "
                                 "not followed (remove the link)");
  }
  auto target = read_link(dir, parts[at], shown);
  if (!target.ok()) return target.status();
  bool inside = false;
  auto next = link_target(parts, at, *target, &inside);
  if (!inside)
    return Status(Code::kIo, "opening " + shown + ": the link " + parts[at] + " -> " + *target +
                                 " leaves the store; not followed");
  next.insert(next.end(), parts.begin() + static_cast<long>(at) + 1, parts.end());
  return open_dir_hops(root, next, create, mode, shown, hops + 1);
}

Result<Fd> open_dir_hops(int root, const std::vector<std::string>& parts, bool create, int mode,
                         const std::string& shown, int hops) {
  Fd cur(openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (cur.get() < 0) return io_error("opening", shown, errno);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    int fd = open_component(cur.get(), parts[i], create, mode);
    if (fd >= 0) {
      cur = Fd(fd);
      continue;
    }
    if (errno == ENOENT) return not_found("opening", shown);
    if (errno != ENOTDIR && errno != ELOOP) return io_error("opening", shown, errno);
    return follow_link(root, cur.get(), parts, i, create, mode, shown, hops);
  }
  return cur;
}

// Root reading in a directory a child user owns: only that user's files,
// or root's own with one link (never a hard link to a file outside).
Status check_owner(int dir, const struct stat& st, const std::string& shown) {
  if (geteuid() != 0) return Status();
  struct stat dst;
  if (fstat(dir, &dst) != 0) return io_error("reading", shown, errno);
  if (trusted_dir(dst)) return Status();
  if (st.st_uid == dst.st_uid && dst.st_uid != 0) return Status();
  if (st.st_uid == 0 && st.st_nlink == 1) return Status();
  return Status(Code::kIo, "reading " + shown + ": owned by uid " + std::to_string(st.st_uid) +
                               " with " + std::to_string(st.st_nlink) +
                               " link(s) in a directory of uid " + std::to_string(dst.st_uid) +
                               "; root does not read it (a hard link to another file?)");
}

Result<std::string> read_all(int fd, const std::string& shown) {
  std::string data;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("reading", shown, errno);
    if (n == 0) return data;
    data.append(buf, static_cast<std::size_t>(n));
    if (data.size() > kMaxStoreFileSize)  // it grew after fstat
      return Status(Code::kIo, "reading " + shown + ": larger than 1 MiB");
  }
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

Status sync_dir(int dir, const std::string& shown) {
  return fsync(dir) == 0 ? Status() : io_error("syncing the directory of", shown, errno);
}

Status remove_at(int dir, const std::string& name, const std::string& shown, int depth);

// name in dir is (or was) a directory: empty it through its own descriptor,
// then rmdir. A directory swapped for a link meanwhile loses the link only.
Status remove_dir_at(int dir, const std::string& name, const std::string& shown, int depth) {
  if (depth >= kMaxRemoveDepth)
    return Status(Code::kIo, "removing " + shown + ": nested too deep; remove it by hand");
  for (int attempt = 0; attempt < 3; ++attempt) {
    Fd sub(openat(dir, name.c_str(), kDirFlags));
    if (sub.get() < 0) {
      if (errno == ENOENT) return Status();
      if (errno != ENOTDIR && errno != ELOOP) return io_error("removing", shown, errno);
      if (unlinkat(dir, name.c_str(), 0) == 0 || errno == ENOENT) return Status();
      if (errno != EISDIR) return io_error("removing", shown, errno);
      continue;  // a directory again: swapped back
    }
    auto names = list(sub.get(), shown);
    if (!names.ok()) return names.status();
    for (const auto& n : *names)
      ACME_RETURN_IF_ERROR(remove_at(sub.get(), n, shown + "/" + n, depth + 1));
    if (unlinkat(dir, name.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) return Status();
    if (errno != ENOTEMPTY && errno != EEXIST && errno != ENOTDIR)
      return io_error("removing", shown, errno);
  }
  return io_error("removing", shown, ENOTEMPTY);  // refilled as fast as we empty it
}

Status remove_at(int dir, const std::string& name, const std::string& shown, int depth) {
  if (unlinkat(dir, name.c_str(), 0) == 0 || errno == ENOENT) return Status();
  // Linux says EISDIR for a directory; POSIX allows EPERM.
  if (errno != EISDIR && errno != EPERM) return io_error("removing", shown, errno);
  return remove_dir_at(dir, name, shown, depth);
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) close(fd_);
}

int Fd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

Status io_error(const std::string& action, const std::string& path, int err) {
  return Status(Code::kIo, action + " " + path + ": " + std::strerror(err));
}

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> parts;
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t end = std::min(path.find('/', start), path.size());
    std::string part = path.substr(start, end - start);
    if (!part.empty() && part != ".") parts.push_back(part);
    start = end + 1;
  }
  return parts;
}

bool trusted_dir(const struct stat& st) {
  return (st.st_uid == 0 || st.st_uid == geteuid()) && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

Result<Fd> open_dir(int root, const std::vector<std::string>& parts, bool create, int mode,
                    const std::string& shown) {
  return open_dir_hops(root, parts, create, mode, shown, 0);
}

Result<std::string> read_file(int dir, const std::string& name, const std::string& shown) {
  // O_NONBLOCK: a FIFO planted here must not hang the open.
  Fd fd(openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return not_found("reading", shown);
    if (errno == ELOOP)
      return Status(Code::kIo, "reading " + shown + ": a symbolic link; not followed");
    return io_error("reading", shown, errno);
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return io_error("reading", shown, errno);
  if (!S_ISREG(st.st_mode)) return Status(Code::kIo, "reading " + shown + ": not a regular file");
  if (static_cast<unsigned long long>(st.st_size) > kMaxStoreFileSize) {
    return Status(Code::kIo, "reading " + shown + ": " + std::to_string(st.st_size) +
                                 " bytes, more than the 1 MiB a store file may have; "
                                 "not a file mod_acme wrote (remove it)");
  }
  ACME_RETURN_IF_ERROR(check_owner(dir, st, shown));
  return read_all(fd.get(), shown);
}

Status write_file(int dir, const std::string& name, const std::string& data, int mode,
                  long fail_after, const std::string& shown, bool sync) {
  const std::string tmp = temp_name(name);
  Fd fd(openat(dir, tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
               static_cast<mode_t>(mode)));
  if (fd.get() < 0) return io_error("writing", shown, errno);
  // fchmod because openat applied the umask; privkey.pem must be exactly 0600.
  int err = fchmod(fd.get(), static_cast<mode_t>(mode)) != 0 ? errno : 0;
  if (err == 0) err = write_all(fd.get(), data, fail_after);
  if (err == 0 && sync && fsync(fd.get()) != 0) err = errno;
  if (close(fd.release()) != 0 && err == 0) err = errno;
  if (err == 0 && renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) err = errno;
  if (err != 0) {
    unlinkat(dir, tmp.c_str(), 0);
    return io_error("writing", shown, err);
  }
  return sync ? sync_dir(dir, shown) : Status();
}

Status remove(int dir, const std::string& name, const std::string& shown) {
  ACME_RETURN_IF_ERROR(remove_at(dir, name, shown, 0));
  return sync_dir(dir, shown);
}

Result<std::vector<std::string>> list(int dir, const std::string& shown) {
  // A descriptor of its own: readdir's position must not be shared.
  int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* d = fd < 0 ? nullptr : fdopendir(fd);
  if (d == nullptr) {
    int err = errno;
    if (fd >= 0) close(fd);
    return io_error("listing", shown, err);
  }
  std::vector<std::string> names;
  while (dirent* entry = readdir(d)) {
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
      names.push_back(entry->d_name);
  }
  closedir(d);
  return names;
}

Status link(int dir, const std::string& target, const std::string& name, const std::string& shown) {
  // symlinkat refuses to replace; renameat of a fresh link swaps atomically,
  // so a reader of live/<name>/ sees the old set or the new, never neither.
  const std::string tmp = temp_name(name);
  if (symlinkat(target.c_str(), dir, tmp.c_str()) != 0)
    return io_error("linking " + shown + " to " + target + ": creating", tmp, errno);
  if (renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) {
    int err = errno;
    unlinkat(dir, tmp.c_str(), 0);
    return io_error("linking " + target + " at", shown, err);
  }
  return sync_dir(dir, shown);
}

Result<std::string> read_link(int dir, const std::string& name, const std::string& shown) {
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = readlinkat(dir, name.c_str(), &buf[0], buf.size());
    if (n < 0) {
      int err = errno;
      Code code = err == ENOENT   ? Code::kNotFound
                  : err == EINVAL ? Code::kInvalidArgument
                                  : Code::kIo;
      const char* cause = err == EINVAL ? "not a symbolic link" : std::strerror(err);
      return Status(code, "reading link " + shown + ": " + cause);
    }
    if (static_cast<std::size_t>(n) < buf.size()) return buf.substr(0, static_cast<std::size_t>(n));
    if (buf.size() >= 4096) return Status(Code::kIo, "reading link " + shown + ": too long");
    buf.resize(buf.size() * 2);  // possibly truncated: retry larger
  }
}

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

}  // namespace acme::fdwalk
