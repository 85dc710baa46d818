// ServerLogSink (httpd/glue.h): the core's LogSink onto ap_log_error.
#include "httpd/glue.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <http_log.h>

APLOG_USE_MODULE(acme);

namespace acme {

namespace {
// By LogLevel, in its order (kError ... kDebug).
constexpr int kApLevel[] = {APLOG_ERR, APLOG_WARNING, APLOG_NOTICE, APLOG_INFO, APLOG_DEBUG};
static_assert(static_cast<int>(LogLevel::kDebug) == 4, "kApLevel follows LogLevel");
}  // namespace

void ServerLogSink::log(LogLevel level, int msgno, const std::string& message) {
  ap_log_error(APLOG_MARK, kApLevel[static_cast<int>(level)], 0, server_, "ACME%05d: %s", msgno,
               message.c_str());
}

}  // namespace acme
