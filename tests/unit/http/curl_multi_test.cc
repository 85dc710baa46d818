// CurlMulti with a fiber dropped while its request is in flight: a watchdog
// that ends drops its suspended fibers (their stacks are unmapped without
// unwinding), and the multi handle goes on with their transfers when the
// next request drives it. Against a server on 127.0.0.1 that this test
// answers by hand, so the answer comes after the fiber is gone.
#include "http/curl_multi.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "base/fiber.h"
#include "http/curl_test_util.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

// A listening socket on 127.0.0.1 whose connections the test accepts and
// answers itself.
class HandServer {
 public:
  ~HandServer() {
    if (conn_ >= 0) close(conn_);
  }
  std::string url(const std::string& path) const { return listening_.url(path); }
  // Accepts the next connection and reads its request, driving the client
  // (multi.wait) between looks: up to 2 s.
  bool take_request(CurlMulti& multi) {
    for (int i = 0; i < 100 && conn_ < 0; ++i) {
      multi.wait(Millis(10));
      pollfd p{listening_.fd(), POLLIN, 0};
      if (poll(&p, 1, 10) == 1) conn_ = accept(listening_.fd(), nullptr, nullptr);
    }
    for (int i = 0; i < 100 && conn_ >= 0; ++i) {
      multi.wait(Millis(10));
      pollfd c{conn_, POLLIN, 0};
      char buf[4096];
      if (poll(&c, 1, 10) == 1) return read(conn_, buf, sizeof buf) > 0;
    }
    return false;
  }
  bool answer(const std::string& body) {
    const std::string text =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Many: 1\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    const bool sent = write(conn_, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    close(conn_);
    conn_ = -1;
    return sent;
  }

 private:
  acme_test::LoopbackPort listening_{true};
  int conn_ = -1;
};

}  // namespace

TEST_GROUP(CurlMulti){};

// Before the fix, the answer's headers were written into the dropped
// fiber's unmapped stack: this test ended in SIGSEGV.
TEST(CurlMulti, AFiberDroppedWhileItsRequestRunsLeavesTheHandleWorking) {
  HandServer server;
  CurlMulti multi;
  HttpOptions options;
  HttpRequest request;
  request.method = "GET";
  request.url = server.url("/dropped");
  bool returned = false;
  auto fiber = std::make_unique<Fiber>([&] {
    (void)multi.send(request, options);
    returned = true;
  });
  CHECK_TRUE(fiber->resume());  // suspended: its request is in flight
  CHECK_TRUE(server.take_request(multi));
  fiber.reset();  // dropped, as a watchdog that ends drops its fibers
  CHECK_TRUE(server.answer(std::string(20000, 'x')));
  for (int i = 0; i < 50 && multi.in_flight() > 0; ++i) multi.wait(Millis(20));
  LONGS_EQUAL(0, multi.in_flight());  // the dropped fiber's transfer ran to its end
  CHECK_FALSE(returned);

  // The handle serves the next request (outside a fiber: send drives it).
  request.url = server.url("/next");
  Result<HttpResponse> next = Status(Code::kPending, "not sent");
  Fiber sender([&] { next = multi.send(request, options); });
  CHECK_TRUE(sender.resume());
  CHECK_TRUE(server.take_request(multi));
  CHECK_TRUE(server.answer("next"));
  for (int i = 0; i < 50 && !sender.done(); ++i) {
    multi.wait(Millis(20));
    if (sender.ready()) sender.resume();
  }
  CHECK_TRUE(next.ok());
  LONGS_EQUAL(200, next->status);
  STRCMP_EQUAL("next", next->body.c_str());
}
