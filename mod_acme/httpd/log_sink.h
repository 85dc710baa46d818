// ServerLogSink: the core's LogSink onto ap_log_error, as "ACMEnnnnn: text"
// so admins can grep stable message numbers.
#pragma once

#include <httpd.h>

#include "base/log.h"

namespace acme {

class ServerLogSink : public LogSink {
 public:
  explicit ServerLogSink(server_rec* s) : server_(s) {}
  void log(LogLevel level, int msgno, const std::string& message) override;

 private:
  server_rec* server_;
};

// Runs body; any exception is logged and turned into fallback, so none
// crosses into httpd's C frames.
template <class F>
auto guarded(server_rec* s, decltype(std::declval<F>()()) fallback, F&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    ServerLogSink(s).log(LogLevel::kError, kMsgGeneric, std::string("internal error: ") + e.what());
  } catch (...) {
    ServerLogSink(s).log(LogLevel::kError, kMsgGeneric, "internal error (unknown exception)");
  }
  return fallback;
}

}  // namespace acme
