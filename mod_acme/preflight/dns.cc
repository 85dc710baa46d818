#include "preflight/dns.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "store/fd_walk.h"

namespace acme {

namespace {

constexpr int kAnswerMax = 65535;

// A res_state of its own (res_ninit: resolv.conf's servers), so nothing is
// shared with the process's resolver; --resolver replaces the servers.
class LibresolvResolver : public DnsResolver {
 public:
  LibresolvResolver() { std::memset(&state_, 0, sizeof(state_)); }
  ~LibresolvResolver() override {
    if (ready_) res_nclose(&state_);
  }
  LibresolvResolver(const LibresolvResolver&) = delete;
  LibresolvResolver& operator=(const LibresolvResolver&) = delete;

  Status init(const ResolverOptions& options) {
    if (res_ninit(&state_) != 0) return Status(Code::kIo, "res_ninit failed");
    ready_ = true;
    timeout_ = options.timeout;
    attempts_ = options.attempts;
    if (!options.server.empty()) return set_server(options.server, options.port);
    system_servers();
    return Status::ok_status();
  }

  // res_nquery would do, but glibc takes a NODATA answer without the AA and
  // RA bits for a referral and fails it (TRY_AGAIN): small test servers
  // (pebble-challtestsrv) answer so. So libresolv builds the question
  // (res_nmkquery) and parses the answer (ns_initparse), and we carry it.
  Result<DnsAnswer> query(const std::string& name, int type) override {
    unsigned char question[NS_PACKETSZ];
    int qlen = res_nmkquery(&state_, ns_o_query, name.c_str(), ns_c_in, type, nullptr, 0, nullptr,
                            question, sizeof(question));
    if (qlen < 0) return Status(Code::kInvalidArgument, "'" + name + "' is not a DNS name");
    std::string what = name + " (" + type_name(type) + ")";
    Result<std::string> reply = exchange(question, qlen, what);
    ACME_RETURN_IF_ERROR(reply);
    ns_msg msg;
    if (ns_initparse(reinterpret_cast<const unsigned char*>(reply->data()),
                     static_cast<int>(reply->size()), &msg) != 0)
      return Status(Code::kProtocol, "malformed DNS answer for " + what);
    DnsAnswer out;
    int rcode = ns_msg_getflag(msg, ns_f_rcode);
    if (rcode == ns_r_nxdomain) {
      out.nxdomain = true;
      return out;
    }
    if (rcode != ns_r_noerror)
      return Status(Code::kNetwork, "the DNS server " + server_text() + " answered " + what +
                                        " with RCODE " + std::to_string(rcode) +
                                        (rcode == ns_r_servfail ? " (SERVFAIL)" : "") +
                                        (rcode == ns_r_refused ? " (REFUSED)" : ""));
    for (int i = 0; i < ns_msg_count(msg, ns_s_an); ++i) {
      ns_rr rr;
      if (ns_parserr(&msg, ns_s_an, i, &rr) != 0) break;
      if (ns_rr_type(rr) != type) continue;  // the CNAMEs leading to it
      out.rdata.emplace_back(reinterpret_cast<const char*>(ns_rr_rdata(rr)), ns_rr_rdlen(rr));
    }
    return out;
  }

 private:
  static std::string type_name(int type) {
    return type == kDnsTypeA ? "A" : type == kDnsTypeAaaa ? "AAAA" : "CAA";
  }

  std::string server_text() const { return server_.empty() ? "of the system" : server_; }

  struct Server {
    sockaddr_storage address{};
    socklen_t length = 0;
  };

  // The system's servers as res_ninit read them from resolv.conf (IPv6 ones
  // sit in glibc's _u._ext.nsaddrs).
  void system_servers() {
    for (int i = 0; i < state_.nscount && i < MAXNS; ++i) {
      Server server;
      const sockaddr* sa = state_._u._ext.nsaddrs[i]
                               ? reinterpret_cast<const sockaddr*>(state_._u._ext.nsaddrs[i])
                               : reinterpret_cast<const sockaddr*>(&state_.nsaddr_list[i]);
      server.length = sa->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
      std::memcpy(&server.address, sa, server.length);
      servers_.push_back(server);
    }
  }

  Status set_server(const std::string& host, int port) {
    server_ = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
              std::to_string(port);
    Server server;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&server.address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&server.address);
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(static_cast<uint16_t>(port));
      server.length = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(static_cast<uint16_t>(port));
      server.length = sizeof(sockaddr_in6);
    } else {
      return Status(Code::kInvalidArgument, "'" + host + "' is not an IPv4 or IPv6 address");
    }
    servers_.assign(1, server);
    return Status::ok_status();
  }

  Result<std::string> exchange(const unsigned char* question, int qlen, const std::string& what) {
    Status last(Code::kNetwork, "no DNS server configured");
    for (const Server& server : servers_) {
      for (int attempt = 0; attempt < std::max(1, attempts_); ++attempt) {
        Result<std::string> reply = ask(server, question, qlen, false);
        if (reply.ok() && truncated(*reply)) reply = ask(server, question, qlen, true);
        if (reply.ok()) return reply;
        last = reply.status();
      }
    }
    return Status(Code::kNetwork, "the DNS server " + server_text() + " gave no answer for " +
                                      what + ": " + last.message());
  }

  static bool truncated(const std::string& reply) {
    return reply.size() > 2 && (static_cast<unsigned char>(reply[2]) & 0x02) != 0;
  }

  // One question, one answer: UDP, or TCP (two-octet length prefix, RFC 1035
  // §4.2.2) after a truncated UDP answer. Bounded by timeout_ either way.
  Result<std::string> ask(const Server& server, const unsigned char* question, int qlen, bool tcp) {
    fdwalk::Fd fd(socket(server.address.ss_family,
                         (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd.get() < 0) return Status(Code::kNetwork, std::strerror(errno));
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&server.address), server.length) != 0 &&
        errno != EINPROGRESS)
      return Status(Code::kNetwork, std::strerror(errno));
    std::string out(reinterpret_cast<const char*>(question), qlen);
    if (tcp)
      out.insert(0, std::string{static_cast<char>(qlen >> 8), static_cast<char>(qlen & 0xff)});
    ACME_RETURN_IF_ERROR(wait_for(fd.get(), POLLOUT, deadline));
    if (send(fd.get(), out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size()))
      return Status(Code::kNetwork, std::strerror(errno));
    std::string in;
    std::string buffer(kAnswerMax, '\0');  // on the heap: the watchdog's stack is not ours
    while (true) {
      ACME_RETURN_IF_ERROR(wait_for(fd.get(), POLLIN, deadline));
      ssize_t n = recv(fd.get(), buffer.data(), buffer.size(), 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0)
        return Status(Code::kNetwork, n == 0 ? "connection closed" : std::strerror(errno));
      if (!tcp) {
        // Another answer (a late one to an earlier question) is not ours.
        if (n >= 2 && std::memcmp(buffer.data(), question, 2) == 0) return buffer.substr(0, n);
        continue;
      }
      in.append(buffer.data(), n);
      if (in.size() >= 2) {
        std::size_t length =
            (static_cast<unsigned char>(in[0]) << 8) | static_cast<unsigned char>(in[1]);
        if (in.size() >= 2 + length) return in.substr(2, length);
      }
    }
  }

  static Status wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Status(Code::kTimeout, "timed out");
      pollfd p{fd, events, 0};
      int n = poll(&p, 1, static_cast<int>(left.count()));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status(Code::kNetwork, std::strerror(errno));
      if (n == 0) continue;
      if (p.revents & (POLLERR | POLLHUP) && !(p.revents & POLLIN)) {
        int error = 0;
        socklen_t len = sizeof(error);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
        return Status(Code::kNetwork, std::strerror(error ? error : ECONNREFUSED));
      }
      return Status::ok_status();
    }
  }

  struct __res_state state_;
  bool ready_ = false;
  std::string server_;
  std::vector<Server> servers_;
  std::chrono::milliseconds timeout_{2000};
  int attempts_ = 1;
};

}  // namespace

Result<std::unique_ptr<DnsResolver>> make_libresolv_resolver(const ResolverOptions& options) {
  auto resolver = std::make_unique<LibresolvResolver>();
  ACME_RETURN_IF_ERROR(resolver->init(options));
  return std::unique_ptr<DnsResolver>(std::move(resolver));
}

std::string address_text(const std::string& rdata) {
  char text[INET6_ADDRSTRLEN] = "";
  if (rdata.size() == 4) inet_ntop(AF_INET, rdata.data(), text, sizeof(text));
  if (rdata.size() == 16) inet_ntop(AF_INET6, rdata.data(), text, sizeof(text));
  return text;
}

namespace {

bool ip_literal(const std::string& text, int family) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(family, text.c_str(), buffer) == 1;
}

// "53" -> 53; 0 when not a port number.
int port_number(const std::string& text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
    return 0;
  int port = std::stoi(text);
  return port <= 65535 ? port : 0;
}

}  // namespace

Result<ResolverOptions> parse_resolver_address(const std::string& text) {
  ResolverOptions o;
  std::string port = "53";
  if (!text.empty() && text[0] == '[') {  // [IPv6] or [IPv6]:port
    std::size_t close = text.find(']');
    if (close != std::string::npos) o.server = text.substr(1, close - 1);
    bool tail_ok =
        close != std::string::npos && (close + 1 == text.size() || text[close + 1] == ':');
    if (tail_ok && close + 1 < text.size()) port = text.substr(close + 2);
    if (!tail_ok || !ip_literal(o.server, AF_INET6)) o.server.clear();
  } else {
    std::size_t colon = text.find(':');
    o.server = text.substr(0, colon);
    if (colon != std::string::npos) port = text.substr(colon + 1);
    if (!ip_literal(o.server, AF_INET)) o.server.clear();
  }
  o.port = port_number(port);
  if (o.server.empty() || o.port == 0) {
    return Status(Code::kInvalidArgument,
                  "is not the address of a DNS server; write an IPv4 address or an IPv6 "
                  "address in brackets, with its port, e.g. 127.0.0.1:53 or [::1]:5353");
  }
  return o;
}

}  // namespace acme
