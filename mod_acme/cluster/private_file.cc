#include "cluster/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>

#include "store/fd_walk.h"

namespace acme {

namespace {

using fdwalk::Fd;

constexpr int kMaxLinks = 16;

// Root's, or the caller's: nobody else can have made or changed it.
bool owned(const struct stat& st) {
  return st.st_uid == 0 || st.st_uid == geteuid();
}

Status not_trusted(const std::string& what, const struct stat& st) {
  char mode[8];
  snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return Status(Code::kInvalidArgument,
                what + " belongs to uid " + std::to_string(st.st_uid) + " with mode " + mode +
                    ": another user could change what root reads there; keep the file in a "
                    "directory only root can write (e.g. /etc/apache2)");
}

// Others may add names to a sticky directory, but not replace root's.
Status check_dir(int fd, const std::string& shown) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Status(Code::kIo, shown + ": " + strerror(errno));
  bool others_write = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  if (owned(st) && (!others_write || (st.st_mode & S_ISVTX))) return Status();
  return not_trusted("the directory " + shown, st);
}

// The components of path, "" and "." dropped, in front of rest.
void push_front(const std::string& path, std::deque<std::string>* rest) {
  std::deque<std::string> parts;
  for (std::size_t at = 0; at <= path.size();) {
    std::size_t end = path.find('/', at);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(at, end - at);
    if (!part.empty() && part != ".") parts.push_back(part);
    at = end + 1;
  }
  rest->insert(rest->begin(), parts.begin(), parts.end());
}

std::string join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

Result<std::string> read_final(int dir, const std::string& name, const std::string& shown,
                               std::size_t max_bytes) {
  Fd fd(openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return Status(Code::kIo, shown + " cannot be opened: " + strerror(errno));
  struct stat st;
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status(Code::kInvalidArgument, shown + " is not a regular file");
  }
  if (!owned(st)) return not_trusted(shown, st);
  if (st.st_mode & 077) {
    return Status(Code::kInvalidArgument, shown + ": group or others may access it",
                  kPrivateFileMode);
  }
  std::string text(max_bytes + 1, '\0');
  ssize_t n = read(fd.get(), &text[0], text.size());
  if (n < 0) return Status(Code::kIo, shown + " cannot be read: " + strerror(errno));
  if (static_cast<std::size_t>(n) > max_bytes) {
    return Status(Code::kInvalidArgument,
                  shown + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  text.resize(static_cast<std::size_t>(n));
  return text;
}

// Where the link name in dir points: its components join rest; an absolute
// target starts again from "/".
Status follow(Fd* dir, std::string* shown, const std::string& name, std::deque<std::string>* rest) {
  char target[4096];
  ssize_t n = readlinkat(dir->get(), name.c_str(), target, sizeof target - 1);
  if (n <= 0) return Status(Code::kIo, join(*shown, name) + ": the link cannot be read");
  target[n] = '\0';
  if (target[0] == '/') {
    *dir = Fd(open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    *shown = "/";
  }
  push_front(target, rest);
  return Status();
}

}  // namespace

Result<std::string> read_private_file(const std::string& path, std::size_t max_bytes) {
  std::deque<std::string> rest;
  push_front(path, &rest);
  if (path.empty() || path[0] != '/' || rest.empty()) {
    return Status(Code::kInvalidArgument, "'" + path + "' is not the absolute path of a file");
  }
  Fd dir(open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  std::string shown = "/";
  for (int links = 0;;) {
    ACME_RETURN_IF_ERROR(check_dir(dir.get(), shown));
    std::string name = rest.front();
    rest.pop_front();
    std::string here = join(shown, name);
    struct stat st;
    if (fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      Code code = errno == ENOENT ? Code::kNotFound : Code::kIo;
      return Status(code, here + ": " + strerror(errno));
    }
    if (!owned(st)) return not_trusted(here, st);
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxLinks) return Status(Code::kInvalidArgument, path + ": too many links");
      ACME_RETURN_IF_ERROR(follow(&dir, &shown, name, &rest));
      if (rest.empty()) return Status(Code::kInvalidArgument, here + " leads to no file");
      continue;
    }
    if (rest.empty()) return read_final(dir.get(), name, here, max_bytes);
    Fd next(openat(dir.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (next.get() < 0) return Status(Code::kIo, here + ": " + strerror(errno));
    dir = std::move(next);
    shown = here;
  }
}

}  // namespace acme
