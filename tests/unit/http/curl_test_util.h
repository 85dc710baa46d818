// Helpers for the libcurl tests: a local file that a file:// URL could read
// (so a refusal shows the protocol restriction, not a missing file) and a
// loopback port where nothing listens.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace acme_test {

// A temp file holding "secret", removed with the object.
class SecretFile {
 public:
  SecretFile() {
    char name[] = "/tmp/acme-curl-test.XXXXXX";
    int fd = mkstemp(name);
    if (fd >= 0) {
      ssize_t n = write(fd, "secret", 6);
      (void)n;
      close(fd);
      path_ = name;
    }
  }
  ~SecretFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  std::string url() const { return "file://" + path_; }

 private:
  std::string path_;
};

// A socket bound to a free port on 127.0.0.1, listening or not; closed
// with the object.
class LoopbackPort {
 public:
  explicit LoopbackPort(bool listening) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&a), len) == 0 &&
        (!listening || listen(fd_, 4) == 0) &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      port_ = ntohs(a.sin_port);
    }
  }
  ~LoopbackPort() {
    if (fd_ >= 0) close(fd_);
  }
  LoopbackPort(const LoopbackPort&) = delete;
  LoopbackPort& operator=(const LoopbackPort&) = delete;
  int fd() const { return fd_; }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  int fd_;
  int port_ = 0;
};

// Bound but not listening: a connect there is refused.
class ClosedPort : public LoopbackPort {
 public:
  ClosedPort() : LoopbackPort(false) {}
};

// Takes connections into its backlog and never answers: a request there
// waits for its timeout.
class SilentPort : public LoopbackPort {
 public:
  SilentPort() : LoopbackPort(true) {}
};

}  // namespace acme_test
