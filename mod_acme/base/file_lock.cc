#include "base/file_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

namespace acme {

Status FileLock::try_lock() {
  if (fd_ >= 0) return Status();
  int fd = open(path_.c_str(), O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
  if (fd < 0) {
    return Status(Code::kIo, "cannot open the lock file " + path_ + ": " + strerror(errno));
  }
  int rc;
  do {
    rc = flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    close(fd);
    if (err == EWOULDBLOCK) return Status(Code::kPending, path_ + " is locked by another process");
    return Status(Code::kIo, "cannot lock " + path_ + ": " + strerror(err));
  }
  fd_ = fd;
  return Status();
}

void FileLock::unlock() {
  if (fd_ >= 0) close(fd_);  // releases the flock
  fd_ = -1;
}

}  // namespace acme
