#include "httpd/log_sink.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <http_log.h>

APLOG_USE_MODULE(acme);

namespace acme {

namespace {
int ap_level(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return APLOG_ERR;
    case LogLevel::kWarn:
      return APLOG_WARNING;
    case LogLevel::kNotice:
      return APLOG_NOTICE;
    case LogLevel::kInfo:
      return APLOG_INFO;
    case LogLevel::kDebug:
      return APLOG_DEBUG;
  }
  return APLOG_INFO;
}
}  // namespace

void ServerLogSink::log(LogLevel level, int msgno, const std::string& message) {
  ap_log_error(APLOG_MARK, ap_level(level), 0, server_, "ACME%05d: %s", msgno, message.c_str());
}

}  // namespace acme
