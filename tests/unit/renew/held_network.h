// Test doubles for a network that does not answer, as the watchdog sees it
// through CurlMulti (http/curl_multi.h).
//
// HeldClient forwards to another HttpClient, but a request it holds (all,
// or those `holds` picks) stays in flight while *hold is true. Inside a
// Fiber that is a suspended fiber; outside one it is what a blocking client
// does: the fake clock passes libcurl's whole timeout (30 s) and the
// request fails. ClockDriver stands for CurlMulti: each wait passes time on
// the fake clock, and it counts the held requests as in flight.
#pragma once

#include <functional>
#include <string>

#include "base/fake_clock.h"
#include "base/fiber.h"
#include "http/http_client.h"
#include "renew/renew_test_util.h"

namespace acme {
namespace testing {

class HeldClient : public HttpClient {
 public:
  HeldClient(HttpClient& next, FakeClock& clock, const bool* hold, int* in_flight,
             std::function<bool(const HttpRequest&)> holds = nullptr)
      : next_(next), clock_(clock), hold_(hold), in_flight_(in_flight), holds_(std::move(holds)) {}
  Result<HttpResponse> send(const HttpRequest& request) override {
    if (!*hold_ || (holds_ && !holds_(request))) return next_.send(request);
    if (!Fiber::current()) {
      clock_.advance(Seconds(30));
      return Status(Code::kNetwork, request.url + ": operation timed out after 30000 ms");
    }
    ++*in_flight_;
    while (*hold_) Fiber::yield();
    --*in_flight_;
    return next_.send(request);
  }

 private:
  HttpClient& next_;
  FakeClock& clock_;
  const bool* hold_;
  int* in_flight_;
  std::function<bool(const HttpRequest&)> holds_;
};

class ClockDriver : public HttpDriver {
 public:
  ClockDriver(FakeClock& clock, const int* in_flight) : clock_(clock), in_flight_(in_flight) {}
  void wait(Millis max_wait) override { clock_.advance(max_wait); }
  std::size_t in_flight() const override { return static_cast<std::size_t>(*in_flight_); }

 private:
  FakeClock& clock_;
  const int* in_flight_;
};

}  // namespace testing
}  // namespace acme
