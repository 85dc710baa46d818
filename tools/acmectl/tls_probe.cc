#include "tls_probe.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "base/handle.h"
#include "crypto/key.h"

namespace acme::ctl {

namespace {

using AddrInfoDeleter = FreeWith<freeaddrinfo>;
using SslCtxDeleter = FreeWith<SSL_CTX_free>;
using SslDeleter = FreeWith<SSL_free>;

// Owns a socket descriptor; move-only.
class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Socket& operator=(Socket&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

Status network_error(const std::string& message) {
  return Status(Code::kNetwork, message);
}

std::string numeric_address(const addrinfo* ai) {
  char host[NI_MAXHOST], port[NI_MAXSERV];
  if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, port, sizeof port,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "?";
  }
  return ai->ai_family == AF_INET6 ? "[" + std::string(host) + "]:" + port
                                   : std::string(host) + ":" + port;
}

// Non-blocking connect bounded by timeout; then blocking I/O with
// SO_RCVTIMEO/SO_SNDTIMEO, which OpenSSL's socket BIO honours. Returns the
// connected descriptor, or -errno.
int connect_bounded(const addrinfo* ai, Seconds timeout) {
  Socket s(socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
  if (s.get() < 0) return -errno;
  int flags = fcntl(s.get(), F_GETFL);
  fcntl(s.get(), F_SETFL, flags | O_NONBLOCK);
  if (connect(s.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) return -errno;
    pollfd p{s.get(), POLLOUT, 0};
    int ready = poll(&p, 1, static_cast<int>(timeout.count() * 1000));
    if (ready == 0) return -ETIMEDOUT;
    int err = 0;
    socklen_t len = sizeof err;
    if (ready < 0 || getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) return -errno;
    if (err != 0) return -err;
  }
  fcntl(s.get(), F_SETFL, flags);
  timeval tv{static_cast<time_t>(timeout.count()), 0};
  setsockopt(s.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(s.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return s.release();
}

Result<Socket> connect_tcp(const Endpoint& address, Seconds timeout, std::string* peer) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(address.port);
  int rc = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) return network_error("cannot resolve " + address.host + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, AddrInfoDeleter> list(found);
  std::string errors;
  for (const addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
    *peer = numeric_address(ai);
    int fd = connect_bounded(ai, timeout);
    if (fd >= 0) return Socket(fd);
    std::string why = -fd == ETIMEDOUT
                          ? "no answer within " + std::to_string(timeout.count()) + " s"
                          : std::strerror(-fd);
    errors += (errors.empty() ? "" : "; ") + *peer + ": " + why;
  }
  return network_error("cannot connect to " + address.host + " port " + port + " (" + errors + ")");
}

Status handshake_error(SSL* ssl, int rc, const std::string& peer, Seconds timeout) {
  int saved_errno = errno;
  int kind = SSL_get_error(ssl, rc);
  std::string detail = openssl_errors();
  std::string prefix = "TLS handshake with " + peer + " failed: ";
  // SO_RCVTIMEO expiring reads as EAGAIN, which OpenSSL's BIO calls a retry.
  if (kind == SSL_ERROR_WANT_READ || kind == SSL_ERROR_WANT_WRITE ||
      (kind == SSL_ERROR_SYSCALL && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK))) {
    return network_error(prefix + "no answer within " + std::to_string(timeout.count()) + " s");
  }
  if (detail.find("wrong version number") != std::string::npos ||
      detail.find("packet length too long") != std::string::npos) {
    return network_error(prefix + detail + " (does this port speak plain HTTP, not HTTPS?)");
  }
  if (detail.empty()) {
    return network_error(prefix +
                         "the server closed the connection (is this an HTTPS port? "
                         "does a vhost here have a certificate for this name?)");
  }
  return network_error(prefix + detail);
}

std::vector<Certificate> peer_chain(SSL* ssl) {
  std::vector<Certificate> out;
  // On the client side the stack includes the leaf (SSL_get_peer_cert_chain(3)).
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
    X509* x = sk_X509_value(chain, i);
    X509_up_ref(x);
    out.emplace_back(x);
  }
  return out;
}

}  // namespace

Result<ProbeResult> probe_tls(const Endpoint& address, const std::string& server_name,
                              Seconds timeout) {
  ProbeResult result;
  Result<Socket> socket = connect_tcp(address, timeout, &result.peer);
  ACME_RETURN_IF_ERROR(socket);
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return crypto_error("creating a TLS context");
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // judged later, not here
  std::unique_ptr<SSL, SslDeleter> ssl(SSL_new(ctx.get()));
  if (!ssl || SSL_set_fd(ssl.get(), socket->get()) != 1)
    return crypto_error("creating a TLS connection");
  if (!is_ip_literal(server_name) &&
      SSL_set_tlsext_host_name(ssl.get(), server_name.c_str()) != 1) {
    return crypto_error("setting the server name " + server_name);
  }
  int rc = SSL_connect(ssl.get());
  if (rc != 1) return handshake_error(ssl.get(), rc, result.peer, timeout);
  result.served = peer_chain(ssl.get());
  result.protocol = SSL_get_version(ssl.get());
  result.cipher = SSL_get_cipher_name(ssl.get());
  SSL_shutdown(ssl.get());
  return result;
}

}  // namespace acme::ctl
