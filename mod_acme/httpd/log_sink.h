// ServerLogSink: the core's LogSink onto ap_log_error, as "ACMEnnnnn: text"
// so admins can grep stable message numbers.
#pragma once

#include <httpd.h>

#include "base/guard.h"
#include "base/log.h"

namespace acme {

class ServerLogSink : public LogSink {
 public:
  explicit ServerLogSink(server_rec* s) : server_(s) {}
  void log(LogLevel level, int msgno, const std::string& message) override;

 private:
  server_rec* server_;
};

// base/guard.h's guard, logging to s.
template <class F>
auto guarded(server_rec* s, decltype(std::declval<F>()()) fallback, F&& body) noexcept {
  ServerLogSink log(s);
  return run_guarded(log, fallback, std::forward<F>(body));
}

}  // namespace acme
